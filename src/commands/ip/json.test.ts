import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AddrInfo, FdbInfo, LinkInfo, RouteInfo } from '../../kernel/api.js';
import { bridge } from '../bridge/index.js';
import { FakeNetlink, fakeContext } from '../testing/fakenl.js';
import { ip } from './index.js';

/**
 * `-j` output captured on Debian 12 (iproute2 6.1.0) for: red holds lo, br0, veth-red (peer in blue
 * and down, so NO-CARRIER), v1 (master br0, alias hello) <-> v2; 192.168.15.1/24 brd + and a
 * secondary 192.168.15.7/24 label veth-red:1; 10.0.0.0/24 via 192.168.15.2 metric 7; a blackhole;
 * two neighbours. The objects below restate that state for the fake.
 */
const real = JSON.parse(readFileSync(new URL('./fixtures/real-json.json', import.meta.url), 'utf8')) as Record<string, string>;

const L = (x: Partial<LinkInfo> & Pick<LinkInfo, 'ifindex' | 'name' | 'flags' | 'address'>): LinkInfo => ({
  kind: 'veth', mtu: 1500, minMtu: 68, maxMtu: 65535, qdisc: 'noop', operstate: 'DOWN', group: 'default', txqlen: 1000, broadcast: 'ff:ff:ff:ff:ff:ff', linkType: 'ether', promiscuity: 0, ...x,
});
const links: LinkInfo[] = [
  L({ ifindex: 1, name: 'lo', kind: 'loopback', flags: ['LOOPBACK'], mtu: 65536, address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', linkType: 'loopback' }),
  L({ ifindex: 2, name: 'br0', kind: 'bridge', flags: ['BROADCAST', 'MULTICAST'], address: 'c2:b5:1a:7f:c8:2b' }),
  L({ ifindex: 3, name: 'veth-red', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], qdisc: 'noqueue', operstate: 'LOWERLAYERDOWN', address: 'fe:b4:57:53:b7:8c', link: { ifindex: 2, netnsId: 1, netnsName: 'blue' } }),
  L({ ifindex: 4, name: 'v2', flags: ['BROADCAST', 'MULTICAST', 'M-DOWN'], address: 'b6:34:ae:c9:19:da', link: { ifindex: 5, name: 'v1' } }),
  L({ ifindex: 5, name: 'v1', flags: ['BROADCAST', 'MULTICAST', 'M-DOWN'], address: 'c2:b5:1a:7f:c8:2b', link: { ifindex: 4, name: 'v2' }, master: 'br0', alias: 'hello', brport: { state: 'disabled', hairpin: false, learning: true, flood: true, cost: 2, priority: 32 } }),
];
const A = (x: Partial<AddrInfo>): AddrInfo => ({
  ifindex: 3, dev: 'veth-red', family: 'inet', local: '', prefixLen: 24, scope: 'global', secondary: false, label: 'veth-red', noprefixroute: false, validLft: 'forever', preferredLft: 'forever', ...x,
});
const addrs = [A({ local: '192.168.15.1', broadcast: '192.168.15.255' }), A({ local: '192.168.15.7', secondary: true, label: 'veth-red:1' })];
const R = (x: Partial<RouteInfo> & Pick<RouteInfo, 'dst' | 'dstLen'>): RouteInfo => ({ table: 254, type: 'unicast', proto: 'boot', scope: 'global', onlink: false, linkdown: false, ...x });
const routes = [
  R({ dst: '10.0.0.0', dstLen: 24, gateway: '192.168.15.2', dev: 'veth-red', metric: 7, linkdown: true }),
  R({ dst: '10.9.0.0', dstLen: 16, type: 'blackhole' }),
  R({ dst: '192.168.15.0', dstLen: 24, dev: 'veth-red', proto: 'kernel', scope: 'link', prefsrc: '192.168.15.1', linkdown: true }),
  R({ table: 255, type: 'local', dst: '192.168.15.1', dstLen: 32, dev: 'veth-red', proto: 'kernel', scope: 'host', prefsrc: '192.168.15.1' }),
  R({ table: 255, type: 'local', dst: '192.168.15.7', dstLen: 32, dev: 'veth-red', proto: 'kernel', scope: 'host', prefsrc: '192.168.15.1' }),
  R({ table: 255, type: 'broadcast', dst: '192.168.15.255', dstLen: 32, dev: 'veth-red', proto: 'kernel', scope: 'link', prefsrc: '192.168.15.1', linkdown: true }),
];
const fdb: FdbInfo[] = [
  { mac: '33:33:00:00:00:01', dev: 'br0', state: 'permanent', self: true, local: false },
  { mac: 'c2:b5:1a:7f:c8:2b', dev: 'v1', master: 'br0', state: 'permanent', self: false, local: true },
  { mac: '33:33:00:00:00:01', dev: 'v1', state: 'permanent', self: true, local: false },
];

function setup() {
  const red = new FakeNetlink('red', {
    links,
    addrs,
    routes,
    fdb,
    neighs: [
      { dst: '192.168.15.9', dev: 'veth-red', lladdr: '02:00:00:00:00:09', state: 'PERMANENT', router: false, proxy: false },
      { dst: '192.168.15.10', dev: 'veth-red', lladdr: '02:00:00:00:00:0a', state: 'STALE', router: false, proxy: false },
    ],
    rules: [
      { priority: 0, table: 255, action: 'lookup' },
      { priority: 32766, table: 254, action: 'lookup' },
      { priority: 32767, table: 253, action: 'lookup' },
    ],
  });
  const { ctx } = fakeContext({ blue: new FakeNetlink('blue'), red }, { red: 0, blue: 1 });
  return { red, run: (line: string) => (line.startsWith('bridge') ? bridge : ip)(line.split(' '), ctx).stdout };
}

describe('-j output matches iproute2', () => {
  const cases: [string, string][] = [
    ['link', 'ip -n red -j link'],
    ['addr', 'ip -n red -j addr'],
    ['addr -4', 'ip -n red -4 -j addr'],
    ['br addr', 'ip -n red -br -j addr'],
    ['br link', 'ip -n red -br -j link'],
    ['route', 'ip -n red -j route'],
    ['route local', 'ip -n red -j route show table local'],
    ['neigh', 'ip -n red -j neigh'],
    ['rule', 'ip -n red -j rule'],
    ['netns', 'ip -j netns'],
    ['empty', 'ip -n red -j neigh show dev v1'],
    ['bridge link', 'bridge -n red -j link'],
    ['bridge fdb', 'bridge -n red -j fdb show br br0'],
  ];
  for (const [key, line] of cases) {
    it(line, () => expect(setup().run(line)).toBe(`${real[key]}\n`));
  }
  it('ip -j route get', () => {
    const t = setup();
    t.red.state.routeGet = { ok: true, value: { type: 'unicast', dst: '192.168.15.2', dev: 'veth-red', src: '192.168.15.1', table: 254, uid: 0 } };
    expect(t.run('ip -n red -j route get 192.168.15.2')).toBe(`${real['route get']}\n`);
    t.red.state.routeGet = { ok: true, value: { type: 'local', dst: '192.168.15.1', dev: 'lo', src: '192.168.15.1', table: 254, uid: 0, cacheFlags: ['local'] } };
    expect(t.run('ip -n red -j route get 192.168.15.1')).toBe(`${real['route get local']}\n`);
  });
});

describe('-p pretty JSON uses json_writer layout', () => {
  it('ip -j -p link show lo', () => {
    const t = setup();
    expect(t.run('ip -n red -j -p link show lo')).toBe(
      '[ {\n' +
        '        "ifindex": 1,\n' +
        '        "ifname": "lo",\n' +
        '        "flags": [ "LOOPBACK" ],\n' +
        '        "mtu": 65536,\n' +
        '        "qdisc": "noop",\n' +
        '        "operstate": "DOWN",\n' +
        '        "linkmode": "DEFAULT",\n' +
        '        "group": "default",\n' +
        '        "txqlen": 1000,\n' +
        '        "link_type": "loopback",\n' +
        '        "address": "00:00:00:00:00:00",\n' +
        '        "broadcast": "00:00:00:00:00:00"\n' +
        '    } ]\n',
    );
  });
  it('compact output is unchanged and empty arrays print as []', () => {
    const t = setup();
    expect(t.run('ip -n red -j neigh show dev v1')).toBe('[]\n');
  });
});
