/**
 * ICMP (net/ipv4/icmp.c): echo replies, the errors the stack sends (icmp_send: unreachable, time
 * exceeded, fragmentation needed, with the kernel's rules for when not to send one and which source
 * to use), and delivery of received errors to sockets (icmp_unreach / err handlers) and PMTU learning.
 */
import type { Net } from './netns.js';
import type { Rtable } from './route.js';
import { ipRouteOutput } from './route.js';
import { cloneSkb, ICMP_QUOTE_MAX, IPPROTO_ICMP, newSkb, PktType, type IcmpHdr, type SkBuff } from './skb.js';
import { ipHeader, ipLocalOut } from './ip_output.js';
import { DROP } from './drops.js';
import type { Errno } from './errno.js';
import { formatIpv4 } from '../wire/addr.js';

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_PKT_FILTERED = 13;

/** IPTOS_PREC_INTERNETCONTROL: ICMP errors are sent with precedence 6 (tos 0xc0). */
const IPTOS_PREC_INTERNETCONTROL = 0xc0;
const IPTOS_TOS_MASK = 0x1e;

function isError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** icmp_err_convert[] and the time-exceeded case of icmp_err / ping_err. */
export function icmpErrno(type: number, code: number): Errno {
  if (type === ICMP_TIME_EXCEEDED) return 'EHOSTUNREACH';
  if (type === ICMP_PARAMETERPROB) return 'EPROTONOSUPPORT';
  if (type === ICMP_REDIRECT) return 'EREMOTEIO';
  switch (code) {
    case 0:
    case 6:
    case 9:
    case 11:
      return 'ENETUNREACH';
    case 2:
      return 'ENOPROTOOPT';
    case 3:
      return 'ECONNREFUSED';
    case 4:
      return 'EMSGSIZE';
    case 5:
      return 'EOPNOTSUPP';
    case 7:
      return 'EHOSTDOWN';
    case 8:
      return 'ENONET';
    default:
      return 'EHOSTUNREACH';
  }
}

/**
 * icmp_send(skb_in, type, code, info). `rtLocal`/`rtBroadcast` describe skb_in's route: an error
 * about a packet that was addressed to us is sent from that address, otherwise from whatever the
 * route back to the sender selects (icmp_errors_use_inbound_ifaddr = 0).
 */
export function icmpSend(net: Net, skbIn: SkBuff, type: number, code: number, info: number, rtLocal: boolean, rtBroadcast = false): void {
  const iph = skbIn.ip;
  if (!iph) return;
  if (rtBroadcast) return;
  if (skbIn.pktType !== PktType.HOST) return;
  if (iph.fragOff !== 0) return;
  if (iph.dst >>> 28 === 0xe || iph.dst === 0xffffffff) return;
  if (iph.src >>> 24 === 0 || iph.src >>> 28 === 0xe) return;
  // Never an error about an error.
  if (iph.protocol === IPPROTO_ICMP && skbIn.icmp && isError(skbIn.icmp.type)) return;
  const saddr = rtLocal ? iph.dst : 0;
  const tos = (iph.tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
  const r = ipRouteOutput(net, { daddr: iph.src, saddr: saddr && net.addrOwner(saddr) ? saddr : 0, oif: 0, tos: 0, mark: 0 });
  if ('error' in r) {
    net.trace('icmp', 'no-route', `cannot route ICMP ${type}/${code} back to ${formatIpv4(iph.src)}`, undefined, skbIn);
    return;
  }
  const rt = r.rt;
  if (!icmpXrlimAllow(net, rt, iph.src, type, code)) {
    net.trace('icmp', 'ratelimited', `ICMP ${type}/${code} to ${formatIpv4(iph.src)} suppressed by icmp_ratelimit`, rt.dev, skbIn);
    return;
  }
  const skb = newSkb();
  const quoted = cloneSkb(skbIn);
  const icmp: IcmpHdr = { type, code, id: 0, seq: 0, mtu: type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED ? info : 0, gateway: type === ICMP_REDIRECT ? info : 0, quote: { skb: quoted, len: Math.min(iph.totalLen, ICMP_QUOTE_MAX) } };
  skb.icmp = icmp;
  ipHeader(net, skb, rt.src, iph.src, IPPROTO_ICMP, net.defaultTtl(), tos, false);
  net.trace('icmp', icmpVerdict(type, code), `${formatIpv4(rt.src)} tells ${formatIpv4(iph.src)}: ${icmpText(type, code, info)}`, rt.dev, skb);
  ipLocalOut(net, skb, rt);
}

const XRLIM_BURST_FACTOR = 6;

/**
 * icmpv4_xrlim_allow + inet_peer_xrlim_allow: types in icmp_ratemask towards one peer share a
 * token bucket of icmp_ratelimit ms per message and a burst of 6; PMTU discovery and anything
 * sent over loopback are never limited.
 */
function icmpXrlimAllow(net: Net, rt: Rtable, peerAddr: number, type: number, code: number): boolean {
  if (type > 18 || !((net.globalNum('net.ipv4.icmp_ratemask') >>> type) & 1)) return true;
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) return true;
  if (rt.dev.kind === 'loopback') return true;
  const timeout = net.globalNum('net.ipv4.icmp_ratelimit');
  if (timeout <= 0) return true;
  const now = net.env.now();
  const peer = inetPeer(net, peerAddr);
  let token = peer.tokens + (now - peer.last);
  peer.last = now;
  if (token > XRLIM_BURST_FACTOR * timeout) token = XRLIM_BURST_FACTOR * timeout;
  let ok = false;
  if (token >= timeout) {
    token -= timeout;
    ok = true;
  }
  peer.tokens = token;
  return ok;
}

/** The inet_peer of an address; a new one starts with rate_last 60 s in the past (full bucket). */
function inetPeer(net: Net, addr: number): { tokens: number; last: number } {
  let p = net.icmpPeers.get(addr);
  if (!p) {
    p = { tokens: 0, last: net.env.now() - 60_000 };
    net.icmpPeers.set(addr, p);
  }
  return p;
}

const IP_RT_ERROR_COST = 1000;
const IP_RT_ERROR_BURST = 5000;

/**
 * ip_error's own limiter (route.error_cost 1 s, route.error_burst 5 s) on the same inet_peer
 * tokens icmp_send then spends again: checked in namespaces, 10 datagrams into an unreachable
 * route within 20 ms draw 2 "Destination Host Unreachable", and 2 more 2.2 s later draw 1.
 */
export function ipErrorAllow(net: Net, src: number): boolean {
  const now = net.env.now();
  const peer = inetPeer(net, src);
  peer.tokens += now - peer.last;
  if (peer.tokens > IP_RT_ERROR_BURST) peer.tokens = IP_RT_ERROR_BURST;
  peer.last = now;
  if (peer.tokens >= IP_RT_ERROR_COST) {
    peer.tokens -= IP_RT_ERROR_COST;
    return true;
  }
  return false;
}

function icmpVerdict(type: number, code: number): string {
  if (type === ICMP_TIME_EXCEEDED) return 'time-exceeded';
  if (type === ICMP_DEST_UNREACH) return ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'frag-needed'][code] ?? `unreachable-${code}`;
  if (type === ICMP_REDIRECT) return 'redirect';
  return `icmp-${type}`;
}

function icmpText(type: number, code: number, info: number): string {
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) return `fragmentation needed, next-hop mtu ${info}`;
  return icmpVerdict(type, code).replace('-', ' ');
}

/** icmp_rcv for a datagram delivered locally. */
export function icmpRcv(net: Net, skb: SkBuff, rt: Rtable): void {
  const h = skb.icmp;
  if (!h) return;
  switch (h.type) {
    case ICMP_ECHO:
      if (net.globalNum('net.ipv4.icmp_echo_ignore_all')) {
        net.trace('drop', DROP.ICMP_IGNORED, 'icmp_echo_ignore_all', skb.dev, skb);
        return;
      }
      if (rt.broadcast && net.globalNum('net.ipv4.icmp_echo_ignore_broadcasts')) {
        net.trace('drop', DROP.ICMP_IGNORED, 'icmp_echo_ignore_broadcasts', skb.dev, skb);
        return;
      }
      echoReply(net, skb, rt);
      return;
    case ICMP_ECHOREPLY:
      net.sockets.pingRcv(skb);
      return;
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAMETERPROB:
      icmpUnreach(net, skb);
      return;
    case ICMP_REDIRECT:
      // icmp_redirect -> icmp_socket_deliver: raw ICMP sockets (ping) see it; the route exception
      // (ip_do_redirect) is not modelled yet.
      if (h.quote?.skb.ip) net.sockets.icmpError(skb, h.quote.skb);
      return;
    default:
      return;
  }
}

/** icmp_echo -> icmp_reply: same id, sequence and data, from the address the request was sent to. */
function echoReply(net: Net, req: SkBuff, rt: Rtable): void {
  const iph = req.ip!;
  const saddr = rt.broadcast ? 0 : iph.dst;
  const r = ipRouteOutput(net, { daddr: iph.src, saddr, oif: 0, tos: iph.tos, mark: req.mark });
  if ('error' in r) {
    net.trace('icmp', 'no-route', `no route back to ${formatIpv4(iph.src)} for the echo reply (${r.error})`, req.dev, req);
    return;
  }
  const skb = newSkb();
  skb.icmp = { type: ICMP_ECHOREPLY, code: 0, id: req.icmp!.id, seq: req.icmp!.seq, mtu: 0, gateway: 0 };
  skb.payload = req.payload;
  // The kernel's ICMP socket is IP_PMTUDISC_DONT (icmp_sk_init): replies leave without DF.
  ipHeader(net, skb, r.rt.src, iph.src, IPPROTO_ICMP, net.defaultTtl(), iph.tos, false);
  net.trace('icmp', 'echo-reply', `echo reply to ${formatIpv4(iph.src)} id ${req.icmp!.id} seq ${req.icmp!.seq}`, r.rt.dev, skb);
  ipLocalOut(net, skb, r.rt);
}

/** icmp_unreach: learn PMTU from frag-needed, then hand the error to the socket that sent the datagram. */
function icmpUnreach(net: Net, skb: SkBuff): void {
  const h = skb.icmp!;
  const q = h.quote?.skb;
  if (!q || !q.ip) return;
  if (h.type === ICMP_DEST_UNREACH && h.code === ICMP_FRAG_NEEDED) {
    const minPmtu = net.globalNum('net.ipv4.route.min_pmtu');
    const mtu = Math.max(h.mtu, minPmtu);
    // __ip_rt_update_pmtu: a route exception that expires after route.mtu_expires seconds.
    const cur = net.pmtu.get(q.ip.dst);
    if (!cur || cur.mtu > mtu || cur.expires <= net.env.now()) {
      net.pmtu.set(q.ip.dst, { mtu, expires: net.env.now() + net.globalNum('net.ipv4.route.mtu_expires') * 1000 });
      net.bump();
      net.trace('route', 'pmtu', `path MTU to ${formatIpv4(q.ip.dst)} is now ${mtu}`, skb.dev, skb);
    }
  }
  net.sockets.icmpError(skb, q);
}

