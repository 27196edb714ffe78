/**
 * `ip address add|del|show|flush` and the link+address listing that `ip link show` shares
 * (iproute2's ipaddr_list_flush_or_save with do_link set or not).
 */
import type { AddrInfo, AddrScope, LinkInfo } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_USAGE, duparg, duparg2, incomplete, invarg, kfail, matches, nodev, unsupported, type Out } from './args.js';
import { broadcastOf, looseIpv4, loosePrefix, networkOf, within } from './addrs.js';
import type { IpCtx } from './context.js';
import { detailsJsonSupported, jsonLine, linkBriefJson, linkJson, renderLinkBrief, renderLinkHeader, withMdown } from './linkfmt.js';
import { ADDR_USAGE, LINK_USAGE } from './usage.js';

function linkHelp(o: Out): number {
  o.err(LINK_USAGE);
  return EXIT_USAGE;
}

const SCOPE_NAMES: Record<string, AddrScope> = { host: 'host', link: 'link', global: 'global', universe: 'global', site: 'site', nowhere: 'nowhere' };
const SCOPE_NUM: Record<AddrScope, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

/** rtnl_rtscope_a2n(): a name or a number that maps onto one. */
export function parseScope(s: string): AddrScope | undefined {
  if (s in SCOPE_NAMES) return SCOPE_NAMES[s];
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  return (Object.keys(SCOPE_NUM) as AddrScope[]).find((k) => SCOPE_NUM[k] === n);
}

function familyVerbose(ctx: IpCtx): string {
  return ctx.opts.family === 'inet' ? 'inet' : ctx.opts.family === 'inet6' ? 'inet6' : 'any valid';
}

/** get_prefix() with its fatal complaint; IPv6 text is reported as unmodelled. */
export function getPrefix(ctx: IpCtx, s: string): { addr: string; len: number; explicitLen: boolean } | number {
  if (ctx.opts.family === 'link') {
    ctx.out.err(`Error: "${s}" may be inet prefix, but it is not allowed in this context.\n`);
    return EXIT_FAIL;
  }
  // get_addr_1() reads these words as the all-zero prefix before trying a number.
  if (s === 'default' || s === 'all' || s === 'any') return { addr: '0.0.0.0', len: 0, explicitLen: true };
  if (s.includes(':') && ctx.opts.family !== 'inet') return unsupported(ctx.out, `IPv6 address ${s}`);
  const p = loosePrefix(s);
  if (!p) {
    ctx.out.err(`Error: ${familyVerbose(ctx)} prefix is expected rather than "${s}".\n`);
    return EXIT_FAIL;
  }
  return p;
}

/** get_addr() with its fatal complaint. */
export function getAddr(ctx: IpCtx, s: string): string | number {
  if (s.includes(':') && ctx.opts.family !== 'inet') return unsupported(ctx.out, `IPv6 address ${s}`);
  const a = looseIpv4(s);
  if (a === undefined) {
    ctx.out.err(`Error: ${familyVerbose(ctx)} address is expected rather than "${s}".\n`);
    return EXIT_FAIL;
  }
  return a;
}

function addrModify(ctx: IpCtx, argv: string[], cmd: 'add' | 'del' | 'replace' | 'change'): number {
  const o = ctx.out;
  const a = new Args(argv);
  let dev: string | undefined;
  let local: { addr: string; len: number; explicitLen: boolean } | undefined;
  let peer: { addr: string; len: number } | undefined;
  let brd: string | undefined;
  let brdMode: '+' | '-' | undefined;
  let scope: AddrScope | undefined;
  let label: string | undefined;
  let noprefixroute = false;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'peer' || w === 'remote') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (peer) return duparg(o, 'peer', v);
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      peer = p;
    } else if (matches(w, 'broadcast') || w === 'brd') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (brd !== undefined || brdMode) return duparg(o, 'broadcast', v);
      if (v === '+' || v === '-') brdMode = v;
      else {
        const b = getAddr(ctx, v);
        if (typeof b === 'number') return b;
        brd = b;
      }
    } else if (w === 'anycast') {
      return unsupported(o, 'ip addr ... anycast');
    } else if (w === 'scope') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const sc = parseScope(v);
      if (!sc) return invarg(o, 'invalid scope value.', v);
      scope = sc;
    } else if (w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      dev = v;
    } else if (w === 'label') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      label = v;
    } else if (matches(w, 'metric') || matches(w, 'priority') || matches(w, 'preference') || matches(w, 'valid_lft') || matches(w, 'preferred_lft')) {
      return unsupported(o, `ip addr ... ${w}`);
    } else if (w === 'noprefixroute') {
      noprefixroute = true;
    } else if (['home', 'nodad', 'mngtmpaddr', 'autojoin', 'optimistic'].includes(w)) {
      return unsupported(o, `ip addr ... ${w}`);
    } else {
      let v = w;
      if (w === 'local') {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      if (matches(v, 'help')) return addrUsage(o);
      if (local) return duparg2(o, 'local', v);
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      local = p;
    }
    a.advance();
  }
  if (dev === undefined) {
    o.err('Not enough information: "dev" argument is required.\n');
    return EXIT_FAIL;
  }
  if (!local) {
    // The kernel answers an address-less request with EINVAL (no IFA_LOCAL).
    if (!ctx.nl.linkGet(dev)) return nodev(o, dev);
    return kfail(o, { message: 'Invalid argument' });
  }
  if (!peer && cmd === 'del' && !local.explicitLen) {
    o.err(
      'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
        `         Explicitly specify the prefix length (${argvLocal(argv)}/32) to avoid this warning.\n` +
        '         This special behaviour is likely to disappear in further releases,\n' +
        '         fix your scripts!\n',
    );
  }
  const prefixLen = peer ? peer.len : local.len;
  if (brdMode && cmd !== 'del') {
    const base = peer ?? local;
    if (prefixLen <= 30) brd = brdMode === '+' ? broadcastOf(base.addr, prefixLen) : networkOf(base.addr, prefixLen);
  }
  if (!ctx.nl.linkGet(dev)) return nodev(o, dev);
  if (cmd === 'del') {
    const r = ctx.nl.addrDel({ dev, local: local.addr, ...(local.explicitLen || peer ? { prefixLen } : {}) });
    if (!r.ok) return kfail(o, r.error);
    return 0;
  }
  if (scope === undefined) scope = local.addr.startsWith('127.') ? 'host' : 'global';
  const r = ctx.nl.addrAdd(
    {
      dev,
      local: local.addr,
      prefixLen,
      ...(peer ? { peer: peer.addr } : {}),
      ...(brd !== undefined ? { broadcast: brd } : {}),
      scope,
      ...(label !== undefined ? { label } : {}),
      ...(noprefixroute ? { noprefixroute } : {}),
    },
    cmd === 'replace' || cmd === 'change' ? { replace: true } : undefined,
  );
  if (!r.ok) return kfail(o, r.error);
  return 0;
}

/** The local word as the user typed it, for the wildcard-deletion warning. */
function argvLocal(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === 'local') return argv[i + 1] ?? '';
    if (['peer', 'remote', 'broadcast', 'brd', 'scope', 'dev', 'label'].includes(w) || matches(w, 'broadcast')) {
      i++;
      continue;
    }
    if (w === 'noprefixroute') continue;
    return w;
  }
  return '';
}

function addrUsage(o: Out): number {
  o.err(ADDR_USAGE);
  return EXIT_USAGE;
}

/** One address the way print_addrinfo() writes it (full form; the brief form is just local/len). */
export function renderAddr(a: AddrInfo, oneline: boolean): string {
  const nl = oneline ? '\\' : '\n';
  let s = oneline ? `${a.ifindex}: ${a.dev}` : '';
  s += `    ${a.family} ${a.local}`;
  if (a.peer && a.peer !== a.local) s += ` peer ${a.peer}`;
  s += `/${a.prefixLen} `;
  if (a.broadcast) s += `brd ${a.broadcast} `;
  s += `scope ${a.scope} `;
  if (a.secondary) s += 'secondary ';
  if (a.validLft !== 'forever') s += 'dynamic ';
  if (a.noprefixroute) s += 'noprefixroute ';
  s += a.label;
  s += `${nl}       valid_lft ${a.validLft === 'forever' ? 'forever' : `${a.validLft}sec`} preferred_lft ${a.preferredLft === 'forever' ? 'forever' : `${a.preferredLft}sec`}\n`;
  return s;
}

const INFINITY_LIFE_TIME = 4294967295;

/** One addr_info entry of `ip -j addr`. */
export function addrJson(a: AddrInfo): Record<string, unknown> {
  const j: Record<string, unknown> = { family: a.family, local: a.local };
  if (a.peer && a.peer !== a.local) j.address = a.peer;
  j.prefixlen = a.prefixLen;
  if (a.broadcast) j.broadcast = a.broadcast;
  j.scope = a.scope;
  if (a.secondary) j.secondary = true;
  if (a.validLft !== 'forever') j.dynamic = true;
  if (a.noprefixroute) j.noprefixroute = true;
  j.label = a.label;
  j.valid_life_time = a.validLft === 'forever' ? INFINITY_LIFE_TIME : a.validLft;
  j.preferred_life_time = a.preferredLft === 'forever' ? INFINITY_LIFE_TIME : a.preferredLft;
  return j;
}

interface ListFilter {
  dev?: string;
  up: boolean;
  scope?: AddrScope;
  /** 'all' disables the scope test, as iproute2's scopemask 0. */
  scopeAll: boolean;
  master?: string | null;
  kind?: string;
  slaveKind?: string;
  label?: string;
  to?: { addr: string; len: number };
}

function labelMatch(pattern: string, label: string): boolean {
  // fnmatch() with the shell wildcards iproute2 users actually write.
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(label);
}

function addrPasses(a: AddrInfo, f: ListFilter, ctx: IpCtx): boolean {
  if (ctx.opts.family === 'inet6' && a.family !== 'inet6') return false;
  if (ctx.opts.family === 'inet' && a.family !== 'inet') return false;
  if (f.scope !== undefined && !f.scopeAll && a.scope !== f.scope) return false;
  if (f.label !== undefined && !labelMatch(f.label, a.label)) return false;
  if (f.to && !within(a.local, f.to.addr, f.to.len)) return false;
  return true;
}

function linkPasses(l: LinkInfo, f: ListFilter): boolean {
  if (f.up && !l.flags.includes('UP')) return false;
  if (f.master === null && l.master !== undefined) return false;
  if (typeof f.master === 'string' && l.master !== f.master) return false;
  if (f.kind !== undefined && kindName(l) !== f.kind) return false;
  if (f.slaveKind !== undefined && !(f.slaveKind === 'bridge' && l.brport)) return false;
  return true;
}

/** IFLA_INFO_KIND as the kernel names it; loopback and plain ethernet have none. */
function kindName(l: LinkInfo): string {
  return l.kind === 'loopback' || l.kind === 'ether' ? '' : l.kind;
}

/** ipaddr_list_flush_or_save() for show: `ip link show` (doLink) and `ip addr show`. */
export function listAddrOrLink(ctx: IpCtx, argv: string[], mode: { doLink: boolean; flush?: boolean }): number {
  const o = ctx.out;
  const family = mode.doLink ? 'link' : ctx.opts.family;
  if (mode.flush) {
    if (argv.length === 0) {
      o.err('Flush requires arguments.\n');
      return EXIT_FAIL;
    }
    if (family === 'link') {
      o.err('Cannot flush link addresses.\n');
      return EXIT_FAIL;
    }
  }
  const f: ListFilter = { up: false, scopeAll: false };
  let filterDev: string | undefined;
  const a = new Args(argv);
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'to') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      f.to = p;
    } else if (w === 'scope') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const sc = parseScope(v);
      if (!sc) {
        if (v !== 'all') return invarg(o, 'invalid "scope"\n', v);
        f.scopeAll = true;
        f.scope = 'nowhere';
      } else f.scope = sc;
    } else if (w === 'up') {
      f.up = true;
    } else if (['permanent', 'dynamic', 'secondary', 'primary', 'tentative', '-tentative', 'deprecated', '-deprecated', 'dadfailed', '-dadfailed', 'temporary', 'home', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin'].includes(w)) {
      return unsupported(o, `ip addr show ${w}`);
    } else if (w === 'label') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      f.label = v;
    } else if (w === 'group' || w === 'vrf' || w === 'proto') {
      return unsupported(o, `ip ${mode.doLink ? 'link' : 'addr'} show ${w}`);
    } else if (w === 'master') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (!ctx.nl.linkGet(v)) return invarg(o, 'Device does not exist\n', v);
      f.master = v;
    } else if (w === 'nomaster') {
      f.master = null;
    } else if (w === 'type') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (v.endsWith('_slave')) f.slaveKind = v.slice(0, -'_slave'.length);
      else f.kind = v;
    } else {
      let v = w;
      if (w === 'dev') {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      } else if (matches(w, 'help')) return mode.doLink ? linkHelp(o) : addrUsage(o);
      if (filterDev !== undefined) return duparg2(o, 'dev', v);
      filterDev = v;
    }
    a.advance();
  }
  if (filterDev !== undefined && !ctx.nl.linkGet(filterDev)) {
    o.err(`Device "${filterDev}" does not exist.\n`);
    return EXIT_FAIL;
  }
  const allLinks = ctx.nl.linkList();
  let links = allLinks.filter((l) => (filterDev === undefined || l.name === filterDev) && linkPasses(l, f)).map((l) => withMdown(l, allLinks));
  const addrs = family === 'link' ? [] : ctx.nl.addrList(filterDev !== undefined ? { dev: filterDev } : undefined).filter((x) => addrPasses(x, f, ctx));

  if (mode.flush) {
    for (const x of addrs) {
      if (!links.some((l) => l.ifindex === x.ifindex)) continue;
      // Deleting a primary also removes its secondaries, so their own deletes may fail; flush
      // ignores that, as iproute2's flush rounds do.
      ctx.nl.addrDel({ dev: x.dev, local: x.local, prefixLen: x.prefixLen });
    }
    return 0;
  }

  if (family !== 'link') {
    // ipaddr_filter(): with a family or address filter, links without a matching address vanish.
    const hasFilter = ctx.opts.family !== 'any' || f.to !== undefined || f.label !== undefined || (f.scope !== undefined && !f.scopeAll);
    const all = ctx.nl.addrList();
    links = links.filter((l) => {
      const mine = all.filter((x) => x.ifindex === l.ifindex);
      if (mine.length === 0) return ctx.opts.family === 'any';
      if (!hasFilter) return true;
      return addrs.some((x) => x.ifindex === l.ifindex);
    });
  }

  const opts = ctx.opts;
  if (opts.json) {
    if (opts.details && !opts.brief && links.some((l) => !detailsJsonSupported(l))) return unsupported(o, '-json -details for bridge, vxlan and bridge-port links');
    const arr = links.map((l) => {
      const j = opts.brief ? linkBriefJson(l, family === 'link') : linkJson(l, { doLink: mode.doLink, family, details: opts.details });
      if (family !== 'link') {
        const mine = f.up && !l.flags.includes('UP') ? [] : addrs.filter((x) => x.ifindex === l.ifindex);
        j.addr_info = mine.map((x) => (opts.brief ? { local: x.local, ...(x.peer && x.peer !== x.local ? { address: x.peer } : {}), prefixlen: x.prefixLen } : addrJson(x)));
      }
      return j;
    });
    o.out(jsonLine(arr, ctx.opts.pretty));
    return 0;
  }
  const nl = opts.oneline ? '\\' : '\n';
  const noLink = family !== 'link' && opts.oneline && !opts.brief;
  for (const l of links) {
    if (f.label !== undefined) {
      // print_linkinfo() returns before printing anything when a label filter is set.
    } else if (opts.brief) {
      o.out(renderLinkBrief(l, family === 'link'));
    } else if (!noLink) {
      o.out(renderLinkHeader(l, { doLink: mode.doLink, family, details: opts.details, nl, all: allLinks }) + '\n');
    }
    if (family === 'link') continue;
    const mine = f.up && !l.flags.includes('UP') ? [] : addrs.filter((x) => x.ifindex === l.ifindex);
    for (const x of mine) {
      if (opts.brief) o.out(`${x.local}${x.peer && x.peer !== x.local ? ` peer ${x.peer}` : ''}/${x.prefixLen} `);
      else o.out(renderAddr(x, opts.oneline));
    }
    if (opts.brief) o.out('\n');
  }
  return 0;
}

export function doAddr(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length < 1) return listAddrOrLink(ctx, [], { doLink: false });
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'add')) return addrModify(ctx, rest, 'add');
  if (matches(w, 'change') || w === 'chg') return addrModify(ctx, rest, 'change');
  if (matches(w, 'replace')) return addrModify(ctx, rest, 'replace');
  if (matches(w, 'delete')) return addrModify(ctx, rest, 'del');
  if (matches(w, 'list') || matches(w, 'show') || matches(w, 'lst')) return listAddrOrLink(ctx, rest, { doLink: false });
  if (matches(w, 'flush')) return listAddrOrLink(ctx, rest, { doLink: false, flush: true });
  if (matches(w, 'save') || matches(w, 'showdump') || matches(w, 'restore')) return unsupported(o, `ip address ${w}`);
  if (matches(w, 'help')) return addrUsage(o);
  o.err(`Command "${w}" is unknown, try "ip address help".\n`);
  return EXIT_USAGE;
}
