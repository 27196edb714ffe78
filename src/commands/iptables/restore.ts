/**
 * iptables-restore (1.8.9, nf_tables): reads "*table ... COMMIT" blocks and applies each block as
 * one transaction — a bad line leaves the table as it was and names its line number — with
 * --noflush, --counters, --test, --table, and the errors and exit codes of the real tool.
 */
import { rulesetFor } from '../../kernel/netfilter/registry.js';
import { ERR_NO_CHAIN, NfTable, type Ruleset } from '../../kernel/netfilter/ruleset.js';
import { isTableName, type TableName } from '../../kernel/netfilter/tables.js';
import { prepareIndexes } from '../../kernel/netfilter/traverse.js';
import { readPath } from '../text/io.js';
import { result, type Command, type ExecContext, type ExecResult } from '../types.js';
import { applyCommand } from './iptables.js';
import { parseIptables, type ParsedCommand } from './parse.js';
import { IPTABLES_RESTORE_HELP } from './help.js';
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
  // Fast path: with spaces as the only blanks and no backslash, words and quoted runs can be found
  // with indexOf (native, a memchr) instead of a JavaScript loop over the 46 MB of a kube-proxy
  // payload one character at a time.
  if (!line.includes('\t') && !line.includes('\r') && !line.includes('\\')) return splitSimple(line);
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c && (line.charCodeAt(i + 1) === 0x22 || line.charCodeAt(i + 1) === 0x5c)) {
        cur += line.slice(start, i) + line[i + 1];
        i++;
        start = i + 1;
      } else if (c === 0x22) {
        cur += line.slice(start, i);
        quoted = false;
        start = i + 1;
      }
      continue;
    }
    if (c === 0x22) {
      cur += line.slice(start, i);
      quoted = true;
      inWord = true;
      start = i + 1;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      if (inWord) out.push(cur + line.slice(start, i));
      cur = '';
      inWord = false;
      start = i + 1;
      continue;
    }
    inWord = true;
  }
  if (inWord || quoted) out.push(cur + line.slice(start));
  return out;
}

/** splitRestoreLine for a line whose only blank is the space and which has no backslash. */
function splitSimple(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let nextQuote = line.indexOf('"');
  if (nextQuote < 0) nextQuote = n;
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 0x20) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if (c === 0x22) {
      // A quoted run joins the word it is in; an unterminated quote runs to the end of the line.
      let q = line.indexOf('"', i + 1);
      if (q < 0) q = n;
      cur += line.slice(i + 1, q);
      inWord = true;
      i = q + 1;
      nextQuote = i < n ? line.indexOf('"', i) : n;
      if (nextQuote < 0) nextQuote = n;
    } else {
      let sp = line.indexOf(' ', i);
      if (sp < 0) sp = n;
      const e = sp < nextQuote ? sp : nextQuote;
      cur = inWord ? cur + line.slice(i, e) : line.slice(i, e);
      inWord = true;
      i = e;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

type Failure = { exit: number; stderr: string };

const paramFail = (msg: string, line: number, bare = false): Failure => ({
  exit: 2,
  stderr: `${bare ? msg : `${PROG} ${VERSION}: ${msg}`}\nError occurred at line: ${line}\n${TRY}\n`,
});
/** A kernel refusal at COMMIT: nft batch errors (" failed (") name the line after the version, exit 4. */
const lineFail = (line: number, msg?: string): Failure =>
  msg?.includes(' failed (')
    ? { exit: 4, stderr: `${PROG} ${VERSION}: \nline ${line}: ${msg}\n` }
    : { exit: 1, stderr: `${PROG}: line ${line} failed${msg ? ': ' + msg : ''}\n` };

function missingJump(table: NfTable, p: ParsedCommand): string | undefined {
  for (const r of p.rules) if (r.target?.name === 'jump' && !table.chain(r.target.chain)) return r.target.chain;
  return undefined;
}

/**
 * Restores `text` into `rs`. Each block is applied to a scratch copy of its table as it is read and
 * swapped in at COMMIT, so a failing block changes nothing; tables committed by earlier blocks stay
 * committed, as with nft. iptables-nft resolves jump targets and talks to the kernel only at COMMIT
 * (its deferred batch), so a jump to a missing chain is reported against the COMMIT line and a
 * kernel refusal against the line that caused it, after every line of the block parsed.
 */
export function restore(text: string, rs: Ruleset, opts: RestoreOptions): Failure | undefined {
  let cur: NfTable | undefined;
  /** The first failure the COMMIT of the current block will report. */
  let atCommit: ((commitLine: number) => Failure) | undefined;
  let lineNo = 0;
  const env = { chainExists: (): boolean => true, setExists: (n: string): boolean => rs.ipsets.has(n) };
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line === '' || line[0] === '#') continue;
    if (cur === undefined) {
      if (line[0] === '*') {
        // strtok(buffer + 1, " \t\n"): the name ends at a blank; a CR stays part of it.
        const name = line.slice(1).split(/[ \t]/)[0] ?? '';
        if (!isTableName(name)) return paramFail(`${PROG}: line ${lineNo} table name '${name}' invalid`, lineNo);
        // Without --noflush the block starts from an empty table (iptables-nft deletes it first).
        cur = opts.noflush ? rs.table(name).clone() : new NfTable(name);
        atCommit = undefined;
        continue;
      }
      return lineFail(lineNo);
    }
    if (line === 'COMMIT') {
      if (atCommit) return atCommit(lineNo);
      if (!opts.test && (opts.table === undefined || opts.table === cur.name)) {
        rs.commit(cur);
        prepareIndexes(cur);
      }
      cur = undefined;
      continue;
    }
    const table = cur;
    const here = lineNo;
    if (line[0] === ':') {
      const words = line.slice(1).trim().split(/\s+/);
      const name = words[0] ?? '';
      const policy = words[1] ?? '';
      if (name.length >= 29) return paramFail(`chain name \`${name}' too long (must be under 29 chars)`, lineNo);
      if (atCommit) continue;
      const existing = table.chain(name);
      if (existing?.builtin) {
        if (policy !== '-') {
          const m = /^\[([0-9]+):([0-9]+)\]$/.exec(words[2] ?? '');
          const r = table.setPolicy(name, policy, opts.counters && m ? { pkts: Number(m[1]), bytes: Number(m[2]) } : undefined);
          if (!r.ok) atCommit = () => lineFail(here, r.error.extack ?? r.error.message);
        }
        table.exists = true;
      } else if (existing) {
        // Declaring a chain that exists flushes it (kube-proxy relies on this with --noflush).
        table.flush(name);
      } else {
        const r = table.newChain(name);
        if (!r.ok) atCommit = () => lineFail(here, r.error.extack ?? r.error.message);
      }
      continue;
    }
    let words = splitRestoreLine(line);
    let counters: { pkts: number; bytes: number } | undefined;
    const m = words[0]?.charCodeAt(0) === 0x5b ? /^\[([0-9]+):([0-9]+)\]$/.exec(words[0]) : null;
    if (m) {
      counters = { pkts: Number(m[1]), bytes: Number(m[2]) };
      words = words.slice(1);
    }
    // Jump targets are resolved at COMMIT, so the parser accepts any chain name here.
    if (words.includes('-t') || words.includes('--table')) return paramFail('The -t option cannot be used in iptables-restore.\n', lineNo);
    const parsed = parseIptables(words, env, table.name);
    if (!parsed.ok) return paramFail(parsed.error.msg, lineNo, parsed.error.bare);
    if (atCommit) continue;
    const p = parsed.value;
    if (counters && opts.counters) for (const r of p.rules) r.counters = { ...counters };
    // In a restored table the built-in chains exist only once used, so -X of one finds nothing.
    if (p.command === 'X' && p.chain !== undefined && table.chain(p.chain)?.builtin) {
      atCommit = () => lineFail(here, ERR_NO_CHAIN);
      continue;
    }
    const e = applyCommand(table, p);
    if (e) {
      // A jump to a chain that does not exist (yet) is nft_prepare's error, reported at COMMIT.
      const missing = e.errno === 'ENOENT' && table.chain(p.chain ?? '') ? missingJump(table, p) : undefined;
      atCommit = missing !== undefined ? (commitLine) => paramFail(`Chain '${missing}' does not exist`, commitLine) : () => lineFail(here, e.extack ?? e.message);
    }
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
          return result(0, '', IPTABLES_RESTORE_HELP);
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
    return runRestore(argv.slice(1), rulesetFor(ctx.host, ctx.netns), ctx);
  } catch (e) {
    return result(1, '', `${PROG}: internal error: ${(e as Error).message}\n`);
  }
};
