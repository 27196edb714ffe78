import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from './addr.js';
import { isWireError } from './error.js';
import { readPorts } from './ports.js';
import { decodeTcp, encodeTcp, tcpFlags, type TcpRepr } from './tcp.js';
import { decodeUdp, encodeUdp } from './udp.js';
import { decodeVxlan, encodeVxlan } from './vxlan.js';

const A = parseIpv4('10.0.0.1')!;
const B = parseIpv4('10.0.0.2')!;

describe('udp', () => {
  it('noChecksum sends zero and round-trips', () => {
    const b = encodeUdp({ sport: 1, dport: 2, noChecksum: true }, new Uint8Array([1, 2, 3]), A, B);
    expect(b[6]).toBe(0);
    expect(b[7]).toBe(0);
    expect(decodeUdp(b, A, B)).toEqual({ repr: { sport: 1, dport: 2, noChecksum: true }, payload: new Uint8Array([1, 2, 3]) });
  });
  it('a checksum that computes to 0 is sent as 0xffff (RFC 768)', () => {
    // Search a payload word that makes the sum come out 0: the complement of everything else.
    const base = encodeUdp({ sport: 1000, dport: 2000 }, new Uint8Array(2), A, B);
    const c = (base[6]! << 8) | base[7]!;
    const fixed = encodeUdp({ sport: 1000, dport: 2000 }, new Uint8Array([c >>> 8, c & 0xff]), A, B);
    expect([fixed[6], fixed[7]]).toEqual([0xff, 0xff]);
    expect(isWireError(decodeUdp(fixed, A, B))).toBe(false);
  });
  it('wrong addresses fail the pseudo-header checksum', () => {
    const b = encodeUdp({ sport: 5, dport: 53 }, new Uint8Array(10), A, B);
    expect(decodeUdp(b, A, parseIpv4('10.0.0.3')!)).toMatchObject({ wireError: 'bad-checksum' });
  });
  it('length field is honoured and checked', () => {
    const b = encodeUdp({ sport: 5, dport: 53 }, new Uint8Array(10), A, B);
    const padded = new Uint8Array(b.length + 4);
    padded.set(b);
    const d = decodeUdp(padded, A, B);
    expect(isWireError(d) ? -1 : d.payload.length).toBe(10);
    expect(decodeUdp(b.subarray(0, 12), A, B)).toMatchObject({ wireError: 'bad-length' });
  });
  it('readPorts', () => {
    expect(readPorts(encodeUdp({ sport: 40000, dport: 8472 }, new Uint8Array(0), A, B))).toEqual({ sport: 40000, dport: 8472 });
    expect(readPorts(new Uint8Array(3))).toBeUndefined();
  });
});

describe('tcp', () => {
  const arbRepr: fc.Arbitrary<TcpRepr> = fc.record({
    sport: fc.integer({ min: 0, max: 0xffff }),
    dport: fc.integer({ min: 0, max: 0xffff }),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    ack: fc.integer({ min: 0, max: 0xffffffff }),
    flags: fc.record({ fin: fc.boolean(), syn: fc.boolean(), rst: fc.boolean(), psh: fc.boolean(), ack: fc.boolean(), urg: fc.boolean(), ece: fc.boolean(), cwr: fc.boolean() }),
    window: fc.integer({ min: 0, max: 0xffff }),
    urgent: fc.integer({ min: 0, max: 0xffff }),
    options: fc.record(
      {
        mss: fc.integer({ min: 0, max: 0xffff }),
        wscale: fc.integer({ min: 0, max: 14 }),
        sackPermitted: fc.constant(true),
        timestamps: fc.record({ tsval: fc.integer({ min: 0, max: 0xffffffff }), tsecr: fc.integer({ min: 0, max: 0xffffffff }) }),
        sack: fc.array(fc.record({ left: fc.integer({ min: 0, max: 0xffffffff }), right: fc.integer({ min: 0, max: 0xffffffff }) }), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  });
  it('round-trips any header the options budget allows', () => {
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 40 }), (repr, payload) => {
        const b = encodeTcp(repr, payload, A, B);
        const d = decodeTcp(b, A, B);
        if (isWireError(d)) return false;
        expect(d.repr).toEqual(repr);
        expect(d.payload).toEqual(payload);
        return true;
      }),
    );
  });
  it('sends only the SACK blocks that fit: 3 with timestamps, 4 without', () => {
    const blocks = Array.from({ length: 6 }, (_, i) => ({ left: i * 100, right: i * 100 + 50 }));
    const base = { sport: 1, dport: 2, seq: 0, ack: 0, flags: tcpFlags({ ack: true }), window: 0, urgent: 0 };
    const withTs = decodeTcp(encodeTcp({ ...base, options: { timestamps: { tsval: 1, tsecr: 2 }, sack: blocks } }, new Uint8Array(0), A, B), A, B);
    const without = decodeTcp(encodeTcp({ ...base, options: { sack: blocks } }, new Uint8Array(0), A, B), A, B);
    expect(isWireError(withTs) ? -1 : withTs.repr.options.sack?.length).toBe(3);
    expect(isWireError(without) ? -1 : without.repr.options.sack?.length).toBe(4);
  });
  it('a bare RST has a 20-byte header', () => {
    const b = encodeTcp({ sport: 80, dport: 40000, seq: 0, ack: 5, flags: tcpFlags({ rst: true, ack: true }), window: 0, urgent: 0, options: {} }, new Uint8Array(0), A, B);
    expect(b.length).toBe(20);
    expect(b[12]).toBe(0x50);
    expect(b[13]).toBe(0x14);
  });
  it('rejects data offset below 5 and beyond the segment', () => {
    const b = encodeTcp({ sport: 1, dport: 2, seq: 0, ack: 0, flags: tcpFlags({ syn: true }), window: 0, urgent: 0, options: {} }, new Uint8Array(0), A, B);
    const low = b.slice();
    low[12] = 0x40;
    expect(decodeTcp(low, A, B, { verifyChecksum: false })).toMatchObject({ wireError: 'bad-header-length' });
    const high = b.slice();
    high[12] = 0xf0;
    expect(decodeTcp(high, A, B, { verifyChecksum: false })).toMatchObject({ wireError: 'truncated' });
  });
  it('a malformed option stops option parsing without failing the segment', () => {
    const b = encodeTcp({ sport: 1, dport: 2, seq: 0, ack: 0, flags: tcpFlags({ syn: true }), window: 0, urgent: 0, options: { mss: 1460, wscale: 7 } }, new Uint8Array(0), A, B);
    b[21] = 0; // MSS option length 0
    const d = decodeTcp(b, A, B, { verifyChecksum: false });
    expect(isWireError(d) ? undefined : d.repr.options).toEqual({});
  });
});

describe('vxlan', () => {
  it('round-trips and requires the I flag', () => {
    const inner = new Uint8Array([9, 9, 9]);
    const b = encodeVxlan({ vni: 0xabcdef }, inner);
    expect(Array.from(b.subarray(0, 8))).toEqual([0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0]);
    expect(decodeVxlan(b)).toEqual({ repr: { vni: 0xabcdef }, payload: inner });
    const noI = b.slice();
    noI[0] = 0;
    expect(decodeVxlan(noI)).toMatchObject({ wireError: 'malformed' });
    expect(decodeVxlan(b.subarray(0, 7))).toMatchObject({ wireError: 'truncated' });
  });
});

describe('never throws on random bytes', () => {
  it('udp/tcp/vxlan', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 0, max: 0xffffffff }), (b, ip) => {
        decodeUdp(b, ip, A);
        decodeTcp(b, ip, A);
        decodeTcp(b, ip, A, { verifyChecksum: false });
        decodeVxlan(b);
        return true;
      }),
    );
  });
});
