/**
 * IPv4 output (net/ipv4/ip_output.c): ip_local_out with the OUTPUT hook, ip_output with POSTROUTING,
 * fragmentation when a datagram exceeds the route MTU and DF is clear, and the hand-off to the
 * neighbour layer (or straight to the loopback device).
 */
import type { Net } from './netns.js';
import type { Rtable } from './route.js';
import { ipRouteOutput, routeMtu } from './route.js';
import { nfHook } from './netfilter.js';
import { ipvsIfAny } from './ipvs/hooks.js';
import { ETH_P_IP, IPV4_HLEN, ipTotalLen, newSkb, type SkBuff } from './skb.js';
import { devQueueXmit } from './dev.js';
import { DROP } from './drops.js';
import { icmpSend, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED } from './icmp.js';
import { l4Bytes } from './skb_bytes.js';
import type { NetDevice } from './netdevice.js';
import { ipTunnelXmit } from './ip_tunnel.js';

/**
 * Build the IP header of a locally generated datagram (ip_make_skb / ip_build_and_send_pkt).
 * `id` is the identification ip_select_ident picked: pass a number for a connected socket's
 * counter or 0 (DF without ignore_df on an unconnected socket); undefined draws from the
 * per-destination generator, as for every datagram that may be fragmented.
 */
export function ipHeader(net: Net, skb: SkBuff, src: number, dst: number, protocol: number, ttl: number, tos: number, df: boolean, id?: number): void {
  skb.ip = { tos, totalLen: 0, id: id ?? ipSelectIdent(net, src, dst, protocol), df, mf: false, fragOff: 0, ttl, protocol, src, dst };
  skb.ip.totalLen = ipTotalLen(skb);
  skb.ethertype = ETH_P_IP;
}

/**
 * __ip_select_ident: a counter per (source, destination, protocol) bucket starting at a seeded
 * random value, so consecutive datagrams to one peer carry consecutive ids.
 */
export function ipSelectIdent(net: Net, src: number, dst: number, protocol: number): number {
  const key = (((src ^ (dst * 31)) >>> 0) * 0x100 + protocol) % 0x20000000000000;
  let v = net.idents.get(key);
  if (v === undefined) v = net.env.u32() & 0xffff;
  v = (v + 1) & 0xffff;
  net.idents.set(key, v);
  return v;
}

/**
 * ip_local_out: OUTPUT hook, then dst_output. Returns the NET_XMIT_* code of the transmit (0 when
 * the datagram was filtered, queued or dropped before a device answered).
 */
export function ipLocalOut(net: Net, skb: SkBuff, rt: Rtable): number {
  if (!net.netfilter.active(net) && !ipvsIfAny(net)?.active()) return ipOutput(net, skb, rt);
  const ip = skb.ip!;
  const dst = ip.dst;
  const mark = skb.mark;
  if (!nfHook(net, 'OUTPUT', skb, undefined, rt.dev)) return 0;
  let route = rt;
  if (ip.dst !== dst || skb.mark !== mark) {
    // ip_route_me_harder: DNAT or MARK in OUTPUT changed the flow, so route it again.
    const r = ipRouteOutput(net, { daddr: ip.dst, saddr: net.addrOwner(ip.src) ? ip.src : 0, oif: 0, tos: 0, mark: skb.mark });
    if ('error' in r) {
      net.trace('drop', DROP.OUTNOROUTES, `no route after OUTPUT rewrite (${r.error})`, rt.dev, skb);
      return 0;
    }
    route = r.rt;
  }
  return ipOutput(net, skb, route);
}

/** ip_output: POSTROUTING, then ip_finish_output. */
export function ipOutput(net: Net, skb: SkBuff, rt: Rtable, indev?: NetDevice): number {
  if (!nfHook(net, 'POSTROUTING', skb, indev, rt.dev)) return 0;
  return ipFinishOutput(net, skb, rt);
}

function ipFinishOutput(net: Net, skb: SkBuff, rt: Rtable): number {
  const mtu = rt.dev.kind === 'loopback' ? rt.dev.mtu : routeMtu(net, rt);
  const ip = skb.ip!;
  if (ip.totalLen > mtu && mtu > 0) {
    if (ip.df) {
      // A DF datagram that does not fit (only reachable for forwarded or PMTU-changed traffic;
      // sockets refuse oversize DF sends themselves).
      net.trace('drop', DROP.FRAG_NEEDED, `${ip.totalLen} bytes with DF exceed mtu ${mtu} of ${rt.dev.name}`, rt.dev, skb);
      icmpFragNeeded(net, skb, mtu);
      return 0;
    }
    // ip_do_fragment stops at the first fragment the output path refuses and returns its code.
    for (const frag of fragment(skb, mtu)) {
      const rc = ipFinishOutput2(net, frag, rt);
      if (rc) return rc;
    }
    return 0;
  }
  return ipFinishOutput2(net, skb, rt);
}

/** ip_do_fragment: slices of (mtu - 20) rounded down to 8 bytes, MF on all but the last. */
export function fragment(skb: SkBuff, mtu: number): SkBuff[] {
  const ip = skb.ip!;
  const data = l4Bytes(skb);
  const unit = (mtu - IPV4_HLEN) & ~7;
  const out: SkBuff[] = [];
  for (let off = 0; off < data.length; off += unit) {
    const end = Math.min(data.length, off + unit);
    const f = newSkb();
    f.ethertype = ETH_P_IP;
    f.payload = data.subarray(off, end);
    f.ip = { ...ip, fragOff: ip.fragOff + off, mf: end < data.length || ip.mf, totalLen: IPV4_HLEN + end - off };
    f.sk = skb.sk;
    f.mark = skb.mark;
    out.push(f);
  }
  return out;
}

/** ip_finish_output2: neighbour output for the next hop. */
function ipFinishOutput2(net: Net, skb: SkBuff, rt: Rtable): number {
  const dev = rt.dev;
  skb.dev = dev;
  skb.bytes = undefined;
  if (dev.kind === 'loopback') {
    skb.loopDst = rt.type === 'broadcast' ? 'broadcast' : 'local';
    // The loopback neighbour (key 0.0.0.0) is NOARP with the all-zero address unless an
    // administrator replaced it; a foreign address makes lo drop its own frames (OTHERHOST).
    const n = net.neigh.lookup(dev, 0);
    skb.ethDst = n?.lladdr ?? '00:00:00:00:00:00';
    skb.ethSrc = '00:00:00:00:00:00';
    skb.ethertype = ETH_P_IP;
    return devQueueXmit(dev, skb);
  }
  const nh = rt.gw || skb.ip!.dst;
  // Overlay hook: an IP-in-IP device takes the datagram with its route's next hop (rt_nexthop),
  // which the NBMA tunl0 uses as the outer destination (ip_tunnel.ts).
  if (dev.kind === 'ipip') {
    ipTunnelXmit(dev, skb, nh);
    return 0;
  }
  return net.neigh.output(dev, nh, skb);
}

function icmpFragNeeded(net: Net, skb: SkBuff, mtu: number): void {
  icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu, false);
}
