import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from './addr.js';
import { internetChecksum } from './checksum.js';
import { decodeArp, encodeArp, ARPOP_REQUEST } from './arp.js';
import { isWireError } from './error.js';
import { decodeEthernet, encodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from './ethernet.js';
import {
  decodeIcmp, encodeIcmp, icmpErrorQuote, ICMP_FRAG_NEEDED, ICMP_PORT_UNREACH,
} from './icmp.js';
import { decodeIpv4, decrementTtl, encodeIpv4, IPPROTO_ICMP, IPPROTO_UDP } from './ipv4.js';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('internet checksum', () => {
  it('matches the textbook IPv4 header (checksum 0xb861)', () => {
    const h = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(h)).toBe(0xb861);
  });
  it('matches RFC 1071 section 3 example (sum 0xddf2, checksum 0x220d)', () => {
    expect(internetChecksum(hex('0001 f203 f4f5 f6f7'))).toBe(0x220d);
  });
  it('pads an odd length with a zero byte', () => {
    expect(internetChecksum(hex('0102 03'))).toBe(internetChecksum(hex('0102 0300')));
  });
});

describe('ipv4', () => {
  it('decodes the textbook header and re-encodes it identically', () => {
    const pkt = new Uint8Array(0x73);
    pkt.set(hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7'));
    const d = decodeIpv4(pkt);
    if (isWireError(d)) throw new Error(d.message);
    expect(d.repr).toMatchObject({ df: true, mf: false, ttl: 64, protocol: IPPROTO_UDP, src: parseIpv4('192.168.0.1'), dst: parseIpv4('192.168.0.199') });
    expect(d.payload.length).toBe(0x73 - 20);
    expect(encodeIpv4(d.repr, d.payload)).toEqual(pkt);
  });
  it('refuses bad checksum, bad IHL, bad version, truncation', () => {
    const good = encodeIpv4({ tos: 0, id: 7, df: false, mf: false, fragOffset: 0, ttl: 64, protocol: 1, src: 1, dst: 2 }, new Uint8Array(10));
    const badSum = good.slice(); badSum[11] ^= 1;
    expect(decodeIpv4(badSum)).toMatchObject({ wireError: 'bad-checksum' });
    const badIhl = good.slice(); badIhl[0] = 0x44;
    expect(decodeIpv4(badIhl)).toMatchObject({ wireError: 'bad-header-length' });
    const v6 = good.slice(); v6[0] = 0x65;
    expect(decodeIpv4(v6)).toMatchObject({ wireError: 'bad-version' });
    expect(decodeIpv4(good.subarray(0, 25))).toMatchObject({ wireError: 'truncated' });
  });
  it('trims Ethernet padding off the payload', () => {
    const p = encodeIpv4({ tos: 0, id: 1, df: true, mf: false, fragOffset: 0, ttl: 64, protocol: 6, src: 1, dst: 2 }, new Uint8Array(4));
    const padded = new Uint8Array(46); padded.set(p);
    const d = decodeIpv4(padded);
    expect(isWireError(d) ? -1 : d.payload.length).toBe(4);
  });
  it('keeps options, padded to 4 bytes', () => {
    const repr = { tos: 0, id: 1, df: false, mf: false, fragOffset: 0, ttl: 1, protocol: 2, src: 1, dst: 2, options: hex('94040000') };
    const b = encodeIpv4(repr, new Uint8Array(0));
    expect(b[0]).toBe(0x46);
    const d = decodeIpv4(b);
    expect(isWireError(d) ? undefined : Array.from(d.repr.options!)).toEqual([0x94, 4, 0, 0]);
  });
  it('decrementTtl patches the checksum like a full recompute', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), (ttl, id, src) => {
      const b = encodeIpv4({ tos: 0, id, df: true, mf: false, fragOffset: 0, ttl, protocol: 17, src, dst: 0x0a000001 }, new Uint8Array(0));
      decrementTtl(b);
      return internetChecksum(b, 0, 20) === 0 && b[8] === ttl - 1;
    }));
  });
  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => { decodeIpv4(b); decodeIcmp(b); decodeArp(b); decodeEthernet(b); return true; }));
  });
});

describe('ethernet + arp', () => {
  it('round-trips an ARP request frame', () => {
    const arp = { op: ARPOP_REQUEST, senderMac: '02:00:00:00:00:01', senderIp: parseIpv4('10.0.0.1')!, targetMac: '00:00:00:00:00:00', targetIp: parseIpv4('10.0.0.2')! } as const;
    const frame = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01', ethertype: ETHERTYPE_ARP }, encodeArp(arp));
    expect(frame.length).toBe(42);
    const e = decodeEthernet(frame);
    if (isWireError(e)) throw new Error(e.message);
    expect(e.repr).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01', ethertype: ETHERTYPE_ARP });
    expect(decodeArp(e.payload)).toEqual(arp);
  });
  it('handles an 802.1Q tag', () => {
    const f = encodeEthernet({ dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', ethertype: ETHERTYPE_IPV4, vlan: 100, pcp: 3 }, new Uint8Array(3));
    expect(Array.from(f.subarray(12, 18))).toEqual([0x81, 0x00, 0x60, 0x64, 0x08, 0x00]);
    const e = decodeEthernet(f);
    expect(isWireError(e) ? undefined : e.repr).toEqual({ dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', ethertype: ETHERTYPE_IPV4, vlan: 100, pcp: 3 });
  });
});

describe('icmp', () => {
  it('round-trips echo and frag-needed', () => {
    const echo = { kind: 'echo-request', id: 0x1234, seq: 7, data: hex('00112233445566') } as const;
    expect(decodeIcmp(encodeIcmp(echo))).toEqual(echo);
    const fn = { kind: 'dest-unreachable', code: ICMP_FRAG_NEEDED, mtu: 1450, original: new Uint8Array(28) } as const;
    const b = encodeIcmp(fn);
    expect(Array.from(b.subarray(0, 2))).toEqual([3, 4]);
    expect((b[6]! << 8) | b[7]!).toBe(1450);
    expect(decodeIcmp(b)).toEqual(fn);
  });
  it('rejects a corrupted checksum', () => {
    const b = encodeIcmp({ kind: 'echo-reply', id: 1, seq: 1, data: new Uint8Array(56) });
    b[20] ^= 0xff;
    expect(decodeIcmp(b)).toMatchObject({ wireError: 'bad-checksum' });
  });
  it('quotes as much of the original as fits in 576 bytes', () => {
    const orig = encodeIpv4({ tos: 0, id: 1, df: true, mf: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP, src: 1, dst: 2 }, new Uint8Array(1400));
    expect(icmpErrorQuote(orig).length).toBe(576 - 20 - 8);
    expect(icmpErrorQuote(orig.subarray(0, 100)).length).toBe(100);
    const err = encodeIcmp({ kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, original: icmpErrorQuote(orig) });
    expect(20 + err.length).toBe(576);
  });
});
