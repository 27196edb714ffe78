import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from './testdata/linux-frames.js';
import { battery } from './testdata/battery.js';
import { formatIpv4 } from './addr.js';
import { dissectFrame } from './dissect.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('dissectFrame', () => {
  it('walks VXLAN down to the inner ICMP echo (Linux capture)', () => {
    const d = dissectFrame(hex(F.vxlanPingRequest));
    expect(d.error).toBeUndefined();
    expect(d.vxlan).toEqual({ vni: 42 });
    expect(d.inner?.eth?.src).toBe('02:00:00:00:01:0a');
    expect(d.inner?.icmp).toMatchObject({ kind: 'echo-request' });
    expect(formatIpv4(d.inner!.ip!.dst)).toBe('10.9.0.2');
  });
  it('walks IP-in-IP, reads DNS, and stops at non-first fragments', () => {
    const b = Object.fromEntries(battery().map((x) => [x.name, dissectFrame(x.frame)]));
    expect(b['ipip']!.inner?.icmp?.kind).toBe('echo-request');
    expect(b['vxlan 8472']!.inner?.icmp?.kind).toBe('echo-request');
    expect(b['dns answer A']!.dns?.answers[0]?.data).toMatchObject({ type: 1 });
    expect(b['udp fragment 0']!.udp).toMatchObject({ sport: 41000 });
    expect(b['udp fragment 1']!.udp).toBeUndefined();
    expect(b['udp fragment 1']!.payload?.length).toBe(976);
    expect(Object.values(b).filter((x) => x.error)).toEqual([]);
  });
  it('names the layer that failed', () => {
    const f = hex(F.tcpPshData);
    f[f.length - 1] ^= 1;
    const d = dissectFrame(f);
    expect(d.error).toMatchObject({ layer: 'tcp', wire: { wireError: 'bad-checksum' } });
    expect(d.ip).toBeDefined();
    expect(dissectFrame(f, { verifyChecksums: false }).tcp).toBeDefined();
    expect(dissectFrame(hex(F.arpRequest).subarray(0, 20)).error?.layer).toBe('arp');
  });
  it('never throws, however the bytes nest', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => typeof dissectFrame(b) === 'object'));
  });
});
