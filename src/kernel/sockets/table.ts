/**
 * The namespace's socket tables: ping sockets by ICMP identifier, UDP sockets by port, TCP
 * listeners and connections; demultiplexes received datagrams and ICMP errors to them.
 */
import type { Net } from '../netns.js';
import type { NetDevice } from '../netdevice.js';
import type { Rtable } from '../route.js';
import type { SkBuff } from '../skb.js';
import type { SocketError } from '../api.js';
import { icmpErrno } from '../icmp.js';
import { formatIpv4 } from '../../wire/addr.js';
import { tcpV4Err, tcpV4Rcv } from './tcp.js';

export interface PingSockInternal {
  id: number;
  boundAddr: number;
  bindDevIndex: number;
  remote: number;
  rcvEcho(skb: SkBuff): void;
  rcvError(e: SocketError): void;
}

export interface UdpSockInternal {
  addr: number;
  port: number;
  bindDevIndex: number;
  remote: number;
  rport: number;
  rcv(skb: SkBuff): void;
  rcvError(e: SocketError): void;
}

export class SocketTable {
  readonly ping = new Set<PingSockInternal>();
  readonly udp = new Map<number, UdpSockInternal[]>();
  private nextEphemeral: number | undefined;

  constructor(private readonly net: Net) {}

  /** An ephemeral port from ip_local_port_range, starting at a seeded offset. */
  ephemeralPort(inUse: (p: number) => boolean): number | undefined {
    const [lo, hi] = (this.net.sysctl.get('net.ipv4.ip_local_port_range') ?? '32768\t60999').split(/\s+/).map(Number) as [number, number];
    const span = hi - lo + 1;
    if (this.nextEphemeral === undefined) this.nextEphemeral = Math.floor(this.net.env.random() * span);
    for (let i = 0; i < span; i++) {
      const p = lo + ((this.nextEphemeral + i) % span);
      if (!inUse(p)) {
        this.nextEphemeral = (this.nextEphemeral + i + 1) % span;
        return p;
      }
    }
    return undefined;
  }

  /** ping_rcv: echo replies go to the socket owning the identifier. */
  pingRcv(skb: SkBuff): void {
    const id = skb.icmp!.id;
    const src = skb.ip!.src;
    for (const s of this.ping) {
      if (s.id !== id) continue;
      if (s.remote && s.remote !== src) continue;
      s.rcvEcho(skb);
      return;
    }
    this.net.trace('drop', 'drop:no-socket', `no ping socket with id ${id}`, skb.dev, skb);
  }

  udpRcv(skb: SkBuff): boolean {
    const u = skb.udp;
    if (!u) return false;
    const list = this.udp.get(u.dport);
    if (!list) return false;
    const ip = skb.ip!;
    let best: UdpSockInternal | undefined;
    let bestScore = -1;
    for (const s of list) {
      if (s.addr && s.addr !== ip.dst) continue;
      if (s.remote && (s.remote !== ip.src || s.rport !== u.sport)) continue;
      if (s.bindDevIndex && s.bindDevIndex !== skb.iif) continue;
      const score = (s.addr ? 2 : 0) + (s.remote ? 4 : 0) + (s.bindDevIndex ? 1 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    if (!best) return false;
    best.rcv(skb);
    return true;
  }

  tcpRcv(skb: SkBuff, rt: Rtable): void {
    tcpV4Rcv(this.net, skb, rt);
  }

  /** icmp_unreach -> ping_err / __udp4_lib_err / tcp_v4_err. */
  icmpError(icmp: SkBuff, quoted: SkBuff): void {
    const h = icmp.icmp!;
    const from = icmp.ip!.src;
    const e: SocketError = {
      origin: this.net.addrOwner(from) ? 'local' : 'icmp',
      from: formatIpv4(from),
      errno: icmpErrno(h.type, h.code),
      icmpType: h.type,
      icmpCode: h.code,
      ...(h.type === 3 && h.code === 4 ? { mtu: h.mtu } : {}),
      ...(h.type === 5 ? { gateway: formatIpv4(h.gateway) } : {}),
    };
    const qip = quoted.ip!;
    // WHY: the error handlers read the quoted datagram's first 8 bytes as they are, so an error about
    // the first fragment of a fragmented echo (-M dont -s 600 over a 576-byte link) still reaches
    // the ping socket; our fragments carry those bytes unparsed in their payload.
    const echo = quoted.icmp ?? (qip.protocol === 1 && qip.fragOff === 0 && quoted.payload.length >= 8 && quoted.payload[0] === 8
      ? { id: (quoted.payload[4]! << 8) | quoted.payload[5]!, seq: (quoted.payload[6]! << 8) | quoted.payload[7]! }
      : undefined);
    if (echo) {
      for (const s of this.ping) {
        if (s.id === echo.id && (!s.boundAddr || s.boundAddr === qip.src)) {
          s.rcvError({ ...e, seq: echo.seq });
          return;
        }
      }
      return;
    }
    // Only ICMP sockets report redirects; UDP and TCP act on them silently (ipv4_sk_redirect).
    if (h.type === 5) return;
    if (quoted.udp) {
      const list = this.udp.get(quoted.udp.sport) ?? [];
      for (const s of list) {
        if (s.addr && s.addr !== qip.src) continue;
        s.rcvError(e);
        return;
      }
      return;
    }
    if (quoted.tcp) tcpV4Err(this.net, e, quoted);
  }

  devGone(_dev: NetDevice): void {
    // Sockets bound to a vanished device simply stop matching (its ifindex is gone).
  }
}
