import { describe, expect, it } from 'vitest';
import { pluginNode } from '../testing/plugin-testkit.js';

// Every expected text below was recorded from /usr/lib/cni/ptp (containernetworking-plugins 1.1.1,
// Debian 12) run in an isolated host (unshare --net --mount --pid, `ip netns add c1`, a tmpfs
// /var/lib/cni), with host-local as IPAM and an argv-logging `iptables` wrapper first on PATH.
// Here "fake-ipam" answers what host-local answered there.

const HOST_LOCAL = { ips: [{ address: '10.33.0.2/24', gateway: '10.33.0.1' }], routes: [{ dst: '0.0.0.0/0' }], dns: {} };
const conf = (extra: Record<string, unknown>, result: object = HOST_LOCAL, v = '1.0.0') =>
  JSON.stringify({ cniVersion: v, name: 'pnet', type: 'ptp', ...extra, ipam: { type: 'fake-ipam', result } });
const anon = (s: string) => s.replace(/(?!ff:ff:ff:ff:ff:ff)([0-9a-f]{2}:){5}[0-9a-f]{2}/g, '<mac>').replace(/veth[0-9a-f]{8}/g, '<veth>');
const err = (msg: string) => `{\n    "code": 999,\n    "msg": ${JSON.stringify(msg)}\n}`;

const CHAIN = 'CNI-45f36743c0e772d73e562ea2';
const COMMENT = 'name: "pnet" id: "c1"';

function node() {
  const n = pluginNode();
  n.host.netnsAdd('c1');
  return n;
}

describe('ptp, as /usr/lib/cni/ptp v1.1.1', () => {
  const MASQ = conf({ ipMasq: true, mtu: 1400 });

  it('ADD prints host veth and container interface, ips on interface 1', () => {
    const n = node();
    const r = n.cni('ptp', 'ADD', 'c1', MASQ);
    expect(r.exitCode).toBe(0);
    expect(anon(r.stdout)).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "<veth>",\n            "mac": "<mac>"\n        },\n        {\n            "name": "eth0",\n            "mac": "<mac>",\n            "sandbox": "/var/run/netns/c1"\n        }\n    ],\n    "ips": [\n        {\n            "interface": 1,\n            "address": "10.33.0.2/24",\n            "gateway": "10.33.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "0.0.0.0/0"\n        }\n    ],\n    "dns": {}\n}',
    );
    const out = JSON.parse(r.stdout) as { interfaces: { name: string; mac: string }[] };
    expect(n.root.linkGet(out.interfaces[0]!.name)!.address).toBe(out.interfaces[0]!.mac);
  });

  it('ADD builds the point-to-point routes both ways, the gateway /32 on the host end, mtu, ip_forward', () => {
    const n = node();
    n.cni('ptp', 'ADD', 'c1', MASQ);
    expect(anon(n.sh('ip', '-4', 'addr'))).toContain('    inet 10.33.0.1/32 scope global <veth>\n');
    expect(anon(n.sh('ip', 'route'))).toBe('10.33.0.2 dev <veth> scope host \n');
    expect(anon(n.sh('ip', 'link'))).toContain('2: <veth>@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP mode DEFAULT group default \n    link/ether <mac> brd ff:ff:ff:ff:ff:ff link-netns c1\n');
    expect(n.sh('ip', '-n', 'c1', '-4', 'addr', 'show', 'eth0')).toContain('    inet 10.33.0.2/24 brd 10.33.0.255 scope global eth0\n');
    expect(n.sh('ip', '-n', 'c1', 'route')).toBe('default via 10.33.0.1 dev eth0 \n10.33.0.0/24 via 10.33.0.1 dev eth0 src 10.33.0.2 \n10.33.0.1 dev eth0 scope link src 10.33.0.2 \n');
    expect(n.ns('c1').linkGet('eth0')!.mtu).toBe(1400);
    expect(n.sh('sysctl', 'net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward = 1\n');
  });

  it('masquerades like bridge: the same go-iptables calls on ADD and DEL', () => {
    const n = node();
    n.cni('ptp', 'ADD', 'c1', MASQ);
    expect(n.iptablesCalls()).toEqual([
      'iptables --version',
      'iptables -t nat -S --wait',
      `iptables -t nat -N ${CHAIN} --wait`,
      `iptables -t nat -C ${CHAIN} -d 10.33.0.2/24 -j ACCEPT -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A ${CHAIN} -d 10.33.0.2/24 -j ACCEPT -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -C ${CHAIN} ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A ${CHAIN} ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -C POSTROUTING -s 10.33.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A POSTROUTING -s 10.33.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
    ]);
    expect(n.sh('iptables-save', '-t', 'nat')).toContain(`-A POSTROUTING -s 10.33.0.2/32 -m comment --comment "name: \\"pnet\\" id: \\"c1\\"" -j ${CHAIN}\n`);
    expect(n.cni('ptp', 'DEL', 'c1', MASQ)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.iptablesCalls()).toEqual([
      'iptables --version',
      `iptables -t nat -D POSTROUTING -s 10.33.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -D POSTROUTING -s 10.33.0.2/24 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -N ${CHAIN} --wait`,
      `iptables -t nat -F ${CHAIN} --wait`,
      `iptables -t nat -X ${CHAIN} --wait`,
    ]);
  });

  it('DEL: IPAM first, then the pair (host route and address go with it); repeatable', () => {
    const n = node();
    n.cni('ptp', 'ADD', 'c1', MASQ);
    n.cni('ptp', 'DEL', 'c1', MASQ);
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo']);
    expect(n.ns('c1').linkList().map((l) => l.name)).toEqual(['lo']);
    expect(n.sh('ip', 'route')).toBe('');
    expect(n.sh('iptables-save', '-t', 'nat').split('\n').filter((l) => !l.startsWith('#')).join('\n')).toBe('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n');
    n.iptablesCalls();
    expect(n.cni('ptp', 'DEL', 'c1', MASQ)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.iptablesCalls()).toEqual([]);
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\nDEL c1\n');
  });

  it('0.4.0: the configuration\'s dns replaces the IPAM one; no routes field when there are none', () => {
    const n = node();
    const r = n.cni('ptp', 'ADD', 'c1', conf({ dns: { nameservers: ['1.1.1.1'] } }, { ips: [{ address: '10.33.0.2/24', gateway: '10.33.0.1' }], dns: {} }, '0.4.0'));
    // recorded
    expect(anon(r.stdout)).toBe(
      '{\n    "cniVersion": "0.4.0",\n    "interfaces": [\n        {\n            "name": "<veth>",\n            "mac": "<mac>"\n        },\n        {\n            "name": "eth0",\n            "mac": "<mac>",\n            "sandbox": "/var/run/netns/c1"\n        }\n    ],\n    "ips": [\n        {\n            "version": "4",\n            "interface": 1,\n            "address": "10.33.0.2/24",\n            "gateway": "10.33.0.1"\n        }\n    ],\n    "dns": {\n        "nameservers": [\n            "1.1.1.1"\n        ]\n    }\n}',
    );
  });

  it('errors: no IPAM type, a missing namespace (address released), a bad MTU (address released)', () => {
    const n = node();
    expect(n.cni('ptp', 'ADD', 'c1', '{"cniVersion":"1.0.0","name":"pnet","type":"ptp"}').stdout).toBe(err('no plugin name provided'));
    expect(n.cni('ptp', 'ADD', 'nonesuch', MASQ).stdout).toBe(err('failed to open netns "/var/run/netns/nonesuch": failed to Statfs "/var/run/netns/nonesuch": no such file or directory'));
    expect(n.ipamLog()).toBe('ADD nonesuch\nDEL nonesuch\n');
    expect(n.cni('ptp', 'ADD', 'c1', conf({ mtu: 20 })).stdout).toBe(err('failed to make veth pair: invalid argument'));
    expect(n.ipamLog()).toBe('ADD nonesuch\nDEL nonesuch\nADD c1\nDEL c1\n');
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo']);
    expect(n.cni('ptp', 'ADD', 'c1', conf({ ipMasq: 1 })).stdout).toBe(err('failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.ipMasq of type bool'));
  });

  it('an IPv6 address from IPAM is refused (a podnet limit) and released', () => {
    const n = node();
    const r = n.cni('ptp', 'ADD', 'c1', conf({}, { ips: [{ address: '10.33.0.2/24', gateway: '10.33.0.1' }, { address: 'fd00::2/64', gateway: 'fd00::1' }], dns: {} }));
    expect(r.stdout).toBe(err('podnet: IPv6 address fd00::2/64 from IPAM cannot be configured (podnet models IPv4 only)'));
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\n');
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo']);
  });

  it('CHECK passes on its own result and names what is missing', () => {
    const n = node();
    const c = conf({}, { ips: [{ address: '10.33.0.2/24', gateway: '10.33.0.1' }], routes: [{ dst: '0.0.0.0/0' }, { dst: '10.0.0.0/8', gw: '10.33.0.1' }], dns: {} });
    const prev = JSON.stringify({ ...JSON.parse(c), prevResult: JSON.parse(n.cni('ptp', 'ADD', 'c1', c).stdout) });
    // recorded: exit 0, nothing printed
    expect(n.cni('ptp', 'CHECK', 'c1', prev)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.cni('ptp', 'CHECK', 'c1', c).stdout).toBe(err('ptp: Required prevResult missing'));
    n.sh('ip', '-n', 'c1', 'route', 'del', '10.0.0.0/8');
    expect(n.cni('ptp', 'CHECK', 'c1', prev).stdout).toBe(err('Expected Route {Dst:{IP:10.0.0.0 Mask:ff000000} GW:10.33.0.1} not found in routing table'));
  });
});
