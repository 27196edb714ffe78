import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pingFragments } from './testdata/linux-frames.js';
import { isWireError, type WireError } from './error.js';
import { decodeEthernet } from './ethernet.js';
import { decodeIcmp } from './icmp.js';
import { decodeIpv4, type Ipv4Repr } from './ipv4.js';
import { fragmentIpv4, IPFRAG_TIME_MS, Reassembler } from './fragment.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
function must<T extends object>(v: T | WireError): T {
  if (isWireError(v)) throw new Error(`${v.wireError}: ${v.message}`);
  return v;
}
const linuxIp = pingFragments.map((h) => must(decodeEthernet(hex(h))).payload);
const base: Ipv4Repr = { tos: 0, id: 0x1234, df: false, mf: false, fragOffset: 0, ttl: 64, protocol: 17, src: 0x0a000001, dst: 0x0a000002 };

describe('fragmentIpv4 matches Linux (ping -s 3000 -M dont, veth mtu 1000)', () => {
  it('reassembles the captured fragments, then refragments them byte for byte', () => {
    const r = new Reassembler();
    let done: ReturnType<Reassembler['add']> | undefined;
    for (const pkt of linuxIp) {
      const d = must(decodeIpv4(pkt));
      done = r.add(d.repr, d.payload, 0);
    }
    expect(done?.status).toBe('complete');
    if (done?.status !== 'complete') return;
    expect(done.payload.length).toBe(3008);
    expect(must(decodeIcmp(done.payload)).kind).toBe('echo-request');
    const frags = must(fragmentIpv4(done.repr, done.payload, 1000));
    expect(frags.map((f) => Buffer.from(f).toString('hex'))).toEqual(linuxIp.map((f) => Buffer.from(f).toString('hex')));
  });
  it('geometry: 976-byte payloads at offsets 0, 976, 1952, 2928', () => {
    const frags = must(fragmentIpv4(base, new Uint8Array(3008), 1000)).map((f) => must(decodeIpv4(f)));
    expect(frags.map((f) => [f.repr.fragOffset, f.payload.length, f.repr.mf])).toEqual([
      [0, 976, true], [976, 976, true], [1952, 976, true], [2928, 80, false],
    ]);
  });
  it('a datagram that fits is sent whole; DF is cleared in fragments unless kept', () => {
    expect(must(fragmentIpv4({ ...base, df: true }, new Uint8Array(980), 1000)).length).toBe(1);
    const f = must(fragmentIpv4({ ...base, df: true }, new Uint8Array(2000), 1000)).map((p) => must(decodeIpv4(p)).repr.df);
    expect(f).toEqual([false, false, false]);
    const k = must(fragmentIpv4({ ...base, df: true }, new Uint8Array(2000), 1000, { keepDf: true })).map((p) => must(decodeIpv4(p)).repr.df);
    expect(k).toEqual([true, true, true]);
  });
  it('refragmenting a non-last fragment keeps MF on every piece and continues its offset', () => {
    const f = must(fragmentIpv4({ ...base, mf: true, fragOffset: 1480 }, new Uint8Array(1480), 576)).map((p) => must(decodeIpv4(p)).repr);
    expect(f.map((r) => [r.fragOffset, r.mf])).toEqual([[1480, true], [2032, true], [2584, true]]);
  });
  it('options without the copied flag become NOPs after the first fragment', () => {
    // Record Route (7, not copied) and a copied option 0x94 (Router Alert).
    const options = Uint8Array.from([0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0]);
    const f = must(fragmentIpv4({ ...base, options }, new Uint8Array(100), 80)).map((p) => must(decodeIpv4(p)).repr.options!);
    expect(Array.from(f[0]!)).toEqual(Array.from(options));
    expect(Array.from(f[1]!)).toEqual([0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0]);
  });
  it('refuses an MTU with no room for 8 bytes', () => {
    expect(isWireError(fragmentIpv4(base, new Uint8Array(100), 27))).toBe(true);
  });
});

describe('Reassembler', () => {
  const split = (size: number, mtu: number, id = 1) =>
    must(fragmentIpv4({ ...base, id }, Uint8Array.from({ length: size }, (_, i) => i & 0xff), mtu)).map((p) => must(decodeIpv4(p)));

  it('reassembles in any order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 5000 }), fc.integer({ min: 68, max: 1500 }), fc.integer(), (size, mtu, seed) => {
        const frags = split(size, mtu);
        if (frags.length < 2) return true;
        const order = frags.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const r = new Reassembler();
        const results = order.map((i) => r.add(frags[i]!.repr, frags[i]!.payload, 0));
        const last = results.pop()!;
        expect(results.every((x) => x.status === 'queued')).toBe(true);
        expect(last.status).toBe('complete');
        if (last.status === 'complete') {
          expect(last.payload.length).toBe(size);
          expect(last.payload[size - 1]).toBe((size - 1) & 0xff);
          expect(last.repr.mf).toBe(false);
        }
        expect(r.size).toBe(0);
        return true;
      }),
    );
  });
  it('keeps datagrams with different ids apart', () => {
    const a = split(2000, 1000, 1);
    const b = split(2000, 1000, 2);
    const r = new Reassembler();
    expect(r.add(a[0]!.repr, a[0]!.payload, 0).status).toBe('queued');
    expect(r.add(b[0]!.repr, b[0]!.payload, 0).status).toBe('queued');
    expect(r.add(a[1]!.repr, a[1]!.payload, 0).status).toBe('queued');
    expect(r.size).toBe(2);
  });
  it('expires a queue 30 s after its first fragment, reporting the first fragment for ICMP', () => {
    const f = split(3000, 1000);
    const r = new Reassembler();
    r.add(f[0]!.repr, f[0]!.payload, 1000);
    r.add(f[1]!.repr, f[1]!.payload, 20_000);
    expect(r.nextDeadline()).toBe(1000 + IPFRAG_TIME_MS);
    expect(r.expire(1000 + IPFRAG_TIME_MS - 1)).toEqual([]);
    const gone = r.expire(1000 + IPFRAG_TIME_MS);
    expect(gone.length).toBe(1);
    expect(must(decodeIpv4(gone[0]!.firstFragment!)).repr).toMatchObject({ mf: true, fragOffset: 0, id: 1 });
    // A late fragment starts a new queue; it cannot complete the old datagram.
    expect(r.add(f[2]!.repr, f[2]!.payload, 31_001).status).toBe('queued');
    expect(r.add(f[3]!.repr, f[3]!.payload, 31_002).status).toBe('queued');
  });
  it('a queue without its first fragment expires silently (no quote)', () => {
    const f = split(3000, 1000);
    const r = new Reassembler();
    r.add(f[1]!.repr, f[1]!.payload, 0);
    expect(r.expire(IPFRAG_TIME_MS)).toEqual([{ src: base.src, dst: base.dst, id: 1, protocol: 17 }]);
  });
  it('drops a duplicate alone but discards the queue on an overlap', () => {
    const f = split(3000, 1000);
    const r = new Reassembler();
    r.add(f[0]!.repr, f[0]!.payload, 0);
    expect(r.add(f[0]!.repr, f[0]!.payload, 0)).toEqual({ status: 'dropped', reason: 'duplicate' });
    expect(r.size).toBe(1);
    const overlapping = { ...f[1]!.repr, fragOffset: f[1]!.repr.fragOffset - 8 };
    expect(r.add(overlapping, f[1]!.payload, 0)).toEqual({ status: 'dropped', reason: 'overlap' });
    expect(r.size).toBe(0);
  });
  it('discards on a second, different last fragment', () => {
    const f = split(3000, 1000);
    const r = new Reassembler();
    const last = f[f.length - 1]!;
    r.add(last.repr, last.payload, 0);
    expect(r.add({ ...last.repr, fragOffset: last.repr.fragOffset + 8 }, last.payload, 0)).toEqual({ status: 'dropped', reason: 'bad-length' });
  });
});
