/**
 * Generates random but Linux-deterministic labs from a seed: a fixed two-namespace topology, then a
 * seeded sequence of address, route, rule, neighbour, MTU, sysctl, route-get and ping commands, many
 * of them deliberately wrong, so the differential suite explores error paths no one thought to write.
 */

/** mulberry32: tiny, fast, good enough to pick commands; not for anything cryptographic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Everything is up before the random part starts and stays up: carrier changes reach routes
 * asynchronously on Linux (linkwatch), so link up/down would make the oracle racy.
 */
export const SETUP = `ip netns add ns1
ip netns add ns2
ip link add v1 type veth peer name p1
ip link add v2 type veth peer name p2
ip link set p1 netns ns1
ip link set p2 netns ns2
ip addr add 10.1.0.1/24 dev v1
ip addr add 10.2.0.1/24 dev v2
ip -n ns1 addr add 10.1.0.2/24 dev p1
ip -n ns2 addr add 10.2.0.2/24 dev p2
ip link set v1 up
ip link set v2 up
ip -n ns1 link set p1 up
ip -n ns2 link set p2 up
ip -n ns1 link set lo up
ip -n ns2 route add default via 10.2.0.1
sleep 1`;

export interface RandomLabOptions {
  /** How many random commands follow the setup. */
  commands?: number;
  /** Pings cost up to a second each when lost; keep them few. */
  maxPings?: number;
}

export function generateLab(seed: number, opts: RandomLabOptions = {}): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;

  const hosts = ['10.1.0.1', '10.1.0.2', '10.1.0.7', '10.2.0.1', '10.2.0.2', '10.2.0.9', '10.9.0.1', '10.9.3.3', '192.168.5.5', '127.0.0.1'];
  const prefixes = ['10.9.0.0/16', '10.9.3.0/24', '10.9.3.3/32', '10.1.0.0/24', '10.2.0.0/16', '192.168.5.0/24', '0.0.0.0/0', '10.9.0.0/33'];
  const gateways = ['10.1.0.2', '10.1.0.9', '10.2.0.2', '10.9.0.1', '172.16.0.1', '10.1.0.1'];
  const devs = ['v1', 'v2', 'lo', 'nosuch'];
  const addrs = ['10.1.0.5/24', '10.1.0.1/24', '10.2.0.5/16', '10.9.3.3/32', '10.9.0.1/24', '192.168.5.1/24', '10.1.0.6'];
  const macs = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'];
  const mtus = [576, 1000, 1280, 1500, 9000, 67, 70000];
  const tables = ['100', '200', 'main'];

  const ops: (() => string)[] = [
    () => `ip addr add ${pick(addrs)} dev ${pick(devs)}`,
    () => `ip addr del ${pick(addrs)} dev ${pick(devs)}`,
    () => `ip route add ${pick(prefixes)} via ${pick(gateways)}${chance(0.3) ? ` dev ${pick(devs)}` : ''}${chance(0.3) ? ` metric ${pick([10, 100])}` : ''}`,
    () => `ip route add ${pick(['blackhole', 'unreachable', 'prohibit'])} ${pick(prefixes)}`,
    () => `ip route add ${pick(prefixes)} dev ${pick(devs)}${chance(0.3) ? ' scope link' : ''}`,
    () => `ip route del ${pick(prefixes)}${chance(0.4) ? ` via ${pick(gateways)}` : ''}`,
    () => `ip route replace ${pick(prefixes)} via ${pick(gateways)}`,
    () => `ip route ${chance(0.5) ? 'add' : 'replace'} ${pick(prefixes)} via ${pick(gateways)} table ${pick(tables)}`,
    () => `ip route get ${pick(hosts)}`,
    () => `ip route get ${pick(hosts)} from ${pick(['10.1.0.1', '10.2.0.1', '10.9.9.9'])}`,
    () => pick(['ip route', 'ip route show table local', 'ip -4 addr', 'ip -o -4 addr', 'ip route show table 100', 'ip rule']),
    () => `ip neigh ${pick(['add', 'replace', 'del'])} ${pick(hosts)} lladdr ${pick(macs)} dev ${pick(devs)} nud permanent`,
    // The kernel dumps neighbours in hash order, seeded at random per boot: sort them.
    () => 'ip neigh show nud permanent | sort',
    () => `ip link set ${pick(devs)} mtu ${pick(mtus)}`,
    () => `ip link show ${pick(devs)}`,
    () => `sysctl -w net.ipv4.${pick(['ip_forward', 'conf.v1.forwarding', 'conf.all.forwarding', 'conf.nosuch.forwarding'])}=${pick([0, 1])}`,
    () => `sysctl net.ipv4.${pick(['ip_forward', 'conf.v2.forwarding', 'conf.lo.forwarding'])}`,
    () => `ip rule ${pick(['add', 'del'])} from ${pick(['10.1.0.1', '10.2.0.0/16', '10.9.0.0/16'])} table ${pick(tables)}`,
    () => `ip -n ns1 route ${pick(['add', 'del'])} ${pick(prefixes)} via ${pick(gateways)}`,
    () => `ip -n ns1 route get ${pick(hosts)}`,
  ];
  const pings: (() => string)[] = [
    () => `ping -c 1 -W 1 ${pick(hosts)}`,
    () => `ip netns exec ${pick(['ns1', 'ns2'])} ping -c 1 -W 1 ${pick(hosts)}`,
    () => `ping -c 1 -W 1 -M do -s ${pick([900, 1400, 1472, 1473])} ${pick(['10.1.0.2', '10.2.0.2'])}`,
  ];

  const n = opts.commands ?? 30;
  let pingsLeft = opts.maxPings ?? 3;
  const lines = [`# Random lab, seed ${seed}: npx tsx test/kernel/replay.ts --random ${seed}`, SETUP];
  for (let i = 0; i < n; i++) {
    if (pingsLeft > 0 && chance(0.1)) {
      pingsLeft--;
      lines.push(pick(pings)());
    } else lines.push(pick(ops)());
  }
  // Always end with the whole state, so a wrong effect anywhere above shows up at least once.
  lines.push('ip -4 route show table all', 'ip -4 addr', 'ip rule', 'ip neigh show nud permanent | sort');
  return lines.join('\n') + '\n';
}

/**
 * The data-path family: a chain h1 - r1 - r2 - h2 over three /24s with random forwarding, MTUs,
 * reject routes and missing return routes, then a few pings with random TTL, size and DF.
 * Targets are only addresses that exist or lie off every link: an absent on-link host would make
 * the run wait on ARP timers, and its late ICMP error would race the next ping.
 */
export const PATH_SETUP = `ip netns add h1
ip netns add r1
ip netns add r2
ip netns add h2
ip link add h1-r1 type veth peer name r1-h1
ip link add r1-r2 type veth peer name r2-r1
ip link add r2-h2 type veth peer name h2-r2
ip link set h1-r1 netns h1
ip link set r1-h1 netns r1
ip link set r1-r2 netns r1
ip link set r2-r1 netns r2
ip link set r2-h2 netns r2
ip link set h2-r2 netns h2
ip -n h1 addr add 10.0.1.2/24 dev h1-r1
ip -n r1 addr add 10.0.1.1/24 dev r1-h1
ip -n r1 addr add 10.0.2.1/24 dev r1-r2
ip -n r2 addr add 10.0.2.2/24 dev r2-r1
ip -n r2 addr add 10.0.3.1/24 dev r2-h2
ip -n h2 addr add 10.0.3.2/24 dev h2-r2
ip -n h1 link set h1-r1 up
ip -n r1 link set r1-h1 up
ip -n r1 link set r1-r2 up
ip -n r2 link set r2-r1 up
ip -n r2 link set r2-h2 up
ip -n h2 link set h2-r2 up
ip -n h1 route add default via 10.0.1.1
ip -n h2 route add default via 10.0.3.1`;

export function generatePathLab(seed: number, opts: { pings?: number } = {}): string {
  const r = prng(seed ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const lines = [`# Random data-path lab, seed ${seed}: npx tsx test/kernel/replay.ts --random-path ${seed}`, PATH_SETUP];

  // Routing between the routers: usually complete, sometimes one direction missing.
  if (chance(0.85)) lines.push('ip -n r1 route add 10.0.3.0/24 via 10.0.2.2');
  if (chance(0.85)) lines.push('ip -n r2 route add 10.0.1.0/24 via 10.0.2.1');
  if (chance(0.3)) lines.push(`ip -n r${pick([1, 2])} route add default via 10.0.2.${pick([1, 2])}`);
  for (const rt of ['r1', 'r2']) {
    if (chance(0.8)) lines.push(`ip netns exec ${rt} sysctl -w net.ipv4.ip_forward=1`);
    if (chance(0.3)) lines.push(`ip -n ${rt} route add ${pick(['unreachable', 'prohibit', 'blackhole'])} ${pick(['10.9.0.0/16', '10.0.3.2/32', '10.0.1.2/32'])}`);
  }
  // MTU on one link, both ends, so fragments and "frag needed" come from a router.
  if (chance(0.5)) {
    const mtu = pick([576, 1000, 1280]);
    const [a, b] = pick([
      ['r1 r1-r2', 'r2 r2-r1'],
      ['r2 r2-h2', 'h2 h2-r2'],
    ] as const);
    lines.push(`ip -n ${a.split(' ')[0]} link set ${a.split(' ')[1]} mtu ${mtu}`, `ip -n ${b.split(' ')[0]} link set ${b.split(' ')[1]} mtu ${mtu}`);
  }
  lines.push('# Carrier and operstate changes reach routes asynchronously (linkwatch): let them settle.', 'sleep 1');

  const targets = ['10.0.1.1', '10.0.2.1', '10.0.2.2', '10.0.3.1', '10.0.3.2', '10.9.1.1'];
  // Linux rate-limits ICMP errors per peer (a burst of about six): stay under it.
  const n = opts.pings ?? 4;
  for (let i = 0; i < n; i++) {
    const from = chance(0.75) ? 'h1' : 'h2';
    const args = ['-c 1', '-W 1'];
    if (chance(0.3)) args.push(`-t ${pick([1, 2, 3])}`);
    if (chance(0.35)) args.push(`-M ${pick(['do', 'dont'])}`, `-s ${pick([600, 1000, 1400])}`);
    lines.push(`ip netns exec ${from} ping ${args.join(' ')} ${pick(targets)}`);
  }
  lines.push('ip -n h1 route get 10.0.3.2', 'ip -n r1 route', 'ip -n r2 route');
  return lines.join('\n') + '\n';
}

import { generateNetLab, NET_GENERATOR_VERSION, NET_SETUP } from './random-net.js';

export type RandomFamily = 'random' | 'random-path' | 'random-net';

export interface Family {
  name: RandomFamily;
  generate: (seed: number) => string;
  /** Lines of a generated lab (header comment and fixed setup) that shrinking never removes. */
  keepPrefix: number;
  generator: string;
}

const lineCount = (s: string) => s.split('\n').length;

/** Every generated family: the suite runs each one's seeds, replay.ts regenerates them by name. */
export const FAMILIES: readonly Family[] = [
  { name: 'random', generate: (s) => generateLab(s), keepPrefix: 1 + lineCount(SETUP), generator: 'random.ts generateLab (mulberry32)' },
  { name: 'random-path', generate: (s) => generatePathLab(s), keepPrefix: 1 + lineCount(PATH_SETUP), generator: 'random.ts generatePathLab (mulberry32)' },
  // + the two settle lines after the setup.
  { name: 'random-net', generate: generateNetLab, keepPrefix: 1 + lineCount(NET_SETUP) + 2, generator: `fast-check ${NET_GENERATOR_VERSION}` },
];

export function family(name: string): Family | undefined {
  return FAMILIES.find((f) => f.name === name);
}
