/**
 * `ip route add|del|replace|append|change|prepend|show|get|flush`: iproute_modify(),
 * iproute_list_flush_or_save() and iproute_get() over Netlink, printing like print_route().
 */
import type { Nexthop, RouteGetResult, RouteInfo, RouteRequest, RouteScope, RouteType } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_NETLINK, EXIT_USAGE, duparg2, incomplete, invarg, kfail, matches, nodev, parseCUnsigned, unsupported, type Out } from './args.js';
import { getAddr, getPrefix } from './addr.js';
import { within } from './addrs.js';
import type { IpCtx, NetlinkTables } from './context.js';
import { TABLE_LOCAL, TABLE_MAIN, protoA2n, scopeA2n, tableA2n, tableN2a, typeA2n } from './rtnames.js';
import { jsonLine } from './linkfmt.js';
import { ROUTE_USAGE } from './usage.js';

function usage(o: Out): number {
  o.err(ROUTE_USAGE);
  return EXIT_USAGE;
}

type Prefix = { addr: string; len: number; explicitLen: boolean };

/** get_prefix(), which already reads "default"/"all"/"any" as 0/0. */
function routePrefix(ctx: IpCtx, s: string): Prefix | number {
  return getPrefix(ctx, s);
}

/** What the user asked for on the add/del command line, before defaults are applied. */
interface RouteArgs {
  req: RouteRequest;
  gwOk: boolean;
  nhsOk: boolean;
  scopeOk: boolean;
  tableOk: boolean;
  typeOk: boolean;
  protoOk: boolean;
}

/** parse_nexthops(): one or more "nexthop [via A] [dev D] [weight W] [onlink]" groups to the end of the line. */
function parseNexthops(ctx: IpCtx, a: Args): Nexthop[] | number {
  const o = ctx.out;
  const nhs: Nexthop[] = [];
  const cannot = (code: number): number => {
    o.err('Error: cannot parse nexthop\n');
    return code === EXIT_FAIL ? EXIT_USAGE : code;
  };
  while (!a.done) {
    if (a.peek() !== 'nexthop') {
      o.err(`Error: "nexthop" or end of line is expected instead of "${a.peek()}"\n`);
      return EXIT_USAGE;
    }
    if (a.remaining <= 1) {
      o.err('Error: unexpected end of line after "nexthop"\n');
      return EXIT_USAGE;
    }
    const nh: Nexthop = {};
    a.advance();
    while (!a.done) {
      const w = a.peek()!;
      if (w === 'via') {
        const v = a.next();
        if (v === undefined) return incomplete(o);
        const g = getAddr(ctx, v);
        if (typeof g === 'number') return g;
        nh.gateway = g;
      } else if (w === 'dev') {
        const v = a.next();
        if (v === undefined) return incomplete(o);
        if (!ctx.nl.linkGet(v)) return cannot(nodev(o, v));
        nh.dev = v;
      } else if (w === 'weight') {
        const v = a.next();
        if (v === undefined) return incomplete(o);
        const n = parseCUnsigned(v);
        if (n === undefined || n === 0 || n > 256) return invarg(o, '"weight" is invalid\n', v);
        nh.weight = n;
      } else if (w === 'onlink') {
        nh.onlink = true;
      } else if (matches(w, 'realms') || w === 'encap' || w === 'as') {
        return unsupported(o, `ip route nexthop ${w}`);
      } else break;
      a.advance();
    }
    nhs.push(nh);
  }
  return nhs;
}

function parseRouteArgs(ctx: IpCtx, argv: string[]): RouteArgs | number {
  const o = ctx.out;
  const a = new Args(argv);
  const req: RouteRequest = { dst: '', dstLen: -1 };
  const r: RouteArgs = { req, gwOk: false, nhsOk: false, scopeOk: false, tableOk: false, typeOk: false, protoOk: false };
  let dstOk = false;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'src') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const s = getAddr(ctx, v);
      if (typeof s === 'number') return s;
      req.prefsrc = s;
    } else if (w === 'via') {
      if (r.gwOk) return invarg(o, 'use nexthop syntax to specify multiple via\n', w);
      r.gwOk = true;
      let v = a.next();
      if (v === undefined) return incomplete(o);
      if (v === 'inet') {
        v = a.next();
        if (v === undefined) return incomplete(o);
      } else if (v === 'inet6' || v === 'link' || v === 'mpls' || v === 'bridge') {
        return unsupported(o, `ip route ... via ${v}`);
      }
      const g = getAddr(ctx, v);
      if (typeof g === 'number') return g;
      req.gateway = g;
    } else if (w === 'from') {
      return unsupported(o, 'ip route ... from (source-specific routes)');
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined || n > 255) return invarg(o, '"tos" value is invalid\n', v);
      req.tos = n;
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, '"metric" value is invalid\n', v);
      req.metric = n;
    } else if (w === 'scope') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const sc = scopeA2n(v);
      if (!sc) return invarg(o, 'invalid "scope" value\n', v);
      req.scope = sc;
      r.scopeOk = true;
    } else if (w === 'mtu') {
      let v = a.next();
      if (v === undefined) return incomplete(o);
      if (v === 'lock') {
        v = a.next();
        if (v === undefined) return incomplete(o);
        return unsupported(o, 'ip route ... mtu lock');
      }
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, '"mtu" value is invalid\n', v);
      req.mtu = n;
    } else if (w === 'onlink') {
      req.onlink = true;
    } else if (w === 'nexthop') {
      r.nhsOk = true;
      break;
    } else if (matches(w, 'protocol')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const p = protoA2n(v);
      if (p === undefined) return invarg(o, '"protocol" value is invalid\n', v);
      req.proto = p;
      r.protoOk = true;
    } else if (matches(w, 'table')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const t = tableA2n(v);
      if (t === undefined) return invarg(o, '"table" value is invalid\n', v);
      req.table = t;
      r.tableOk = true;
    } else if (w === 'dev' || w === 'oif') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      req.dev = v;
    } else if (
      ['as', 'expires', 'hoplimit', 'advmss', 'rtt', 'rto_min', 'nhid', 'encap', 'ttl-propagate'].includes(w) ||
      ['reordering', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'features', 'quickack', 'congctl', 'rttvar', 'ssthresh', 'realms', 'vrf', 'pref', 'fastopen_no_cookie'].some((k) => matches(w, k))
    ) {
      return unsupported(o, `ip route ... ${w}`);
    } else {
      let v = a.positional(w);
      if (v === undefined) return incomplete(o);
      if ((v[0]! < '0' || v[0]! > '9')) {
        const t = typeA2n(v);
        if (t) {
          const n = a.next();
          if (n === undefined) return incomplete(o);
          if (t === 'nat' || t === 'anycast' || t === 'multicast') return unsupported(o, `route type ${t}`);
          req.type = t;
          r.typeOk = true;
          v = n;
        }
      }
      if (matches(v, 'help')) return usage(o);
      if (dstOk) return duparg2(o, 'to', v);
      const p = routePrefix(ctx, v);
      if (typeof p === 'number') return p;
      req.dst = p.addr;
      req.dstLen = p.len;
      dstOk = true;
    }
    a.advance();
  }
  if (!dstOk) return usage(o);
  if (req.dev !== undefined && !ctx.nl.linkGet(req.dev)) return nodev(o, req.dev);
  if (r.nhsOk) {
    const nhs = parseNexthops(ctx, a);
    if (typeof nhs === 'number') return nhs;
    req.nexthops = nhs;
  }
  return r;
}

/** The defaults iproute_modify() fills in before talking to the kernel. */
function applyAddDefaults(r: RouteArgs): RouteRequest {
  const req = { ...r.req };
  const type: RouteType = req.type ?? 'unicast';
  req.type = type;
  if (!r.protoOk) req.proto = 'boot';
  if (!r.tableOk) req.table = type === 'local' || type === 'broadcast' || type === 'nat' || type === 'anycast' ? TABLE_LOCAL : TABLE_MAIN;
  if (!r.scopeOk) {
    let scope: RouteScope = 'global';
    if (type === 'local' || type === 'nat') scope = 'host';
    else if (type === 'broadcast' || type === 'multicast' || type === 'anycast') scope = 'link';
    else if (type === 'unicast' && !r.gwOk && !r.nhsOk) scope = 'link';
    req.scope = scope;
  }
  return req;
}

function routeModify(ctx: IpCtx, argv: string[], mode: 'add' | 'replace' | 'append' | 'change' | 'prepend' | 'del'): number {
  const p = parseRouteArgs(ctx, argv);
  if (typeof p === 'number') return p;
  if (mode === 'del') {
    const req = { ...p.req };
    if (!p.tableOk) req.table = req.type === 'local' || req.type === 'broadcast' ? TABLE_LOCAL : TABLE_MAIN;
    const r = ctx.nl.routeDel(req);
    if (!r.ok) return kfail(ctx.out, r.error);
    return 0;
  }
  const r = ctx.nl.routeAdd(applyAddDefaults(p), mode);
  if (!r.ok) return kfail(ctx.out, r.error);
  return 0;
}

/** iproute2's route dump filter; a *Set flag means the field was asked for and is then not printed. */
interface RouteFilter {
  table: number; // 0 = all
  tableSet: boolean;
  proto?: string;
  scope?: RouteScope;
  type?: RouteType;
  oif?: string;
  via?: { addr: string; len: number };
  src?: { addr: string; len: number };
  metric?: number;
  tos?: number;
  rdst?: { addr: string; len: number };
  mdst?: { addr: string; len: number };
}

function sameNet(a: string, b: string, len: number): boolean {
  return within(a, b, len);
}

function routePasses(r: RouteInfo, f: RouteFilter): boolean {
  if (f.table > 0 && r.table !== f.table) return false;
  if (f.proto !== undefined && r.proto !== f.proto) return false;
  if (f.scope !== undefined && r.scope !== f.scope) return false;
  if (f.type !== undefined && r.type !== f.type) return false;
  if (f.tos !== undefined && (r.tos ?? 0) !== f.tos) return false;
  if (f.rdst && (f.rdst.len > r.dstLen || !sameNet(r.dst, f.rdst.addr, f.rdst.len))) return false;
  if (f.mdst && (f.mdst.len < r.dstLen || !sameNet(r.dst, f.mdst.addr, r.dstLen))) return false;
  if (f.oif !== undefined && r.dev !== f.oif && !(r.nexthops ?? []).some((n) => n.dev === f.oif)) return false;
  if (f.via && !(r.gateway && sameNet(r.gateway, f.via.addr, f.via.len)) && !(r.nexthops ?? []).some((n) => n.gateway && sameNet(n.gateway, f.via!.addr, f.via!.len))) return false;
  if (f.src && !(r.prefsrc && sameNet(r.prefsrc, f.src.addr, f.src.len))) return false;
  if (f.metric !== undefined && (r.metric ?? 0) !== f.metric) return false;
  return true;
}

function fmtDst(dst: string, len: number): string {
  if (len === 0) return 'default';
  return len === 32 ? dst : `${dst}/${len}`;
}

function hex2(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/** print_route() for a FIB entry. */
export function renderRoute(r: RouteInfo, f: RouteFilter, details: number, nl: string): string {
  let s = '';
  if (r.type !== 'unicast' || details > 0) s += `${r.type} `;
  s += `${fmtDst(r.dst, r.dstLen)} `;
  if (r.tos && f.tos === undefined) s += `tos ${hex2(r.tos)} `;
  if (r.gateway && !(f.via && f.via.len === 32)) s += `via ${r.gateway} `;
  if (r.dev && f.oif === undefined) s += `dev ${r.dev} `;
  if (r.table && (r.table !== TABLE_MAIN || details > 0) && !f.tableSet) s += `table ${tableN2a(r.table)} `;
  if ((r.proto !== 'boot' || details > 0) && f.proto === undefined) s += `proto ${r.proto} `;
  if ((r.scope !== 'global' || details > 0) && f.scope === undefined) s += `scope ${r.scope} `;
  if (r.prefsrc && !(f.src && f.src.len === 32)) s += `src ${r.prefsrc} `;
  if (r.metric && f.metric === undefined) s += `metric ${r.metric} `;
  if (r.onlink) s += 'onlink ';
  if (r.linkdown) s += 'linkdown ';
  if (r.mtu) s += `mtu ${r.mtu} `;
  for (const nh of r.nexthops ?? []) {
    s += `${nl}\tnexthop `;
    if (nh.gateway) s += `via ${nh.gateway} `;
    s += `dev ${nh.dev ?? ''} weight ${nh.weight ?? 1} `;
    if (nh.onlink) s += 'onlink ';
  }
  return s + '\n';
}

/** print_route() in JSON context: same fields, iproute2's key names. */
export function routeJson(r: RouteInfo, f: RouteFilter, details: number): Record<string, unknown> {
  const j: Record<string, unknown> = {};
  if (r.type !== 'unicast' || details > 0) j.type = r.type;
  j.dst = fmtDst(r.dst, r.dstLen);
  if (r.tos && f.tos === undefined) j.tos = hex2(r.tos);
  if (r.gateway && !(f.via && f.via.len === 32)) j.gateway = r.gateway;
  if (r.dev && f.oif === undefined) j.dev = r.dev;
  if (r.table && (r.table !== TABLE_MAIN || details > 0) && !f.tableSet) j.table = tableN2a(r.table);
  if ((r.proto !== 'boot' || details > 0) && f.proto === undefined) j.protocol = r.proto;
  if ((r.scope !== 'global' || details > 0) && f.scope === undefined) j.scope = r.scope;
  if (r.prefsrc && !(f.src && f.src.len === 32)) j.prefsrc = r.prefsrc;
  if (r.metric && f.metric === undefined) j.metric = r.metric;
  const flags: string[] = [];
  if (r.onlink) flags.push('onlink');
  if (r.linkdown) flags.push('linkdown');
  j.flags = flags;
  if (r.mtu) j.metrics = [{ mtu: r.mtu }];
  if (r.nexthops?.length) {
    j.nexthops = r.nexthops.map((nh) => ({ ...(nh.gateway ? { gateway: nh.gateway } : {}), dev: nh.dev ?? '', weight: nh.weight ?? 1, flags: nh.onlink ? ['onlink'] : [] }));
  }
  return j;
}

function listRoutes(ctx: IpCtx, argv: string[], flush: boolean): number {
  const o = ctx.out;
  if (flush && argv.length === 0) {
    o.err('"ip route flush" requires arguments.\n');
    return EXIT_FAIL;
  }
  if (ctx.opts.family === 'inet6') return unsupported(o, 'IPv6 routes');
  const f: RouteFilter = { table: TABLE_MAIN, tableSet: false };
  const a = new Args(argv);
  let oif: string | undefined;
  while (!a.done) {
    const w = a.peek()!;
    if (matches(w, 'table')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const t = tableA2n(v);
      if (t === undefined) {
        if (v === 'all') f.table = 0;
        else if (v === 'cache') return unsupported(o, 'ip route show table cache');
        else if (v === 'help') return usage(o);
        else return invarg(o, 'table id value is invalid\n', v);
      } else f.table = t;
      // print_route() hides "table X" only when a specific table was asked for (filter.tb != 0).
      f.tableSet = f.table !== 0;
    } else if (matches(w, 'cached') || matches(w, 'cloned')) {
      if (!flush) return unsupported(o, 'ip route show cached (PMTU exceptions are not listed)');
      // iproute_flush() with filter.cloned writes /proc/sys/net/ipv4/route/flush and stops there
      // for IPv4; a kernel without that knob simply has no cache to drop.
      ctx.nl.sysctlSet('net/ipv4/route/flush', '1');
      return 0;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined || n > 255) return invarg(o, 'TOS value is invalid\n', v);
      f.tos = n;
    } else if (matches(w, 'protocol')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const p = protoA2n(v);
      if (p === undefined) {
        if (v !== 'all') return invarg(o, 'invalid "protocol"\n', v);
      } else f.proto = p;
    } else if (matches(w, 'scope')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const sc = scopeA2n(v);
      if (!sc) {
        if (v !== 'all') return invarg(o, 'invalid "scope"\n', v);
      } else f.scope = sc;
    } else if (matches(w, 'type')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const t = typeA2n(v);
      if (!t) return invarg(o, 'node type value is invalid\n', v);
      f.type = t;
    } else if (w === 'dev' || w === 'oif') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      oif = v;
    } else if (w === 'iif' || w === 'mark' || matches(w, 'realms') || matches(w, 'vrf')) {
      return unsupported(o, `ip route show ${w}`);
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, '"metric" value is invalid\n', v);
      f.metric = n;
    } else if (w === 'via' || w === 'src') {
      let v = a.next();
      if (v === undefined) return incomplete(o);
      if (w === 'via' && v === 'inet') {
        v = a.next();
        if (v === undefined) return incomplete(o);
      }
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      if (w === 'via') f.via = p;
      else f.src = p;
    } else if (matches(w, 'from')) {
      return unsupported(o, 'ip route show from');
    } else {
      let v: string = w;
      if (matches(v, 'to')) {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      let kind: 'root' | 'match' | 'exact' = 'exact';
      if (matches(v, 'root') || matches(v, 'match') || matches(v, 'exact')) {
        kind = matches(v, 'root') ? 'root' : matches(v, 'match') ? 'match' : 'exact';
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      const p = routePrefix(ctx, v);
      if (typeof p === 'number') return p;
      if (kind === 'root' || kind === 'exact') f.rdst = p;
      if (kind === 'match' || kind === 'exact') f.mdst = p;
    }
    a.advance();
  }
  if (oif !== undefined) {
    if (!ctx.nl.linkGet(oif)) return nodev(o, oif);
    f.oif = oif;
  }
  const tables = ctx.nl as typeof ctx.nl & NetlinkTables;
  if (f.table !== 0 && tables.routeTableExists?.(f.table) === false) {
    // The strict dump of one missing table fails in the kernel; JSON had already opened its array.
    if (ctx.opts.json && !flush) o.out('[');
    o.err(`Error: ipv4: FIB table does not exist.\n${flush ? 'Flush' : 'Dump'} terminated\n`);
    return EXIT_NETLINK;
  }
  const routes = ctx.nl.routeList({ table: f.table === 0 ? 'all' : f.table }).filter((r) => routePasses(r, f));
  if (flush) {
    for (const r of routes) {
      const res = ctx.nl.routeDel({ ...r, nexthops: r.nexthops ?? [] });
      if (!res.ok) return kfail(o, res.error);
    }
    return 0;
  }
  if (ctx.opts.json) {
    o.out(jsonLine(routes.map((r) => routeJson(r, f, ctx.opts.details)), ctx.opts.pretty));
    return 0;
  }
  const nl = ctx.opts.oneline ? '\\' : '\n';
  for (const r of routes) o.out(renderRoute(r, f, ctx.opts.details, nl));
  return 0;
}

/** print_route() for an RTM_GETROUTE answer (RTM_F_CLONED: no proto/scope, a "cache" line). */
export function renderRouteGet(g: RouteGetResult, req: { from?: string }, nl: string): string {
  let s = '';
  if (g.type !== 'unicast') s += `${g.type} `;
  s += `${g.dst} `;
  if (req.from) s += `from ${req.from} `;
  if (g.gateway) s += `via ${g.gateway} `;
  if (g.dev) s += `dev ${g.dev} `;
  if (g.table && g.table !== TABLE_MAIN) s += `table ${tableN2a(g.table)} `;
  if (g.src) s += `src ${g.src} `;
  if (g.uid !== undefined) s += `uid ${g.uid} `;
  s += `${nl}    cache `;
  const flags = g.cacheFlags ?? [];
  if (flags.length) s += `<${flags.join(',')}> `;
  // print_rta_cacheinfo: "expires %dsec " whenever rta_expires is non-zero in clock ticks, so a
  // learned-PMTU exception with under a second left still shows "expires 0sec"; then the metrics.
  if (g.expires !== undefined) s += `expires ${g.expires}sec `;
  if (g.mtu) s += `mtu ${g.mtu} `;
  if (g.iif) s += `iif ${g.iif} `;
  return s + '\n';
}

function routeGet(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  const a = new Args(argv);
  let dst: string | undefined;
  let from: string | undefined;
  let iif: string | undefined;
  let oif: string | undefined;
  let mark: number | undefined;
  let tos: number | undefined;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined || n > 255) return invarg(o, 'TOS value is invalid\n', v);
      tos = n;
    } else if (matches(w, 'from')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) return usage(o);
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      from = p.addr;
    } else if (matches(w, 'iif')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      iif = v;
    } else if (matches(w, 'mark')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, 'invalid mark value', v);
      mark = n;
    } else if (matches(w, 'oif') || w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      oif = v;
    } else if (matches(w, 'notify') || matches(w, 'connected') || matches(w, 'vrf') || matches(w, 'uid') || matches(w, 'fibmatch') || w === 'as' || matches(w, 'sport') || matches(w, 'dport') || matches(w, 'ipproto')) {
      return unsupported(o, `ip route get ... ${w}`);
    } else {
      const v = a.positional(w);
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) return usage(o);
      const p = routePrefix(ctx, v);
      if (typeof p === 'number') return p;
      if (p.len !== 32) o.err(`Warning: /${p.len} as prefix is invalid, only /32 (or none) is supported.\n`);
      dst = p.addr;
    }
    a.advance();
  }
  if (dst === undefined) {
    o.err('need at least a destination address\n');
    return EXIT_FAIL;
  }
  if (iif !== undefined && !ctx.nl.linkGet(iif)) return nodev(o, iif);
  if (oif !== undefined && !ctx.nl.linkGet(oif)) return nodev(o, oif);
  const r = ctx.nl.routeGet({ dst, ...(from ? { from } : {}), ...(iif ? { iif } : {}), ...(oif ? { oif } : {}), ...(mark !== undefined ? { mark } : {}), ...(tos !== undefined ? { tos } : {}) });
  if (!r.ok) return kfail(o, r.error);
  if (ctx.opts.json) {
    const g = r.value;
    const j: Record<string, unknown> = {};
    if (g.type !== 'unicast') j.type = g.type;
    j.dst = g.dst;
    if (from) j.from = from;
    if (g.gateway) j.gateway = g.gateway;
    if (g.dev) j.dev = g.dev;
    if (g.table && g.table !== TABLE_MAIN) j.table = tableN2a(g.table);
    if (g.src) j.prefsrc = g.src;
    j.flags = [];
    if (g.uid !== undefined) j.uid = g.uid;
    j.cache = g.cacheFlags ?? [];
    if (g.expires !== undefined) j.expires = g.expires;
    if (g.mtu) j.metrics = [{ mtu: g.mtu }];
    if (g.iif) j.iif = g.iif;
    o.out(jsonLine([j], ctx.opts.pretty));
    return 0;
  }
  o.out(renderRouteGet(r.value, { ...(from ? { from } : {}) }, ctx.opts.oneline ? '\\' : '\n'));
  return 0;
}

export function doRoute(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length < 1) return listRoutes(ctx, [], false);
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'add')) return routeModify(ctx, rest, 'add');
  if (matches(w, 'change') || w === 'chg') return routeModify(ctx, rest, 'change');
  if (matches(w, 'replace')) return routeModify(ctx, rest, 'replace');
  if (matches(w, 'prepend')) return routeModify(ctx, rest, 'prepend');
  if (matches(w, 'append')) return routeModify(ctx, rest, 'append');
  if (matches(w, 'test')) return unsupported(o, 'ip route test');
  if (matches(w, 'delete')) return routeModify(ctx, rest, 'del');
  if (matches(w, 'list') || matches(w, 'show') || matches(w, 'lst')) return listRoutes(ctx, rest, false);
  if (matches(w, 'get')) return routeGet(ctx, rest);
  if (matches(w, 'flush')) return listRoutes(ctx, rest, true);
  if (matches(w, 'save') || matches(w, 'restore') || matches(w, 'showdump')) return unsupported(o, `ip route ${w}`);
  if (matches(w, 'help')) return usage(o);
  o.err(`Command "${w}" is unknown, try "ip route help".\n`);
  return EXIT_USAGE;
}
