/**
 * One network namespace (struct net): its devices, IPv4 configuration, FIB, rules, neighbour table,
 * sysctls and sockets, plus the control-plane operations the kernel performs on its own when
 * devices and addresses change (fib_add_ifaddr, fib_disable_ip, device moves and deletion).
 */
import type { KernelEnv } from './env.js';
import { NetDevice } from './netdevice.js';
import { ConfMap, InDevice, newDevConf, Scope, type IfAddr } from './devinet.js';
import { FibTable, defaultRules, RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT, type FibEntry, type FibRule } from './fib.js';
import { NeighParms, NEIGH_DEFAULT_ONLY } from './neigh_parms.js';
import { NeighTable } from './neighbour.js';
import { acceptAll, type Netfilter } from './netfilter.js';
import type { LinkKind } from './api.js';
import type { TraceStage } from '../world/api.js';
import { newBridgeState, bridgeRecalc } from './bridge.js';
import { SocketTable } from './sockets/table.js';
import type { SkBuff } from './skb.js';
import { summarize } from './skb_summary.js';
import { addrconfDown, addrconfLinkReady } from './addrconf.js';
import { ipipNetCreated } from './ip_tunnel.js';


/** What the namespace needs to know about the host that owns it. */
export interface HostRef {
  readonly name: string;
  /** Namespaces of this host by name (for moves and "link-netns"). */
  netnsByName(name: string | undefined): Net | undefined;
}

let netCookie = 0;

/** Per-namespace scalar sysctls with their defaults in a fresh namespace (kernel 6.x). */
const GLOBAL_SYSCTLS: ReadonlyArray<readonly [string, string]> = [
  ['net.ipv4.icmp_echo_ignore_all', '0'],
  ['net.ipv4.icmp_echo_ignore_broadcasts', '1'],
  ['net.ipv4.icmp_errors_use_inbound_ifaddr', '0'],
  ['net.ipv4.icmp_ignore_bogus_error_responses', '1'],
  ['net.ipv4.icmp_msgs_burst', '50'],
  ['net.ipv4.icmp_msgs_per_sec', '1000'],
  ['net.ipv4.icmp_ratelimit', '1000'],
  ['net.ipv4.icmp_ratemask', '6168'],
  ['net.ipv4.ip_default_ttl', '64'],
  ['net.ipv4.ip_forward', '0'],
  ['net.ipv4.ip_forward_use_pmtu', '0'],
  ['net.ipv4.ip_local_port_range', '32768\t60999'],
  ['net.ipv4.ip_no_pmtu_disc', '0'],
  ['net.ipv4.ping_group_range', '1\t0'],
  ['net.ipv4.route.min_pmtu', '552'],
  ['net.ipv4.route.mtu_expires', '600'],
  ['net.ipv4.tcp_syn_retries', '6'],
  ['net.ipv4.tcp_synack_retries', '5'],
  ['net.ipv4.tcp_fin_timeout', '60'],
  // br_netfilter is loaded on the reference machine, and its knobs are per namespace and default on.
  ['net.bridge.bridge-nf-call-arptables', '1'],
  ['net.bridge.bridge-nf-call-ip6tables', '1'],
  ['net.bridge.bridge-nf-call-iptables', '1'],
  ['net.bridge.bridge-nf-filter-pppoe-tagged', '0'],
  ['net.bridge.bridge-nf-filter-vlan-tagged', '0'],
  ['net.bridge.bridge-nf-pass-vlan-input-dev', '0'],
];

export class Net {
  readonly cookie = ++netCookie;
  readonly devs = new Map<string, NetDevice>();
  readonly byIndex = new Map<number, NetDevice>();
  private lastIfindex = 0;
  readonly lo: NetDevice;
  readonly tables = new Map<number, FibTable>();
  rules: FibRule[] = defaultRules();
  readonly sysctl = new ConfMap(GLOBAL_SYSCTLS);
  readonly confAll = newDevConf(true);
  readonly confDefault = newDevConf();
  readonly neighDefault = new NeighParms();
  readonly neighParms = new Map<NetDevice, NeighParms>();
  /** nsids this namespace assigned to its peers (peernet2id). */
  readonly nsids = new Map<Net, number>();
  readonly neigh: NeighTable;
  readonly sockets: SocketTable;
  netfilter: Netfilter = acceptAll;
  /** Learned path MTUs (route exceptions): dst -> { mtu, expires (ms) }. */
  readonly pmtu = new Map<number, { mtu: number; expires: number }>();
  /** Whether routes were added to the local table by hand (fib_has_custom_local_routes). */
  customLocalRoutes = false;
  /** fib4_has_custom_rules: a rule was ever added or deleted (unmerges local and main). */
  customRules = false;
  /** inet_peer redirect rate state per source address (ip_rt_send_redirect). */
  readonly redirectPeers = new Map<number, { rateLast: number; n: number }>();
  /** inet_peer ICMP token buckets per destination (icmpv4_xrlim_allow). */
  readonly icmpPeers = new Map<number, { tokens: number; last: number }>();
  ipId = 0;
  /** ip_idents: per-bucket IP identification counters. */
  readonly idents = new Map<number, number>();
  /**
   * Generation of everything routing depends on (addresses, routes, rules, links, sysctls, PMTU):
   * route caches are valid while it stays the same, like the kernel's rt_genid.
   */
  genid = 0;
  readonly bump = (): void => {
    this.genid++;
  };
  private localAddrGen = -1;
  private localAddrs = new Map<number, NetDevice>();

  constructor(
    public name: string | undefined,
    public readonly host: HostRef,
    public readonly env: KernelEnv,
  ) {
    for (const [k, v] of NEIGH_DEFAULT_ONLY) this.neighDefault.values.set(k, v);
    for (const id of [RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT]) this.table(id, true);
    for (const c of [this.sysctl, this.confAll, this.confDefault]) c.onChange = this.bump;
    this.neigh = new NeighTable(this);
    this.sockets = new SocketTable(this);
    this.lo = this.createDevice('lo', 'loopback', '00:00:00:00:00:00');
    // Overlay hook: with the ipip module loaded every namespace has its fallback tunnel tunl0.
    ipipNetCreated(this);
    this.ipId = env.u32() & 0xffff;
  }

  /** "(root)" or the netns name, as trace events name namespaces. */
  label(): string {
    return this.name ?? '(root)';
  }

  /* ------------------------------------------------------------------ devices */

  allocIfindex(want?: number): number {
    if (want !== undefined && want > 0 && !this.byIndex.has(want)) return want;
    // dev_index_reserve(): cyclic allocation after the last index handed out.
    let i = this.lastIfindex + 1;
    while (this.byIndex.has(i)) i++;
    this.lastIfindex = i;
    return i;
  }

  createDevice(name: string, kind: LinkKind, mac: string, ifindex?: number): NetDevice {
    const dev = new NetDevice(this, this.allocIfindex(ifindex), name, kind, mac);
    this.attach(dev);
    if (kind === 'bridge') dev.br = newBridgeState();
    return dev;
  }

  /** register_netdevice in this namespace: index maps, in_device with conf copied from default. */
  attach(dev: NetDevice): void {
    dev.net = this;
    this.devs.set(dev.name, dev);
    this.byIndex.set(dev.ifindex, dev);
    const conf = new ConfMap(this.confDefault);
    conf.onChange = this.bump;
    dev.inDev = new InDevice(dev, conf);
    this.bump();
    this.neighParms.set(dev, new NeighParms(this.neighDefault));
  }

  /** Unregister: everything IPv4 knows about the device goes (addresses, routes, neighbours). */
  detach(dev: NetDevice): void {
    this.bump();
    if (dev.adminUp) this.devDown(dev);
    dev.inDev.addrs = [];
    this.flushRoutesOfDev(dev, true);
    this.neigh.ifdown(dev);
    this.sockets.devGone(dev);
    this.devs.delete(dev.name);
    this.byIndex.delete(dev.ifindex);
    this.neighParms.delete(dev);
  }

  /** inetdev_init after inetdev_destroy: default conf and neighbour parameters again. */
  resetInDev(dev: NetDevice): void {
    const conf = new ConfMap(this.confDefault);
    conf.onChange = this.bump;
    dev.inDev = new InDevice(dev, conf);
    this.neighParms.set(dev, new NeighParms(this.neighDefault));
    this.bump();
  }

  devByName(name: string): NetDevice | undefined {
    return this.devs.get(name);
  }

  /** dev_open(): NETDEV_UP. */
  devUp(dev: NetDevice): void {
    if (dev.adminUp) return;
    this.bump();
    dev.adminUp = true;
    dev.qdiscAttached = true;
    if (dev.kind === 'loopback' && dev.inDev.addrs.length === 0) {
      // inetdev_event(NETDEV_UP) gives a loopback device 127.0.0.1/8 scope host on first up.
      this.insertIfAddr({
        dev,
        local: 0x7f000001,
        address: 0x7f000001,
        prefixLen: 8,
        mask: 0xff000000,
        broadcast: 0,
        scope: Scope.HOST,
        secondary: false,
        label: dev.name,
        noprefixroute: false,
        hasPeer: false,
      });
    }
    for (const ifa of dev.inDev.addrs) this.fibAddIfaddr(ifa);
    addrconfLinkReady(dev);
    this.carrierChanged(dev);
    if (dev.peer) this.peerCarrierChanged(dev.peer);
  }

  /** dev_close(): NETDEV_DOWN. */
  devDown(dev: NetDevice): void {
    if (!dev.adminUp) return;
    this.bump();
    // veth_close turns off both ends' carrier; linkwatch recomputes their operstate if it was on.
    const carrierOff = dev.kind === 'veth' && dev.carrierBit();
    dev.adminUp = false;
    // fib_disable_ip(dev, NETDEV_DOWN, force=false): nexthops on the device die except those of
    // host-scope (local) routes, whose nexthop scope is RT_SCOPE_NOWHERE; dead routes are flushed.
    this.flushRoutesOfDev(dev, false);
    this.neigh.ifdown(dev);
    this.pmtu.clear();
    addrconfDown(dev);
    this.carrierChanged(dev);
    if (dev.peer) this.peerCarrierChanged(dev.peer);
    if (carrierOff) {
      dev.latchOperstate();
      dev.peer?.latchOperstate();
    }
  }

  /** A device's own carrier or running state changed: bridge port states follow. */
  carrierChanged(dev: NetDevice): void {
    this.bump();
    addrconfLinkReady(dev);
    if (dev.master) bridgeRecalc(dev.master);
  }

  private peerCarrierChanged(peer: NetDevice): void {
    peer.net.carrierChanged(peer);
    if (!peer.carrier()) peer.net.neighCarrierDown(peer);
  }

  /** neigh_carrier_down(): with arp_evict_nocarrier (default 1) non-permanent entries go. */
  neighCarrierDown(dev: NetDevice): void {
    if (dev.inDev.conf.get('arp_evict_nocarrier') !== '0') this.neigh.ifdown(dev, true);
  }

  flushRoutesOfDev(dev: NetDevice, all: boolean): void {
    for (const t of this.tables.values()) {
      t.removeWhere((e) => {
        if (e.nexthops) return e.nexthops.every((n) => n.dev === dev) && (all || e.nhScope !== Scope.NOWHERE);
        return e.dev === dev && (all || e.nhScope !== Scope.NOWHERE);
      });
    }
  }

  table(id: number, create: boolean): FibTable | undefined {
    let t = this.tables.get(id);
    if (!t && create) {
      t = new FibTable(id, this.bump);
      this.tables.set(id, t);
    }
    return t;
  }

  /* ---------------------------------------------------------------- addresses */

  /** __inet_insert_ifa: primaries after the last primary of equal-or-wider scope, secondaries last. */
  insertIfAddr(ifa: IfAddr): void {
    this.bump();
    const list = ifa.dev.inDev.addrs;
    if (ifa.secondary) {
      list.push(ifa);
    } else {
      let pos = 0;
      for (let i = 0; i < list.length; i++) {
        const a = list[i]!;
        if (!a.secondary && ifa.scope <= a.scope) pos = i + 1;
      }
      list.splice(pos, 0, ifa);
    }
    this.fibAddIfaddr(ifa);
  }

  /** The primary address a secondary hangs off (inet_ifa_byprefix). */
  primaryFor(ifa: IfAddr): IfAddr | undefined {
    if (!ifa.secondary) return ifa;
    return ifa.dev.inDev.addrs.find((a) => !a.secondary && a.mask === ifa.mask && ((a.address ^ ifa.address) & a.mask) === 0);
  }

  private magic(type: 'local' | 'broadcast' | 'unicast', dst: number, len: number, ifa: IfAddr, prim: IfAddr): void {
    const tableId = type === 'unicast' ? RT_TABLE_MAIN : RT_TABLE_LOCAL;
    const t = this.table(tableId, true)!;
    const existing = t.find(dst, len);
    if (existing?.some((e) => e.type === type && e.dev === ifa.dev && e.proto === 'kernel' && e.priority === 0)) return;
    const host = type === 'local';
    const e: FibEntry = {
      table: tableId,
      type,
      dst,
      len,
      tos: 0,
      priority: 0,
      proto: 'kernel',
      scope: host ? Scope.HOST : Scope.LINK,
      nhScope: host ? Scope.NOWHERE : Scope.HOST,
      prefsrc: prim.local,
      gw: 0,
      dev: ifa.dev,
      onlink: false,
      mtu: undefined,
      nexthops: undefined,
    };
    // fib_magic uses NLM_F_CREATE|NLM_F_APPEND: it never displaces a route of the same priority.
    t.insert(e, 'append');
  }

  /** fib_add_ifaddr (net/ipv4/fib_frontend.c). */
  fibAddIfaddr(ifa: IfAddr): void {
    const prim = this.primaryFor(ifa);
    if (!prim) return;
    const dev = ifa.dev;
    const prefix = (ifa.address & ifa.mask) >>> 0;
    this.magic('local', ifa.local, 32, ifa, prim);
    if (!dev.adminUp) return;
    if (ifa.broadcast && ifa.broadcast !== 0xffffffff) this.magic('broadcast', ifa.broadcast, 32, ifa, prim);
    if (prefix >>> 24 !== 0 && !ifa.secondary && (prefix !== ifa.local || ifa.prefixLen < 32)) {
      if (!ifa.noprefixroute) this.magic(dev.kind === 'loopback' ? 'local' : 'unicast', prefix, ifa.prefixLen, ifa, prim);
      if (ifa.prefixLen < 31) this.magic('broadcast', (prefix | ~ifa.mask) >>> 0, 32, ifa, prim);
    }
  }

  /**
   * Remove one address with the kernel's side effects (__inet_del_ifa + fib_del_ifaddr): secondaries
   * of a deleted primary are deleted too unless promote_secondaries, and the routes it implied go.
   */
  deleteIfAddr(ifa: IfAddr): void {
    this.bump();
    const inDev = ifa.dev.inDev;
    const doomed: IfAddr[] = [ifa];
    let promoted: IfAddr | undefined;
    if (!ifa.secondary) {
      const subs = inDev.addrs.filter((a) => a.secondary && a.mask === ifa.mask && ((a.address ^ ifa.address) & a.mask) === 0);
      const promote = inDev.conf.get('promote_secondaries') === '1' || this.confAll.get('promote_secondaries') === '1';
      if (promote && subs.length > 0) {
        promoted = subs[0]!;
      } else {
        doomed.push(...subs);
      }
    }
    inDev.addrs = inDev.addrs.filter((a) => !doomed.includes(a));
    if (promoted) {
      inDev.addrs = inDev.addrs.filter((a) => a !== promoted);
      promoted.secondary = false;
      this.insertIfAddrListOnly(promoted);
    }
    // fib_del_ifaddr only deletes what the dead address implied; it never re-runs fib_add_ifaddr
    // for the addresses that stay (only for a promoted secondary and its subnet). So a kernel
    // route the user displaced (`ip route replace 10.1.0.0/24 via 10.1.0.9` replaces the connected
    // route, fib_table_insert matching on dst/tos/priority alone) stays gone after some other
    // address of the device is deleted. The resync below re-derives prefsrc etc.; anything it
    // creates that was not there before (and is not the promoted subnet's) is taken out again.
    const kernelKey = (e: FibEntry): string => `${e.table}/${e.type}/${e.dst}/${e.len}`;
    const isKernel = (e: FibEntry): boolean => e.dev === ifa.dev && e.proto === 'kernel' && e.priority === 0 && !e.gw;
    const before = new Set<string>();
    for (const t of [this.tables.get(RT_TABLE_LOCAL), this.tables.get(RT_TABLE_MAIN)]) for (const e of t?.entries() ?? []) if (isKernel(e)) before.add(kernelKey(e));
    this.resyncKernelRoutes(ifa.dev);
    for (const t of [this.tables.get(RT_TABLE_LOCAL), this.tables.get(RT_TABLE_MAIN)]) {
      t?.removeWhere((e) => isKernel(e) && !before.has(kernelKey(e)) && !(promoted && e.prefsrc === promoted.local));
    }
    // fib_inetaddr_event(NETDEV_DOWN): "Last address was deleted from this interface. Disable IP."
    // fib_disable_ip(dev, force=1) flushes every route through the device, in every table.
    // fib_disable_ip then runs arp_ifdown -> neigh_ifdown: the device's ARP entries, permanent ones
    // included, and its proxy entries go too (real 6.18: `ip neigh add ... nud permanent; ip neigh add
    // proxy ...; ip addr del <last address>` leaves `ip neigh show dev X` and `ip neigh show proxy` empty).
    if (inDev.addrs.length === 0) {
      this.flushRoutesOfDev(ifa.dev, true);
      this.neigh.ifdown(ifa.dev, false);
    }
  }

  private insertIfAddrListOnly(ifa: IfAddr): void {
    const list = ifa.dev.inDev.addrs;
    let pos = 0;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (!a.secondary && ifa.scope <= a.scope) pos = i + 1;
    }
    list.splice(pos, 0, ifa);
  }

  /** Drop the kernel-made routes of a device and derive them again from its remaining addresses. */
  resyncKernelRoutes(dev: NetDevice): void {
    for (const t of this.tables.values()) {
      if (t.id !== RT_TABLE_LOCAL && t.id !== RT_TABLE_MAIN) continue;
      t.removeWhere((e) => e.dev === dev && e.proto === 'kernel' && e.priority === 0 && !e.gw);
    }
    for (const a of dev.inDev.addrs) this.fibAddIfaddr(a);
  }

  /** Is `addr` assigned to any device here (inet_lookup_ifaddr / __ip_dev_find)? */
  addrOwner(addr: number): NetDevice | undefined {
    if (this.localAddrGen !== this.genid) {
      this.localAddrs.clear();
      for (const dev of this.byIndex.values()) {
        for (const a of dev.inDev.addrs) if (!this.localAddrs.has(a.local)) this.localAddrs.set(a.local, dev);
      }
      this.localAddrGen = this.genid;
    }
    return this.localAddrs.get(addr);
  }

  /**
   * __ip_dev_find: the device owning a local address, falling back to the local table so an
   * address covered by a local prefix route (local 10.1.0.0/24 dev lo) counts as ours too.
   */
  ipDevFind(addr: number): NetDevice | undefined {
    const d = this.addrOwner(addr);
    if (d) return d;
    const r = this.tables.get(RT_TABLE_LOCAL)?.lookup({ daddr: addr, oif: 0, tos: 0, scope: Scope.UNIVERSE });
    return r && !('error' in r) && r.entry.type === 'local' ? r.entry.dev : undefined;
  }

  /** inet_select_addr(): a source address on dev for talking to dst within scope. */
  selectAddr(dev: NetDevice | undefined, dst: number, scope: Scope): number {
    let addr = 0;
    if (dev) {
      for (const a of dev.inDev.addrs) {
        if (a.secondary) continue;
        if (a.scope > scope) continue;
        if (!dst || ((dst ^ a.address) & a.mask) === 0) return a.local;
        if (!addr) addr = a.local;
      }
      if (addr) return addr;
    }
    // Not loopback addresses on loopback should be preferred: lo comes first in the device list.
    const devs = [...this.byIndex.values()].sort((a, b) => (a === this.lo ? -1 : b === this.lo ? 1 : 0));
    for (const d of devs) {
      for (const a of d.inDev.addrs) {
        if (a.secondary) continue;
        if (a.scope !== Scope.LINK && a.scope <= scope) return a.local;
      }
    }
    return 0;
  }

  /* ------------------------------------------------------------------ sysctls */

  /** IN_DEV_CONF_GET with the kernel's combination rule for the knob. */
  devConf(dev: NetDevice, key: string): number {
    const d = dev.inDev.conf.n[key] ?? 0;
    const a = this.confAll.n[key] ?? 0;
    switch (key) {
      case 'rp_filter':
      case 'arp_ignore':
      case 'arp_announce':
      case 'arp_accept':
        return Math.max(a, d);
      case 'proxy_arp':
      case 'route_localnet':
      case 'accept_local':
      case 'send_redirects':
      case 'shared_media':
      case 'promote_secondaries':
      case 'arp_filter':
      case 'log_martians':
        return a || d ? 1 : 0;
      default:
        return d;
    }
  }

  globalNum(key: string): number {
    return this.sysctl.n[key] ?? 0;
  }

  defaultTtl(): number {
    return this.globalNum('net.ipv4.ip_default_ttl');
  }

  parmsOf(dev: NetDevice): NeighParms {
    return this.neighParms.get(dev) ?? this.neighDefault;
  }

  /* -------------------------------------------------------------------- trace */

  trace(stage: TraceStage, verdict: string, detail: string, dev?: NetDevice, skb?: SkBuff): void {
    const sink = this.env.trace;
    if (!sink) return;
    sink({
      t: this.env.now(),
      host: this.env.hostName,
      netns: this.label(),
      ...(dev ? { dev: dev.name } : {}),
      stage,
      verdict,
      detail,
      ...(skb ? { packet: summarize(skb) } : {}),
    });
  }
}

