/**
 * One network namespace's xtables state: four tables of chains of rules, with the operations
 * iptables performs on them (append, insert, delete, replace, new/delete/rename/flush/zero chain,
 * policy) refusing exactly where the kernel and iptables-nft refuse, as KResult values whose extack
 * is the text iptables prints after "iptables: ".
 */
import { kerr, kok, type KResult } from '../errno.js';
import { ZERO_COUNTERS, type Counters, type Rule } from './rule.js';
import { ruleSpec } from './spec.js';
import { isBuiltinChain, SAVE_ORDER, TABLES, type Hook, type TableName } from './tables.js';

export type Policy = 'ACCEPT' | 'DROP';

export const ERR_NO_CHAIN = 'No chain/target/match by that name.';
export const ERR_BAD_RULE = 'Bad rule (does a matching rule exist in that chain?).';

export class NfChain {
  rules: Rule[] = [];
  /** Built-in chains only; user chains have no policy ("-" in iptables-save). */
  policy: Policy | undefined;
  counters: Counters = { pkts: 0, bytes: 0 };
  /**
   * Whether the base chain counts the packets its policy decides. iptables-nft creates base chains
   * without counters; -Z, -P and a restored policy line attach them (observed on 1.8.9: a chain
   * created by `-A` shows "0 packets" after traffic until one of those ran).
   */
  stats = false;
  /** Lookup structure built by traverse.ts on first use; dropped whenever the rules change. */
  index: unknown = undefined;
  /**
   * How many rules of the table jump or go here, and which hooks reach here (a bit per hook), kept
   * on the chain rather than in maps keyed by name: a 320,000-rule restore looked each of them up
   * several times per rule in 110,000-entry maps, which cost more than parsing the rule.
   */
  refs = 0;
  reach = 0;

  constructor(
    public name: string,
    public readonly builtin: boolean,
  ) {
    if (builtin) this.policy = 'ACCEPT';
  }

  changed(): void {
    this.index = undefined;
  }

  clone(): NfChain {
    const c = new NfChain(this.name, this.builtin);
    c.rules = this.rules.slice();
    c.policy = this.policy;
    c.counters = { ...this.counters };
    c.stats = this.stats;
    c.refs = this.refs;
    return c;
  }
}

const OK: KResult<void> = kok(undefined);

const HOOK_LIST: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
const HOOK_BIT: Record<Hook, number> = { PREROUTING: 1, INPUT: 2, FORWARD: 4, OUTPUT: 8, POSTROUTING: 16 };

function allowedAt(table: TableName, hook: Hook | undefined, tables: TableName[], hooks: Hook[] | undefined): boolean {
  return tables.includes(table) && (hook === undefined || hooks === undefined || hooks.includes(hook));
}

/** Parts of a rule's bytes its canonical text does not show, which -D/-C compare too (xt_recent's mask union). */
function sameHiddenBytes(a: Rule, b: Rule): boolean {
  for (let i = 0; i < a.matches.length; i++) {
    const x = a.matches[i]!;
    const y = b.matches[i];
    if (x.name === 'recent' && y?.name === 'recent' && x.maskGiven !== y.maskGiven) return false;
  }
  return true;
}

/**
 * Rule validation the kernel does in xt_check_match()/xt_check_target(): protocol requirements of
 * matches, table and hook restrictions of targets. EINVAL, which iptables reports as
 * "RULE_APPEND failed (Invalid argument)".
 */
function checkTarget(table: TableName, hook: Hook | undefined, rule: Rule): KResult<void> {
  // "! -s 0.0.0.0/0" can never match; nft refuses the inverted zero-length prefix.
  if ((rule.ip.invSrc && rule.ip.srcMask === 0) || (rule.ip.invDst && rule.ip.dstMask === 0)) return kerr('EINVAL', 'Invalid argument');
  for (const m of rule.matches) {
    const proto = m.name === 'tcp' ? 6 : m.name === 'udp' ? 17 : m.name === 'sctp' ? 132 : m.name === 'icmp' ? 1 : 0;
    if (proto !== 0 && (rule.ip.proto !== proto || rule.ip.invProto)) return kerr('EINVAL', 'Invalid argument');
    // recent_mt_check(): --set/--remove take no --seconds/--hitcount/--reap/--rttl; a list needs a name.
    if (m.name === 'recent' && (m.list === '' || ((m.op === 'set' || m.op === 'remove') && (m.seconds || m.hitcount || m.reap || m.rttl)))) {
      return kerr('EINVAL', 'Invalid argument');
    }
    if (m.name === 'addrtype' && hook !== undefined) {
      // addrtype_mt_checkentry: no input interface on the way out, no output interface on the way in.
      if (m.limitIfaceIn && (hook === 'OUTPUT' || hook === 'POSTROUTING')) return kerr('EINVAL', 'Invalid argument');
      if (m.limitIfaceOut && (hook === 'PREROUTING' || hook === 'INPUT')) return kerr('EINVAL', 'Invalid argument');
    }
  }
  const t = rule.target;
  if (!t) return OK;
  let ok = true;
  switch (t.name) {
    case 'DNAT':
      ok = allowedAt(table, hook, ['nat'], ['PREROUTING', 'OUTPUT']);
      break;
    case 'SNAT':
      ok = allowedAt(table, hook, ['nat'], ['POSTROUTING', 'INPUT']);
      break;
    case 'MASQUERADE':
      ok = allowedAt(table, hook, ['nat'], ['POSTROUTING']);
      break;
    case 'NOTRACK':
    case 'CT':
      ok = allowedAt(table, hook, ['raw'], undefined);
      break;
    case 'REJECT':
      // ipt_REJECT: table "filter", hooks LOCAL_IN, FORWARD and LOCAL_OUT; tcp-reset needs "-p tcp"
      // without "!" (reject_tg_check).
      ok = allowedAt(table, hook, ['filter'], ['INPUT', 'FORWARD', 'OUTPUT']);
      if (t.with === 'tcp-reset' && (rule.ip.proto !== 6 || rule.ip.invProto)) ok = false;
      break;
    default:
      break;
  }
  return ok ? OK : kerr('EINVAL', 'Invalid argument');
}

/** c.name's UTF-16 code unit at d, or -1 past its end (a prefix sorts first, as with `<`). */
function codeAt(c: NfChain, d: number): number {
  return d < c.name.length ? c.name.charCodeAt(d) : -1;
}

/** a.name < b.name for names known to agree on their first d code units. */
function lessFrom(a: string, b: string, d: number): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = d; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < y;
  }
  return a.length < b.length;
}

/**
 * Sorts chains by name in code unit order, the order of `a.name < b.name`, by multikey quicksort:
 * kube-proxy's 110,000 chain names share long prefixes ("KUBE-SEP-"), and Array.sort with a string
 * comparator spent half of iptables-save comparing those prefixes again and again.
 */
function sortByName(a: NfChain[], lo = 0, hi = a.length, d = 0): void {
  while (hi - lo > 12) {
    const v = codeAt(a[lo + ((hi - lo) >> 1)]!, d);
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i < gt) {
      const c = codeAt(a[i]!, d);
      if (c < v) {
        const x = a[lt]!;
        a[lt++] = a[i]!;
        a[i++] = x;
      } else if (c > v) {
        const x = a[--gt]!;
        a[gt] = a[i]!;
        a[i] = x;
      } else i++;
    }
    sortByName(a, lo, lt, d);
    sortByName(a, gt, hi, d);
    // [lt, gt) share their first d+1 code units; names ending here are all equal.
    if (v < 0) return;
    lo = lt;
    hi = gt;
    d++;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && lessFrom(x.name, a[j]!.name, d)) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

export class NfTable {
  readonly chains = new Map<string, NfChain>();
  /**
   * iptables-nft creates a table lazily: listing, flushing or zeroing an absent table leaves it
   * absent (iptables-save prints nothing for it); adding a rule, chain or policy creates it.
   */
  exists = false;
  /*
   * How many rules jump or go to each chain (NfChain.refs), kept up to date so -X and -L stay O(1)
   * per chain. A jump can only be added to a chain that exists and a chain is only deleted with no
   * jumps from elsewhere, so no count outlives its chain.
   */

  constructor(readonly name: TableName) {
    for (const c of TABLES[name].chains) this.chains.set(c, new NfChain(c, true));
  }

  clone(): NfTable {
    const t = new NfTable(this.name);
    t.chains.clear();
    for (const [n, c] of this.chains) t.chains.set(n, c.clone());
    t.exists = this.exists;
    return t;
  }

  private ref(rule: Rule, delta: number): void {
    const t = rule.target;
    if (t?.name !== 'jump') return;
    const c = this.chains.get(t.chain);
    if (c) c.refs += delta;
  }

  chain(name: string): NfChain | undefined {
    return this.chains.get(name);
  }

  /** Built-in chains in kernel order, then user chains sorted by name (as iptables-nft lists them). */
  listChains(): NfChain[] {
    const builtin: NfChain[] = [];
    const user: NfChain[] = [];
    for (const c of this.chains.values()) (c.builtin ? builtin : user).push(c);
    builtin.sort((a, b) => TABLES[this.name].chains.indexOf(a.name as Hook) - TABLES[this.name].chains.indexOf(b.name as Hook));
    sortByName(user);
    return builtin.concat(user);
  }

  /** How many rules jump or go to a chain ("(N references)" in -L). */
  references(name: string): number {
    return this.chains.get(name)?.refs ?? 0;
  }

  private getChain(name: string): KResult<NfChain> {
    const c = this.chains.get(name);
    return c ? { ok: true, value: c } : kerr('ENOENT', ERR_NO_CHAIN);
  }

  /*
   * Which hooks reach each chain (a bit per hook), as the kernel's table validation computes it: a
   * rule is checked against every hook its chain can be reached from, so a user chain holding DNAT
   * cannot be called from POSTROUTING, and DNAT cannot be added to a chain POSTROUTING calls.
   * Grown incrementally as jumps are added; recomputed after jumps go away.
   */
  private reachDirty = true;

  /** NfChain.reach, recomputed first if jumps went away since. */
  private hooksOf(chain: NfChain): number {
    if (this.reachDirty) {
      this.reachDirty = false;
      for (const c of this.chains.values()) c.reach = 0;
      for (const c of this.chains.values()) if (c.builtin) this.propagate(c, HOOK_BIT[c.name as Hook]);
    }
    return chain.reach;
  }

  private propagate(chain: NfChain, bits: number): void {
    // The common case (a jump to a chain with no jumps of its own yet) allocates nothing.
    if (!(bits & ~chain.reach)) return;
    const stack: NfChain[] = [chain];
    const stackBits: number[] = [bits];
    while (stack.length > 0) {
      const c = stack.pop()!;
      const b = stackBits.pop()!;
      const added = b & ~c.reach;
      if (!added) continue;
      c.reach |= added;
      for (const r of c.rules) {
        if (r.target?.name !== 'jump') continue;
        const next = this.chains.get(r.target.chain);
        if (next) {
          stack.push(next);
          stackBits.push(added);
        }
      }
    }
  }

  private checkAt(bits: number, rule: Rule): KResult<void> {
    if (bits === 0) return checkTarget(this.name, undefined, rule);
    for (const h of HOOK_LIST) {
      if (!(bits & HOOK_BIT[h])) continue;
      const v = checkTarget(this.name, h, rule);
      if (!v.ok) return v;
    }
    return OK;
  }

  /** The chain a rule jumps or goes to, if it is a jump; undefined for other targets. */
  private jumpTo(rule: Rule): NfChain | undefined {
    const t = rule.target;
    if (t?.name !== 'jump') return undefined;
    const last = this.lastJumpedTo;
    if (last !== undefined && last.name === t.chain) return last;
    const c = this.chains.get(t.chain);
    this.lastJumpedTo = c;
    return c;
  }

  /*
   * The chains the last append went to and the last jump pointed at. A restore appends runs of
   * rules to one chain (10 to each service chain, 10,000 to KUBE-SERVICES) and jumps to
   * KUBE-MARK-MASQ again and again; comparing a name beats a lookup in a 110,000-entry map. Cleared
   * whenever a chain goes away; a renamed chain's new name is checked like any other.
   */
  private lastAppended: NfChain | undefined;
  private lastJumpedTo: NfChain | undefined;

  private forgetLookups(): void {
    this.lastAppended = undefined;
    this.lastJumpedTo = undefined;
  }

  /** `target` is jumpTo(rule), looked up once by the caller. */
  private validate(chain: NfChain, rule: Rule, target: NfChain | undefined): KResult<void> {
    const bits = this.hooksOf(chain);
    const t = rule.target;
    if (t?.name === 'jump') {
      if (!target) return kerr('ENOENT', ERR_NO_CHAIN);
      // Hooks the jump newly lets reach the target: its whole closure must accept them.
      const added = bits & ~this.hooksOf(target);
      if (added) {
        const seen = new Set<string>();
        const stack = [target];
        while (stack.length > 0) {
          const c = stack.pop()!;
          if (seen.has(c.name)) continue;
          seen.add(c.name);
          for (const r of c.rules) {
            const v = this.checkAt(added, r);
            if (!v.ok) return v;
            if (r.target?.name === 'jump') {
              const next = this.chains.get(r.target.chain);
              if (next) stack.push(next);
            }
          }
        }
      }
    }
    return this.checkAt(bits, rule);
  }

  /** After a rule went in: a jump counts as a reference and extends reachability (a replaced or removed jump may shrink it). */
  private added(chain: NfChain, target: NfChain | undefined): void {
    if (!target) return;
    target.refs++;
    if (!this.reachDirty) this.propagate(target, this.hooksOf(chain));
  }

  append(chainName: string, rule: Rule): KResult<void> {
    // The hot path of iptables-restore: one lookup of each chain, no result objects on success.
    let c = this.lastAppended;
    if (c === undefined || c.name !== chainName) {
      c = this.chains.get(chainName);
      if (!c) return kerr('ENOENT', ERR_NO_CHAIN);
      this.lastAppended = c;
    }
    const target = this.jumpTo(rule);
    const v = this.validate(c, rule, target);
    if (!v.ok) return v;
    c.rules.push(rule);
    c.changed();
    this.added(c, target);
    this.exists = true;
    return OK;
  }

  /** pos is 1-based as `iptables -I CHAIN pos`; pos = rules+1 appends. */
  insert(chainName: string, pos: number, rule: Rule): KResult<void> {
    const c = this.getChain(chainName);
    if (!c.ok) return c;
    if (pos < 1 || pos > c.value.rules.length + 1) return kerr('E2BIG', 'Index of insertion too big.');
    const target = this.jumpTo(rule);
    const v = this.validate(c.value, rule, target);
    if (!v.ok) return v;
    c.value.rules.splice(pos - 1, 0, rule);
    c.value.changed();
    this.added(c.value, target);
    this.exists = true;
    return kok(undefined);
  }

  replace(chainName: string, pos: number, rule: Rule): KResult<void> {
    const c = this.getChain(chainName);
    if (!c.ok) return c;
    if (pos < 1 || pos > c.value.rules.length) return kerr('E2BIG', 'Index of replacement too big.');
    const target = this.jumpTo(rule);
    const v = this.validate(c.value, rule, target);
    if (!v.ok) return v;
    const old = c.value.rules[pos - 1]!;
    this.ref(old, -1);
    if (old.target?.name === 'jump') this.reachDirty = true;
    c.value.rules[pos - 1] = rule;
    c.value.changed();
    this.added(c.value, target);
    this.exists = true;
    return kok(undefined);
  }

  /** Index (0-based) of the first rule whose canonical text equals this one's, as -D/-C compare. */
  find(chainName: string, rule: Rule): KResult<number> {
    const c = this.getChain(chainName);
    if (!c.ok) return c;
    const want = ruleSpec(rule);
    const i = c.value.rules.findIndex((r) => ruleSpec(r) === want && sameHiddenBytes(r, rule));
    return i < 0 ? kerr('ENOENT', ERR_BAD_RULE) : kok(i);
  }

  check(chainName: string, rule: Rule): KResult<void> {
    const i = this.find(chainName, rule);
    return i.ok ? kok(undefined) : i;
  }

  delete(chainName: string, which: number | Rule): KResult<void> {
    const c = this.getChain(chainName);
    if (!c.ok) return c;
    let idx: number;
    if (typeof which === 'number') {
      if (which < 1 || which > c.value.rules.length) return kerr('E2BIG', 'Index of deletion too big.');
      idx = which - 1;
    } else {
      const f = this.find(chainName, which);
      if (!f.ok) return f;
      idx = f.value;
    }
    const [gone] = c.value.rules.splice(idx, 1);
    if (gone) {
      this.ref(gone, -1);
      if (gone.target?.name === 'jump') this.reachDirty = true;
    }
    c.value.changed();
    return kok(undefined);
  }

  newChain(name: string): KResult<void> {
    if (this.chains.has(name)) return kerr('EEXIST', 'Chain already exists.');
    this.chains.set(name, new NfChain(name, false));
    this.exists = true;
    return kok(undefined);
  }

  /**
   * -X NAME, or every user chain without a name. iptables-nft flushes a chain before deleting it, so
   * only references from other chains (and built-in chains themselves) make it busy (EBUSY).
   */
  deleteChain(name?: string): KResult<void> {
    this.reachDirty = true;
    this.forgetLookups();
    const busy = (v: string): KResult<void> => kerr('EBUSY', `CHAIN_DEL failed (Device or resource busy): chain ${v}`);
    if (name !== undefined) {
      const c = this.chains.get(name);
      if (!c) return kerr('ENOENT', ERR_NO_CHAIN);
      if (c.builtin) return busy(name);
      let self = 0;
      for (const r of c.rules) if (r.target?.name === 'jump' && r.target.chain === name) self++;
      if (this.references(name) > self) return busy(name);
      for (const r of c.rules) this.ref(r, -1);
      this.chains.delete(name);
      return OK;
    }
    // Every user chain goes (each flushed first), so only jumps from built-in chains keep one busy.
    for (const c of this.chains.values()) {
      if (!c.builtin) continue;
      for (const r of c.rules) if (r.target?.name === 'jump' && !this.chains.get(r.target.chain)?.builtin) return busy(r.target.chain);
    }
    for (const c of [...this.chains.values()]) {
      if (c.builtin) continue;
      for (const r of c.rules) this.ref(r, -1);
      this.chains.delete(c.name);
    }
    return OK;
  }

  flush(name?: string): KResult<void> {
    this.reachDirty = true;
    if (name !== undefined) {
      const c = this.getChain(name);
      if (!c.ok) return c;
      for (const r of c.value.rules) this.ref(r, -1);
      c.value.rules = [];
      c.value.changed();
      return kok(undefined);
    }
    for (const c of this.chains.values()) {
      c.rules = [];
      c.refs = 0;
      c.changed();
    }
    return kok(undefined);
  }

  zero(name?: string, ruleNum?: number): KResult<void> {
    const chains = name === undefined ? [...this.chains.values()] : [];
    if (name !== undefined) {
      const c = this.getChain(name);
      if (!c.ok) return c;
      chains.push(c.value);
    }
    for (const c of chains) {
      // -Z CHAIN NUM zeroes one rule; the chain's own (policy) counters stay.
      if (ruleNum === undefined) {
        c.counters = { pkts: 0, bytes: 0 };
        if (c.builtin) c.stats = true;
      }
      c.rules.forEach((r, i) => {
        if (ruleNum === undefined || ruleNum === i + 1) r.counters = ZERO_COUNTERS;
      });
    }
    return kok(undefined);
  }

  setPolicy(name: string, policy: string, counters?: Counters): KResult<void> {
    const c = this.chains.get(name);
    if (!c || !c.builtin) return kerr('ENOENT', 'Bad built-in chain name.');
    if (policy !== 'ACCEPT' && policy !== 'DROP') return kerr('EINVAL', 'Bad policy name.');
    c.policy = policy;
    // Setting a policy re-creates the base chain with counters: given ones, else zero.
    c.counters = counters ? { ...counters } : { pkts: 0, bytes: 0 };
    c.stats = true;
    this.exists = true;
    return kok(undefined);
  }

  renameChain(from: string, to: string): KResult<void> {
    this.reachDirty = true;
    this.forgetLookups();
    const c = this.chains.get(from);
    if (!c) return kerr('ENOENT', ERR_NO_CHAIN);
    if (this.chains.has(to)) return kerr('EEXIST', 'File exists.');
    if (c.builtin) return kerr('EINVAL', 'Invalid argument');
    this.chains.delete(from);
    c.name = to;
    this.chains.set(to, c);
    // Jumps name their chain; the kernel follows the chain object, so every jump follows the rename.
    for (const other of this.chains.values()) {
      other.rules = other.rules.map((r) =>
        r.target?.name === 'jump' && r.target.chain === from ? { ...r, target: { ...r.target, chain: to }, spec: undefined } : r,
      );
      other.changed();
    }
    return kok(undefined);
  }
}

export class Ruleset {
  private readonly tablesByName: Record<TableName, NfTable>;
  /**
   * Names of the ipsets that exist in this namespace: `-m set --match-set NAME` is refused unless
   * NAME is here, as the kernel refuses an unknown set. The ipset command will own this.
   */
  readonly ipsets = new Set<string>();

  constructor() {
    this.tablesByName = { raw: new NfTable('raw'), mangle: new NfTable('mangle'), filter: new NfTable('filter'), nat: new NfTable('nat') };
  }

  table(name: TableName): NfTable {
    return this.tablesByName[name];
  }

  /** Swap in a table built aside (iptables-restore's COMMIT: the whole table at once or nothing). */
  commit(table: NfTable): void {
    this.tablesByName[table.name] = table;
  }

  /** Tables that exist, in the order iptables-save prints them. */
  existingTables(): NfTable[] {
    return SAVE_ORDER.map((n) => this.tablesByName[n]).filter((t) => t.exists);
  }

  isBuiltin(table: TableName, chain: string): boolean {
    return isBuiltinChain(table, chain);
  }
}
