/**
 * IP-in-IP tunnels (net/ipv4/ipip.c over net/ipv4/ip_tunnel.c): `ipip` devices and the per-namespace
 * fallback device tunl0 that appears once the module is loaded (Calico's IPIP mode routes through
 * it), with transmit (the NBMA tunl0 takes the outer destination from the inner route's gateway),
 * path-MTU handling, and receive with ip_tunnel_lookup's matching order.
 *
 * The reference machines cannot load ipip, so this follows the kernel source and its documentation
 * rather than captures; each rule cites the function it comes from.
 */
import type { IpTunnelInfo, LinkAddRequest, LinkInfo } from './api.js';
import { kerr, kok, type KResult } from './errno.js';
import type { Net } from './netns.js';
import type { KernelEnv } from './env.js';
import type { NetDevice } from './netdevice.js';
import { IPPROTO_IPIP, IPV4_HLEN, newSkb, PktType, type SkBuff } from './skb.js';
import { ipBytes } from './skb_bytes.js';
import { ipRouteOutput, routeMtu } from './route.js';
import { ipHeader, ipLocalOut } from './ip_output.js';
import { icmpSend, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_HOST_UNREACH, ICMP_PORT_UNREACH } from './icmp.js';
import { netifReceive } from './dev.js';
import { skbFromIp } from './vxlan_frame.js';
import { formatIpv4, parseIpv4 } from '../wire/addr.js';

/** ETH_DATA_LEN - sizeof(struct iphdr): tunl0 and unbound tunnels. */
const IPIP_DEFAULT_MTU = 1500 - IPV4_HLEN;
const ETH_MIN_MTU = 68;
/** IP_MAX_MTU - sizeof(struct iphdr). */
const IPIP_MAX_MTU = 0xffff - IPV4_HLEN;
/** ipip devices have no link-layer address of their own; internally they carry a zero MAC. */
const NO_MAC = '00:00:00:00:00:00';

export const IPIP_DROP = {
  NO_ROUTE: 'drop:ipip-no-route',
  CIRCULAR: 'drop:ipip-circular-route',
  NO_DST: 'drop:ipip-no-destination',
  NOT_IPV4: 'drop:ipip-not-ipv4',
  NO_TUNNEL: 'drop:ipip-no-tunnel',
  MALFORMED: 'drop:ipip-malformed-inner',
} as const;

export interface IpTunnel {
  dev: NetDevice;
  /** The namespace the tunnel was created in (tunnel->net): outer routing and lookup happen there. */
  underlay: Net;
  local: number;
  remote: number;
  lowerIfindex: number;
  /** 0 = inherit the inner TTL. */
  ttl: number;
  /** 1 = inherit the inner TOS. */
  tos: number;
  pmtudisc: boolean;
  /** The namespace's tunl0 (itn->fb_tunnel_dev). */
  fallback: boolean;
}

const tunnels = new WeakMap<NetDevice, IpTunnel>();
const byNet = new WeakMap<Net, Set<IpTunnel>>();

export function ipTunnelOf(dev: NetDevice): IpTunnel | undefined {
  return tunnels.get(dev);
}

function register(t: IpTunnel): void {
  tunnels.set(t.dev, t);
  let set = byNet.get(t.underlay);
  if (!set) byNet.set(t.underlay, (set = new Set()));
  set.add(t);
}

/** Namespaces per host kernel (keyed by the host's env), to give all of them tunl0 on module load. */
const hostNets = new WeakMap<object, Set<Net>>();
/**
 * Whether ipip is loaded on a host, once modprobe or an autoload decided it; hosts not in the map
 * follow their world option (env.modules).
 */
const loadedState = new WeakMap<object, boolean>();

function loadedOn(net: Net): boolean {
  return ipipModuleLoaded(net.env);
}

/** Is the ipip module loaded on this host kernel (lsmod would list it)? */
export function ipipModuleLoaded(env: KernelEnv): boolean {
  return loadedState.get(env) ?? env.modules?.includes('ipip') ?? false;
}

/** The host's namespaces still alive (deleted ones are no longer known to their host). */
function liveNets(env: KernelEnv): Net[] {
  return [...(hostNets.get(env) ?? [])].filter((n) => n.host.netnsByName(n.name) === n);
}

/**
 * register_pernet_device: called for every new namespace. With the module loaded (a world option,
 * modprobe, or on demand) the namespace gets its tunl0 at once.
 */
export function ipipNetCreated(net: Net): void {
  let set = hostNets.get(net.env);
  if (!set) hostNets.set(net.env, (set = new Set()));
  set.add(net);
  if (loadedOn(net)) ipipInitNet(net);
}

/**
 * Module init (`modprobe ipip`, or request_module("rtnl-link-ipip") when the first ipip link is asked
 * for): register_pernet_device runs ipip_init_net in every existing namespace, so each gets tunl0.
 */
export function ipipModuleLoad(env: KernelEnv): void {
  if (ipipModuleLoaded(env)) return;
  loadedState.set(env, true);
  for (const n of liveNets(env)) ipipInitNet(n);
}

/**
 * Module exit (`modprobe -r ipip`): ipip_exit_batch_rtnl -> ip_tunnel_delete_nets unregisters every
 * ipip device of every namespace, tunl0 included, with their addresses and routes. Tunnel devices
 * hold no reference on the module, so removal never fails as "in use".
 */
export function ipipModuleUnload(env: KernelEnv): void {
  loadedState.set(env, false);
  for (const n of liveNets(env)) {
    for (const t of [...(byNet.get(n) ?? [])]) {
      tunnels.delete(t.dev);
      if (t.dev.net.devs.get(t.dev.name) === t.dev) t.dev.net.detach(t.dev);
    }
    byNet.delete(n);
  }
}

function ensureLoaded(net: Net): void {
  ipipModuleLoad(net.env);
}

/**
 * ipip_init_net -> ip_tunnel_init_net: every namespace gets tunl0 when the module is loaded, with
 * any/any endpoints, TTL inherit and no PMTU discovery (the fallback's parms are all zero).
 */
export function ipipInitNet(net: Net): NetDevice {
  const existing = net.devByName('tunl0');
  if (existing && tunnels.has(existing)) return existing;
  const dev = net.createDevice('tunl0', 'ipip', NO_MAC);
  dev.mtu = IPIP_DEFAULT_MTU;
  register({ dev, underlay: net, local: 0, remote: 0, lowerIfindex: 0, ttl: 0, tos: 0, pmtudisc: false, fallback: true });
  return dev;
}

/** ipip_newlink for `ip link add NAME type ipip [remote A] [local B] [dev D] [ttl N]`. */
export function ipipNewlink(net: Net, req: Extract<LinkAddRequest, { kind: 'ipip' }>): KResult<NetDevice> {
  ensureLoaded(net);
  const local = req.local !== undefined ? parseIpv4(req.local) : 0;
  const remote = req.remote !== undefined ? parseIpv4(req.remote) : 0;
  if (local === undefined || remote === undefined) return kerr('EINVAL');
  if (req.ttl !== undefined && (!Number.isInteger(req.ttl) || req.ttl < 0 || req.ttl > 255)) return kerr('EINVAL');
  let lower: NetDevice | undefined;
  if (req.dev !== undefined) {
    lower = net.devByName(req.dev);
    if (!lower) return kerr('ENODEV');
  }
  // ip_tunnel_newlink: a tunnel with the same endpoints and link already exists (tunl0 is any/any).
  for (const t of byNet.get(net) ?? []) {
    if (t.local === local && t.remote === remote && t.lowerIfindex === (lower?.ifindex ?? 0)) return kerr('EEXIST');
  }
  if (req.mtu !== undefined && (req.mtu < ETH_MIN_MTU || req.mtu > IPIP_MAX_MTU)) return kerr('EINVAL');
  const dev = net.createDevice(req.name, 'ipip', NO_MAC);
  // ip_tunnel_bind_dev: the MTU follows the device the tunnel will leave through (the lower device,
  // or the route to the remote), less the outer header.
  let via = lower;
  if (!via && remote) {
    const r = ipRouteOutput(net, { daddr: remote, saddr: local, oif: 0, tos: 0, mark: 0 });
    if ('rt' in r) via = r.rt.dev;
  }
  dev.mtu = req.mtu ?? (via ? Math.max(ETH_MIN_MTU, via.mtu - IPV4_HLEN) : IPIP_DEFAULT_MTU);
  // iproute2 asks for PMTU discovery on tunnels it creates (IFLA_IPTUN_PMTUDISC 1), unlike tunl0.
  register({ dev, underlay: net, local, remote, lowerIfindex: lower?.ifindex ?? 0, ttl: req.ttl ?? 0, tos: 0, pmtudisc: true, fallback: false });
  return kok(dev);
}

/** ip_tunnel_dellink: the fallback device is never unregistered by request. */
export function ipipDellink(dev: NetDevice): 'keep' | 'gone' {
  const t = tunnels.get(dev);
  if (!t) return 'gone';
  if (t.fallback) return 'keep';
  byNet.get(t.underlay)?.delete(t);
  tunnels.delete(dev);
  return 'gone';
}

/** IFLA_INFO_DATA and the link-layer view: the local address as dev_addr, the remote as "peer". */
export function ipipLinkInfo(dev: NetDevice, info: LinkInfo): void {
  const t = tunnels.get(dev);
  if (!t) return;
  info.linkType = 'ipip';
  info.address = formatIpv4(t.local);
  info.broadcast = formatIpv4(t.remote);
  // IFF_POINTOPOINT only for a tunnel with a remote (ip_tunnel_bind_dev).
  if (!t.remote) info.flags = info.flags.filter((f) => f !== 'POINTOPOINT');
  const lower = t.lowerIfindex ? t.underlay.byIndex.get(t.lowerIfindex) : undefined;
  // IFLA_LINK is parms.link: 0 prints as "@NONE".
  info.link = lower ? { ifindex: lower.ifindex, name: lower.name } : { ifindex: 0, name: 'NONE' };
  const ipip: IpTunnelInfo = {
    proto: t.fallback ? 'any' : 'ipip',
    ...(t.remote ? { remote: formatIpv4(t.remote) } : {}),
    ...(t.local ? { local: formatIpv4(t.local) } : {}),
    ...(lower ? { dev: lower.name } : {}),
    ttl: t.ttl,
    tos: t.tos,
    pmtudisc: t.pmtudisc,
  };
  info.ipip = ipip;
}

/**
 * ipip_tunnel_xmit -> ip_tunnel_xmit for a datagram routed out of the tunnel device; `nexthop` is
 * rt_nexthop() of the inner route (its gateway, or the destination itself).
 */
export function ipTunnelXmit(dev: NetDevice, skb: SkBuff, nexthop: number): void {
  const t = tunnels.get(dev);
  const net = dev.net;
  if (!t) return;
  if (!dev.adminUp) {
    net.trace('drop', 'drop:dev-down', `${dev.name} is down`, dev, skb);
    return;
  }
  const inner = skb.ip;
  if (!inner) {
    net.trace('drop', IPIP_DROP.NOT_IPV4, `${dev.name} carries only IPv4`, dev, skb);
    return;
  }
  dev.txPackets++;
  // An NBMA tunnel (no remote) sends to the inner route's next hop.
  const dst = t.remote || nexthop;
  if (!dst) {
    net.trace('drop', IPIP_DROP.NO_DST, `${dev.name}: no tunnel destination`, dev, skb);
    return;
  }
  const under = t.underlay;
  const tos = t.tos === 1 ? inner.tos : t.tos;
  const r = ipRouteOutput(under, { daddr: dst, saddr: t.local, oif: t.lowerIfindex, tos: tos & ~3, mark: skb.mark });
  if ('error' in r) {
    net.trace('drop', IPIP_DROP.NO_ROUTE, `${dev.name}: no route to ${formatIpv4(dst)} (${r.error})`, dev, skb);
    // tx_error_icmp: dst_link_failure() tells the sender the host is unreachable.
    icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, false);
    return;
  }
  const rt = r.rt;
  if (rt.dev === dev) {
    net.trace('drop', IPIP_DROP.CIRCULAR, `${dev.name}: circular route to ${formatIpv4(dst)}`, dev, skb);
    return;
  }
  // tnl_update_pmtu: DF from the tunnel (pmtudisc) or copied from the inner header.
  const df = t.pmtudisc || inner.df;
  const mtu = df ? routeMtu(under, rt) - IPV4_HLEN : dev.mtu;
  if (mtu < inner.totalLen) {
    const pmtu = Math.max(mtu, net.globalNum('net.ipv4.route.min_pmtu'));
    const cur = net.pmtu.get(inner.dst);
    if ((!cur || cur.mtu > pmtu || cur.expires <= net.env.now()) && pmtu < dev.mtu) {
      net.pmtu.set(inner.dst, { mtu: pmtu, expires: net.env.now() + net.globalNum('net.ipv4.route.mtu_expires') * 1000 });
      net.bump();
    }
    if (inner.df) {
      net.trace('drop', 'drop:pkt-too-big', `${inner.totalLen} bytes with DF do not fit ${dev.name} (mtu ${mtu})`, dev, skb);
      icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu, false);
      return;
    }
  }
  const ttl = t.ttl || inner.ttl;
  const out = newSkb();
  out.payload = ipBytes(skb);
  out.mark = skb.mark;
  ipHeader(under, out, t.local || rt.src, dst, IPPROTO_IPIP, ttl, tos & ~3, df);
  if (under.env.trace) under.trace('encap', 'ipip', `${dev.name}: ${formatIpv4(inner.src)} > ${formatIpv4(inner.dst)} in ${formatIpv4(out.ip!.src)} > ${formatIpv4(dst)}`, dev, out);
  ipLocalOut(under, out, rt);
}

/** Is IP-in-IP (tunnel4 + ipip) loaded in this namespace? */
export function ipipLoaded(net: Net): boolean {
  return (byNet.get(net)?.size ?? 0) > 0;
}

/** ip_tunnel_lookup: exact pair, then remote only, then local only, then the fallback tunl0. */
function lookup(net: Net, src: number, dst: number): IpTunnel | undefined {
  const up = [...(byNet.get(net) ?? [])].filter((t) => t.dev.adminUp);
  return (
    up.find((t) => !t.fallback && t.local === dst && t.remote === src) ??
    up.find((t) => !t.fallback && t.remote === src && !t.local) ??
    up.find((t) => !t.fallback && t.local === dst && !t.remote) ??
    up.find((t) => t.fallback)
  );
}

/**
 * ipip_rcv via tunnel4_rcv for a protocol-4 datagram delivered locally in `net`. Returns false when
 * the module is not loaded (the caller answers protocol unreachable, as without any handler).
 */
export function ipipRcv(net: Net, skb: SkBuff): boolean {
  if (!ipipLoaded(net)) return false;
  const outer = skb.ip!;
  const t = lookup(net, outer.src, outer.dst);
  if (!t) {
    net.trace('drop', IPIP_DROP.NO_TUNNEL, `no ipip tunnel for ${formatIpv4(outer.src)} > ${formatIpv4(outer.dst)}`, skb.dev, skb);
    // tunnel4_rcv: no handler took it.
    icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, true);
    return true;
  }
  const inner = skbFromIp(skb.payload);
  if (!inner) {
    net.trace('drop', IPIP_DROP.MALFORMED, 'inner datagram does not parse', skb.dev, skb);
    return true;
  }
  // __iptunnel_pull_header / skb_scrub_packet: a clean skb, for this host, on the tunnel device.
  inner.dev = t.dev;
  inner.ethDst = t.dev.mac;
  inner.ethSrc = NO_MAC;
  inner.pktType = PktType.HOST;
  if (net.env.trace) net.trace('decap', 'ipip', `${formatIpv4(outer.src)} > ${formatIpv4(outer.dst)} to ${t.dev.name}`, skb.dev, skb);
  t.dev.net.env.soon(netifReceive as (a: unknown) => void, inner);
  return true;
}
