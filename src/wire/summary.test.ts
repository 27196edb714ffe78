import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from './testdata/linux-frames.js';
import { battery } from './testdata/battery.js';
import { PcapWriter } from './pcap.js';
import { summarizeFrame } from './summary.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

/** Lines tcpdump printed for the Linux captures (tcpdump -n -S -t). */
describe('summaries of frames captured from Linux', () => {
  it.each([
    [F.arpRequest, 'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28'],
    [F.arpReply, 'ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:0b, length 28'],
    [F.pingRequest, 'IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 8099, seq 1, length 64'],
    [F.icmpPortUnreachable, 'IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 9999 unreachable, length 39'],
    [F.tcpSyn, 'IP 10.0.0.1.40150 > 10.0.0.2.8080: Flags [S], seq 498936064, win 64240, options [mss 1460,sackOK,TS val 260815230 ecr 0,nop,wscale 10], length 0'],
    [F.udpDatagram, 'IP 10.0.0.1.40001 > 10.0.0.2.9999: UDP, length 3'],
  ])('%#', (h, want) => {
    expect(summarizeFrame(hex(h))).toBe(want);
  });
  it('a non-first fragment names only the protocol', () => {
    expect(summarizeFrame(hex(F.pingFragments[1]!))).toBe('IP 10.0.0.1 > 10.0.0.2: ip-proto-1');
  });
  it('VXLAN keeps the inner frame on the same line', () => {
    expect(summarizeFrame(hex(F.vxlanArpRequest))).toMatch(/^IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.4789: VXLAN, flags \[I\] \(0x08\), vni 42 ARP, Request who-has 10\.9\.0\.2 tell 10\.9\.0\.1, length 28$/);
  });
  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => typeof summarizeFrame(b) === 'string'));
    // Random bytes behind a valid IPv4 Ethernet header reach the deeper printers too.
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      const f = new Uint8Array(14 + b.length);
      f[12] = 0x08;
      f.set(b, 14);
      if (b.length > 0) f[14] = 0x45;
      return typeof summarizeFrame(f) === 'string';
    }));
  });
});

describe.skipIf(!hasTcpdump)('summaries equal tcpdump -n -S -t output (tcpdump is the oracle)', () => {
  it('for the battery and the Linux captures', () => {
    const frames = [
      ...battery().map((b) => b.frame),
      ...Object.values(F).flatMap((v) => (typeof v === 'string' ? [hex(v)] : v.map(hex))),
    ];
    const w = new PcapWriter();
    frames.forEach((f, i) => w.add(i, f));
    const dir = mkdtempSync(join(tmpdir(), 'podnet-summary-'));
    try {
      const file = join(dir, 'battery.pcap');
      writeFileSync(file, w.toBuffer());
      const r = spawnSync('tcpdump', ['-n', '-S', '-t', '-r', file], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      // tcpdump prints a tunnel's inner frame on its own line; summaries keep it on one.
      const lines: string[] = [];
      for (const l of r.stdout.split('\n').filter((x) => x !== '')) {
        const prev = lines[lines.length - 1];
        if (prev !== undefined && /(VXLAN|OTV), flags \[.\] \(0x[0-9a-f]{2}\), (vni|overlay 0, instance) \d+$/.test(prev)) lines[lines.length - 1] = `${prev} ${l}`;
        else lines.push(l);
      }
      // udpToListener goes to 5353, where tcpdump runs its mDNS printer; podnet summarises it as UDP.
      const ours = frames.map(summarizeFrame);
      const skip = ours.findIndex((s) => s.includes('.5353: UDP'));
      if (skip >= 0) {
        ours.splice(skip, 1);
        lines.splice(skip, 1);
      }
      expect(ours).toEqual(lines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
