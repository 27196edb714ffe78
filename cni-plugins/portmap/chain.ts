/**
 * portmap's chain abstraction (plugins/meta/portmap/chain.go and pkg/utils/iptables.go, v1.1.1): a
 * chain in a table, the rules it holds, and the entry rules that jump to it from other chains;
 * set up, torn down and checked idempotently through go-iptables, one iptables call at a time, as
 * the real plugin does (recorded with an argv-logging iptables wrapper in an isolated host).
 */
import { GoIptables, iptablesErrorText, isNotExist, type IptablesError } from '../lib/go-iptables.js';
import { shellwordsParse } from './shellwords.js';

export interface Chain {
  table: string;
  name: string;
  /** The chains the entry rules go into. */
  entryChains: string[];
  /** Rules that "point" to this chain (each gets "-j NAME" appended). */
  entryRules: string[][];
  /** The rules this chain holds. */
  rules: string[][];
  /** Whether entry rules are inserted at the top (-I 1) instead of appended. */
  prependEntry: boolean;
}

export type Step = { ok: true } | { ok: false; message: string };
const OK: Step = { ok: true };
const fail = (message: string): Step => ({ ok: false, message });
const iptErr = (e: IptablesError) => fail(iptablesErrorText(e));

/** utils.ChainExists: the chain is among ListChains' names. */
function chainExists(ipt: GoIptables, table: string, chain: string): { ok: true; value: boolean } | { ok: false; error: IptablesError } {
  const r = ipt.listChains(table);
  return r.ok ? { ok: true, value: r.value.includes(chain) } : r;
}

/** utils.EnsureChain: create it unless it exists; "exists" (status 1) from -N is no error. */
export function ensureChain(ipt: GoIptables, table: string, chain: string): Step {
  const e = chainExists(ipt, table, chain);
  if (!e.ok) return fail(`failed to list iptables chains: ${iptablesErrorText(e.error)}`);
  if (!e.value) {
    const n = ipt.newChain(table, chain);
    if (!n.ok && n.error.exitStatus !== 1) return iptErr(n.error);
  }
  return OK;
}

/** utils.InsertUnique: -C, then -A (or -I CHAIN 1 when prepending) if the rule is absent. */
export function insertUnique(ipt: GoIptables, table: string, chain: string, prepend: boolean, rule: string[]): Step {
  const e = ipt.exists(table, chain, rule);
  if (!e.ok) return iptErr(e.error);
  if (e.value) return OK;
  const r = prepend ? ipt.run('-t', table, '-I', chain, '1', ...rule) : ipt.run('-t', table, '-A', chain, ...rule);
  return r.ok ? OK : iptErr(r.error);
}

/** chain.setup: ensure the chain, its rules, then the entry rules in every entry chain. */
export function setupChain(ipt: GoIptables, c: Chain): Step {
  const e = ensureChain(ipt, c.table, c.name);
  if (!e.ok) return e;
  for (const rule of c.rules) {
    const r = insertUnique(ipt, c.table, c.name, false, rule);
    if (!r.ok) return r;
  }
  for (const entryChain of c.entryChains) {
    for (const rule of c.entryRules) {
      const r = insertUnique(ipt, c.table, entryChain, c.prependEntry, [...rule, '-j', c.name]);
      if (!r.ok) return r;
    }
  }
  return OK;
}

/** ipt.List(table, chain): `-S CHAIN`, one rule a line. */
function listRules(ipt: GoIptables, table: string, chain: string): string[] | undefined {
  const r = ipt.run('-t', table, '-S', chain);
  if (!r.ok) return undefined;
  const lines = r.value.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * chain.teardown: flush the chain (ClearChain creates it when missing), delete every rule in the
 * entry chains that ends in "-j NAME" (re-read from `-S` and split as a shell would), delete the chain.
 */
export function teardownChain(ipt: GoIptables, c: Chain): Step {
  const cl = ipt.clearChain(c.table, c.name);
  if (!cl.ok) {
    if (!isNotExist(cl.error)) return iptErr(cl.error);
    const e = ensureChain(ipt, c.table, c.name);
    if (!e.ok) return e;
  }
  for (const entryChain of c.entryChains) {
    const rules = listRules(ipt, c.table, entryChain);
    // Swallowed upstream: probably the chain does not exist.
    if (rules === undefined || rules.length < 1) continue;
    for (const line of rules.slice(1)) {
      if (!line.endsWith(`-j ${c.name}`)) continue;
      const parts = shellwordsParse(line);
      if (!parts.ok) return fail(`error parsing iptables rule: ${line}: ${parts.message}`);
      // List results always begin with "-A CHAINNAME".
      const d = ipt.delete(c.table, entryChain, parts.value.slice(2));
      if (!d.ok && !isNotExist(d.error) && d.error.exitStatus !== 2) {
        return fail(`Failed to delete referring rule ${c.table} ${entryChain}: ${iptablesErrorText(d.error)}`);
      }
    }
  }
  const x = ipt.deleteChain(c.table, c.name);
  if (!x.ok && !isNotExist(x.error)) return iptErr(x.error);
  return OK;
}

/** Go's %v of a [][]string: [[a b] [c d]]. */
function goRules(rules: string[][]): string {
  return `[${rules.map((r) => `[${r.join(' ')}]`).join(' ')}]`;
}

/** chain.check: the chain exists, each rule (last first) and each entry rule is there. */
export function checkChain(ipt: GoIptables, c: Chain): Step {
  const e = chainExists(ipt, c.table, c.name);
  if (!e.ok) return iptErr(e.error);
  if (!e.value) return fail(`chain ${c.name} not found in iptables table ${c.table}`);
  const has = (chain: string, rule: string[]) => {
    const r = ipt.exists(c.table, chain, rule);
    return r.ok && r.value;
  };
  for (let i = c.rules.length - 1; i >= 0; i--) {
    if (!has(c.name, c.rules[i]!)) return fail(`rule ${goRules(c.rules)} in chain ${c.name} not found in table ${c.table}`);
  }
  for (const entryChain of c.entryChains) {
    for (let i = c.entryRules.length - 1; i >= 0; i--) {
      if (!has(entryChain, [...c.entryRules[i]!, '-j', c.name])) return fail(`rule ${goRules(c.entryRules)} in chain ${entryChain} not found in table ${c.table}`);
    }
  }
  return OK;
}
