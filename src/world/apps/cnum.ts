/**
 * The C library's number readers that ping and nc validate their options with (strtol, strtod,
 * OpenBSD strtonum), reproduced to the character so a bad option is refused with the real text.
 */

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** strtol(s, &end, 10) on a 64-bit long: `end` is where parsing stopped, `erange` is errno == ERANGE. */
export function strtol(s: string): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  const start = i;
  while (isDigit(s[i])) i++;
  if (i === start) return { value: 0n, end: 0, erange: false };
  let v = BigInt(s.slice(start, i));
  if (neg) v = -v;
  if (v > LONG_MAX) return { value: LONG_MAX, end: i, erange: true };
  if (v < LONG_MIN) return { value: LONG_MIN, end: i, erange: true };
  return { value: v, end: i, erange: false };
}

/**
 * iputils' strtol_or_err(): the whole string must be a base-10 number within [min, max]. On failure
 * the message is what error(EXIT_FAILURE, ...) prints after "ping: ", and the exit status is 1.
 * Verified: "invalid argument: 'abc'", "invalid argument: ''", "invalid argument:
 * '99999999999999999999': Numerical result out of range", "invalid argument: '0': out of range:
 * 1 <= value <= 9223372036854775807".
 */
export function strtolOrErr(s: string, what: string, min: bigint, max: bigint): { ok: true; value: number } | { ok: false; message: string } {
  const r = strtol(s);
  if (r.erange) return { ok: false, message: `${what}: '${s}': Numerical result out of range` };
  if (s === '' || r.end === 0 || r.end !== s.length) return { ok: false, message: `${what}: '${s}'` };
  if (r.value < min || r.value > max) return { ok: false, message: `${what}: '${s}': out of range: ${min} <= value <= ${max}` };
  return { ok: true, value: Number(r.value) };
}

/** strtod(s, &end) for the decimal forms people type ("1", "0.2", ".5", "1e-1", "inf"). */
export function strtod(s: string): { value: number; end: number } {
  let i = 0;
  while (isSpace(s[i])) i++;
  const m = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(s.slice(i));
  if (!m) return { value: 0, end: 0 };
  const text = m[0];
  const lower = text.toLowerCase().replace(/^[+-]/, '');
  const sign = text.startsWith('-') ? -1 : 1;
  const value = lower.startsWith('inf') ? sign * Infinity : lower === 'nan' ? NaN : Number(text);
  return { value, end: i + text.length };
}

/** OpenBSD strtonum(3): the value, or its errstr ("invalid", "too small", "too large"). */
export function strtonum(s: string, min: number, max: number): { ok: true; value: number } | { ok: false; errstr: 'invalid' | 'too small' | 'too large' } {
  if (min > max) return { ok: false, errstr: 'invalid' };
  const r = strtol(s);
  if (s === '' || r.end === 0 || r.end !== s.length) return { ok: false, errstr: 'invalid' };
  if (r.erange) return { ok: false, errstr: r.value < 0n ? 'too small' : 'too large' };
  if (r.value < BigInt(min)) return { ok: false, errstr: 'too small' };
  if (r.value > BigInt(max)) return { ok: false, errstr: 'too large' };
  return { ok: true, value: Number(r.value) };
}

/**
 * printf("%g") of a C float promoted to double, as ping prints its loss percentage (so 1 lost of 3
 * prints "66.6667", 1 of 7 "14.2857").
 */
export function formatFloatG(x: number, precision = 6): string {
  const v = Math.fround(x);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(precision)))));
  const strip = (t: string): string => (t.includes('.') ? t.replace(/\.?0+$/, '') : t);
  if (exp < -4 || exp >= precision) {
    const [mant, e] = v.toExponential(precision - 1).split('e') as [string, string];
    const n = Number(e);
    return `${strip(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return strip(v.toFixed(Math.max(0, precision - 1 - exp)));
}
