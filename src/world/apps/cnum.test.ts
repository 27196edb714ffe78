import { describe, expect, it } from 'vitest';
import { formatFloatG, strtod, strtol, strtolOrErr, strtonum } from './cnum.js';

describe('strtol / strtolOrErr', () => {
  it('reads like glibc strtol, base 10', () => {
    expect(strtol('  -12x')).toEqual({ value: -12n, end: 5, erange: false });
    expect(strtol('x')).toEqual({ value: 0n, end: 0, erange: false });
    expect(strtol('99999999999999999999').erange).toBe(true);
  });

  it("gives iputils' messages (captured from ping 20221126)", () => {
    const max = 2n ** 63n - 1n;
    expect(strtolOrErr('abc', 'invalid argument', 1n, max)).toEqual({ ok: false, message: "invalid argument: 'abc'" });
    expect(strtolOrErr('', 'invalid argument', 1n, max)).toEqual({ ok: false, message: "invalid argument: ''" });
    expect(strtolOrErr('0', 'invalid argument', 1n, max)).toEqual({ ok: false, message: "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807" });
    expect(strtolOrErr('99999999999999999999', 'invalid argument', 1n, max)).toEqual({ ok: false, message: "invalid argument: '99999999999999999999': Numerical result out of range" });
    expect(strtolOrErr('256', 'invalid argument', 0n, 255n)).toEqual({ ok: false, message: "invalid argument: '256': out of range: 0 <= value <= 255" });
    expect(strtolOrErr('42', 'invalid argument', 0n, 255n)).toEqual({ ok: true, value: 42 });
  });
});

describe('strtod', () => {
  it('stops at the first character that is not part of a number', () => {
    expect(strtod('0.2')).toEqual({ value: 0.2, end: 3 });
    expect(strtod('1.5s')).toEqual({ value: 1.5, end: 3 });
    expect(strtod('abc')).toEqual({ value: 0, end: 0 });
    expect(strtod('-inf').value).toBe(-Infinity);
  });
});

describe('strtonum', () => {
  it("gives OpenBSD's errstr words (nc: 'port number too large: 99999', 'timeout invalid: abc')", () => {
    expect(strtonum('99999', 1, 65535)).toEqual({ ok: false, errstr: 'too large' });
    expect(strtonum('0', 1, 65535)).toEqual({ ok: false, errstr: 'too small' });
    expect(strtonum('abc', 0, 10)).toEqual({ ok: false, errstr: 'invalid' });
    expect(strtonum('8080', 1, 65535)).toEqual({ ok: true, value: 8080 });
  });
});

describe('formatFloatG', () => {
  it('prints like printf %g of a float', () => {
    expect(formatFloatG(0)).toBe('0');
    expect(formatFloatG(100)).toBe('100');
    expect(formatFloatG(50)).toBe('50');
    expect(formatFloatG(200 / 3)).toBe('66.6667');
    expect(formatFloatG(100 / 3)).toBe('33.3333');
    expect(formatFloatG(100 / 7)).toBe('14.2857');
    expect(formatFloatG(0.00001)).toBe('1e-05');
    expect(formatFloatG(1234567)).toBe('1.23457e+06');
  });
});
