/**
 * ICMP echo sockets (what ping uses): connect-time route lookup with the kernel's errors, echo
 * requests with DF per IP_PMTUDISC, EMSGSIZE against the path MTU, replies matched by identifier, and
 * ICMP or local errors delivered as IP_RECVERR would.
 */
import type { Net } from '../netns.js';
import type { EchoReply, PingSocket, PingSocketOptions, SocketError } from '../api.js';
import { kerr, kok, type KResult } from '../errno.js';
import { ipRouteOutput, routeMtu, type Rtable } from '../route.js';
import { ipHeader, ipLocalOut } from '../ip_output.js';
import { IPPROTO_ICMP, newSkb, type SkBuff } from '../skb.js';
import { NET_XMIT_CN } from '../dev.js';
import { formatIpv4, parseIpv4 } from '../../wire/addr.js';
import type { PingSockInternal } from './table.js';

const ICMP_ECHO = 8;
const IPV4_ICMP_OVERHEAD = 28;

export function createPingSocket(net: Net, opts: PingSocketOptions = {}): PingSocket {
  let replyCb: ((r: EchoReply) => void) | undefined;
  let errorCb: ((e: SocketError) => void) | undefined;
  const sent = new Map<number, number>();
  let closed = false;
  let bindDevIndex = 0;
  let boundAddr = 0;
  let bindError: KResult<never> | undefined;
  if (opts.bindDev !== undefined) {
    const d = net.devByName(opts.bindDev);
    if (!d) bindError = kerr('ENODEV');
    else bindDevIndex = d.ifindex;
  }
  if (opts.bindAddr !== undefined) {
    const a = parseIpv4(opts.bindAddr);
    // bind() to an address this namespace does not have: EADDRNOTAVAIL (ip_nonlocal_bind = 0).
    if (a === undefined || (a !== 0 && !net.addrOwner(a))) bindError = kerr('EADDRNOTAVAIL');
    else boundAddr = a;
  }
  const id = opts.id ?? (net.env.u32() & 0xffff);

  const internal: PingSockInternal = {
    id,
    boundAddr,
    bindDevIndex,
    remote: 0,
    rcvEcho(skb: SkBuff) {
      if (closed) return;
      const seq = skb.icmp!.seq;
      const sentAt = sent.get(seq) ?? net.env.now();
      replyCb?.({ from: formatIpv4(skb.ip!.src), seq, ttl: skb.ip!.ttl, bytes: skb.payload.length, t: net.env.now(), sentAt });
    },
    rcvError(e: SocketError) {
      if (!closed) errorCb?.(e);
    },
  };
  net.sockets.ping.add(internal);

  const route = (dst: number): { rt: Rtable } | { error: import('../errno.js').Errno } =>
    ipRouteOutput(net, { daddr: dst, saddr: boundAddr, oif: bindDevIndex, tos: opts.tos ?? 0, mark: 0 });

  return {
    connect(dst: string): KResult<{ src: string; dev: string }> {
      if (bindError) return bindError;
      const d = parseIpv4(dst);
      if (d === undefined) return kerr('EINVAL');
      const r = route(d);
      if ('error' in r) return kerr(r.error);
      // Connecting a socket to a broadcast address needs SO_BROADCAST (EACCES otherwise).
      if (r.rt.broadcast && !opts.broadcast) return kerr('EACCES');
      internal.remote = d;
      return kok({ src: formatIpv4(r.rt.src), dev: r.rt.dev.name });
    },
    send(seq: number, size: number): KResult<void> {
      if (closed) return kerr('EINVAL');
      if (bindError) return bindError;
      if (!internal.remote) return kerr('EINVAL');
      const r = route(internal.remote);
      if ('error' in r) return kerr(r.error);
      const rt = r.rt;
      if (rt.broadcast && !opts.broadcast) return kerr('EACCES');
      const pmtudisc = opts.pmtudisc ?? (net.globalNum('net.ipv4.ip_no_pmtu_disc') ? 'dont' : 'want');
      const total = IPV4_ICMP_OVERHEAD + size;
      const mtu = rt.dev.kind === 'loopback' ? rt.dev.mtu : routeMtu(net, rt);
      if (total > 65535) return kerr('EMSGSIZE');
      // __ip_append_data: with IP_PMTUDISC_DO a datagram above the path MTU is refused and the
      // error also goes to the error queue (ip_local_error) with the MTU, which ping prints.
      if (pmtudisc === 'do' && total > mtu) {
        const e: SocketError = { origin: 'local', from: formatIpv4(rt.src), errno: 'EMSGSIZE', mtu, seq };
        net.env.soon(() => errorCb?.(e));
        return kerr('EMSGSIZE');
      }
      const df = pmtudisc === 'do' || (pmtudisc === 'want' && total <= mtu);
      const skb = newSkb();
      skb.icmp = { type: ICMP_ECHO, code: 0, id, seq: seq & 0xffff, mtu: 0, gateway: 0 };
      skb.payload = echoPayload(size, net.env.now());
      // ip_select_ident: DF without ignore_df (IP_PMTUDISC_DO) on an unconnected raw socket -> id 0.
      ipHeader(net, skb, rt.src, internal.remote, IPPROTO_ICMP, opts.ttl ?? net.defaultTtl(), opts.tos ?? 0, df, pmtudisc === 'do' ? 0 : undefined);
      sent.set(seq & 0xffff, net.env.now());
      net.trace('socket', 'send', `ping ${formatIpv4(internal.remote)} id ${id} seq ${seq} (${size} bytes)`, rt.dev, skb);
      // ip_send_skb: a positive NET_XMIT code other than NET_XMIT_CN becomes -ENOBUFS
      // (net_xmit_errno); raw_sendmsg keeps it because iputils sets IP_RECVERR.
      const rc = ipLocalOut(net, skb, rt);
      if (rc > 0 && rc !== NET_XMIT_CN) return kerr('ENOBUFS');
      return kok(undefined);
    },
    onReply(cb) {
      replyCb = cb;
    },
    onError(cb) {
      errorCb = cb;
    },
    close() {
      closed = true;
      net.sockets.ping.delete(internal);
    },
  };
}

/** iputils fills the data with a struct timeval then bytes counting up from 0x10. */
function echoPayload(size: number, now: number): Uint8Array {
  const p = new Uint8Array(size);
  if (size >= 16) {
    const dv = new DataView(p.buffer);
    const sec = Math.floor(now / 1000);
    dv.setUint32(4, sec >>> 0, true);
    dv.setUint32(8, Math.floor((now % 1000) * 1000) >>> 0, true);
  }
  for (let i = 16; i < size; i++) p[i] = i & 0xff;
  return p;
}
