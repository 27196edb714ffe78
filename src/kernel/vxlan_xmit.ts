/**
 * The VXLAN packet path (drivers/net/vxlan/vxlan_core.c): vxlan_xmit looks the inner destination
 * MAC up in the device's FDB and sends one UDP datagram per remote through the underlay namespace's
 * own routing, OUTPUT/POSTROUTING, fragmentation and ARP; vxlan_rcv takes UDP datagrams that arrive
 * on a VXLAN port, matches the VNI, learns the sender and hands the inner frame to the device.
 */
import type { Net } from './netns.js';
import type { NetDevice } from './netdevice.js';
import { cloneSkb, ETH_P_ARP, ETH_P_IP, ICMP_QUOTE_MAX, IPPROTO_UDP, ipTotalLen, newSkb, PktType, type SkBuff } from './skb.js';
import { NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE } from './neighbour.js';
import { frameBytes } from './skb_bytes.js';
import { ipRouteOutput, routeMtu } from './route.js';
import { ipHeader, ipLocalOut } from './ip_output.js';
import { netifReceive } from './dev.js';
import { ALL_ZEROS_MAC, VXLAN_HEADROOM, vxlanFdbLookup, vxlanOf, vxlanSnoop, vxlansOnPort, type VxlanDev, type VxlanRdst } from './vxlan.js';
import { skbFromFrame } from './vxlan_frame.js';
import { decodeVxlan, encodeVxlan } from '../wire/vxlan.js';
import { isWireError } from '../wire/error.js';
import { formatIpv4 } from '../wire/addr.js';

/** Drop reasons of the tunnel, named after SKB_DROP_REASON_* / the driver's counters. */
export const VXLAN_DROP = {
  NO_TX_TARGET: 'drop:vxlan-no-fdb-entry',
  NO_ROUTE: 'drop:vxlan-no-route',
  CIRCULAR: 'drop:vxlan-circular-route',
  BAD_HEADER: 'drop:vxlan-invalid-hdr',
  VNI_NOT_FOUND: 'drop:vxlan-vni-not-found',
  LOOPED: 'drop:vxlan-own-src-mac',
  MALFORMED: 'drop:vxlan-malformed-inner',
} as const;

const isMulticast = (a: number): boolean => a >>> 28 === 0xe;
// Read at call time: neighbour.js sits in an import cycle with this module (via dev.js).
const nudConnected = (): number => NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;
const IPTOS_ECN_MASK = 0x03;

/** vxlan_xmit: the frame was queued on the vxlan device. */
export function vxlanXmit(dev: NetDevice, skb: SkBuff): void {
  const v = vxlanOf(dev);
  if (!v) return;
  // With `proxy` every ARP frame stays local: requests are answered from the neighbour table.
  if (v.cfg.proxy && skb.ethertype === ETH_P_ARP) {
    arpReduce(v, skb);
    return;
  }
  let f = vxlanFdbLookup(v, skb.ethDst);
  if (!f) {
    // Unknown destinations go to the all-zeros entry: the flood list (flannel has none; a
    // `remote` gives one).
    f = vxlanFdbLookup(v, ALL_ZEROS_MAC);
    if (!f) {
      dev.net.trace('drop', VXLAN_DROP.NO_TX_TARGET, `${dev.name}: no FDB entry for ${skb.ethDst} and no default destination`, dev, skb);
      return;
    }
  }
  const inner = frameBytes(skb);
  for (const r of f.remotes) xmitOne(v, skb, inner, r);
}

/**
 * arp_reduce: answer an ARP request for an address the vxlan device has a connected neighbour
 * entry for, as if the owner had replied through the tunnel; anything else is consumed silently
 * (an l3miss notification would go to user space, which podnet does not model).
 */
function arpReduce(v: VxlanDev, skb: SkBuff): void {
  const dev = v.dev;
  const arp = skb.arp;
  if (dev.noarp || !arp || arp.op !== 1) return;
  const tip = arp.targetIp;
  if (tip >>> 24 === 127 || tip >>> 28 === 0xe) return;
  const n = dev.net.neigh.lookup(dev, tip);
  if (!n || !(n.state & nudConnected()) || !n.lladdr) {
    if (dev.net.env.trace) dev.net.trace('arp', 'proxy-miss', `${dev.name}: no neighbour entry for ${formatIpv4(tip)}, request consumed`, dev, skb);
    return;
  }
  // A neighbour whose MAC sits behind a local (any-address) FDB entry is bridge-local: no answer.
  const f = vxlanFdbLookup(v, n.lladdr);
  if (f && f.remotes[0]?.ip === 0) return;
  const reply = newSkb();
  reply.ethDst = arp.senderMac;
  reply.ethSrc = n.lladdr;
  reply.ethertype = ETH_P_ARP;
  reply.arp = { op: 2, senderMac: n.lladdr, senderIp: tip, targetMac: arp.senderMac, targetIp: arp.senderIp };
  reply.dev = dev;
  if (dev.net.env.trace) dev.net.trace('arp', 'proxy-reply', `${dev.name}: ${formatIpv4(tip)} is at ${n.lladdr}`, dev, reply);
  dev.net.env.soon(netifReceive as (a: unknown) => void, reply);
}

/** The last ip_local_port_range text parsed: the sysctl is read for every encapsulated frame. */
let lastRange = { text: '', min: 32768, max: 60999 };
function portRange(text: string): [number, number] {
  if (text !== lastRange.text) {
    const [lo, hi] = text.split(/\s+/).map(Number) as [number, number];
    lastRange = { text, min: Number.isFinite(lo) ? lo : 32768, max: Number.isFinite(hi) ? hi : 60999 };
  }
  return [lastRange.min, lastRange.max];
}

/** udp_flow_src_port: a hash of the inner flow scaled into the namespace's local port range. */
export function vxlanSrcPort(v: VxlanDev, skb: SkBuff): number {
  // udp_flow_src_port(net, skb, port_min, port_max): an empty range (min >= max) means the
  // namespace's local port range.
  let min = v.cfg.portMin;
  let max = v.cfg.portMax;
  if (min >= max) [min, max] = portRange(v.underlay.sysctl.get('net.ipv4.ip_local_port_range') ?? '32768\t60999');
  let h = v.hashSeed >>> 0;
  const mix = (x: number): void => {
    h = Math.imul(h ^ (x >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  };
  // skb_get_hash: the flow dissector's keys (addresses, protocol, ports), or the MACs for non-IP.
  if (skb.ip) {
    mix(skb.ip.src);
    mix(skb.ip.dst);
    mix(skb.ip.protocol);
    const l4 = skb.udp ?? skb.tcp;
    if (l4) mix((l4.sport << 16) | l4.dport);
    else if (skb.icmp) mix(skb.icmp.id);
  } else {
    mix(parseInt(skb.ethSrc.replace(/:/g, '').slice(4), 16));
    mix(parseInt(skb.ethDst.replace(/:/g, '').slice(4), 16));
  }
  return Math.floor((h * (max - min)) / 2 ** 32) + min;
}

/** vxlan_xmit_one for an IPv4 remote. */
function xmitOne(v: VxlanDev, skb: SkBuff, inner: Uint8Array, r: VxlanRdst): void {
  const dev = v.dev;
  const net = v.underlay;
  const c = v.cfg;
  if (r.ip === 0) {
    dev.net.trace('drop', VXLAN_DROP.NO_TX_TARGET, `${dev.name}: FDB entry for ${skb.ethDst} has no destination`, dev, skb);
    return;
  }
  const port = r.port || c.dstport;
  const vni = r.vni ?? c.vni;
  const oif = r.ifindex || c.lowerIfindex;
  let tos = c.tos;
  // tos 1 means "inherit" (ip_tunnel_get_dsfield of the inner IPv4 header).
  if (tos === 1) tos = skb.ip ? skb.ip.tos : 0;
  const rt0 = ipRouteOutput(net, { daddr: r.ip, saddr: c.local, oif, tos: tos & ~IPTOS_ECN_MASK, mark: skb.mark });
  if ('error' in rt0) {
    dev.net.trace('drop', VXLAN_DROP.NO_ROUTE, `${dev.name}: no route to ${formatIpv4(r.ip)} (${rt0.error})`, dev, skb);
    return;
  }
  const rt = rt0.rt;
  if (rt.dev === dev) {
    dev.net.trace('drop', VXLAN_DROP.CIRCULAR, `${dev.name}: circular route to ${formatIpv4(r.ip)}`, dev, skb);
    return;
  }
  if (tunnelCheckPmtu(v, skb, routeMtu(net, rt) - VXLAN_HEADROOM)) return;
  // ttl auto: 1 towards a group, else the underlay's default (ip4_dst_hoplimit).
  // ip_tunnel_get_ttl for inherit: the inner IPv4 TTL, else the route's hop limit as for auto.
  const ttl = c.ttlInherit && skb.ip ? skb.ip.ttl : c.ttl || (isMulticast(r.ip) ? 1 : net.defaultTtl());
  const out = newSkb();
  out.udp = { sport: vxlanSrcPort(v, skb), dport: port, ...(c.udpcsum ? {} : { noChecksum: true }) };
  out.payload = encodeVxlan({ vni }, inner);
  out.mark = skb.mark;
  // vxlan_xmit_one: DF on the outer header never (unset, the default: the underlay fragments
  // oversize datagrams), always (set), or when an inner IPv4 packet has it (inherit).
  const df = c.df === 'set' || (c.df === 'inherit' && !!skb.ip?.df);
  ipHeader(net, out, c.local || rt.src, r.ip, IPPROTO_UDP, ttl, tos & ~IPTOS_ECN_MASK, df);
  if (net.env.trace) net.trace('encap', 'vxlan', `${dev.name} vni ${vni}: ${skb.ethDst} -> ${formatIpv4(r.ip)}:${port}`, dev, out);
  ipLocalOut(net, out, rt);
}

/**
 * skb_tunnel_check_pmtu: an inner datagram that will not fit the underlay path once wrapped lowers
 * the path MTU of the route it took (a route exception in the vxlan device's namespace), so the
 * sender's next oversize DF datagram is refused locally; this one still goes out, fragmented by the
 * underlay since the outer header has DF clear. On a bridge port there is no route to update: a DF
 * frame that does not fit is answered in place with a frag-needed (iptunnel_pmtud_check_icmp) and
 * dropped. Returns true when the frame was consumed.
 */
function tunnelCheckPmtu(v: VxlanDev, skb: SkBuff, mtu: number): boolean {
  const ip = skb.ip;
  if (!ip || ip.totalLen <= mtu) return false;
  const net = v.dev.net;
  if (v.dev.master) {
    if (skb.pktType === PktType.HOST) return false;
    return pmtudIcmp(v, skb, mtu);
  }
  // __ip_rt_update_pmtu: never below route.min_pmtu, never raising what the route already has.
  const pmtu = Math.max(mtu, net.globalNum('net.ipv4.route.min_pmtu'));
  const cur = net.pmtu.get(ip.dst);
  const now = net.env.now();
  if (cur && cur.expires > now && cur.mtu <= pmtu) return false;
  if (pmtu >= v.dev.mtu) return false;
  net.pmtu.set(ip.dst, { mtu: pmtu, expires: now + net.globalNum('net.ipv4.route.mtu_expires') * 1000 });
  net.bump();
  net.trace('route', 'pmtu', `${v.dev.name}: path MTU to ${formatIpv4(ip.dst)} is now ${pmtu} (underlay mtu minus ${VXLAN_HEADROOM})`, v.dev, skb);
  return false;
}

/**
 * iptunnel_pmtud_check_icmp + iptunnel_pmtud_build_icmp: only plain DF datagrams between unicast
 * hosts, never about an ICMP error, and only for an MTU of at least 576. The answer pretends to
 * come from the original destination (addresses and MACs swapped, TTL copied, DF set, id 0) and is
 * received back on the vxlan device (vxlan_encap_bypass), so the bridge delivers it to the sender.
 */
function pmtudIcmp(v: VxlanDev, skb: SkBuff, mtu: number): boolean {
  const ip = skb.ip!;
  if (mtu < 576 || !ip.df || ip.mf || ip.fragOff) return false;
  const bad = (a: number): boolean => a === 0xffffffff || a >>> 28 === 0xe;
  if (bad(ip.dst) || bad(ip.src) || ip.src >>> 24 === 0 || ip.src >>> 24 === 127) return false;
  if (ip.protocol === 1 && skb.icmp && [3, 4, 5, 11, 12].includes(skb.icmp.type)) return false;
  const reply = newSkb();
  reply.ethDst = skb.ethSrc;
  reply.ethSrc = skb.ethDst;
  reply.icmp = { type: 3, code: 4, id: 0, seq: 0, mtu, gateway: 0, quote: { skb: cloneSkb(skb), len: Math.min(ip.totalLen, ICMP_QUOTE_MAX) } };
  reply.ip = { tos: 0, totalLen: 0, id: 0, df: true, mf: false, fragOff: 0, ttl: ip.ttl, protocol: 1, src: ip.dst, dst: ip.src };
  reply.ip.totalLen = ipTotalLen(reply);
  reply.ethertype = ETH_P_IP;
  reply.dev = v.dev;
  v.dev.net.trace('icmp', 'frag-needed', `${v.dev.name}: ${ip.totalLen} bytes with DF do not fit the underlay (mtu ${mtu}); answering for ${formatIpv4(ip.dst)}`, v.dev, reply);
  v.dev.net.env.soon(netifReceive as (a: unknown) => void, reply);
  return true;
}

/**
 * The encap_rcv of the vxlan UDP sockets in `net`: true when a vxlan socket owned the datagram
 * (delivered or dropped), false when no vxlan device listens on its port.
 */
export function vxlanUdpRcv(net: Net, skb: SkBuff): boolean {
  const dport = skb.udp?.dport;
  if (dport === undefined) return false;
  // The socket exists while at least one device on the port is up (vxlan_open / vxlan_sock_add).
  const onPort = vxlansOnPort(net, dport);
  if (!onPort || !onPort.some((x) => x.dev.adminUp)) return false;
  const h = decodeVxlan(skb.payload);
  if (isWireError(h)) {
    net.trace('drop', VXLAN_DROP.BAD_HEADER, h.message, skb.dev, skb);
    return true;
  }
  const v = onPort.find((x) => x.dev.adminUp && x.cfg.vni === h.repr.vni);
  if (!v) {
    net.trace('drop', VXLAN_DROP.VNI_NOT_FOUND, `no vxlan device with vni ${h.repr.vni} on port ${dport}`, skb.dev, skb);
    return true;
  }
  const inner = skbFromFrame(h.payload);
  if (!inner) {
    net.trace('drop', VXLAN_DROP.MALFORMED, 'inner frame does not parse', skb.dev, skb);
    return true;
  }
  // vxlan_set_mac: our own frames coming back are dropped; then the sender is learned.
  if (inner.ethSrc === v.dev.mac) {
    net.trace('drop', VXLAN_DROP.LOOPED, `${v.dev.name}: inner source is the device's own MAC`, skb.dev, skb);
    return true;
  }
  if (v.cfg.learning) vxlanSnoop(v, inner.ethSrc, skb.ip!.src);
  inner.dev = v.dev;
  inner.mark = 0;
  if (net.env.trace) net.trace('decap', 'vxlan', `vni ${h.repr.vni} from ${formatIpv4(skb.ip!.src)} to ${v.dev.name}`, skb.dev, skb);
  // gro_cells_receive: the inner frame is received on the vxlan device in a later softirq.
  v.dev.net.env.soon(netifReceive as (a: unknown) => void, inner);
  return true;
}
