import { describe, expect, it } from 'vitest';
import { hostLocalMain } from './main.js';
import { testHost } from '../testing/test-host.js';

// Every expected text below was recorded from /usr/lib/cni/host-local (containernetworking-plugins
// 1.1.1) on Debian 12, run in an isolated host (unshare --net --mount --pid, tmpfs /var/lib/cni).

function node() {
  const t = testHost();
  const hl = (command: string, id: string, ipam: string, opts: { args?: string; version?: string; name?: string } = {}) =>
    t.run(
      hostLocalMain,
      { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', ...(opts.args ? { CNI_ARGS: opts.args } : {}) },
      `{"cniVersion":"${opts.version ?? '1.0.0'}","name":"${opts.name ?? 'v6'}","type":"host-local","ipam":${ipam}}`,
    );
  return { ...t, hl };
}
const failure = (msg: string) => ({ exitCode: 1, stdout: `{\n    "code": 999,\n    "msg": ${JSON.stringify(msg)}\n}`, stderr: '' });
const one = (address: string, gateway: string) =>
  `{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "${address}",\n            "gateway": "${gateway}"\n        }\n    ],\n    "dns": {}\n}`;

describe('host-local with IPv6 (as /usr/lib/cni/host-local v1.1.1)', () => {
  it('allocates from a /126 up to its last address, names files by the compressed address, refuses the gateway', () => {
    const n = node();
    const C = '{"type":"host-local","subnet":"fd00:0:0:1::/126"}';
    expect(n.hl('ADD', 'c1', C).stdout).toBe(one('fd00:0:0:1::2/126', 'fd00:0:0:1::1'));
    expect(n.hl('ADD', 'c2', C).stdout).toBe(one('fd00:0:0:1::3/126', 'fd00:0:0:1::1'));
    expect(n.hl('ADD', 'c3', C)).toEqual(failure('failed to allocate for range 0: no IP addresses available in range set: fd00:0:0:1::1-fd00:0:0:1::3'));
    expect(n.hl('DEL', 'c1', C).exitCode).toBe(0);
    expect(n.hl('ADD', 'c4', C, { args: 'IP=fd00:0:0:1::2' }).stdout).toBe(one('fd00:0:0:1::2/126', 'fd00:0:0:1::1'));
    expect(n.hl('ADD', 'c5', C, { args: 'IP=fd00:0:0:1::1' })).toEqual(failure("failed to allocate for range 0: requested ip fd00:0:0:1::1 is subnet's gateway"));
    expect(n.hl('ADD', 'c5', C, { args: 'IP=fd00:0:0:1:0::3' })).toEqual(
      failure('failed to allocate for range 0: requested IP address fd00:0:0:1::3 is not available in range set fd00:0:0:1::1-fd00:0:0:1::3'),
    );
    const l = n.host.fs.list('/var/lib/cni/networks/v6');
    expect(l.ok && l.value.map((e) => e.name).sort()).toEqual(['fd00:0:0:1::2', 'fd00:0:0:1::3', 'last_reserved_ip.0', 'lock']);
    expect(n.host.fs.read('/var/lib/cni/networks/v6/last_reserved_ip.0')).toEqual({ ok: true, value: 'fd00:0:0:1::2' });
    expect(n.host.fs.read('/var/lib/cni/networks/v6/fd00:0:0:1::3')).toEqual({ ok: true, value: 'c2\r\neth0' });
  });

  it.each([
    ['{"subnet":"fd00::/127"}', 'invalid range set 0: Network fd00::/127 too small to allocate from'],
    ['{"subnet":"fd00::/128"}', 'invalid range set 0: Network fd00::/128 too small to allocate from'],
    ['{"subnet":"fd00::1/64"}', 'invalid range set 0: Network has host bits set. For a subnet mask of length 64 the network address is fd00::'],
    ['{"subnet":"fd00::/64","rangeStart":"fd01::10"}', 'invalid range set 0: RangeStart fd01::10 not in network fd00::/64'],
    ['{"ranges":[[{"subnet":"fd00::/64"}],[{"subnet":"fd00::/120"}]]}', 'range set 0 overlaps with 1'],
    ['{"ranges":[[{"subnet":"10.0.0.0/24"},{"subnet":"fd00::/64"}]]}', 'invalid range set 0: mixed address families'],
    ['{"subnet":"::ffff:10.0.0.0/120"}', 'invalid range set 0: IPNet IP and Mask version mismatch'],
    ['{"subnet":"fd00::/64","rangeStart":"fd00::%eth0"}', 'invalid IP address: fd00::%eth0'],
  ])('refuses %s', (ipam, msg) => {
    expect(node().hl('ADD', 'c1', ipam)).toEqual(failure(msg));
  });

  it('takes explicit starts, ends and gateways, and prints routes compressed', () => {
    expect(node().hl('ADD', 'c1', '{"subnet":"fd00::/64","rangeStart":"fd00::10","rangeEnd":"fd00::1:0"}').stdout).toBe(one('fd00::10/64', 'fd00::1'));
    expect(node().hl('ADD', 'c1', '{"subnet":"fd00::/64","gateway":"fd00::ffff"}').stdout).toBe(one('fd00::1/64', 'fd00::ffff'));
    expect(node().hl('ADD', 'c1', '{"subnet":"fd00:0:0:0:0:0:0:0/64","routes":[{"dst":"::/0"},{"dst":"fd00:0:0:0::/8","gw":"fd00::1"}]}').stdout).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "fd00::2/64",\n            "gateway": "fd00::1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "::/0"\n        },\n        {\n            "dst": "fd00::/8",\n            "gw": "fd00::1"\n        }\n    ],\n    "dns": {}\n}',
    );
  });

  it('allows one range set per family per address before 0.3.0 and more after', () => {
    expect(JSON.parse(node().hl('ADD', 'c1', '{"ranges":[[{"subnet":"fd00::/64"}],[{"subnet":"10.0.0.0/24"}],[{"subnet":"fd01::/64"}]]}').stdout).ips).toEqual([
      { address: 'fd00::2/64', gateway: 'fd00::1' },
      { address: '10.0.0.2/24', gateway: '10.0.0.1' },
      { address: 'fd01::2/64', gateway: 'fd01::1' },
    ]);
    const D = '{"ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"fd00::/64"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]}';
    expect(node().hl('ADD', 'c1', D, { version: '0.2.0' }).stdout).toBe(
      '{\n    "cniVersion": "0.2.0",\n    "ip4": {\n        "ip": "10.0.0.2/24",\n        "gateway": "10.0.0.1",\n        "routes": [\n            {\n                "dst": "0.0.0.0/0"\n            }\n        ]\n    },\n    "ip6": {\n        "ip": "fd00::2/64",\n        "gateway": "fd00::1",\n        "routes": [\n            {\n                "dst": "::/0"\n            }\n        ]\n    },\n    "dns": {}\n}',
    );
    expect(node().hl('ADD', 'c1', D, { version: '0.3.1' }).stdout).toBe(
      '{\n    "cniVersion": "0.3.1",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        },\n        {\n            "version": "6",\n            "address": "fd00::2/64",\n            "gateway": "fd00::1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "0.0.0.0/0"\n        },\n        {\n            "dst": "::/0"\n        }\n    ],\n    "dns": {}\n}',
    );
    expect(node().hl('ADD', 'c1', '{"ranges":[[{"subnet":"fd00::/64"}]]}', { version: '0.1.0' }).stdout).toBe(
      '{\n    "cniVersion": "0.1.0",\n    "ip6": {\n        "ip": "fd00::2/64",\n        "gateway": "fd00::1"\n    },\n    "dns": {}\n}',
    );
    const n = node();
    n.hl('ADD', 'c1', D, { name: 'd' });
    const l = n.host.fs.list('/var/lib/cni/networks/d');
    expect(l.ok && l.value.map((e) => e.name).sort()).toEqual(['10.0.0.2', 'fd00::2', 'last_reserved_ip.0', 'last_reserved_ip.1', 'lock']);
    expect(n.host.fs.read('/var/lib/cni/networks/d/last_reserved_ip.1')).toEqual({ ok: true, value: 'fd00::2' });
  });
});
