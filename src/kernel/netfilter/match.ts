/**
 * Does a rule match a packet: ip_packet_match() for the IP header part and each xt match module's
 * match function, over a small read-only view of the packet that the packet path fills in.
 */
import type { RecentTables } from './recent.js';
import type { AddrType, CtState, IpSpec, Match, Rule } from './rule.js';

/** The conntrack facts a rule can test (xt_conntrack / xt_state / CONNMARK). */
export interface CtView {
  state: Exclude<CtState, 'SNAT' | 'DNAT' | 'INVALID'>;
  /** IPS_SRC_NAT / IPS_DST_NAT status bits. */
  snat: boolean;
  dnat: boolean;
  origSrc: number;
  origDst: number;
  origSport?: number;
  origDport?: number;
  /** ct->mark, changed by CONNMARK. */
  mark: number;
}

/** What netfilter needs to know about one IPv4 packet at a hook. Addresses are uint32. */
export interface PacketView {
  src: number;
  dst: number;
  proto: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  /** TCP header flags byte (FIN 0x01 ... URG 0x20). */
  tcpFlags?: number;
  /** Whole IP datagram length, for byte counters. */
  len: number;
  /** IP TTL as xt_recent reads it: before the forwarding decrement. */
  ttl?: number;
  /** Input / output device names; undefined where the hook has none (OUTPUT has no iif). */
  iif?: string;
  oif?: string;
  /** Set when the packet crosses a bridge with br_netfilter: the bridge ports it came in / goes out. */
  bridge?: { physIn?: string; physOut?: string };
  /** skb->mark; MARK targets write it. */
  mark: number;
  /** The packet's conntrack entry; undefined means no entry (xt_conntrack sees INVALID). */
  ct?: CtView;
}

export interface MatchEnv {
  /** A draw in [0, 1) for `-m statistic --mode random`. */
  rng(): number;
  /**
   * When set, decides `-m statistic --mode random` instead of rng: called with the rule's match
   * probability, returns whether this walk takes the match. paths.ts uses it to enumerate branches.
   */
  chance?(probability: number): boolean;
  /** Evaluate without side effects: no counters, no nth counter steps (analysis walks). */
  dryRun?: boolean;
  /** RTN_* type of an address (optionally limited to a device), for -m addrtype; default UNICAST. */
  addrType?(addr: number, dev?: string): AddrType;
  /** ipset membership for -m set; absent = sets are empty. */
  ipsetTest?(name: string, pkt: PacketView, flags: ('src' | 'dst')[]): boolean;
  /** The namespace's xt_recent lists; absent = every list is empty and --set records nothing. */
  recent?: RecentTables;
}

/** ifname_compare with xt's iface mask: a trailing '+' makes the rest a prefix. */
export function ifaceMatches(pattern: string, dev: string | undefined): boolean {
  const name = dev ?? '';
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** ip_packet_match(): addresses under masks, interfaces, protocol, each with its "!" flag. */
export function ipMatches(ip: IpSpec, p: PacketView): boolean {
  if (ip.srcMask !== 0 || ip.invSrc) {
    if ((((p.src & ip.srcMask) >>> 0) === ip.src) === ip.invSrc) return false;
  }
  if (ip.dstMask !== 0 || ip.invDst) {
    if ((((p.dst & ip.dstMask) >>> 0) === ip.dst) === ip.invDst) return false;
  }
  if (ip.iif && ifaceMatches(ip.iif, p.iif) === ip.invIif) return false;
  if (ip.oif && ifaceMatches(ip.oif, p.oif) === ip.invOif) return false;
  if (ip.proto !== 0 && (p.proto === ip.proto) === ip.invProto) return false;
  return true;
}

const inRange = (v: number | undefined, lo: number, hi: number): boolean => v !== undefined && v >= lo && v <= hi;

const CT_BITS: Record<CtState, number> = { INVALID: 1, NEW: 2, RELATED: 4, ESTABLISHED: 8, UNTRACKED: 16, SNAT: 32, DNAT: 64 };

function ctStateBits(ct: CtView | undefined): number {
  if (!ct) return CT_BITS.INVALID;
  let bits = CT_BITS[ct.state];
  if (ct.snat) bits |= CT_BITS.SNAT;
  if (ct.dnat) bits |= CT_BITS.DNAT;
  return bits;
}

const stateMask = (states: CtState[]): number => states.reduce((m, s) => m | CT_BITS[s], 0);

export function matchOne(m: Match, p: PacketView, env: MatchEnv): boolean {
  switch (m.name) {
    case 'tcp':
    case 'udp':
    case 'sctp': {
      if (m.sport && inRange(p.sport, m.sport.lo, m.sport.hi) === m.sport.inv) return false;
      if (m.dport && inRange(p.dport, m.dport.lo, m.dport.hi) === m.dport.inv) return false;
      if (m.name === 'tcp' && m.tcpFlags) {
        const f = p.tcpFlags ?? 0;
        if ((((f & m.tcpFlags.mask) === m.tcpFlags.comp) as boolean) === m.tcpFlags.inv) return false;
      }
      // Without ports (not a tcp/udp packet, or a later fragment) the kernel's tcp_mt drops the match.
      return p.sport !== undefined || p.dport !== undefined || (!m.sport && !m.dport);
    }
    case 'icmp': {
      if (p.icmpType === undefined) return false;
      const hit = m.type === 0xff || (p.icmpType === m.type && inRange(p.icmpCode ?? 0, m.codeMin, m.codeMax));
      return hit !== m.inv;
    }
    case 'comment':
      return true;
    case 'multiport': {
      const test = (port: number | undefined): boolean => port !== undefined && m.ports.some((r) => port >= r.lo && port <= r.hi);
      const hit = m.dir === 'src' ? test(p.sport) : m.dir === 'dst' ? test(p.dport) : test(p.sport) || test(p.dport);
      if (p.sport === undefined && p.dport === undefined) return false;
      return hit !== m.inv;
    }
    case 'mark':
      return (((p.mark & m.mask) >>> 0) === m.mark) !== m.inv;
    case 'state':
      return ((ctStateBits(p.ct) & stateMask(m.states)) !== 0) !== m.inv;
    case 'conntrack': {
      // conntrack_mt(): the state test runs even without an entry; every other test needs one.
      if (m.ctstate && ((ctStateBits(p.ct) & stateMask(m.ctstate.states)) !== 0) === m.ctstate.inv) return false;
      const ct = p.ct;
      if (!ct) return m.ctstate !== undefined;
      if (m.ctorigdst && ((((ct.origDst & m.ctorigdst.mask) >>> 0) === m.ctorigdst.addr) === m.ctorigdst.inv)) return false;
      if (m.ctorigdstport && inRange(ct.origDport, m.ctorigdstport.lo, m.ctorigdstport.hi) === m.ctorigdstport.inv) return false;
      return true;
    }
    case 'addrtype': {
      const type = (addr: number, dev: string | undefined): AddrType => env.addrType?.(addr, dev) ?? 'UNICAST';
      if (m.src) {
        const t = type(p.src, m.limitIfaceIn ? p.iif : m.limitIfaceOut ? p.oif : undefined);
        if (m.src.types.includes(t) === m.src.inv) return false;
      }
      if (m.dst) {
        const t = type(p.dst, m.limitIfaceIn ? p.iif : m.limitIfaceOut ? p.oif : undefined);
        if (m.dst.types.includes(t) === m.dst.inv) return false;
      }
      return true;
    }
    case 'statistic':
      if (m.mode === 'random') {
        // (get_random_u32() & 0x7FFFFFFF) < probability
        if (env.chance) return env.chance(m.probability / 0x80000000) !== m.inv;
        const draw = Math.floor(env.rng() * 0x80000000);
        return draw < m.probability !== m.inv;
      } else {
        // statistic_mt nth: count runs 0..every-1 and the rule hits when it wraps to 0.
        const next = m.state.count === m.every - 1 ? 0 : m.state.count + 1;
        if (!env.dryRun) m.state.count = next;
        return (next === 0) !== m.inv;
      }
    case 'physdev': {
      const br = p.bridge;
      if (!br) {
        // physdev_mt: no bridge info — only inverted tests can match.
        return !(
          (m.isBridged && !m.isBridged.inv) ||
          (m.isIn && !m.isIn.inv) ||
          (m.isOut && !m.isOut.inv) ||
          (m.physdevIn && !m.physdevIn.inv) ||
          (m.physdevOut && !m.physdevOut.inv)
        );
      }
      if (m.isBridged && (br.physOut !== undefined) === m.isBridged.inv) return false;
      if (m.isIn && (br.physIn !== undefined) === m.isIn.inv) return false;
      if (m.isOut && (br.physOut !== undefined) === m.isOut.inv) return false;
      if (m.physdevIn && br.physIn !== undefined && ifaceMatches(m.physdevIn.dev, br.physIn) === m.physdevIn.inv) return false;
      if (m.physdevOut && ifaceMatches(m.physdevOut.dev, br.physOut) === m.physdevOut.inv) return false;
      return true;
    }
    case 'recent':
      if (!env.recent) return m.op === 'set' ? !m.inv : m.inv;
      return env.recent.match(m, p.src, p.dst, p.ttl ?? 0, env.dryRun);
    case 'set':
      return (env.ipsetTest?.(m.setName, p, m.flags) ?? false) !== m.inv;
  }
}

export function ruleMatches(rule: Rule, p: PacketView, env: MatchEnv): boolean {
  if (!ipMatches(rule.ip, p)) return false;
  for (const m of rule.matches) if (!matchOne(m, p, env)) return false;
  return true;
}
