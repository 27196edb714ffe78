/**
 * The `iptables-save` program: prints every existing table (or one with -t) in restore syntax, with
 * counters under -c, dating its comment lines from an injected clock so output is reproducible.
 */
import { rulesetFor } from '../../kernel/netfilter/registry.js';
import type { Ruleset } from '../../kernel/netfilter/ruleset.js';
import { isTableName } from '../../kernel/netfilter/tables.js';
import { result, type Command, type ExecContext, type ExecResult } from '../types.js';
import { ctime, saveRuleset, VERSION } from './save.js';

const PROG = 'iptables-save';

/** Virtual time starts at this wall-clock instant unless SOURCE_DATE_EPOCH says otherwise. */
export const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

/** The clock iptables-save dates its output with: SOURCE_DATE_EPOCH (seconds) or epoch + virtual time. */
export function virtualClock(ctx: Pick<ExecContext, 'env' | 'world'>): Date {
  const sde = ctx.env['SOURCE_DATE_EPOCH'];
  if (sde !== undefined && /^[0-9]+$/.test(sde)) return new Date(Number(sde) * 1000);
  let now = 0;
  try {
    now = ctx.world.now();
  } catch {
    now = 0;
  }
  return new Date(DEFAULT_EPOCH_MS + now);
}

export function runSave(args: string[], rs: Ruleset, date: Date): ExecResult {
  let counters = false;
  let table: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--counters') counters = true;
    else if (a === '-t' || a === '--table') {
      table = args[++i];
      if (table === undefined) return result(1, '', `${PROG}: option requires an argument -- 't'\nLook at manual page \`${PROG}.8' for more information.\n`);
    } else if (a.startsWith('--table=')) table = a.slice(8);
    else if (a === '-V' || a === '--version') return result(0, `${PROG} ${VERSION}\n`);
    else if (a === '-M' || a === '--modprobe') i++;
    else if (/^-[a-zA-Z]/.test(a) && !a.startsWith('--')) return result(1, '', `${PROG}: invalid option -- '${a[1]}'\nLook at manual page \`${PROG}.8' for more information.\n`);
    else return result(1, '', `${PROG}: unrecognized option '${a}'\nLook at manual page \`${PROG}.8' for more information.\n`);
  }
  if (table !== undefined && !isTableName(table)) return result(1, '', `Table \`${table}' does not exist\n`);
  return result(0, saveRuleset(rs, { counters, date: ctime(date), ...(table !== undefined ? { table } : {}) }));
}

/** A Command bound to a clock, for tests and for callers with their own time source. */
export function makeIptablesSave(clock: (ctx: ExecContext) => Date): Command {
  return (argv, ctx) => {
    try {
      return runSave(argv.slice(1), rulesetFor(ctx.host, ctx.netns), clock(ctx));
    } catch (e) {
      return result(1, '', `${PROG}: internal error: ${(e as Error).message}\n`);
    }
  };
}

export const iptablesSave: Command = makeIptablesSave(virtualClock);
