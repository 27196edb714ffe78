import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Validator } from 'ip-num';
import { Netmask } from 'netmask';
import {
  broadcastOf, formatIpv4, inPrefix, isLimitedBroadcast, isLinkLocal, isLoopback, isMulticast, isZero,
  macFromBytes, macToBytes, maskToPrefixLen, networkOf, parseCidr, parseCidrLoose, parseIpv4, parseIpv4Aton, parseIpv4Loose,
  parseMac, parsePrefixLenLoose, prefixMask,
} from './addr.js';

describe('parseIpv4 (strict)', () => {
  it('parses dotted quads to unsigned numbers', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(4294967295);
    expect(parseIpv4('192.168.1.200')).toBe(0xc0a801c8);
    expect(parseIpv4('0.0.0.0')).toBe(0);
  });
  it.each(['', '10', '10.1', '10.0.0', '1.2.3.4.5', '256.0.0.1', '010.0.0.1', '10.0.0.1 ', ' 10.0.0.1', '10..0.1', '10.0.0.-1', '0x0a.0.0.1', '1.2.3.4/8', 'a.b.c.d'])(
    'refuses %j', (s) => {
      expect(parseIpv4(s)).toBeUndefined();
    },
  );
  it('round-trips every uint32 through formatIpv4', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
  });
});

describe('parseIpv4Loose (iproute2 get_addr_ipv4, checked against iproute2 6.1)', () => {
  it.each([
    ['10.1', '10.1.0.0'],
    ['10.1.2', '10.1.2.0'],
    ['10', '10.0.0.0'],
    ['010.1.2.3', '8.1.2.3'],
    ['0x0a.1.2.4', '10.1.2.4'],
    [' 10.1.2.5', '10.1.2.5'],
    ['10.01.2.6', '10.1.2.6'],
    ['172.16', '172.16.0.0'],
    ['+10.1.2.3', '10.1.2.3'],
    ['10.1. 2.6', '10.1.2.6'],
    ['-0.1.2.7', '0.1.2.7'],
    ['0X0a.1.2.10', '10.1.2.10'],
    ['10.1.2.0x0d', '10.1.2.13'],
    ['10.1.2.014', '10.1.2.12'],
  ])('%j is %s', (s, want) => {
    const got = parseIpv4Loose(s);
    expect(got === undefined ? undefined : formatIpv4(got)).toBe(want);
  });
  it.each(['10.1.2.256', '1.2.3.4.5', '4294967295', '0x0a010207', '', '.1', '10.', 'x', '0x.1.2.3', '10.1.2.08', '10.1.2.13 ', '-1.2.3.4'])('refuses %j', (s) => {
    expect(parseIpv4Loose(s)).toBeUndefined();
  });
  it('prefix lengths: base 0, dotted masks, 08 refused', () => {
    expect(parsePrefixLenLoose('0x8')).toBe(8);
    expect(parsePrefixLenLoose('08')).toBeUndefined();
    expect(parsePrefixLenLoose('33')).toBeUndefined();
    expect(parsePrefixLenLoose('255.255.0.0')).toBe(16);
    expect(parsePrefixLenLoose('255.0.255.0')).toBeUndefined();
    expect(parseCidrLoose('10/8')).toEqual({ addr: 0x0a000000, len: 8 });
    expect(parseCidrLoose('10.1.2.3')).toEqual({ addr: 0x0a010203, len: 32 });
    expect(parseCidrLoose('10.1.2.4/255.255.255.0')).toEqual({ addr: 0x0a010204, len: 24 });
    expect(parseCidrLoose('10.1.2.5/ 8')).toEqual({ addr: 0x0a010205, len: 8 });
    expect(parseCidrLoose('10.1.2.9/+8')).toEqual({ addr: 0x0a010209, len: 8 });
    expect(parseCidrLoose('10.1.2.12/')).toBeUndefined();
    expect(parseCidrLoose('10.1.2.8/255.0.255.0')).toBeUndefined();
  });
});

describe('prefix math', () => {
  it('masks, networks, broadcasts', () => {
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(formatIpv4(networkOf(parseIpv4('10.244.1.77')!, 24))).toBe('10.244.1.0');
    expect(formatIpv4(broadcastOf(parseIpv4('10.244.1.77')!, 24))).toBe('10.244.1.255');
    expect(formatIpv4(broadcastOf(parseIpv4('10.0.0.1')!, 0))).toBe('255.255.255.255');
    expect(inPrefix(parseIpv4('10.244.1.77')!, parseIpv4('10.244.0.0')!, 16)).toBe(true);
    expect(inPrefix(parseIpv4('10.245.1.77')!, parseIpv4('10.244.0.0')!, 16)).toBe(false);
    expect(inPrefix(parseIpv4('1.2.3.4')!, 0, 0)).toBe(true);
    expect(maskToPrefixLen(0xfffffff0)).toBe(28);
    expect(maskToPrefixLen(0)).toBe(0);
  });
  it('network address is inside its prefix and broadcast is its last address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (a, len) => {
        const net = networkOf(a, len);
        const brd = broadcastOf(a, len);
        return inPrefix(a, net, len) && inPrefix(brd, net, len) && brd - net === 2 ** (32 - len) - 1;
      }),
    );
  });
  it('parseCidr is strict', () => {
    expect(parseCidr('10.244.0.0/16')).toEqual({ addr: 0x0af40000, len: 16 });
    expect(parseCidr('10.244.0.0/33')).toBeUndefined();
    expect(parseCidr('10.244.0.0/08')).toBeUndefined();
    expect(parseCidr('10.244.0.0')).toBeUndefined();
  });
  it('classes', () => {
    expect(isMulticast(parseIpv4('224.0.0.1')!)).toBe(true);
    expect(isMulticast(parseIpv4('239.255.255.255')!)).toBe(true);
    expect(isMulticast(parseIpv4('240.0.0.1')!)).toBe(false);
    expect(isLoopback(parseIpv4('127.1.2.3')!)).toBe(true);
    expect(isLinkLocal(parseIpv4('169.254.1.1')!)).toBe(true);
    expect(isLinkLocal(parseIpv4('169.255.1.1')!)).toBe(false);
    expect(isZero(0)).toBe(true);
    expect(isLimitedBroadcast(parseIpv4('255.255.255.255')!)).toBe(true);
  });
});

describe('MAC', () => {
  it('normalises and round-trips', () => {
    expect(parseMac('AA:b:0c:DD:ee:F')).toBe('aa:0b:0c:dd:ee:0f');
    expect(parseMac('aa:bb:cc:dd:ee')).toBeUndefined();
    expect(parseMac('aa:bb:cc:dd:ee:fg')).toBeUndefined();
    expect(parseMac('aa-bb-cc-dd-ee-ff')).toBeUndefined();
    const b = macToBytes('02:42:ac:11:00:02');
    expect(Array.from(b)).toEqual([0x02, 0x42, 0xac, 0x11, 0x00, 0x02]);
    expect(macFromBytes(b)).toBe('02:42:ac:11:00:02');
  });
});

describe('agrees with the libraries the project trusts (independent oracles)', () => {
  it('parseIpv4 accepts exactly what ip-num validates as an IPv4 string', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '-1', '', ' 1', '0x1', 'a'));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const s = parts.join('.');
        return (parseIpv4(s) !== undefined) === Validator.isValidIPv4String(s)[0];
      }),
      { numRuns: 2000 },
    );
  });
  it('networkOf / broadcastOf / inPrefix agree with netmask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 0xffffffff }), (a, len, b) => {
        const block = new Netmask(`${formatIpv4(a)}/${len}`);
        return (
          block.base === formatIpv4(networkOf(a, len)) &&
          block.broadcast === formatIpv4(broadcastOf(a, len)) &&
          block.contains(formatIpv4(b)) === inPrefix(b, a, len)
        );
      }),
    );
  });
});

describe('parseIpv4Aton (glibc inet_aton, checked with Python socket.inet_aton on glibc 2.36)', () => {
  it.each([
    ['10.2', '10.0.0.2'],
    ['0x0a000002', '10.0.0.2'],
    ['10.0.0.1 foo', '10.0.0.1'],
    ['10.0.0.1\tx', '10.0.0.1'],
    ['1.2.65535', '1.2.255.255'],
    ['1.16777215', '1.255.255.255'],
    ['4294967295', '255.255.255.255'],
    ['0xffffffff', '255.255.255.255'],
    ['0', '0.0.0.0'],
    ['0X1F.1', '31.0.0.1'],
    ['010.0.0.1', '8.0.0.1'],
  ])('%j is %s', (s, want) => {
    const got = parseIpv4Aton(s);
    expect(got === undefined ? undefined : formatIpv4(got)).toBe(want);
  });
  it.each(['0x', '0x.1', '1.0x', ' 10.0.0.1', '+1.2.3.4', '08.1.2.3', '1.2.3.4.5', '1.2.65536', '4294967296', '0x100000000', '1..2', '1.2.3.', '', '00x1', '256.1'])(
    'refuses %j', (s) => {
      expect(parseIpv4Aton(s)).toBeUndefined();
    },
  );
  it('agrees with the strict parser on every dotted quad', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4Aton(formatIpv4(n)) === n));
  });
});
