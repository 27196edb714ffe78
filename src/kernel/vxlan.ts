/**
 * VXLAN devices (drivers/net/vxlan/vxlan_core.c): their configuration with the kernel's defaults and
 * validation (vxlan_validate, vxlan_config_validate, vxlan_config_apply), the per-device forwarding
 * database that maps inner MACs to remote VTEPs, and the bookkeeping that ties a device to the
 * namespace whose UDP socket it uses. The packet path is in vxlan_xmit.ts.
 */
import type { FdbInfo, FdbRequest, LinkAddRequest, VxlanInfo } from './api.js';
import { kerr, kok, type KResult } from './errno.js';
import type { Net } from './netns.js';
import type { NetDevice } from './netdevice.js';
import { formatIpv4, parseIpv4, parseMac } from '../wire/addr.js';
import { LINUX_VXLAN_UDP_PORT, VXLAN_VNI_MAX } from '../wire/vxlan.js';

/** VXLAN_HEADROOM: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14). */
export const VXLAN_HEADROOM = 50;
/** ETH_MIN_MTU / ETH_MAX_MTU, the range vxlan_validate() accepts for IFLA_MTU. */
const ETH_MIN_MTU = 68;
const ETH_MAX_MTU = 65535;
/** Default fdb ageing (VXLAN_AGEING, seconds). */
export const VXLAN_AGEING_S = 300;
export const ALL_ZEROS_MAC = '00:00:00:00:00:00';

/** One remote of an FDB entry (struct vxlan_rdst); port/vni 0 mean "the device's". */
export interface VxlanRdst {
  ip: number;
  port: number;
  vni: number | undefined;
  /** Outgoing device for the underlay (NDA_IFINDEX), 0 for none; shown as "via DEV". */
  ifindex: number;
}

/** struct vxlan_fdb. */
export interface VxlanFdb {
  mac: string;
  remotes: VxlanRdst[];
  state: 'permanent' | 'static' | 'dynamic';
  updated: number;
}

export interface VxlanCfg {
  vni: number;
  /** Source address for the outer header (cfg.saddr); 0 = chosen by the route. */
  local: number;
  /** Unicast remote or multicast group (default_dst.remote_ip); 0 = none. */
  remote: number;
  /** Lower device (cfg.remote_ifindex), in the underlay namespace. */
  lowerIfindex: number;
  dstport: number;
  learning: boolean;
  proxy: boolean;
  l2miss: boolean;
  l3miss: boolean;
  /** 0 = auto (the namespace's default TTL, 1 for multicast). */
  ttl: number;
  /** VXLAN_F_TTL_INHERIT: copy the inner TTL (ip_tunnel_get_ttl). */
  ttlInherit: boolean;
  /** 1 = inherit. */
  tos: number;
  udpcsum: boolean;
  /** VXLAN_DF_UNSET / SET / INHERIT: the outer header's DF bit (vxlan_xmit_one). */
  df: 'unset' | 'set' | 'inherit';
  /** cfg.port_min / port_max for udp_flow_src_port; min >= max means the local port range. */
  portMin: number;
  portMax: number;
  /** cfg.age_interval, seconds. */
  ageing: number;
}

/** struct vxlan_dev: a device's configuration and FDB, and the namespace it encapsulates in. */
export interface VxlanDev {
  dev: NetDevice;
  /** vxlan->net: where the device was created; its UDP socket and outer routing live there even if the device moves. */
  underlay: Net;
  cfg: VxlanCfg;
  /** Newest first, as the kernel's fdb_list (hlist_add_head) dumps it on 6.x. */
  fdb: VxlanFdb[];
  /** Per-device seed standing in for the boot-random flow-hash key of udp_flow_src_port(). */
  hashSeed: number;
}

const devs = new WeakMap<NetDevice, VxlanDev>();
/** vn->vxlan_list: the vxlan devices whose socket lives in a namespace. */
const byUnderlay = new WeakMap<Net, Set<VxlanDev>>();
/**
 * vn->sock_list: per namespace, the devices sharing each UDP port's socket, looked up for every
 * UDP datagram delivered there. The socket is bound to INADDR_ANY (vxlan_create_sock), so the
 * port alone finds it whatever the device's `local` address.
 */
const byPort = new WeakMap<Net, Map<number, VxlanDev[]>>();

export function vxlanOf(dev: NetDevice): VxlanDev | undefined {
  return devs.get(dev);
}

/** The vxlan devices of `net` on UDP port `port` (up or not), or undefined when there are none. */
export function vxlansOnPort(net: Net, port: number): readonly VxlanDev[] | undefined {
  return byPort.get(net)?.get(port);
}

/**
 * ip_check_mc_rcu for the groups vxlan devices join: an up device with a multicast `group` joins it
 * on its lower device in its underlay namespace (vxlan_open -> vxlan_igmp_join) until it goes down.
 */
export function vxlanGroupJoined(net: Net, dev: NetDevice, group: number): boolean {
  for (const v of byUnderlay.get(net) ?? []) {
    if (v.dev.adminUp && v.cfg.remote === group && v.cfg.lowerIfindex === dev.ifindex) return true;
  }
  return false;
}

/** Every vxlan device using `net` as its underlay namespace, in creation order. */
export function vxlansIn(net: Net): VxlanDev[] {
  return [...(byUnderlay.get(net) ?? [])];
}

const isMulticast = (a: number): boolean => a >>> 28 === 0xe;

/**
 * vxlan_newlink for an IPv4 VXLAN: validation in the kernel's order, then the device with its
 * MTU derived from the lower device and, for a `remote`/`group`, the all-zeros default FDB entry.
 */
export function vxlanNewlink(net: Net, req: Extract<LinkAddRequest, { kind: 'vxlan' }>, mac: () => string): KResult<NetDevice> {
  // vxlan_validate: IFLA_MTU and the VNI range come first.
  if (req.mtu !== undefined && (req.mtu < ETH_MIN_MTU || req.mtu > ETH_MAX_MTU)) return kerr('EINVAL', 'MTU must be between 68 and 65535');
  if (!Number.isInteger(req.id) || req.id < 0 || req.id > VXLAN_VNI_MAX) return kerr('ERANGE', 'VXLAN ID must be lower than 16777216');
  const addr = (s: string | undefined): number | undefined | null => (s === undefined ? undefined : parseIpv4(s) ?? null);
  const local = addr(req.local);
  const remote = addr(req.remote);
  const group = addr(req.group);
  if (local === null || remote === null || group === null) return kerr('EINVAL');
  if (remote !== undefined && group !== undefined) return kerr('EINVAL');
  const dst = remote ?? group ?? 0;
  let lower: NetDevice | undefined;
  if (req.dev !== undefined) {
    lower = net.devByName(req.dev);
    if (!lower) return kerr('ENODEV', 'Invalid local interface, device not found');
  }
  // vxlan_config_validate.
  if (local !== undefined && isMulticast(local)) return kerr('EINVAL', 'Local address cannot be multicast');
  if (isMulticast(dst) && !lower) return kerr('EINVAL', 'Local interface required for multicast remote destination');
  // vxlan_nl2conf: a port range whose high end is below its low end.
  if (req.srcport && req.srcport.max < req.srcport.min) return kerr('EINVAL', 'Invalid source port range');
  const dstport = req.dstport || LINUX_VXLAN_UDP_PORT;
  for (const other of byUnderlay.get(net) ?? []) {
    // Same VNI on the same UDP port would make received frames ambiguous; the local address does not count.
    if (other.cfg.vni === req.id && other.cfg.dstport === dstport) return kerr('EEXIST', 'A VXLAN device with the specified VNI already exists');
  }
  const address = req.address !== undefined ? parseMac(req.address) : mac();
  if (!address) return kerr('EINVAL');
  const dev = net.createDevice(req.name, 'vxlan', address);
  // vxlan_config_apply: with a lower device the MTU is its MTU minus the headroom (at least 68),
  // and a requested MTU is silently clamped to that; without one the Ethernet default applies.
  const max = lower ? Math.max(ETH_MIN_MTU, lower.mtu - VXLAN_HEADROOM) : ETH_MAX_MTU;
  dev.mtu = Math.min(req.mtu ?? (lower ? max : 1500), max);
  const v: VxlanDev = {
    dev,
    underlay: net,
    cfg: {
      vni: req.id,
      local: local ?? 0,
      remote: dst,
      lowerIfindex: lower?.ifindex ?? 0,
      dstport,
      learning: req.learning ?? true,
      proxy: req.proxy ?? false,
      l2miss: req.l2miss ?? false,
      l3miss: req.l3miss ?? false,
      ttl: req.ttl ?? 0,
      ttlInherit: req.ttlInherit ?? false,
      tos: req.tos ?? 0,
      udpcsum: req.udpcsum ?? true,
      df: req.df ?? 'unset',
      portMin: req.srcport?.min ?? 0,
      portMax: req.srcport?.max ?? 0,
      // An ageing of 0 reads back as the default (checked in namespaces: "ageing 0" shows 300).
      ageing: req.ageing || VXLAN_AGEING_S,
    },
    fdb: [],
    hashSeed: net.env.u32(),
  };
  devs.set(dev, v);
  let set = byUnderlay.get(net);
  if (!set) byUnderlay.set(net, (set = new Set()));
  set.add(v);
  let ports = byPort.get(net);
  if (!ports) byPort.set(net, (ports = new Map()));
  ports.set(dstport, [...(ports.get(dstport) ?? []), v]);
  if (dst) {
    // __vxlan_dev_create: the default destination becomes a permanent all-zeros entry.
    v.fdb.unshift({ mac: ALL_ZEROS_MAC, remotes: [{ ip: dst, port: 0, vni: undefined, ifindex: v.cfg.lowerIfindex }], state: 'permanent', updated: net.env.now() });
  }
  return kok(dev);
}

/** The device is being unregistered: forget it. */
export function vxlanDellink(dev: NetDevice): void {
  const v = devs.get(dev);
  if (!v) return;
  byUnderlay.get(v.underlay)?.delete(v);
  const ports = byPort.get(v.underlay);
  const left = (ports?.get(v.cfg.dstport) ?? []).filter((x) => x !== v);
  if (left.length) ports!.set(v.cfg.dstport, left);
  else ports?.delete(v.cfg.dstport);
  devs.delete(dev);
}

/**
 * vxlan_handle_lowerdev_unregister: vxlan devices whose lower device goes away are deleted with it.
 * Returns them so the caller unregisters them.
 */
export function vxlansOnLower(lower: NetDevice): NetDevice[] {
  return vxlansIn(lower.net)
    .filter((v) => v.cfg.lowerIfindex !== 0 && v.cfg.lowerIfindex === lower.ifindex)
    .map((v) => v.dev);
}

/** vxlan_change_mtu: bounded by the lower device's MTU minus the headroom when there is one. */
export function vxlanChangeMtu(dev: NetDevice, mtu: number): KResult<void> {
  const v = devs.get(dev);
  if (!v || !v.cfg.lowerIfindex) return kok(undefined);
  const lower = v.underlay.byIndex.get(v.cfg.lowerIfindex);
  if (lower && mtu > lower.mtu - VXLAN_HEADROOM) return kerr('EINVAL');
  return kok(undefined);
}

/** IFLA_INFO_DATA as `ip -d link` reads it. */
export function vxlanInfo(dev: NetDevice): VxlanInfo | undefined {
  const v = devs.get(dev);
  if (!v) return undefined;
  const c = v.cfg;
  const lower = c.lowerIfindex ? v.underlay.byIndex.get(c.lowerIfindex) : undefined;
  return {
    id: c.vni,
    ...(c.local ? { local: formatIpv4(c.local) } : {}),
    ...(c.remote && !isMulticast(c.remote) ? { remote: formatIpv4(c.remote) } : {}),
    ...(c.remote && isMulticast(c.remote) ? { group: formatIpv4(c.remote) } : {}),
    // iproute2 resolves the lower device in the device's current namespace, else prints "ifN".
    ...(lower ? { dev: lower.net === dev.net ? lower.name : `if${lower.ifindex}` } : {}),
    dstport: c.dstport,
    learning: c.learning,
    proxy: c.proxy,
    l2miss: c.l2miss,
    l3miss: c.l3miss,
    ttl: c.ttl,
    tos: c.tos,
    udpcsum: c.udpcsum,
    ...(c.ttlInherit ? { ttlInherit: true } : {}),
    ...(c.df !== 'unset' ? { df: c.df } : {}),
    ...(c.portMin || c.portMax ? { srcport: { min: c.portMin, max: c.portMax } } : {}),
    ageing: c.ageing,
  };
}

/* ---------------------------------------------------------------------------------- FDB */

function findFdb(v: VxlanDev, mac: string): VxlanFdb | undefined {
  return v.fdb.find((f) => f.mac === mac);
}

/** vxlan_find_mac for the transmit path: refreshes `used` implicitly by being cheap; no ageing of static entries. */
export function vxlanFdbLookup(v: VxlanDev, mac: string): VxlanFdb | undefined {
  const f = findFdb(v, mac);
  if (f && f.state === 'dynamic' && v.dev.net.env.now() - f.updated >= v.cfg.ageing * 1000) {
    // vxlan_cleanup: an aged dynamic entry is gone.
    v.fdb.splice(v.fdb.indexOf(f), 1);
    return undefined;
  }
  return f;
}

const isZeroOrMulticastMac = (mac: string): boolean => mac === ALL_ZEROS_MAC || (parseInt(mac.slice(0, 2), 16) & 1) === 1;

function rdstOf(v: VxlanDev, req: FdbRequest): KResult<VxlanRdst> {
  // vxlan_fdb_parse: without NDA_DST the entry has no usable remote and the add is refused.
  if (req.dst === undefined) return kerr('EINVAL');
  const ip = parseIpv4(req.dst);
  if (ip === undefined) return kerr('EINVAL');
  return kok({ ip, port: req.port ?? 0, vni: req.vni, ifindex: 0 });
}

const sameRdst = (a: VxlanRdst, b: VxlanRdst): boolean => a.ip === b.ip && a.port === b.port && a.vni === b.vni && a.ifindex === b.ifindex;

/** vxlan_fdb_add -> vxlan_fdb_update: add (EXCL), append (remote lists) or replace (first remote). */
export function vxlanFdbAdd(dev: NetDevice, req: FdbRequest, mode: 'add' | 'append' | 'replace'): KResult<void> {
  const v = devs.get(dev);
  if (!v) return kerr('EOPNOTSUPP');
  const mac = parseMac(req.mac);
  if (!mac) return kerr('EINVAL');
  // NTF_MASTER on a vxlan device that has no master is not something its own ndo_fdb_add handles.
  if (req.master && !req.self) return kerr('EOPNOTSUPP');
  const rd = rdstOf(v, req);
  if (!rd.ok) return rd;
  const state = req.state ?? 'permanent';
  const now = dev.net.env.now();
  const f = findFdb(v, mac);
  if (f) {
    if (mode === 'add') return kerr('EEXIST');
    f.state = state;
    f.updated = now;
    if (mode === 'replace') {
      if (isZeroOrMulticastMac(mac)) return kerr('EOPNOTSUPP', 'Cannot replace non-unicast FDB entries');
      f.remotes[0] = rd.value;
    } else if (isZeroOrMulticastMac(mac) && !f.remotes.some((r) => sameRdst(r, rd.value))) {
      // Only the all-zeros and multicast entries keep lists of remotes (head-end replication).
      f.remotes.push(rd.value);
    }
    return kok(undefined);
  }
  v.fdb.unshift({ mac, remotes: [rd.value], state, updated: now });
  return kok(undefined);
}

/** vxlan_fdb_delete: one remote when a dst is named, else the whole entry. */
export function vxlanFdbDel(dev: NetDevice, req: FdbRequest): KResult<void> {
  const v = devs.get(dev);
  if (!v) return kerr('EOPNOTSUPP');
  const mac = parseMac(req.mac);
  if (!mac) return kerr('EINVAL');
  const f = findFdb(v, mac);
  if (!f) return kerr('ENOENT');
  if (req.dst !== undefined) {
    const ip = parseIpv4(req.dst);
    if (ip === undefined) return kerr('EINVAL');
    const i = f.remotes.findIndex((r) => r.ip === ip && (req.port === undefined || r.port === req.port) && (req.vni === undefined || r.vni === req.vni));
    // A remote the entry does not have: nothing to do, and no error (observed on 6.x).
    if (i < 0) return kok(undefined);
    if (f.remotes.length > 1) {
      f.remotes.splice(i, 1);
      return kok(undefined);
    }
  }
  v.fdb.splice(v.fdb.indexOf(f), 1);
  return kok(undefined);
}

/** vxlan_fdb_dump: one line per remote, newest entry first. */
export function vxlanFdbList(dev: NetDevice): FdbInfo[] {
  const v = devs.get(dev);
  if (!v) return [];
  const now = dev.net.env.now();
  const out: FdbInfo[] = [];
  for (const f of [...v.fdb]) {
    if (f.state === 'dynamic' && now - f.updated >= v.cfg.ageing * 1000) {
      v.fdb.splice(v.fdb.indexOf(f), 1);
      continue;
    }
    for (const r of f.remotes) {
      const via = r.ifindex ? v.underlay.byIndex.get(r.ifindex)?.name : undefined;
      out.push({
        mac: f.mac,
        dev: dev.name,
        dst: formatIpv4(r.ip),
        ...(r.port ? { port: r.port } : {}),
        ...(r.vni !== undefined ? { vni: r.vni } : {}),
        ...(via !== undefined ? { via } : {}),
        state: f.state,
        self: true,
        local: false,
        ...(f.state === 'dynamic' ? { ageing: Math.floor((now - f.updated) / 1000) } : {}),
      });
    }
  }
  return out;
}

/**
 * vxlan_snoop: learn (or move) the inner source MAC to the outer source address. Static and
 * permanent entries are never moved by traffic.
 */
export function vxlanSnoop(v: VxlanDev, srcMac: string, srcIp: number): void {
  // is_valid_ether_addr: not multicast, not all zeros.
  if (isZeroOrMulticastMac(srcMac)) return;
  const now = v.dev.net.env.now();
  const f = vxlanFdbLookup(v, srcMac);
  if (f) {
    if (f.state !== 'dynamic') return;
    f.updated = now;
    const r = f.remotes[0]!;
    if (r.ip !== srcIp) f.remotes[0] = { ip: srcIp, port: 0, vni: undefined, ifindex: 0 };
    return;
  }
  v.fdb.unshift({ mac: srcMac, remotes: [{ ip: srcIp, port: 0, vni: undefined, ifindex: 0 }], state: 'dynamic', updated: now });
}
