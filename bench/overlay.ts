/**
 * Overlay benchmarks (issue #4): pod-to-pod traffic between two hosts cabled back to back, through a
 * Flannel-style VXLAN (flannel.1, VNI 1, UDP 8472, static FDB/neighbour, onlink route) and through
 * Calico-style IP-in-IP (tunl0, onlink route via the node address). Measures TCP connects per second
 * (SYN, SYN-ACK, ACK, then FIN both ways, as `nc -z` does) and UDP frame-hops per second with
 * encapsulation; a hop is one frame received by one device, so an encapsulated datagram counts its
 * inner hops (pod veth, tunnel device) and its outer one (eth0). CPU time, like bench/run.ts.
 */
import { createWorld } from '../src/world/world.js';
import { cpuSeconds, must, nl, sk, type Row } from './measure.js';

type Mode = 'vxlan' | 'ipip';
type World = ReturnType<typeof createWorld>;

/** Frames received by every device of every namespace of every host. */
function hops(w: World): number {
  let n = 0;
  for (const h of w.hosts()) {
    const impl = h as unknown as { namespaces(): { byIndex: Map<number, { rxPackets: number }> }[] };
    for (const net of impl.namespaces()) for (const d of net.byIndex.values()) n += d.rxPackets;
  }
  return n;
}

/** node1/node2 on one wire (192.168.50.11/.12), pod namespace on each (10.244.N.2) behind a routed veth. */
function overlay(mode: Mode): World {
  const w = createWorld({ seed: 7, ...(mode === 'ipip' ? { modules: ['ipip'] } : {}) });
  const hosts = [w.addHost('node1'), w.addHost('node2')];
  must(w.connect!({ host: 'node1', dev: 'eth0' }, { host: 'node2', dev: 'eth0' }));
  hosts.forEach((h, i) => {
    const node = nl(h);
    must(node.addrAdd({ dev: 'eth0', local: `192.168.50.1${i + 1}`, prefixLen: 24 }));
    must(node.linkSet('eth0', { up: true }));
    must(node.sysctlSet('net.ipv4.ip_forward', '1'));
    must(h.netnsAdd('pod'));
    must(node.linkAdd({ kind: 'veth', name: 'vpod', peerName: 'eth0', peerNetns: 'pod' }));
    must(node.addrAdd({ dev: 'vpod', local: `10.244.${i}.1`, prefixLen: 24 }));
    must(node.linkSet('vpod', { up: true }));
    const pod = nl(h, 'pod');
    must(pod.addrAdd({ dev: 'eth0', local: `10.244.${i}.2`, prefixLen: 24 }));
    must(pod.linkSet('eth0', { up: true }));
    must(pod.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: `10.244.${i}.1` }));
    const other = 1 - i;
    if (mode === 'vxlan') {
      must(node.linkAdd({ kind: 'vxlan', name: 'flannel.1', id: 1, local: `192.168.50.1${i + 1}`, dev: 'eth0', dstport: 8472, learning: false, address: `0e:00:00:00:00:0${i + 1}` }));
      must(node.addrAdd({ dev: 'flannel.1', local: `10.244.${i}.0`, prefixLen: 32 }));
      must(node.linkSet('flannel.1', { up: true }));
      must(node.neighAdd({ dst: `10.244.${other}.0`, lladdr: `0e:00:00:00:00:0${other + 1}`, dev: 'flannel.1' }));
      must(node.fdbAdd({ mac: `0e:00:00:00:00:0${other + 1}`, dev: 'flannel.1', dst: `192.168.50.1${other + 1}`, self: true, state: 'permanent' }, 'append'));
      must(node.routeAdd({ dst: `10.244.${other}.0`, dstLen: 24, gateway: `10.244.${other}.0`, dev: 'flannel.1', onlink: true }));
    } else {
      must(node.addrAdd({ dev: 'tunl0', local: `10.244.${i}.0`, prefixLen: 32 }));
      must(node.linkSet('tunl0', { up: true }));
      must(node.routeAdd({ dst: `10.244.${other}.0`, dstLen: 24, gateway: `192.168.50.1${other + 1}`, dev: 'tunl0', onlink: true }));
    }
  });
  return w;
}

/** `iterations` TCP connects pod1 -> pod2:80, each closed at once; connects per CPU second. */
function tcpConnects(mode: Mode, iterations: number): Row {
  const w = overlay(mode);
  const server = sk(w.host('node2')!, 'pod');
  must(server.tcpListen('0.0.0.0', 80, (c) => c.close()));
  const client = sk(w.host('node1')!, 'pod');
  let done = 0;
  let failed = 0;
  const one = (): void => {
    must(
      client.tcpConnect('10.244.1.2', 80, {
        established: (c) => {
          done++;
          c.close();
        },
        failed: () => failed++,
      }),
    );
  };
  // Warm up: ARP on both segments, JIT.
  for (let i = 0; i < 50; i++) one();
  w.runFor(2000);
  const before = hops(w);
  const started = done;
  const t0 = cpuSeconds();
  for (let i = 0; i < iterations; i++) {
    one();
    w.runFor(1);
  }
  w.runFor(1000);
  const seconds = cpuSeconds(t0);
  if (failed || done - started !== iterations) throw new Error(`${mode}: ${done - started} of ${iterations} connects, ${failed} failed`);
  return { name: `${mode}: pod -> pod TCP connect + close`, frames: hops(w) - before, seconds, unit: 'connects/s', value: iterations / seconds };
}

const PAYLOAD = new Uint8Array(64);

/** UDP pod1 -> pod2 through the tunnel; frame-hops per CPU second. */
function udpHops(mode: Mode, count: number): Row {
  const w = overlay(mode);
  const u = sk(w.host('node2')!, 'pod').udp();
  must(u.bind('0.0.0.0', 9000));
  let got = 0;
  u.onMessage(() => got++);
  const s = sk(w.host('node1')!, 'pod').udp();
  must(s.connect('10.244.1.2', 9000));
  for (let i = 0; i < 2000; i++) must(s.send(PAYLOAD));
  w.runFor(10);
  const before = hops(w);
  const base = got;
  const t0 = cpuSeconds();
  const BATCH = 256;
  for (let i = 0; i < count; i += BATCH) {
    for (let j = 0; j < BATCH; j++) must(s.send(PAYLOAD));
    w.runFor(0);
  }
  const seconds = cpuSeconds(t0);
  if (got - base < count * 0.99) throw new Error(`${mode}: only ${got - base} of ${count} datagrams arrived`);
  const frames = hops(w) - before;
  return { name: `${mode}: pod -> pod UDP (encapsulated)`, frames, seconds, unit: 'frame-hops/s', value: frames / seconds };
}

export function overlayRows(scale = 1): Row[] {
  return [
    tcpConnects('vxlan', Math.round(5000 * scale)),
    tcpConnects('ipip', Math.round(5000 * scale)),
    udpHops('vxlan', Math.round(100_000 * scale)),
    udpHops('ipip', Math.round(100_000 * scale)),
  ];
}
