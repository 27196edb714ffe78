/**
 * Translates POSIX regular expressions (grep's BRE and ERE) into JavaScript RegExp source, so the
 * emulated grep matches what GNU grep matches for the patterns labs use.
 */

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

export type RegexResult = { ok: true; source: string } | { ok: false; message: string };

/** Converts one POSIX pattern; `extended` selects ERE (grep -E) over BRE. */
export function posixToJs(pat: string, extended: boolean): RegexResult {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '[') {
      const r = bracket(pat, i);
      if (!r) return { ok: false, message: 'Unmatched [, [^, [:, [., or [=' };
      out += r.source;
      i = r.end;
      continue;
    }
    if (c === '\\') {
      const n = pat[i + 1];
      i++;
      if (n === undefined) return { ok: false, message: 'Trailing backslash' };
      if (!extended && '(){}|+?'.includes(n)) {
        if (n === '(') depth++;
        if (n === ')') {
          if (depth === 0) return { ok: false, message: 'Unmatched ) or \\)' };
          depth--;
        }
        out += n;
        continue;
      }
      if ('wWsSbB'.includes(n)) out += '\\' + n;
      else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if (/[0-9]/.test(n)) out += '\\' + n;
      else out += escapeJs(n);
      continue;
    }
    if (extended) {
      if (c === '(') depth++;
      if (c === ')') {
        if (depth === 0) return { ok: false, message: 'Unmatched ) or \\)' };
        depth--;
      }
      if (c === '{' && !/^\{[0-9]*(,[0-9]*)?\}/.test(pat.slice(i))) {
        out += '\\{';
        continue;
      }
      if ('()|+?{}.*^$'.includes(c)) {
        out += c;
        continue;
      }
      out += escapeJs(c);
      continue;
    }
    // BRE: `*` at the start of the pattern or of a group is literal; ^ and $ anchor only at the ends.
    if (c === '*') out += i === 0 || out.endsWith('(') || out === '^' ? '\\*' : '*';
    else if (c === '^') out += i === 0 || out.endsWith('(') || out.endsWith('|') ? '^' : '\\^';
    else if (c === '$') out += i === pat.length - 1 || pat.startsWith('\\)', i + 1) || pat.startsWith('\\|', i + 1) ? '$' : '\\$';
    else if (c === '.') out += '.';
    else out += escapeJs(c);
  }
  if (depth > 0) return { ok: false, message: 'Unmatched ( or \\(' };
  try {
    new RegExp(out);
  } catch {
    return { ok: false, message: 'Invalid regular expression' };
  }
  return { ok: true, source: out };
}

export function escapeJs(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A bracket expression starting at pat[start] === '['; undefined when it never closes. */
function bracket(pat: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let out = '[';
  if (pat[i] === '^') {
    out += '^';
    i++;
  }
  let first = true;
  for (; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === ']' && !first) return { source: out + ']', end: i };
    first = false;
    if (c === '[' && pat[i + 1] === ':') {
      const close = pat.indexOf(':]', i + 2);
      if (close < 0) return undefined;
      const name = pat.slice(i + 2, close);
      const cls = CLASSES[name];
      if (cls === undefined) return undefined;
      out += cls;
      i = close + 1;
      continue;
    }
    // Inside brackets a backslash is literal in POSIX.
    if (c === '\\' || c === ']' || c === '[' || c === '^') out += '\\' + c;
    else out += c;
  }
  return undefined;
}
