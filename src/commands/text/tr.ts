/** tr SET1 [SET2] with -d, -s, -c: ranges, backslash escapes and the common [:class:] names. */
import { type Command, result } from '../types.js';
import { getopt, usageError } from './io.js';

const CLASS: Record<string, string> = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
};
CLASS['alpha'] = CLASS['upper']! + CLASS['lower']!;
CLASS['alnum'] = CLASS['digit']! + CLASS['alpha']!;

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

function expand(set: string): string[] {
  const chars: string[] = [];
  let i = 0;
  const one = (): string => {
    const c = set[i]!;
    if (c === '\\' && i + 1 < set.length) {
      const n = set[i + 1]!;
      const oct = /^[0-7]{1,3}/.exec(set.slice(i + 1));
      if (oct) {
        i += 1 + oct[0].length;
        return String.fromCharCode(parseInt(oct[0], 8));
      }
      i += 2;
      return ESC[n] ?? n;
    }
    i++;
    return c;
  };
  while (i < set.length) {
    const m = /^\[:([a-z]+):\]/.exec(set.slice(i));
    if (m && CLASS[m[1]!]) {
      chars.push(...CLASS[m[1]!]!);
      i += m[0].length;
      continue;
    }
    const a = one();
    if (set[i] === '-' && i + 1 < set.length) {
      i++;
      const b = one();
      for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) chars.push(String.fromCharCode(c));
      continue;
    }
    chars.push(a);
  }
  return chars;
}

export const tr: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'dscC', '', { delete: 'd', 'squeeze-repeats': 's', complement: 'c' });
  if (!g.ok) return usageError('tr', g.message, 1);
  const has = (c: string): boolean => g.value.opts.some((o) => o.name === c);
  const [s1, s2, ...extra] = g.value.operands;
  const del = has('d');
  const squeeze = has('s');
  if (s1 === undefined) return usageError('tr', 'missing operand', 1);
  if (del && !squeeze && s2 !== undefined) {
    return usageError('tr', `extra operand '${s2}'\nOnly one string may be given when deleting without squeezing repeats.`, 1);
  }
  if (extra.length > 0) return usageError('tr', `extra operand '${extra[0]}'`, 1);
  if (!del && !squeeze && s2 === undefined) return usageError('tr', `missing operand after '${s1}'\nTwo strings must be given when translating.`, 1);
  const set1 = new Set(expand(s1));
  const inSet1 = (c: string): boolean => (has('c') || has('C') ? !set1.has(c) : set1.has(c));
  const a1 = expand(s1);
  const a2 = s2 !== undefined ? expand(s2) : [];
  const map = new Map<string, string>();
  if (!del && s2 !== undefined && !has('c')) a1.forEach((c, i) => map.set(c, a2[Math.min(i, a2.length - 1)] ?? c));
  const squeezeSet = new Set(del || s2 === undefined ? a1 : a2);
  let out = '';
  let last = '';
  for (const c of ctx.stdin) {
    let d = c;
    if (del && inSet1(c)) continue;
    if (!del && s2 !== undefined) d = has('c') ? (inSet1(c) ? a2[a2.length - 1] ?? c : c) : map.get(c) ?? c;
    if (squeeze && d === last && squeezeSet.has(d)) continue;
    out += d;
    last = d;
  }
  return result(0, out);
};
