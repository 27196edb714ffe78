import { expect, test } from 'vitest';
import { classify, innerProgram } from './classify.js';

test.each([
  ['ip route', 'output'],
  ['CNI_COMMAND=ADD CNI_IFNAME=eth0 /opt/cni/bin/bridge < conf.json', 'output'],
  ['/opt/cni/bin/portmap', 'output'],
  ['/usr/local/bin/bridge-helper', 'exit'],
  ['ip netns exec red ip -4 neigh', 'output'],
  ['ip -n red route get 10.0.0.1', 'output'],
  ['ip netns exec red ping -c 1 -W 1 10.0.0.2', 'output'],
  ['ip netns exec blue nc -z -w 1 10.0.0.1 80', 'output'],
  ['sysctl -w net.ipv4.ip_forward=1', 'output'],
  ['cat /proc/sys/net/ipv4/ip_forward', 'output'],
  ['LANG=C ip netns exec red ip link | grep -c UP', 'output'],
  ['bridge fdb show br v-net-0', 'output'],
  ['ip -s link show lo', 'exit'],
  ['ip -stats link', 'exit'],
  ['ip monitor', 'exit'],
  ['sleep 0.2', 'exit'],
  ['conntrack -L', 'output'],
  ['conntrack -L -p tcp', 'output'],
  ['conntrack -E', 'exit'],
  ['ip netns exec red sleep 1', 'exit'],
] as const)('%s -> %s', (cmd, want) => {
  expect(classify(cmd)).toBe(want);
});

test('innerProgram strips env prefixes and nested netns exec', () => {
  expect(innerProgram('A=1 B=2 ip netns exec red ip netns exec blue ping -c 1 x | wc -l')).toEqual(['ping', '-c', '1', 'x']);
});
