/**
 * Netfilter benchmark: iptables-restore of a kube-proxy payload for 10,000 services x 10 endpoints
 * (~320,000 rules), then first-packet traversal of the nat PREROUTING hook for the last service,
 * and the heap the ruleset holds. Run: node --import tsx bench/netfilter.ts [services] [endpoints]
 * Targets: restore < 3 s, traversal < 20 us, memory < 500 MB.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Ruleset } from '../src/kernel/netfilter/ruleset.js';
import { traverse } from '../src/kernel/netfilter/traverse.js';
import type { PacketView } from '../src/kernel/netfilter/match.js';
import { runIptables } from '../src/commands/iptables/iptables.js';
import { runRestore } from '../src/commands/iptables/restore.js';
import { runSave } from '../src/commands/iptables/save-command.js';
import { parseIpv4 } from '../src/wire/addr.js';
import { KUBE_BASE_CHAINS, KUBE_JUMPS, kubeProxyPayload, makeServices } from './kubeproxy-payload.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMB = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 1048576;
};

const nServices = Number(process.argv[2] ?? 10000);
const nEndpoints = Number(process.argv[3] ?? 10);

let t = performance.now();
const services = makeServices(nServices, nEndpoints);
const payload = kubeProxyPayload(services);
const genMs = performance.now() - t;
const lines = payload.split('\n').length;

const heapBefore = heapMB();
const rs = new Ruleset();
for (const a of [...KUBE_BASE_CHAINS, ...KUBE_JUMPS]) {
  const r = runIptables(a, rs);
  if (r.exitCode !== 0) throw new Error(`setup ${a.join(' ')}: ${r.stderr}`);
}
t = performance.now();
const cpu0 = process.cpuUsage();
const res = runRestore(['-w', '5', '-W', '100000', '--noflush', '--counters'], rs, { stdin: payload });
const restoreMs = performance.now() - t;
const cpu1 = process.cpuUsage(cpu0);
const restoreCpuMs = (cpu1.user + cpu1.system) / 1000;
if (res.exitCode !== 0) throw new Error('restore failed: ' + res.stderr);
const heapAfter = heapMB();

let rules = 0;
let chains = 0;
for (const tb of rs.existingTables()) for (const c of tb.chains.values()) {
  chains++;
  rules += c.rules.length;
}

const last = services[services.length - 1]!;
let seed = 42;
const rng = (): number => {
  // mulberry32: deterministic draws for -m statistic.
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const packet = (sport: number): PacketView => ({
  src: parseIpv4('10.244.0.5')!,
  dst: parseIpv4(last.clusterIP)!,
  proto: 6,
  sport,
  dport: last.svcPort,
  tcpFlags: 0x02,
  len: 60,
  iif: 'cni0',
  mark: 0,
  ct: { state: 'NEW', snat: false, dnat: false, origSrc: parseIpv4('10.244.0.5')!, origDst: parseIpv4(last.clusterIP)!, origSport: sport, origDport: last.svcPort, mark: 0 },
});

t = performance.now();
const first = traverse(rs, 'PREROUTING', packet(40000), { rng, natAllowed: true });
const firstUs = (performance.now() - t) * 1000;
if (first.nat?.kind !== 'DNAT') throw new Error('expected DNAT for the last service, got ' + JSON.stringify(first));

const N = 20000;
const pkts = Array.from({ length: N }, (_, i) => packet(40001 + (i % 20000)));
const env = { rng, natAllowed: true };
t = performance.now();
const cpu2 = process.cpuUsage();
for (let i = 0; i < N; i++) traverse(rs, 'PREROUTING', pkts[i]!, env);
const steadyUs = ((performance.now() - t) * 1000) / N;
const cpu3 = process.cpuUsage(cpu2);
const steadyCpuUs = (cpu3.user + cpu3.system) / N;

const rssMB = process.memoryUsage().rss / 1048576;
const cpuSave0 = process.cpuUsage();
t = performance.now();
const saved = runSave(['-t', 'nat'], rs, new Date(0));
const saveMs = performance.now() - t;
const cpuSave = process.cpuUsage(cpuSave0);
const saveCpuMs = (cpuSave.user + cpuSave.system) / 1000;

const fmt = (n: number, d = 1): string => n.toFixed(d);
console.log(`payload: ${nServices} services x ${nEndpoints} endpoints, ${lines} lines, ${(payload.length / 1048576).toFixed(1)} MB (generated in ${fmt(genMs, 0)} ms)`);
console.log(`ruleset: ${chains} chains, ${rules} rules`);
console.log(`iptables-restore: ${fmt(restoreMs, 0)} ms wall, ${fmt(restoreCpuMs, 0)} ms CPU (target < 3000)`);
console.log(`iptables-save -t nat: ${fmt(saveMs, 0)} ms wall, ${fmt(saveCpuMs, 0)} ms CPU, ${(saved.stdout.length / 1048576).toFixed(1)} MB`);
console.log(`first packet to last service, nat PREROUTING: ${fmt(firstUs)} us first time (cold JIT), ${fmt(steadyUs, 2)} us wall / ${fmt(steadyCpuUs, 2)} us CPU per new connection after (target < 20)`);
console.log(`machine: ${(await import('node:os')).cpus().length} CPUs, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (wall times stretch with load; CPU times do not)`);
console.log(`  -> ${JSON.stringify(first.nat)}`);
console.log(`heap held by the ruleset: ${fmt(heapAfter - heapBefore, 0)} MB; process rss ${fmt(rssMB, 0)} MB after restore and traversal, ${fmt(process.memoryUsage().rss / 1048576, 0)} MB after the save (target < 500)`);
