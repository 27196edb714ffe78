import { describe, expect, it } from 'vitest';
import type { FdbInfo, LinkInfo } from '../../kernel/api.js';
import { FakeNetlink, fakeContext } from '../testing/fakenl.js';
import { bridge } from './index.js';

// Transcribed from a real Debian 12 run: br0 with veth ports v0 (up) and v1 (down), vxlan0 id 42.
const port = { state: 'forwarding' as const, hairpin: false, learning: true, flood: true, cost: 2, priority: 32 };
const base = { kind: 'veth' as const, mtu: 1500, minMtu: 68, maxMtu: 65535, group: 'default', txqlen: 1000, broadcast: 'ff:ff:ff:ff:ff:ff', linkType: 'ether', promiscuity: 1 };
const br0: LinkInfo = { ...base, kind: 'bridge', ifindex: 2, name: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], qdisc: 'noqueue', operstate: 'UP', address: '52:ce:22:0c:e2:9b' };
const v0: LinkInfo = { ...base, ifindex: 4, name: 'v0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], qdisc: 'noqueue', operstate: 'UP', address: '52:ce:22:0c:e2:9b', master: 'br0', link: { ifindex: 3, name: 'v0p' }, brport: port };
const v1: LinkInfo = { ...base, ifindex: 6, name: 'v1', flags: ['BROADCAST', 'MULTICAST', 'M-DOWN'], qdisc: 'noop', operstate: 'DOWN', address: '4a:c4:cf:03:28:2d', master: 'br0', link: { ifindex: 5, name: 'v1p' }, brport: { ...port, state: 'disabled' } };
const v0p: LinkInfo = { ...base, ifindex: 3, name: 'v0p', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], qdisc: 'noqueue', operstate: 'UP', address: '02:00:00:00:00:03', link: { ifindex: 4, name: 'v0' } };
const v1p: LinkInfo = { ...base, ifindex: 5, name: 'v1p', flags: ['BROADCAST', 'MULTICAST'], qdisc: 'noop', operstate: 'DOWN', address: '02:00:00:00:00:05', link: { ifindex: 6, name: 'v1' } };
const vx: LinkInfo = { ...base, kind: 'vxlan', ifindex: 7, name: 'vxlan0', flags: ['BROADCAST', 'MULTICAST'], qdisc: 'noop', operstate: 'DOWN', address: 'de:bf:63:3c:eb:9c' };
const e = (x: Partial<FdbInfo> & { mac: string; dev: string }): FdbInfo => ({ state: 'permanent', self: false, local: false, ...x });
const fdb: FdbInfo[] = [
  e({ mac: 'aa:bb:cc:dd:ee:01', dev: 'v0', master: 'br0', state: 'static' }),
  e({ mac: '52:ce:22:0c:e2:9b', dev: 'v0', master: 'br0', local: true }),
  e({ mac: 'aa:bb:cc:dd:ee:03', dev: 'vxlan0', dst: '10.0.0.5', port: 8472, vni: 100, self: true }),
  e({ mac: '00:00:00:00:00:00', dev: 'vxlan0', dst: '10.0.0.2', self: true }),
  e({ mac: 'aa:bb:cc:dd:ee:04', dev: 'v0', master: 'br0', state: 'dynamic' }),
];

function setup() {
  const nl = new FakeNetlink(undefined, { links: [br0, v0p, v0, v1p, v1, vx], fdb });
  const { ctx } = fakeContext({ '': nl });
  return { nl, run: (line: string) => bridge(['bridge', ...line.split(' ').filter(Boolean)], ctx) };
}

describe('bridge link', () => {
  it('lists ports', () => {
    expect(setup().run('link').stdout).toBe(
      '4: v0@v0p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding priority 32 cost 2 \n' +
        '6: v1@v1p: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n',
    );
  });
  it('-d adds the flag line', () => {
    expect(setup().run('-d link show dev v0').stdout).toBe(
      '4: v0@v0p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding priority 32 cost 2 \n' +
        '    hairpin off guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n',
    );
  });
  it('set sends brport changes and reports errors like bridge(8)', () => {
    const t = setup();
    expect(t.run('link set dev v0 hairpin on learning off').exitCode).toBe(0);
    expect(t.nl.calls[0]).toEqual({ op: 'linkSet', args: ['v0', { brport: { hairpin: true, learning: false } }] });
    expect(t.run('link set dev v0 hairpin maybe')).toEqual({ exitCode: 234, stdout: '', stderr: 'Error: argument of "hairpin" must be one of "off", "on", not "maybe"\n' });
    expect(t.run('link set dev nope hairpin on')).toEqual({ exitCode: 255, stdout: '', stderr: 'Cannot find bridge device "nope"\n' });
  });
});

describe('bridge fdb', () => {
  it('shows entries in print_fdb order', () => {
    expect(setup().run('fdb show').stdout).toBe(
      'aa:bb:cc:dd:ee:01 dev v0 master br0 static\n' +
        '52:ce:22:0c:e2:9b dev v0 master br0 permanent\n' +
        'aa:bb:cc:dd:ee:03 dev vxlan0 dst 10.0.0.5 port 8472 vni 100 self permanent\n' +
        '00:00:00:00:00:00 dev vxlan0 dst 10.0.0.2 self permanent\n' +
        'aa:bb:cc:dd:ee:04 dev v0 master br0 \n',
    );
  });
  it('dev filter drops the dev field', () => {
    expect(setup().run('fdb show dev vxlan0').stdout).toBe('aa:bb:cc:dd:ee:03 dst 10.0.0.5 port 8472 vni 100 self permanent\n00:00:00:00:00:00 dst 10.0.0.2 self permanent\n');
  });
  it('add/append/del build requests with self and permanent defaults', () => {
    const t = setup();
    t.run('fdb add 00:00:00:00:00:00 dev vxlan0 dst 10.0.0.2');
    t.run('fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.0.0.3');
    t.run('fdb add aa:bb:cc:dd:ee:01 dev v0 master static');
    t.run('fdb del aa:bb:cc:dd:ee:02 dev v0 master');
    expect(t.nl.calls.map((c) => [c.op, ...c.args])).toEqual([
      ['fdbAdd', { mac: '00:00:00:00:00:00', dev: 'vxlan0', dst: '10.0.0.2', self: true, state: 'permanent' }, 'add'],
      ['fdbAdd', { mac: '00:00:00:00:00:00', dev: 'vxlan0', dst: '10.0.0.3', self: true, state: 'permanent' }, 'append'],
      ['fdbAdd', { mac: 'aa:bb:cc:dd:ee:01', dev: 'v0', master: true, state: 'static' }, 'add'],
      ['fdbDel', { mac: 'aa:bb:cc:dd:ee:02', dev: 'v0', master: true, state: 'permanent' }],
    ]);
  });
  it('reports errors with bridge(8) texts and status 255', () => {
    const t = setup();
    expect(t.run('fdb add aa:bb:cc:dd:ee:01 dev nope')).toEqual({ exitCode: 255, stdout: '', stderr: 'Cannot find device "nope"\n' });
    expect(t.run('fdb add zz dev v0')).toEqual({ exitCode: 255, stdout: '', stderr: 'Invalid mac address zz\n' });
    expect(t.run('fdb add aa:bb:cc:dd:ee:09')).toEqual({ exitCode: 255, stdout: '', stderr: 'Device and address are required arguments.\n' });
    expect(t.run('foo')).toEqual({ exitCode: 255, stdout: '', stderr: 'Object "foo" is unknown, try "bridge help".\n' });
    expect(t.run('fdb foo')).toEqual({ exitCode: 255, stdout: '', stderr: 'Command "foo" is unknown, try "bridge fdb help".\n' });
    expect(t.run('-n nope link')).toEqual({ exitCode: 255, stdout: '', stderr: 'Cannot open network namespace "nope": No such file or directory\n' });
    t.nl.state.failNext = { ok: false, error: { kind: 'kernel', errno: 'EEXIST', message: 'File exists' } };
    expect(t.run('fdb add aa:bb:cc:dd:ee:01 dev v0 master static')).toEqual({ exitCode: 255, stdout: '', stderr: 'RTNETLINK answers: File exists\n' });
  });
});
