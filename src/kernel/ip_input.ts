/**
 * IPv4 input (net/ipv4/ip_input.c, ip_forward.c): ip_rcv sanity checks and PREROUTING, the input
 * route decision, local delivery with INPUT and reassembly, and forwarding with its TTL, MTU/DF,
 * redirect and FORWARD-hook steps.
 */
import type { NetDevice } from './netdevice.js';
import type { Net } from './netns.js';
import { ipRouteInput, routeMtu, type Rtable } from './route.js';
import { IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP, PktType, type SkBuff } from './skb.js';
import { DROP } from './drops.js';
import { nfHook } from './netfilter.js';
import { ipErrorAllow, icmpRcv, icmpSend, ICMP_REDIRECT, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_HOST_UNREACH, ICMP_NET_UNREACH, ICMP_PKT_FILTERED, ICMP_PORT_UNREACH, ICMP_PROT_UNREACH, ICMP_TIME_EXCEEDED } from './icmp.js';
import { ipOutput } from './ip_output.js';
import { formatIpv4 } from '../wire/addr.js';
import { ipDefrag } from './ip_fragment.js';
import { vxlanUdpRcv } from './vxlan_xmit.js';
import { ipipRcv } from './ip_tunnel.js';

/** ip_rcv + ip_rcv_finish. */
export function ipRcv(dev: NetDevice, skb: SkBuff): void {
  const net = dev.net;
  const ip = skb.ip;
  if (!ip) {
    net.trace('drop', DROP.IP_INHDR, 'not an IPv4 datagram', dev, skb);
    return;
  }
  // "When the interface is in promisc. mode, drop all the crap that it receives, do not try to
  // analyse it" (ip_rcv_core).
  if (skb.pktType === PktType.OTHERHOST) {
    net.trace('drop', DROP.OTHERHOST, `frame for ${skb.ethDst} is not for ${dev.name} (${dev.mac})`, dev, skb);
    return;
  }
  skb.iif = dev.ifindex;
  // ip_sabotage_in: a frame that already went through PREROUTING on the bridge path skips it here.
  if (!skb.nfBridged && !nfHook(net, 'PREROUTING', skb, dev, undefined)) return;
  if (dev.kind === 'loopback') {
    // Looped-back packets keep the output route (skb_dst): they are local deliveries, no new lookup.
    const local = skb.loopDst ? skb.loopDst === 'local' : net.addrOwner(ip.dst) !== undefined || ip.dst >>> 24 === 127;
    ipLocalDeliver(net, skb, { type: local ? 'local' : 'broadcast', dev, gw: 0, src: ip.dst, dst: ip.dst, table: 255, entry: undefined, local: true, broadcast: !local, redirect: false, pmtu: undefined });
    return;
  }
  const r = ipRouteInput(net, ip.dst, ip.src, ip.tos, dev, skb.mark);
  switch (r.kind) {
    case 'local':
    case 'broadcast':
      if (net.env.trace) net.trace('route', r.kind === 'local' ? 'local' : 'broadcast', `${formatIpv4(ip.dst)} is ${r.kind === 'local' ? 'a local address' : 'a broadcast address'}`, dev, skb);
      ipLocalDeliver(net, skb, r.rt);
      return;
    case 'forward':
      if (net.env.trace) net.trace('route', 'forward', `${formatIpv4(ip.dst)} via ${r.rt.gw ? formatIpv4(r.rt.gw) + ' ' : ''}dev ${r.rt.dev.name} (table ${r.rt.table})`, dev, skb);
      ipForward(net, skb, r.rt, dev);
      return;
    case 'martian':
      net.trace('drop', r.reason, r.detail, dev, skb);
      return;
    case 'error': {
      net.trace('drop', r.reason, r.detail, dev, skb);
      // ip_error: no ICMP at all when forwarding is off on the input device.
      if (!net.devConf(dev, 'forwarding')) return;
      const code = r.errno === 'EHOSTUNREACH' ? ICMP_HOST_UNREACH : r.errno === 'ENETUNREACH' ? ICMP_NET_UNREACH : r.errno === 'EACCES' ? ICMP_PKT_FILTERED : -1;
      if (code >= 0 && ipErrorAllow(net, skb.ip!.src)) icmpSend(net, skb, ICMP_DEST_UNREACH, code, 0, false);
      return;
    }
  }
}

/** ip_local_deliver: reassemble, INPUT hook, then the transport protocol. */
export function ipLocalDeliver(net: Net, skbIn: SkBuff, rt: Rtable): void {
  let skb: SkBuff | undefined = skbIn;
  if (skb.ip!.mf || skb.ip!.fragOff) {
    skb = ipDefrag(net, skb);
    if (!skb) return;
  }
  if (!nfHook(net, 'INPUT', skb, skb.dev, undefined)) return;
  const ip = skb.ip!;
  if (net.env.trace) net.trace('local', 'deliver', `to the local stack (protocol ${ip.protocol})`, skb.dev, skb);
  switch (ip.protocol) {
    case IPPROTO_ICMP:
      icmpRcv(net, skb, rt);
      return;
    case IPPROTO_UDP:
      // Overlay hook: a vxlan device's UDP socket (encap_rcv) takes datagrams for its port first.
      if (vxlanUdpRcv(net, skb)) return;
      if (!net.sockets.udpRcv(skb)) {
        net.trace('drop', DROP.NO_SOCKET, `no UDP socket on port ${skb.udp?.dport}`, skb.dev, skb);
        // __udp4_lib_rcv: port unreachable, never for broadcast/multicast.
        if (!rt.broadcast) icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, true);
      }
      return;
    case IPPROTO_TCP:
      net.sockets.tcpRcv(skb, rt);
      return;
    default:
      // Overlay hook: IP-in-IP (protocol 4) goes to the ipip module when it is loaded.
      if (ip.protocol === IPPROTO_IPIP && ipipRcv(net, skb)) return;
      net.trace('drop', DROP.NO_SOCKET, `no handler for protocol ${ip.protocol}`, skb.dev, skb);
      if (!rt.broadcast) icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0, true);
  }
}

const REDIRECT_LOAD_MS = 20;
const REDIRECT_NUMBER = 9;
const REDIRECT_SILENCE_MS = REDIRECT_LOAD_MS << 10;

/**
 * ip_rt_send_redirect: per-source token logic of the inet peer: the first redirect goes at once,
 * the n-th only after 20 ms << n, none after 9 until 20.48 s of silence.
 */
function ipRtSendRedirect(net: Net, skb: SkBuff, rt: Rtable): void {
  const now = net.env.now();
  const src = skb.ip!.src;
  let peer = net.redirectPeers.get(src);
  if (!peer) {
    peer = { rateLast: now, n: 0 };
    net.redirectPeers.set(src, peer);
  }
  if (now > peer.rateLast + REDIRECT_SILENCE_MS) peer.n = 0;
  if (peer.n >= REDIRECT_NUMBER) {
    peer.rateLast = now;
    return;
  }
  if (peer.n === 0 || now > peer.rateLast + (REDIRECT_LOAD_MS << peer.n)) {
    icmpSend(net, skb, ICMP_REDIRECT, 1, rt.gw || skb.ip!.dst, false);
    peer.rateLast = now;
    peer.n++;
  }
}

/** ip_forward. */
export function ipForward(net: Net, skbIn: SkBuff, rt: Rtable, indev: NetDevice): void {
  const ip = skbIn.ip!;
  if (skbIn.pktType !== PktType.HOST) {
    net.trace('drop', DROP.OTHERHOST, 'not addressed to this host at layer 2', indev, skbIn);
    return;
  }
  if (ip.ttl <= 1) {
    net.trace('drop', DROP.TTL_EXCEEDED, `ttl ${ip.ttl} expires here`, indev, skbIn);
    icmpSend(net, skbIn, ICMP_TIME_EXCEEDED, 0, 0, false);
    return;
  }
  const mtu = routeMtu(net, rt);
  if (ip.df && ip.totalLen > mtu) {
    net.trace('drop', DROP.FRAG_NEEDED, `${ip.totalLen} bytes with DF exceed mtu ${mtu} of ${rt.dev.name}`, indev, skbIn);
    icmpSend(net, skbIn, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu, false);
    return;
  }
  // ip_decrease_ttl on the same skb (its conntrack reference travels with it); only the cached
  // wire bytes are stale now.
  const skb = skbIn;
  skb.ip!.ttl--;
  skb.bytes = undefined;
  if (net.env.trace) net.trace('forward', 'forward', `ttl ${ip.ttl} -> ${ip.ttl - 1}, out ${rt.dev.name}`, indev, skb);
  // "We now generate an ICMP HOST REDIRECT giving the route we calculated."
  if (rt.redirect) ipRtSendRedirect(net, skb, rt);
  if (!nfHook(net, 'FORWARD', skb, indev, rt.dev)) return;
  ipOutput(net, skb, rt, indev);
}

export { ICMP_FRAG_NEEDED };
