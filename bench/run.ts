/**
 * Benchmarks of the emulated data plane: frame-hops per second over a veth pair, through a
 * forwarding namespace and across a 100-port bridge, and the cost of one complete ping (ARP
 * resolution, echo request, echo reply). Prints a table; `npm run bench`. Times are process CPU
 * time (user + system), so a busy shared machine skews them less than wall-clock time would.
 */
import { createWorld } from '../src/world/world.js';
import type { Host } from '../src/world/api.js';
import { worldRows } from './world.js';
import { overlayRows } from './overlay.js';
import { ipvsRows } from './ipvs.js';
import { cniRows } from './cni.js';
import { cpuSeconds, must, nl, sk, type Row } from './measure.js';

/** Sum of frames received by every device of every namespace: one receive is one hop. */
function hops(h: Host): number {
  const impl = h as unknown as { namespaces(): { byIndex: Map<number, { rxPackets: number }> }[] };
  let n = 0;
  for (const net of impl.namespaces()) for (const d of net.byIndex.values()) n += d.rxPackets;
  return n;
}

const PAYLOAD = new Uint8Array(64);

/** Blast UDP datagrams from ns `from` to `dst`, draining the event loop in batches. */
function blast(w: ReturnType<typeof createWorld>, h: Host, from: string, dst: string, count: number): { frames: number; seconds: number } {
  const s = sk(h, from).udp();
  must(s.connect(dst, 9000));
  // Warm up (ARP resolution and JIT).
  for (let i = 0; i < 2000; i++) s.send(PAYLOAD);
  w.runFor(10);
  const before = hops(h);
  const t0 = cpuSeconds();
  const BATCH = 256;
  for (let i = 0; i < count; i += BATCH) {
    for (let j = 0; j < BATCH; j++) s.send(PAYLOAD);
    w.runFor(0);
  }
  const seconds = cpuSeconds(t0);
  return { frames: hops(h) - before, seconds };
}

function vethPath(count: number): Row {
  const w = createWorld({ seed: 1 });
  const h = w.addHost('h');
  h.netnsAdd('a');
  h.netnsAdd('b');
  const a = nl(h, 'a');
  const b = nl(h, 'b');
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'vb', peerNetns: 'b' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.0.2', prefixLen: 24 }));
  a.linkSet('va', { up: true });
  b.linkSet('vb', { up: true });
  const u = sk(h, 'b').udp();
  must(u.bind('0.0.0.0', 9000));
  u.onMessage(() => undefined);
  const r = blast(w, h, 'a', '10.0.0.2', count);
  return { name: 'veth a -> b (UDP)', ...r, unit: 'frame-hops/s', value: r.frames / r.seconds };
}

function routedPath(count: number): Row {
  const w = createWorld({ seed: 2 });
  const h = w.addHost('h');
  for (const n of ['a', 'r', 'b']) h.netnsAdd(n);
  const a = nl(h, 'a');
  const r = nl(h, 'r');
  const b = nl(h, 'b');
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'ra', peerNetns: 'r' }));
  must(b.linkAdd({ kind: 'veth', name: 'vb', peerName: 'rb', peerNetns: 'r' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.1.2', prefixLen: 24 }));
  must(r.addrAdd({ dev: 'ra', local: '10.0.1.1', prefixLen: 24 }));
  must(r.addrAdd({ dev: 'rb', local: '10.0.2.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.2.2', prefixLen: 24 }));
  for (const [n, d] of [[a, 'va'], [r, 'ra'], [r, 'rb'], [b, 'vb']] as const) n.linkSet(d, { up: true });
  must(a.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '10.0.1.1' }));
  must(b.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '10.0.2.1' }));
  must(r.sysctlSet('net.ipv4.ip_forward', '1'));
  const u = sk(h, 'b').udp();
  must(u.bind('0.0.0.0', 9000));
  u.onMessage(() => undefined);
  const res = blast(w, h, 'a', '10.0.2.2', count);
  return { name: 'routed a -> r -> b (UDP)', ...res, unit: 'frame-hops/s', value: res.frames / res.seconds };
}

function bridgePath(count: number): Row {
  const w = createWorld({ seed: 3 });
  const h = w.addHost('h');
  const root = nl(h);
  must(root.linkAdd({ kind: 'bridge', name: 'br0' }));
  root.linkSet('br0', { up: true });
  const PORTS = 100;
  for (let i = 0; i < PORTS; i++) {
    const ns = `n${i}`;
    h.netnsAdd(ns);
    must(root.linkAdd({ kind: 'veth', name: `p${i}`, peerName: 'eth0', peerNetns: ns }));
    root.linkSet(`p${i}`, { master: 'br0', up: true });
    const n = nl(h, ns);
    must(n.addrAdd({ dev: 'eth0', local: `10.1.${i >> 8}.${(i & 255) + 1}`, prefixLen: 16 }));
    n.linkSet('eth0', { up: true });
  }
  const dstNs = `n${PORTS - 1}`;
  const u = sk(h, dstNs).udp();
  must(u.bind('0.0.0.0', 9000));
  u.onMessage(() => undefined);
  const res = blast(w, h, 'n0', `10.1.0.${PORTS}`, count);
  return { name: `bridge ${PORTS} ports n0 -> n${PORTS - 1} (UDP)`, ...res, unit: 'frame-hops/s', value: res.frames / res.seconds };
}

function fullPing(iterations: number): Row {
  const w = createWorld({ seed: 4 });
  const h = w.addHost('h');
  h.netnsAdd('a');
  h.netnsAdd('b');
  const a = nl(h, 'a');
  const b = nl(h, 'b');
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'vb', peerNetns: 'b' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.0.2', prefixLen: 24 }));
  a.linkSet('va', { up: true });
  b.linkSet('vb', { up: true });
  const p = sk(h, 'a').ping();
  must(p.connect('10.0.0.2'));
  let replies = 0;
  p.onReply(() => replies++);
  const before = hops(h);
  const t0 = cpuSeconds();
  for (let i = 0; i < iterations; i++) {
    a.neighFlush({ dev: 'va' });
    b.neighFlush({ dev: 'vb' });
    p.send(i & 0xffff, 56);
    w.runFor(1);
  }
  const seconds = cpuSeconds(t0);
  if (replies !== iterations) throw new Error(`expected ${iterations} replies, got ${replies}`);
  return { name: 'full ping (ARP + echo + reply)', frames: hops(h) - before, seconds, unit: 'µs/ping', value: (seconds * 1e6) / iterations };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

const scale = Number(process.env.BENCH_SCALE ?? '1');
const rows = [vethPath(300_000 * scale), routedPath(200_000 * scale), bridgePath(200_000 * scale), fullPing(20_000 * scale), ...overlayRows(scale), ...worldRows(scale), ...cniRows(scale), ...ipvsRows(scale)];
const w1 = Math.max(...rows.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(w1)}  ${'frames'.padStart(10)}  ${'cpu s'.padStart(8)}  result`);
for (const r of rows) console.log(`${r.name.padEnd(w1)}  ${String(r.frames).padStart(10)}  ${r.seconds.toFixed(3).padStart(8)}  ${fmt(r.value)} ${r.unit}`);
