/**
 * The Linux bridge (net/bridge) without STP: ports, the learning forwarding database with ageing on
 * virtual time, flooding of broadcast and unknown unicast, hairpin, local delivery to the bridge
 * device, the bridge's own MAC (lowest port MAC unless set) and its carrier, plus br_netfilter hook calls.
 */
import type { NetDevice } from './netdevice.js';
import { cloneSkb, ETH_P_IP, PktType, type SkBuff } from './skb.js';
import { DROP } from './drops.js';
import { devQueueXmit, deliverToProtocols } from './dev.js';
import { frameBytes } from './skb_bytes.js';
import { nfHook } from './netfilter.js';
import { addrconfLinkReady } from './addrconf.js';
import { ipRouteInput } from './route.js';
import { fragment } from './ip_output.js';

export interface FdbEntry {
  mac: string;
  /** Port the address was learned on / configured for; undefined for the bridge device itself. */
  port: BridgePort | undefined;
  /** BR_FDB_LOCAL: an address of the bridge or one of its ports. */
  isLocal: boolean;
  /** BR_FDB_STATIC: added by hand or local. */
  isStatic: boolean;
  updated: number;
}

export interface BridgePort {
  dev: NetDevice;
  br: NetDevice;
  portNo: number;
  hairpin: boolean;
  learning: boolean;
  flood: boolean;
  cost: number;
  priority: number;
}

export interface BridgeState {
  ports: BridgePort[];
  fdb: Map<string, FdbEntry>;
  /** ageing_time in ms (the kernel keeps clock_t; `ip -d link` prints centiseconds). */
  ageingMs: number;
  carrierOn: boolean;
  hadPorts: boolean;
  macSetByUser: boolean;
  mtuSetByUser: boolean;
  nextPortNo: number;
  forwardDelay: number;
}

export function newBridgeState(): BridgeState {
  return {
    ports: [],
    fdb: new Map(),
    ageingMs: 300_000,
    carrierOn: true,
    hadPorts: false,
    macSetByUser: false,
    mtuSetByUser: false,
    nextPortNo: 1,
    forwardDelay: 1500,
  };
}

/** With STP off a port forwards as soon as it and the bridge are running (br_stp_enable_port). */
export function portForwarding(p: BridgePort): boolean {
  return p.br.adminUp && p.dev.isRunning();
}

/** Recompute carrier, bridge id (MAC) after port membership or state changes. */
export function bridgeRecalc(br: NetDevice): void {
  const st = br.br!;
  if (st.hadPorts) st.carrierOn = st.ports.some(portForwarding);
  addrconfLinkReady(br);
  if (!st.macSetByUser) {
    let mac = '00:00:00:00:00:00';
    for (const p of st.ports) if (mac === '00:00:00:00:00:00' || p.dev.mac < mac) mac = p.dev.mac;
    if (st.ports.length > 0 || st.hadPorts) setBridgeMac(br, mac);
  }
}

function setBridgeMac(br: NetDevice, mac: string): void {
  if (br.mac === mac) return;
  const st = br.br!;
  const old = st.fdb.get(br.mac);
  if (old && old.port === undefined) st.fdb.delete(br.mac);
  br.mac = mac;
  if (mac !== '00:00:00:00:00:00' && !st.fdb.has(mac)) st.fdb.set(mac, { mac, port: undefined, isLocal: true, isStatic: true, updated: br.net.env.now() });
}

export function bridgeAddPort(br: NetDevice, dev: NetDevice): void {
  const st = br.br!;
  const p: BridgePort = { dev, br, portNo: st.nextPortNo++, hairpin: false, learning: true, flood: true, cost: 2, priority: 32 };
  st.ports.push(p);
  st.hadPorts = true;
  dev.master = br;
  dev.brport = p;
  dev.promisc++;
  st.fdb.set(dev.mac, { mac: dev.mac, port: p, isLocal: true, isStatic: true, updated: br.net.env.now() });
  // br_mtu_auto_adjust: the bridge takes the smallest port MTU unless its MTU was set by hand.
  if (!st.mtuSetByUser) br.mtu = Math.min(...st.ports.map((q) => q.dev.mtu));
  bridgeRecalc(br);
}

export function bridgeDelPort(dev: NetDevice): void {
  const br = dev.master;
  const p = dev.brport;
  if (!br || !p) return;
  const st = br.br!;
  st.ports = st.ports.filter((q) => q !== p);
  for (const [mac, e] of st.fdb) if (e.port === p) st.fdb.delete(mac);
  dev.master = undefined;
  dev.brport = undefined;
  dev.promisc = Math.max(0, dev.promisc - 1);
  // br_mtu_auto_adjust on br_del_if: br_mtu_min is ETH_DATA_LEN (1500) once no port is left.
  if (!st.mtuSetByUser) br.mtu = st.ports.length > 0 ? Math.min(...st.ports.map((q) => q.dev.mtu)) : 1500;
  bridgeRecalc(br);
}

function fdbFind(st: BridgeState, mac: string, now: number): FdbEntry | undefined {
  const e = st.fdb.get(mac);
  if (!e) return undefined;
  if (!e.isStatic && now - e.updated >= st.ageingMs) {
    st.fdb.delete(mac);
    return undefined;
  }
  return e;
}

/** Dynamic entries still alive, for `bridge fdb show`. */
export function fdbEntries(br: NetDevice): FdbEntry[] {
  const st = br.br!;
  const now = br.net.env.now();
  const out: FdbEntry[] = [];
  for (const e of [...st.fdb.values()]) if (fdbFind(st, e.mac, now)) out.push(e);
  return out;
}

/** br_fdb_update: learn the source MAC on the ingress port. */
function learn(st: BridgeState, p: BridgePort, mac: string, now: number): void {
  const e = st.fdb.get(mac);
  if (e) {
    // A local address seen as a source from outside is not re-learned (the kernel only warns).
    if (e.isLocal || e.isStatic) return;
    e.port = p;
    e.updated = now;
    return;
  }
  st.fdb.set(mac, { mac, port: p, isLocal: false, isStatic: false, updated: now });
}

function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** br_handle_frame + br_handle_frame_finish: a frame arrives on port `dev`. */
export function brHandleFrame(dev: NetDevice, skb: SkBuff): void {
  const p = dev.brport!;
  const br = p.br;
  const net = br.net;
  const st = br.br!;
  if (!portForwarding(p)) {
    net.trace('drop', DROP.BR_PORT_DISABLED, `port ${dev.name} of ${br.name} is not forwarding`, dev, skb);
    return;
  }
  if (isMulticastMac(skb.ethSrc)) {
    net.trace('drop', DROP.BR_LOCAL_SRC, `multicast source MAC ${skb.ethSrc}`, dev, skb);
    return;
  }
  const now = net.env.now();
  if (p.learning) learn(st, p, skb.ethSrc, now);
  if (!brNfPrerouting(br, dev, skb)) return;
  if (isMulticastMac(skb.ethDst)) {
    if (net.env.trace) net.trace('bridge', 'flood', `${br.name}: ${skb.ethDst === 'ff:ff:ff:ff:ff:ff' ? 'broadcast' : 'multicast'} from ${dev.name} flooded and delivered locally`, dev, skb);
    // Flooded copies are clones; the original goes up (br_pass_frame_up after br_flood's clones).
    flood(br, p, skb, false, true);
    passUp(br, skb);
    return;
  }
  const dst = fdbFind(st, skb.ethDst, now);
  if (dst && dst.isLocal) {
    if (net.env.trace) net.trace('bridge', 'local', `${br.name}: ${skb.ethDst} is local, up to the bridge device`, dev, skb);
    passUp(br, skb);
    return;
  }
  if (dst && dst.port) {
    if (dst.port === p && !p.hairpin) {
      net.trace('drop', DROP.BR_NO_HAIRPIN, `${br.name}: ${skb.ethDst} is behind the ingress port ${dev.name} and hairpin is off`, dev, skb);
      return;
    }
    if (net.env.trace) net.trace('bridge', dst.port === p ? 'hairpin' : 'forward', `${br.name}: fdb ${skb.ethDst} -> ${dst.port.dev.name}`, dev, skb);
    forward(br, dev, dst.port, skb);
    return;
  }
  if (net.env.trace) net.trace('bridge', 'flood', `${br.name}: unknown unicast ${skb.ethDst} flooded`, dev, skb);
  flood(br, p, skb, true, br.promisc > 0);
  if (br.promisc > 0) passUp(br, skb);
}

/** br_pass_frame_up: the bridge device receives the frame as its own. */
function passUp(br: NetDevice, s: SkBuff): void {
  if (!br.adminUp) return;
  s.dev = br;
  br.rxPackets++;
  s.pktType = s.ethDst === br.mac ? PktType.HOST : s.ethDst === 'ff:ff:ff:ff:ff:ff' ? PktType.BROADCAST : isMulticastMac(s.ethDst) ? PktType.MULTICAST : PktType.OTHERHOST;
  const env = br.net.env;
  if (env.frame) {
    // Taps on the bridge device see the frame as it comes up (tcpdump -i br0).
    env.frame({ t: env.now(), host: env.hostName, netns: br.net.label(), dev: br.name, direction: 'in', bytes: frameBytes(s) });
  }
  deliverToProtocols(br, s);
}

/** br_forward: deliver to one port (its MTU and state permitting), after the FORWARD/POSTROUTING hooks. */
function forward(br: NetDevice, from: NetDevice | undefined, to: BridgePort, skb: SkBuff): void {
  if (!portForwarding(to)) return;
  if (from && !brNfForward(br, from, to.dev, skb)) return;
  // br_nf_dev_queue_xmit: an IPv4 frame that came in through a port while bridge-nf-call-iptables is
  // on carries nf_bridge info, and br_netfilter fragments it when it does not fit the outgoing port
  // (br_nf_ip_fragment) instead of leaving it to the size check below. Checked in namespaces: a
  // 1450-byte echo reply bridged onto a vxlan port of MTU 1350 arrives, in fragments.
  if (from && skb.ip && skb.ip.totalLen > to.dev.mtu && skb.ethertype === ETH_P_IP && br.net.sysctl.n['net.bridge.bridge-nf-call-iptables'] === 1) {
    brNfFragment(br, to, skb);
    return;
  }
  brDevQueuePushXmit(br, to, skb);
}

/** br_dev_queue_push_xmit -> is_skb_forwardable: up to mtu + a VLAN tag passes. */
function brDevQueuePushXmit(br: NetDevice, to: BridgePort, skb: SkBuff): void {
  if (skb.ip && skb.ip.totalLen > to.dev.mtu + 4) {
    br.net.trace('drop', DROP.MTU_EXCEEDED, `${skb.ip.totalLen} bytes exceed ${to.dev.name} mtu ${to.dev.mtu}`, to.dev, skb);
    return;
  }
  devQueueXmit(to.dev, skb);
}

/**
 * br_nf_ip_fragment: a DF datagram is dropped without an ICMP error (FRAGFAILS); any other is cut by
 * ip_do_fragment to the MTU of the bridge's fake route (fake_mtu: the bridge device's own MTU), and
 * each fragment, with the original Ethernet header, goes through br_dev_queue_push_xmit.
 */
function brNfFragment(br: NetDevice, to: BridgePort, skb: SkBuff): void {
  if (skb.ip!.df) {
    br.net.trace('drop', DROP.BR_NF_FRAG_FAILS, `${skb.ip!.totalLen} bytes with DF exceed ${to.dev.name} mtu ${to.dev.mtu}`, to.dev, skb);
    return;
  }
  for (const f of fragment(skb, br.mtu)) {
    f.ethSrc = skb.ethSrc;
    f.ethDst = skb.ethDst;
    f.pktType = skb.pktType;
    f.iif = skb.iif;
    f.nfct = skb.nfct;
    f.dev = skb.dev;
    brDevQueuePushXmit(br, to, f);
  }
}

/** br_flood: every forwarding port but the ingress one (unless hairpin), a clone each. */
function flood(br: NetDevice, from: BridgePort | undefined, skb: SkBuff, unknownUnicast: boolean, keepOriginal = false): void {
  const ports = br.br!.ports;
  let last: BridgePort | undefined;
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (p === from && !p.hairpin) continue;
    if (unknownUnicast && !p.flood) continue;
    if (!portForwarding(p)) continue;
    if (last) forward(br, from?.dev, last, cloneSkb(skb));
    last = p;
  }
  if (last) forward(br, from?.dev, last, keepOriginal ? cloneSkb(skb) : skb);
}

/** br_dev_xmit: a frame the host sends out of the bridge device. */
export function brDevXmit(br: NetDevice, skb: SkBuff): void {
  const st = br.br!;
  const net = br.net;
  if (isMulticastMac(skb.ethDst)) {
    if (net.env.trace) net.trace('bridge', 'flood', `${br.name}: local ${skb.ethDst} to all ports`, br, skb);
    flood(br, undefined, skb, false);
    return;
  }
  const dst = fdbFind(st, skb.ethDst, net.env.now());
  if (dst && dst.port && !dst.isLocal) {
    if (net.env.trace) net.trace('bridge', 'forward', `${br.name}: fdb ${skb.ethDst} -> ${dst.port.dev.name}`, br, skb);
    forward(br, undefined, dst.port, skb);
    return;
  }
  if (net.env.trace) net.trace('bridge', 'flood', `${br.name}: unknown unicast ${skb.ethDst} flooded`, br, skb);
  flood(br, undefined, skb, true);
}

/**
 * br_netfilter PREROUTING for IPv4 frames when net.bridge.bridge-nf-call-iptables is set
 * (br_nf_pre_routing + br_nf_pre_routing_finish). Returns false when the frame was consumed:
 * dropped, or DNAT'ed to a destination that is not behind this bridge, in which case it goes up
 * to the bridge device addressed to the bridge MAC and is routed (never seeing PREROUTING twice).
 */
function brNfPrerouting(br: NetDevice, indev: NetDevice, skb: SkBuff): boolean {
  const net = br.net;
  if (skb.ethertype !== ETH_P_IP || !skb.ip || !net.netfilter.active(net)) return true;
  if (net.sysctl.n['net.bridge.bridge-nf-call-iptables'] !== 1) return true;
  const dst = skb.ip.dst;
  if (!nfHook(net, 'PREROUTING', skb, indev, undefined, 'bridge ')) return false;
  skb.nfBridged = true;
  if (skb.ip.dst === dst) return true;
  const r = ipRouteInput(net, skb.ip.dst, skb.ip.src, skb.ip.tos, br, skb.mark);
  // With ip_forward=0 the real kernel (6.18) drops a DNAT'ed frame addressed to the bridge MAC
  // even when the new destination sits behind the same bridge (checked in namespaces: pod ->
  // ClusterIP -> pod on one bridge connects with forwarding on, times out with it off).
  let bridgedVia: number | undefined;
  if (r.kind === 'forward' && r.rt.dev === br) bridgedVia = r.rt.gw || skb.ip.dst;
  if (r.kind === 'error' || r.kind === 'martian') {
    net.trace('drop', r.reason, `bridge PREROUTING DNAT to ${skb.ip.dst >>> 24}.${(skb.ip.dst >>> 16) & 255}.${(skb.ip.dst >>> 8) & 255}.${skb.ip.dst & 255}: ${r.detail}`, indev, skb);
    return false;
  }
  if (bridgedVia !== undefined) {
    // bridged_dnat: the new destination is on this bridge; give the frame its MAC and bridge on.
    const nh = bridgedVia;
    const n = net.neigh.lookup(br, nh);
    if (n?.lladdr && n.state & 0xc6) {
      skb.ethDst = n.lladdr;
      return true;
    }
    net.neigh.output(br, nh, skb);
    return false;
  }
  // Routed elsewhere (or local): deliver to the bridge device as if addressed to it.
  skb.ethDst = br.mac;
  passUp(br, skb);
  return false;
}

/** br_netfilter FORWARD (and POSTROUTING) for bridged IPv4 frames. */
function brNfForward(br: NetDevice, indev: NetDevice, outdev: NetDevice, skb: SkBuff): boolean {
  const net = br.net;
  if (skb.ethertype !== ETH_P_IP || !skb.ip || !net.netfilter.active(net)) return true;
  if (net.sysctl.n['net.bridge.bridge-nf-call-iptables'] !== 1) return true;
  // WHY: br_nf_forward_ip (and br_nf_post_routing) turn a PACKET_OTHERHOST frame (one addressed to
  // another host's MAC, i.e. every bridged unicast) into PACKET_HOST for the IPv4 hooks and put it
  // back afterwards (nf_bridge->pkt_otherhost). Without that, icmp_send would refuse to answer it, yet
  // on Linux REJECT in the bridge owner's FORWARD chain does answer: nf_send_unreach -> icmp_send from
  // that namespace, routed back to the source (checked with tcpdump: a bridged SYN draws
  // "10.10.0.1 > 10.10.0.2: ICMP 10.10.0.3 tcp port 8080 unreachable", so nc says Connection refused).
  const otherhost = skb.pktType === PktType.OTHERHOST;
  if (otherhost) skb.pktType = PktType.HOST;
  const ok = nfHook(net, 'FORWARD', skb, indev, outdev, 'bridge ') && nfHook(net, 'POSTROUTING', skb, indev, outdev, 'bridge ');
  if (otherhost) skb.pktType = PktType.OTHERHOST;
  return ok;
}

