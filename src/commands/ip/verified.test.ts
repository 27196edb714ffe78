import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LinkInfo } from '../../kernel/api.js';
import { bridge } from '../bridge/index.js';
import { FakeNetlink, fakeContext } from '../testing/fakenl.js';
import { ip } from './index.js';

/**
 * Command lines whose whole answer comes from iproute2 itself (parse errors, usage, lookups of
 * missing devices/namespaces), replayed against the fixture captured on real Linux. The real side
 * ran: netns blue+red, veth-red (in red, 192.168.15.1/24, up) <-> veth-blue (in blue), IPv6 off.
 */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/real-errors.json', import.meta.url), 'utf8')) as {
  cases: { cmd: string; rc: number; stdout: string; stderr: string }[];
};

const lo: LinkInfo = {
  ifindex: 1, name: 'lo', kind: 'loopback', flags: ['LOOPBACK'], mtu: 65536, minMtu: 0, maxMtu: 0, qdisc: 'noop', operstate: 'DOWN', group: 'default', txqlen: 1000,
  address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', linkType: 'loopback', promiscuity: 0,
};
const vethRed: LinkInfo = {
  ifindex: 3, name: 'veth-red', kind: 'veth', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, minMtu: 68, maxMtu: 65535, qdisc: 'noqueue', operstate: 'UP',
  group: 'default', txqlen: 1000, address: '66:43:c0:f0:89:15', broadcast: 'ff:ff:ff:ff:ff:ff', linkType: 'ether', link: { ifindex: 2, netnsId: 1, netnsName: 'blue' }, promiscuity: 0,
};

const strip = (s: string): string => s.replace(/\n+$/, '');

describe('iproute2 answers verified on real Linux', () => {
  expect(fixture.cases.length).toBeGreaterThan(50);
  for (const c of fixture.cases) {
    it(c.cmd, () => {
      const { ctx } = fakeContext({ red: new FakeNetlink('red', { links: [lo, vethRed] }), blue: new FakeNetlink('blue') }, { red: 0, blue: 1 });
      const argv = c.cmd.split(' ');
      const r = argv[0] === 'ip' ? ip(argv, ctx) : bridge(argv, ctx);
      expect({ rc: r.exitCode, stdout: strip(r.stdout), stderr: strip(r.stderr) }).toEqual({ rc: c.rc, stdout: c.stdout, stderr: c.stderr });
    });
  }
});
