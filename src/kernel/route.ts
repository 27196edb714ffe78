/**
 * Route resolution on top of the FIB (net/ipv4/route.c): the output lookup for locally generated
 * packets (ip_route_output_key) with source selection, and the input lookup for received packets
 * (ip_route_input_slow) with martian checks, rp_filter (fib_validate_source) and forwarding policy.
 */
import type { RouteType } from './api.js';
import type { Errno } from './errno.js';
import type { NetDevice } from './netdevice.js';
import type { Net } from './netns.js';
import { fibRulesLookup, type FibEntry } from './fib.js';
import { Scope } from './devinet.js';
import { DROP, type DropReason } from './drops.js';
import { vxlanGroupJoined } from './vxlan.js';

/** A resolved route (struct rtable). */
export interface Rtable {
  type: RouteType;
  /** Output device; the loopback device for local destinations. */
  dev: NetDevice;
  /** Next-hop gateway, 0 when the destination is on-link. */
  gw: number;
  src: number;
  dst: number;
  table: number;
  entry: FibEntry | undefined;
  /** RTCF_LOCAL / RTCF_BROADCAST / RTCF_DOREDIRECT. */
  local: boolean;
  broadcast: boolean;
  redirect: boolean;
  /** Path MTU from a learned exception, if any. */
  pmtu: number | undefined;
}

export interface OutputFlow {
  daddr: number;
  saddr: number;
  oif: number;
  tos: number;
  mark: number;
  /**
   * FLOWI_FLAG_ANYSRC: saddr need not be one of ours. ip_route_me_harder sets it for packets
   * netfilter builds from someone else's addresses (nf_send_reset answering as the destination).
   */
  anySrc?: boolean;
}

const LOOPBACK_ADDR = 0x7f000001;

function isMulticast(a: number): boolean {
  return a >>> 28 === 0xe;
}
function isLbcast(a: number): boolean {
  return a === 0xffffffff;
}
function isZeronet(a: number): boolean {
  return a >>> 24 === 0;
}
function isLoopback(a: number): boolean {
  return a >>> 24 === 127;
}

/** The MTU a route gives: learned PMTU exception, else the route's mtu metric, else the device's. */
export function routeMtu(net: Net, rt: Rtable): number {
  if (rt.pmtu !== undefined) return rt.pmtu;
  return rt.entry?.mtu ?? rt.dev.mtu;
}

function pmtuOf(net: Net, dst: number): number | undefined {
  const e = net.pmtu.get(dst);
  if (!e) return undefined;
  if (e.expires <= net.env.now()) {
    net.pmtu.delete(dst);
    return undefined;
  }
  return e.mtu;
}

type OutputAnswer = { rt: Rtable } | { error: Errno };

/** Per-namespace route caches, valid for one routing generation (see Net.genid). */
interface RouteCache {
  gen: number;
  out: Map<number, OutputAnswer>;
  input: Map<NetDevice, Map<number, Map<number, InputResult>>>;
}

const caches = new WeakMap<Net, RouteCache>();

function cacheOf(net: Net): RouteCache {
  let c = caches.get(net);
  if (!c) {
    c = { gen: net.genid, out: new Map(), input: new Map() };
    caches.set(net, c);
  } else if (c.gen !== net.genid) {
    c.gen = net.genid;
    c.out.clear();
    c.input.clear();
  }
  return c;
}

/**
 * ip_route_output_key, with a cache for the common unbound flow (like a socket's cached dst):
 * answers are reused until the routing generation changes; PMTU-carrying routes are not cached
 * because their exception can expire.
 */
export function ipRouteOutput(net: Net, fl: OutputFlow): OutputAnswer {
  if (fl.saddr !== 0 || fl.oif !== 0 || fl.tos !== 0 || fl.mark !== 0) return ipRouteOutputSlow(net, fl);
  const c = cacheOf(net);
  let r = c.out.get(fl.daddr);
  if (r === undefined) {
    r = ipRouteOutputSlow(net, fl);
    if (!('rt' in r) || r.rt.pmtu === undefined) c.out.set(fl.daddr, r);
  }
  return r;
}

/** ip_route_output_key_hash_rcu. */
function ipRouteOutputSlow(net: Net, fl: OutputFlow): { rt: Rtable } | { error: Errno } {
  let { daddr, saddr } = fl;
  let oif = fl.oif;
  let devOut: NetDevice | undefined;
  if (saddr) {
    if (isMulticast(saddr) || isLbcast(saddr) || isZeronet(saddr)) return { error: 'EINVAL' };
    if (oif === 0 && (isMulticast(daddr) || isLbcast(daddr))) {
      devOut = net.ipDevFind(saddr);
      if (!devOut) return { error: 'ENETUNREACH' };
      return { rt: make(net, 'broadcast', devOut, 0, saddr, daddr, 0, undefined) };
    }
    if (!fl.anySrc && !net.ipDevFind(saddr)) return { error: 'ENETUNREACH' };
  }
  if (oif) {
    devOut = net.byIndex.get(oif);
    if (!devOut) return { error: 'ENODEV' };
    if (!devOut.adminUp) return { error: 'ENETUNREACH' };
    if (isLbcast(daddr) || ((daddr & 0xffffff00) >>> 0 === 0xe0000000)) {
      if (!saddr) saddr = net.selectAddr(devOut, 0, Scope.LINK);
      return finish(net, isLbcast(daddr) ? 'broadcast' : 'multicast', devOut, 0, saddr, daddr, 0, undefined);
    }
    if (!saddr) {
      if (isMulticast(daddr)) saddr = net.selectAddr(devOut, 0, Scope.UNIVERSE);
      else if (!daddr) saddr = net.selectAddr(devOut, 0, Scope.HOST);
    }
  }
  if (!daddr) {
    daddr = saddr;
    if (!daddr) daddr = saddr = LOOPBACK_ADDR;
    return finish(net, 'local', net.lo, 0, saddr, daddr, 255, undefined);
  }
  const res = fibRulesLookup(net.rules, net.tables, !net.customRules, {
    daddr,
    saddr,
    oif,
    tos: fl.tos,
    scope: Scope.UNIVERSE,
    iifName: undefined,
    oifName: devOut?.name,
    mark: fl.mark,
  });
  if ('error' in res) {
    // "Apparently, routing tables are wrong. Assume, that the destination is on link." (route.c):
    // with an output interface given, a failed lookup still sends on-link.
    if (oif && devOut && res.error === 'ENETUNREACH') {
      if (!saddr) saddr = net.selectAddr(devOut, 0, Scope.LINK);
      return finish(net, 'unicast', devOut, 0, saddr, daddr, 0, undefined);
    }
    return { error: res.error };
  }
  const e = res.entry;
  if (e.type === 'local') {
    if (!saddr) saddr = e.prefsrc || daddr;
    return finish(net, 'local', net.lo, 0, saddr, daddr, res.table, e);
  }
  const nh = selectNexthop(e, oif);
  devOut = nh.dev ?? devOut;
  if (!devOut) return { error: 'ENETUNREACH' };
  if (!saddr) saddr = e.prefsrc || net.selectAddr(devOut, nh.gw, e.scope);
  return finish(net, e.type, devOut, nh.gw, saddr, daddr, res.table, e);
}

function selectNexthop(e: FibEntry, oif: number): { gw: number; dev: NetDevice | undefined } {
  // rt_set_nexthop uses the gateway only when the nexthop has link scope: a gateway that is one of
  // our own addresses (accepted through its local route, nexthop scope host) means "on-link".
  if (!e.nexthops && e.nhScope !== Scope.LINK) return { gw: 0, dev: e.dev };
  if (e.nexthops && e.nexthops.length > 0) {
    const alive = e.nexthops.filter((n) => n.dev?.adminUp && (!oif || n.dev.ifindex === oif));
    const n = alive[0] ?? e.nexthops[0]!;
    return { gw: n.gw, dev: n.dev };
  }
  return { gw: e.gw, dev: e.dev };
}

/** __mkroute_output's final checks and flags. */
function finish(net: Net, type: RouteType, dev: NetDevice, gw: number, saddr: number, daddr: number, table: number, e: FibEntry | undefined): { rt: Rtable } | { error: Errno } {
  // No in_device on the output device (its MTU fell below 68 and inetdev_destroy ran).
  if (dev.mtu < 68) return { error: 'EINVAL' };
  // __mkroute_output: a 127/8 source may leave only through a loopback device, unless
  // IN_DEV_ROUTE_LOCALNET (all or the output device) allows it (portmap's localhost path).
  if (isLoopback(saddr) && dev.kind !== 'loopback' && !net.devConf(dev, 'route_localnet')) return { error: 'EINVAL' };
  let t = type;
  if (isLbcast(daddr)) t = 'broadcast';
  else if (isMulticast(daddr)) t = 'multicast';
  else if (isZeronet(daddr)) return { error: 'EINVAL' };
  return { rt: make(net, t, dev, gw, saddr, daddr, table, e) };
}

function make(net: Net, type: RouteType, dev: NetDevice, gw: number, src: number, dst: number, table: number, e: FibEntry | undefined): Rtable {
  return {
    type,
    dev,
    gw,
    src,
    dst,
    table,
    entry: e,
    local: type === 'local' || type === 'broadcast' || dev.kind === 'loopback',
    broadcast: type === 'broadcast',
    redirect: false,
    pmtu: type === 'local' ? undefined : pmtuOf(net, dst),
  };
}

export type InputResult =
  | { kind: 'local'; rt: Rtable }
  | { kind: 'broadcast'; rt: Rtable }
  | { kind: 'forward'; rt: Rtable }
  /** dst.input = ip_error: the errno decides which ICMP unreachable (if any) goes back. */
  | { kind: 'error'; errno: Errno; reason: DropReason; detail: string }
  /** Martians and rp_filter failures: dropped silently. */
  | { kind: 'martian'; reason: DropReason; detail: string };

/** ip_route_input with the same generation-scoped cache as the output side. */
export function ipRouteInput(net: Net, daddr: number, saddr: number, tos: number, dev: NetDevice, mark = 0): InputResult {
  if (tos !== 0 || mark !== 0) return ipRouteInputSlow(net, daddr, saddr, tos, dev, mark);
  const c = cacheOf(net);
  let byDst = c.input.get(dev);
  if (!byDst) {
    byDst = new Map();
    c.input.set(dev, byDst);
  }
  let bySrc = byDst.get(daddr);
  if (!bySrc) {
    bySrc = new Map();
    byDst.set(daddr, bySrc);
  }
  let r = bySrc.get(saddr);
  if (r === undefined) {
    r = ipRouteInputSlow(net, daddr, saddr, tos, dev, mark);
    if (!('rt' in r) || r.rt.pmtu === undefined) bySrc.set(saddr, r);
  }
  return r;
}

/** ip_route_input_slow. */
function ipRouteInputSlow(net: Net, daddr: number, saddr: number, tos: number, dev: NetDevice, mark = 0): InputResult {
  if (isMulticast(saddr) || isLbcast(saddr)) return { kind: 'martian', reason: DROP.MARTIAN_SOURCE, detail: 'multicast or broadcast source' };
  if (isLbcast(daddr) || (saddr === 0 && daddr === 0)) return brdInput(net, daddr, saddr, tos, dev);
  if (isZeronet(saddr)) return { kind: 'martian', reason: DROP.MARTIAN_SOURCE, detail: 'source in 0.0.0.0/8' };
  if (isZeronet(daddr)) return { kind: 'martian', reason: DROP.MARTIAN_DEST, detail: 'destination in 0.0.0.0/8' };
  if (isLoopback(daddr)) {
    if (!net.devConf(dev, 'route_localnet')) return { kind: 'martian', reason: DROP.MARTIAN_DEST, detail: 'loopback destination without route_localnet' };
  } else if (isLoopback(saddr)) {
    if (!net.devConf(dev, 'route_localnet')) return { kind: 'martian', reason: DROP.MARTIAN_SOURCE, detail: 'loopback source without route_localnet' };
  }
  if (isMulticast(daddr)) return mcInput(net, daddr, saddr, tos, dev);
  const forwarding = net.devConf(dev, 'forwarding') === 1;
  const res = fibRulesLookup(net.rules, net.tables, !net.customRules, { daddr, saddr, oif: 0, tos, scope: Scope.UNIVERSE, iifName: dev.name, oifName: undefined, mark });
  if ('error' in res) {
    const errno: Errno = forwarding ? res.error : 'EHOSTUNREACH';
    return { kind: 'error', errno, reason: errnoDrop(errno, forwarding), detail: forwarding ? `no usable route (${errno})` : `forwarding disabled on ${dev.name}` };
  }
  const e = res.entry;
  if (e.type === 'broadcast') return brdInput(net, daddr, saddr, tos, dev);
  if (e.type === 'local') {
    const v = validateSource(net, saddr, daddr, tos, 0, dev);
    if (v < 0) return { kind: 'martian', reason: v === -2 ? DROP.RP_FILTER : DROP.MARTIAN_SOURCE, detail: `source ${fmt(saddr)} fails validation on ${dev.name}` };
    return { kind: 'local', rt: make(net, 'local', net.lo, 0, daddr, daddr, res.table, e) };
  }
  if (!forwarding) return { kind: 'error', errno: 'EHOSTUNREACH', reason: DROP.FORWARDING_DISABLED, detail: `forwarding disabled on ${dev.name}` };
  if (e.type !== 'unicast') return { kind: 'martian', reason: DROP.MARTIAN_DEST, detail: `route type ${e.type}` };
  const nh = selectNexthop(e, 0);
  const out = nh.dev;
  if (!out) return { kind: 'martian', reason: DROP.MARTIAN_DEST, detail: 'route without device' };
  // __mkroute_input: validate the source against the route back to it.
  const v = validateSource(net, saddr, daddr, tos, out.ifindex, dev);
  if (v < 0) return { kind: 'martian', reason: v === -2 ? DROP.RP_FILTER : DROP.MARTIAN_SOURCE, detail: `source ${fmt(saddr)} fails ${v === -2 ? 'rp_filter' : 'validation'} on ${dev.name}` };
  const rt = make(net, 'unicast', out, nh.gw, 0, daddr, res.table, e);
  // RTCF_DOREDIRECT: out the way it came, the source on-link (or shared_media), send_redirects on.
  if (out === dev && (v === 1 || net.devConf(dev, 'shared_media')) && net.devConf(dev, 'send_redirects')) {
    rt.redirect = true;
  }
  return { kind: 'forward', rt };
}

/**
 * ip_route_input_rcu for a multicast destination: delivered locally when the device joined the
 * group (ip_check_mc_rcu; the groups podnet models are the ones vxlan devices join at open,
 * vxlan_igmp_join), after ip_mc_validate_source; otherwise dropped, never routed (no mroute).
 */
function mcInput(net: Net, daddr: number, saddr: number, tos: number, dev: NetDevice): InputResult {
  if (!vxlanGroupJoined(net, dev, daddr)) return { kind: 'martian', reason: DROP.MARTIAN_DEST, detail: `${fmt(daddr)}: ${dev.name} is not a member of the group` };
  if (saddr !== 0) {
    const v = validateSource(net, saddr, daddr, tos, 0, dev);
    if (v < 0) return { kind: 'martian', reason: v === -2 ? DROP.RP_FILTER : DROP.MARTIAN_SOURCE, detail: `multicast from ${fmt(saddr)} fails source validation` };
  }
  // ip_route_input_mc: RTN_MULTICAST with RTCF_LOCAL; like broadcast, never answered with ICMP errors.
  const rt = make(net, 'multicast', net.lo, 0, 0, daddr, 0, undefined);
  rt.local = true;
  rt.broadcast = true;
  return { kind: 'local', rt };
}

function brdInput(net: Net, daddr: number, saddr: number, tos: number, dev: NetDevice): InputResult {
  if (!isZeronet(saddr)) {
    const v = validateSource(net, saddr, daddr, tos, 0, dev);
    if (v < 0) return { kind: 'martian', reason: v === -2 ? DROP.RP_FILTER : DROP.MARTIAN_SOURCE, detail: `broadcast from ${fmt(saddr)} fails source validation` };
  }
  return { kind: 'broadcast', rt: make(net, 'broadcast', net.lo, 0, daddr, daddr, 255, undefined) };
}

function errnoDrop(e: Errno, forwarding: boolean): DropReason {
  if (!forwarding) return DROP.FORWARDING_DISABLED;
  switch (e) {
    case 'EHOSTUNREACH':
      return DROP.UNREACHABLE;
    case 'EACCES':
      return DROP.PROHIBIT;
    case 'EINVAL':
      return DROP.BLACKHOLE;
    default:
      return DROP.NO_ROUTE;
  }
}

/**
 * fib_validate_source: returns 1 when the source is on-link via dev (RTCF_DOREDIRECT eligible),
 * 0 when acceptable, -1 for a martian (EINVAL), -2 for an rp_filter failure (EXDEV).
 */
export function validateSource(net: Net, src: number, dst: number, tos: number, oif: number, dev: NetDevice): number {
  const rpf = net.devConf(dev, 'rp_filter');
  const acceptLocal = net.devConf(dev, 'accept_local');
  const noAddr = dev.inDev.addrs.length === 0;
  if (!rpf && (dev.ifindex !== oif || !net.devConf(dev, 'send_redirects'))) {
    if (acceptLocal) return 0;
    if (!net.customLocalRoutes && !hasCustomRules(net)) {
      // "Within the same container, it is regarded as a martian source."
      if (net.addrOwner(src)) return -1;
      return 0;
    }
  }
  const back = fibRulesLookup(net.rules, net.tables, !net.customRules, { daddr: src, saddr: dst, oif: 0, tos, scope: Scope.UNIVERSE, iifName: undefined, oifName: undefined, mark: 0 });
  if ('error' in back) return rpf ? -2 : 0;
  const e = back.entry;
  if (e.type !== 'unicast' && (e.type !== 'local' || !acceptLocal)) return -1;
  const devMatch = (e.nexthops ? e.nexthops.some((n) => n.dev === dev) : e.dev === dev) || (e.type === 'local' && dev === net.lo);
  if (devMatch) return e.nhScope >= Scope.HOST ? 1 : 0;
  if (noAddr) return rpf ? -2 : 0;
  if (rpf === 1) return -2;
  const back2 = fibRulesLookup(net.rules, net.tables, !net.customRules, { daddr: src, saddr: dst, oif: dev.ifindex, tos, scope: Scope.UNIVERSE, iifName: undefined, oifName: undefined, mark: 0 });
  if (!('error' in back2) && back2.entry.type === 'unicast') return back2.entry.nhScope >= Scope.HOST ? 1 : 0;
  return 0;
}

function hasCustomRules(net: Net): boolean {
  return net.customRules;
}

function fmt(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
