import { describe, expect, it } from 'vitest';
import type { AddrInfo, LinkInfo, RouteInfo } from '../../kernel/api.js';
import { FakeNetlink, fakeContext } from '../testing/fakenl.js';
import { ip } from './index.js';

// Objects and expected text below are transcribed from a real Debian 12 run (iproute2 6.1.0,
// kernel 6.1) of: netns add blue/red, veth-red<->veth-blue moved into them, 192.168.15.1/24 on
// veth-red, 192.168.15.2/24 brd + on veth-blue, both up (IPv6 lines left out: podnet is IPv4-only).
const lo: LinkInfo = {
  ifindex: 1, name: 'lo', kind: 'loopback', flags: ['LOOPBACK'], mtu: 65536, minMtu: 0, maxMtu: 0, qdisc: 'noop', operstate: 'DOWN', group: 'default',
  txqlen: 1000, address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', linkType: 'loopback', promiscuity: 0,
};
const vethRed: LinkInfo = {
  ifindex: 3, name: 'veth-red', kind: 'veth', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, minMtu: 68, maxMtu: 65535, qdisc: 'noqueue',
  operstate: 'UP', group: 'default', txqlen: 1000, address: '66:43:c0:f0:89:15', broadcast: 'ff:ff:ff:ff:ff:ff', linkType: 'ether',
  link: { ifindex: 2, netnsId: 1, netnsName: 'blue' }, promiscuity: 0,
};
const addrRed: AddrInfo = {
  ifindex: 3, dev: 'veth-red', family: 'inet', local: '192.168.15.1', prefixLen: 24, scope: 'global', secondary: false, label: 'veth-red',
  noprefixroute: false, validLft: 'forever', preferredLft: 'forever',
};
const connected: RouteInfo = {
  table: 254, type: 'unicast', dst: '192.168.15.0', dstLen: 24, dev: 'veth-red', proto: 'kernel', scope: 'link', prefsrc: '192.168.15.1', onlink: false, linkdown: false,
};

function red(extra: Partial<FakeNetlink['state']> = {}) {
  const nl = new FakeNetlink('red', { links: [lo, vethRed], addrs: [addrRed], routes: [connected], ...extra });
  const { ctx, execs } = fakeContext({ red: nl, blue: new FakeNetlink('blue') }, { red: 0, blue: 1 });
  const run = (line: string) => ip(['ip', ...line.split(' ').filter(Boolean)], ctx);
  return { nl, ctx, execs, run };
}

describe('ip link show', () => {
  it('prints the two-line form with link-netns', () => {
    const r = red().run('-n red link');
    expect(r).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
        '3: veth-red@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n' +
        '    link/ether 66:43:c0:f0:89:15 brd ff:ff:ff:ff:ff:ff link-netns blue\n',
    });
  });
  it('accepts abbreviations in iproute2 table order: ip l, ip li sh; "ip l s" is set', () => {
    const t = red();
    const full = t.run('-n red link show').stdout;
    expect(t.run('-n red l').stdout).toBe(full);
    expect(t.run('-n red li sh').stdout).toBe(full);
    expect(t.run('-n red l s')).toEqual({ exitCode: 255, stdout: '', stderr: 'Not enough information: "dev" argument is required.\n' });
  });
  it('-o joins the lines with a backslash', () => {
    expect(red().run('-n red -o link').stdout).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
        '3: veth-red@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 66:43:c0:f0:89:15 brd ff:ff:ff:ff:ff:ff link-netns blue\n',
    );
  });
  it('-br prints the brief columns', () => {
    expect(red().run('-n red -br link').stdout).toBe(
      'lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n' + 'veth-red@if2     UP             66:43:c0:f0:89:15 <BROADCAST,MULTICAST,UP,LOWER_UP> \n',
    );
  });
  it('filters by up, type and dev', () => {
    const t = red();
    expect(t.run('-n red link show up').stdout).toContain('veth-red@if2');
    expect(t.run('-n red link show up').stdout).not.toContain('lo:');
    expect(t.run('-n red link show type veth').stdout).not.toContain('lo:');
    expect(t.run('-n red link show dev lo').stdout).not.toContain('veth');
  });
  it('prints link-netnsid when the peer namespace has no name here', () => {
    const t = red({ links: [{ ...vethRed, link: { ifindex: 2, netnsId: 0 } }] });
    expect(t.run('-n red link').stdout).toContain('brd ff:ff:ff:ff:ff:ff link-netnsid 0\n');
  });
  it('names a local peer after the @', () => {
    const t = red({ links: [{ ...vethRed, link: { ifindex: 4, name: 'v2' } }] });
    expect(t.run('-n red link').stdout).toContain('3: veth-red@v2: ');
  });
  it('reports a missing device like iproute2', () => {
    expect(red().run('-n red link show v9')).toEqual({ exitCode: 1, stdout: '', stderr: 'Device "v9" does not exist.\n' });
  });
});

describe('ip addr show', () => {
  it('prints inet lines with label and lifetimes', () => {
    expect(red().run('-n red addr').stdout).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n' +
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
        '3: veth-red@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n' +
        '    link/ether 66:43:c0:f0:89:15 brd ff:ff:ff:ff:ff:ff link-netns blue\n' +
        '    inet 192.168.15.1/24 scope global veth-red\n' +
        '       valid_lft forever preferred_lft forever\n',
    );
  });
  it('-4 drops address-less links and the link/ether line', () => {
    expect(red().run('-n red -4 addr').stdout).toBe(
      '3: veth-red@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns blue\n' +
        '    inet 192.168.15.1/24 scope global veth-red\n' +
        '       valid_lft forever preferred_lft forever\n',
    );
  });
  it('-o prints one line per address', () => {
    expect(red().run('-n red -o addr').stdout).toBe('3: veth-red    inet 192.168.15.1/24 scope global veth-red\\       valid_lft forever preferred_lft forever\n');
  });
  it('-br prints name, state and addresses', () => {
    expect(red().run('-n red -br addr').stdout).toBe('lo               DOWN           \n' + 'veth-red@if2     UP             192.168.15.1/24 \n');
  });
  it('prints brd, secondary and a custom label', () => {
    const t = red({ addrs: [{ ...addrRed, broadcast: '192.168.15.255' }, { ...addrRed, local: '192.168.15.7', secondary: true, label: 'veth-red:1' }] });
    expect(t.run('-n red a s dev veth-red').stdout).toContain(
      '    inet 192.168.15.1/24 brd 192.168.15.255 scope global veth-red\n       valid_lft forever preferred_lft forever\n    inet 192.168.15.7/24 scope global secondary veth-red:1\n',
    );
  });
});

describe('ip addr add/del', () => {
  it('derives brd + and the default scope', () => {
    const t = red();
    expect(t.run('-n red addr add 10.1.2.3/8 brd + dev veth-red').exitCode).toBe(0);
    expect(t.nl.calls[0]).toEqual({ op: 'addrAdd', args: [{ dev: 'veth-red', local: '10.1.2.3', prefixLen: 8, broadcast: '10.255.255.255', scope: 'global' }] });
  });
  it('gives 127/8 host scope and takes iproute2 loose syntax', () => {
    const t = red();
    t.run('-n red addr add 127.1/8 dev lo');
    expect(t.nl.calls[0]!.args[0]).toMatchObject({ local: '127.1.0.0', prefixLen: 8, scope: 'host' });
  });
  it('refuses a missing dev and a bad prefix', () => {
    const t = red();
    expect(t.run('-n red addr add 10.0.0.1/24')).toEqual({ exitCode: 1, stdout: '', stderr: 'Not enough information: "dev" argument is required.\n' });
    expect(t.run('-n red addr add foo dev veth-red')).toEqual({ exitCode: 1, stdout: '', stderr: 'Error: any valid prefix is expected rather than "foo".\n' });
    expect(t.run('-n red addr add 10.0.0.1/24 dev nope')).toEqual({ exitCode: 1, stdout: '', stderr: 'Cannot find device "nope"\n' });
  });
  it('prints the kernel refusal', () => {
    const t = red({ failNext: { ok: false, error: { kind: 'kernel', errno: 'EEXIST', message: 'File exists' } } });
    expect(t.run('-n red addr add 192.168.15.1/24 dev veth-red')).toEqual({ exitCode: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n' });
  });
});

describe('ip route', () => {
  const routes: RouteInfo[] = [
    { table: 254, type: 'unicast', dst: '0.0.0.0', dstLen: 0, gateway: '192.168.15.2', dev: 'veth-red', proto: 'boot', scope: 'global', metric: 100, onlink: false, linkdown: false },
    { table: 254, type: 'unicast', dst: '10.0.0.0', dstLen: 24, gateway: '192.168.15.2', dev: 'veth-red', proto: 'boot', scope: 'global', onlink: false, linkdown: false },
    { table: 254, type: 'unicast', dst: '10.5.0.0', dstLen: 16, dev: 'veth-red', proto: 'static', scope: 'link', prefsrc: '192.168.15.1', metric: 5, onlink: false, linkdown: false },
    { table: 254, type: 'throw', dst: '10.6.0.0', dstLen: 16, proto: 'boot', scope: 'global', onlink: false, linkdown: false },
    { table: 254, type: 'blackhole', dst: '10.9.0.0', dstLen: 16, proto: 'boot', scope: 'global', onlink: false, linkdown: false },
    connected,
    { table: 255, type: 'local', dst: '192.168.15.1', dstLen: 32, dev: 'veth-red', proto: 'kernel', scope: 'host', prefsrc: '192.168.15.1', onlink: false, linkdown: false },
    { table: 255, type: 'broadcast', dst: '192.168.15.255', dstLen: 32, dev: 'veth-red', proto: 'kernel', scope: 'link', prefsrc: '192.168.15.1', onlink: false, linkdown: false },
  ];
  it('prints fields in iproute2 order with the trailing space', () => {
    expect(red({ routes }).run('-n red route').stdout).toBe(
      'default via 192.168.15.2 dev veth-red metric 100 \n' +
        '10.0.0.0/24 via 192.168.15.2 dev veth-red \n' +
        '10.5.0.0/16 dev veth-red proto static scope link src 192.168.15.1 metric 5 \n' +
        'throw 10.6.0.0/16 \n' +
        'blackhole 10.9.0.0/16 \n' +
        '192.168.15.0/24 dev veth-red proto kernel scope link src 192.168.15.1 \n',
    );
  });
  it('table local hides "table", table all shows it', () => {
    const t = red({ routes });
    expect(t.run('-n red route show table local').stdout).toBe(
      'local 192.168.15.1 dev veth-red proto kernel scope host src 192.168.15.1 \n' + 'broadcast 192.168.15.255 dev veth-red proto kernel scope link src 192.168.15.1 \n',
    );
    expect(t.run('-n red r s table all').stdout).toContain('local 192.168.15.1 dev veth-red table local proto kernel scope host src 192.168.15.1 \n');
  });
  it('dev filter drops the dev field', () => {
    expect(red({ routes }).run('-n red route show dev veth-red').stdout).toContain('default via 192.168.15.2 metric 100 \n');
  });
  it('add fills iproute2 defaults', () => {
    const t = red();
    t.run('-n red route add 10.0.0.0/24 via 192.168.15.2');
    t.run('-n red route add 10.5.0.0/16 dev veth-red proto static scope link src 192.168.15.1 metric 5');
    t.run('-n red route add blackhole 10.9.0.0/16');
    t.run('-n red route replace default via 192.168.15.2 table 100');
    expect(t.nl.calls.map((c) => c.args)).toEqual([
      [{ dst: '10.0.0.0', dstLen: 24, gateway: '192.168.15.2', type: 'unicast', proto: 'boot', table: 254, scope: 'global' }, 'add'],
      [{ dst: '10.5.0.0', dstLen: 16, dev: 'veth-red', proto: 'static', scope: 'link', prefsrc: '192.168.15.1', metric: 5, type: 'unicast', table: 254 }, 'add'],
      [{ dst: '10.9.0.0', dstLen: 16, type: 'blackhole', proto: 'boot', table: 254, scope: 'global' }, 'add'],
      [{ dst: '0.0.0.0', dstLen: 0, gateway: '192.168.15.2', table: 100, type: 'unicast', proto: 'boot', scope: 'global' }, 'replace'],
    ]);
  });
  it('prints extack errors as "Error: ...."', () => {
    const t = red({ failNext: { ok: false, error: { kind: 'kernel', errno: 'EINVAL', message: 'Invalid argument', extack: 'Nexthop has invalid gateway' } } });
    expect(t.run('-n red route add 10.0.0.0/24 via 192.168.99.1')).toEqual({ exitCode: 2, stdout: '', stderr: 'Error: Nexthop has invalid gateway.\n' });
  });
  it('get prints the cache line', () => {
    const t = red({ routeGet: { ok: true, value: { type: 'unicast', dst: '192.168.15.2', dev: 'veth-red', src: '192.168.15.1', table: 254, uid: 0 } } });
    expect(t.run('-n red route get 192.168.15.2').stdout).toBe('192.168.15.2 dev veth-red src 192.168.15.1 uid 0 \n    cache \n');
    const l = red({ routeGet: { ok: true, value: { type: 'local', dst: '192.168.15.1', dev: 'lo', src: '192.168.15.1', table: 254, uid: 0, cacheFlags: ['local'] } } });
    expect(l.run('-n red route get 192.168.15.1').stdout).toBe('local 192.168.15.1 dev lo src 192.168.15.1 uid 0 \n    cache <local> \n');
    expect(red().run('-n red route get 8.8.8.8')).toEqual({ exitCode: 2, stdout: '', stderr: 'RTNETLINK answers: Network is unreachable\n' });
  });
  it('get prints a learned PMTU exception as iproute2 6.1 does (expires, then the mtu metric)', () => {
    // Recorded after a frag-needed from the router: ip route get / -o / -j.
    const v = { type: 'unicast' as const, dst: '10.0.2.2', gateway: '10.0.1.1', dev: 'l-eth0', src: '10.0.1.2', table: 254, uid: 0, mtu: 1000, expires: 599 };
    expect(red({ routeGet: { ok: true, value: v } }).run('-n red route get 10.0.2.2').stdout).toBe('10.0.2.2 via 10.0.1.1 dev l-eth0 src 10.0.1.2 uid 0 \n    cache expires 599sec mtu 1000 \n');
    expect(red({ routeGet: { ok: true, value: v } }).run('-n red -o route get 10.0.2.2').stdout).toBe('10.0.2.2 via 10.0.1.1 dev l-eth0 src 10.0.1.2 uid 0 \\    cache expires 599sec mtu 1000 \n');
    expect(red({ routeGet: { ok: true, value: v } }).run('-n red -j route get 10.0.2.2').stdout).toBe(
      '[{"dst":"10.0.2.2","gateway":"10.0.1.1","dev":"l-eth0","prefsrc":"10.0.1.2","flags":[],"uid":0,"cache":[],"expires":599,"metrics":[{"mtu":1000}]}]\n',
    );
    // Under a second left is still a live exception: rta_expires is non-zero in clock ticks.
    expect(red({ routeGet: { ok: true, value: { ...v, expires: 0 } } }).run('-n red route get 10.0.2.2').stdout).toContain('cache expires 0sec mtu 1000 \n');
  });
});

describe('ip neigh', () => {
  it('prints states like iproute2', () => {
    const t = red({
      neighs: [
        { dst: '192.168.15.9', dev: 'veth-red', lladdr: '02:00:00:00:00:09', state: 'PERMANENT', router: false, proxy: false },
        { dst: '192.168.15.2', dev: 'veth-red', lladdr: '06:5c:fc:3a:43:76', state: 'REACHABLE', router: false, proxy: false },
        { dst: '192.168.15.77', dev: 'veth-red', state: 'INCOMPLETE', router: false, proxy: false },
        { dst: '192.168.15.12', dev: 'veth-red', state: 'NOARP', router: false, proxy: false },
      ],
    });
    expect(t.run('-n red neigh').stdout).toBe(
      '192.168.15.9 dev veth-red lladdr 02:00:00:00:00:09 PERMANENT \n' + '192.168.15.2 dev veth-red lladdr 06:5c:fc:3a:43:76 REACHABLE \n' + '192.168.15.77 dev veth-red INCOMPLETE \n',
    );
    expect(t.run('-n red n show dev veth-red nud reachable').stdout).toBe('192.168.15.2 lladdr 06:5c:fc:3a:43:76 REACHABLE \n');
  });
  it('add sends PERMANENT by default and parses nud', () => {
    const t = red();
    t.run('-n red neigh add 192.168.15.9 lladdr 02:00:00:00:00:09 dev veth-red');
    t.run('-n red neigh replace 192.168.15.10 lladdr 2:0:0:0:0:a dev veth-red nud reach');
    expect(t.nl.calls.map((c) => c.args)).toEqual([
      [{ dst: '192.168.15.9', dev: 'veth-red', lladdr: '02:00:00:00:00:09', state: 'PERMANENT' }, 'add'],
      [{ dst: '192.168.15.10', dev: 'veth-red', lladdr: '02:00:00:00:00:0a', state: 'REACHABLE' }, 'replace'],
    ]);
  });
  it('needs a value after proxy', () => {
    expect(red().run('-n red neigh add 192.168.15.13 dev veth-red proxy')).toEqual({ exitCode: 255, stdout: '', stderr: 'Command line is not complete. Try option "help"\n' });
  });
});

describe('ip netns and errors', () => {
  it('lists newest first with ids', () => {
    expect(red().run('netns list').stdout).toBe('blue (id: 1)\nred (id: 0)\n');
  });
  it('exec runs the command in the namespace', () => {
    const t = red();
    const r = t.run('netns exec red ping -c1 192.168.15.2');
    expect(r.stdout).toBe('ran ping -c1 192.168.15.2\n');
    expect(t.execs).toEqual([{ argv: ['ping', '-c1', '192.168.15.2'], netns: 'red' }]);
  });
  it('reports missing namespaces and existing ones as iproute2 does', () => {
    const t = red();
    expect(t.run('netns exec nope true')).toEqual({ exitCode: 255, stdout: '', stderr: 'Cannot open network namespace "nope": No such file or directory\n' });
    expect(t.run('-n nope link')).toEqual({ exitCode: 255, stdout: '', stderr: 'Cannot open network namespace "nope": No such file or directory\n' });
    expect(t.run('netns add blue')).toEqual({ exitCode: 1, stdout: '', stderr: 'Cannot create namespace file "/run/netns/blue": File exists\n' });
    expect(t.run('netns del nope')).toEqual({ exitCode: 1, stdout: '', stderr: 'Cannot remove namespace file "/run/netns/nope": No such file or directory\n' });
  });
  it('unknown objects and commands', () => {
    const t = red();
    expect(t.run('foo')).toEqual({ exitCode: 1, stdout: '', stderr: 'Object "foo" is unknown, try "ip help".\n' });
    expect(t.run('link foo')).toEqual({ exitCode: 255, stdout: '', stderr: 'Command "foo" is unknown, try "ip link help".\n' });
    expect(t.run('-x link')).toEqual({ exitCode: 255, stdout: '', stderr: 'Option "-x" is unknown, try "ip -help".\n' });
  });
  it('rules print with a tab after the priority', () => {
    const t = red({
      rules: [
        { priority: 0, table: 255, action: 'lookup' },
        { priority: 50, to: '10.2.0.0', toLen: 16, table: 200, action: 'lookup' },
        { priority: 32765, from: '10.1.0.0', fromLen: 16, table: 100, action: 'lookup' },
        { priority: 32766, table: 254, action: 'lookup' },
        { priority: 32767, table: 253, action: 'lookup' },
      ],
    });
    expect(t.run('-n red rule').stdout).toBe(
      '0:\tfrom all lookup local\n50:\tfrom all to 10.2.0.0/16 lookup 200\n32765:\tfrom 10.1.0.0/16 lookup 100\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n',
    );
  });
});

describe('ip link add/set', () => {
  it('builds veth with a peer in another namespace', () => {
    const t = red();
    expect(t.run('-n red link add v1 type veth peer name v2 netns blue').exitCode).toBe(0);
    expect(t.nl.calls[0]).toEqual({ op: 'linkAdd', args: [{ kind: 'veth', name: 'v1', peerName: 'v2', peerNetns: 'blue' }] });
  });
  it('sets bridge port flags and nomaster', () => {
    const t = red();
    t.run('-n red link set dev veth-red type bridge_slave hairpin on learning off');
    t.run('-n red link set veth-red nomaster up mtu 1400');
    expect(t.nl.calls.map((c) => c.args)).toEqual([
      ['veth-red', { brport: { hairpin: true, learning: false } }],
      ['veth-red', { up: true, mtu: 1400, master: null }],
    ]);
  });
  it('needs a type to add and a known device to set', () => {
    const t = red();
    expect(t.run('-n red link add foo')).toEqual({ exitCode: 1, stdout: '', stderr: 'Not enough information: "type" argument is required\n' });
    expect(t.run('-n red link set nope up')).toEqual({ exitCode: 1, stdout: '', stderr: 'Cannot find device "nope"\n' });
    expect(t.run('-n red link set up')).toEqual({ exitCode: 255, stdout: '', stderr: 'Not enough information: "dev" argument is required.\n' });
  });
  it('marks unmodelled kinds unsupported', () => {
    const r = red().run('-n red link add m0 type macvlan');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^podnet: unsupported: /);
  });
});

describe('ip -d link', () => {
  it('prints the veth and loopback detail lines like the reference machine', () => {
    expect(red().run('-n red -d link').stdout).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n' +
        '3: veth-red@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n' +
        '    link/ether 66:43:c0:f0:89:15 brd ff:ff:ff:ff:ff:ff link-netns blue promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n' +
        '    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n',
    );
  });
  it('prints a vxlan device like flannel.1', () => {
    const vx: LinkInfo = {
      ...vethRed, ifindex: 7, name: 'vxlan0', kind: 'vxlan', flags: ['BROADCAST', 'MULTICAST'], qdisc: 'noop', operstate: 'DOWN', address: 'de:bf:63:3c:eb:9c', link: undefined,
      vxlan: { id: 42, local: '10.0.0.1', dstport: 4789, learning: false, proxy: false, l2miss: false, l3miss: false, ttl: 0, tos: 0, udpcsum: true },
    };
    expect(red({ links: [vx] }).run('-n red -d link show vxlan0').stdout).toBe(
      '7: vxlan0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
        '    link/ether de:bf:63:3c:eb:9c brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n' +
        '    vxlan id 42 local 10.0.0.1 srcport 0 0 dstport 4789 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536 \n',
    );
  });
});

describe('M-DOWN follows iproute2 rule', () => {
  it('is shown when the local peer is down and dropped when it is up', () => {
    const a: LinkInfo = { ...vethRed, ifindex: 4, name: 'v2', flags: ['BROADCAST', 'MULTICAST'], link: { ifindex: 5, name: 'v1' } };
    const b: LinkInfo = { ...vethRed, ifindex: 5, name: 'v1', flags: ['BROADCAST', 'MULTICAST', 'UP', 'M-DOWN'], link: { ifindex: 4, name: 'v2' } };
    const out = red({ links: [a, b] }).run('-n red -br link').stdout;
    expect(out).toBe(
      'v2@v1            UP             66:43:c0:f0:89:15 <BROADCAST,MULTICAST> \n' + 'v1@v2            UP             66:43:c0:f0:89:15 <BROADCAST,MULTICAST,UP,M-DOWN> \n',
    );
    const up = red({ links: [{ ...a, flags: ['BROADCAST', 'MULTICAST', 'UP'] }, b] }).run('-n red -br link').stdout;
    expect(up).toContain('<BROADCAST,MULTICAST,UP> \n');
    expect(up).not.toContain('M-DOWN');
  });
  it('netns list-id prints the root namespace ids', () => {
    expect(red().run('netns list-id').stdout).toBe('nsid 0 (iproute2 netns name: red)\nnsid 1 (iproute2 netns name: blue)\n');
  });
});

describe('missing FIB tables', () => {
  it('fail the dump like the kernel when Netlink says the table never existed', () => {
    const t = red();
    Object.assign(t.nl, { routeTableExists: (n: number) => n === 254 || n === 255 || n === 100 });
    expect(t.run('-n red route show table 200')).toEqual({ exitCode: 2, stdout: '', stderr: 'Error: ipv4: FIB table does not exist.\nDump terminated\n' });
    expect(t.run('-n red route show table default').exitCode).toBe(2);
    expect(t.run('-n red route flush table 200')).toEqual({ exitCode: 2, stdout: '', stderr: 'Error: ipv4: FIB table does not exist.\nFlush terminated\n' });
    expect(t.run('-n red route show table 100')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

describe('ip link add ... netns', () => {
  it('creates then moves the device', () => {
    const t = red();
    expect(t.run('-n red link add v9 netns blue type veth peer name v10').exitCode).toBe(0);
    expect(t.nl.calls.map((c) => c.op)).toEqual(['linkAdd', 'linkSet']);
    expect(t.nl.calls[1]!.args).toEqual(['v9', { netns: 'blue' }]);
  });
});

describe('ipip', () => {
  it('builds the request and renders -d like iptunnel_print_opt', () => {
    const t = red();
    expect(t.run('-n red link add tun1 type ipip remote 10.0.0.2 local 10.0.0.1 dev veth-red ttl 64').exitCode).toBe(0);
    expect(t.nl.calls[0]!.args[0]).toEqual({ kind: 'ipip', name: 'tun1', remote: '10.0.0.2', local: '10.0.0.1', dev: 'veth-red', ttl: 64 });
    const tunl0: LinkInfo = {
      ...vethRed, ifindex: 2, name: 'tunl0', kind: 'ipip', flags: ['NOARP'], mtu: 1480, qdisc: 'noop', operstate: 'DOWN', address: '0.0.0.0', broadcast: '0.0.0.0', linkType: 'ipip',
      link: { ifindex: 0, name: 'NONE' }, ipip: { proto: 'any', ttl: 0, tos: 0, pmtudisc: false }, maxMtu: 65515,
    };
    expect(red({ links: [tunl0] }).run('-n red -d link show tunl0').stdout).toBe(
      '2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
        '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0  allmulti 0 minmtu 68 maxmtu 65515 \n' +
        '    ipip any remote any local any ttl inherit nopmtudisc addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n',
    );
  });
  it('rejects unknown options with the tunnel help', () => {
    const r = red().run('-n red link add tun4 type ipip bogus');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Usage: \.\.\. ipip  \t\[ remote ADDR \]\n/);
  });
});

describe('colour options', () => {
  it('print plain text for auto/never and refuse forced colours as unsupported', () => {
    const t = red();
    expect(t.run('-n red -c=never -br link').stdout).toBe(t.run('-n red -br link').stdout);
    expect(t.run('-n red -color=auto -br link').exitCode).toBe(0);
    expect(t.run('-n red -c -br link').exitCode).toBe(3);
    expect(t.run('-n red -colour=bogus link')).toEqual({ exitCode: 255, stdout: '', stderr: 'Option "-colour=bogus" is unknown, try "ip -help".\n' });
  });
});

describe('ip route flush cache', () => {
  it('succeeds silently, as on kernels without an IPv4 route cache', () => {
    expect(red().run('-n red route flush cache')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});
