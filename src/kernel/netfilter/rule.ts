/**
 * The xtables rule model: an ipt_entry's IP header part, its list of matches and its one target,
 * with packet/byte counters — the same shape the kernel keeps, with addresses as unsigned 32-bit
 * numbers so evaluation never parses text.
 */

export interface Counters {
  pkts: number;
  bytes: number;
}

/** struct ipt_ip: what every rule can test without loading a match module. */
export interface IpSpec {
  src: number;
  srcMask: number;
  invSrc: boolean;
  dst: number;
  dstMask: number;
  invDst: boolean;
  /** Interface names; '' = any. A trailing '+' makes the name a prefix (xt's iface mask). */
  iif: string;
  invIif: boolean;
  oif: string;
  invOif: boolean;
  /** IP protocol number; 0 = all. */
  proto: number;
  invProto: boolean;
}

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** An inclusive port range [lo, hi]; the kernel's default for an absent range is 0:65535. */
export interface PortRange {
  lo: number;
  hi: number;
  inv: boolean;
}

/** xt_tcp / xt_udp / xt_sctp port part (`-m tcp --sport/--dport`). */
export interface PortsMatch {
  name: 'tcp' | 'udp' | 'sctp';
  sport?: PortRange;
  dport?: PortRange;
  /** tcp only: --tcp-flags mask comp (also what --syn expands to). */
  tcpFlags?: { mask: number; comp: number; inv: boolean };
}

export interface IcmpMatch {
  name: 'icmp';
  /** 0xFF = any. */
  type: number;
  codeMin: number;
  codeMax: number;
  inv: boolean;
}

export interface CommentMatch {
  name: 'comment';
  comment: string;
}

export interface MultiportMatch {
  name: 'multiport';
  /** --sports, --dports or --ports (either side). */
  dir: 'src' | 'dst' | 'any';
  /** Each entry a single port (lo === hi) or a range lo:hi, at most 15 port slots as xt_multiport allows. */
  ports: { lo: number; hi: number }[];
  inv: boolean;
}

export interface MarkMatch {
  name: 'mark';
  mark: number;
  mask: number;
  inv: boolean;
}

/** nf_conntrack states as xt_conntrack's --ctstate names them (plus SNAT/DNAT status bits). */
export type CtState = 'INVALID' | 'NEW' | 'RELATED' | 'ESTABLISHED' | 'UNTRACKED' | 'SNAT' | 'DNAT';
export const CT_STATE_ORDER: readonly CtState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

export interface ConntrackMatch {
  name: 'conntrack';
  ctstate?: { states: CtState[]; inv: boolean };
  ctorigdst?: { addr: number; mask: number; inv: boolean };
  ctorigdstport?: { lo: number; hi: number; inv: boolean };
}

export interface StateMatch {
  name: 'state';
  states: CtState[];
  inv: boolean;
}

/** RTN_* address types as xt_addrtype names them. */
export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT'
  | 'THROW'
  | 'NAT'
  | 'XRESOLVE';
export const ADDR_TYPES: readonly AddrType[] = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
];

export interface AddrtypeMatch {
  name: 'addrtype';
  src?: { types: AddrType[]; inv: boolean };
  dst?: { types: AddrType[]; inv: boolean };
  limitIfaceIn: boolean;
  limitIfaceOut: boolean;
}

export type StatisticMatch =
  | {
      name: 'statistic';
      mode: 'random';
      /** As the kernel keeps it: lround(p * 2^31); a packet matches when (rand32 & 0x7FFFFFFF) < this. */
      probability: number;
      inv: boolean;
    }
  | {
      name: 'statistic';
      mode: 'nth';
      every: number;
      packet: number;
      inv: boolean;
      /** Shared per-rule counter (xt_statistic_priv.count), starts at every-1-packet. */
      state: { count: number };
    };

export interface PhysdevMatch {
  name: 'physdev';
  physdevIn?: { dev: string; inv: boolean };
  physdevOut?: { dev: string; inv: boolean };
  isIn?: { inv: boolean };
  isOut?: { inv: boolean };
  isBridged?: { inv: boolean };
}

export interface SetMatch {
  name: 'set';
  setName: string;
  /** 'src' / 'dst' per dimension, as in `--match-set NAME dst,dst`. */
  flags: ('src' | 'dst')[];
  inv: boolean;
}

/** xt_recent (revision 1): one operation on the named per-netns address list, see recent.ts. */
export interface RecentMatch {
  name: 'recent';
  op: 'set' | 'rcheck' | 'update' | 'remove';
  /** The whole match inverted ("! --set"). */
  inv: boolean;
  /** 0 = not given. */
  seconds: number;
  hitcount: number;
  reap: boolean;
  rttl: boolean;
  /** The list's name ("DEFAULT" when --name is absent). */
  list: string;
  /** --mask, applied to the address before lookup. */
  mask: number;
  /**
   * --mask was given: libxt_recent then stores a 4-byte address over the default all-ones 16-byte
   * union, so the rule's bytes differ from the same rule without --mask and -D/-C do not match it.
   */
  maskGiven: boolean;
  side: 'source' | 'dest';
}

export type Match =
  | RecentMatch
  | PortsMatch
  | IcmpMatch
  | CommentMatch
  | MultiportMatch
  | MarkMatch
  | ConntrackMatch
  | StateMatch
  | AddrtypeMatch
  | StatisticMatch
  | PhysdevMatch
  | SetMatch;

/** ICMP (or TCP RST) REJECT answers, as --reject-with names them. */
export type RejectWith =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'icmp-admin-prohibited'
  | 'tcp-reset';

/** One NAT range (nf_nat_range2): addresses and optionally ports, inclusive. */
export interface NatRange {
  /** Absent when only ports are given (`--to-destination :53`). */
  minIp?: number;
  maxIp?: number;
  minPort?: number;
  maxPort?: number;
}

export type Target =
  | { name: 'ACCEPT' | 'DROP' | 'RETURN' }
  /** A user chain: `-j CHAIN` (jump, returns) or `-g CHAIN` (goto, RETURN goes to the caller's caller). */
  | { name: 'jump'; chain: string; goto: boolean }
  | { name: 'REJECT'; with: RejectWith }
  | { name: 'DNAT' | 'SNAT'; range: NatRange; random: boolean; randomFully: boolean; persistent: boolean }
  | { name: 'MASQUERADE'; minPort?: number; maxPort?: number; random: boolean; randomFully: boolean }
  /** xt_MARK v2: mark = (mark & ~mask) ^ value. Every --*-mark option reduces to this. */
  | { name: 'MARK'; value: number; mask: number }
  | { name: 'CONNMARK'; mode: 'set'; value: number; mask: number }
  | { name: 'CONNMARK'; mode: 'save' | 'restore'; nfmask: number; ctmask: number }
  | { name: 'LOG'; prefix?: string; level: number; flags: number }
  /** -j NOTRACK is CT --notrack under another name; iptables keeps the name it was given. */
  | { name: 'NOTRACK' }
  | { name: 'CT'; notrack: boolean; zone?: number };

/**
 * A rule is immutable once built except for its counters (and the cached spec text): the parser
 * shares identical IpSpec and match objects between rules, so never write to them.
 */
export interface Rule {
  ip: IpSpec;
  matches: Match[];
  /** Absent for a rule with no -j (only counts packets). */
  target?: Target;
  counters: Counters;
  /** Canonical `iptables -S` text after "-A CHAIN", cached; never mutate a rule after creating it. */
  spec?: string;
}

/**
 * The counters of a rule no packet has hit yet, shared by every such rule (a kube-proxy ruleset has
 * 320,000); traversal gives a rule its own object on its first hit. Frozen so a stray write fails.
 */
export const ZERO_COUNTERS: Counters = Object.freeze({ pkts: 0, bytes: 0 }) as Counters;

export function emptyIpSpec(): IpSpec {
  return { src: 0, srcMask: 0, invSrc: false, dst: 0, dstMask: 0, invDst: false, iif: '', invIif: false, oif: '', invOif: false, proto: 0, invProto: false };
}
