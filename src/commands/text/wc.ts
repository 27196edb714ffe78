/** wc -l -w -c -m with GNU's column widths (1 for a single count, else wide enough for the byte total, at least 7 for pipes). */
import { type Command, result } from '../types.js';
import { getopt, readPath, usageError } from './io.js';

interface Counts {
  lines: number;
  words: number;
  chars: number;
  bytes: number;
}

function count(text: string): Counts {
  const words = text.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '').length;
  return { lines: (text.match(/\n/g) ?? []).length, words, chars: [...text].length, bytes: Buffer.byteLength(text, 'utf8') };
}

export const wc: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'lwcm', '', { lines: 'l', words: 'w', bytes: 'c', chars: 'm' }, 'L');
  if (!g.ok) return usageError('wc', g.message, 1, undefined, g.unsupported);
  const set = new Set(g.value.opts.map((o) => o.name));
  const cols: (keyof Counts)[] = set.size === 0 ? ['lines', 'words', 'bytes'] : (['lines', 'words', 'chars', 'bytes'] as const).filter((k) => set.has({ lines: 'l', words: 'w', chars: 'm', bytes: 'c' }[k]));
  const files = g.value.operands.length > 0 ? g.value.operands : ['-'];
  const rows: { counts: Counts; name?: string }[] = [];
  let errs = '';
  let code = 0;
  // Width follows GNU: stdin/pipes are not regular files (minimum 7); emulated files count as regular.
  let minWidth = 1;
  let regularTotal = 0;
  for (const f of files) {
    const r = readPath(f, ctx);
    if (!r.ok) {
      errs += `wc: ${f}: ${r.message}\n`;
      code = 1;
      continue;
    }
    const c = count(r.text);
    if (f === '-') minWidth = 7;
    else regularTotal += f.startsWith('/proc/') ? 0 : c.bytes;
    rows.push({ counts: c, ...(g.value.operands.length > 0 ? { name: f } : {}) });
  }
  const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += r.counts[k];
  let width = Math.max(String(regularTotal).length, minWidth);
  if (files.length === 1 && cols.length === 1) width = 1;
  if (code !== 0 && rows.length === 0) width = 1;
  const fmt = (c: Counts, name?: string): string => cols.map((k) => String(c[k]).padStart(width)).join(' ') + (name !== undefined ? ` ${name}` : '') + '\n';
  let out = rows.map((r) => fmt(r.counts, r.name)).join('');
  if (files.length > 1) out += fmt(total, 'total');
  return result(code, out, errs);
};
