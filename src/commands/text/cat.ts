/** cat FILE... (or stdin, or `-`), with -n numbering, and coreutils' "cat: PATH: reason" errors. */
import { type Command, result } from '../types.js';
import { getopt, readPath, usageError } from './io.js';

export const cat: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'nAuE', '', { number: 'n' }, 'bestTv');
  if (!g.ok) return usageError('cat', g.message, 1, undefined, g.unsupported);
  const number = g.value.opts.some((o) => o.name === 'n');
  const showEnds = g.value.opts.some((o) => o.name === 'A' || o.name === 'E');
  const files = g.value.operands.length > 0 ? g.value.operands : ['-'];
  let out = '';
  let errs = '';
  let code = 0;
  for (const f of files) {
    const r = readPath(f, ctx);
    if (!r.ok) {
      errs += `cat: ${f}: ${r.message}\n`;
      code = 1;
      continue;
    }
    out += r.text;
  }
  if (showEnds) out = out.replace(/\t/g, g.value.opts.some((o) => o.name === 'A') ? '^I' : '\t').replace(/\n/g, '$\n');
  if (number) out = (out.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join('');
  return result(code, out, errs);
};
