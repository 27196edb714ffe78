/**
 * `iptables -L` output, column for column as iptables 1.8.9 (nf_tables) prints it: print_header(),
 * print_rule_details(), the interface and address columns, then each match's and target's print()
 * text — with -n, -v, -x and --line-numbers.
 */
import { formatIpv4 } from '../../wire/addr.js';
import { SERVICE_BY_PORT } from '../../kernel/netfilter/netdb.js';
import type { Match, Rule, Target } from '../../kernel/netfilter/rule.js';
import type { NfChain, NfTable } from '../../kernel/netfilter/ruleset.js';
import { hex, maskSuffix, matchSave, natRangeText, probabilityText, protoName, tcpFlagsText } from '../../kernel/netfilter/spec.js';
import { ICMP_CODES } from './values.js';

export interface ListFormat {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

const padEnd = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padStart = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** xtables_print_num(): exact "%8llu " with -x, else 5 columns with K/M/G/T suffixes. */
export function printNum(n: number, f: ListFormat, notable = false): string {
  if (f.exact) return notable ? `${n} ` : padStart(String(n), 8) + ' ';
  if (n <= 99999) return notable ? `${n} ` : padStart(String(n), 5) + ' ';
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  for (const u of units) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || u === 'T') return notable ? `${v}${u} ` : padStart(String(v), 4) + u + ' ';
  }
  return `${v} `;
}

export function chainHeader(table: NfTable, chain: NfChain, f: ListFormat): string {
  let s = `Chain ${chain.name}`;
  if (chain.builtin) {
    s += ` (policy ${chain.policy}`;
    if (f.verbose) s += ' ' + printNum(chain.counters.pkts, f, true) + 'packets, ' + printNum(chain.counters.bytes, f, true) + 'bytes';
    s += ')\n';
  } else {
    s += ` (${table.references(chain.name)} references)\n`;
  }
  let h = '';
  if (f.lineNumbers) h += padEnd('num', 4) + ' ';
  if (f.verbose) {
    // print_header(): "%8s %10s " with -x, "%5s %5s " otherwise (rule lines use %8llu for both).
    h += f.exact ? padStart('pkts', 8) + ' ' + padStart('bytes', 10) + ' ' : padStart('pkts', 5) + ' ' + padStart('bytes', 5) + ' ';
  }
  h += padEnd('target', 9) + ' ';
  h += ' prot ';
  h += 'opt';
  if (f.verbose) h += ' ' + padEnd('in', 6) + ' ' + padEnd('out', 6) + ' ';
  h += ' ' + padEnd('source', 19) + ' ';
  h += ' ' + padEnd('destination', 19) + ' ';
  return s + h + '\n';
}

function portText(port: number, proto: string, numeric: boolean): string {
  if (!numeric) {
    const name = SERVICE_BY_PORT[proto]?.[port];
    if (name) return name;
  }
  return String(port);
}

function portsPrint(label: string, r: { lo: number; hi: number; inv: boolean } | undefined, proto: string, numeric: boolean): string {
  if (!r || (r.lo === 0 && r.hi === 0xffff && !r.inv)) return '';
  const inv = r.inv ? '!' : '';
  if (r.lo === r.hi) return ` ${label}:${inv}${portText(r.lo, proto, numeric)}`;
  return ` ${label}s:${inv}${portText(r.lo, proto, numeric)}:${portText(r.hi, proto, numeric)}`;
}

/** Level names -L prints (syslog's short names; "warn" and "emerg" observed on 1.8.9). */
const LOG_LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

function markPrint(prefix: string, value: number, mask: number): string {
  if (value === 0) return ` ${prefix} and ${hex(~mask >>> 0)}`;
  if (value === mask) return ` ${prefix} or ${hex(value)}`;
  if (mask === 0) return ` ${prefix} xor ${hex(value)}`;
  if (mask === 0xffffffff) return ` ${prefix} set ${hex(value)}`;
  return ` ${prefix} xset ${hex(value)}/${hex(mask)}`;
}

/** A match's print() text (leading space included). */
export function matchPrint(m: Match, numeric: boolean, proto = 0): string {
  switch (m.name) {
    case 'tcp':
    case 'udp':
    case 'sctp': {
      let s = ' ' + m.name + portsPrint('spt', m.sport, m.name, numeric) + portsPrint('dpt', m.dport, m.name, numeric);
      if (m.name === 'tcp' && m.tcpFlags) {
        const f = m.tcpFlags;
        const hex2 = (v: number): string => '0x' + v.toString(16).toUpperCase().padStart(2, '0');
        s += ` flags:${f.inv ? '!' : ''}` + (numeric ? `${hex2(f.mask)}/${hex2(f.comp)}` : `${tcpFlagsText(f.mask)}/${tcpFlagsText(f.comp)}`);
      }
      return s;
    }
    case 'icmp': {
      if (!numeric) {
        const named = ICMP_CODES.find((c) => c.type === m.type && c.min === m.codeMin && c.max === m.codeMax);
        if (named) return ` icmp ${m.inv ? '!' : ''}${named.name}`;
      }
      let s = ' icmp' + (m.inv ? ' !' : '') + `type ${m.type}`;
      if (m.codeMin === m.codeMax) s += ` code ${m.codeMin}`;
      else if (m.codeMin !== 0 || m.codeMax !== 0xff) s += ` codes ${m.codeMin}-${m.codeMax}`;
      return s;
    }
    case 'comment':
      return ` /* ${m.comment} */`;
    case 'multiport': {
      const svcProto = proto === 17 ? 'udp' : 'tcp';
      const label = m.dir === 'src' ? 'sports ' : m.dir === 'dst' ? 'dports ' : 'ports ';
      const ports = m.ports.map((p) => (p.lo === p.hi ? portText(p.lo, svcProto, numeric) : `${portText(p.lo, svcProto, numeric)}:${portText(p.hi, svcProto, numeric)}`));
      return ' multiport ' + label + (m.inv ? ' !' : '') + ports.join(',');
    }
    case 'mark':
      return ' mark match' + (m.inv ? ' !' : '') + ' ' + hex(m.mark) + (m.mask === 0xffffffff ? '' : '/' + hex(m.mask));
    case 'conntrack': {
      let s = '';
      if (m.ctstate) s += (m.ctstate.inv ? ' !' : '') + ' ctstate ' + m.ctstate.states.join(',');
      if (m.ctorigdst) {
        s += (m.ctorigdst.inv ? ' !' : '') + ' ctorigdst ' + formatIpv4(m.ctorigdst.addr) + (m.ctorigdst.mask === 0xffffffff ? '' : maskSuffix(m.ctorigdst.mask));
      }
      if (m.ctorigdstport) {
        const p = m.ctorigdstport;
        s += (p.inv ? ' !' : '') + ' ctorigdstport ' + (p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`);
      }
      return s;
    }
    case 'state':
      return (m.inv ? ' !' : '') + ' state ' + m.states.join(',');
    case 'addrtype': {
      let s = ' ADDRTYPE match';
      if (m.src) s += ' src-type ' + (m.src.inv ? '!' : '') + m.src.types.join(',');
      if (m.dst) s += ' dst-type ' + (m.dst.inv ? '!' : '') + m.dst.types.join(',');
      if (m.limitIfaceIn) s += ' limit-in';
      if (m.limitIfaceOut) s += ' limit-out';
      return s;
    }
    case 'statistic':
      if (m.mode === 'random') return ` statistic mode random${m.inv ? ' !' : ''} probability ${probabilityText(m.probability)}`;
      return ` statistic mode nth${m.inv ? ' !' : ''} every ${m.every}` + (m.packet ? ` packet ${m.packet}` : '');
    case 'physdev':
      return ' PHYSDEV match ' + matchSave(m);
    case 'recent': {
      // recent_print(): "! recent: CHECK seconds: N reap hit_count: N TTL-Match name: X side: source mask: M".
      let s = (m.inv ? ' !' : '') + ' recent: ' + { set: 'SET', rcheck: 'CHECK', update: 'UPDATE', remove: 'REMOVE' }[m.op];
      if (m.seconds) s += ` seconds: ${m.seconds | 0}`;
      if (m.reap) s += ' reap';
      if (m.hitcount) s += ` hit_count: ${m.hitcount | 0}`;
      if (m.rttl) s += ' TTL-Match';
      return s + ` name: ${m.list} side: ${m.side} mask: ${formatIpv4(m.mask)}`;
    }
    case 'set':
      return (m.inv ? ' !' : '') + ' match-set ' + m.setName + ' ' + m.flags.join(',');
  }
}

/** A target's print() text (leading space included). */
export function targetPrint(t: Target, numeric: boolean): string {
  switch (t.name) {
    case 'REJECT':
      return ' reject-with ' + t.with;
    case 'DNAT':
    case 'SNAT':
      return ' to:' + natRangeText(t.range) + (t.random ? ' random' : '') + (t.randomFully ? ' random-fully' : '') + (t.persistent ? ' persistent' : '');
    case 'MASQUERADE':
      return (
        (t.minPort !== undefined ? ' masq ports: ' + t.minPort + (t.maxPort !== t.minPort ? '-' + t.maxPort : '') : '') +
        (t.random ? ' random' : '') +
        (t.randomFully ? ' random-fully' : '')
      );
    case 'MARK':
      return markPrint('MARK', t.value, t.mask);
    case 'CONNMARK':
      if (t.mode === 'set') return markPrint('CONNMARK', t.value, t.mask);
      if (t.nfmask === 0xffffffff && t.ctmask === 0xffffffff) return ` CONNMARK ${t.mode}`;
      if (t.nfmask === t.ctmask) return ` CONNMARK ${t.mode} mask ${hex(t.nfmask)}`;
      // libxt_CONNMARK prints the mask it applies first: restore masks ctmark, save masks nfmark.
      if (t.mode === 'restore') return ` CONNMARK restore ctmask ${hex(t.ctmask)} nfmask ~${hex(t.nfmask)}`;
      return ` CONNMARK ${t.mode} nfmask ${hex(t.nfmask)} ctmask ~${hex(t.ctmask)}`;
    case 'LOG': {
      let s = numeric ? ` LOG flags ${t.flags} level ${t.level}` : ` LOG level ${LOG_LEVEL_NAMES[t.level] ?? t.level}`;
      if (!numeric) {
        if (t.flags & 1) s += ' tcp-sequence';
        if (t.flags & 2) s += ' tcp-options';
        if (t.flags & 4) s += ' ip-options';
        if (t.flags & 8) s += ' uid';
        if (t.flags & 32) s += ' macdecode';
      }
      if (t.prefix !== undefined) s += ` prefix "${t.prefix}"`;
      return s;
    }
    case 'NOTRACK':
      return ' NOTRACK';
    case 'CT':
      return ' CT' + (t.notrack ? ' notrack' : '') + (t.zone !== undefined ? ` zone ${t.zone}` : '');
    default:
      return '';
  }
}

function addrColumn(addr: number, mask: number, inv: boolean, numeric: boolean): string {
  let text: string;
  if (mask === 0 && !numeric) text = 'anywhere';
  else text = formatIpv4(addr) + (mask === 0xffffffff ? '' : maskSuffix(mask));
  return (inv ? '!' : ' ') + padEnd(text, 19) + ' ';
}

/** One rule line (with its newline), as print_firewall() lays it out. */
export function ruleLine(rule: Rule, num: number, f: ListFormat): string {
  let s = '';
  if (f.lineNumbers) s += padEnd(String(num), 4) + ' ';
  if (f.verbose) s += printNum(rule.counters.pkts, f) + printNum(rule.counters.bytes, f);
  const t = rule.target;
  const tname = !t ? '' : t.name === 'jump' ? t.chain : t.name === 'NOTRACK' ? 'CT' : t.name;
  s += padEnd(tname, 9) + ' ';
  const ip = rule.ip;
  s += ip.invProto ? '!' : ' ';
  const pname = f.numeric ? undefined : ip.proto === 0 ? 'all' : protoName(ip.proto);
  // "%-4s " in effect: names longer than four characters still get one space before the options.
  s += padEnd(pname ?? String(ip.proto), 4) + ' ';
  s += '-- ';
  if (f.verbose) {
    const any = f.numeric ? '*' : 'any';
    s += ' ' + padEnd((ip.invIif ? '!' : '') + (ip.iif || any), 6) + ' ';
    s += padEnd((ip.invOif ? '!' : '') + (ip.oif || any), 6) + ' ';
  }
  s += addrColumn(ip.src, ip.srcMask, ip.invSrc, f.numeric);
  s += addrColumn(ip.dst, ip.dstMask, ip.invDst, f.numeric);
  if (t?.name === 'jump' && t.goto) s += '[goto] ';
  for (const m of rule.matches) s += matchPrint(m, f.numeric, ip.proto);
  if (t) s += targetPrint(t, f.numeric);
  return s + '\n';
}

/** -L [CHAIN [NUM]] over one table; undefined chain = every chain, blank line between chains. */
export function listTable(table: NfTable, chains: NfChain[], f: ListFormat, ruleNum?: number): string {
  if (ruleNum !== undefined) {
    const c = chains[0];
    const r = c?.rules[ruleNum - 1];
    return r ? ruleLine(r, ruleNum, f) : '';
  }
  const parts: string[] = [];
  for (const c of chains) {
    let s = chainHeader(table, c, f);
    c.rules.forEach((r, i) => {
      s += ruleLine(r, i + 1, f);
    });
    parts.push(s);
  }
  return parts.join('\n');
}
