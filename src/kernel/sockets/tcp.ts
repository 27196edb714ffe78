/**
 * A small TCP (net/ipv4/tcp*.c in spirit): listen/accept, connect with SYN retransmissions on
 * virtual time (tcp_syn_retries, RTO doubling from 1 s), the three-way handshake, RST for closed
 * ports, in-order data with retransmission, FIN teardown and TIME_WAIT, and ICMP errors that abort
 * a connect (EHOSTUNREACH after ARP failure, ECONNREFUSED for port unreachable).
 */
import type { Net } from '../netns.js';
import type { SocketError, TcpConnectCallbacks, TcpConnection } from '../api.js';
import type { Errno } from '../errno.js';
import { kerr, kok, type KResult } from '../errno.js';
import { ipRouteOutput, routeMtu, type Rtable } from '../route.js';
import { ipHeader, ipLocalOut } from '../ip_output.js';
import { EMPTY, IPPROTO_TCP, newSkb, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type SkBuff, type TcpHdr } from '../skb.js';
import { formatIpv4, parseIpv4 } from '../../wire/addr.js';
import { icmpErrno } from '../icmp.js';
import type { TimerHandle } from '../env.js';

type State = 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'CLOSE_WAIT' | 'LAST_ACK' | 'CLOSING' | 'TIME_WAIT' | 'CLOSED';

const TCP_TIMEOUT_INIT = 1000;
const TCP_RTO_MIN = 200;
const TCP_RTO_MAX = 120_000;
const TCP_TIMEWAIT_LEN = 60_000;
const TCP_RETRIES2 = 15;
/** Window Linux advertises after the handshake when the peer did not offer window scaling. */
const TCP_INIT_WINDOW = 65280;
/**
 * net.ipv4.tcp_rmem[2] (32 MiB since Linux 6.10): tcp_select_initial_window picks the receive
 * window scale that lets a window reach it, 10 here, the "wscale 10" tcpdump shows on Linux's SYNs.
 */
const TCP_RMEM_MAX = 33554432;
/** TCPOLEN_TSTAMP_ALIGNED: NOP, NOP, timestamp — what every segment carries once timestamps are on. */
const TCPOLEN_TSTAMP_ALIGNED = 12;

function rcvWscale(): number {
  let space = TCP_RMEM_MAX;
  let ws = 0;
  while (space > 0xffff && ws < 14) {
    space >>>= 1;
    ws++;
  }
  return ws;
}

function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

interface Listener {
  addr: number;
  port: number;
  onAccept: (c: TcpConnection) => void;
}

class Tcb {
  state: State;
  sndUna: number;
  sndNxt: number;
  rcvNxt = 0;
  iss: number;
  mss = 536;
  /** Unacknowledged data (and a FIN flag) awaiting ACK, as one byte stream from sndUna. */
  unacked: Uint8Array = EMPTY;
  pendingFin = false;
  finSent = false;
  timer: TimerHandle | undefined;
  rto = TCP_TIMEOUT_INIT;
  retries = 0;
  dataCb: ((d: Uint8Array) => void) | undefined;
  closeCb: ((r: 'fin' | 'rst') => void) | undefined;
  connectCb: TcpConnectCallbacks | undefined;
  listener: Listener | undefined;
  deadline: TimerHandle | undefined;
  rxBacklog: Uint8Array[] = [];
  /** inet_id: a connected socket numbers its DF datagrams itself, from a random start. */
  ipId: number;
  /**
   * What the handshake negotiated (tcp_sack, tcp_timestamps, tcp_window_scaling all default on):
   * timestamps on every later segment, our window scale (undefined: the peer offered none), and the
   * window our SYN or SYN-ACK offered, which later segments advertise scaled down.
   */
  tsOk = false;
  sackOk = false;
  rcvWscale: number | undefined;
  rcvWnd = TCP_INIT_WINDOW;
  /** ts_recent: the peer's last TS value, echoed in ours. */
  tsRecent = 0;
  /**
   * tp->tsoffset: Linux adds a per-connection offset (secure_tcp_ts_off, a keyed hash) to its ms
   * clock. Mixed from the ISN rather than drawn, so the seeded random stream stays as it was.
   */
  readonly tsOffset: number;

  constructor(
    readonly net: Net,
    readonly laddr: number,
    readonly lport: number,
    readonly raddr: number,
    readonly rport: number,
    state: State,
  ) {
    this.state = state;
    this.iss = net.env.u32();
    this.ipId = net.env.u32() & 0xffff;
    this.tsOffset = Math.imul((this.iss ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
  }

  key(): string {
    return connKey(this.laddr, this.lport, this.raddr, this.rport);
  }
}

function connKey(laddr: number, lport: number, raddr: number, rport: number): string {
  return `${laddr}:${lport}:${raddr}:${rport}`;
}

interface TcpTables {
  listeners: Map<number, Listener[]>;
  conns: Map<string, Tcb>;
}

const tables = new WeakMap<Net, TcpTables>();

function tcpTables(net: Net): TcpTables {
  let t = tables.get(net);
  if (!t) {
    const nt: TcpTables = { listeners: new Map(), conns: new Map() };
    tables.set(net, nt);
    t = nt;
  }
  return t;
}

/** tcp_v4_rcv: every namespace answers TCP, with or without sockets (RST for closed ports). */
export function tcpV4Rcv(net: Net, skb: SkBuff, rt: Rtable): void {
  tcpRcv(net, tcpTables(net), skb, rt);
}

export function tcpV4Err(net: Net, e: SocketError, quoted: SkBuff): void {
  tcpErr(tcpTables(net), e, quoted);
}

function portInUse(t: TcpTables, port: number): boolean {
  if (t.listeners.has(port)) return true;
  for (const c of t.conns.values()) if (c.lport === port) return true;
  return false;
}

export function tcpListen(net: Net, addr: string, port: number, onAccept: (c: TcpConnection) => void): KResult<{ close(): void }> {
  const a = parseIpv4(addr);
  if (a === undefined || !Number.isInteger(port) || port < 0 || port > 65535) return kerr('EINVAL');
  if (a !== 0 && !net.addrOwner(a) && a >>> 24 !== 127) return kerr('EADDRNOTAVAIL');
  const t = tcpTables(net);
  let p = port;
  if (p === 0) {
    const e = net.sockets.ephemeralPort((q) => portInUse(t, q));
    if (e === undefined) return kerr('EADDRINUSE');
    p = e;
  }
  const list = t.listeners.get(p) ?? [];
  if (list.some((l) => !l.addr || !a || l.addr === a)) return kerr('EADDRINUSE');
  const l: Listener = { addr: a, port: p, onAccept };
  list.push(l);
  t.listeners.set(p, list);
  return kok({
    close() {
      const cur = t.listeners.get(p)?.filter((x) => x !== l) ?? [];
      if (cur.length) t.listeners.set(p, cur);
      else t.listeners.delete(p);
    },
  });
}

export function tcpConnect(net: Net, dst: string, port: number, cb: TcpConnectCallbacks, opts?: { bindAddr?: string; bindDev?: string; timeoutMs?: number }): KResult<void> {
  const d = parseIpv4(dst);
  if (d === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return kerr('EINVAL');
  let saddr = 0;
  if (opts?.bindAddr !== undefined) {
    const b = parseIpv4(opts.bindAddr);
    if (b === undefined || (b !== 0 && !net.addrOwner(b))) return kerr('EADDRNOTAVAIL');
    saddr = b;
  }
  let oif = 0;
  if (opts?.bindDev !== undefined) {
    const dev = net.devByName(opts.bindDev);
    if (!dev) return kerr('ENODEV');
    oif = dev.ifindex;
  }
  const r = ipRouteOutput(net, { daddr: d, saddr, oif, tos: 0, mark: 0 });
  if ('error' in r) return kerr(r.error);
  if (r.rt.broadcast || r.rt.type === 'multicast') return kerr('ENETUNREACH');
  const t = tcpTables(net);
  const src = saddr || r.rt.src;
  const lport = net.sockets.ephemeralPort((q) => portInUse(t, q));
  if (lport === undefined) return kerr('EADDRNOTAVAIL');
  const c = new Tcb(net, src, lport, d, port, 'SYN_SENT');
  // tcp_connect_init: the SYN offers window scaling; the SYN-ACK decides whether it is used.
  c.rcvWscale = rcvWscale();
  c.connectCb = cb;
  c.mss = advMss(net, r.rt);
  t.conns.set(c.key(), c);
  if (opts?.timeoutMs !== undefined) {
    c.deadline = net.env.after(opts.timeoutMs, () => {
      if (c.state === 'SYN_SENT') fail(t, c, 'ETIMEDOUT');
    });
  }
  sendSyn(t, c);
  return kok(undefined);
}

function advMss(net: Net, rt: Rtable): number {
  const mtu = rt.dev.kind === 'loopback' ? rt.dev.mtu : routeMtu(net, rt);
  return Math.max(536, Math.min(65495, mtu - 40));
}

function route(c: Tcb): Rtable | undefined {
  const r = ipRouteOutput(c.net, { daddr: c.raddr, saddr: c.laddr, oif: 0, tos: 0, mark: 0 });
  return 'rt' in r ? r.rt : undefined;
}

/**
 * tcp_select_initial_window rounds the receive window down to whole segments: a SYN offers
 * floor(65535 / mss) * mss (64240 for mss 1460), a SYN-ACK the same over mss - 12 (room Linux
 * keeps for timestamps: 65160 for 1460).
 */
function synWindow(mss: number, synack: boolean): number {
  const seg = synack ? mss - 12 : mss;
  return Math.floor(65535 / seg) * seg;
}

function xmit(c: Tcb, flags: number, seq: number, payload: Uint8Array, mss?: number): void {
  const rt = route(c);
  if (!rt) return;
  const skb = newSkb();
  const syn = (flags & TCP_SYN) !== 0 && mss !== undefined;
  let window: number;
  if (syn) {
    // tcp_openreq_init_rwin: a SYN-ACK's window counts segments of mss less the timestamp option.
    window = synWindow(mss, (flags & TCP_ACK) !== 0 && c.tsOk);
    c.rcvWnd = window;
  } else if (c.rcvWscale !== undefined) {
    // tcp_select_window: the offered window, rounded up to the scale unit, shifted down.
    window = Math.ceil(c.rcvWnd / 2 ** c.rcvWscale);
  } else window = TCP_INIT_WINDOW;
  const h: TcpHdr = { sport: c.lport, dport: c.rport, seq: seq >>> 0, ack: flags & TCP_ACK ? c.rcvNxt >>> 0 : 0, flags, window, ...(mss !== undefined ? { mss } : {}) };
  if (syn) {
    // tcp_syn_options / tcp_synack_options: SACK-permitted, timestamps and window scale on a SYN,
    // and on a SYN-ACK those the SYN offered; wire order mss,sackOK,TS,nop,wscale (20 bytes).
    const synack = (flags & TCP_ACK) !== 0;
    if (!synack || c.sackOk) h.sackPermitted = true;
    if (!synack || c.tsOk) h.timestamps = { tsval: tsNow(c), tsecr: synack ? c.tsRecent : 0 };
    if (!synack || c.rcvWscale !== undefined) h.wscale = rcvWscale();
  } else if (c.tsOk) {
    // tcp_established_options: every later segment carries NOP, NOP, TS.
    h.timestamps = { tsval: tsNow(c), tsecr: c.tsRecent };
  }
  skb.tcp = h;
  skb.payload = payload;
  c.ipId = (c.ipId + 1) & 0xffff;
  ipHeader(c.net, skb, c.laddr, c.raddr, IPPROTO_TCP, c.net.defaultTtl(), 0, true, c.ipId);
  ipLocalOut(c.net, skb, rt);
}

/** tcp_time_stamp_ts: the ms clock plus the connection's offset. */
function tsNow(c: Tcb): number {
  return (Math.floor(c.net.env.now()) + c.tsOffset) >>> 0;
}

/** Data bytes per segment: the MSS less the timestamp option when it rides on every segment (mss_cache). */
function sendMss(c: Tcb): number {
  return c.tsOk ? c.mss - TCPOLEN_TSTAMP_ALIGNED : c.mss;
}

function sendSyn(t: TcpTables, c: Tcb): void {
  xmit(c, TCP_SYN, c.iss, EMPTY, c.mss);
  c.sndNxt = (c.iss + 1) >>> 0;
  armRetransmit(t, c);
}

function armRetransmit(t: TcpTables, c: Tcb): void {
  c.timer?.cancel();
  c.timer = c.net.env.after(c.rto, () => onRetransmitTimer(t, c));
}

function onRetransmitTimer(t: TcpTables, c: Tcb): void {
  c.timer = undefined;
  const net = c.net;
  if (c.state === 'SYN_SENT') {
    if (c.retries >= net.globalNum('net.ipv4.tcp_syn_retries')) return fail(t, c, 'ETIMEDOUT');
    c.retries++;
    c.rto = Math.min(c.rto * 2, TCP_RTO_MAX);
    xmit(c, TCP_SYN, c.iss, EMPTY, c.mss);
    armRetransmit(t, c);
    return;
  }
  if (c.state === 'SYN_RECV') {
    if (c.retries >= net.globalNum('net.ipv4.tcp_synack_retries')) return destroy(t, c);
    c.retries++;
    c.rto = Math.min(c.rto * 2, TCP_RTO_MAX);
    xmit(c, TCP_SYN | TCP_ACK, c.iss, EMPTY, c.mss);
    armRetransmit(t, c);
    return;
  }
  if (c.unacked.length > 0 || (c.finSent && seqLt(c.sndUna, c.sndNxt))) {
    if (c.retries >= TCP_RETRIES2) return reset(t, c, 'ETIMEDOUT');
    c.retries++;
    c.rto = Math.min(c.rto * 2, TCP_RTO_MAX);
    const chunk = c.unacked.subarray(0, sendMss(c));
    if (chunk.length > 0) xmit(c, TCP_ACK | TCP_PSH, c.sndUna, chunk);
    else if (c.finSent) xmit(c, TCP_FIN | TCP_ACK, c.sndUna, EMPTY);
    armRetransmit(t, c);
  }
}

function fail(t: TcpTables, c: Tcb, errno: Errno, detail?: SocketError): void {
  const cb = c.connectCb;
  c.connectCb = undefined;
  destroy(t, c);
  cb?.failed(errno, detail);
}

function destroy(t: TcpTables, c: Tcb): void {
  c.timer?.cancel();
  c.deadline?.cancel();
  c.state = 'CLOSED';
  if (t.conns.get(c.key()) === c) t.conns.delete(c.key());
}

function reset(t: TcpTables, c: Tcb, _errno: Errno): void {
  const cb = c.closeCb;
  destroy(t, c);
  cb?.('rst');
}

function connection(t: TcpTables, c: Tcb): TcpConnection {
  return {
    local: { addr: formatIpv4(c.laddr), port: c.lport },
    remote: { addr: formatIpv4(c.raddr), port: c.rport },
    send(data: Uint8Array) {
      if (c.state !== 'ESTABLISHED' && c.state !== 'CLOSE_WAIT') return;
      if (c.pendingFin || data.length === 0) return;
      const inflight = c.unacked.length;
      const merged = new Uint8Array(inflight + data.length);
      merged.set(c.unacked);
      merged.set(data, inflight);
      c.unacked = merged;
      const smss = sendMss(c);
      for (let off = 0; off < data.length; off += smss) {
        const seg = data.subarray(off, Math.min(data.length, off + smss));
        xmit(c, TCP_ACK | TCP_PSH, c.sndNxt, seg);
        c.sndNxt = (c.sndNxt + seg.length) >>> 0;
      }
      if (!c.timer) {
        c.rto = TCP_RTO_MIN;
        armRetransmit(t, c);
      }
    },
    onData(cb) {
      c.dataCb = cb;
      for (const d of c.rxBacklog) cb(d);
      c.rxBacklog = [];
    },
    onClose(cb) {
      c.closeCb = cb;
    },
    close() {
      if (c.finSent || c.state === 'CLOSED') return;
      c.pendingFin = true;
      c.finSent = true;
      xmit(c, TCP_FIN | TCP_ACK, c.sndNxt, EMPTY);
      c.sndNxt = (c.sndNxt + 1) >>> 0;
      c.state = c.state === 'CLOSE_WAIT' ? 'LAST_ACK' : 'FIN_WAIT1';
      if (!c.timer) {
        c.rto = TCP_RTO_MIN;
        armRetransmit(t, c);
      }
    },
    abort() {
      if (c.state === 'CLOSED') return;
      xmit(c, TCP_RST | TCP_ACK, c.sndNxt, EMPTY);
      destroy(t, c);
    },
  };
}

/** tcp_v4_send_reset for a segment no socket wants. */
export function sendReset(net: Net, skb: SkBuff): void {
  const h = skb.tcp!;
  if (h.flags & TCP_RST) return;
  const ip = skb.ip!;
  const r = ipRouteOutput(net, { daddr: ip.src, saddr: ip.dst, oif: 0, tos: 0, mark: 0 });
  if ('error' in r) return;
  const out = newSkb();
  const segLen = skb.payload.length + (h.flags & TCP_SYN ? 1 : 0) + (h.flags & TCP_FIN ? 1 : 0);
  out.tcp =
    h.flags & TCP_ACK
      ? { sport: h.dport, dport: h.sport, seq: h.ack, ack: 0, flags: TCP_RST, window: 0 }
      : { sport: h.dport, dport: h.sport, seq: 0, ack: (h.seq + segLen) >>> 0, flags: TCP_RST | TCP_ACK, window: 0 };
  // Sent from the per-namespace control socket: unconnected, so a DF segment gets id 0.
  ipHeader(net, out, ip.dst, ip.src, IPPROTO_TCP, net.defaultTtl(), 0, true, 0);
  net.trace('socket', 'rst', `no socket for ${formatIpv4(ip.dst)}:${h.dport}: reset`, r.rt.dev, out);
  ipLocalOut(net, out, r.rt);
}

function tcpRcv(net: Net, t: TcpTables, skb: SkBuff, _rt: Rtable): boolean {
  const h = skb.tcp;
  if (!h) return false;
  const ip = skb.ip!;
  const c = t.conns.get(connKey(ip.dst, h.dport, ip.src, h.sport));
  if (c) {
    segmentArrives(t, c, skb);
    return true;
  }
  const lst = (t.listeners.get(h.dport) ?? []).find((l) => !l.addr || l.addr === ip.dst);
  if (lst && h.flags & TCP_SYN && !(h.flags & (TCP_ACK | TCP_RST))) {
    const child = new Tcb(net, ip.dst, h.dport, ip.src, h.sport, 'SYN_RECV');
    child.listener = lst;
    child.rcvNxt = (h.seq + 1) >>> 0;
    const rt = route(child);
    child.mss = Math.min(h.mss ?? 536, rt ? advMss(net, rt) : 536);
    // tcp_parse_options on the SYN: answer only the options it offered.
    child.sackOk = h.sackPermitted === true;
    if (h.timestamps) {
      child.tsOk = true;
      child.tsRecent = h.timestamps.tsval;
    }
    if (h.wscale !== undefined) child.rcvWscale = rcvWscale();
    t.conns.set(child.key(), child);
    xmit(child, TCP_SYN | TCP_ACK, child.iss, EMPTY, rt ? advMss(net, rt) : 536);
    child.sndNxt = (child.iss + 1) >>> 0;
    armRetransmit(t, child);
    return true;
  }
  net.trace('drop', 'drop:tcp-no-socket', `no TCP socket for ${formatIpv4(ip.dst)}:${h.dport}`, skb.dev, skb);
  sendReset(net, skb);
  return true;
}

function segmentArrives(t: TcpTables, c: Tcb, skb: SkBuff): void {
  const h = skb.tcp!;
  const net = c.net;
  // tcp_store_ts_recent: the peer's latest TS value is what our next segments echo.
  if (h.timestamps && !(h.flags & TCP_RST)) c.tsRecent = h.timestamps.tsval;
  if (c.state === 'SYN_SENT') {
    if (h.flags & TCP_ACK && h.ack !== c.sndNxt) {
      if (!(h.flags & TCP_RST)) sendReset(net, skb);
      return;
    }
    if (h.flags & TCP_RST) {
      if (h.flags & TCP_ACK) fail(t, c, 'ECONNREFUSED');
      return;
    }
    if (h.flags & TCP_SYN && h.flags & TCP_ACK) {
      c.rcvNxt = (h.seq + 1) >>> 0;
      c.sndUna = h.ack;
      if (h.mss !== undefined) c.mss = Math.min(c.mss, h.mss);
      // tcp_rcv_synsent_state_process: what the SYN-ACK echoed is what both ends use.
      c.sackOk = h.sackPermitted === true;
      c.tsOk = h.timestamps !== undefined;
      if (h.wscale === undefined) c.rcvWscale = undefined;
      c.state = 'ESTABLISHED';
      c.timer?.cancel();
      c.timer = undefined;
      c.deadline?.cancel();
      c.retries = 0;
      xmit(c, TCP_ACK, c.sndNxt, EMPTY);
      const cb = c.connectCb;
      c.connectCb = undefined;
      net.trace('socket', 'established', `tcp ${formatIpv4(c.laddr)}:${c.lport} -> ${formatIpv4(c.raddr)}:${c.rport} established`, skb.dev, skb);
      cb?.established(connection(t, c));
    }
    return;
  }
  if (h.flags & TCP_RST) {
    if (seqLe(c.rcvNxt, h.seq) || c.state === 'SYN_RECV') reset(t, c, 'ECONNRESET');
    return;
  }
  if (c.state === 'SYN_RECV') {
    if (h.flags & TCP_ACK && h.ack === c.sndNxt) {
      c.state = 'ESTABLISHED';
      c.sndUna = h.ack;
      c.timer?.cancel();
      c.timer = undefined;
      c.retries = 0;
      c.listener?.onAccept(connection(t, c));
    } else if (h.flags & TCP_SYN) {
      xmit(c, TCP_SYN | TCP_ACK, c.iss, EMPTY, c.mss);
      return;
    } else {
      return;
    }
  }
  if (h.flags & TCP_ACK && seqLt(c.sndUna, h.ack) && seqLe(h.ack, c.sndNxt)) {
    const acked = (h.ack - c.sndUna) >>> 0;
    const dataAcked = Math.min(acked, c.unacked.length);
    c.unacked = c.unacked.subarray(dataAcked);
    c.sndUna = h.ack;
    c.retries = 0;
    c.timer?.cancel();
    c.timer = undefined;
    if (c.unacked.length > 0 || seqLt(c.sndUna, c.sndNxt)) {
      c.rto = TCP_RTO_MIN;
      armRetransmit(t, c);
    }
    if (c.finSent && c.sndUna === c.sndNxt) {
      if (c.state === 'FIN_WAIT1') c.state = 'FIN_WAIT2';
      else if (c.state === 'CLOSING') enterTimeWait(t, c);
      else if (c.state === 'LAST_ACK') return destroy(t, c);
    }
  }
  const len = skb.payload.length;
  if (len > 0) {
    if (h.seq === c.rcvNxt) {
      c.rcvNxt = (c.rcvNxt + len) >>> 0;
      if (c.dataCb) c.dataCb(skb.payload);
      else c.rxBacklog.push(skb.payload);
    }
    if (!(h.flags & TCP_FIN)) xmit(c, TCP_ACK, c.sndNxt, EMPTY);
  }
  if (h.flags & TCP_FIN && ((h.seq + len) >>> 0) === c.rcvNxt) {
    c.rcvNxt = (c.rcvNxt + 1) >>> 0;
    xmit(c, TCP_ACK, c.sndNxt, EMPTY);
    switch (c.state) {
      case 'ESTABLISHED':
        c.state = 'CLOSE_WAIT';
        break;
      case 'FIN_WAIT1':
        c.state = c.sndUna === c.sndNxt ? 'TIME_WAIT' : 'CLOSING';
        if (c.state === 'TIME_WAIT') enterTimeWait(t, c);
        break;
      case 'FIN_WAIT2':
        enterTimeWait(t, c);
        break;
      default:
        break;
    }
    c.closeCb?.('fin');
  }
}

function enterTimeWait(t: TcpTables, c: Tcb): void {
  c.state = 'TIME_WAIT';
  c.timer?.cancel();
  c.timer = c.net.env.after(TCP_TIMEWAIT_LEN, () => destroy(t, c));
}

/** tcp_v4_err: any unreachable aborts a connect in progress with the converted errno. */
function tcpErr(t: TcpTables, e: SocketError, quoted: SkBuff): void {
  const q = quoted.tcp!;
  const ip = quoted.ip!;
  const c = t.conns.get(connKey(ip.src, q.sport, ip.dst, q.dport));
  if (!c) return;
  if (e.icmpType === 3 && e.icmpCode === 4) return;
  if (c.state === 'SYN_SENT' || c.state === 'SYN_RECV') {
    fail(t, c, e.icmpType !== undefined ? icmpErrno(e.icmpType, e.icmpCode ?? 0) : e.errno, e);
  }
}
