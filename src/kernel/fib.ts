/**
 * The IPv4 forwarding information base: routing tables with longest-prefix-match lookup
 * (fib_table_lookup) over per-prefix-length hash maps, and the policy rules (fib_rules) that choose
 * which tables to consult.
 */
import type { RouteType } from './api.js';
import type { NetDevice } from './netdevice.js';
import { Scope } from './devinet.js';
import type { Errno } from './errno.js';

export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export interface FibNh {
  gw: number;
  dev: NetDevice | undefined;
  onlink: boolean;
  weight: number;
}

export interface FibEntry {
  table: number;
  type: RouteType;
  dst: number;
  len: number;
  tos: number;
  priority: number;
  proto: string;
  /** Route scope (fa_scope). */
  scope: Scope;
  /** Nexthop scope: RT_SCOPE_NOWHERE for host routes, which is why they survive a device going down. */
  nhScope: Scope;
  prefsrc: number;
  gw: number;
  dev: NetDevice | undefined;
  onlink: boolean;
  mtu: number | undefined;
  nexthops: FibNh[] | undefined;
}

/** fib_props[type].error: what a lookup that lands on this route type returns. */
export function typeError(type: RouteType): Errno | 'EAGAIN' | undefined {
  switch (type) {
    case 'unreachable':
      return 'EHOSTUNREACH';
    case 'prohibit':
      return 'EACCES';
    case 'blackhole':
      return 'EINVAL';
    case 'throw':
      return 'EAGAIN';
    default:
      return undefined;
  }
}

export interface FibLookupFlow {
  daddr: number;
  oif: number;
  tos: number;
  scope: Scope;
  /** FIB_LOOKUP_IGNORE_LINKSTATE is implicit: linkdown nexthops are only skipped with ignore_routes_with_linkdown. */
}

export type FibLookup = { entry: FibEntry } | { error: Errno | 'EAGAIN'; entry: FibEntry } | undefined;

/** The parts fib_info_hash/fib_nh_match compare, plus the alias's type and scope. */
function sameRoute(a: FibEntry, b: FibEntry): boolean {
  const nh = (x: FibEntry) => JSON.stringify((x.nexthops ?? []).map((n) => [n.gw, n.dev?.ifindex, n.onlink, n.weight]));
  return (
    a.type === b.type &&
    a.scope === b.scope &&
    a.proto === b.proto &&
    a.prefsrc === b.prefsrc &&
    a.gw === b.gw &&
    a.dev === b.dev &&
    a.onlink === b.onlink &&
    a.mtu === b.mtu &&
    nh(a) === nh(b)
  );
}

export class FibTable {
  /** len -> network -> aliases in kernel order (tos, then priority). */
  private byLen = new Map<number, Map<number, FibEntry[]>>();
  /** Prefix lengths present, longest first. */
  private lens: number[] = [];
  size = 0;

  constructor(
    public readonly id: number,
    private readonly onChange: () => void = () => undefined,
  ) {}

  find(dst: number, len: number): FibEntry[] | undefined {
    return this.byLen.get(len)?.get(dst);
  }

  insert(e: FibEntry, mode: 'add' | 'replace' | 'append' | 'change' | 'prepend'): Errno | undefined {
    let m = this.byLen.get(e.len);
    if (!m) {
      m = new Map();
      this.byLen.set(e.len, m);
      this.lens.push(e.len);
      this.lens.sort((a, b) => b - a);
    }
    let list = m.get(e.dst);
    if (!list) {
      list = [];
      m.set(e.dst, list);
    }
    this.onChange();
    const same = list.findIndex((a) => a.tos === e.tos && a.priority === e.priority);
    if (mode === 'add' && same >= 0) return 'EEXIST';
    if (mode === 'change' && same < 0) return 'ENOENT';
    if ((mode === 'replace' || mode === 'change') && same >= 0) {
      list[same] = e;
      return undefined;
    }
    // fib_table_insert: an append or prepend that would duplicate an alias exactly (same tos,
    // priority, type, scope and fib_info) is -EEXIST, so `ip route append` of an existing route fails.
    if ((mode === 'append' || mode === 'prepend') && list.some((a) => a.tos === e.tos && a.priority === e.priority && sameRoute(a, e))) return 'EEXIST';
    // Position: after every alias with a lower priority (and, for append, after equal ones too).
    let pos = 0;
    while (pos < list.length) {
      const a = list[pos]!;
      if (a.priority > e.priority) break;
      if (a.priority === e.priority && mode !== 'append') break;
      pos++;
    }
    list.splice(pos, 0, e);
    this.size++;
    return undefined;
  }

  remove(e: FibEntry): void {
    this.onChange();
    const m = this.byLen.get(e.len);
    const list = m?.get(e.dst);
    if (!m || !list) return;
    const i = list.indexOf(e);
    if (i < 0) return;
    list.splice(i, 1);
    this.size--;
    if (list.length === 0) {
      m.delete(e.dst);
      if (m.size === 0) {
        this.byLen.delete(e.len);
        this.lens = this.lens.filter((l) => l !== e.len);
      }
    }
  }

  /** Every entry matching pred is removed; returns how many. */
  removeWhere(pred: (e: FibEntry) => boolean): number {
    const doomed = this.entries().filter(pred);
    for (const e of doomed) this.remove(e);
    return doomed.length;
  }

  entries(): FibEntry[] {
    const out: FibEntry[] = [];
    for (const m of this.byLen.values()) for (const list of m.values()) out.push(...list);
    // Dump order is the trie's: by key, longer prefixes of the same key first, then alias order.
    const idx = new Map(out.map((e, i) => [e, i]));
    out.sort((a, b) => a.dst - b.dst || b.len - a.len || idx.get(a)! - idx.get(b)!);
    return out;
  }

  /** fib_table_lookup: longest prefix first, aliases in order, backtracking to shorter prefixes. */
  lookup(fl: FibLookupFlow): FibLookup {
    const lens = this.lens;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i]!;
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      const list = this.byLen.get(len)!.get((fl.daddr & mask) >>> 0);
      if (!list) continue;
      for (let j = 0; j < list.length; j++) {
        const a = list[j]!;
        if (a.tos && a.tos !== fl.tos) continue;
        if (a.scope < fl.scope) continue;
        const err = typeError(a.type);
        if (err) return { error: err, entry: a };
        if (fl.oif) {
          if (a.nexthops) {
            if (!a.nexthops.some((n) => n.dev?.ifindex === fl.oif)) continue;
          } else if (a.dev && a.dev.ifindex !== fl.oif) continue;
        }
        if (a.dev && ignoreLinkdown(a) && !a.dev.carrier()) continue;
        return { entry: a };
      }
    }
    return undefined;
  }
}

function ignoreLinkdown(e: FibEntry): boolean {
  const dev = e.dev!;
  return dev.inDev.conf.get('ignore_routes_with_linkdown') === '1';
}

export interface FibRule {
  priority: number;
  from: number;
  fromLen: number;
  to: number;
  toLen: number;
  iif: string | undefined;
  oif: string | undefined;
  fwmark: number | undefined;
  fwmask: number;
  table: number;
  action: 'lookup' | 'blackhole' | 'unreachable' | 'prohibit';
}

export function defaultRules(): FibRule[] {
  const r = (priority: number, table: number): FibRule => ({
    priority,
    from: 0,
    fromLen: 0,
    to: 0,
    toLen: 0,
    iif: undefined,
    oif: undefined,
    fwmark: undefined,
    fwmask: 0xffffffff,
    table,
    action: 'lookup',
  });
  return [r(0, RT_TABLE_LOCAL), r(32766, RT_TABLE_MAIN), r(32767, RT_TABLE_DEFAULT)];
}

/**
 * fib_lookup without custom rules: the local table lives merged into main (fib_trie), so one
 * longest-prefix match covers both, then the default table.
 */
function mergedLookup(tables: Map<number, FibTable>, fl: FibLookupFlow): { entry: FibEntry; table: number } | { error: Errno } {
  const a = tables.get(RT_TABLE_LOCAL)?.lookup(fl);
  const b = tables.get(RT_TABLE_MAIN)?.lookup(fl);
  let best = a;
  let table = RT_TABLE_LOCAL;
  // Same prefix in both: the aliases share one leaf where fib_find_alias keeps higher table ids
  // first, so the local table's alias is tried before main's.
  if (b && (!a || b.entry.len > a.entry.len)) {
    best = b;
    table = RT_TABLE_MAIN;
  }
  if (best) {
    if ('error' in best) {
      if (best.error !== 'EAGAIN') return { error: best.error };
    } else return { entry: best.entry, table };
  }
  const d = tables.get(RT_TABLE_DEFAULT)?.lookup(fl);
  if (d) {
    if ('error' in d) return d.error === 'EAGAIN' ? { error: 'ENETUNREACH' } : { error: d.error };
    return { entry: d.entry, table: RT_TABLE_DEFAULT };
  }
  return { error: 'ENETUNREACH' };
}

function prefixMatch(addr: number, net: number, len: number): boolean {
  if (len === 0) return true;
  const mask = (0xffffffff << (32 - len)) >>> 0;
  return ((addr ^ net) & mask) === 0;
}

export interface RuleFlow extends FibLookupFlow {
  saddr: number;
  iifName: string | undefined;
  oifName: string | undefined;
  mark: number;
}

/** fib_rules_lookup: rules in priority order; a table without a match (or a throw) falls through. */
export function fibRulesLookup(rules: FibRule[], tables: Map<number, FibTable>, merged: boolean, fl: RuleFlow): { entry: FibEntry; table: number } | { error: Errno } {
  if (merged) return mergedLookup(tables, fl);
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.fromLen && !prefixMatch(fl.saddr, r.from, r.fromLen)) continue;
    if (r.toLen && !prefixMatch(fl.daddr, r.to, r.toLen)) continue;
    if (r.iif !== undefined && r.iif !== (fl.iifName ?? 'lo')) continue;
    if (r.oif !== undefined && r.oif !== fl.oifName) continue;
    if (r.fwmark !== undefined && ((fl.mark ^ r.fwmark) & r.fwmask) !== 0) continue;
    switch (r.action) {
      case 'blackhole':
        return { error: 'EINVAL' };
      case 'unreachable':
        return { error: 'EHOSTUNREACH' };
      case 'prohibit':
        return { error: 'EACCES' };
    }
    const t = tables.get(r.table);
    if (!t) continue;
    const res = t.lookup(fl);
    if (!res) continue;
    if ('error' in res) {
      if (res.error === 'EAGAIN') continue;
      return { error: res.error };
    }
    return { entry: res.entry, table: r.table };
  }
  return { error: 'ENETUNREACH' };
}
