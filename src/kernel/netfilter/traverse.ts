/**
 * Rule evaluation: ipt_do_table() over a namespace's Ruleset at one hook — tables in priority order,
 * chains with jump/goto/RETURN, counters, policies — with a per-chain index that makes kube-proxy's
 * 10,000-rule KUBE-SERVICES chain cost a map lookup while keeping first-match order exact.
 */
import { ruleMatches, type MatchEnv, type PacketView } from './match.js';
import { ZERO_COUNTERS, type NatRange, type RejectWith, type Rule, type Target } from './rule.js';
import type { NfChain, NfTable, Ruleset } from './ruleset.js';
import { ruleSpec } from './spec.js';
import { tablesAtHook, type Hook, type TableName } from './tables.js';

/** One step a trace shows: a rule that matched, or a built-in chain's policy that decided. */
export interface RuleHit {
  table: TableName;
  chain: string;
  /** 1-based rule number as `iptables -L --line-numbers` shows it; 0 for a policy. */
  num: number;
  /** "-A CHAIN ..." exactly as `iptables -S` prints the rule, or "-P CHAIN POLICY". */
  text: string;
  rule?: Rule;
}

export interface TraverseEnv extends MatchEnv {
  onRule?(hit: RuleHit): void;
  /** True when the packet starts a connection: the nat table only sees those (nf_nat_inet_fn). */
  natAllowed?: boolean;
  /** When set, updated before each rule is tested, so a random decision can say which rule drew it. */
  where?: { table: TableName; chain: string; num: number };
}

/** A NAT binding the nat table asked for; conntrack applies it and reverses it on replies. */
export type NatAction =
  | { kind: 'DNAT' | 'SNAT'; range: NatRange; random: boolean; randomFully: boolean; persistent: boolean; table: TableName; chain: string }
  | { kind: 'MASQUERADE'; minPort?: number; maxPort?: number; random: boolean; randomFully: boolean; table: TableName; chain: string };

export type Verdict =
  | { verdict: 'ACCEPT' }
  | { verdict: 'DROP'; table: TableName; chain: string; num: number; policy: boolean }
  | { verdict: 'REJECT'; with: RejectWith; table: TableName; chain: string; num: number };

export interface HookResult {
  verdict: Verdict;
  /** NAT requested at this hook (first packet only). */
  nat?: NatAction;
  /** -j NOTRACK / CT --notrack was hit (raw table): conntrack must leave the packet untracked. */
  notrack: boolean;
  /** -j CT --zone N. */
  zone?: number;
}

/* -------------------------------------------------------------------------------------------- *
 * The chain index. A rule is "keyed" when it can only match packets to one (dst/32, proto, dport):
 * `-d VIP/32 -p tcp ... -m tcp --dport P` without "!". For a packet we visit the keyed rules with
 * its key plus every unkeyed rule, merged in rule order: exactly the rules that could match, in
 * the order a linear walk would meet them.
 * -------------------------------------------------------------------------------------------- */

const INDEX_MIN_RULES = 32;

interface ChainIndex {
  /** dst -> (proto << 16 | dport) -> ascending rule positions. */
  keyed: Map<number, Map<number, number[]>>;
  unkeyed: number[];
}

function ruleKey(r: Rule): { dst: number; pk: number } | undefined {
  const ip = r.ip;
  if (ip.dstMask !== 0xffffffff || ip.invDst || ip.invProto) return undefined;
  if (ip.proto !== 6 && ip.proto !== 17 && ip.proto !== 132) return undefined;
  for (const m of r.matches) {
    if ((m.name === 'tcp' || m.name === 'udp' || m.name === 'sctp') && m.dport && !m.dport.inv && m.dport.lo === m.dport.hi) {
      return { dst: ip.dst, pk: (ip.proto << 16) | m.dport.lo };
    }
  }
  return undefined;
}

function buildIndex(chain: NfChain): ChainIndex | null {
  if (chain.rules.length < INDEX_MIN_RULES) return null;
  const keyed = new Map<number, Map<number, number[]>>();
  const unkeyed: number[] = [];
  chain.rules.forEach((r, i) => {
    const k = ruleKey(r);
    if (!k) {
      unkeyed.push(i);
      return;
    }
    let byPk = keyed.get(k.dst);
    if (!byPk) keyed.set(k.dst, (byPk = new Map()));
    const list = byPk.get(k.pk);
    if (list) list.push(i);
    else byPk.set(k.pk, [i]);
  });
  // Worth it only when most rules are keyed; otherwise a linear walk is as fast.
  return unkeyed.length * 2 > chain.rules.length ? null : { keyed, unkeyed };
}

/**
 * Build the index of every long chain of a table now rather than on the first packet (iptables-restore
 * calls this at COMMIT, the moment the kernel would have the new ruleset in place).
 */
export function prepareIndexes(table: NfTable): void {
  for (const c of table.chains.values()) if (c.index === undefined && c.rules.length >= INDEX_MIN_RULES) c.index = buildIndex(c);
}

/** Rule positions a packet must be tested against, ascending; undefined = every rule. */
function candidates(chain: NfChain, p: PacketView): number[] | undefined {
  if (chain.index === undefined) chain.index = buildIndex(chain);
  const idx = chain.index as ChainIndex | null;
  if (!idx) return undefined;
  const keyedList = p.dport !== undefined ? idx.keyed.get(p.dst)?.get((p.proto << 16) | p.dport) : undefined;
  if (!keyedList) return idx.unkeyed;
  const out: number[] = [];
  let a = 0;
  let b = 0;
  const u = idx.unkeyed;
  while (a < keyedList.length || b < u.length) {
    if (b >= u.length || (a < keyedList.length && keyedList[a]! < u[b]!)) out.push(keyedList[a++]!);
    else out.push(u[b++]!);
  }
  return out;
}

interface Frame {
  chain: NfChain;
  /** Positions to visit (undefined = all rules) and where we are in them. */
  cand: number[] | undefined;
  pos: number;
}

type TableOutcome =
  | { kind: 'accept'; nat?: NatAction }
  | { kind: 'drop'; chain: string; num: number; policy: boolean }
  | { kind: 'reject'; with: RejectWith; chain: string; num: number };

function report(env: TraverseEnv, table: TableName, chain: NfChain, pos: number, rule: Rule): void {
  if (env.onRule) env.onRule({ table, chain: chain.name, num: pos + 1, text: `-A ${chain.name} ${ruleSpec(rule)}`.trimEnd(), rule });
}

/** Non-terminal targets (XT_CONTINUE): change the packet or its entry, then go on. */
function applyContinue(t: Target, p: PacketView, side: { notrack: boolean; zone?: number }): void {
  switch (t.name) {
    case 'MARK':
      p.mark = ((p.mark & ~t.mask) ^ t.value) >>> 0;
      break;
    case 'CONNMARK':
      if (!p.ct) break;
      if (t.mode === 'set') p.ct.mark = ((p.ct.mark & ~t.mask) ^ t.value) >>> 0;
      else if (t.mode === 'save') p.ct.mark = ((p.ct.mark & ~t.ctmask) ^ (p.mark & t.nfmask)) >>> 0;
      else p.mark = ((p.mark & ~t.nfmask) ^ (p.ct.mark & t.ctmask)) >>> 0;
      break;
    case 'NOTRACK':
      side.notrack = true;
      break;
    case 'CT':
      if (t.notrack) side.notrack = true;
      if (t.zone !== undefined) side.zone = t.zone;
      break;
    default:
      break;
  }
}

/** ipt_do_table() for one table's built-in chain. */
export function traverseTable(
  table: NfTable,
  hook: Hook,
  p: PacketView,
  env: TraverseEnv,
  side: { notrack: boolean; zone?: number } = { notrack: false },
): TableOutcome {
  const base = table.chain(hook);
  if (!base) return { kind: 'accept' };
  const stack: Frame[] = [];
  let frame: Frame = { chain: base, cand: candidates(base, p), pos: 0 };
  for (;;) {
    const rules = frame.chain.rules;
    const limit = frame.cand ? frame.cand.length : rules.length;
    let jumped = false;
    while (frame.pos < limit) {
      const i = frame.cand ? frame.cand[frame.pos]! : frame.pos;
      frame.pos++;
      const rule = rules[i]!;
      if (env.where) {
        env.where.table = table.name;
        env.where.chain = frame.chain.name;
        env.where.num = i + 1;
      }
      if (!ruleMatches(rule, p, env)) continue;
      if (!env.dryRun) {
        if (rule.counters === ZERO_COUNTERS) rule.counters = { pkts: 1, bytes: p.len };
        else {
          rule.counters.pkts++;
          rule.counters.bytes += p.len;
        }
      }
      report(env, table.name, frame.chain, i, rule);
      const t = rule.target;
      if (!t) continue;
      switch (t.name) {
        case 'ACCEPT':
          return { kind: 'accept' };
        case 'DROP':
          return { kind: 'drop', chain: frame.chain.name, num: i + 1, policy: false };
        case 'REJECT':
          return { kind: 'reject', with: t.with, chain: frame.chain.name, num: i + 1 };
        case 'DNAT':
        case 'SNAT':
          return {
            kind: 'accept',
            nat: { kind: t.name, range: t.range, random: t.random, randomFully: t.randomFully, persistent: t.persistent, table: table.name, chain: frame.chain.name },
          };
        case 'MASQUERADE':
          return {
            kind: 'accept',
            nat: {
              kind: 'MASQUERADE',
              ...(t.minPort !== undefined ? { minPort: t.minPort, maxPort: t.maxPort } : {}),
              random: t.random,
              randomFully: t.randomFully,
              table: table.name,
              chain: frame.chain.name,
            },
          };
        case 'RETURN':
          frame.pos = limit;
          break;
        case 'jump': {
          const next = table.chain(t.chain);
          if (!next) continue;
          // -g does not push a return point: RETURN from there goes back to our caller.
          if (!t.goto) stack.push(frame);
          frame = { chain: next, cand: candidates(next, p), pos: 0 };
          jumped = true;
          break;
        }
        default:
          applyContinue(t, p, side);
          continue;
      }
      break;
    }
    if (jumped) continue;
    const back = stack.pop();
    if (back) {
      frame = back;
      continue;
    }
    // Fell off (or RETURNed from) the built-in chain: its policy decides.
    if (!env.dryRun && base.stats) {
      base.counters.pkts++;
      base.counters.bytes += p.len;
    }
    env.onRule?.({ table: table.name, chain: base.name, num: 0, text: `-P ${base.name} ${base.policy ?? 'ACCEPT'}` });
    return base.policy === 'DROP' ? { kind: 'drop', chain: base.name, num: 0, policy: true } : { kind: 'accept' };
  }
}

const HOOK_TABLES: Record<Hook, TableName[]> = {
  PREROUTING: tablesAtHook('PREROUTING'),
  INPUT: tablesAtHook('INPUT'),
  FORWARD: tablesAtHook('FORWARD'),
  OUTPUT: tablesAtHook('OUTPUT'),
  POSTROUTING: tablesAtHook('POSTROUTING'),
};

/**
 * Every table registered at `hook`, in priority order (raw, mangle, nat-dst, filter, nat-src),
 * stopping at the first DROP or REJECT. The nat table is skipped unless env.natAllowed (the kernel
 * runs nat chains only for a connection's first packet). Conntrack itself (priority -200) is the
 * caller's business: it runs between raw and mangle, see conntrack.ts.
 */
export function traverse(ruleset: Ruleset, hook: Hook, p: PacketView, env: TraverseEnv, only?: TableName[]): HookResult {
  const side: { notrack: boolean; zone?: number } = { notrack: false };
  let nat: NatAction | undefined;
  for (const name of HOOK_TABLES[hook]) {
    if (only && !only.includes(name)) continue;
    if (name === 'nat' && !env.natAllowed) continue;
    const table = ruleset.table(name);
    // iptables-nft registers a table's hooks only once the table exists; before, packets skip it.
    if (!table.exists) continue;
    const out = traverseTable(table, hook, p, env, side);
    if (out.kind === 'drop') return { verdict: { verdict: 'DROP', table: name, chain: out.chain, num: out.num, policy: out.policy }, notrack: side.notrack, ...(side.zone !== undefined ? { zone: side.zone } : {}) };
    if (out.kind === 'reject') return { verdict: { verdict: 'REJECT', with: out.with, table: name, chain: out.chain, num: out.num }, notrack: side.notrack };
    if (out.nat) nat = out.nat;
  }
  return { verdict: { verdict: 'ACCEPT' }, ...(nat ? { nat } : {}), notrack: side.notrack, ...(side.zone !== undefined ? { zone: side.zone } : {}) };
}
