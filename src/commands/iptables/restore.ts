/**
 * iptables-restore (1.8.9, nf_tables): reads "*table ... COMMIT" blocks and applies each block as
 * one transaction — a bad line leaves the table as it was and names its line number — with
 * --noflush, --counters, --test, --table, and the errors and exit codes of the real tool.
 */
import { getRuleset } from '../../kernel/netfilter/registry.js';
import { ERR_NO_CHAIN, NfTable, type Ruleset } from '../../kernel/netfilter/ruleset.js';
import { isTableName, type TableName } from '../../kernel/netfilter/tables.js';
import { readPath } from '../text/io.js';
import { result, type Command, type ExecContext, type ExecResult } from '../types.js';
import { applyCommand } from './iptables.js';
import { parseIptables, type ParsedCommand } from './parse.js';
import { VERSION } from './save.js';

const PROG = 'iptables-restore';
const TRY = "Try `iptables-restore -h' or 'iptables-restore --help' for more information.";

export interface RestoreOptions {
  noflush: boolean;
  counters: boolean;
  test: boolean;
  table?: TableName;
}

/**
 * add_param_to_argv(): split on blanks; double quotes group words and are removed; inside quotes
 * a backslash escapes a quote. An unterminated quote runs to the end of the line.
 */
export function splitRestoreLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      inWord = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (inWord) out.push(cur);
  return out;
}

type Failure = { exit: number; stderr: string };

const paramFail = (msg: string, line: number, bare = false): Failure => ({
  exit: 2,
  stderr: `${bare ? msg : `${PROG} ${VERSION}: ${msg}`}\nError occurred at line: ${line}\n${TRY}\n`,
});
const lineFail = (line: number, msg?: string): Failure => ({ exit: 1, stderr: `${PROG}: line ${line} failed${msg ? ': ' + msg : ''}\n` });

type Op =
  | { line: number; kind: 'chain'; name: string; policy: string; counters?: { pkts: number; bytes: number } }
  | { line: number; kind: 'cmd'; cmd: ParsedCommand };

/**
 * Applies one block's operations in order, as iptables-nft's deferred batch (nft_prepare) does at
 * COMMIT: a jump to a chain that does not exist by then is reported against the COMMIT line; a
 * kernel refusal against the line of the operation that caused it.
 */
function applyBlock(table: NfTable, ops: Op[], commitLine: number): Failure | undefined {
  for (const op of ops) {
    if (op.kind === 'chain') {
      const existing = table.chain(op.name);
      if (existing?.builtin) {
        if (op.policy !== '-') {
          const r = table.setPolicy(op.name, op.policy, op.counters);
          if (!r.ok) return lineFail(op.line, r.error.extack ?? r.error.message);
        }
        table.exists = true;
      } else if (existing) {
        // Declaring a chain that exists flushes it (kube-proxy relies on this with --noflush).
        table.flush(op.name);
      } else {
        const r = table.newChain(op.name);
        if (!r.ok) return lineFail(op.line, r.error.extack ?? r.error.message);
      }
      continue;
    }
    const p = op.cmd;
    for (const r of p.rules) {
      if (r.target?.name === 'jump' && !table.chain(r.target.chain)) return paramFail(`Chain '${r.target.chain}' does not exist`, commitLine);
    }
    // In a restored table the built-in chains exist only once used, so -X of one finds nothing.
    if (p.command === 'X' && p.chain !== undefined && table.chain(p.chain)?.builtin) return lineFail(op.line, ERR_NO_CHAIN);
    const e = applyCommand(table, p);
    if (e) return lineFail(op.line, e.extack ?? e.message);
  }
  return undefined;
}

/** Restores `text` into `rs`. Tables committed before a failing block stay committed, as with nft. */
export function restore(text: string, rs: Ruleset, opts: RestoreOptions): Failure | undefined {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let cur: TableName | undefined;
  let ops: Op[] = [];
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line[0] === '#') continue;
    if (cur === undefined) {
      if (line[0] === '*') {
        const name = line.slice(1).trim();
        if (!isTableName(name)) return paramFail(`${PROG}: line ${lineNo} table name '${name}' invalid`, lineNo);
        cur = name;
        ops = [];
        continue;
      }
      return lineFail(lineNo);
    }
    if (line === 'COMMIT') {
      // Without --noflush the block starts from an empty table (iptables-nft deletes it first).
      const table = opts.noflush ? rs.table(cur).clone() : new NfTable(cur);
      const f = applyBlock(table, ops, lineNo);
      if (f) return f;
      if (!opts.test && (opts.table === undefined || opts.table === cur)) rs.commit(table);
      cur = undefined;
      continue;
    }
    if (line[0] === ':') {
      const words = line.slice(1).trim().split(/\s+/);
      const name = words[0] ?? '';
      if (name.length >= 29) return paramFail(`chain name \`${name}' too long (must be under 29 chars)`, lineNo);
      const m = /^\[([0-9]+):([0-9]+)\]$/.exec(words[2] ?? '');
      ops.push({ line: lineNo, kind: 'chain', name, policy: words[1] ?? '', ...(opts.counters && m ? { counters: { pkts: Number(m[1]), bytes: Number(m[2]) } } : {}) });
      continue;
    }
    let words = splitRestoreLine(line);
    let counters: { pkts: number; bytes: number } | undefined;
    const m = /^\[([0-9]+):([0-9]+)\]$/.exec(words[0] ?? '');
    if (m) {
      counters = { pkts: Number(m[1]), bytes: Number(m[2]) };
      words = words.slice(1);
    }
    // Jump targets are resolved at COMMIT (applyBlock), so the parser accepts any chain name here.
    const parsed = parseIptables(['-t', cur, ...words], { chainExists: () => true });
    if (!parsed.ok) return paramFail(parsed.error.msg.replace(/\n$/, ''), lineNo, parsed.error.bare);
    if (counters && opts.counters) for (const r of parsed.value.rules) r.counters = { ...counters };
    ops.push({ line: lineNo, kind: 'cmd', cmd: parsed.value });
  }
  if (cur !== undefined) return { exit: 1, stderr: `${PROG}: COMMIT expected at line ${lineNo + 1}\n` };
  return undefined;
}

function usageFail(msg: string): ExecResult {
  return result(1, '', `${PROG}: ${msg}\nTry \`${PROG} -h' for more information.\n`);
}

export function runRestore(args: string[], rs: Ruleset, ctx: Pick<ExecContext, 'stdin'> & Partial<ExecContext>): ExecResult {
  const opts: RestoreOptions = { noflush: false, counters: false, test: false };
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const long: Record<string, string> = { '--noflush': 'n', '--counters': 'c', '--test': 't', '--verbose': 'v', '--wait': 'w', '--wait-interval': 'W', '--table': 'T', '--help': 'h', '--version': 'V', '--modprobe': 'M' };
    let letters: string;
    if (a.startsWith('--')) {
      const l = long[a.split('=')[0]!];
      if (!l) return usageFail(`unrecognized option '${a}'`);
      letters = l;
    } else if (a.startsWith('-') && a.length > 1) letters = a.slice(1);
    else {
      file = a;
      continue;
    }
    for (const l of letters) {
      switch (l) {
        case 'n':
          opts.noflush = true;
          break;
        case 'c':
          opts.counters = true;
          break;
        case 't':
          opts.test = true;
          break;
        case 'v':
          break;
        case 'w':
        case 'W':
          if (args[i + 1] !== undefined && /^[0-9]+$/.test(args[i + 1]!)) i++;
          break;
        case 'T': {
          const t = args[++i];
          if (t === undefined || !isTableName(t)) return result(1, '', `${PROG}: table '${t ?? ''}' does not exist\n`);
          opts.table = t;
          break;
        }
        case 'M':
          i++;
          break;
        case 'V':
          return result(0, `${PROG} ${VERSION}\n`);
        case 'h':
          return result(0, `Usage: ${PROG} [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [file]\n`);
        default:
          return usageFail(`invalid option -- '${l}'`);
      }
    }
  }
  let text = ctx.stdin;
  if (file !== undefined) {
    if (!ctx.fs || !ctx.cwd) return result(1, '', `Can't open ${file}: No such file or directory\n`);
    const r = readPath(file, ctx as ExecContext);
    if (!r.ok) return result(1, '', `Can't open ${file}: ${r.message}\n`);
    text = r.text;
  }
  const f = restore(text, rs, opts);
  return f ? result(f.exit, '', f.stderr) : result(0);
}

export const iptablesRestore: Command = (argv, ctx) => {
  try {
    return runRestore(argv.slice(1), getRuleset(ctx.host, ctx.netns), ctx);
  } catch (e) {
    return result(1, '', `${PROG}: internal error: ${(e as Error).message}\n`);
  }
};
