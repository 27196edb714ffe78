/**
 * The typed, netlink-like interface to one emulated Linux network namespace: the only door through
 * which commands/, cni/ and cluster/ change or read kernel state. It speaks in the kernel's own
 * objects (link, addr, route, neigh, fdb, sysctl) with plain strings for addresses, so callers never
 * touch kernel internals and IPv6 can be added without changing its shape.
 */
import type { KResult } from './errno.js';

/** Link kinds podnet models; the names are the kernel's rtnl_link_ops kinds. */
export type LinkKind = 'loopback' | 'veth' | 'bridge' | 'vxlan' | 'ipip' | 'dummy' | 'ether';

/** IFF_* flags as `ip link` prints them between angle brackets. */
export type LinkFlag =
  | 'LOOPBACK'
  | 'BROADCAST'
  | 'POINTOPOINT'
  | 'MULTICAST'
  | 'NOARP'
  | 'UP'
  | 'LOWER_UP'
  | 'NO-CARRIER'
  | 'PROMISC'
  | 'M-DOWN';

/** RFC 2863 operstate as the kernel reports it (IF_OPER_*). */
export type OperState = 'UNKNOWN' | 'NOTPRESENT' | 'DOWN' | 'LOWERLAYERDOWN' | 'TESTING' | 'DORMANT' | 'UP';

export interface BridgeInfo {
  /** Seconds, as `ip -d link` prints them (kernel keeps centiseconds). */
  ageingTime: number;
  stpState: number;
  vlanFiltering: boolean;
  forwardDelay: number;
}

export interface BridgePortInfo {
  state: 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';
  hairpin: boolean;
  learning: boolean;
  flood: boolean;
  cost: number;
  priority: number;
}

export interface VxlanInfo {
  id: number;
  local?: string;
  remote?: string;
  group?: string;
  dev?: string;
  dstport: number;
  learning: boolean;
  proxy: boolean;
  l2miss: boolean;
  l3miss: boolean;
  ttl: number;
  tos: number;
  udpcsum: boolean;
  /** `ttl inherit` (VXLAN_F_TTL_INHERIT): the outer TTL is the inner packet's. */
  ttlInherit?: boolean;
  /** IFLA_VXLAN_DF: the outer header's DF bit; absent = unset (never). */
  df?: 'set' | 'inherit';
  /** IFLA_VXLAN_PORT_RANGE (`srcport MIN MAX`); absent = 0 0 (the namespace's local port range). */
  srcport?: { min: number; max: number };
  /** IFLA_VXLAN_AGEING, seconds learned FDB entries live; absent = 300. */
  ageing?: number;
}

/** IFLA_IPTUN_* of an ipip device (tunl0 or `ip link add ... type ipip`). */
export interface IpTunnelInfo {
  /** IFLA_IPTUN_PROTO as iproute2 names it: "any" for tunl0, "ipip" for created tunnels. */
  proto: 'any' | 'ipip';
  remote?: string;
  local?: string;
  dev?: string;
  /** 0 = inherit. */
  ttl: number;
  /** 1 = inherit. */
  tos: number;
  pmtudisc: boolean;
}

export interface LinkInfo {
  ifindex: number;
  name: string;
  kind: LinkKind;
  flags: LinkFlag[];
  mtu: number;
  minMtu: number;
  maxMtu: number;
  qdisc: string;
  operstate: OperState;
  group: string;
  txqlen: number;
  /** "aa:bb:cc:dd:ee:ff" */
  address: string;
  broadcast: string;
  /** Type word after "link/": ether, loopback, ipip, none. */
  linkType: string;
  /** Name of the master device (bridge), if enslaved. */
  master?: string;
  /** For veth/vxlan/ipip: the ifindex of the peer or lower device ("@ifN" / "@eth0"). */
  link?: { ifindex: number; name?: string; netnsId?: number; netnsName?: string };
  alias?: string;
  promiscuity: number;
  /** dev->tso_max_size when the kernel derives it (a bridge: from its ports, br_set_gso_limits). */
  tsoMaxSize?: number;
  bridge?: BridgeInfo;
  brport?: BridgePortInfo;
  vxlan?: VxlanInfo;
  ipip?: IpTunnelInfo;
}

export type LinkAddRequest =
  | {
      kind: 'veth';
      name: string;
      peerName?: string;
      peerNetns?: string;
      mtu?: number;
      address?: string;
      peerAddress?: string;
      /** IFLA_MTU of the peer section (`peer name P mtu N`); without it the peer keeps 1500 once a peer section is given. */
      peerMtu?: number;
      up?: boolean;
      /** IFLA_TXQLEN of the device and of the peer section (vishvananda/netlink sends 0 for both, so CNI veths have qlen 0). */
      txqlen?: number;
      peerTxqlen?: number;
    }
  | { kind: 'bridge'; name: string; mtu?: number; address?: string; ageingTime?: number; up?: boolean }
  | { kind: 'dummy'; name: string; mtu?: number; address?: string; up?: boolean }
  | ({ kind: 'vxlan'; name: string; mtu?: number; address?: string; up?: boolean } & Partial<VxlanInfo> & { id: number })
  | { kind: 'ipip'; name: string; local?: string; remote?: string; dev?: string; ttl?: number; mtu?: number; up?: boolean };

export interface LinkChange {
  up?: boolean;
  mtu?: number;
  address?: string;
  name?: string;
  /** Enslave to this bridge; null means nomaster. */
  master?: string | null;
  /** Move to the named network namespace (as `ip link set X netns NAME`). */
  netns?: string;
  alias?: string;
  promisc?: boolean;
  arp?: boolean;
  /** Bridge port options (`ip link set X type bridge_slave ...` / `bridge link set`). */
  brport?: Partial<Pick<BridgePortInfo, 'hairpin' | 'learning' | 'flood' | 'cost' | 'priority'>>;
  /** Bridge options (`ip link set br0 type bridge ageing_time N`). */
  bridge?: Partial<Pick<BridgeInfo, 'ageingTime'>>;
}

export type AddrScope = 'host' | 'link' | 'global' | 'site' | 'nowhere';

export interface AddrInfo {
  ifindex: number;
  dev: string;
  family: 'inet' | 'inet6';
  local: string;
  prefixLen: number;
  /** Peer address for point-to-point ("peer"), if any. */
  peer?: string;
  broadcast?: string;
  scope: AddrScope;
  secondary: boolean;
  label: string;
  noprefixroute: boolean;
  validLft: 'forever' | number;
  preferredLft: 'forever' | number;
  /** IFA_F_* flags iproute2 prints after the scope, e.g. ["tentative"] for an IPv6 address in DAD. */
  flags?: string[];
}

export interface AddrRequest {
  dev: string;
  local: string;
  prefixLen: number;
  peer?: string;
  /** Explicit broadcast; '+' means derive from prefix (`brd +`). */
  broadcast?: string;
  scope?: AddrScope;
  label?: string;
  noprefixroute?: boolean;
}

/** Route types (RTN_*) as `ip route` names them. */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat' | 'anycast';
export type RouteProto = 'kernel' | 'boot' | 'static' | 'dhcp' | 'bird' | 'zebra' | string;
export type RouteScope = 'global' | 'link' | 'host' | 'nowhere' | 'site';

export interface Nexthop {
  gateway?: string;
  dev?: string;
  onlink?: boolean;
  weight?: number;
}

export interface RouteInfo {
  table: number;
  type: RouteType;
  /** "default" is represented as dst 0.0.0.0 with dstLen 0. */
  dst: string;
  dstLen: number;
  gateway?: string;
  dev?: string;
  proto: RouteProto;
  scope: RouteScope;
  prefsrc?: string;
  metric?: number;
  onlink: boolean;
  /** Set when the route's device has no carrier (printed as "linkdown"). */
  linkdown: boolean;
  mtu?: number;
  /** ECMP nexthops ("nexthop via ... dev ... weight N"). */
  nexthops?: Nexthop[];
  tos?: number;
}

export interface RouteRequest {
  table?: number;
  type?: RouteType;
  dst: string;
  dstLen: number;
  gateway?: string;
  dev?: string;
  proto?: RouteProto;
  scope?: RouteScope;
  prefsrc?: string;
  metric?: number;
  onlink?: boolean;
  mtu?: number;
  nexthops?: Nexthop[];
  tos?: number;
}

/** The answer of `ip route get`: the route the kernel would use, resolved (RTM_GETROUTE with RTM_F_LOOKUP_TABLE semantics as iproute2 prints it). */
export interface RouteGetResult {
  type: RouteType;
  dst: string;
  gateway?: string;
  dev?: string;
  src?: string;
  table: number;
  /** Input interface when the lookup simulated a received packet (`iif`). */
  iif?: string;
  uid?: number;
  /** "cache" line flags, e.g. "<local>". */
  cacheFlags?: string[];
  mtu?: number;
  /** Seconds until a cached exception (learned PMTU) expires: "cache expires 599sec mtu 1400". */
  expires?: number;
}

export interface RouteGetRequest {
  dst: string;
  from?: string;
  iif?: string;
  oif?: string;
  mark?: number;
  tos?: number;
}

export interface RuleInfo {
  priority: number;
  from?: string;
  fromLen?: number;
  to?: string;
  toLen?: number;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  table: number;
  action: 'lookup' | 'blackhole' | 'unreachable' | 'prohibit';
}

/** NUD_* states. */
export type NeighState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'NOARP' | 'PERMANENT' | 'NONE';

export interface NeighInfo {
  dst: string;
  dev: string;
  lladdr?: string;
  state: NeighState;
  router: boolean;
  proxy: boolean;
}

export interface NeighRequest {
  dst: string;
  dev: string;
  lladdr?: string;
  /** Default PERMANENT, as iproute2 sends. */
  state?: NeighState;
  proxy?: boolean;
  router?: boolean;
}

export interface FdbInfo {
  mac: string;
  dev: string;
  /** The bridge the port belongs to ("master br0"), when the entry lives in a bridge's FDB. */
  master?: string;
  /** For vxlan device FDB entries: the remote VTEP. */
  dst?: string;
  vni?: number;
  port?: number;
  vlan?: number;
  /** For vxlan FDB entries with an outgoing underlay device (NDA_IFINDEX): "via DEV". */
  via?: string;
  /** permanent | static | (dynamic: undefined) */
  state: 'permanent' | 'static' | 'dynamic';
  self: boolean;
  /** Local address of the bridge/port itself (kernel marks these permanent). */
  local: boolean;
  /** Seconds since last seen, for dynamic entries. */
  ageing?: number;
}

export interface FdbRequest {
  mac: string;
  dev: string;
  dst?: string;
  vni?: number;
  port?: number;
  self?: boolean;
  master?: boolean;
  state?: 'permanent' | 'static' | 'dynamic';
}

/** One network namespace's control interface, like an rtnetlink socket opened inside it. */
export interface Netlink {
  /** The namespace name as `ip netns` knows it; undefined for a host's root namespace. */
  readonly netnsName: string | undefined;

  linkAdd(req: LinkAddRequest): KResult<LinkInfo>;
  linkSet(dev: string, change: LinkChange): KResult<void>;
  linkDel(dev: string): KResult<void>;
  linkList(): LinkInfo[];
  linkGet(dev: string): LinkInfo | undefined;

  addrAdd(req: AddrRequest, opts?: { replace?: boolean }): KResult<void>;
  addrDel(req: { dev: string; local: string; prefixLen?: number }): KResult<void>;
  addrList(filter?: { dev?: string }): AddrInfo[];
  addrFlush(filter: { dev?: string; scope?: AddrScope }): KResult<number>;

  routeAdd(req: RouteRequest, mode?: 'add' | 'replace' | 'append' | 'change' | 'prepend'): KResult<void>;
  routeDel(req: Partial<RouteRequest> & { dst: string; dstLen: number }): KResult<void>;
  routeList(filter?: { table?: number | 'all' }): RouteInfo[];
  routeGet(req: RouteGetRequest): KResult<RouteGetResult>;

  ruleAdd(rule: Omit<RuleInfo, 'priority'> & { priority?: number }): KResult<void>;
  ruleDel(rule: Partial<RuleInfo>): KResult<void>;
  ruleList(): RuleInfo[];

  neighAdd(req: NeighRequest, mode?: 'add' | 'replace' | 'change'): KResult<void>;
  neighDel(req: { dst: string; dev: string; proxy?: boolean }): KResult<void>;
  neighList(filter?: { dev?: string; proxy?: boolean }): NeighInfo[];
  neighFlush(filter: { dev?: string; all?: boolean }): KResult<number>;

  fdbAdd(req: FdbRequest, mode?: 'add' | 'append' | 'replace'): KResult<void>;
  fdbDel(req: FdbRequest): KResult<void>;
  fdbList(filter?: { dev?: string; br?: string }): FdbInfo[];

  /** Dotted or slashed key as sysctl(8) takes it, e.g. "net.ipv4.ip_forward" or "net/ipv4/conf/all/proxy_arp". */
  sysctlGet(key: string): KResult<string>;
  sysctlSet(key: string, value: string): KResult<void>;
  /** Every sysctl under a prefix, for `sysctl -a` and /proc/sys listings. */
  sysctlList(prefix?: string): { key: string; value: string }[];

  /**
   * The namespace's xtables state (what iptables reads and writes), when the kernel keeps one; the
   * iptables commands fall back to a side table keyed by host and namespace until it does.
   */
  xtables?(): import('./netfilter/ruleset.js').Ruleset;

  /**
   * The namespace's connection tracking table (what `conntrack` lists, deletes and flushes), or
   * undefined while conntrack is not running there: the kernel registers its hooks in a namespace
   * only once something (an iptables table) asks for it, and until then tracks nothing.
   */
  conntrack?(): import('./netfilter/conntrack.js').Conntrack | undefined;

  /** The namespace's IP sets (what `ipset` creates and `-m set` matches against). */
  ipset?(): import('./ipset/store.js').IpsetStore;

  /** The namespace's IP Virtual Server (what `ipvsadm` programs); the first call loads ip_vs there. */
  ipvs?(): import('./ipvs/ipvs.js').Ipvs;
}

/* ---------------------------------------------------------------------------------------------
 * Sockets: what applications (ping, nc, later DNS clients and servers) use. They run on virtual
 * time: every callback is invoked from the world's event loop, never synchronously from send().
 * ------------------------------------------------------------------------------------------- */

/** An ICMP error or local error delivered to a socket's error queue (IP_RECVERR semantics). */
export interface SocketError {
  /** 'icmp' when an ICMP error arrived from the network; 'local' when this host generated it (ARP failure, EMSGSIZE). */
  origin: 'icmp' | 'local';
  /** Address that sent the ICMP error (for local errors: this host's source address). */
  from: string;
  errno: import('./errno.js').Errno;
  icmpType?: number;
  icmpCode?: number;
  /** Next-hop MTU for fragmentation-needed / local EMSGSIZE. */
  mtu?: number;
  /** The offending datagram's ICMP echo sequence, for ping sockets. */
  seq?: number;
  /** New next hop announced by an ICMP redirect ("Redirect Host(New nexthop: X)"). */
  gateway?: string;
}

export interface EchoReply {
  from: string;
  seq: number;
  ttl: number;
  /** ICMP payload length (without ICMP header). */
  bytes: number;
  /** Virtual time the reply arrived, ms. */
  t: number;
  /** Virtual time the matching request was sent, ms. */
  sentAt: number;
}

export interface PingSocketOptions {
  /** Bind to device (`ping -I dev`) or source address (`ping -I addr`). */
  bindDev?: string;
  bindAddr?: string;
  ttl?: number;
  tos?: number;
  /** IP_PMTUDISC_DO / DONT / WANT (`ping -M`). */
  pmtudisc?: 'do' | 'dont' | 'want';
  broadcast?: boolean;
  id?: number;
}

export interface PingSocket {
  /** connect(): route lookup now; ENETUNREACH / EHOSTUNREACH / EACCES / EINVAL as the kernel answers it. Returns the chosen source address. */
  connect(dst: string): KResult<{ src: string; dev: string }>;
  /** sendmsg() of one echo request with `size` bytes of payload. Synchronous errors (EMSGSIZE with the route's mtu) are returned. */
  send(seq: number, size: number): KResult<void>;
  onReply(cb: (r: EchoReply) => void): void;
  onError(cb: (e: SocketError) => void): void;
  close(): void;
}

export interface UdpSocket {
  bind(addr: string, port: number): KResult<{ addr: string; port: number }>;
  connect(dst: string, port: number): KResult<{ src: string; sport: number }>;
  send(data: Uint8Array, to?: { addr: string; port: number }): KResult<void>;
  onMessage(cb: (data: Uint8Array, from: { addr: string; port: number }) => void): void;
  /** Errors queued by ICMP (port unreachable -> ECONNREFUSED on the next operation, as Linux). */
  onError(cb: (e: SocketError) => void): void;
  /** True once an ICMP error has been queued and not yet reported (SO_ERROR). */
  pendingError(): SocketError | undefined;
  close(): void;
}

export interface TcpConnection {
  readonly local: { addr: string; port: number };
  readonly remote: { addr: string; port: number };
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  onClose(cb: (reason: 'fin' | 'rst') => void): void;
  /** FIN. */
  close(): void;
  /** RST (SO_LINGER 0). */
  abort(): void;
}

export interface TcpConnectCallbacks {
  established(conn: TcpConnection): void;
  /** ECONNREFUSED (RST), ETIMEDOUT (SYN retries exhausted), EHOSTUNREACH / ENETUNREACH (ICMP or ARP failure). */
  failed(errno: import('./errno.js').Errno, detail?: SocketError): void;
}

export interface Sockets {
  ping(opts?: PingSocketOptions): PingSocket;
  udp(): UdpSocket;
  tcpListen(addr: string, port: number, onAccept: (conn: TcpConnection) => void): KResult<{ close(): void }>;
  /** Starts a non-blocking connect; exactly one of the callbacks fires later in virtual time, or a synchronous routing error is returned. */
  tcpConnect(dst: string, port: number, cb: TcpConnectCallbacks, opts?: { bindAddr?: string; bindDev?: string; timeoutMs?: number }): KResult<void>;
}
