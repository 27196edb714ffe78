// Address and route facts from real namespaces (kernel 6.18, iproute2 6.1); the script was
//   ip link add v0 type veth peer name v1; ip addr add 10.0.0.1/24 dev v0; ...; ip route show table all
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, must } from './test_topo.js';
import type { Netlink, RouteInfo } from './api.js';

function setup(): Netlink {
  const w = createWorld({ seed: 21 });
  const n = nl(w.addHost('h'));
  must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
  return n;
}

/** A route rendered the way `ip route show table all` prints it, enough to compare with Linux. */
function line(r: RouteInfo): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dstLen === 32 ? r.dst : r.dstLen === 0 ? 'default' : `${r.dst}/${r.dstLen}`);
  if (r.gateway) parts.push(`via ${r.gateway}`);
  if (r.dev) parts.push(`dev ${r.dev}`);
  if (r.table !== 254) parts.push(`table ${r.table === 255 ? 'local' : r.table}`);
  if (r.proto !== 'boot') parts.push(`proto ${r.proto}`);
  if (r.scope !== 'global') parts.push(`scope ${r.scope}`);
  if (r.prefsrc) parts.push(`src ${r.prefsrc}`);
  if (r.metric) parts.push(`metric ${r.metric}`);
  if (r.onlink) parts.push('onlink');
  if (r.linkdown) parts.push('linkdown');
  return parts.join(' ');
}

const LO = [
  'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1',
  'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1',
  'broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1',
];

describe('addresses and kernel routes', () => {
  it('a down device gets only its local route; up adds connected and broadcast routes', () => {
    const n = setup();
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    expect(n.routeList({ table: 'all' }).map(line)).toEqual(['local 10.0.0.1 dev v0 table local proto kernel scope host src 10.0.0.1', ...LO]);
    must(n.linkSet('v0', { up: true }));
    must(n.linkSet('v1', { up: true }));
    expect(n.routeList({ table: 'all' }).map(line)).toEqual([
      '10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1',
      'local 10.0.0.1 dev v0 table local proto kernel scope host src 10.0.0.1',
      'broadcast 10.0.0.255 dev v0 table local proto kernel scope link src 10.0.0.1',
      ...LO,
    ]);
  });

  it('same subnet and mask makes a secondary; another mask is a second primary; ip addr order', () => {
    const n = setup();
    must(n.linkSet('v0', { up: true }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.2', prefixLen: 24 }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.1.1', prefixLen: 16 }));
    expect(n.addrList({ dev: 'v0' }).map((a) => `${a.local}/${a.prefixLen}${a.secondary ? ' secondary' : ''}`)).toEqual(['10.0.0.1/24', '10.0.1.1/16', '10.0.0.2/24 secondary']);
    expect(n.routeList({ table: 'all' }).map(line)).toEqual([
      '10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 linkdown',
      '10.0.0.0/16 dev v0 proto kernel scope link src 10.0.1.1 linkdown',
      'local 10.0.0.1 dev v0 table local proto kernel scope host src 10.0.0.1',
      'local 10.0.0.2 dev v0 table local proto kernel scope host src 10.0.0.1',
      'broadcast 10.0.0.255 dev v0 table local proto kernel scope link src 10.0.0.1 linkdown',
      'local 10.0.1.1 dev v0 table local proto kernel scope host src 10.0.1.1',
      'broadcast 10.0.255.255 dev v0 table local proto kernel scope link src 10.0.1.1 linkdown',
      ...LO,
    ]);
    expect(n.addrAdd({ dev: 'v0', local: '10.0.0.2', prefixLen: 24 })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    // "RTNETLINK answers: Cannot assign requested address"
    expect(n.addrDel({ dev: 'v0', local: '10.0.0.9', prefixLen: 24 })).toMatchObject({ ok: false, error: { errno: 'EADDRNOTAVAIL' } });
  });

  it('deleting a primary takes its secondaries unless promote_secondaries', () => {
    const n = setup();
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.2', prefixLen: 24 }));
    must(n.addrDel({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    expect(n.addrList({ dev: 'v0' })).toEqual([]);
    must(n.sysctlSet('net.ipv4.conf.v0.promote_secondaries', '1'));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.2', prefixLen: 24 }));
    must(n.addrDel({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    expect(n.addrList({ dev: 'v0' }).map((a) => [a.local, a.secondary])).toEqual([['10.0.0.2', false]]);
    expect(n.routeList({ table: 255 }).map(line)[0]).toBe('local 10.0.0.2 dev v0 table local proto kernel scope host src 10.0.0.2');
  });
});

describe('routes', () => {
  function up(): Netlink {
    const n = setup();
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.1', prefixLen: 24 }));
    must(n.linkSet('v0', { up: true }));
    must(n.linkSet('v1', { up: true }));
    return n;
  }

  // Real 6.18: `ip route add 10.9.0.0/24 dev lo` is "Device for nexthop is not up" with lo down and
  // fine with lo up; after `ip link set lo mtu 67` (no in_device) it is "RTNETLINK answers: No such
  // device" even for a prefix that already has a route, and `via 127.0.0.2 dev lo` is an invalid gateway.
  it('routes through lo: ENETDOWN when down, ENODEV without an in_device', () => {
    const n = up();
    must(n.linkSet('lo', { up: false }));
    expect(n.routeAdd({ dst: '10.9.0.0', dstLen: 24, dev: 'lo' })).toMatchObject({ ok: false, error: { errno: 'ENETDOWN', extack: 'Device for nexthop is not up' } });
    must(n.linkSet('lo', { up: true }));
    must(n.routeAdd({ dst: '10.9.0.0', dstLen: 24, dev: 'lo' }));
    must(n.linkSet('lo', { mtu: 67 }));
    expect(n.routeAdd({ dst: '10.9.0.0', dstLen: 24, dev: 'lo' })).toMatchObject({ ok: false, error: { errno: 'ENODEV' } });
    expect(n.routeAdd({ dst: '10.2.0.0', dstLen: 16, dev: 'lo' })).toMatchObject({ ok: false, error: { errno: 'ENODEV' } });
    expect(n.routeAdd({ dst: '10.3.0.0', dstLen: 16, gateway: '127.0.0.2', dev: 'lo' })).toMatchObject({ ok: false, error: { extack: 'Nexthop has invalid gateway' } });
  });

  // Real 6.18: with 10.1.0.1/24 on v1, `ip route replace 10.1.0.0/24 via 10.1.0.9` leaves only
  // "10.1.0.0/24 via 10.1.0.9 dev v1" (NLM_F_REPLACE matches the first alias of equal dst/tos/priority,
  // whatever its protocol), and adding then deleting another address does not bring the connected route back.
  it('replace displaces the connected route, and deleting another address does not resurrect it', () => {
    const n = up();
    must(n.routeAdd({ dst: '10.0.0.0', dstLen: 24, gateway: '10.0.0.9' }, 'replace'));
    expect(n.routeList().map(line)).toEqual(['10.0.0.0/24 via 10.0.0.9 dev v0']);
    must(n.addrAdd({ dev: 'v0', local: '10.9.0.1', prefixLen: 24 }));
    must(n.addrDel({ dev: 'v0', local: '10.9.0.1', prefixLen: 24 }));
    must(n.addrAdd({ dev: 'v0', local: '10.0.0.5', prefixLen: 24 }));
    must(n.addrDel({ dev: 'v0', local: '10.0.0.5', prefixLen: 24 }));
    expect(n.routeList().map(line)).toEqual(['10.0.0.0/24 via 10.0.0.9 dev v0']);
  });

  it('gateway validation, onlink, EEXIST, ESRCH, metrics order as the kernel answers', () => {
    const n = up();
    must(n.routeAdd({ dst: '10.9.0.0', dstLen: 16, gateway: '10.0.0.254' }));
    // "Error: Nexthop has invalid gateway."
    expect(n.routeAdd({ dst: '10.8.0.0', dstLen: 16, gateway: '10.5.0.254' })).toMatchObject({ ok: false, error: { errno: 'EINVAL', extack: 'Nexthop has invalid gateway' } });
    expect(n.routeAdd({ dst: '10.8.0.0', dstLen: 16, gateway: '10.5.0.254', dev: 'v0' })).toMatchObject({ ok: false, error: { extack: 'Nexthop has invalid gateway' } });
    must(n.routeAdd({ dst: '10.8.0.0', dstLen: 16, gateway: '10.5.0.254', dev: 'v0', onlink: true }));
    expect(n.routeAdd({ dst: '10.8.0.0', dstLen: 16, gateway: '10.5.0.254', dev: 'v0', onlink: true })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    // A local address as gateway is accepted by 6.x.
    must(n.routeAdd({ dst: '10.7.0.0', dstLen: 16, gateway: '10.0.0.1' }));
    expect(n.routeDel({ dst: '10.6.0.0', dstLen: 16 })).toMatchObject({ ok: false, error: { errno: 'ESRCH' } });
    must(n.routeAdd({ type: 'blackhole', dst: '10.6.0.0', dstLen: 16 }));
    must(n.routeAdd({ type: 'unreachable', dst: '10.5.0.0', dstLen: 16 }));
    must(n.routeAdd({ type: 'prohibit', dst: '10.4.0.0', dstLen: 16 }));
    must(n.routeAdd({ dst: '10.3.0.0', dstLen: 16, dev: 'v0', metric: 10 }));
    must(n.routeAdd({ dst: '10.3.0.0', dstLen: 16, dev: 'v0', metric: 5 }));
    expect(n.routeAdd({ dst: '10.3.0.0', dstLen: 16, dev: 'v0', metric: 10 })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    expect(n.routeList().map(line)).toEqual([
      '10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1',
      '10.3.0.0/16 dev v0 scope link metric 5',
      '10.3.0.0/16 dev v0 scope link metric 10',
      'prohibit 10.4.0.0/16',
      'unreachable 10.5.0.0/16',
      'blackhole 10.6.0.0/16',
      '10.7.0.0/16 via 10.0.0.1 dev v0',
      '10.8.0.0/16 via 10.5.0.254 dev v0 onlink',
      '10.9.0.0/16 via 10.0.0.254 dev v0',
    ]);
  });

  it('ip route get: results and errors', () => {
    const n = up();
    must(n.routeAdd({ dst: '10.9.0.0', dstLen: 16, gateway: '10.0.0.254' }));
    must(n.routeAdd({ type: 'blackhole', dst: '10.6.0.0', dstLen: 16 }));
    must(n.routeAdd({ type: 'unreachable', dst: '10.5.0.0', dstLen: 16 }));
    must(n.routeAdd({ type: 'prohibit', dst: '10.4.0.0', dstLen: 16 }));
    expect(must(n.routeGet({ dst: '10.9.1.1' }))).toMatchObject({ type: 'unicast', gateway: '10.0.0.254', dev: 'v0', src: '10.0.0.1', cacheFlags: [] });
    const errs = ['10.6.1.1', '10.5.1.1', '10.4.1.1', '8.8.8.8'].map((d) => {
      const r = n.routeGet({ dst: d });
      return r.ok ? 'ok' : r.error.errno;
    });
    expect(errs).toEqual(['EINVAL', 'EHOSTUNREACH', 'EACCES', 'ENETUNREACH']);
    expect(must(n.routeGet({ dst: '10.0.0.1' }))).toMatchObject({ type: 'local', dev: 'lo', src: '10.0.0.1', cacheFlags: ['local'] });
    expect(must(n.routeGet({ dst: '127.0.0.5' }))).toMatchObject({ type: 'local', dev: 'lo', src: '127.0.0.1' });
    expect(must(n.routeGet({ dst: '10.0.0.255' }))).toMatchObject({ type: 'broadcast', dev: 'v0', src: '10.0.0.1', cacheFlags: ['local', 'brd'] });
    // "10.9.1.1 from 10.0.0.1 via 10.0.0.254 dev v0 uid 0": no src when it equals "from".
    const from = must(n.routeGet({ dst: '10.9.1.1', from: '10.0.0.1' }));
    expect(from.src).toBeUndefined();
    expect(n.routeGet({ dst: '10.9.1.1', from: '10.0.0.99' })).toMatchObject({ ok: false, error: { errno: 'ENETUNREACH' } });
    expect(must(n.routeGet({ dst: '10.0.0.1', from: '10.0.0.2', iif: 'v0' }))).toMatchObject({ type: 'local', dev: 'lo', iif: 'v0', cacheFlags: ['local'] });
    expect(n.routeGet({ dst: '10.9.1.1', from: '10.0.0.2', iif: 'v0' })).toMatchObject({ ok: false, error: { errno: 'EHOSTUNREACH' } });
    must(n.sysctlSet('net.ipv4.ip_forward', '1'));
    expect(must(n.routeGet({ dst: '10.9.1.1', from: '10.0.0.2', iif: 'v0' }))).toMatchObject({ gateway: '10.0.0.254', dev: 'v0', cacheFlags: ['redirect'] });
    expect(n.routeGet({ dst: '8.8.8.8', from: '10.0.0.2', iif: 'v0' })).toMatchObject({ ok: false, error: { errno: 'ENETUNREACH' } });
  });

  it('carrier loss marks routes linkdown; admin down flushes all but local routes; up restores only kernel routes', () => {
    const n = up();
    must(n.routeAdd({ dst: '10.9.0.0', dstLen: 16, gateway: '10.0.0.254' }));
    must(n.routeAdd({ type: 'blackhole', dst: '10.6.0.0', dstLen: 16 }));
    must(n.linkSet('v1', { up: false }));
    expect(n.routeList().map(line)).toEqual(['10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 linkdown', 'blackhole 10.6.0.0/16', '10.9.0.0/16 via 10.0.0.254 dev v0 linkdown']);
    must(n.linkSet('v0', { up: false }));
    expect(n.routeList({ table: 'all' }).map(line)).toEqual(['blackhole 10.6.0.0/16', 'local 10.0.0.1 dev v0 table local proto kernel scope host src 10.0.0.1', ...LO]);
    // "Error: Device for nexthop is not up."
    expect(n.routeAdd({ dst: '10.2.0.0', dstLen: 16, dev: 'v0' })).toMatchObject({ ok: false, error: { errno: 'ENETDOWN', extack: 'Device for nexthop is not up' } });
    must(n.linkSet('v0', { up: true }));
    expect(n.routeList().map(line)).toEqual(['10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 linkdown', 'blackhole 10.6.0.0/16']);
  });

  it('rules: defaults, default preference below the second rule, ENOENT on delete', () => {
    const n = up();
    expect(n.ruleList().map((r) => [r.priority, r.table])).toEqual([[0, 255], [32766, 254], [32767, 253]]);
    must(n.ruleAdd({ from: '10.0.0.0', fromLen: 24, table: 100, action: 'lookup' }));
    must(n.ruleAdd({ to: '1.2.3.4', toLen: 32, table: 7, action: 'lookup', priority: 50 }));
    expect(n.ruleList().map((r) => r.priority)).toEqual([0, 50, 32765, 32766, 32767]);
    expect(n.ruleDel({ from: '10.1.0.0', fromLen: 24, table: 100 })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
  });
});
