/** cut -f/-c/-b with -d and -s; lines without the delimiter pass whole, as GNU cut does without -s. */
import { type Command, result } from '../types.js';
import { getopt, readPath, splitLines, usageError } from './io.js';

type Range = { from: number; to: number };

function parseList(spec: string): Range[] | undefined {
  const out: Range[] = [];
  for (const part of spec.split(',')) {
    const m = /^([0-9]*)(-?)([0-9]*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '') || part === '') return undefined;
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
    if (from === 0 || to < from) return undefined;
    out.push({ from, to });
  }
  return out;
}

const inList = (rs: Range[], n: number): boolean => rs.some((r) => n >= r.from && n <= r.to);

export const cut: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'sn', 'dfcb', { delimiter: 'd', fields: 'f', characters: 'c', bytes: 'b', 'only-delimited': 's' }, 'z');
  if (!g.ok) return usageError('cut', g.message, 1, undefined, g.unsupported);
  let delim = '\t';
  let mode: 'f' | 'c' | undefined;
  let list: Range[] | undefined;
  for (const o of g.value.opts) {
    if (o.name === 'd') {
      if ([...o.arg!].length !== 1) return usageError('cut', 'the delimiter must be a single character', 1);
      delim = o.arg!;
    }
    if (o.name === 'f' || o.name === 'c' || o.name === 'b') {
      if (mode) return usageError('cut', 'only one type of list may be specified', 1);
      mode = o.name === 'f' ? 'f' : 'c';
      list = parseList(o.arg!);
      if (!list) return usageError('cut', o.arg === '' || /^[,-]*$/.test(o.arg!) ? 'invalid range with no endpoint: -' : `invalid field value '${o.arg}'`, 1);
    }
  }
  if (!mode || !list) return usageError('cut', 'you must specify a list of bytes, characters, or fields', 1);
  const onlyDelim = g.value.opts.some((o) => o.name === 's');
  const files = g.value.operands.length > 0 ? g.value.operands : ['-'];
  let out = '';
  let errs = '';
  let code = 0;
  for (const f of files) {
    const r = readPath(f, ctx);
    if (!r.ok) {
      errs += `cut: ${f}: ${r.message}\n`;
      code = 1;
      continue;
    }
    for (const line of splitLines(r.text)) {
      if (mode === 'c') {
        out += [...line].filter((_, i) => inList(list, i + 1)).join('') + '\n';
        continue;
      }
      if (!line.includes(delim)) {
        if (!onlyDelim) out += line + '\n';
        continue;
      }
      out += line.split(delim).filter((_, i) => inList(list, i + 1)).join(delim) + '\n';
    }
  }
  return result(code, out, errs);
};
