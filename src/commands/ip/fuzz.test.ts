import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridge } from '../bridge/index.js';
import { sysctl } from '../sysctl.js';
import { FakeNetlink, fakeContext } from '../testing/fakenl.js';
import { ip } from './index.js';

/** Random command lines built from the tools' own vocabulary must never reach the internal-error path. */
const WORDS = [
  'link', 'l', 'addr', 'a', 'route', 'r', 'neigh', 'n', 'rule', 'netns', 'fdb', 'add', 'del', 'delete', 'set', 'show', 's', 'list', 'get', 'flush', 'replace', 'append', 'change',
  'dev', 'lo', 'veth-red', 'nope', 'type', 'veth', 'bridge', 'bridge_slave', 'dummy', 'peer', 'name', 'netns', 'red', 'blue', 'up', 'down', 'mtu', '1400', 'abc', 'address',
  '02:00:00:00:00:01', 'zz', 'master', 'nomaster', 'hairpin', 'on', 'off', 'learning', 'via', '10.0.0.1', '10.0.0.0/24', '10.1', '0x0a.1.2.3', '1.2.3.4.5', 'default', 'table',
  'local', 'main', 'all', '100', 'proto', 'static', 'scope', 'link', 'host', 'metric', 'src', 'blackhole', 'unreachable', 'throw', 'from', 'iif', 'oif', 'lladdr', 'nud',
  'permanent', 'stale', 'proxy', 'brd', '+', 'label', 'to', 'pref', 'lookup', 'exec', 'true', '-4', '-o', '-br', '-d', '-j', '-n', '-s', '-x', 'help', '', '--', 'dst',
  'vni', 'port', 'self', 'static', 'br', 'br0', 'net.ipv4.ip_forward', 'net.ipv4.ip_forward=1', '-w', '-a', '-r', '-q', '-e', '=', 'x=', '-p', 'nexthop', 'weight', 'onlink',
];

function env() {
  const red = new FakeNetlink('red', {
    links: [
      {
        ifindex: 3, name: 'veth-red', kind: 'veth', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, minMtu: 68, maxMtu: 65535, qdisc: 'noqueue', operstate: 'UP',
        group: 'default', txqlen: 1000, address: '66:43:c0:f0:89:15', broadcast: 'ff:ff:ff:ff:ff:ff', linkType: 'ether', link: { ifindex: 2, netnsId: 1, netnsName: 'blue' }, promiscuity: 0,
      },
    ],
    sysctl: { 'net.ipv4.ip_forward': '0' },
  });
  return fakeContext({ red, blue: new FakeNetlink('blue') }).ctx;
}

describe('no input crashes ip, bridge or sysctl', () => {
  it('random vocabulary lines', () => {
    fc.assert(
      fc.property(fc.constantFrom('ip', 'bridge', 'sysctl'), fc.array(fc.constantFrom(...WORDS), { maxLength: 9 }), (tool, words) => {
        const ctx = env();
        const cmd = tool === 'ip' ? ip : tool === 'bridge' ? bridge : sysctl;
        const r = cmd([tool, ...words], ctx);
        expect(r.stderr).not.toContain('internal error');
        expect(Number.isInteger(r.exitCode)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
