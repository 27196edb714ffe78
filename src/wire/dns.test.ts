import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from './addr.js';
import { decodeDns, DNS_CLASS_IN, DNS_TYPE_A, DNS_TYPE_CNAME, DNS_TYPE_SRV, encodeDns, readDnsName, type DnsMessage } from './dns.js';
import { formatIpv6 } from './dns_summary.js';

const base: DnsMessage = {
  id: 0xbeef, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, ad: false, cd: false, rcode: 0,
  questions: [{ name: 'web.default.svc.cluster.local', type: DNS_TYPE_A, class: DNS_CLASS_IN }],
  answers: [
    { name: 'web.default.svc.cluster.local', class: DNS_CLASS_IN, ttl: 30, data: { type: DNS_TYPE_CNAME, target: 'web-0.web.default.svc.cluster.local' } },
    { name: 'web-0.web.default.svc.cluster.local', class: DNS_CLASS_IN, ttl: 30, data: { type: DNS_TYPE_A, address: parseIpv4('10.244.1.9')! } },
  ],
  authorities: [],
  additionals: [{ name: '_http._tcp.web.default.svc.cluster.local', class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_SRV, priority: 10, weight: 50, port: 80, target: 'web-0.web.default.svc.cluster.local' } }],
};

describe('dns', () => {
  it('round-trips a response with CNAME, A and SRV', () => {
    expect(decodeDns(encodeDns(base))).toEqual(base);
  });
  it('compresses repeated suffixes with pointers (RFC 1035 4.1.4)', () => {
    const b = encodeDns(base);
    // Uncompressed the three long names alone would take far more than the whole message.
    expect(b.length).toBeLessThan(160);
    // The answer's owner name is a pointer (0xc0 0x0c) straight back to the question name at offset 12.
    const qEnd = 12 + 'web.default.svc.cluster.local'.length + 2 + 4;
    expect([b[qEnd], b[qEnd + 1]]).toEqual([0xc0, 0x0c]);
  });
  it('header flags land in the right bits', () => {
    const b = encodeDns({ ...base, questions: [], answers: [], additionals: [], rcode: 3, aa: false, ra: false, rd: true, tc: true });
    expect(Array.from(b.subarray(0, 4))).toEqual([0xbe, 0xef, 0x83, 0x03]);
  });
  it('rejects pointer loops, truncation and oversized names without throwing', () => {
    const loop = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(decodeDns(loop)).toMatchObject({ wireError: 'malformed' });
    const good = encodeDns(base);
    for (let n = 0; n < good.length; n += 7) expect('wireError' in decodeDns(good.subarray(0, n))).toBe(true);
    const long = new Uint8Array(300).fill(1);
    long[299] = 0;
    expect(readDnsName(long, 0)).toMatchObject({ wireError: 'malformed' });
  });
  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      decodeDns(b);
      return true;
    }));
  });
  it('formats IPv6 per RFC 5952', () => {
    const v6 = (...g: number[]) => Uint8Array.from(g.flatMap((x) => [x >> 8, x & 0xff]));
    expect(formatIpv6(v6(0xfd00, 0x10, 0x96, 0, 0, 0, 0, 1))).toBe('fd00:10:96::1');
    expect(formatIpv6(v6(0, 0, 0, 0, 0, 0, 0, 0))).toBe('::');
    expect(formatIpv6(v6(1, 0, 2, 0, 0, 3, 0, 0))).toBe('1:0:2::3:0:0');
    expect(formatIpv6(v6(1, 2, 3, 4, 5, 6, 7, 8))).toBe('1:2:3:4:5:6:7:8');
  });
});
