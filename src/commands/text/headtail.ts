/** head and tail by lines (-n N, -N, head -n -N, tail -n +N), with GNU's "==> FILE <==" headers for several files. */
import { type Command, type ExecContext, type ExecResult, result } from '../types.js';
import { getopt, readPath, usageError } from './io.js';

/** Rewrites the obsolete `-5` form into `-n 5`, as GNU head/tail accept it. */
function normalizeCount(argv: string[]): string[] {
  const [first, ...rest] = argv;
  return first !== undefined && /^-[0-9]+$/.test(first) ? [`-n${first.slice(1)}`, ...rest] : argv;
}

/** Lines of text, each keeping its own terminator, so a missing final newline survives. */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function run(which: 'head' | 'tail', argv: string[], ctx: ExecContext): ExecResult {
  const g = getopt(normalizeCount(argv.slice(1)), 'qv', 'nc', { lines: 'n', quiet: 'q', silent: 'q', verbose: 'v', bytes: 'c' }, which === 'tail' ? 'fFsz' : 'z');
  if (!g.ok) return usageError(which, g.message, 1, undefined, g.unsupported);
  let count = 10;
  let fromStart = false;
  let allBut = false;
  let bytes = false;
  for (const o of g.value.opts) {
    if (o.name !== 'n' && o.name !== 'c') continue;
    bytes = o.name === 'c';
    let v = o.arg!;
    fromStart = which === 'tail' && v.startsWith('+');
    allBut = which === 'head' && v.startsWith('-');
    if (v.startsWith('+') || v.startsWith('-')) v = v.slice(1);
    if (!/^[0-9]+$/.test(v)) {
      const what = bytes ? 'bytes' : 'lines';
      return result(1, '', `${which}: invalid number of ${what}: '${o.arg}'\n`);
    }
    count = Number(v);
  }
  const files = g.value.operands.length > 0 ? g.value.operands : ['-'];
  const headers = (files.length > 1 || g.value.opts.some((o) => o.name === 'v')) && !g.value.opts.some((o) => o.name === 'q');
  let out = '';
  let errs = '';
  let code = 0;
  files.forEach((f, idx) => {
    const r = readPath(f, ctx);
    if (!r.ok) {
      errs += which === 'head' ? `head: cannot open '${f}' for reading: ${r.message}\n` : `tail: cannot open '${f}' for reading: ${r.message}\n`;
      code = 1;
      return;
    }
    if (headers) out += `${idx > 0 ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`;
    const units = bytes ? [...r.text] : linesWithEnds(r.text);
    let pick: string[];
    if (which === 'head') pick = allBut ? units.slice(0, Math.max(0, units.length - count)) : units.slice(0, count);
    else pick = fromStart ? units.slice(Math.max(0, count - 1)) : count === 0 ? [] : units.slice(-count);
    out += pick.join('');
  });
  return result(code, out, errs);
}

export const head: Command = (argv, ctx) => run('head', argv, ctx);
export const tail: Command = (argv, ctx) => run('tail', argv, ctx);
