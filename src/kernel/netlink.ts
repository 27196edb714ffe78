/**
 * The rtnetlink face of one namespace: turns the typed requests of api.ts into changes of the
 * namespace's kernel objects with the kernel's validation order, errno and extack messages, and
 * renders those objects back as the plain records iproute2 would receive.
 */
import type {
  AddrInfo,
  AddrRequest,
  AddrScope,
  FdbInfo,
  FdbRequest,
  LinkAddRequest,
  LinkChange,
  LinkInfo,
  NeighInfo,
  NeighRequest,
  Netlink,
  RouteGetRequest,
  RouteGetResult,
  RouteInfo,
  RouteRequest,
  RuleInfo,
  RouteType,
} from './api.js';
import { kerr, kok, type KResult } from './errno.js';
import type { Net } from './netns.js';
import type { NetDevice } from './netdevice.js';
import { scopeFromName, scopeName, Scope, type IfAddr } from './devinet.js';
import { fibRulesLookup, RT_TABLE_LOCAL, RT_TABLE_MAIN, type FibEntry, type FibNh, type FibRule } from './fib.js';
import { ipRouteInput, ipRouteOutput, routeMtu } from './route.js';
import { bridgeAddPort, bridgeDelPort, bridgeRecalc, fdbEntries, portForwarding } from './bridge.js';
import { nudFromName, nudName, NEIGH_UPDATE_F_ADMIN, NEIGH_UPDATE_F_OVERRIDE, NUD_NOARP, NUD_PERMANENT } from './neighbour.js';
import { formatIpv4, parseIpv4, parseMac, prefixMask } from '../wire/addr.js';
import { sysctlGet, sysctlList, sysctlSet } from './sysctl.js';
import { inet6Addrs, selfFdbEntries } from './addrconf.js';
import { dfltFdbAdd, dfltFdbDel } from './dev_addr_lists.js';
import { Ruleset } from './netfilter/ruleset.js';
import { Xtables } from './netfilter/xtables.js';
import { ipsetOf, setReferences, type IpsetStore } from './ipset/store.js';
import { ipvsOf } from './ipvs/hooks.js';
import type { Ipvs } from './ipvs/ipvs.js';
import type { Conntrack } from './netfilter/conntrack.js';
import { sendReject } from './nf_reject.js';
import { ipipDellink, ipipLinkInfo, ipipNewlink } from './ip_tunnel.js';
import { vxlanChangeMtu, vxlanDellink, vxlanFdbAdd, vxlanFdbDel, vxlanFdbList, vxlanInfo, vxlanNewlink, vxlanOf, vxlansOnLower } from './vxlan.js';

const IFNAMSIZ = 16;

export interface NetlinkDeps {
  /** eth_random_addr from the world's seed. */
  randomMac(): string;
  /** Namespace lookup for moves and veth peers. */
  netnsByName(name: string): Net | undefined;
  /** The host's namespace table, to allocate nsids (peernet2id_alloc). */
  ensureNsid(from: Net, to: Net): number;
  nsidOf(from: Net, to: Net): number | undefined;
}

function validName(name: string): boolean {
  // dev_valid_name(): non-empty, shorter than IFNAMSIZ, not "." or "..", no '/', ':' or white space.
  if (!name || name.length >= IFNAMSIZ || name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}

/** TSO_MAX_SIZE (veth, NICs) and GSO_LEGACY_MAX_SIZE (a new bridge, a vxlan without lower device). */
const TSO_MAX_SIZE = 524280;
const GSO_LEGACY_MAX_SIZE = 65536;

function tsoMaxSizeOf(d: NetDevice): number {
  if (d.kind === 'bridge') return bridgeTsoMaxSize(d);
  if (d.kind === 'vxlan') return vxlanOf(d)?.cfg.lowerIfindex ? TSO_MAX_SIZE : GSO_LEGACY_MAX_SIZE;
  return TSO_MAX_SIZE;
}

/**
 * A bridge starts with the legacy 64k limit; once a port has joined or left, br_set_gso_limits
 * gives it the smallest of its ports' limits, TSO_MAX_SIZE when it has none (checked on Linux).
 */
function bridgeTsoMaxSize(br: NetDevice): number {
  const st = br.br!;
  if (!st.hadPorts) return GSO_LEGACY_MAX_SIZE;
  return Math.min(TSO_MAX_SIZE, ...st.ports.map((p) => tsoMaxSizeOf(p.dev)));
}

export class NetlinkImpl implements Netlink {
  constructor(
    private readonly net: Net,
    private readonly deps: NetlinkDeps,
  ) {}

  get netnsName(): string | undefined {
    return this.net.name;
  }

  /* ------------------------------------------------------------------- links */

  linkAdd(req: LinkAddRequest): KResult<LinkInfo> {
    const net = this.net;
    if (!validName(req.name)) return kerr('EINVAL');
    if (net.devs.has(req.name)) return kerr('EEXIST');
    let address: string | undefined;
    if ('address' in req && req.address !== undefined) {
      address = parseMac(req.address);
      if (!address) return kerr('EINVAL');
    }
    let dev: NetDevice;
    switch (req.kind) {
      case 'veth': {
        const peerNet = req.peerNetns !== undefined ? this.deps.netnsByName(req.peerNetns) : net;
        if (!peerNet) return kerr('ENOENT');
        let peerName = req.peerName;
        if (peerName === undefined) {
          let i = 0;
          while (peerNet.devs.has(`veth${i}`)) i++;
          peerName = `veth${i}`;
        }
        if (!validName(peerName)) return kerr('EINVAL');
        if (peerNet.devs.has(peerName) || (peerNet === net && peerName === req.name)) return kerr('EEXIST');
        let peerAddr: string | undefined;
        if (req.peerAddress !== undefined) {
          peerAddr = parseMac(req.peerAddress);
          if (!peerAddr) return kerr('EINVAL');
        }
        if (req.mtu !== undefined && (req.mtu < 68 || req.mtu > 65535)) return kerr('EINVAL', req.mtu < 68 ? 'mtu less than device minimum' : 'mtu greater than device maximum');
        // The peer section's own IFLA_MTU (rtnl_create_link for the peer) is checked the same way.
        if (req.peerMtu !== undefined && (req.peerMtu < 68 || req.peerMtu > 65535)) return kerr('EINVAL');
        // veth_newlink registers the peer first: it gets the lower ifindex and the first random MAC.
        const peer = peerNet.createDevice(peerName, 'veth', peerAddr ?? this.deps.randomMac());
        dev = net.createDevice(req.name, 'veth', address ?? this.deps.randomMac());
        dev.peer = peer;
        peer.peer = dev;
        if (req.mtu !== undefined) {
          dev.mtu = req.mtu;
          // veth_newlink: the peer takes the device's attributes only when no peer section was
          // given ("peer name X" brings its own, without an MTU, so the peer keeps 1500).
          if (req.peerName === undefined && req.peerNetns === undefined && req.peerAddress === undefined && req.peerMtu === undefined) peer.mtu = req.mtu;
        }
        if (req.peerMtu !== undefined) peer.mtu = req.peerMtu;
        if (req.txqlen !== undefined) dev.txqlen = req.txqlen;
        if (req.peerTxqlen !== undefined) peer.txqlen = req.peerTxqlen;
        // veth_newlink turns both carriers off; linkwatch computes operstate once both exist.
        peer.latchOperstate();
        dev.latchOperstate();
        if (peerNet !== net) {
          this.deps.ensureNsid(net, peerNet);
          this.deps.ensureNsid(peerNet, net);
        }
        break;
      }
      case 'bridge':
        if (req.mtu !== undefined && (req.mtu < 68 || req.mtu > 65535)) return kerr('EINVAL', req.mtu < 68 ? 'mtu less than device minimum' : 'mtu greater than device maximum');
        dev = net.createDevice(req.name, 'bridge', address ?? this.deps.randomMac());
        if (address) dev.br!.macSetByUser = true;
        // IFLA_MTU at creation is stored by rtnl_create_link, not through br_change_mtu, so it does not
        // count as set by the user: the first port's MTU replaces it (checked on Linux 6.1).
        if (req.mtu !== undefined) dev.mtu = req.mtu;
        if (req.ageingTime !== undefined) dev.br!.ageingMs = req.ageingTime * 1000;
        dev.br!.fdb.set(dev.mac, { mac: dev.mac, port: undefined, isLocal: true, isStatic: true, updated: net.env.now() });
        break;
      case 'dummy':
        dev = net.createDevice(req.name, 'dummy', address ?? this.deps.randomMac());
        if (req.mtu !== undefined) dev.mtu = req.mtu;
        break;
      case 'vxlan': {
        // Overlay hook: validation, MTU and default FDB entry live in vxlan.ts.
        const r = vxlanNewlink(net, req, () => this.deps.randomMac());
        if (!r.ok) return r;
        dev = r.value;
        break;
      }
      case 'ipip': {
        // Overlay hook: IP-in-IP tunnels live in ip_tunnel.ts.
        const r = ipipNewlink(net, req);
        if (!r.ok) return r;
        dev = r.value;
        break;
      }
      default:
        return kerr('EOPNOTSUPP');
    }
    if (req.up) net.devUp(dev);
    return kok(this.linkInfo(dev));
  }

  linkSet(name: string, change: LinkChange): KResult<void> {
    let net = this.net;
    const dev = net.devByName(name);
    if (!dev) return kerr('ENODEV');
    net.bump();
    // do_setlink order: netns, address, mtu, name, alias, flags (up/down), master, port options.
    if (change.netns !== undefined) {
      const target = this.deps.netnsByName(change.netns);
      if (!target) return kerr('ENOENT');
      if (target !== net) {
        // Loopback and bridges are NETIF_F_NETNS_LOCAL.
        if (dev.kind === 'loopback' || dev.kind === 'bridge') return kerr('EINVAL');
        const newName = change.name ?? dev.name;
        if (target.devs.has(newName)) return kerr('EEXIST');
        this.moveDevice(dev, target, newName);
        net = target;
      }
    }
    if (change.address !== undefined) {
      const mac = parseMac(change.address);
      if (!mac || dev.kind === 'loopback') return kerr('EINVAL');
      // eth_prepare_mac_addr_change: multicast or all-zero addresses are EADDRNOTAVAIL.
      if ((parseInt(mac.slice(0, 2), 16) & 1) === 1 || mac === '00:00:00:00:00:00') return kerr('EADDRNOTAVAIL');
      const old = dev.mac;
      dev.mac = mac;
      if (dev.kind === 'bridge') {
        dev.br!.macSetByUser = true;
        const e = dev.br!.fdb.get(old);
        if (e && !e.port) dev.br!.fdb.delete(old);
        dev.br!.fdb.set(mac, { mac, port: undefined, isLocal: true, isStatic: true, updated: net.env.now() });
      }
      if (dev.master) {
        const st = dev.master.br!;
        const e = st.fdb.get(old);
        if (e && e.port === dev.brport) st.fdb.delete(old);
        st.fdb.set(mac, { mac, port: dev.brport, isLocal: true, isStatic: true, updated: net.env.now() });
        bridgeRecalc(dev.master);
      }
    }
    if (change.mtu !== undefined) {
      const r = this.setMtu(dev, change.mtu);
      if (!r.ok) return r;
    }
    if (change.name !== undefined && change.name !== dev.name) {
      if (!validName(change.name)) return kerr('EINVAL');
      if (net.devs.has(change.name)) return kerr('EEXIST');
      // Kernel 6.18 (the oracle) renames devices that are up; 6.1 answered EBUSY.
      net.devs.delete(dev.name);
      for (const a of dev.inDev.addrs) if (a.label === dev.name) a.label = change.name;
      dev.name = change.name;
      net.devs.set(dev.name, dev);
    }
    if (change.alias !== undefined) dev.alias = change.alias || undefined;
    if (change.arp !== undefined && dev.kind !== 'loopback') dev.noarp = !change.arp;
    // __dev_change_flags: only a change of the IFF_PROMISC flag moves the promiscuity count.
    if (change.promisc !== undefined && change.promisc !== dev.promiscFlag) {
      dev.promiscFlag = change.promisc;
      dev.promisc = Math.max(0, dev.promisc + (change.promisc ? 1 : -1));
    }
    if (change.up === true) net.devUp(dev);
    if (change.up === false) net.devDown(dev);
    if (change.master !== undefined) {
      const r = this.setMaster(dev, change.master);
      if (!r.ok) return r;
    }
    if (change.brport) {
      const p = dev.brport;
      if (!p) return kerr('EOPNOTSUPP');
      Object.assign(p, Object.fromEntries(Object.entries(change.brport).filter(([, v]) => v !== undefined)));
    }
    if (change.bridge) {
      if (!dev.br) return kerr('EOPNOTSUPP');
      if (change.bridge.ageingTime !== undefined) dev.br.ageingMs = change.bridge.ageingTime * 1000;
    }
    return kok(undefined);
  }

  private setMtu(dev: NetDevice, mtu: number): KResult<void> {
    if (!Number.isInteger(mtu) || mtu < 0) return kerr('EINVAL');
    if (dev.minMtu && mtu < dev.minMtu) return kerr('EINVAL', 'mtu less than device minimum');
    if (dev.maxMtu && mtu > dev.maxMtu) return kerr('EINVAL', 'mtu greater than device maximum');
    if (dev.kind === 'vxlan') {
      const r = vxlanChangeMtu(dev, mtu);
      if (!r.ok) return r;
    }
    const hadInDev = dev.mtu >= 68;
    dev.mtu = mtu;
    // inetdev_event(NETDEV_CHANGEMTU) back above 68: a fresh in_device, conf copied from default.
    if (!hadInDev && mtu >= 68) this.net.resetInDev(dev);
    if (dev.kind === 'bridge') dev.br!.mtuSetByUser = true;
    if (dev.master && !dev.master.br!.mtuSetByUser) dev.master.mtu = Math.min(...dev.master.br!.ports.map((p) => p.dev.mtu));
    // inetdev_event(NETDEV_CHANGEMTU): below 68 bytes IPv4 is torn off the device.
    if (mtu < 68 && dev.inDev.addrs.length > 0) {
      dev.inDev.addrs = [];
      dev.net.flushRoutesOfDev(dev, true);
    }
    // inetdev_destroy -> arp_ifdown -> neigh_ifdown: every ARP entry of the device goes, permanent
    // ones too (real 6.18: `ip neigh add ... dev lo nud permanent; ip link set lo mtu 67` leaves
    // `ip neigh show dev lo` empty, also after the MTU is raised again).
    if (hadInDev && mtu < 68) dev.net.neigh.ifdown(dev, false);
    dev.net.pmtu.clear();
    return kok(undefined);
  }

  private setMaster(dev: NetDevice, master: string | null): KResult<void> {
    if (master === null) {
      if (dev.master) bridgeDelPort(dev);
      return kok(undefined);
    }
    const br = this.net.devByName(master);
    if (!br) return kerr('ENODEV');
    if (dev.master === br) return kok(undefined);
    if (br.kind !== 'bridge') return kerr('EOPNOTSUPP');
    if (br === dev) return kerr('ELOOP');
    if (dev.kind === 'bridge') return kerr('ELOOP');
    if (dev.kind === 'loopback') return kerr('EINVAL');
    if (dev.master) bridgeDelPort(dev);
    bridgeAddPort(br, dev);
    return kok(undefined);
  }

  /** dev_change_net_namespace. */
  private moveDevice(dev: NetDevice, target: Net, newName: string): void {
    const from = dev.net;
    // Closing the device for the move turns a veth pair's carrier off; linkwatch runs once the
    // move (under RTNL) is done, so operstate is computed with the new namespace and ifindex.
    const carrierOff = dev.kind === 'veth' && dev.carrierBit();
    // NETDEV_UNREGISTER is sent for a device leaving its namespace: vxlan devices over it are deleted.
    for (const vx of vxlansOnLower(dev)) if (vx !== dev && vx.net.devs.get(vx.name) === vx) this.unregister(vx);
    if (dev.master) bridgeDelPort(dev);
    // dev_change_net_namespace: the RTM_DELLINK sent in the old namespace carries
    // IFLA_NEW_NETNSID, so the old namespace assigns the new one an nsid (peernet2id_alloc).
    this.deps.ensureNsid(from, target);
    from.detach(dev);
    // dev_change_net_namespace -> dev_shutdown: the qdisc goes, noop until the next up.
    dev.qdiscAttached = false;
    // dev_change_net_namespace takes the new name with it (IFLA_IFNAME in the same request).
    for (const a of dev.inDev.addrs) if (a.label === dev.name) a.label = newName;
    dev.name = newName;
    const keep = target.byIndex.has(dev.ifindex) ? undefined : dev.ifindex;
    dev.ifindex = target.allocIfindex(keep);
    target.attach(dev);
    if (dev.peer) {
      const peerNet = dev.peer.net;
      if (peerNet !== target) {
        this.deps.ensureNsid(target, peerNet);
        this.deps.ensureNsid(peerNet, target);
      }
      // The peer end loses carrier-derived state (its routes go linkdown) through carrier().
      peerNet.carrierChanged(dev.peer);
      if (carrierOff) {
        dev.latchOperstate();
        dev.peer.latchOperstate();
      }
    }
  }

  linkDel(name: string): KResult<void> {
    const dev = this.net.devByName(name);
    if (!dev) return kerr('ENODEV');
    // Neither the loopback device nor a physical NIC can be deleted ("Operation not supported").
    if (dev.kind === 'loopback' || dev.kind === 'ether') return kerr('EOPNOTSUPP');
    // ip_tunnel_dellink ignores requests to delete the namespace's tunl0.
    if (dev.kind === 'ipip' && ipipDellink(dev) === 'keep') return kok(undefined);
    this.unregister(dev);
    if (dev.peer) {
      const peer = dev.peer;
      dev.peer = undefined;
      peer.peer = undefined;
      this.unregister(peer);
    }
    return kok(undefined);
  }

  private unregister(dev: NetDevice): void {
    const net = dev.net;
    // vxlan_handle_lowerdev_unregister: tunnels over this device go with it.
    for (const vx of vxlansOnLower(dev)) if (vx !== dev && vx.net.devs.get(vx.name) === vx) this.unregister(vx);
    if (dev.kind === 'vxlan') vxlanDellink(dev);
    if (dev.br) for (const p of [...dev.br.ports]) bridgeDelPort(p.dev);
    if (dev.master) bridgeDelPort(dev);
    net.detach(dev);
  }

  linkList(): LinkInfo[] {
    return [...this.net.byIndex.values()].sort((a, b) => a.ifindex - b.ifindex).map((d) => this.linkInfo(d));
  }

  linkGet(name: string): LinkInfo | undefined {
    const d = this.net.devByName(name);
    return d ? this.linkInfo(d) : undefined;
  }

  private linkInfo(d: NetDevice): LinkInfo {
    const info: LinkInfo = {
      ifindex: d.ifindex,
      name: d.name,
      kind: d.kind,
      flags: d.flags(),
      mtu: d.mtu,
      minMtu: d.minMtu,
      maxMtu: d.maxMtu,
      qdisc: d.qdisc(),
      operstate: d.operstate(),
      group: 'default',
      txqlen: d.txqlen,
      address: d.mac,
      broadcast: d.kind === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
      linkType: d.linkType(),
      promiscuity: d.promisc,
    };
    if (d.kind === 'bridge') info.tsoMaxSize = bridgeTsoMaxSize(d);
    if (d.master) info.master = d.master.name;
    if (d.alias !== undefined) info.alias = d.alias;
    if (d.kind === 'veth' && d.peer) {
      const p = d.peer;
      if (p.net === d.net) {
        info.link = { ifindex: p.ifindex, name: p.name };
      } else {
        const id = this.deps.nsidOf(d.net, p.net);
        info.link = { ifindex: p.ifindex, ...(id !== undefined ? { netnsId: id } : {}), ...(p.net.name !== undefined ? { netnsName: p.net.name } : {}) };
      }
    }
    if (d.br) {
      info.bridge = { ageingTime: d.br.ageingMs / 1000, stpState: 0, vlanFiltering: false, forwardDelay: d.br.forwardDelay };
    }
    if (d.kind === 'vxlan') {
      const vx = vxlanInfo(d);
      if (vx) info.vxlan = vx;
      // A vxlan moved out of the namespace it was created in reports that one as its link-netns
      // (rtnl_fill_link_netnsid allocates the nsid) and IFLA_LINK as its own ifindex.
      const u = vxlanOf(d)?.underlay;
      if (u && u !== d.net) {
        const id = this.deps.ensureNsid(d.net, u);
        info.link = { ifindex: d.ifindex, netnsId: id, ...(u.name !== undefined ? { netnsName: u.name } : {}) };
      }
    }
    if (d.kind === 'ipip') ipipLinkInfo(d, info);
    if (d.brport) {
      const p = d.brport;
      info.brport = { state: portForwarding(p) ? 'forwarding' : 'disabled', hairpin: p.hairpin, learning: p.learning, flood: p.flood, cost: p.cost, priority: p.priority };
    }
    return info;
  }

  /* --------------------------------------------------------------- addresses */

  addrAdd(req: AddrRequest, opts?: { replace?: boolean }): KResult<void> {
    const net = this.net;
    const dev = net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    const local = parseIpv4(req.local);
    if (local === undefined || !Number.isInteger(req.prefixLen) || req.prefixLen < 0 || req.prefixLen > 32) return kerr('EINVAL');
    let address = local;
    let hasPeer = false;
    if (req.peer !== undefined) {
      const p = parseIpv4(req.peer);
      if (p === undefined) return kerr('EINVAL');
      address = p;
      hasPeer = true;
    }
    const mask = prefixMask(req.prefixLen);
    let broadcast = 0;
    if (req.broadcast === '+') broadcast = req.prefixLen < 31 ? ((address | ~mask) >>> 0) : 0;
    else if (req.broadcast === '-') broadcast = 0;
    else if (req.broadcast !== undefined) {
      const b = parseIpv4(req.broadcast);
      if (b === undefined) return kerr('EINVAL');
      broadcast = b;
    }
    const scope = req.scope !== undefined ? scopeFromName(req.scope) : local >>> 24 === 127 ? Scope.HOST : Scope.UNIVERSE;
    const list = dev.inDev.addrs;
    const same = list.find((a) => a.mask === mask && ((a.address ^ address) & mask) === 0 && a.local === local);
    if (same) {
      // inet_rtm_newaddr with NLM_F_EXCL (6.x adds the extack).
      if (!opts?.replace) return kerr('EEXIST', 'ipv4: Address already assigned');
      same.broadcast = broadcast;
      same.scope = scope;
      same.label = req.label ?? same.label;
      same.noprefixroute = req.noprefixroute ?? same.noprefixroute;
      net.resyncKernelRoutes(dev);
      return kok(undefined);
    }
    let secondary = false;
    for (const a of list) {
      if (a.mask === mask && ((a.address ^ address) & mask) === 0) {
        if (a.scope !== scope) return kerr('EINVAL');
        secondary = true;
      }
    }
    if (dev.mtu < 68) return kerr('ENOBUFS');
    const ifa: IfAddr = {
      dev,
      local,
      address,
      prefixLen: req.prefixLen,
      mask,
      broadcast,
      scope,
      secondary,
      label: req.label ?? dev.name,
      noprefixroute: req.noprefixroute ?? false,
      hasPeer,
    };
    net.insertIfAddr(ifa);
    return kok(undefined);
  }

  addrDel(req: { dev: string; local: string; prefixLen?: number }): KResult<void> {
    const dev = this.net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    // inet_rtm_deladdr: no in_device (MTU below 68) -> "ipv4: Device not found".
    if (dev.mtu < 68) return kerr('ENODEV', 'ipv4: Device not found');
    const local = parseIpv4(req.local);
    if (local === undefined) return kerr('EINVAL');
    const ifa = dev.inDev.addrs.find((a) => a.local === local && (req.prefixLen === undefined || a.prefixLen === req.prefixLen));
    if (!ifa) return kerr('EADDRNOTAVAIL', 'ipv4: Address not found');
    this.net.deleteIfAddr(ifa);
    return kok(undefined);
  }

  addrList(filter?: { dev?: string }): AddrInfo[] {
    const out: AddrInfo[] = [];
    const devs = [...this.net.byIndex.values()].sort((a, b) => a.ifindex - b.ifindex);
    for (const d of devs) {
      if (filter?.dev !== undefined && d.name !== filter.dev) continue;
      for (const a of d.inDev.addrs) {
        out.push({
          ifindex: d.ifindex,
          dev: d.name,
          family: 'inet',
          local: formatIpv4(a.local),
          prefixLen: a.prefixLen,
          ...(a.hasPeer ? { peer: formatIpv4(a.address) } : {}),
          ...(a.broadcast ? { broadcast: formatIpv4(a.broadcast) } : {}),
          scope: scopeName(a.scope) as AddrScope,
          secondary: a.secondary,
          label: a.label,
          noprefixroute: a.noprefixroute,
          validLft: 'forever',
          preferredLft: 'forever',
        });
      }
      out.push(...inet6Addrs(d));
    }
    return out;
  }

  addrFlush(filter: { dev?: string; scope?: AddrScope }): KResult<number> {
    if (filter.dev !== undefined && !this.net.devByName(filter.dev)) return kerr('ENODEV');
    let n = 0;
    for (;;) {
      const devs = [...this.net.byIndex.values()].filter((d) => filter.dev === undefined || d.name === filter.dev);
      const victim = devs.flatMap((d) => d.inDev.addrs).find((a) => filter.scope === undefined || scopeName(a.scope) === filter.scope);
      if (!victim) break;
      const before = victim.dev.inDev.addrs.length;
      this.net.deleteIfAddr(victim);
      n += before - victim.dev.inDev.addrs.length;
    }
    return kok(n);
  }

  /* ------------------------------------------------------------------ routes */

  routeAdd(req: RouteRequest, mode: 'add' | 'replace' | 'append' | 'change' | 'prepend' = 'add'): KResult<void> {
    const net = this.net;
    const type: RouteType = req.type ?? 'unicast';
    const dst = parseIpv4(req.dst);
    if (dst === undefined || !Number.isInteger(req.dstLen) || req.dstLen < 0 || req.dstLen > 32) return kerr('EINVAL');
    const defaultTable = type === 'local' || type === 'broadcast' || type === 'nat' || type === 'anycast' ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
    const table = req.table ?? defaultTable;
    if (!Number.isInteger(table) || table < 0 || table > 0xffffffff) return kerr('EINVAL');
    // inet_rtm_newroute calls fib_new_table before fib_table_insert validates anything else, so a
    // refused route still leaves its table behind ("ip route show table N" then succeeds).
    net.table(table, true);
    if (req.dstLen < 32 && ((dst << req.dstLen) >>> 0) !== 0 && req.dstLen > 0) return kerr('EINVAL', 'Invalid prefix for given prefix length');
    if (req.dstLen === 0 && dst !== 0) return kerr('EINVAL', 'Invalid prefix for given prefix length');
    const hasGw = req.gateway !== undefined || (req.nexthops?.some((n) => n.gateway !== undefined) ?? false);
    const defaultScope = type === 'local' || type === 'nat' ? 'host' : type === 'broadcast' || type === 'multicast' || type === 'anycast' ? 'link' : type === 'unicast' && !hasGw ? 'link' : 'global';
    const scope = scopeFromName(req.scope ?? defaultScope);
    let prefsrc = 0;
    if (req.prefsrc !== undefined) {
      const p = parseIpv4(req.prefsrc);
      if (p === undefined) return kerr('EINVAL');
      // fib_valid_prefsrc: the preferred source must be one of our addresses.
      if (!(type === 'local' && p === dst) && !net.addrOwner(p)) return kerr('EINVAL', 'Invalid prefsrc address');
      prefsrc = p;
    }
    const entry: FibEntry = {
      table,
      type,
      dst,
      len: req.dstLen,
      tos: req.tos ?? 0,
      priority: req.metric ?? 0,
      proto: req.proto ?? 'boot',
      scope,
      nhScope: Scope.HOST,
      prefsrc,
      gw: 0,
      dev: undefined,
      onlink: false,
      mtu: req.mtu,
      nexthops: undefined,
    };
    const needsNh = type === 'unicast' || type === 'local' || type === 'broadcast' || type === 'multicast' || type === 'anycast' || type === 'nat';
    if (req.nexthops && req.nexthops.length > 0) {
      const nhs: FibNh[] = [];
      for (const n of req.nexthops) {
        const r = this.checkNexthop(entry, n.gateway, n.dev, n.onlink ?? false, table);
        if (!r.ok) return r;
        nhs.push({ gw: r.value.gw, dev: r.value.dev, onlink: n.onlink ?? false, weight: n.weight ?? 1 });
      }
      entry.nexthops = nhs;
      entry.dev = nhs[0]!.dev;
      entry.gw = nhs[0]!.gw;
      entry.nhScope = Scope.LINK;
    } else if (needsNh) {
      if (scope === Scope.HOST) {
        if (req.gateway !== undefined) return kerr('EINVAL', 'Route with host scope can not have a gateway');
        if (req.dev === undefined) return kerr('ENODEV');
        const d = net.devByName(req.dev);
        if (!d) return kerr('ENODEV');
        entry.dev = d;
        entry.nhScope = Scope.NOWHERE;
      } else {
        if (req.gateway === undefined && req.dev === undefined) return kerr('EINVAL', 'Nexthop device required');
        const r = this.checkNexthop(entry, req.gateway, req.dev, req.onlink ?? false, table);
        if (!r.ok) return r;
        entry.gw = r.value.gw;
        entry.dev = r.value.dev;
        entry.nhScope = r.value.nhScope;
        entry.onlink = req.onlink ?? false;
      }
    } else if (req.dev !== undefined) {
      const d = net.devByName(req.dev);
      if (!d) return kerr('ENODEV');
      entry.dev = d;
    }
    const t = net.table(table, true)!;
    const err = t.insert(entry, mode);
    // (The table itself exists from here on even when the insert fails, as fib_new_table runs first.)
    if (err) return kerr(err);
    if (table === RT_TABLE_LOCAL && entry.proto !== 'kernel') net.customLocalRoutes = true;
    return kok(undefined);
  }

  /** fib_check_nh_v4_gw / fib_check_nh_nongw. */
  private checkNexthop(e: FibEntry, gateway: string | undefined, devName: string | undefined, onlink: boolean, table: number): KResult<{ gw: number; dev: NetDevice; nhScope: Scope }> {
    const net = this.net;
    let dev: NetDevice | undefined;
    if (devName !== undefined) {
      dev = net.devByName(devName);
      if (!dev) return kerr('ENODEV');
    }
    if (gateway === undefined) {
      if (onlink) return kerr('EINVAL', 'Invalid flags for nexthop - PERVASIVE and ONLINK can not be set');
      if (!dev) return kerr('ENODEV');
      // fib_check_nh_nongw: inetdev_by_index() first, so a device without an in_device (MTU below
      // 68: `ip link set lo mtu 67; ip route add 10.2.0.0/16 dev lo`) is a bare -ENODEV
      // ("RTNETLINK answers: No such device"), ahead of the IFF_UP check and of any EEXIST.
      if (dev.mtu < 68) return kerr('ENODEV');
      if (!dev.adminUp) return kerr('ENETDOWN', 'Device for nexthop is not up');
      return kok({ gw: 0, dev, nhScope: Scope.HOST });
    }
    const gw = parseIpv4(gateway);
    if (gw === undefined) return kerr('EINVAL');
    if (onlink) {
      if (e.scope >= Scope.LINK) return kerr('EINVAL', 'Nexthop has invalid scope');
      if (!dev) return kerr('ENODEV', 'Nexthop device required for onlink');
      if (!dev.adminUp) return kerr('ENETDOWN', 'Nexthop device is not up');
      const t = net.tables.get(RT_TABLE_LOCAL)?.find(gw, 32);
      if (t?.some((x) => x.type === 'local' || x.type === 'broadcast') || gw >>> 28 === 0xe || gw === 0xffffffff || gw >>> 24 === 0) return kerr('EINVAL', 'Nexthop has invalid gateway');
      return kok({ gw, dev, nhScope: Scope.LINK });
    }
    // The gateway must be reachable through a link- or host-scope route (scope + 1, at least link).
    const lookupScope = Math.max(e.scope + 1, Scope.LINK) as Scope;
    const flow = { daddr: gw, oif: dev?.ifindex ?? 0, tos: 0, scope: lookupScope };
    let found: FibEntry | undefined;
    const tbl = table !== RT_TABLE_MAIN ? net.tables.get(table) : undefined;
    if (tbl) {
      const r = tbl.lookup(flow);
      if (r && !('error' in r)) found = r.entry;
    }
    if (!found) {
      const r = fibRulesLookup(net.rules, net.tables, !net.customRules, { ...flow, saddr: 0, iifName: 'lo', oifName: dev?.name, mark: 0 });
      if ('error' in r) return kerr('EINVAL', 'Nexthop has invalid gateway');
      found = r.entry;
    }
    if (found.type !== 'unicast' && found.type !== 'local') return kerr('EINVAL', 'Nexthop has invalid gateway');
    const out = found.dev;
    if (!out) return kerr('ENODEV', 'No egress device for nexthop');
    if (!out.adminUp) return kerr('ENETDOWN');
    return kok({ gw, dev: out, nhScope: found.scope });
  }

  routeDel(req: Partial<RouteRequest> & { dst: string; dstLen: number }): KResult<void> {
    const net = this.net;
    const dst = parseIpv4(req.dst);
    if (dst === undefined) return kerr('EINVAL');
    const table = req.table ?? RT_TABLE_MAIN;
    const t = net.tables.get(table);
    if (!t) return kerr('ESRCH');
    const list = t.find(dst, req.dstLen) ?? [];
    let dev: NetDevice | undefined;
    if (req.dev !== undefined) {
      dev = net.devByName(req.dev);
      if (!dev) return kerr('ENODEV');
    }
    const gw = req.gateway !== undefined ? parseIpv4(req.gateway) : undefined;
    const prefsrc = req.prefsrc !== undefined ? parseIpv4(req.prefsrc) : undefined;
    const victim = list.find(
      (e) =>
        (req.tos ?? 0) === e.tos &&
        (req.metric === undefined || req.metric === e.priority) &&
        (req.type === undefined || req.type === e.type) &&
        (req.scope === undefined || scopeFromName(req.scope) === e.scope) &&
        (prefsrc === undefined || prefsrc === e.prefsrc) &&
        (req.proto === undefined || req.proto === e.proto) &&
        (dev === undefined || e.dev === dev || (e.nexthops?.some((n) => n.dev === dev) ?? false)) &&
        (gw === undefined || e.gw === gw),
    );
    if (!victim) return kerr('ESRCH');
    t.remove(victim);
    return kok(undefined);
  }

  routeList(filter?: { table?: number | 'all' }): RouteInfo[] {
    const which = filter?.table ?? RT_TABLE_MAIN;
    const tables = [...this.net.tables.values()]
      .filter((t) => which === 'all' || t.id === which)
      .sort((a, b) => (a.id & 255) - (b.id & 255) || a.id - b.id);
    const out: RouteInfo[] = [];
    for (const t of tables) for (const e of t.entries()) out.push(this.routeInfo(e));
    return out;
  }

  private routeInfo(e: FibEntry): RouteInfo {
    const linkdown = e.dev !== undefined && e.nhScope !== Scope.NOWHERE && !e.dev.carrier();
    const info: RouteInfo = {
      table: e.table,
      type: e.type,
      dst: formatIpv4(e.dst),
      dstLen: e.len,
      proto: e.proto,
      scope: scopeName(e.scope),
      onlink: e.onlink,
      linkdown,
    };
    if (e.gw && !e.nexthops) info.gateway = formatIpv4(e.gw);
    if (e.dev && !e.nexthops) info.dev = e.dev.name;
    if (e.prefsrc) info.prefsrc = formatIpv4(e.prefsrc);
    if (e.priority) info.metric = e.priority;
    if (e.mtu !== undefined) info.mtu = e.mtu;
    if (e.tos) info.tos = e.tos;
    if (e.nexthops) info.nexthops = e.nexthops.map((n) => ({ ...(n.gw ? { gateway: formatIpv4(n.gw) } : {}), ...(n.dev ? { dev: n.dev.name } : {}), onlink: n.onlink, weight: n.weight }));
    return info;
  }

  routeGet(req: RouteGetRequest): KResult<RouteGetResult> {
    const net = this.net;
    const dst = parseIpv4(req.dst);
    if (dst === undefined) return kerr('EINVAL');
    let from = 0;
    if (req.from !== undefined) {
      const f = parseIpv4(req.from);
      if (f === undefined) return kerr('EINVAL');
      from = f;
    }
    if (req.iif !== undefined) {
      const iif = net.devByName(req.iif);
      if (!iif) return kerr('ENODEV');
      const r = ipRouteInput(net, dst, from, req.tos ?? 0, iif, req.mark ?? 0);
      switch (r.kind) {
        case 'local':
          return kok({ type: 'local', dst: req.dst, dev: net.lo.name, table: this.reportedTable(r.rt.table), iif: iif.name, cacheFlags: ['local'] });
        case 'broadcast':
          return kok({ type: 'broadcast', dst: req.dst, dev: net.lo.name, table: RT_TABLE_MAIN, iif: iif.name, cacheFlags: ['local', 'brd'] });
        case 'forward': {
          const res: RouteGetResult = { type: 'unicast', dst: req.dst, dev: r.rt.dev.name, table: this.reportedTable(r.rt.table), iif: iif.name, cacheFlags: r.rt.redirect ? ['redirect'] : [] };
          if (r.rt.gw) res.gateway = formatIpv4(r.rt.gw);
          if (r.rt.pmtu !== undefined) res.mtu = r.rt.pmtu;
          return kok(res);
        }
        case 'error':
          return kerr(r.errno);
        case 'martian':
          return kerr('EINVAL');
      }
    }
    let oif = 0;
    if (req.oif !== undefined) {
      const d = net.devByName(req.oif);
      if (!d) return kerr('ENODEV');
      oif = d.ifindex;
    }
    const r = ipRouteOutput(net, { daddr: dst, saddr: from, oif, tos: req.tos ?? 0, mark: req.mark ?? 0 });
    if ('error' in r) return kerr(r.error);
    const rt = r.rt;
    const res: RouteGetResult = {
      type: rt.type,
      dst: req.dst,
      dev: rt.dev.name,
      table: this.reportedTable(rt.table),
      uid: 0,
      // RTCF_LOCAL is set for anything leaving through the loopback device, not just local routes.
      cacheFlags: rt.type === 'broadcast' ? ['local', 'brd'] : rt.local ? ['local'] : [],
    };
    if (rt.gw) res.gateway = formatIpv4(rt.gw);
    // rt_fill_info reports RTA_PREFSRC only when the chosen source differs from the requested one.
    if (rt.src !== from) res.src = formatIpv4(rt.src);
    if (rt.pmtu !== undefined) {
      res.mtu = routeMtu(net, rt);
      const exc = net.pmtu.get(rt.dst);
      // rt_fill_info: jiffies left until the exception expires, printed in whole seconds.
      if (exc) res.expires = Math.max(0, Math.floor((exc.expires - net.env.now() - 1) / 1000));
    }
    return kok(res);
  }

  /**
   * The table `ip route get` reports: without custom rules the kernel merges local into main
   * (fib_trie's fib_main serves both), so every answer comes from "main".
   */
  private reportedTable(table: number): number {
    return this.net.customRules ? table : RT_TABLE_MAIN;
  }

  /* ------------------------------------------------------------------- rules */

  ruleAdd(rule: Omit<RuleInfo, 'priority'> & { priority?: number }): KResult<void> {
    const net = this.net;
    const parse = (a: string | undefined, len: number | undefined): { addr: number; len: number } | null => {
      if (a === undefined) return { addr: 0, len: 0 };
      const v = parseIpv4(a);
      if (v === undefined) return null;
      return { addr: v, len: len ?? 32 };
    };
    const f = parse(rule.from, rule.fromLen);
    const t = parse(rule.to, rule.toLen);
    if (!f || !t) return kerr('EINVAL');
    let priority = rule.priority;
    if (priority === undefined) {
      // fib_default_rule_pref: one below the second rule's preference.
      const second = net.rules[1];
      priority = second && second.priority ? second.priority - 1 : 0;
    }
    const r: FibRule = {
      priority,
      from: f.addr,
      fromLen: f.len,
      to: t.addr,
      toLen: t.len,
      iif: rule.iif,
      oif: rule.oif,
      fwmark: rule.fwmark,
      fwmask: rule.fwmask ?? 0xffffffff,
      table: rule.table,
      action: rule.action,
    };
    if (net.rules.some((x) => sameRule(x, r))) return kerr('EEXIST');
    let pos = net.rules.findIndex((x) => x.priority > priority!);
    if (pos < 0) pos = net.rules.length;
    net.rules.splice(pos, 0, r);
    // fib4_has_custom_rules stays set for the namespace's lifetime once a rule was added.
    net.customRules = true;
    net.bump();
    return kok(undefined);
  }

  ruleDel(rule: Partial<RuleInfo>): KResult<void> {
    const net = this.net;
    const from = rule.from !== undefined ? parseIpv4(rule.from) : undefined;
    const to = rule.to !== undefined ? parseIpv4(rule.to) : undefined;
    const i = net.rules.findIndex(
      (r) =>
        (rule.priority === undefined || r.priority === rule.priority) &&
        (rule.table === undefined || r.table === rule.table) &&
        (from === undefined || (r.from === from && r.fromLen === (rule.fromLen ?? 32))) &&
        (to === undefined || (r.to === to && r.toLen === (rule.toLen ?? 32))) &&
        (rule.iif === undefined || r.iif === rule.iif) &&
        (rule.oif === undefined || r.oif === rule.oif) &&
        (rule.fwmark === undefined || r.fwmark === rule.fwmark) &&
        (rule.action === undefined || r.action === rule.action),
    );
    if (i < 0) return kerr('ENOENT');
    net.rules.splice(i, 1);
    net.customRules = true;
    net.bump();
    return kok(undefined);
  }

  ruleList(): RuleInfo[] {
    return this.net.rules.map((r) => ({
      priority: r.priority,
      ...(r.fromLen ? { from: formatIpv4(r.from), fromLen: r.fromLen } : {}),
      ...(r.toLen ? { to: formatIpv4(r.to), toLen: r.toLen } : {}),
      ...(r.iif !== undefined ? { iif: r.iif } : {}),
      ...(r.oif !== undefined ? { oif: r.oif } : {}),
      ...(r.fwmark !== undefined ? { fwmark: r.fwmark, fwmask: r.fwmask } : {}),
      table: r.table,
      action: r.action,
    }));
  }

  /* -------------------------------------------------------------- neighbours */

  neighAdd(req: NeighRequest, mode: 'add' | 'replace' | 'change' = 'add'): KResult<void> {
    const net = this.net;
    const dev = net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    const ip = parseIpv4(req.dst);
    if (ip === undefined) return kerr('EINVAL');
    if (req.proxy) {
      if (net.neigh.proxies.some((p) => p.ip === ip && p.dev === dev)) {
        if (mode === 'add') return kerr('EEXIST');
        return kok(undefined);
      }
      net.neigh.proxies.push({ ip, dev });
      return kok(undefined);
    }
    let lladdr: string | undefined;
    if (req.lladdr !== undefined) {
      lladdr = parseMac(req.lladdr);
      if (!lladdr) return kerr('EINVAL');
    }
    const state = nudFromName(req.state ?? 'PERMANENT');
    // arp_constructor: no in_device (MTU below 68, inetdev_destroy ran) -> -EINVAL from
    // ___neigh_create, for add and replace alike.
    if (dev.mtu < 68) return kerr('EINVAL');
    // neigh_add looks the key up as given (neigh_lookup), so NLM_F_EXCL only trips on an exact
    // hit. On lo (and ipip) ___neigh_create then folds every key to 0.0.0.0 and hands back the one
    // shared entry, which __neigh_update rewrites: `ip neigh add 10.0.0.1 ... dev lo` succeeds
    // over and over, while `ip neigh add 0.0.0.0 ... dev lo` a second time is EEXIST.
    const exact = net.neigh.lookupExact(dev, ip);
    if (exact && exact.state !== 0 && mode === 'add') return kerr('EEXIST');
    const existing = exact ?? net.neigh.lookup(dev, ip);
    if (!exact && mode === 'change') return kerr('ENOENT');
    // __neigh_update: no lladdr for a valid state needs an old valid one; a fresh lo entry is
    // NOARP (valid) from arp_constructor, so `ip neigh add X dev lo nud permanent` is fine.
    if (lladdr === undefined && state & (NUD_PERMANENT | NUD_NOARP | 0x02 | 0x04) && !(existing?.lladdr) && dev.kind !== 'loopback') return kerr('EINVAL');
    const n = existing ?? net.neigh.create(dev, ip);
    net.neigh.update(n, lladdr, state, NEIGH_UPDATE_F_ADMIN | NEIGH_UPDATE_F_OVERRIDE);
    if (req.router !== undefined) n.router = req.router;
    return kok(undefined);
  }

  neighDel(req: { dst: string; dev: string; proxy?: boolean }): KResult<void> {
    const net = this.net;
    const dev = net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    const ip = parseIpv4(req.dst);
    if (ip === undefined) return kerr('EINVAL');
    if (req.proxy) {
      const i = net.neigh.proxies.findIndex((p) => p.ip === ip && p.dev === dev);
      if (i < 0) return kerr('ENOENT');
      net.neigh.proxies.splice(i, 1);
      return kok(undefined);
    }
    const n = net.neigh.lookupExact(dev, ip);
    if (!n) return kerr('ENOENT');
    net.neigh.remove(n);
    return kok(undefined);
  }

  neighList(filter?: { dev?: string; proxy?: boolean }): NeighInfo[] {
    const net = this.net;
    if (filter?.proxy) {
      return net.neigh.proxies
        .filter((p) => filter.dev === undefined || p.dev?.name === filter.dev)
        .map((p) => ({ dst: formatIpv4(p.ip), dev: p.dev?.name ?? '', state: 'NONE', router: false, proxy: true }));
    }
    return net.neigh
      .entries()
      .filter((n) => filter?.dev === undefined || n.dev.name === filter.dev)
      .map((n) => ({
        dst: formatIpv4(n.ip),
        dev: n.dev.name,
        ...(n.lladdr !== undefined && n.state !== 0x01 && n.state !== 0x20 ? { lladdr: n.lladdr } : {}),
        state: nudName(n.state),
        router: n.router,
        proxy: false,
      }));
  }

  neighFlush(filter: { dev?: string; all?: boolean }): KResult<number> {
    const net = this.net;
    if (filter.dev !== undefined && !net.devByName(filter.dev)) return kerr('ENODEV');
    let n = 0;
    for (const e of net.neigh.entries()) {
      if (filter.dev !== undefined && e.dev.name !== filter.dev) continue;
      if (!filter.all && e.state & (NUD_PERMANENT | NUD_NOARP)) continue;
      net.neigh.remove(e);
      n++;
    }
    return kok(n);
  }

  /* --------------------------------------------------------------------- fdb */

  fdbAdd(req: FdbRequest, mode: 'add' | 'append' | 'replace' = 'add'): KResult<void> {
    const net = this.net;
    const dev = net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    // Overlay hook: a vxlan device's own FDB (NTF_SELF) is kept by vxlan.ts.
    if (vxlanOf(dev) && (req.self || !req.master)) return vxlanFdbAdd(dev, req, mode);
    // A device with neither an FDB of its own nor a master: the generic uc/mc lists.
    if (!dev.br && !dev.master && !req.master) return dfltFdbAdd(dev, req, mode);
    const mac = parseMac(req.mac);
    if (!mac) return kerr('EINVAL');
    const br = dev.br ? dev : dev.master;
    if (!br || !br.br) return kerr('EOPNOTSUPP');
    const st = br.br;
    const existing = st.fdb.get(mac);
    if (existing && mode === 'add' && (existing.isStatic || existing.isLocal)) return kerr('EEXIST');
    const state = req.state ?? 'permanent';
    st.fdb.set(mac, {
      mac,
      port: dev.brport,
      isLocal: state === 'permanent',
      isStatic: state !== 'dynamic',
      updated: net.env.now(),
    });
    return kok(undefined);
  }

  fdbDel(req: FdbRequest): KResult<void> {
    const net = this.net;
    const dev = net.devByName(req.dev);
    if (!dev) return kerr('ENODEV');
    if (vxlanOf(dev) && (req.self || !req.master)) return vxlanFdbDel(dev, req);
    if (!dev.br && !dev.master && !req.master) return dfltFdbDel(dev, req);
    const mac = parseMac(req.mac);
    if (!mac) return kerr('EINVAL');
    const br = dev.br ? dev : dev.master;
    if (!br || !br.br) return kerr('EOPNOTSUPP');
    const e = br.br.fdb.get(mac);
    if (!e || (e.port !== dev.brport && !(dev === br && e.port === undefined))) return kerr('ENOENT');
    br.br.fdb.delete(mac);
    return kok(undefined);
  }

  /**
   * rtnl_fdb_dump order: devices by ifindex; a bridge port shows its bridge's entries for it
   * (master) then its own multicast list (self); a bridge shows its multicast list then the
   * entries that belong to the bridge itself; a vxlan device its own table.
   */
  fdbList(filter?: { dev?: string; br?: string }): FdbInfo[] {
    const net = this.net;
    const out: FdbInfo[] = [];
    const now = net.env.now();
    const devs = [...net.byIndex.values()].sort((a, b) => a.ifindex - b.ifindex);
    const master = (br: NetDevice, port: NetDevice | undefined): FdbInfo[] => {
      // br_fdb_dump walks br->fdb_list, to which fdb_create adds at the head: newest entry first
      // (an update keeps an entry's place; only delete and re-create moves it). So entries learned
      // after a port joined come before its local one.
      const es = fdbEntries(br).filter((e) => (port ? e.port?.dev === port : e.port === undefined)).reverse();
      return es.map((e) => ({
        mac: e.mac,
        dev: port ? port.name : br.name,
        master: br.name,
        state: e.isLocal ? 'permanent' : e.isStatic ? 'static' : 'dynamic',
        self: false,
        local: e.isLocal,
        ...(!e.isStatic ? { ageing: Math.floor((now - e.updated) / 1000) } : {}),
      }));
    };
    for (const d of devs) {
      if (filter?.dev !== undefined && d.name !== filter.dev) continue;
      if (filter?.br !== undefined && d.name !== filter.br && d.master?.name !== filter.br) continue;
      if (d.kind === 'vxlan') {
        if (d.master) out.push(...master(d.master, d));
        out.push(...vxlanFdbList(d));
        continue;
      }
      if (d.br) {
        out.push(...selfFdbEntries(d), ...master(d, undefined));
        continue;
      }
      if (d.master) out.push(...master(d.master, d));
      out.push(...selfFdbEntries(d));
    }
    return out;
  }

  /* ----------------------------------------------------------------- sysctls */

  sysctlGet(key: string): KResult<string> {
    return sysctlGet(this.net, key);
  }

  sysctlSet(key: string, value: string): KResult<void> {
    return sysctlSet(this.net, key, value);
  }

  sysctlList(prefix?: string): { key: string; value: string }[] {
    return sysctlList(this.net, prefix);
  }

  /** The namespace's iptables state; the first call plugs xtables into the packet path's hooks. */
  xtables(): Ruleset {
    const net = this.net;
    if (net.netfilter instanceof Xtables) return net.netfilter.ruleset;
    const range = (net.sysctl.get('net.ipv4.ip_local_port_range') ?? '32768\t60999').split(/\s+/).map(Number) as [number, number];
    const xt = new Xtables(new Ruleset(), net.env, { sendReject: (n, skb, how) => sendReject(n, skb, how), portRange: range });
    net.netfilter = xt;
    // -m set resolves names against the namespace's ipsets (the ipset store keeps this mirror).
    this.ipset().mirrorInto(xt.ruleset.ipsets);
    return xt.ruleset;
  }

  /** The namespace's IPVS (loading ip_vs adds its net.ipv4.vs sysctls). */
  ipvs(): Ipvs {
    return ipvsOf(this.net);
  }

  /** The namespace's IP sets; rules holding a set (-m set) count as its references. */
  ipset(): IpsetStore {
    const net = this.net;
    return ipsetOf(net, (name) => (net.netfilter instanceof Xtables ? setReferences(net.netfilter.ruleset, name) : 0));
  }

  /** The namespace's conntrack table, once xtables (and with it nf_conntrack) runs there. */
  conntrack(): Conntrack | undefined {
    return this.net.netfilter instanceof Xtables ? this.net.netfilter.conntrack : undefined;
  }

  /** FIB tables exist from their first route on (fib_new_table) and are never freed. */
  routeTableExists(table: number): boolean {
    return this.net.tables.has(table);
  }
}

function sameRule(a: FibRule, b: FibRule): boolean {
  return (
    a.priority === b.priority &&
    a.from === b.from &&
    a.fromLen === b.fromLen &&
    a.to === b.to &&
    a.toLen === b.toLen &&
    a.iif === b.iif &&
    a.oif === b.oif &&
    a.fwmark === b.fwmark &&
    a.table === b.table &&
    a.action === b.action
  );
}
