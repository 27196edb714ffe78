/**
 * The `iptables` program (1.8.9, nf_tables backend): parse the command line, apply it to the
 * namespace's Ruleset, and print what the real tool prints — listings, errors and exit codes.
 */
import { rulesetFor } from '../../kernel/netfilter/registry.js';
import type { NfTable, Ruleset } from '../../kernel/netfilter/ruleset.js';
import type { KernelError } from '../../kernel/errno.js';
import { result, type Command, type ExecContext, type ExecResult } from '../types.js';
import { IPTABLES_HELP } from './help.js';
import { listTable } from './list.js';
import { parseIptables, TRY, type ParsedCommand } from './parse.js';
import { listRules, VERSION } from './save.js';
import type { ParamError } from './values.js';

const PROG = 'iptables';

/** How a parameter problem reads on stderr: "iptables v1.8.9 (nf_tables): MSG" + the -h hint. */
export function paramErrorText(e: ParamError, prog = PROG): string {
  if (e.warnings) return e.warnings + paramErrorText({ ...e, warnings: '' }, prog);
  if (e.exit === 3) return `${prog} ${VERSION}: ${e.msg}\n`;
  const head = e.bare ? e.msg : `${prog} ${VERSION}: ${e.msg}`;
  return `${head}\n${TRY}\n`;
}

/**
 * How a kernel refusal reads: "iptables: TEXT" (exit 1), or for the nft batch errors iptables
 * reports with the operation name ("CHAIN_DEL failed (...)", "RULE_APPEND failed (...)") exit 4.
 */
export function kernelErrorText(e: KernelError): { text: string; exit: number } {
  const msg = e.extack ?? e.message;
  if (msg.includes(' failed (')) return { text: `${PROG} ${VERSION}:  ${msg}\n`, exit: 4 };
  // iptables appends the dmesg hint to EINVAL answers (policy names).
  if (e.errno === 'EINVAL') return { text: `${PROG}: ${msg} Run \`dmesg' for more information.\n`, exit: 1 };
  return { text: `${PROG}: ${msg}\n`, exit: 1 };
}

const OP_NAME: Partial<Record<ParsedCommand['command'], string>> = { A: 'RULE_APPEND', I: 'RULE_INSERT', R: 'RULE_REPLACE' };

/** A kernel refusal as iptables words it; EINVAL on a rule names the nft operation that failed. */
function fail(r: { ok: boolean; error?: KernelError }, p: ParsedCommand): KernelError | undefined {
  if (r.ok) return undefined;
  const e = r.error!;
  if (e.errno === 'EINVAL' && OP_NAME[p.command]) {
    return { ...e, extack: `${OP_NAME[p.command]} failed (Invalid argument): rule in chain ${p.chain}` };
  }
  return e;
}

/** Applies one parsed modifying command to a table; returns a kernel error as iptables words it. */
export function applyCommand(table: NfTable, p: ParsedCommand): KernelError | undefined {
  const chain = p.chain!;
  switch (p.command) {
    case 'A':
      for (const r of p.rules) {
        const e = fail(table.append(chain, r), p);
        if (e) return e;
      }
      return undefined;
    case 'I': {
      // Each expanded rule goes in at the same position, so they end up in reverse order.
      const pos = p.ruleNum ?? 1;
      for (const r of p.rules) {
        const e = fail(table.insert(chain, pos, r), p);
        if (e) return e;
      }
      return undefined;
    }
    case 'R':
      if (p.rules.length !== 1) return { kind: 'kernel', errno: 'EINVAL', message: 'Invalid argument', extack: '-R requires a single rule' };
      return fail(table.replace(chain, p.ruleNum!, p.rules[0]!), p);
    case 'D':
      if (p.ruleNum !== undefined && p.rules.length === 0) return fail(table.delete(chain, p.ruleNum), p);
      for (const r of p.rules) {
        const e = fail(table.delete(chain, r), p);
        if (e) return e;
      }
      return undefined;
    case 'C':
      for (const r of p.rules) {
        const e = fail(table.check(chain, r), p);
        if (e) return e;
      }
      return undefined;
    case 'N':
      return fail(table.newChain(chain), p);
    case 'X':
      return fail(table.deleteChain(p.chain), p);
    case 'F':
      return fail(table.flush(p.chain), p);
    case 'Z':
      return fail(table.zero(p.chain, p.ruleNum), p);
    case 'P':
      return fail(table.setPolicy(chain, p.policy!), p);
    case 'E':
      return fail(table.renameChain(chain, p.newName!), p);
    default:
      return undefined;
  }
}

function list(rs: Ruleset, p: ParsedCommand): ExecResult {
  const table = rs.table(p.table);
  let chains = table.listChains();
  if (p.chain !== undefined) {
    const c = table.chain(p.chain);
    if (!c) return result(1, '', `${PROG} ${VERSION}: chain \`${p.chain}' in table \`${p.table}' is incompatible, use 'nft' tool.\n`);
    chains = [c];
  }
  if (p.command === 'S') {
    return result(0, listRules(chains, { verbose: p.verbose, ...(p.ruleNum !== undefined ? { ruleNum: p.ruleNum } : {}) }));
  }
  let out = listTable(table, chains, { numeric: p.numeric, verbose: p.verbose, exact: p.exact, lineNumbers: p.lineNumbers }, p.ruleNum);
  if (p.command === 'L' && p.verbose === false && p.ruleNum === undefined) out = out;
  return result(0, out);
}

/** Runs iptables against a Ruleset directly (tests, and `ip netns exec` through the Command). */
export function runIptables(args: string[], rs: Ruleset): ExecResult {
  const parsed = parseIptables(args, { chainExists: (t, c) => rs.table(t).chain(c) !== undefined, setExists: (n) => rs.ipsets.has(n) });
  if (!parsed.ok) return result(parsed.error.exit, '', paramErrorText(parsed.error));
  const p = parsed.value;
  const r = runParsed(p, rs);
  return p.warnings ? { ...r, stderr: p.warnings + r.stderr } : r;
}

function runParsed(p: ParsedCommand, rs: Ruleset): ExecResult {
  switch (p.command) {
    case 'V':
      return result(0, `${PROG} ${VERSION}\n`);
    case 'h':
      return result(0, IPTABLES_HELP);
    case 'L':
    case 'S': {
      const out = list(rs, p);
      // -L -Z lists then zeroes; only -L is modelled.
      return out;
    }
    default: {
      const e = applyCommand(rs.table(p.table), p);
      if (e) {
        const t = kernelErrorText(e);
        return result(t.exit, '', t.text);
      }
      return result(0);
    }
  }
}

export const iptables: Command = (argv: string[], ctx: ExecContext): ExecResult => {
  try {
    return runIptables(argv.slice(1), rulesetFor(ctx.host, ctx.netns));
  } catch (e) {
    // A podnet bug must not crash the lab; report it the way a crashing tool would.
    return result(1, '', `${PROG}: internal error: ${(e as Error).message}\n`);
  }
};
