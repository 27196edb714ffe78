import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as F from './testdata/linux-frames.js';
import { battery } from './testdata/battery.js';
import { msToSecUsec, PcapWriter, readPcap } from './pcap.js';
import { PcapngWriter } from './pcapng.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

describe('PcapWriter / readPcap', () => {
  it('writes the libpcap 2.4 little-endian header tcpdump writes (snaplen 262144, Ethernet)', () => {
    const b = new PcapWriter().toBuffer();
    expect(b.toString('hex')).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000');
  });
  it('stamps records from virtual ms with microsecond precision', () => {
    expect(msToSecUsec(1234.5678)).toEqual({ sec: 1, usec: 234568 });
    const w = new PcapWriter();
    w.add(2500.25, hex(F.pingRequest));
    const rec = w.toBuffer().subarray(24, 40);
    expect([rec.readUInt32LE(0), rec.readUInt32LE(4), rec.readUInt32LE(8), rec.readUInt32LE(12)]).toEqual([2, 500250, 98, 98]);
  });
  it('reads back what it wrote', async () => {
    const w = new PcapWriter();
    const frames = [F.arpRequest, F.tcpSyn, F.vxlanPingRequest].map(hex);
    frames.forEach((f, i) => w.add(10 * i + 0.5, f));
    const r = await readPcap(w.toBuffer());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.linkType).toBe(1);
    expect(r.value.records.map((x) => x.t)).toEqual([0.5, 10.5, 20.5]);
    expect(r.value.records.map((x) => Buffer.from(x.bytes).toString('hex'))).toEqual([F.arpRequest, F.tcpSyn, F.vxlanPingRequest]);
  });
  it('keeps the bytes as they were when added, even if the frame is rewritten later', async () => {
    const w = new PcapWriter();
    const ng = new PcapngWriter();
    const f = hex(F.pingRequest);
    w.add(0, f);
    ng.add({ t: 0, host: 'h', netns: 'n', dev: 'd', direction: 'out', bytes: f });
    const before = [w.toBuffer().toString('hex'), ng.toBuffer().toString('hex')];
    f[22] = 1; // TTL rewritten in place, as a forwarding hop does
    expect([w.toBuffer().toString('hex'), ng.toBuffer().toString('hex')]).toEqual(before);
  });
  it('cuts frames at the snaplen but keeps the original length', async () => {
    const w = new PcapWriter(64);
    w.add(0, hex(F.pingRequest));
    const r = await readPcap(w.toBuffer());
    expect(r.ok && [r.value.records[0]!.bytes.length, r.value.records[0]!.origLen]).toEqual([64, 98]);
  });
  it('names pcapng and nanosecond pcap instead of calling them garbage', async () => {
    const ng = await readPcap(new PcapngWriter().toBuffer(), 'x.pcapng');
    expect(!ng.ok && ng.error.message).toMatch(/is pcapng/);
    const nsec = new PcapWriter().toBuffer();
    nsec.writeUInt32LE(0xa1b23c4d, 0);
    const r = await readPcap(nsec, 'x.pcap');
    expect(!r.ok && r.error.message).toMatch(/nanosecond/);
  });
  it('reports garbage, empty and truncated files as parse errors', async () => {
    const w = new PcapWriter();
    w.add(0, hex(F.pingRequest));
    const whole = w.toBuffer();
    for (const bad of [Buffer.from('not a capture at all, really'), Buffer.alloc(0), whole.subarray(0, whole.length - 5), whole.subarray(0, 40)]) {
      const r = await readPcap(bad, 'bad.pcap');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ kind: 'parse', file: 'bad.pcap' });
    }
  });
});

describe.skipIf(!hasTshark)('tshark dissects podnet captures cleanly (tshark is the oracle)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const frames = battery();
  const checks = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
  const tshark = (args: string[]) => {
    const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  const clean = (file: string) => {
    const out = tshark(['-r', file, '-V', ...checks]);
    expect(out).not.toMatch(/Malformed/);
    expect(out).not.toMatch(/\[Expert Info \(Error/);
    expect(out).not.toMatch(/incorrect|\[Bad/i);
  };
  const fields = (file: string) =>
    tshark(['-r', file, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-E', 'separator=|', '-e', 'icmp.type', '-e', 'tcp.flags.syn', '-e', 'vxlan.vni', '-e', 'ip.proto', '-e', 'arp.opcode'])
      .trim()
      .split('\n');

  it('classic pcap: no malformed packets, bad checksums or errors; layers as built', () => {
    const w = new PcapWriter();
    frames.forEach((f, i) => w.add(i, f.frame));
    const file = join(dir, 'battery.pcap');
    writeFileSync(file, w.toBuffer());
    clean(file);
    const rows = fields(file);
    const row = (name: string) => rows[frames.findIndex((f) => f.name === name)];
    expect(row('arp request')).toBe('||||1');
    expect(row('echo request')).toBe('8|||1|');
    expect(row('tcp syn')).toBe('|1||6|');
    // The quoted SYN inside the ICMP error is dissected too.
    expect(row('unreachable code 4')).toBe('3|1||1,6|');
    expect(row('vxlan 4789')).toBe('|1|4096|17,6|');
    expect(row('vxlan 8472')).toBe('8||1|17,1|');
    expect(row('ipip')).toBe('8|||4,1|');
  });
  it('pcapng: one interface per (host, netns, dev), direction and comment per packet', () => {
    const w = new PcapngWriter();
    const where = [
      { host: 'node1', netns: 'pod-a', dev: 'eth0', direction: 'out' as const },
      { host: 'node1', netns: '(root)', dev: 'flannel.1', direction: 'out' as const },
      { host: 'node2', netns: '(root)', dev: 'eth0', direction: 'in' as const },
    ];
    frames.forEach((f, i) => w.add({ t: 1000 + i, ...where[i % 3]!, bytes: f.frame }, f.name));
    const file = join(dir, 'battery.pcapng');
    writeFileSync(file, w.toBuffer());
    clean(file);
    const rows = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_name', '-e', 'frame.packet_flags_direction', '-e', 'frame.comment', '-e', 'frame.time_epoch'])
      .trim()
      .split('\n');
    expect(rows.length).toBe(frames.length);
    expect(rows[0]).toBe('node1/pod-a/eth0|0x00000002|sent from node1/pod-a/eth0: arp request|1.000000000');
    expect(rows[1]).toBe('node1/(root)/flannel.1|0x00000002|sent from node1/(root)/flannel.1: arp reply|1.001000000');
    expect(rows[2]).toBe('node2/(root)/eth0|0x00000001|received on node2/(root)/eth0: echo request|1.002000000');
    expect(w.interfaceNames()).toEqual(['node1/pod-a/eth0', 'node1/(root)/flannel.1', 'node2/(root)/eth0']);
    expect(rows.filter((r) => r.startsWith('node1/pod-a/eth0|')).length).toBe(Math.ceil(frames.length / 3));
  });
});
