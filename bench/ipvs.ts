/**
 * IPVS-mode benchmarks: the cost of one `-m set --match-set KUBE-CLUSTER-IP dst,dst` test against
 * a hash:ip,port set of 10,000 services (the kernel does one hash lookup; so must we), a hash:net
 * test with 24 prefix lengths present, and the first-packet IPVS decision (service lookup, rr
 * schedule, connection entry) for a virtual server among 10,000. CPU time, like bench/run.ts.
 */
import { IpsetStore } from '../src/kernel/ipset/store.js';
import { Ipvs } from '../src/kernel/ipvs/ipvs.js';
import { cpuSeconds, type Row } from './measure.js';

const VIP0 = 0x0a600000;

function setLookup(n: number, loops: number): Row {
  let seed = 1;
  const store = new IpsetStore({ now: () => 0, u32: () => (seed = (seed * 1103515245 + 12345) >>> 0) });
  store.create('KUBE-CLUSTER-IP', 'hash:ip,port', { hashsize: 1024, maxelem: 65536, comment: false }, false);
  const set = store.get('KUBE-CLUSTER-IP')!;
  for (let i = 0; i < n; i++) set.add({ ip: VIP0 + i, proto: 6, port: 80 }, {}, false);
  const pkt = { src: 0x0af40005, dst: VIP0 + n - 1, proto: 6, sport: 40000, dport: 80 };
  let hits = 0;
  const t0 = cpuSeconds();
  for (let i = 0; i < loops; i++) if (store.testPacket('KUBE-CLUSTER-IP', pkt, ['dst', 'dst'])) hits++;
  const s = cpuSeconds(t0);
  if (hits !== loops) throw new Error('set lookup missed');
  return { name: `-m set hash:ip,port lookup (${n} entries)`, frames: loops, seconds: s, unit: 'us/test', value: (s / loops) * 1e6 };
}

function netLookup(loops: number): Row {
  const store = new IpsetStore({ now: () => 0, u32: () => 7 });
  store.create('NETS', 'hash:net', { hashsize: 1024, maxelem: 65536, comment: false }, false);
  const set = store.get('NETS')!;
  for (let c = 8; c <= 31; c++) set.add({ ip: (0x0b000000 + (c << 16)) >>> 0, cidr: c }, {}, false);
  set.add({ ip: 0x0a000000, cidr: 8 }, {}, false);
  const pkt = { src: 0x0a010203, dst: 0, proto: 17, sport: 1, dport: 2 };
  const t0 = cpuSeconds();
  let hits = 0;
  for (let i = 0; i < loops; i++) if (store.testPacket('NETS', pkt, ['src'])) hits++;
  const s = cpuSeconds(t0);
  if (hits !== loops) throw new Error('net lookup missed');
  return { name: '-m set hash:net lookup (24 prefix lengths)', frames: loops, seconds: s, unit: 'us/test', value: (s / loops) * 1e6 };
}

function firstPacket(n: number, loops: number): Row {
  const vs = new Ipvs({ now: () => 0, addrType: () => 'unicast' });
  for (let i = 0; i < n; i++) {
    const k = { proto: 6, addr: VIP0 + i, port: 80, fwmark: 0 };
    vs.addService(k, { sched: 'rr', persistent: 0, netmask: 0xffffffff });
    for (let e = 0; e < 10; e++) vs.addDest(k, { addr: 0x0af40000 + i * 16 + e, port: 8080, weight: 1, fwd: 'masq', uThreshold: 0, lThreshold: 0 });
  }
  const t0 = cpuSeconds();
  for (let i = 0; i < loops; i++) {
    const sport = 1024 + (i % 60000);
    const src = 0x0a000000 + Math.floor(i / 60000);
    const svc = vs.serviceFor(6, VIP0 + n - 1, 80, 0);
    if (!svc || vs.connIn4(6, src, sport, VIP0 + n - 1, 80)) throw new Error('unexpected state');
    if (!vs.scheduleConn(svc, { proto: 6, saddr: src, sport, daddr: VIP0 + n - 1, dport: 80 })) throw new Error('no dest');
  }
  const s = cpuSeconds(t0);
  return { name: `IPVS first-packet decision (${n} services x 10)`, frames: loops, seconds: s, unit: 'us/conn', value: (s / loops) * 1e6 };
}

export function ipvsRows(scale: number): Row[] {
  return [setLookup(10_000, 200_000 * scale), netLookup(200_000 * scale), firstPacket(10_000, 20_000 * scale)];
}
