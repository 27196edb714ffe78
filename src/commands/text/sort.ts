/** sort in the C locale: -n -r -u -k POS1[,POS2] -t SEP -b -f -s, with GNU's last-resort whole-line comparison. */
import { type Command, result } from '../types.js';
import { getopt, readPath, splitLines, usageError } from './io.js';

interface Key {
  startField: number;
  startChar: number;
  endField?: number;
  endChar?: number;
  numeric: boolean;
  reverse: boolean;
  blanks: boolean;
  fold: boolean;
}

function parseKey(spec: string, global: Omit<Key, 'startField' | 'startChar'>): Key | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?([bnrf]*)(?:,([0-9]+)(?:\.([0-9]+))?([bnrf]*))?$/.exec(spec);
  if (!m || Number(m[1]) === 0) return undefined;
  const mods = (m[3] ?? '') + (m[6] ?? '');
  const own = mods !== '';
  return {
    startField: Number(m[1]),
    startChar: m[2] ? Number(m[2]) : 1,
    ...(m[4] ? { endField: Number(m[4]) } : {}),
    ...(m[5] ? { endChar: Number(m[5]) } : {}),
    numeric: own ? mods.includes('n') : global.numeric,
    reverse: own ? mods.includes('r') : global.reverse,
    blanks: own ? mods.includes('b') : global.blanks,
    fold: own ? mods.includes('f') : global.fold,
  };
}

/** Fields as GNU sort sees them: with -t split on SEP; otherwise each field keeps its leading blanks. */
function fields(line: string, sep: string | undefined): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  if (sep !== undefined) {
    let s = 0;
    for (;;) {
      const i = line.indexOf(sep, s);
      if (i < 0) {
        out.push({ start: s, end: line.length });
        return out;
      }
      out.push({ start: s, end: i });
      s = i + sep.length;
    }
  }
  let i = 0;
  while (i < line.length) {
    const start = i;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    out.push({ start, end: i });
  }
  return out;
}

function keyText(line: string, k: Key, sep: string | undefined): string {
  const fs = fields(line, sep);
  const sf = fs[k.startField - 1];
  if (!sf) return '';
  let start = sf.start;
  if (k.blanks) while (start < sf.end && (line[start] === ' ' || line[start] === '\t')) start++;
  start = Math.min(start + k.startChar - 1, line.length);
  let end = line.length;
  if (k.endField !== undefined) {
    const ef = fs[k.endField - 1];
    if (ef) end = k.endChar !== undefined ? Math.min(ef.start + k.endChar, ef.end) : ef.end;
  }
  return line.slice(start, Math.max(start, end));
}

function numVal(s: string): number {
  const m = /^[ \t]*(-?[0-9]*(?:\.[0-9]*)?)/.exec(s);
  const v = m ? Number.parseFloat(m[1]!) : NaN;
  return Number.isNaN(v) ? 0 : v;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const sort: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'nrubfsV', 'kto', {
    'numeric-sort': 'n', reverse: 'r', unique: 'u', key: 'k', 'field-separator': 't', 'ignore-leading-blanks': 'b', 'ignore-case': 'f', stable: 's', output: 'o',
  }, 'dghMRcCmTSz');
  if (!g.ok) return usageError('sort', g.message, 2, undefined, g.unsupported);
  const has = (c: string): boolean => g.value.opts.some((o) => o.name === c);
  if (has('V') || has('o')) return result(2, '', `podnet: unsupported: sort ${has('V') ? '-V' : '-o'}\n`);
  const global = { numeric: has('n'), reverse: has('r'), blanks: has('b'), fold: has('f') };
  let sep: string | undefined;
  const keys: Key[] = [];
  for (const o of g.value.opts) {
    if (o.name === 't') {
      if (o.arg!.length !== 1) return result(2, '', o.arg === '' ? 'sort: empty tab\n' : `sort: multi-character tab '${o.arg}'\n`);
      sep = o.arg!;
    }
    if (o.name === 'k') {
      const k = parseKey(o.arg!, global);
      if (!k) return result(2, '', `sort: invalid number at field start: invalid count at start of '${o.arg}'\n`);
      keys.push(k);
    }
  }
  const whole: Key = { startField: 1, startChar: 1, ...global };
  const useKeys = keys.length > 0 ? keys : [whole];
  let lines: string[] = [];
  let errs = '';
  const files = g.value.operands.length > 0 ? g.value.operands : ['-'];
  for (const f of files) {
    const r = readPath(f, ctx);
    if (!r.ok) return result(2, '', `sort: cannot read: ${f}: ${r.message}\n`);
    lines.push(...splitLines(r.text));
  }
  const keyCmp = (a: string, b: string): number => {
    for (const k of useKeys) {
      const ka = k === whole ? a : keyText(a, k, sep);
      const kb = k === whole ? b : keyText(b, k, sep);
      let c: number;
      if (k.numeric) c = numVal(ka) - numVal(kb);
      else if (k.fold) c = cmpStr(ka.toUpperCase(), kb.toUpperCase());
      else c = cmpStr(k.blanks ? ka.trimStart() : ka, k.blanks ? kb.trimStart() : kb);
      if (c !== 0) return (k.reverse ? -c : c) > 0 ? 1 : -1;
    }
    return 0;
  };
  const lastResort = !has('s') && !has('u');
  lines = lines
    .map((l, i) => ({ l, i }))
    .sort((x, y) => {
      const c = keyCmp(x.l, y.l);
      if (c !== 0) return c;
      if (lastResort) {
        const w = cmpStr(x.l, y.l);
        if (w !== 0) return global.reverse ? -w : w;
      }
      return x.i - y.i;
    })
    .map((x) => x.l);
  if (has('u')) lines = lines.filter((l, i) => i === 0 || keyCmp(lines[i - 1]!, l) !== 0);
  return result(0, lines.length ? lines.join('\n') + '\n' : '', errs);
};
