/**
 * Renders one link the way iproute2's print_linkinfo() does, for `ip link`, `ip addr` and their
 * -o, -br and -d variants; shared by link.ts and addr.ts because `ip addr` prints links too.
 */
import type { LinkFlag, LinkInfo } from '../../kernel/api.js';
import type { IpOptions } from './context.js';
import { jsonw } from './jsonw.js';

/** print_link_flags() prints IFF_* bits in this fixed order whatever order the kernel hands them in. */
const FLAG_ORDER: LinkFlag[] = ['NO-CARRIER', 'LOOPBACK', 'BROADCAST', 'POINTOPOINT', 'MULTICAST', 'NOARP', 'PROMISC', 'UP', 'LOWER_UP', 'M-DOWN'];

export function formatFlags(flags: readonly LinkFlag[]): string {
  const set = new Set(flags);
  return `<${FLAG_ORDER.filter((f) => set.has(f)).join(',')}>`;
}

/**
 * "veth0@if5" when the peer lives in another namespace (IFLA_LINK_NETNSID present), "veth0@veth1"
 * when it is local; iproute2 decides on the presence of the netnsid, not on the name.
 */
export function nameAndLink(l: LinkInfo): string {
  if (!l.link) return l.name;
  const remote = l.link.netnsId !== undefined || l.link.netnsName !== undefined;
  if (remote) return `${l.name}@if${l.link.ifindex}`;
  return `${l.name}@${l.link.name ?? `if${l.link.ifindex}`}`;
}

/** " link-netns NAME" when the peer's namespace has a name here, else " link-netnsid N". */
function linkNetns(l: LinkInfo): string {
  if (!l.link) return '';
  if (l.link.netnsName !== undefined) return ` link-netns ${l.link.netnsName}`;
  if (l.link.netnsId !== undefined) return ` link-netnsid ${l.link.netnsId}`;
  return '';
}

export interface LinkRenderOpts {
  /** `ip link` prints "mode DEFAULT"; `ip addr` does not. */
  doLink: boolean;
  /** Family filter of `ip addr -4`: the link/ether line is then left out. */
  family: IpOptions['family'];
  details: number;
  /** "\" under -o, else newline (iproute2's _SL_). */
  nl: string;
  /** Every link of the namespace, for -d's bridge ids and port numbers. */
  all?: readonly LinkInfo[];
}

/** The full (non-brief) link header; no trailing newline, because `ip addr` appends its addresses. */
export function renderLinkHeader(l: LinkInfo, o: LinkRenderOpts): string {
  let s = `${l.ifindex}: ${nameAndLink(l)}: ${formatFlags(l.flags)} mtu ${l.mtu} qdisc ${l.qdisc} `;
  if (l.master) s += `master ${l.master} `;
  s += `state ${l.operstate} `;
  if (o.doLink) s += 'mode DEFAULT ';
  s += `group ${l.group} `;
  if (l.txqlen) s += `qlen ${l.txqlen}`;
  if (o.family === 'any' || o.family === 'link' || o.details) {
    s += `${o.nl}    link/${l.linkType} ${l.address}`;
    if (l.broadcast) s += `${l.flags.includes('POINTOPOINT') ? ' peer ' : ' brd '}${l.broadcast}`;
  }
  s += linkNetns(l);
  if (o.details) s += renderDetails(l, o.nl, o.doLink, o.all ?? [l]);
  if ((o.doLink || o.details) && l.alias !== undefined && l.alias !== '') s += `${o.nl}    alias ${l.alias}`;
  return s;
}

/** iproute2 prints bridge ids as PRIO.MAC with unpadded hex bytes ("8000.52:ce:22:c:e2:9b"). */
function bridgeId(mac: string): string {
  return `8000.${mac.split(':').map((b) => parseInt(b, 16).toString(16)).join(':')}`;
}

/** A bridge takes its id from its address once it has a port; before that the id is all zeros. */
function bridgeIdOf(br: LinkInfo | undefined, all: readonly LinkInfo[]): string {
  const hasPorts = br !== undefined && all.some((x) => x.master === br.name);
  return bridgeId(hasPorts ? br.address : '00:00:00:00:00:00');
}

/**
 * The -d tail. The kind-specific words follow iproute2's print_opt() for what podnet models; the
 * queue and GSO numbers are the values the Debian 12 reference machine (2 CPUs) reports, since
 * podnet has no queues, and the bridge timers print as idle.
 */
function renderDetails(l: LinkInfo, nl: string, doLink: boolean, all: readonly LinkInfo[]): string {
  let s = ` promiscuity ${l.promiscuity}  allmulti ${l.brport ? 1 : 0} minmtu ${l.minMtu} maxmtu ${l.maxMtu} `;
  if (l.kind !== 'loopback' && l.kind !== 'ether') {
    s += `${nl}    ${l.kind} `;
    if (l.kind === 'bridge' && l.bridge) {
      const b = l.bridge;
      const id = bridgeIdOf(l, all);
      // forwardDelay is already in centiseconds, as the kernel reports it; ageingTime is in seconds.
      s +=
        `forward_delay ${b.forwardDelay} hello_time 200 max_age 2000 ageing_time ${b.ageingTime * 100} stp_state ${b.stpState} priority 32768 vlan_filtering ${b.vlanFiltering ? 1 : 0} ` +
        `bridge_id ${id} designated_root ${id} root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 gc_timer    0.00 ` +
        'group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 mcast_hash_max 4096 ' +
        'mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 ' +
        'mcast_startup_query_interval 3124 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 ';
    } else if (l.kind === 'vxlan' && l.vxlan) {
      const v = l.vxlan;
      s += `id ${v.id} `;
      if (v.group) s += `group ${v.group} `;
      else if (v.remote) s += `remote ${v.remote} `;
      if (v.local) s += `local ${v.local} `;
      if (v.dev) s += `dev ${v.dev} `;
      s += `srcport ${v.srcport?.min ?? 0} ${v.srcport?.max ?? 0} dstport ${v.dstport} `;
      if (!v.learning) s += 'nolearning ';
      if (v.proxy) s += 'proxy ';
      if (v.l2miss) s += 'l2miss ';
      if (v.l3miss) s += 'l3miss ';
      if (v.tos) s += v.tos === 1 ? 'tos inherit ' : `tos 0x${v.tos.toString(16)} `;
      s += `ttl ${v.ttlInherit ? 'inherit' : v.ttl ? v.ttl : 'auto'} `;
      if (v.df) s += `df ${v.df} `;
      s += `ageing ${v.ageing ?? 300} `;
      s += v.udpcsum ? 'udpcsum ' : 'noudpcsum ';
      s += 'noudp6zerocsumtx noudp6zerocsumrx ';
    } else if (l.kind === 'ipip' && l.ipip) {
      const t = l.ipip;
      s += `${t.proto} remote ${t.remote ?? 'any'} local ${t.local ?? 'any'} `;
      if (t.dev) s += `dev ${t.dev} `;
      s += t.ttl ? `ttl ${t.ttl} ` : 'ttl inherit ';
      if (t.tos) s += t.tos === 1 ? 'tos inherit ' : `tos 0x${t.tos.toString(16)} `;
      s += t.pmtudisc ? 'pmtudisc ' : 'nopmtudisc ';
    }
  }
  if (l.brport) {
    const p = l.brport;
    const on = (b: boolean): string => (b ? 'on' : 'off');
    const br = all.find((x) => x.name === l.master);
    const id = bridgeIdOf(br, all);
    // Port numbers are handed out in enslaving order; podnet approximates that by ifindex.
    const portNo = all.filter((x) => x.master === l.master && x.brport).sort((a, b) => a.ifindex - b.ifindex).findIndex((x) => x.ifindex === l.ifindex) + 1;
    const portId = ((p.priority << 10) | portNo) >>> 0;
    s +=
      `${nl}    bridge_slave state ${p.state} priority ${p.priority} cost ${p.cost} hairpin ${on(p.hairpin)} guard off root_block off fastleave off learning ${on(p.learning)} flood ${on(p.flood)} ` +
      `port_id 0x${portId.toString(16)} port_no 0x${portNo.toString(16)} designated_port ${portId} designated_cost 0 designated_bridge ${id} designated_root ${id} ` +
      'hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 ' +
      'proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off ';
  }
  const queues = l.kind === 'veth' ? 2 : 1;
  // A vxlan device over a lower device inherits that device's TSO limit (netif_inherit_tso_max).
  const tso = l.tsoMaxSize ?? (l.kind === 'bridge' || (l.kind === 'vxlan' && !l.vxlan?.dev) ? 65536 : 524280);
  // IFLA_AF_SPEC (addrgenmode) is printed for `ip link` only.
  if (doLink) s += 'addrgenmode eui64 ';
  s += `numtxqueues ${queues} numrxqueues ${queues} gso_max_size 65536 gso_max_segs 65535 tso_max_size ${tso} tso_max_segs 65535 gro_max_size 65536 `;
  return s;
}

/** `ip -br link`: name, operstate, MAC, flags in fixed columns. */
export function renderLinkBrief(l: LinkInfo, withLinkLayer: boolean): string {
  let s = `${nameAndLink(l).padEnd(16)} ${l.operstate.padEnd(14)} `;
  if (withLinkLayer) s += `${l.address} ${formatFlags(l.flags)} \n`;
  return s;
}

/**
 * M-DOWN is not a kernel flag: iproute2 adds it when the link's IFLA_LINK peer lives in this
 * namespace and is not UP (print_name_and_link). Recomputed here from the namespace's links so the
 * output follows the tool's rule whatever the kernel layer put in `flags`.
 */
export function withMdown(l: LinkInfo, all: readonly LinkInfo[]): LinkInfo {
  const flags: LinkFlag[] = l.flags.filter((f) => f !== 'M-DOWN');
  // IFLA_LINK 0 prints as "@NONE" and skips the peer lookup, so it never adds M-DOWN.
  const local = l.link !== undefined && l.link.ifindex !== 0 && l.link.netnsId === undefined && l.link.netnsName === undefined;
  if (local) {
    const peer = all.find((x) => x.ifindex === l.link!.ifindex);
    if (!peer || !peer.flags.includes('UP')) flags.push('M-DOWN');
  }
  return flags.length === l.flags.length && flags.every((f, i) => f === l.flags[i]) ? l : { ...l, flags };
}

/** The flag names in print order, as the JSON "flags" array lists them. */
export function flagList(flags: readonly LinkFlag[]): string[] {
  const set = new Set(flags);
  return FLAG_ORDER.filter((f) => set.has(f));
}

/** The link part of `ip -j link` / `ip -j addr` objects, keys in print_linkinfo()'s order. */
export function linkJson(l: LinkInfo, o: { doLink: boolean; family: IpOptions['family']; details: number }): Record<string, unknown> {
  const j: Record<string, unknown> = { ifindex: l.ifindex };
  const remote = l.link !== undefined && (l.link.netnsId !== undefined || l.link.netnsName !== undefined);
  if (l.link) {
    if (remote || l.link.name === undefined) j.link_index = l.link.ifindex;
    else j.link = l.link.name;
  }
  j.ifname = l.name;
  j.flags = flagList(l.flags);
  j.mtu = l.mtu;
  j.qdisc = l.qdisc;
  if (l.master) j.master = l.master;
  j.operstate = l.operstate;
  if (o.doLink) j.linkmode = 'DEFAULT';
  j.group = l.group;
  if (l.txqlen) j.txqlen = l.txqlen;
  if (o.family === 'any' || o.family === 'link' || o.details) {
    j.link_type = l.linkType;
    j.address = l.address;
    if (l.broadcast) j.broadcast = l.broadcast;
  }
  if (l.link?.netnsId !== undefined) j.link_netnsid = l.link.netnsId;
  if (o.details) Object.assign(j, detailsJson(l, o.doLink));
  if ((o.doLink || o.details) && l.alias) j.ifalias = l.alias;
  return j;
}

/** Kinds whose -d -j form podnet can give in full: those without IFLA_INFO_DATA to render. */
export function detailsJsonSupported(l: LinkInfo): boolean {
  return !l.brport && (l.kind === 'loopback' || l.kind === 'ether' || l.kind === 'veth' || l.kind === 'dummy' || (l.kind === 'vxlan' && l.vxlan !== undefined));
}

/** vxlan_print_opt() in JSON context: every attribute the kernel reports, in print order. */
function vxlanInfoData(v: NonNullable<LinkInfo['vxlan']>): Record<string, unknown> {
  const j: Record<string, unknown> = { id: v.id };
  if (v.group) j.group = v.group;
  else if (v.remote) j.remote = v.remote;
  if (v.local) j.local = v.local;
  if (v.dev) j.link = v.dev;
  j.port_range = { low: v.srcport?.min ?? 0, high: v.srcport?.max ?? 0 };
  j.port = v.dstport;
  j.learning = v.learning;
  if (v.proxy) j.proxy = true;
  if (v.l2miss) j.l2miss = true;
  if (v.l3miss) j.l3miss = true;
  if (v.tos) j.tos = `0x${v.tos.toString(16)}`;
  j.ttl = v.ttl;
  j.df = v.df ?? 'unset';
  j.ageing = v.ageing ?? 300;
  j.udp_csum = v.udpcsum;
  j.udp_zero_csum6_tx = false;
  j.udp_zero_csum6_rx = false;
  return j;
}

function detailsJson(l: LinkInfo, doLink: boolean): Record<string, unknown> {
  const j: Record<string, unknown> = { promiscuity: l.promiscuity, allmulti: 0, min_mtu: l.minMtu, max_mtu: l.maxMtu };
  if (l.kind === 'vxlan' && l.vxlan) j.linkinfo = { info_kind: 'vxlan', info_data: vxlanInfoData(l.vxlan) };
  else if (l.kind !== 'loopback' && l.kind !== 'ether') j.linkinfo = { info_kind: l.kind };
  if (doLink) j.inet6_addr_gen_mode = 'eui64';
  const queues = l.kind === 'veth' ? 2 : 1;
  const tso = l.tsoMaxSize ?? (l.kind === 'vxlan' ? 65536 : 524280);
  Object.assign(j, { num_tx_queues: queues, num_rx_queues: queues, gso_max_size: 65536, gso_max_segs: 65535, tso_max_size: tso, tso_max_segs: 65535, gro_max_size: 65536 });
  return j;
}

/** `ip -br -j`: the brief object (name/state, plus MAC and flags for links). */
export function linkBriefJson(l: LinkInfo, withLinkLayer: boolean): Record<string, unknown> {
  const j: Record<string, unknown> = {};
  const remote = l.link !== undefined && (l.link.netnsId !== undefined || l.link.netnsName !== undefined);
  if (l.link) {
    if (remote || l.link.name === undefined) j.link_index = l.link.ifindex;
    else j.link = l.link.name;
  }
  j.ifname = l.name;
  j.operstate = l.operstate;
  if (withLinkLayer) {
    j.address = l.address;
    j.flags = flagList(l.flags);
  }
  return j;
}

/** The whole answer of a -j command, compact or (-p) pretty, as json_writer prints it. */
export function jsonLine(v: unknown, pretty = false): string {
  return jsonw(v, pretty);
}
