/**
 * `ip link add|set|delete|show`: iplink_parse()'s grammar turned into LinkAddRequest / LinkChange
 * calls; listing is shared with `ip addr` (see addr.ts).
 */
import type { LinkAddRequest, LinkChange } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_USAGE, duparg, duparg2, incomplete, invarg, kfail, matches, nodev, onOff, parseCInteger, parseCUnsigned, unsupported, type Out } from './args.js';
import { formatMac, parseLladdr } from './addrs.js';
import type { IpCtx } from './context.js';
import { listAddrOrLink } from './addr.js';
import { BRIDGE_SLAVE_USAGE, BRIDGE_USAGE, LINK_USAGE } from './usage.js';
import { parseIpip } from './ipip.js';
import { parseVxlan } from './vxlan.js';

type P<T> = { ok: true; value: T } | { ok: false; code: number };
const fail = (code: number): { ok: false; code: number } => ({ ok: false, code });

interface LinkArgs {
  up?: boolean;
  name?: string;
  dev?: string;
  address?: number[];
  mtu?: number;
  txqlen?: number;
  netns?: string;
  master?: string | null;
  alias?: string;
  promisc?: boolean;
  arp?: boolean;
  type?: string;
  /** Words after "type KIND". */
  typeArgs: string[];
}

/** Kinds the kernel knows but podnet does not model: refused as unsupported rather than "Unknown device type". */
const UNMODELLED_KINDS = new Set([
  'macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'vlan', 'bond', 'team', 'vrf', 'gre', 'gretap', 'ip6gre', 'ip6gretap',
  'sit', 'ip6tnl', 'geneve', 'wireguard', 'ifb', 'nlmon', 'vcan', 'vxcan', 'bareudp', 'macsec', 'hsr', 'xfrm', 'vti', 'erspan', 'tun', 'tap',
]);

/** iproute2's check_ifname(): non-empty, shorter than IFNAMSIZ, no '/', ':' or white space. */
export function validIfname(s: string): boolean {
  return s.length > 0 && s.length < 16 && !/[/:\s]/.test(s);
}

function knownNetns(ctx: IpCtx, name: string): boolean {
  return ctx.exec.host.netnsList().some((n) => n.name === name);
}

/** iplink_parse(): returns how many words it consumed before "type", like the C original. */
function parseLinkArgs(ctx: IpCtx, a: Args, create: boolean): P<LinkArgs> {
  const o = ctx.out;
  const r: LinkArgs = { typeArgs: [] };
  let name: string | undefined;
  let dev: string | undefined;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'up') r.up = true;
    else if (w === 'down') r.up = false;
    else if (w === 'name') {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (name !== undefined) return fail(duparg(o, 'name', v));
      if (!validIfname(v)) return fail(invarg(o, '"name" not a valid ifname', v));
      name = v;
      if (dev === undefined) dev = name;
    } else if (w === 'index') {
      return fail(unsupported(o, 'ip link ... index'));
    } else if (matches(w, 'link')) {
      return fail(unsupported(o, 'ip link ... link DEV'));
    } else if (matches(w, 'address')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      const mac = parseLladdr(v);
      if (!mac) {
        o.err(`"${v}" is invalid lladdr.\n`);
        return fail(EXIT_FAIL);
      }
      r.address = mac;
    } else if (matches(w, 'broadcast') || w === 'brd') {
      return fail(unsupported(o, 'ip link ... broadcast'));
    } else if (matches(w, 'txqueuelen') || w === 'qlen' || matches(w, 'txqlen')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (r.txqlen !== undefined) return fail(duparg(o, 'txqueuelen', v));
      const n = parseCInteger(v);
      if (n === undefined) return fail(invarg(o, 'Invalid "txqueuelen" value\n', v));
      return fail(unsupported(o, 'ip link ... txqueuelen'));
    } else if (w === 'mtu') {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (r.mtu !== undefined) return fail(duparg(o, 'mtu', v));
      const n = parseCInteger(v);
      if (n === undefined) return fail(invarg(o, 'Invalid "mtu" value\n', v));
      r.mtu = n;
    } else if (w === 'netns') {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (r.netns !== undefined) return fail(duparg(o, 'netns', v));
      if (!knownNetns(ctx, v)) {
        if (parseCInteger(v) !== undefined) return fail(unsupported(o, 'ip link ... netns PID'));
        return fail(invarg(o, 'Invalid "netns" value\n', v));
      }
      r.netns = v;
    } else if (w === 'promisc' || w === 'arp') {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (v !== 'on' && v !== 'off') return fail(onOff(o, w, v));
      if (w === 'promisc') r.promisc = v === 'on';
      else r.arp = v === 'on';
    } else if (w === 'multicast' || w === 'allmulticast' || w === 'trailers' || w === 'carrier' || w === 'vf' || w === 'vrf' || w === 'group' || w === 'mode' || w === 'state' || w === 'protodown' || w === 'protodown_reason' || w === 'gso_max_size' || w === 'gso_max_segs' || w === 'gro_max_size' || w === 'parentdev' || w.startsWith('xdp')) {
      return fail(unsupported(o, `ip link ... ${w}`));
    } else if (matches(w, 'master')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (!ctx.nl.linkGet(v)) return fail(invarg(o, 'Device does not exist\n', v));
      r.master = v;
    } else if (matches(w, 'nomaster')) {
      r.master = null;
    } else if (matches(w, 'dynamic') || matches(w, 'numtxqueues') || matches(w, 'numrxqueues') || matches(w, 'addrgenmode') || matches(w, 'link-netns') || matches(w, 'link-netnsid')) {
      return fail(unsupported(o, `ip link ... ${w}`));
    } else if (matches(w, 'type')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      r.type = v;
      a.advance();
      r.typeArgs = a.rest;
      break;
    } else if (matches(w, 'alias')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      if (v.length >= 256) return fail(invarg(o, 'alias too long\n', v));
      r.alias = v;
    } else {
      if (matches(w, 'help')) return fail(linkUsage(o));
      let v = w;
      if (w === 'dev') {
        const n = a.next();
        if (n === undefined) return fail(incomplete(o));
        v = n;
      }
      if (dev !== name) return fail(duparg2(o, 'dev', v));
      if (v.length === 0 || v.length >= 128 || /[/\s]/.test(v)) return fail(invarg(o, '"dev" not a valid ifname', v));
      dev = v;
    }
    a.advance();
  }
  if (name === undefined) name = dev;
  else if (dev === undefined) dev = name;
  if (!create) {
    if (dev === undefined) {
      o.err('Not enough information: "dev" argument is required.\n');
      return fail(EXIT_USAGE);
    }
    r.dev = dev;
    if (name !== dev) r.name = name;
  } else {
    if (name !== dev) {
      o.err('both "name" and "dev" cannot be used when creating devices.\n');
      return fail(EXIT_USAGE);
    }
    r.name = name;
    r.dev = dev;
  }
  return { ok: true, value: r };
}

function linkUsage(o: Out): number {
  o.err(LINK_USAGE);
  return EXIT_USAGE;
}

interface BridgeOpts {
  ageingTime?: number;
}
interface SlaveOpts {
  hairpin?: boolean;
  learning?: boolean;
  flood?: boolean;
  cost?: number;
  priority?: number;
}

function parseBridgeOpts(o: Out, args: string[]): P<BridgeOpts> {
  const a = new Args(args);
  const r: BridgeOpts = {};
  while (!a.done) {
    const w = a.peek()!;
    if (matches(w, 'ageing_time')) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      const n = parseCUnsigned(v);
      if (n === undefined) return fail(invarg(o, 'invalid ageing_time', v));
      // iproute2 sends centiseconds; LinkInfo/LinkChange speak seconds.
      r.ageingTime = n / 100;
    } else if (matches(w, 'help')) {
      o.err(BRIDGE_USAGE);
      return fail(EXIT_USAGE);
    } else if (['forward_delay', 'hello_time', 'max_age', 'stp_state', 'priority', 'vlan_filtering', 'vlan_protocol', 'group_fwd_mask', 'group_address', 'mcast_snooping', 'nf_call_iptables', 'fdb_flush'].some((k) => matches(w, k))) {
      return fail(unsupported(o, `ip link ... type bridge ${w}`));
    } else {
      o.err(`bridge: unknown command "${w}"?\n`);
      o.err(BRIDGE_USAGE);
      return fail(EXIT_FAIL);
    }
    a.advance();
  }
  return { ok: true, value: r };
}

function parseSlaveOpts(o: Out, args: string[]): P<SlaveOpts> {
  const a = new Args(args);
  const r: SlaveOpts = {};
  while (!a.done) {
    const w = a.peek()!;
    const flag = (['hairpin', 'learning', 'flood'] as const).find((k) => matches(w, k));
    if (flag) {
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      const on = matches(v, 'on') ? true : matches(v, 'off') ? false : undefined;
      // parse_on_off() scans "off" before "on", so "o" means off.
      const val = matches(v, 'off') ? false : on;
      if (val === undefined) {
        o.err(`Error: argument of "${flag}" must be one of "off", "on", not "${v}"\n`);
        return fail(EXIT_FAIL);
      }
      r[flag] = val;
    } else if (matches(w, 'cost') || matches(w, 'priority')) {
      const key = matches(w, 'cost') ? 'cost' : 'priority';
      const v = a.next();
      if (v === undefined) return fail(incomplete(o));
      const n = parseCUnsigned(v);
      if (n === undefined || (key === 'priority' && n > 0xffff)) return fail(invarg(o, `${key} is invalid`, v));
      r[key] = n;
    } else if (matches(w, 'help')) {
      o.err(BRIDGE_SLAVE_USAGE);
      return fail(EXIT_USAGE);
    } else if (['fdb_flush', 'state', 'guard', 'root_block', 'fastleave', 'mcast_flood', 'bcast_flood', 'mcast_to_unicast', 'proxy_arp', 'proxy_arp_wifi', 'mcast_router', 'mcast_fast_leave', 'group_fwd_mask', 'neigh_suppress', 'vlan_tunnel', 'isolated', 'locked', 'backup_port', 'nobackup_port'].some((k) => matches(w, k))) {
      return fail(unsupported(o, `ip link ... type bridge_slave ${w}`));
    } else {
      o.err(`bridge_slave: unknown option "${w}"?\n`);
      o.err(BRIDGE_SLAVE_USAGE);
      return fail(EXIT_FAIL);
    }
    a.advance();
  }
  return { ok: true, value: r };
}

function macOf(b: number[] | undefined): string | undefined {
  return b ? formatMac(b) : undefined;
}

function linkAdd(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  const p = parseLinkArgs(ctx, new Args(argv), true);
  if (!p.ok) return p.code;
  const r = p.value;
  if (r.type === undefined) {
    o.err('Not enough information: "type" argument is required\n');
    return EXIT_FAIL;
  }
  if (r.name === undefined) return unsupported(o, 'ip link add without a name');
  if (r.master !== undefined || r.alias !== undefined || r.promisc !== undefined || r.arp !== undefined) {
    return unsupported(o, 'ip link add with master/alias/promisc/arp (set them with ip link set)');
  }
  const name = r.name;
  const common = { name, ...(r.mtu !== undefined ? { mtu: r.mtu } : {}), ...(r.address ? { address: formatMac(r.address) } : {}), ...(r.up ? { up: true } : {}) };
  let req: LinkAddRequest;
  switch (r.type) {
    case 'veth': {
      let peerName: string | undefined;
      let peerNetns: string | undefined;
      let peerAddress: string | undefined;
      let peerMtu: number | undefined;
      if (r.typeArgs.length > 0) {
        if (r.typeArgs[0] !== 'peer') {
          // veth's print_usage() writes with printf(), so this help goes to stdout.
          o.out("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
          return EXIT_FAIL;
        }
        const pa = new Args(r.typeArgs.slice(1));
        const pp = parseLinkArgs(ctx, pa, true);
        if (!pp.ok) return pp.code;
        if (pp.value.type !== undefined) {
          // The peer's "type" word is reported as a duplicate, as veth_parse_opt() does.
          return duparg(o, 'type', pp.value.type);
        }
        if (pp.value.up !== undefined || pp.value.master !== undefined || pp.value.alias !== undefined) {
          return unsupported(o, 'veth peer options other than name, address, mtu and netns');
        }
        peerName = pp.value.name;
        peerNetns = pp.value.netns;
        peerAddress = macOf(pp.value.address);
        peerMtu = pp.value.mtu;
      }
      req = { kind: 'veth', ...common, ...(peerName ? { peerName } : {}), ...(peerNetns ? { peerNetns } : {}), ...(peerAddress ? { peerAddress } : {}), ...(peerMtu !== undefined ? { peerMtu } : {}) };
      break;
    }
    case 'bridge': {
      const b = parseBridgeOpts(o, r.typeArgs);
      if (!b.ok) return b.code;
      req = { kind: 'bridge', ...common, ...(b.value.ageingTime !== undefined ? { ageingTime: b.value.ageingTime } : {}) };
      break;
    }
    case 'dummy':
      // dummy has a link_util without parse_opt, so iproute2 silently ignores words after the kind.
      req = { kind: 'dummy', ...common };
      break;
    case 'vxlan': {
      if (r.typeArgs.length === 0) {
        // With no words after the kind iproute2 never runs vxlan_parse_opt(), and the kernel refuses
        // the id-less request; the Netlink contract cannot express that request, so answer for it.
        o.err('Error: Required attributes not provided to perform the operation.\n');
        return 2;
      }
      const v = parseVxlan(ctx, r.typeArgs);
      if (typeof v === 'number') return v;
      req = { kind: 'vxlan', ...common, ...v };
      break;
    }
    case 'ipip': {
      const t = parseIpip(ctx, r.typeArgs);
      if (typeof t === 'number') return t;
      req = { kind: 'ipip', name, ...(r.mtu !== undefined ? { mtu: r.mtu } : {}), ...(r.up ? { up: true } : {}), ...t };
      if (r.address) return unsupported(o, 'ip link add ... address on an ipip tunnel');
      break;
    }
    default:
      if (UNMODELLED_KINDS.has(r.type)) return unsupported(o, `link type ${r.type}`);
      if (r.typeArgs.length) return garbage(o, r.typeArgs[0]!);
      o.err('Error: Unknown device type.\n');
      return 2;
  }
  const res = ctx.nl.linkAdd(req);
  if (!res.ok) return kfail(o, res.error);
  if (r.netns !== undefined) {
    // IFLA_NET_NS_FD on creation puts the new device straight into NS; podnet creates it here and
    // moves it, undoing the creation if the move is refused so the outcome stays all-or-nothing.
    const moved = ctx.nl.linkSet(name, { netns: r.netns });
    if (!moved.ok) {
      ctx.nl.linkDel(name);
      return kfail(o, moved.error);
    }
  }
  return 0;
}

function garbage(o: Out, w: string): number {
  if (matches(w, 'help')) return linkUsage(o);
  o.err(`Garbage instead of arguments "${w} ...". Try "ip link help".\n`);
  return EXIT_FAIL;
}

function linkSet(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  const p = parseLinkArgs(ctx, new Args(argv), false);
  if (!p.ok) return p.code;
  const r = p.value;
  const dev = r.dev!;
  const link = ctx.nl.linkGet(dev);
  if (!link) return nodev(o, dev);
  if (r.address && r.address.length !== 6) {
    o.err(`Invalid address length ${r.address.length} - must be 6 bytes\n`);
    return EXIT_FAIL;
  }
  const change: LinkChange = {};
  if (r.up !== undefined) change.up = r.up;
  if (r.mtu !== undefined) change.mtu = r.mtu;
  if (r.address) change.address = formatMac(r.address);
  if (r.name !== undefined) change.name = r.name;
  if (r.master !== undefined) change.master = r.master;
  if (r.netns !== undefined) change.netns = r.netns;
  if (r.alias !== undefined) change.alias = r.alias;
  if (r.promisc !== undefined) change.promisc = r.promisc;
  if (r.arp !== undefined) change.arp = r.arp;
  if (r.type !== undefined) {
    if (r.type === 'bridge_slave') {
      const s = parseSlaveOpts(o, r.typeArgs);
      if (!s.ok) return s.code;
      change.brport = s.value;
    } else if (r.type === 'bridge') {
      const b = parseBridgeOpts(o, r.typeArgs);
      if (!b.ok) return b.code;
      change.bridge = b.value;
    } else if (r.typeArgs.length === 0 && !UNMODELLED_KINDS.has(r.type)) {
      // A bare "type KIND" on set is sent to the kernel, which ignores a matching kind.
      if (r.type !== link.kind && !(r.type === 'dummy' && link.kind === 'dummy')) {
        o.err('RTNETLINK answers: Operation not supported\n');
        return 2;
      }
    } else {
      return unsupported(o, `ip link set ... type ${r.type}`);
    }
  }
  const res = ctx.nl.linkSet(dev, change);
  if (!res.ok) return kfail(o, res.error);
  return 0;
}

function linkDel(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  const p = parseLinkArgs(ctx, new Args(argv), false);
  if (!p.ok) return p.code;
  const dev = p.value.dev!;
  if (!ctx.nl.linkGet(dev)) return nodev(o, dev);
  const res = ctx.nl.linkDel(dev);
  if (!res.ok) return kfail(o, res.error);
  return 0;
}

export function doLink(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length === 0) return listAddrOrLink(ctx, [], { doLink: true });
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'add')) return linkAdd(ctx, rest);
  if (matches(w, 'set') || matches(w, 'change')) return linkSet(ctx, rest);
  if (matches(w, 'replace')) return unsupported(o, 'ip link replace');
  if (matches(w, 'delete')) return linkDel(ctx, rest);
  if (matches(w, 'show') || matches(w, 'lst') || matches(w, 'list')) return listAddrOrLink(ctx, rest, { doLink: true });
  if (matches(w, 'xstats') || matches(w, 'afstats') || matches(w, 'property')) return unsupported(o, `ip link ${w}`);
  if (matches(w, 'help')) return linkUsage(o);
  o.err(`Command "${w}" is unknown, try "ip link help".\n`);
  return EXIT_USAGE;
}

