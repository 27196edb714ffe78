/**
 * A rule as `iptables -S` / iptables-save print it (iptables 1.8.9 nf_tables): the canonical text
 * traces quote and -D/-C compare, built from the same per-module save() order as libxtables.
 */
import { formatIpv4, maskToPrefixLen } from '../../wire/addr.js';
import type { IcmpMatch, IpSpec, Match, PortRange, Rule, Target } from './rule.js';
import { PROTO_BY_NUMBER } from './netdb.js';
import { IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './rule.js';

/** xtables_chain_protos: the names iptables prints before falling back to /etc/protocols. */
const CHAIN_PROTOS: Record<number, string> = { 6: 'tcp', 132: 'sctp', 17: 'udp', 136: 'udplite', 1: 'icmp', 58: 'icmpv6', 50: 'esp', 51: 'ah', 135: 'mh' };

/** proto_to_name(): iptables' own table, then getprotobynumber, else undefined (print the number). */
export function protoName(proto: number): string | undefined {
  // getprotobynumber first (58 is "ipv6-icmp" there), iptables' own names as the fallback.
  return PROTO_BY_NUMBER[proto] ?? CHAIN_PROTOS[proto];
}

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** xtables_ipmask_to_numeric: "/len" for a contiguous mask, dotted otherwise. */
export function maskSuffix(mask: number): string {
  const len = maskToPrefixLen(mask >>> 0);
  return len === undefined ? '/' + formatIpv4(mask >>> 0) : '/' + len;
}

/**
 * xtables_save_string: bare when made only of [A-Za-z0-9_-], else double-quoted with ", \ and '
 * escaped by a backslash.
 */
export function quoteSave(s: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(s)) return s;
  return '"' + s.replace(/["\\']/g, (c) => '\\' + c) + '"';
}

const TCP_FLAG_NAMES: [string, number][] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
];

export function tcpFlagsText(v: number): string {
  if (v === 0) return 'NONE';
  return TCP_FLAG_NAMES.filter(([, b]) => v & b)
    .map(([n]) => n)
    .join(',');
}

function ipSpecSave(ip: IpSpec, out: string[]): void {
  if (ip.srcMask !== 0 || ip.invSrc) out.push((ip.invSrc ? '! ' : '') + '-s ' + formatIpv4(ip.src) + maskSuffix(ip.srcMask));
  if (ip.dstMask !== 0 || ip.invDst) out.push((ip.invDst ? '! ' : '') + '-d ' + formatIpv4(ip.dst) + maskSuffix(ip.dstMask));
  if (ip.iif) out.push((ip.invIif ? '! ' : '') + '-i ' + ip.iif);
  if (ip.oif) out.push((ip.invOif ? '! ' : '') + '-o ' + ip.oif);
  if (ip.proto !== 0) out.push((ip.invProto ? '! ' : '') + '-p ' + (protoName(ip.proto) ?? String(ip.proto)));
}

function rangeSave(opt: string, r: PortRange | undefined, out: string[]): void {
  if (!r) return;
  if (r.lo === 0 && r.hi === 0xffff && !r.inv) return;
  out.push((r.inv ? '! ' : '') + opt + ' ' + (r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`));
}

export function icmpTypeSave(m: IcmpMatch): string {
  if (m.type === 0xff) return 'any';
  if (m.codeMin === 0 && m.codeMax === 0xff) return String(m.type);
  return `${m.type}/${m.codeMin}`;
}

/** "%.11f" of probability / 2^31, as libxt_statistic prints the stored fixed-point value. */
export function probabilityText(p: number): string {
  return (p / 0x80000000).toFixed(11);
}

/** One match's save() text, without the leading "-m name". */
export function matchSave(m: Match): string {
  const out: string[] = [];
  switch (m.name) {
    case 'tcp':
    case 'udp':
    case 'sctp':
      rangeSave('--sport', m.sport, out);
      rangeSave('--dport', m.dport, out);
      if (m.name === 'tcp' && m.tcpFlags) {
        out.push((m.tcpFlags.inv ? '! ' : '') + '--tcp-flags ' + tcpFlagsText(m.tcpFlags.mask) + ' ' + tcpFlagsText(m.tcpFlags.comp));
      }
      break;
    case 'icmp':
      out.push((m.inv ? '! ' : '') + '--icmp-type ' + icmpTypeSave(m));
      break;
    case 'comment':
      out.push('--comment ' + quoteSave(m.comment));
      break;
    case 'multiport': {
      const opt = m.dir === 'src' ? '--sports' : m.dir === 'dst' ? '--dports' : '--ports';
      out.push((m.inv ? '! ' : '') + opt + ' ' + m.ports.map((p) => (p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`)).join(','));
      break;
    }
    case 'mark':
      out.push((m.inv ? '! ' : '') + '--mark ' + hex(m.mark) + (m.mask === 0xffffffff ? '' : '/' + hex(m.mask)));
      break;
    case 'conntrack':
      if (m.ctstate) out.push((m.ctstate.inv ? '! ' : '') + '--ctstate ' + m.ctstate.states.join(','));
      if (m.ctorigdst) {
        const suffix = m.ctorigdst.mask === 0xffffffff ? '' : maskSuffix(m.ctorigdst.mask);
        out.push((m.ctorigdst.inv ? '! ' : '') + '--ctorigdst ' + formatIpv4(m.ctorigdst.addr) + suffix);
      }
      if (m.ctorigdstport) {
        const p = m.ctorigdstport;
        out.push((p.inv ? '! ' : '') + '--ctorigdstport ' + (p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`));
      }
      break;
    case 'state':
      out.push((m.inv ? '! ' : '') + '--state ' + m.states.join(','));
      break;
    case 'addrtype':
      if (m.src) out.push((m.src.inv ? '! ' : '') + '--src-type ' + m.src.types.join(','));
      if (m.dst) out.push((m.dst.inv ? '! ' : '') + '--dst-type ' + m.dst.types.join(','));
      if (m.limitIfaceIn) out.push('--limit-iface-in');
      if (m.limitIfaceOut) out.push('--limit-iface-out');
      break;
    case 'statistic':
      // libxt_statistic prints the "!" after the mode: "--mode random ! --probability P".
      if (m.mode === 'random') {
        out.push('--mode random' + (m.inv ? ' !' : '') + ' --probability ' + probabilityText(m.probability));
      } else {
        out.push('--mode nth' + (m.inv ? ' !' : '') + ` --every ${m.every} --packet ${m.packet}`);
      }
      break;
    case 'physdev':
      if (m.isIn) out.push((m.isIn.inv ? '! ' : '') + '--physdev-is-in');
      if (m.physdevIn) out.push((m.physdevIn.inv ? '! ' : '') + '--physdev-in ' + m.physdevIn.dev);
      if (m.isOut) out.push((m.isOut.inv ? '! ' : '') + '--physdev-is-out');
      if (m.physdevOut) out.push((m.physdevOut.inv ? '! ' : '') + '--physdev-out ' + m.physdevOut.dev);
      if (m.isBridged) out.push((m.isBridged.inv ? '! ' : '') + '--physdev-is-bridged');
      break;
    case 'recent':
      // recent_save(): the operation (after "!"), modifiers, then name, mask and side, always.
      out.push((m.inv ? '! ' : '') + '--' + m.op);
      if (m.seconds) out.push('--seconds ' + (m.seconds | 0));
      if (m.reap) out.push('--reap');
      if (m.hitcount) out.push('--hitcount ' + (m.hitcount | 0));
      if (m.rttl) out.push('--rttl');
      out.push('--name ' + m.list, '--mask ' + formatIpv4(m.mask), m.side === 'source' ? '--rsource' : '--rdest');
      break;
    case 'set':
      out.push((m.inv ? '! ' : '') + '--match-set ' + m.setName + ' ' + m.flags.join(','));
      break;
  }
  return out.join(' ');
}

export function natRangeText(r: { minIp?: number; maxIp?: number; minPort?: number; maxPort?: number }): string {
  let s = '';
  if (r.minIp !== undefined) {
    s += formatIpv4(r.minIp);
    if (r.maxIp !== undefined && r.maxIp !== r.minIp) s += '-' + formatIpv4(r.maxIp);
  }
  if (r.minPort !== undefined) {
    s += ':' + r.minPort;
    if (r.maxPort !== undefined && r.maxPort !== r.minPort) s += '-' + r.maxPort;
  }
  return s;
}

/** The name -L prints in the target column and -S after -j (NOTRACK shows as CT in -L only). */
export function targetName(t: Target): string {
  return t.name === 'jump' ? t.chain : t.name;
}

/** The target's save() text, without "-j NAME". */
export function targetSave(t: Target): string {
  const out: string[] = [];
  switch (t.name) {
    case 'REJECT':
      out.push('--reject-with ' + t.with);
      break;
    case 'DNAT':
    case 'SNAT':
      out.push((t.name === 'DNAT' ? '--to-destination ' : '--to-source ') + natRangeText(t.range));
      if (t.random) out.push('--random');
      if (t.randomFully) out.push('--random-fully');
      if (t.persistent) out.push('--persistent');
      break;
    case 'MASQUERADE':
      if (t.minPort !== undefined) out.push('--to-ports ' + t.minPort + (t.maxPort !== t.minPort ? '-' + t.maxPort : ''));
      if (t.random) out.push('--random');
      if (t.randomFully) out.push('--random-fully');
      break;
    case 'MARK':
      out.push('--set-xmark ' + hex(t.value) + '/' + hex(t.mask));
      break;
    case 'CONNMARK':
      if (t.mode === 'set') out.push('--set-xmark ' + hex(t.value) + '/' + hex(t.mask));
      else out.push(`--${t.mode}-mark --nfmask ${hex(t.nfmask)} --ctmask ${hex(t.ctmask)}`);
      break;
    case 'LOG':
      if (t.prefix !== undefined) out.push('--log-prefix ' + quoteSave(t.prefix));
      if (t.level !== 4) out.push('--log-level ' + t.level);
      if (t.flags & 1) out.push('--log-tcp-sequence');
      if (t.flags & 2) out.push('--log-tcp-options');
      if (t.flags & 4) out.push('--log-ip-options');
      if (t.flags & 8) out.push('--log-uid');
      if (t.flags & 32) out.push('--log-macdecode');
      break;
    case 'CT':
      if (t.notrack) out.push('--notrack');
      if (t.zone !== undefined) out.push('--zone ' + t.zone);
      break;
    default:
      break;
  }
  return out.join(' ');
}

/** Matches the user gives with -p alone still print as "-m tcp": the module name per match. */
function matchModule(m: Match): string {
  return m.name;
}

/**
 * The rule text after "-A CHAIN": IP header fields, then each match as "-m NAME opts", then
 * "-c P B" when counters are asked for (`-S -v`), then "-j TARGET opts" / "-g CHAIN".
 */
export function ruleSpec(rule: Rule, withCounters = false, cache = true): string {
  if (!withCounters && rule.spec !== undefined) return rule.spec;
  const out: string[] = [];
  ipSpecSave(rule.ip, out);
  for (const m of rule.matches) {
    const body = matchSave(m);
    out.push('-m ' + matchModule(m) + (body ? ' ' + body : ''));
  }
  if (withCounters) out.push(`-c ${rule.counters.pkts} ${rule.counters.bytes}`);
  const t = rule.target;
  if (t) {
    if (t.name === 'jump') out.push((t.goto ? '-g ' : '-j ') + t.chain);
    else {
      const body = targetSave(t);
      out.push('-j ' + t.name + (body ? ' ' + body : ''));
    }
  }
  const text = out.join(' ');
  // Cached for -D/-C comparisons and traces; a full save does not cache (320,000 strings of heap).
  if (!withCounters && cache) rule.spec = text;
  return text;
}

export { IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP };
