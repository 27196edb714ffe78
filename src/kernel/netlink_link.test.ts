// Link facts from real namespaces (kernel 6.18 + iproute2 6.1), scripts like:
//   ip link add v0 type veth peer name v1; ip link; ip link set v0 up; ip link add br0 type bridge ...
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, must } from './test_topo.js';

function root() {
  const w = createWorld({ seed: 11 });
  const h = w.addHost('h');
  return { w, h, n: nl(h) };
}

describe('links', () => {
  it('a veth pair: peer first (lower ifindex), flags and operstate follow both ends', () => {
    const { n } = root();
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    // "2: v1@v0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN"
    expect(n.linkGet('v1')).toMatchObject({ ifindex: 2, flags: ['BROADCAST', 'MULTICAST', 'M-DOWN'], qdisc: 'noop', operstate: 'DOWN', mtu: 1500, link: { ifindex: 3, name: 'v0' } });
    expect(n.linkGet('v0')?.ifindex).toBe(3);
    must(n.linkSet('v0', { up: true }));
    // "<NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> ... qdisc noqueue state LOWERLAYERDOWN"
    expect(n.linkGet('v0')).toMatchObject({ flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN'], qdisc: 'noqueue', operstate: 'LOWERLAYERDOWN' });
    must(n.linkSet('v1', { up: true }));
    expect(n.linkGet('v0')).toMatchObject({ flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP' });
  });

  it('MACs are locally administered unicast and depend on the seed only', () => {
    const a = root();
    const b = root();
    must(a.n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    must(b.n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    const mac = a.n.linkGet('v0')!.address;
    expect(mac).toBe(b.n.linkGet('v0')!.address);
    expect(parseInt(mac.slice(0, 2), 16) & 3).toBe(2);
  });

  it('errors: duplicate name EEXIST, unknown device ENODEV, mtu limits with extack, deleting lo EOPNOTSUPP', () => {
    const { n } = root();
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    // "RTNETLINK answers: File exists"
    expect(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v9' })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    expect(n.linkGet('v9')).toBeUndefined();
    expect(n.linkDel('v9')).toMatchObject({ ok: false, error: { errno: 'ENODEV' } });
    // "Error: mtu greater than device maximum." / "Error: mtu less than device minimum."
    expect(n.linkSet('v0', { mtu: 70000 })).toMatchObject({ ok: false, error: { errno: 'EINVAL', extack: 'mtu greater than device maximum' } });
    expect(n.linkSet('v0', { mtu: 67 })).toMatchObject({ ok: false, error: { errno: 'EINVAL', extack: 'mtu less than device minimum' } });
    expect(n.linkSet('v0', { mtu: 65535 }).ok).toBe(true);
    // lo has no limits: `ip link set lo mtu 100000` and `mtu 0` succeed.
    expect(n.linkSet('lo', { mtu: 100000 }).ok).toBe(true);
    expect(n.linkDel('lo')).toMatchObject({ ok: false, error: { errno: 'EOPNOTSUPP' } });
  });

  it('deleting one veth end deletes its peer', () => {
    const { n } = root();
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    must(n.linkDel('v1'));
    expect(n.linkList().map((l) => l.name)).toEqual(['lo']);
  });

  it('renaming works while up (kernel 6.18; test/kernel/scenarios/links/link-changes.lab), MAC must be unicast', () => {
    const { n } = root();
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    must(n.linkSet('v0', { up: true }));
    must(n.linkSet('v0', { name: 'x0' }));
    expect(n.linkGet('x0')?.operstate).toBe('LOWERLAYERDOWN');
    // "RTNETLINK answers: Cannot assign requested address"
    expect(n.linkSet('x0', { address: 'ff:ff:ff:ff:ff:ff' })).toMatchObject({ ok: false, error: { errno: 'EADDRNOTAVAIL' } });
    must(n.linkSet('v1', { name: 'x1' }));
    expect(n.linkGet('x1')?.ifindex).toBe(2);
  });

  it('bridge: carrier and MAC follow the ports', () => {
    const { n } = root();
    must(n.linkAdd({ kind: 'bridge', name: 'br0' }));
    const own = n.linkGet('br0')!.address;
    must(n.linkSet('br0', { up: true }));
    // A bridge that never had a port: "<BROADCAST,MULTICAST,UP,LOWER_UP> ... state UNKNOWN".
    expect(n.linkGet('br0')).toMatchObject({ flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN' });
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    must(n.linkSet('v0', { master: 'br0' }));
    const portMac = n.linkGet('v0')!.address;
    // With a port that is down: "<NO-CARRIER,BROADCAST,MULTICAST,UP> ... state DOWN", MAC = port MAC.
    expect(n.linkGet('br0')).toMatchObject({ flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN', address: portMac });
    expect(portMac).not.toBe(own);
    must(n.linkSet('v0', { up: true }));
    must(n.linkSet('v1', { up: true }));
    expect(n.linkGet('br0')).toMatchObject({ operstate: 'UP', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] });
    expect(n.linkGet('v0')).toMatchObject({ master: 'br0', brport: { state: 'forwarding', cost: 2, priority: 32, hairpin: false } });
    must(n.linkSet('v0', { master: null }));
    // After the last port leaves: NO-CARRIER, DOWN, and the bridge id (MAC) is all zeros.
    expect(n.linkGet('br0')).toMatchObject({ operstate: 'DOWN', address: '00:00:00:00:00:00' });
    // A bridge MTU may be set above its ports' MTU.
    must(n.linkSet('v0', { master: 'br0' }));
    expect(n.linkSet('br0', { mtu: 9000 }).ok).toBe(true);
  });

  it('moving a device to another namespace flushes its addresses, keeps its ifindex when free, and brings it down', () => {
    const w = createWorld({ seed: 3 });
    const h = w.addHost('h');
    must(h.netnsAdd('a'));
    const n = nl(h);
    must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
    must(n.addrAdd({ dev: 'v1', local: '10.0.0.1', prefixLen: 24 }));
    must(n.linkSet('v1', { up: true }));
    must(n.linkSet('v1', { netns: 'a' }));
    const a = nl(h, 'a');
    expect(a.linkGet('v1')).toMatchObject({ ifindex: 2, operstate: 'DOWN' });
    expect(a.addrList()).toEqual([]);
    // "3: v0@if2: ... link-netns a" in the root, "link-netnsid 0" inside a.
    expect(n.linkGet('v0')?.link).toEqual({ ifindex: 2, netnsId: 0, netnsName: 'a' });
    expect(n.routeList({ table: 'all' }).some((r) => r.dev === 'v1')).toBe(false);
  });
});
