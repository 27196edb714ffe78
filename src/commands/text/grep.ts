/** GNU grep's common subset: -o -v -c -E -F -i -w -q -e -n -h -H -l -x -m -A -B -C, with its exit codes (0 match, 1 none, 2 error). */
import { type Command, result } from '../types.js';
import { getopt, readPath, splitLines } from './io.js';
import { escapeJs, posixToJs } from './regex.js';

const USAGE = 'Usage: grep [OPTION]... PATTERNS [FILE]...';

export const grep: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'ovcEFGiwqnhHlxsyrZ', 'emABC', {
    count: 'c', 'invert-match': 'v', 'only-matching': 'o', 'extended-regexp': 'E', 'fixed-strings': 'F',
    'ignore-case': 'i', 'word-regexp': 'w', quiet: 'q', silent: 'q', 'line-number': 'n', regexp: 'e',
    'no-filename': 'h', 'with-filename': 'H', 'files-with-matches': 'l', 'line-regexp': 'x', 'no-messages': 's', 'max-count': 'm',
    'after-context': 'A', 'before-context': 'B', context: 'C',
  }, 'PLbaUzTDdf');
  if (!g.ok) return g.unsupported ? result(2, '', `podnet: unsupported: grep ${g.message}\n`) : result(2, '', `grep: ${g.message}\n${USAGE}\nTry 'grep --help' for more information.\n`);
  const has = (c: string): boolean => g.value.opts.some((o) => o.name === c);
  const patterns: string[] = [];
  for (const o of g.value.opts) if (o.name === 'e') patterns.push(...o.arg!.split('\n'));
  const operands = [...g.value.operands];
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) return result(2, '', `${USAGE}\nTry 'grep --help' for more information.\n`);
    patterns.push(...p.split('\n'));
  }
  if (has('r')) return result(2, '', 'podnet: unsupported: grep -r\n');
  const maxOpt = g.value.opts.filter((o) => o.name === 'm').pop();
  const maxCount = maxOpt ? Number(maxOpt.arg) : Infinity;
  if (Number.isNaN(maxCount)) return result(2, '', `grep: invalid max count\n`);
  let after = 0;
  let before = 0;
  for (const o of g.value.opts) {
    if (o.name !== 'A' && o.name !== 'B' && o.name !== 'C') continue;
    if (!/^[0-9]+$/.test(o.arg!)) return result(2, '', `grep: ${o.arg}: invalid context length argument\n`);
    const n = Number(o.arg);
    if (o.name !== 'B') after = n;
    if (o.name !== 'A') before = n;
  }
  const extended = has('E');
  const fixed = has('F');
  const sources: string[] = [];
  for (const p of patterns) {
    if (fixed) sources.push(escapeJs(p));
    else {
      const r = posixToJs(p, extended);
      if (!r.ok) return result(2, '', `grep: ${r.message}\n`);
      sources.push(r.source);
    }
  }
  let src = sources.map((s) => `(?:${s})`).join('|');
  if (has('x')) src = `^(?:${src})$`;
  else if (has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
  const flags = has('i') || has('y') ? 'gi' : 'g';
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch {
    return result(2, '', 'grep: Invalid regular expression\n');
  }
  const files = operands.length > 0 ? operands : ['-'];
  const withName = has('H') || (files.length > 1 && !has('h'));
  const invert = has('v');
  let out = '';
  let errs = '';
  let anyMatch = false;
  let hadError = false;
  // Whether any group was printed yet, to put "--" between groups that are not adjacent.
  let printedAny = false;
  for (const f of files) {
    const r = readPath(f, ctx);
    if (!r.ok) {
      hadError = true;
      if (!has('s')) errs += `grep: ${f}: ${r.message}\n`;
      continue;
    }
    const name = f === '-' ? '(standard input)' : f;
    const prefix = withName ? `${name}:` : '';
    let count = 0;
    const lines = splitLines(r.text);
    const ctxPrefix = withName ? `${name}-` : '';
    const counting = has('c') || has('l');
    // -2, not -1: a group at the top of a later file is still separated from the previous file's.
    let lastPrinted = -2;
    let afterLeft = 0;
    const emitContext = (n: number): void => {
      if (!has('o')) out += `${ctxPrefix}${has('n') ? `${n + 1}-` : ''}${lines[n]}\n`;
      lastPrinted = n;
    };
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      if (count >= maxCount) {
        // After the last allowed match GNU grep still prints its trailing context.
        if (afterLeft > 0 && !counting) {
          afterLeft--;
          emitContext(n);
          continue;
        }
        break;
      }
      re.lastIndex = 0;
      const matched = re.test(line);
      if (matched === invert) {
        if (afterLeft > 0 && !counting) {
          afterLeft--;
          emitContext(n);
        }
        continue;
      }
      count++;
      anyMatch = true;
      if (has('q')) return result(0, '', errs);
      if (counting) continue;
      const from = Math.max(lastPrinted + 1, n - before, 0);
      if ((after > 0 || before > 0) && printedAny && lastPrinted !== from - 1) out += '--\n';
      printedAny = true;
      for (let b = from; b < n; b++) emitContext(b);
      const ln = has('n') ? `${n + 1}:` : '';
      if (has('o')) {
        if (!invert) {
          re.lastIndex = 0;
          for (const m of line.matchAll(re)) if (m[0] !== '') out += `${prefix}${ln}${m[0]}\n`;
        }
      } else out += `${prefix}${ln}${line}\n`;
      lastPrinted = n;
      afterLeft = after;
    }
    if (has('c')) out += `${prefix}${count}\n`;
    if (has('l') && count > 0) out += `${name}\n`;
  }
  const code = hadError && !(has('q') && anyMatch) ? 2 : anyMatch ? 0 : 1;
  return result(code, has('q') ? '' : out, errs);
};
