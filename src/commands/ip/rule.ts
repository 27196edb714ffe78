/** `ip rule add|del|show`: the basic policy-routing rules (from/to/iif/oif/fwmark/pref/table/type). */
import type { RuleInfo } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_USAGE, incomplete, invarg, kfail, matches, parseCUnsigned, unsupported, type Out } from './args.js';
import { getPrefix } from './addr.js';
import { within } from './addrs.js';
import type { IpCtx } from './context.js';
import { validIfname } from './link.js';
import { TABLE_MAIN, tableA2n, tableN2a } from './rtnames.js';
import { jsonLine } from './linkfmt.js';
import { RULE_USAGE } from './usage.js';

function usage(o: Out): number {
  o.err(RULE_USAGE);
  return EXIT_USAGE;
}

export function renderRule(r: RuleInfo): string {
  let s = `${r.priority}:\t`;
  if (r.from !== undefined) s += `from ${r.from}${r.fromLen !== undefined && r.fromLen !== 32 ? `/${r.fromLen}` : ''}`;
  else s += 'from all';
  if (r.to !== undefined) s += ` to ${r.to}${r.toLen !== undefined && r.toLen !== 32 ? `/${r.toLen}` : ''}`;
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    s += ` fwmark 0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) s += `/0x${r.fwmask.toString(16)}`;
  }
  if (r.iif) s += ` iif ${r.iif}`;
  if (r.oif) s += ` oif ${r.oif}`;
  if (r.action === 'lookup') {
    if (r.table) s += ` lookup ${tableN2a(r.table)}`;
  } else s += ` ${r.action}`;
  return s + '\n';
}

export function ruleJson(r: RuleInfo): Record<string, unknown> {
  const j: Record<string, unknown> = { priority: r.priority };
  if (r.from !== undefined) {
    j.src = r.from;
    if (r.fromLen !== undefined && r.fromLen !== 32) j.srclen = r.fromLen;
  } else j.src = 'all';
  if (r.to !== undefined) {
    j.dst = r.to;
    if (r.toLen !== undefined && r.toLen !== 32) j.dstlen = r.toLen;
  }
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    j.fwmark = `0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) j.fwmask = `0x${r.fwmask.toString(16)}`;
  }
  if (r.iif) j.iif = r.iif;
  if (r.oif) j.oif = r.oif;
  if (r.action === 'lookup') {
    if (r.table) j.table = tableN2a(r.table);
  } else j.action = r.action;
  return j;
}

function ruleModify(ctx: IpCtx, argv: string[], add: boolean): number {
  const o = ctx.out;
  if (argv.length === 0) {
    o.err(`"ip rule ${add ? 'add' : 'del'}" requires arguments.\n`);
    return EXIT_FAIL;
  }
  const rule: Partial<RuleInfo> = {};
  let tableOk = false;
  const a = new Args(argv);
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'from' || w === 'to') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const p = v === 'all' ? { addr: '0.0.0.0', len: 0 } : getPrefix(ctx, v);
      if (typeof p === 'number') return p;
      if (p.len > 0) {
        if (w === 'from') Object.assign(rule, { from: p.addr, fromLen: p.len });
        else Object.assign(rule, { to: p.addr, toLen: p.len });
      }
    } else if (matches(w, 'preference') || matches(w, 'order') || matches(w, 'priority')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, 'preference value is invalid\n', v);
      rule.priority = n;
    } else if (w === 'fwmark') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const [m, k] = v.split('/');
      const mark = parseCUnsigned(m!);
      if (mark === undefined) return invarg(o, 'fwmark value is invalid\n', v);
      rule.fwmark = mark;
      if (k !== undefined) {
        const mask = parseCUnsigned(k);
        if (mask === undefined) return invarg(o, 'fwmask value is invalid\n', k);
        rule.fwmask = mask;
      }
    } else if (matches(w, 'table') || w === 'lookup') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const t = tableA2n(v);
      if (t === undefined) return invarg(o, 'invalid table ID\n', v);
      rule.table = t;
      tableOk = true;
    } else if (w === 'dev' || w === 'iif' || w === 'oif') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (!validIfname(v)) return invarg(o, w === 'oif' ? '"oif" not a valid ifname' : '"iif"/"dev" not a valid ifname', v);
      if (w === 'oif') rule.oif = v;
      else rule.iif = v;
    } else if (w === 'not' || w === 'tos' || matches(w, 'dsfield') || matches(w, 'realms') || matches(w, 'protocol') || matches(w, 'tun_id') || matches(w, 'suppress_prefixlength') || w === 'sup_pl' || matches(w, 'suppress_ifgroup') || w === 'sup_group' || w === 'l3mdev' || w === 'uidrange' || w === 'nat' || matches(w, 'map-to') || w === 'ipproto' || w === 'sport' || w === 'dport') {
      return unsupported(o, `ip rule ... ${w}`);
    } else {
      let v: string = w;
      if (w === 'type') {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      if (matches(v, 'help')) return usage(o);
      if (matches(v, 'goto')) {
        if (a.next() === undefined) return incomplete(o);
        return unsupported(o, 'ip rule ... goto');
      }
      if (matches(v, 'nop')) return unsupported(o, 'ip rule ... nop');
      if (v === 'blackhole' || v === 'unreachable' || v === 'prohibit') rule.action = v;
      else if (v === 'unicast') rule.action = 'lookup';
      else if (['local', 'broadcast', 'brd', 'anycast', 'multicast', 'throw', 'nat', 'xresolve'].includes(v)) return unsupported(o, `ip rule type ${v}`);
      else return invarg(o, 'Failed to parse rule type', v);
      tableOk = true;
    }
    a.advance();
  }
  if (add) {
    const r = ctx.nl.ruleAdd({ ...rule, table: tableOk ? (rule.table ?? 0) : TABLE_MAIN, action: rule.action ?? 'lookup' });
    if (!r.ok) return kfail(o, r.error);
    return 0;
  }
  const r = ctx.nl.ruleDel(rule);
  if (!r.ok) return kfail(o, r.error);
  return 0;
}

/** iprule_list_flush_or_save()'s selectors; a rule must satisfy every one given. */
function ruleFilter(ctx: IpCtx, argv: string[]): ((r: RuleInfo) => boolean) | number {
  const o = ctx.out;
  const tests: ((r: RuleInfo) => boolean)[] = [];
  const a = new Args(argv);
  while (!a.done) {
    const w = a.peek()!;
    if (matches(w, 'preference') || matches(w, 'order') || matches(w, 'priority')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = parseCUnsigned(v);
      if (n === undefined) return invarg(o, 'preference value is invalid\n', v);
      tests.push((r) => r.priority === n);
    } else if (w === 'fwmark') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const [m, k] = v.split('/');
      const mark = parseCUnsigned(m!);
      if (mark === undefined) return invarg(o, 'fwmark value is invalid\n', m!);
      const mask = k === undefined ? undefined : parseCUnsigned(k);
      if (k !== undefined && mask === undefined) return invarg(o, 'fwmask value is invalid\n', k);
      if (mark) tests.push((r) => (r.fwmark ?? 0) === mark);
      if (mask) tests.push((r) => (r.fwmask ?? 0) === mask);
    } else if (w === 'dev' || w === 'iif' || w === 'oif') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (!validIfname(v)) return invarg(o, w === 'oif' ? '"oif" not a valid ifname' : '"iif"/"dev" not a valid ifname', v);
      tests.push(w === 'oif' ? (r) => r.oif === v : (r) => r.iif === v);
    } else if (matches(w, 'lookup') || matches(w, 'table')) {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const t = tableA2n(v);
      if (t === undefined) return invarg(o, 'table id value is invalid\n', v);
      if (t) tests.push((r) => r.table === t);
    } else if (w === 'not' || w === 'tos' || w === 'dsfield' || w === 'l3mdev' || w === 'uidrange' || matches(w, 'tun_id') || matches(w, 'protocol') || w === 'ipproto' || w === 'sport' || w === 'dport') {
      return unsupported(o, `ip rule show ${w}`);
    } else {
      const isFrom = matches(w, 'from') || matches(w, 'src');
      let v: string = w;
      if (isFrom || matches(w, 'dst') || matches(w, 'to')) {
        const n = a.next();
        if (n === undefined) return incomplete(o);
        v = n;
      }
      // The dump family defaults to AF_INET here, which names the family in get_prefix()'s complaint.
      const p = getPrefix({ ...ctx, opts: { ...ctx.opts, family: 'inet' } }, v);
      if (typeof p === 'number') return p;
      // The rule's own prefix must be at least as long as the selector's and inside it.
      const inside = (addr: string | undefined, len: number | undefined): boolean => p.len <= (len ?? 0) && (p.len === 0 || within(addr ?? '0.0.0.0', p.addr, p.len));
      tests.push(isFrom ? (r) => inside(r.from, r.fromLen) : (r) => inside(r.to, r.toLen));
    }
    a.advance();
  }
  return (r) => tests.every((t) => t(r));
}

function ruleList(ctx: IpCtx, argv: string[]): number {
  const keep = ruleFilter(ctx, argv);
  if (typeof keep === 'number') return keep;
  const rules = ctx.nl.ruleList().filter(keep);
  if (ctx.opts.json) {
    ctx.out.out(jsonLine(rules.map(ruleJson), ctx.opts.pretty));
    return 0;
  }
  for (const r of rules) ctx.out.out(renderRule(r));
  return 0;
}

export function doRule(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (ctx.opts.family === 'inet6') return unsupported(o, 'IPv6 rules');
  if (argv.length < 1) return ruleList(ctx, []);
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'list') || matches(w, 'lst') || matches(w, 'show')) return ruleList(ctx, rest);
  if (matches(w, 'save') || matches(w, 'restore') || matches(w, 'flush')) return unsupported(o, `ip rule ${w}`);
  if (matches(w, 'add')) return ruleModify(ctx, rest, true);
  if (matches(w, 'delete')) return ruleModify(ctx, rest, false);
  if (matches(w, 'help')) return usage(o);
  o.err(`Command "${w}" is unknown, try "ip rule help".\n`);
  return EXIT_USAGE;
}
