/** `ip neigh add|change|replace|del|show|flush`: ipneigh_modify() and do_show_or_flush() over Netlink. */
import type { NeighInfo, NeighState } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_USAGE, duparg, duparg2, incomplete, invarg, kfail, matches, nodev, parseCUnsigned, unsupported, type Out } from './args.js';
import { getAddr, getPrefix } from './addr.js';
import { formatMac, parseLladdr, within } from './addrs.js';
import type { IpCtx } from './context.js';
import { jsonLine } from './linkfmt.js';
import { NEIGH_USAGE } from './usage.js';

const NUD_BITS: Record<NeighState, number> = { NONE: 0, INCOMPLETE: 0x01, REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10, FAILED: 0x20, NOARP: 0x40, PERMANENT: 0x80 };
const STATE_OF_BIT = new Map<number, NeighState>(Object.entries(NUD_BITS).map(([k, v]) => [v, k as NeighState]));

function usage(o: Out): number {
  o.err(NEIGH_USAGE);
  return EXIT_USAGE;
}

/** nud_state_a2n(): some names by prefix, some exact, or a single-bit number. */
function nudA2n(s: string): NeighState | undefined {
  if (matches(s, 'permanent')) return 'PERMANENT';
  if (matches(s, 'reachable')) return 'REACHABLE';
  const exact: Record<string, NeighState> = { noarp: 'NOARP', none: 'NONE', stale: 'STALE', incomplete: 'INCOMPLETE', delay: 'DELAY', probe: 'PROBE' };
  if (s in exact) return exact[s];
  if (matches(s, 'failed')) return 'FAILED';
  const n = parseCUnsigned(s);
  if (n === undefined || n >= 0x100 || (n & (n - 1)) !== 0) return undefined;
  return STATE_OF_BIT.get(n);
}

function neighModify(ctx: IpCtx, argv: string[], mode: 'add' | 'change' | 'replace' | 'del'): number {
  const o = ctx.out;
  const a = new Args(argv);
  let lla: string | undefined;
  let state: NeighState = 'PERMANENT';
  let dst: string | undefined;
  let dev: string | undefined;
  let devOk = false;
  let proxy = false;
  let router = false;
  while (!a.done) {
    const w = a.peek()!;
    if (matches(w, 'lladdr')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (lla !== undefined) return duparg(o, 'lladdr', v);
      lla = v;
    } else if (w === 'nud') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const s = nudA2n(v);
      if (!s) return invarg(o, 'nud state is bad', v);
      state = s;
    } else if (matches(w, 'proxy')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) return usage(o);
      if (dst !== undefined) return duparg(o, 'address', v);
      const d = getAddr(ctx, v);
      if (typeof d === 'number') return d;
      dst = d;
      devOk = true;
      proxy = true;
    } else if (w === 'router') {
      router = true;
    } else if (w === 'use' || w === 'managed' || matches(w, 'extern_learn') || matches(w, 'protocol')) {
      return unsupported(o, `ip neigh ... ${w}`);
    } else if (w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      dev = v;
      devOk = true;
    } else {
      let v = a.positional(w);
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      if (dst !== undefined) return duparg2(o, 'to', v);
      const d = getAddr(ctx, v);
      if (typeof d === 'number') return d;
      dst = d;
    }
    a.advance();
  }
  if (!devOk || dst === undefined) {
    o.err('Device and destination are required arguments.\n');
    return EXIT_USAGE;
  }
  let mac: string | undefined;
  if (lla !== undefined && lla !== 'null') {
    const b = parseLladdr(lla);
    if (!b) {
      o.err(`"${lla}" is invalid lladdr.\n`);
      return EXIT_FAIL;
    }
    mac = formatMac(b);
  }
  if (dev !== undefined && !ctx.nl.linkGet(dev)) return nodev(o, dev);
  if (proxy && dev === undefined) return unsupported(o, 'proxy neighbour without dev');
  if (mode === 'del') {
    const r = ctx.nl.neighDel({ dst, dev: dev!, ...(proxy ? { proxy } : {}) });
    if (!r.ok) return kfail(o, r.error);
    return 0;
  }
  const r = ctx.nl.neighAdd({ dst, dev: dev!, ...(mac ? { lladdr: mac } : {}), state, ...(proxy ? { proxy } : {}), ...(router ? { router } : {}) }, mode);
  if (!r.ok) return kfail(o, r.error);
  return 0;
}

export function renderNeigh(n: NeighInfo, showDev: boolean): string {
  let s = `${n.dst} `;
  if (showDev) s += `dev ${n.dev} `;
  if (n.lladdr) s += `lladdr ${n.lladdr} `;
  if (n.router) s += 'router ';
  if (n.proxy) s += 'proxy ';
  if (n.state !== 'NONE') s += `${n.state} `;
  return s + '\n';
}

function showOrFlush(ctx: IpCtx, argv: string[], flush: boolean): number {
  const o = ctx.out;
  if (flush && argv.length === 0) {
    o.err('Flush requires arguments.\n');
    return EXIT_FAIL;
  }
  let mask = flush ? ~(NUD_BITS.PERMANENT | NUD_BITS.NOARP) & 0x1ff : 0xff & ~NUD_BITS.NOARP;
  let stateGiven = false;
  let filterDev: string | undefined;
  let proxy = false;
  let pfx: { addr: string; len: number } | undefined;
  const a = new Args(argv);
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (filterDev !== undefined) return duparg(o, 'dev', v);
      filterDev = v;
    } else if (w === 'nud') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (!stateGiven) {
        stateGiven = true;
        mask = 0;
      }
      let bit: number;
      const s = nudA2n(v);
      if (!s) {
        if (v !== 'all') return invarg(o, 'nud state is bad', v);
        bit = flush ? ~NUD_BITS.NOARP & 0x1ff : 0x1ff;
      } else bit = NUD_BITS[s];
      if (bit === 0) bit = 0x100;
      mask |= bit;
    } else if (w === 'proxy') {
      proxy = true;
    } else if (w === 'master' || w === 'vrf' || w === 'nomaster' || w === 'unused' || matches(w, 'protocol')) {
      return unsupported(o, `ip neigh show ${w}`);
    } else {
      const v = a.positional(w);
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) return usage(o);
      const p = getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      pfx = p;
    }
    a.advance();
  }
  if (filterDev !== undefined && !ctx.nl.linkGet(filterDev)) return nodev(o, filterDev);
  const inPfx = (d: string): boolean => !pfx || within(d, pfx.addr, pfx.len);
  const list = ctx.nl.neighList({ ...(filterDev !== undefined ? { dev: filterDev } : {}), ...(proxy ? { proxy } : {}) }).filter((n) => {
    if (filterDev !== undefined && n.dev !== filterDev) return false;
    if (!inPfx(n.dst)) return false;
    if (n.proxy) return proxy;
    if (proxy) return false;
    const bit = NUD_BITS[n.state];
    if (!(mask & bit) && (bit !== 0 || !(mask & 0x100))) return false;
    return true;
  });
  if (flush) {
    for (const n of list) {
      const r = ctx.nl.neighDel({ dst: n.dst, dev: n.dev, ...(n.proxy ? { proxy: true } : {}) });
      if (!r.ok) return kfail(o, r.error);
    }
    return 0;
  }
  if (ctx.opts.json) {
    o.out(
      jsonLine(
        list.map((n) => ({
          dst: n.dst,
          ...(filterDev === undefined ? { dev: n.dev } : {}),
          ...(n.lladdr ? { lladdr: n.lladdr } : {}),
          ...(n.router ? { router: null } : {}),
          ...(n.proxy ? { proxy: null } : {}),
          ...(n.state !== 'NONE' ? { state: [n.state] } : {}),
        })),
        ctx.opts.pretty,
      ),
    );
    return 0;
  }
  for (const n of list) o.out(renderNeigh(n, filterDev === undefined));
  return 0;
}

export function doNeigh(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length === 0) return showOrFlush(ctx, [], false);
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'add')) return neighModify(ctx, rest, 'add');
  if (matches(w, 'change') || w === 'chg') return neighModify(ctx, rest, 'change');
  if (matches(w, 'replace')) return neighModify(ctx, rest, 'replace');
  if (matches(w, 'delete')) return neighModify(ctx, rest, 'del');
  if (matches(w, 'get')) return unsupported(o, 'ip neigh get');
  if (matches(w, 'show') || matches(w, 'lst') || matches(w, 'list')) return showOrFlush(ctx, rest, false);
  if (matches(w, 'flush')) return showOrFlush(ctx, rest, true);
  if (matches(w, 'help')) return usage(o);
  o.err(`Command "${w}" is unknown, try "ip neigh help".\n`);
  return EXIT_USAGE;
}
