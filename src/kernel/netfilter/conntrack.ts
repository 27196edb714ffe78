/**
 * Connection tracking and NAT for one network namespace (nf_conntrack + nf_nat): tuples in both
 * directions, the ctinfo states rules see (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED), NAT bound
 * on a connection's first packet and replayed — reversed on replies — for every later packet.
 */
import type { CtView, PacketView } from './match.js';
import type { NatAction } from './traverse.js';

/** nf_conntrack_tuple, IPv4: for ICMP, sport holds the echo id and dport the ICMP type. */
export interface Tuple {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
}

export interface CtEntry {
  orig: Tuple;
  /** What replies look like; differs from invert(orig) once NAT is bound. */
  reply: Tuple;
  /** IPS_SEEN_REPLY: a reply has been seen, the entry is ESTABLISHED both ways. */
  seenReply: boolean;
  /** IPS_CONFIRMED: in the table (the first packet survived every hook). */
  confirmed: boolean;
  /** IPS_SRC_NAT_DONE / IPS_DST_NAT_DONE: that manip is bound (perhaps as a null binding). */
  srcNatDone: boolean;
  dstNatDone: boolean;
  /** IPS_SRC_NAT / IPS_DST_NAT: the binding changed addresses or ports. */
  srcNat: boolean;
  dstNat: boolean;
  mark: number;
  zone: number;
  /** Virtual time of the last packet, ms. */
  lastSeen: number;
  /** Virtual time the entry was made, ms. */
  created: number;
  /** TCP only: the nf_conntrack_proto_tcp state `conntrack -L` prints. */
  tcpState?: TcpCtState;
  /** IPS_ASSURED ("[ASSURED]"): the connection completed its handshake / saw traffic both ways. */
  assured: boolean;
  /** TCP: which directions have sent a FIN. */
  finSeen?: { orig: boolean; reply: boolean };
  /** A timeout set from user space (conntrack -I -t), ms, in force until the next packet refreshes the entry. */
  timeout?: number;
}

export type TcpCtState = 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK' | 'TIME_WAIT' | 'CLOSE';

/** nf_conntrack_tcp_timeout_* defaults, seconds. */
export const TCP_TIMEOUTS: Record<TcpCtState, number> = {
  SYN_SENT: 120,
  SYN_RECV: 60,
  ESTABLISHED: 432000,
  FIN_WAIT: 120,
  CLOSE_WAIT: 60,
  LAST_ACK: 30,
  TIME_WAIT: 120,
  CLOSE: 10,
};

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/**
 * A simplified tcp_conntracks[][][] walk: the handshake (SYN_SENT, SYN_RECV, ESTABLISHED), the
 * close (FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT) and RST (CLOSE). Window tracking is not modelled.
 */
export function tcpTransition(e: CtEntry, dir: CtDir, flags: number): void {
  const s = e.tcpState;
  if (flags & TH_RST) {
    e.tcpState = 'CLOSE';
    return;
  }
  if (flags & TH_SYN) {
    if (dir === 'orig' && !(flags & TH_ACK) && (s === undefined || s === 'SYN_SENT' || s === 'CLOSE' || s === 'TIME_WAIT')) e.tcpState = 'SYN_SENT';
    else if (dir === 'reply' && flags & TH_ACK && (s === 'SYN_SENT' || s === 'SYN_RECV')) e.tcpState = 'SYN_RECV';
    return;
  }
  const fin = e.finSeen ?? (e.finSeen = { orig: false, reply: false });
  if (flags & TH_FIN) {
    const other = dir === 'orig' ? fin.reply : fin.orig;
    fin[dir] = true;
    if (s === 'ESTABLISHED' || s === 'SYN_RECV') e.tcpState = 'FIN_WAIT';
    else if (other && (s === 'FIN_WAIT' || s === 'CLOSE_WAIT')) e.tcpState = 'LAST_ACK';
    return;
  }
  if (flags & TH_ACK) {
    if (s === 'SYN_RECV' && dir === 'orig') {
      e.tcpState = 'ESTABLISHED';
      // tcp_packet: the handshake completed, the entry is assured.
      e.assured = true;
    } else if (s === 'FIN_WAIT') {
      // The FIN was acknowledged by the other side.
      const finner: CtDir = fin.orig ? 'orig' : 'reply';
      if (dir !== finner) e.tcpState = 'CLOSE_WAIT';
    } else if (s === 'LAST_ACK') e.tcpState = 'TIME_WAIT';
  }
}

/** Which way a packet travels relative to its entry (IP_CT_DIR_ORIGINAL / IP_CT_DIR_REPLY). */
export type CtDir = 'orig' | 'reply';

export interface CtRef {
  entry: CtEntry;
  dir: CtDir;
  /** ctinfo as rules see it. */
  state: 'NEW' | 'ESTABLISHED' | 'RELATED';
}

export type CtResult = CtRef | { untracked: true } | { invalid: true };

/** ICMP echo-like types and their replies: the tuple inverts the type (nf_conntrack_proto_icmp). */
const ICMP_INVERSE: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/**
 * Default nf_conntrack timeouts (sysctl net.netfilter.nf_conntrack_*_timeout*): UDP 30 s one-way and
 * 120 s once both ways were seen, ICMP 30 s, TCP 120 s until answered (SYN_SENT) and 5 days
 * established, anything else 600 s. The TCP state machine itself is not modelled.
 */
export function timeoutMs(e: CtEntry): number {
  if (e.timeout !== undefined) return e.timeout;
  if (e.orig.proto === 6) return (e.tcpState ? TCP_TIMEOUTS[e.tcpState] : e.seenReply ? 432000 : 120) * 1000;
  const s = e.orig.proto === 17 ? (e.assured ? 120 : 30) : e.orig.proto === 1 ? 30 : 600;
  return s * 1000;
}

const key = (t: Tuple, zone: number): string => `${zone}|${t.proto}|${t.src}|${t.dst}|${t.sport}|${t.dport}`;

export function invert(t: Tuple): Tuple {
  if (t.proto === 1) return { src: t.dst, dst: t.src, proto: 1, sport: t.sport, dport: ICMP_INVERSE[t.dport] ?? t.dport };
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

/** The tuple of a packet, or undefined when conntrack cannot track it (ICMP non-echo without quote). */
export function tupleOf(p: { src: number; dst: number; proto: number; sport?: number; dport?: number; icmpType?: number; icmpId?: number }): Tuple | undefined {
  if (p.proto === 1) {
    if (p.icmpType === undefined || ICMP_INVERSE[p.icmpType] === undefined) return undefined;
    return { src: p.src, dst: p.dst, proto: 1, sport: p.icmpId ?? 0, dport: p.icmpType };
  }
  return { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport ?? 0, dport: p.dport ?? 0 };
}

/** What conntrack needs beyond PacketView: the echo id and, for ICMP errors, the quoted packet. */
export interface CtPacket extends PacketView {
  icmpId?: number;
  /** The datagram an ICMP error quotes (as it was sent: its src is our side). */
  quote?: { src: number; dst: number; proto: number; sport?: number; dport?: number; icmpType?: number; icmpId?: number };
}

export interface ConntrackOptions {
  now(): number;
  /** [0,1) draws for --random / --random-fully port choice. */
  rng(): number;
  /** net.ipv4.ip_local_port_range, the range SNAT/MASQUERADE pick ports from when they must. */
  portRange?: [number, number];
}

/**
 * A ctnetlink event (what `conntrack -E` shows): IPCT_NEW when an entry is confirmed or created from
 * user space, IPCT_PROTOINFO / IPCT_REPLY / IPCT_ASSURED folded into one UPDATE per packet that
 * changed them, IPCT_DESTROY when an entry is killed or deleted. `user` is set when a user-space
 * request caused it (ctnetlink then reports the requester). Listeners run synchronously, so the
 * entry reads as it was at the event; `timeoutSec` overrides the timeout shown (a kill reports the
 * timeout the entry had before the packet).
 */
export interface CtEvent {
  type: 'NEW' | 'UPDATE' | 'DESTROY';
  entry: CtEntry;
  user?: boolean;
  timeoutSec?: number;
}

export class Conntrack {
  private readonly listeners = new Set<(ev: CtEvent) => void>();

  /** Subscribe to ctnetlink events (NFNLGRP_CONNTRACK_*); returns the unsubscribe function. */
  onEvent(cb: (ev: CtEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(ev: CtEvent): void {
    for (const cb of this.listeners) cb(ev);
  }

  private readonly byTuple = new Map<string, { entry: CtEntry; dir: CtDir }>();

  constructor(private readonly opts: ConntrackOptions) {}

  /** Confirmed entries, oldest first, for `conntrack -L`. */
  entries(): CtEntry[] {
    const out: CtEntry[] = [];
    const now = this.opts.now();
    for (const v of this.byTuple.values()) if (v.dir === 'orig' && now - v.entry.lastSeen <= timeoutMs(v.entry)) out.push(v.entry);
    return out;
  }

  private find(t: Tuple, zone: number): { entry: CtEntry; dir: CtDir } | undefined {
    const hit = this.byTuple.get(key(t, zone));
    if (hit && this.opts.now() - hit.entry.lastSeen > timeoutMs(hit.entry)) {
      // Expired (the kernel's gc would have reaped it): the packet starts afresh.
      this.byTuple.delete(key(hit.entry.orig, hit.entry.zone));
      this.byTuple.delete(key(hit.entry.reply, hit.entry.zone));
      return undefined;
    }
    return hit;
  }

  /**
   * nf_conntrack_in (priority -200 at PREROUTING and OUTPUT): find the packet's entry or make an
   * unconfirmed one, and fill pkt.ct for the rules that follow. `notrack` comes from the raw table.
   */
  in(p: CtPacket, opts: { notrack?: boolean; zone?: number } = {}): CtResult {
    if (opts.notrack) {
      p.ct = { state: 'UNTRACKED', snat: false, dnat: false, origSrc: p.src, origDst: p.dst, mark: 0 };
      return { untracked: true };
    }
    const zone = opts.zone ?? 0;
    if (p.proto === 1 && p.icmpType !== undefined && ICMP_ERRORS.has(p.icmpType)) {
      // An ICMP error is RELATED to the connection of the datagram it quotes (icmp_error_message).
      const inner = p.quote ? tupleOf(p.quote) : undefined;
      const hit = inner ? this.find(inner, zone) : undefined;
      if (!hit) {
        p.ct = undefined;
        return { invalid: true };
      }
      const ref: CtRef = { entry: hit.entry, dir: hit.dir === 'orig' ? 'reply' : 'orig', state: 'RELATED' };
      p.ct = this.view(ref);
      return ref;
    }
    const t = tupleOf(p);
    if (!t) {
      p.ct = undefined;
      return { invalid: true };
    }
    const hit = this.find(t, zone);
    let ref: CtRef;
    // IPS_SEEN_REPLY as the TCP tracker sees it: nf_conntrack_in sets the bit only after it ran.
    const repliedBefore = hit?.entry.seenReply ?? false;
    if (hit) {
      if (hit.dir === 'reply') hit.entry.seenReply = true;
      // udp_packet: answered and still active two seconds after it began, a flow is a stream:
      // ASSURED, with the 120 s timeout from then on.
      if (hit.entry.seenReply && hit.entry.orig.proto !== 6 && this.opts.now() > hit.entry.created + 2000) hit.entry.assured = true;
      ref = { entry: hit.entry, dir: hit.dir, state: hit.dir === 'reply' || hit.entry.seenReply ? 'ESTABLISHED' : 'NEW' };
    } else {
      const entry: CtEntry = {
        orig: t,
        reply: invert(t),
        seenReply: false,
        confirmed: false,
        srcNatDone: false,
        dstNatDone: false,
        srcNat: false,
        dstNat: false,
        mark: 0,
        zone,
        lastSeen: this.opts.now(),
        created: this.opts.now(),
        assured: false,
      };
      ref = { entry, dir: 'orig', state: 'NEW' };
    }
    const e0 = ref.entry;
    const before = this.listeners.size ? { state: e0.tcpState, seen: repliedBefore, assured: e0.assured, left: Math.ceil((e0.lastSeen + timeoutMs(e0) - this.opts.now()) / 1000) } : undefined;
    ref.entry.lastSeen = this.opts.now();
    delete ref.entry.timeout;
    if (t.proto === 6 && p.tcpFlags !== undefined) {
      tcpTransition(ref.entry, ref.dir, p.tcpFlags);
      // nf_conntrack_tcp_packet: "If only reply is a RST, we can consider ourselves not to have an
      // established connection ... delete the conntrack immediately" (nf_ct_kill_acct). The RST still
      // passes; a refused connect leaves no entry behind. The kill comes before the new timeout is set.
      if (p.tcpFlags & TH_RST && ref.dir === 'reply' && !repliedBefore) {
        // nf_conntrack_in sets IPS_SEEN_REPLY only after the tracker ran: the killed entry never saw a reply.
        ref.entry.seenReply = false;
        this.delete(ref.entry, false, before?.left);
      }
    }
    if (before && e0.confirmed && this.byTuple.get(key(e0.orig, e0.zone))?.entry === e0) {
      if (e0.tcpState !== before.state || e0.seenReply !== before.seen || e0.assured !== before.assured) this.emit({ type: 'UPDATE', entry: e0 });
    }
    p.ct = this.view(ref);
    return ref;
  }

  /** The facts xt_conntrack / xt_state / CONNMARK see for this packet. */
  view(ref: CtRef): CtView {
    const e = ref.entry;
    return { state: ref.state, snat: e.srcNat, dnat: e.dstNat, origSrc: e.orig.src, origDst: e.orig.dst, origSport: e.orig.sport, origDport: e.orig.dport, mark: e.mark };
  }

  /** Does the nat table need to run for this packet at a hook doing `manip` (nf_nat_inet_fn)? */
  needsNatLookup(ref: CtRef, manip: 'SRC' | 'DST'): boolean {
    return !(manip === 'SRC' ? ref.entry.srcNatDone : ref.entry.dstNatDone) && ref.dir === 'orig' && ref.state === 'NEW';
  }

  /**
   * Binds `manip` for a new connection from the nat table's verdict (or a null binding when no NAT
   * rule matched), then rewrites the packet per the binding — for every packet of the connection,
   * in both directions. `masqAddr` is the egress device's primary address (MASQUERADE).
   */
  nat(ref: CtRef, manip: 'SRC' | 'DST', p: CtPacket, action?: NatAction, masqAddr?: number): void {
    const e = ref.entry;
    const done = manip === 'SRC' ? e.srcNatDone : e.dstNatDone;
    if (!done && ref.dir === 'orig') this.bind(e, manip, action, masqAddr);
    this.rewrite(ref, manip, p);
  }

  private bind(e: CtEntry, manip: 'SRC' | 'DST', action: NatAction | undefined, masqAddr: number | undefined): void {
    // The reply tuple as it is so far; the binding changes its dst (SNAT) or src (DNAT) side.
    const want = invert(e.reply);
    let changed = false;
    if (action && (manip === 'DST') === (action.kind === 'DNAT')) {
      let ip: number | undefined;
      let ports: [number, number] | undefined;
      let randomPort = false;
      if (action.kind === 'MASQUERADE') {
        ip = masqAddr;
        if (action.minPort !== undefined) ports = [action.minPort, action.maxPort ?? action.minPort];
        randomPort = action.random || action.randomFully;
      } else {
        const r = action.range;
        if (r.minIp !== undefined) {
          const span = (r.maxIp ?? r.minIp) - r.minIp;
          // Without --persistent/--random the kernel hashes the tuple into the range; a draw is as good.
          ip = span > 0 ? r.minIp + Math.floor(this.opts.rng() * (span + 1)) : r.minIp;
        }
        if (r.minPort !== undefined) ports = [r.minPort, r.maxPort ?? r.minPort];
        randomPort = action.random || action.randomFully;
      }
      if (manip === 'DST') {
        if (ip !== undefined) want.dst = ip >>> 0;
        if (ports && (want.proto === 6 || want.proto === 17 || want.proto === 132)) want.dport = this.pickPort(ports, want.dport, false);
      } else {
        if (ip !== undefined) want.src = ip >>> 0;
        if (ports && (want.proto === 6 || want.proto === 17 || want.proto === 132)) want.sport = this.pickPort(ports, want.sport, randomPort);
        else if (randomPort && (want.proto === 6 || want.proto === 17)) want.sport = this.pickPort(unspecifiedPortRange(want.sport), want.sport, true);
      }
    }
    // nf_nat_used_tuple: a source manip must keep the reply tuple unique; move the port if not.
    if (manip === 'SRC' && this.find(invert(want), e.zone) && (want.proto === 6 || want.proto === 17)) {
      const [lo, hi] = this.opts.portRange ?? [1024, 65535];
      for (let i = 0; i <= hi - lo; i++) {
        const port = lo + ((want.sport - lo + 1 + i) % (hi - lo + 1));
        if (!this.find(invert({ ...want, sport: port }), e.zone)) {
          want.sport = port;
          break;
        }
      }
    }
    const orig = invert(e.reply);
    changed = want.src !== orig.src || want.dst !== orig.dst || want.sport !== orig.sport || want.dport !== orig.dport;
    e.reply = invert(want);
    if (manip === 'SRC') {
      e.srcNatDone = true;
      e.srcNat = e.srcNat || changed;
    } else {
      e.dstNatDone = true;
      e.dstNat = e.dstNat || changed;
    }
  }

  private pickPort(range: [number, number], current: number, random: boolean): number {
    const [lo, hi] = range;
    if (!random && current >= lo && current <= hi) return current;
    if (!random) return lo;
    return lo + Math.floor(this.opts.rng() * (hi - lo + 1));
  }

  /**
   * nf_nat_packet: SRC manip rewrites the source of original-direction packets (and the destination
   * of replies); DST manip the destination of original packets (and the source of replies).
   */
  private rewrite(ref: CtRef, manip: 'SRC' | 'DST', p: CtPacket): void {
    const e = ref.entry;
    // Where the packet must look like it is going / coming from: the inverse of the other direction.
    const target = ref.dir === 'orig' ? invert(e.reply) : invert(e.orig);
    const isIcmpError = p.proto === 1 && p.icmpType !== undefined && ICMP_ERRORS.has(p.icmpType);
    // The hook's manip type picks the field (SRC hooks rewrite sources, DST hooks destinations); the
    // direction picks the binding: a reply undoes the other manip (statusbit ^= IPS_NAT_MASK).
    const bound = (manip === 'SRC') === (ref.dir === 'orig') ? e.srcNat : e.dstNat;
    if (!bound) return;
    const srcSide = manip === 'SRC';
    if (srcSide) {
      p.src = target.src;
      if (!isIcmpError && p.sport !== undefined && target.proto !== 1) p.sport = target.sport;
    } else {
      p.dst = target.dst;
      if (!isIcmpError && p.dport !== undefined && target.proto !== 1) p.dport = target.dport;
    }
    if (isIcmpError && p.quote) {
      // The quoted datagram travelled the other way: its fields mirror the outer rewrite.
      if (srcSide) {
        p.quote.dst = target.src;
        if (p.quote.dport !== undefined && target.proto !== 1) p.quote.dport = target.sport;
      } else {
        p.quote.src = target.dst;
        if (p.quote.sport !== undefined && target.proto !== 1) p.quote.sport = target.dport;
      }
    }
  }

  /**
   * nf_conntrack_alter_reply, as IPVS calls it for masqueraded flows (ip_vs_update_conntrack with
   * net.ipv4.vs.conntrack=1): replies of the still unconfirmed entry will come from the real server.
   */
  alterReply(e: CtEntry, reply: Tuple): void {
    if (e.confirmed) return;
    e.reply = { ...reply };
  }

  /** __nf_conntrack_confirm (last hook: POSTROUTING or INPUT): a surviving new entry joins the table. */
  confirm(ref: CtRef): void {
    const e = ref.entry;
    // Only the original direction confirms; a reply-direction packet on an unconfirmed entry is an
    // attached answer (REJECT's RST) and leaves the entry out of the table.
    if (e.confirmed || ref.dir !== 'orig') return;
    // A clash (another entry took the reply tuple meanwhile) drops the packet in the kernel; podnet
    // runs one packet at a time, so the tuple check in bind() already prevented it.
    e.confirmed = true;
    this.byTuple.set(key(e.orig, e.zone), { entry: e, dir: 'orig' });
    this.byTuple.set(key(e.reply, e.zone), { entry: e, dir: 'reply' });
    if (this.listeners.size) this.emit({ type: 'NEW', entry: e });
  }

  /**
   * Whole seconds until `e` expires, as ctnetlink reports CTA_TIMEOUT (nf_ct_expires / HZ, rounded
   * down). A dump never runs in the jiffy of the last packet (starting conntrack takes milliseconds),
   * so a timeout just set reads one less (120 s TIME_WAIT shows 119): count from just under it.
   */
  secondsLeft(e: CtEntry): number {
    return Math.max(0, Math.ceil((e.lastSeen + timeoutMs(e) - this.opts.now()) / 1000) - 1);
  }

  /** Remove one entry, both directions (`conntrack -D`); false when it was not in the table. */
  delete(e: CtEntry, user = false, timeoutSec?: number): boolean {
    const k = key(e.orig, e.zone);
    if (this.byTuple.get(k)?.entry !== e) return false;
    if (this.listeners.size) this.emit({ type: 'DESTROY', entry: e, ...(user ? { user } : {}), ...(timeoutSec !== undefined ? { timeoutSec } : {}) });
    this.byTuple.delete(k);
    this.byTuple.delete(key(e.reply, e.zone));
    return true;
  }

  /**
   * ctnetlink_create_conntrack (`conntrack -I`): a confirmed entry made from user space, with no NAT
   * bound, its timeout counting from now. false (EEXIST) when either tuple is already tracked.
   */
  insert(spec: { orig: Tuple; reply: Tuple; timeoutSec: number; tcpState?: TcpCtState; mark?: number; zone?: number; seenReply?: boolean; assured?: boolean }): boolean {
    const zone = spec.zone ?? 0;
    if (this.find(spec.orig, zone) || this.find(spec.reply, zone)) return false;
    const now = this.opts.now();
    const e: CtEntry = {
      orig: { ...spec.orig },
      reply: { ...spec.reply },
      seenReply: spec.seenReply ?? false,
      confirmed: true,
      srcNatDone: false,
      dstNatDone: false,
      srcNat: false,
      dstNat: false,
      mark: spec.mark ?? 0,
      zone,
      lastSeen: now,
      created: now,
      assured: spec.assured ?? false,
      timeout: spec.timeoutSec * 1000,
      ...(spec.tcpState ? { tcpState: spec.tcpState } : {}),
    };
    this.byTuple.set(key(e.orig, zone), { entry: e, dir: 'orig' });
    this.byTuple.set(key(e.reply, zone), { entry: e, dir: 'reply' });
    if (this.listeners.size) this.emit({ type: 'NEW', entry: e, user: true });
    return true;
  }

  /** Forget every entry (`conntrack -F`). */
  flush(): void {
    if (this.listeners.size) for (const e of this.entries()) this.emit({ type: 'DESTROY', entry: e, user: true });
    this.byTuple.clear();
  }
}

/**
 * nf_nat_l4proto_unique_tuple (nf_nat_proto.c) for a source manip without a port range
 * (NF_NAT_RANGE_PROTO_SPECIFIED unset): the port is drawn within the original port's class —
 * 1-511, 600-1023 or 1024-65535 — not from net.ipv4.ip_local_port_range. --random/--random-fully
 * (NF_NAT_RANGE_PROTO_RANDOM_ALL) always draw: nf_nat_get_unique_tuple skips keeping the port.
 */
function unspecifiedPortRange(port: number): [number, number] {
  if (port < 512) return [1, 511];
  if (port < 1024) return [600, 1023];
  return [1024, 65535];
}
