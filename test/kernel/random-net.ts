/**
 * The fast-check family ("random-net"): a bridge, a router and three hosts, then random routes,
 * sysctls (ip_forward, proxy_arp, rp_filter, forwarding) and iptables filter rules, then a listener
 * and random ping / nc -z probes. Expressed as a fast-check arbitrary of command lines, sampled with
 * the seed, so a seed always gives the same lab and a failing lab's lines can be shrunk.
 *
 * Only deterministic things on Linux: every probe targets an address that exists on some link or lies
 * off every link, at most a few lost pings (1 s each), TCP probes with -w 1.
 */
import fc from 'fast-check';

/** Bumped when the grammar changes, so a saved lab says which generator made it (no wall clock). */
export const NET_GENERATOR_VERSION = 'random-net/2 (2026-11-22)';

export const NET_SETUP = `ip netns add a
ip netns add b
ip netns add c
ip netns add r
ip -n r link add br0 type bridge
ip link add a0 type veth peer name ra
ip link add b0 type veth peer name rb
ip link add c0 type veth peer name rc
ip link set a0 netns a
ip link set ra netns r
ip link set b0 netns b
ip link set rb netns r
ip link set c0 netns c
ip link set rc netns r
ip -n r link set ra master br0
ip -n r link set rb master br0
ip -n r addr add 10.10.0.1/24 dev br0
ip -n r addr add 10.20.0.1/24 dev rc
ip -n a addr add 10.10.0.2/24 dev a0
ip -n b addr add 10.10.0.3/24 dev b0
ip -n c addr add 10.20.0.2/24 dev c0
ip -n r link set br0 up
ip -n r link set ra up
ip -n r link set rb up
ip -n r link set rc up
ip -n a link set a0 up
ip -n b link set b0 up
ip -n c link set c0 up
ip -n a link set lo up
ip -n b link set lo up
ip -n c link set lo up
ip -n r link set lo up
# Bridged IPv4 crosses iptables only with br_netfilter's bridge-nf-call-iptables, whose default
# depends on the host (module loaded or not): pin it; the random part may turn it on.
ip netns exec r sysctl -w net.bridge.bridge-nf-call-iptables=0`;

const SETTLE = ['# Carrier and operstate changes reach routes and bridge ports asynchronously (linkwatch): let them settle.', 'sleep 1'];

const hostNs = fc.constantFrom('a', 'b', 'c');
const anyNs = fc.constantFrom('a', 'b', 'c', 'r');
/** Present on some link, or off every link (never an absent on-link host: ARP timers would race). */
const target = fc.constantFrom('10.10.0.1', '10.10.0.2', '10.10.0.3', '10.20.0.1', '10.20.0.2', '10.99.0.1');
const bit = fc.constantFrom(0, 1);

const route = fc.oneof(
  fc.tuple(fc.constantFrom('a', 'b'), fc.constant('10.10.0.1')).map(([ns, gw]) => `ip -n ${ns} route add default via ${gw}`),
  fc.constant('ip -n c route add default via 10.20.0.1'),
  fc.constant('ip -n c route add 10.10.0.0/24 dev c0'),
  fc.constant('ip -n a route add 10.20.0.0/24 dev a0'),
  fc.constantFrom('unreachable', 'prohibit', 'blackhole').map((t) => `ip -n r route add ${t} 10.99.0.0/16`),
  fc.constant('ip -n r route add default via 10.20.0.2'),
);

const sysctl = fc.oneof(
  bit.map((v) => `ip netns exec r sysctl -w net.ipv4.ip_forward=${v}`),
  fc.tuple(fc.constantFrom('rc', 'br0', 'all'), bit).map(([d, v]) => `ip netns exec r sysctl -w net.ipv4.conf.${d}.proxy_arp=${v}`),
  fc.tuple(fc.constantFrom('rc', 'br0', 'all', 'default'), fc.constantFrom(0, 1, 2)).map(([d, v]) => `ip netns exec r sysctl -w net.ipv4.conf.${d}.rp_filter=${v}`),
  fc.tuple(fc.constantFrom('rc', 'br0'), bit).map(([d, v]) => `ip netns exec r sysctl -w net.ipv4.conf.${d}.forwarding=${v}`),
  bit.map((v) => `ip netns exec r sysctl -w net.bridge.bridge-nf-call-iptables=${v}`),
  fc.constantFrom('ip_forward', 'conf.rc.proxy_arp', 'conf.all.rp_filter', 'conf.br0.forwarding').map((k) => `ip netns exec r sysctl net.ipv4.${k}`),
);

const iptables = fc
  .tuple(
    fc.constantFrom('r', 'r', 'b', 'c'),
    fc.constantFrom('FORWARD', 'INPUT'),
    fc.constantFrom('icmp', 'tcp'),
    fc.option(fc.constantFrom('10.10.0.2', '10.20.0.2', '10.10.0.0/24'), { nil: undefined }),
    fc.constantFrom('DROP', 'REJECT', 'ACCEPT'),
  )
  .map(([ns, chain, proto, src, verdict]) => `ip netns exec ${ns} iptables -A ${chain} -p ${proto}${src ? ` -s ${src}` : ''} -j ${verdict}`);

const config = fc.oneof({ arbitrary: route, weight: 3 }, { arbitrary: sysctl, weight: 3 }, { arbitrary: iptables, weight: 2 });

const ping = fc
  .tuple(hostNs, target, fc.option(fc.constantFrom(1, 2), { nil: undefined }))
  .map(([ns, t, ttl]) => `ip netns exec ${ns} ping -c 1 -W 1${ttl ? ` -t ${ttl}` : ''} ${t}`);
const ncProbe = fc
  .tuple(hostNs, target, fc.constantFrom(8080, 8081))
  .map(([ns, t, port]) => `ip netns exec ${ns} nc -zv -w 1 ${t} ${port}`);
const probe = fc.oneof(ping, ncProbe);

const inspect = fc.constantFrom(
  'ip -n r route',
  'ip -n c route',
  'ip netns exec r iptables -S',
  'ip netns exec r iptables -L FORWARD -n',
  'ip -n r route get 10.10.0.2',
  'ip -n c route get 10.10.0.2',
);

export interface NetLabParts {
  config: string[];
  listener: string | undefined;
  probes: string[];
}

export const netLabArbitrary: fc.Arbitrary<NetLabParts> = fc.record({
  config: fc.array(fc.oneof({ arbitrary: config, weight: 5 }, { arbitrary: inspect, weight: 1 }), { minLength: 2, maxLength: 10 }),
  listener: fc.option(fc.constantFrom('b', 'c', 'r').map((ns) => `ip netns exec ${ns} nc -lk 8080 &`), { nil: undefined }),
  probes: fc.array(probe, { minLength: 1, maxLength: 5 }),
});

export function renderNetLab(seed: number, parts: NetLabParts): string {
  const lines = [`# Random bridge/router lab, seed ${seed}: npx tsx test/kernel/replay.ts --random-net ${seed}`, NET_SETUP, ...SETTLE, ...parts.config];
  if (parts.listener) lines.push(parts.listener, 'sleep 0.3');
  lines.push(...parts.probes, 'ip -n r route', 'ip netns exec r iptables -S');
  return lines.join('\n') + '\n';
}

export function generateNetLab(seed: number): string {
  const [parts] = fc.sample(netLabArbitrary, { seed, numRuns: 1 });
  return renderNetLab(seed, parts!);
}
