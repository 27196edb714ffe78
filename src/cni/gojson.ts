/**
 * Reading JSON the way Go's encoding/json does, so bad configurations and bad plugin output get the
 * exact texts libcni and the plugins print: the syntax check json.Unmarshal runs first (its scanner's
 * "invalid character 'x' after object key" family, "unexpected end of JSON input"), then the value.
 */

export type GoParsed = { ok: true; value: unknown } | { ok: false; message: string };

/** json.Unmarshal's syntax errors (checkValid), else the parsed value. */
export function goUnmarshal(text: string): GoParsed {
  const syntax = goSyntaxError(text);
  if (syntax !== undefined) return { ok: false, message: syntax };
  return { ok: true, value: JSON.parse(text) as unknown };
}

/** encoding/json's quoteChar: the offending byte in single quotes, escaped as strconv.Quote would. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };
  if (named[code]) return `'${named[code]}'`;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);

class SyntaxErr extends Error {}

/** The message Go's scanner gives for TEXT, or undefined when it is valid JSON. */
export function goSyntaxError(text: string): string | undefined {
  let i = 0;
  const EOF = 'unexpected end of JSON input';
  const bad = (c: string, ctx: string): never => {
    throw new SyntaxErr(`invalid character ${quoteChar(c)} ${ctx}`);
  };
  const peek = (): string | undefined => text[i];
  const skip = (): void => {
    while (i < text.length && isSpace(text[i]!)) i++;
  };
  const need = (): string => {
    const c = text[i];
    if (c === undefined) throw new SyntaxErr(EOF);
    return c;
  };

  const value = (): void => {
    skip();
    const c = need();
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || isDigit(c)) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (c === lit[0]) {
        i++;
        for (let k = 1; k < lit.length; k++) {
          const d = need();
          if (d !== lit[k]) bad(d, `in literal ${lit} (expecting ${quoteChar(lit[k]!)})`);
          i++;
        }
        return;
      }
    }
    bad(c, 'looking for beginning of value');
  };

  const object = (): void => {
    i++;
    skip();
    if (need() === '}') {
      i++;
      return;
    }
    for (;;) {
      skip();
      const k = need();
      if (k !== '"') bad(k, 'looking for beginning of object key string');
      string();
      skip();
      const colon = need();
      if (colon !== ':') bad(colon, 'after object key');
      i++;
      value();
      skip();
      const sep = need();
      i++;
      if (sep === '}') return;
      if (sep !== ',') bad(sep, 'after object key:value pair');
    }
  };

  const array = (): void => {
    i++;
    skip();
    if (need() === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      skip();
      const sep = need();
      i++;
      if (sep === ']') return;
      if (sep !== ',') bad(sep, 'after array element');
    }
  };

  const string = (): void => {
    i++;
    for (;;) {
      const c = need();
      i++;
      if (c === '"') return;
      if (c === '\\') {
        const e = need();
        i++;
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            const h = need();
            if (!isHex(h)) bad(h, 'in \\u hexadecimal character escape');
            i++;
          }
        } else if (!'"\\/bfnrt'.includes(e)) bad(e, 'in string escape code');
      } else if (c.charCodeAt(0) < 0x20) bad(c, 'in string literal');
    }
  };

  const number = (): void => {
    if (peek() === '-') {
      i++;
      const d = need();
      if (!isDigit(d)) bad(d, 'in numeric literal');
    }
    if (peek() === '0') i++;
    else while (peek() !== undefined && isDigit(peek()!)) i++;
    if (peek() === '.') {
      i++;
      const d = need();
      if (!isDigit(d)) bad(d, 'after decimal point in numeric literal');
      while (peek() !== undefined && isDigit(peek()!)) i++;
    }
    if (peek() === 'e' || peek() === 'E') {
      i++;
      if (peek() === '+' || peek() === '-') i++;
      const d = need();
      if (!isDigit(d)) bad(d, 'in exponent of numeric literal');
      while (peek() !== undefined && isDigit(peek()!)) i++;
    }
  };

  try {
    value();
    skip();
    if (i < text.length) bad(text[i]!, 'after top-level value');
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxErr) return e.message;
    throw e;
  }
}

/** How Go names a JSON value's kind in "json: cannot unmarshal KIND into ...". */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/**
 * Go's %q of a string (strconv.Quote): double quotes, the C escapes, \x.. for other control bytes,
 * printable Unicode kept as is.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 10) out += '\\n';
    else if (code === 13) out += '\\r';
    else if (code === 9) out += '\\t';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** json.Marshal of a Go map (what libcni marshals configurations and cached results as): keys sorted at every level. */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort(goStringLess)) out[k] = sortKeysDeep(o[k]);
    return out;
  }
  return v;
}

/** Go sorts map keys by byte order of their UTF-8; for BMP text, UTF-16 order is the same except surrogates. */
function goStringLess(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
