import { describe, expect, it } from 'vitest';
import { pluginNode } from '../testing/plugin-testkit.js';

// Every expected text below was recorded from /usr/lib/cni/bridge (containernetworking-plugins
// 1.1.1, Debian 12) run in an isolated host (unshare --net --mount --pid, `ip netns add c1`, a
// tmpfs /var/lib/cni), with host-local as IPAM and an argv-logging `iptables` wrapper first on PATH.
// Here "fake-ipam" answers what host-local answered there (its first address of the subnet).

const HOST_LOCAL_16 = { ips: [{ address: '10.22.0.2/16', gateway: '10.22.0.1' }], routes: [{ dst: '0.0.0.0/0' }], dns: {} };
const conf = (extra: Record<string, unknown>, result: object = HOST_LOCAL_16, v = '1.0.0') =>
  JSON.stringify({ cniVersion: v, name: 'mynet', type: 'bridge', ...extra, ipam: { type: 'fake-ipam', result } });

/** MACs and the random host veth name are the only things that differ from run to run. */
const anon = (s: string) => s.replace(/(?!ff:ff:ff:ff:ff:ff)([0-9a-f]{2}:){5}[0-9a-f]{2}/g, '<mac>').replace(/veth[0-9a-f]{8}/g, '<veth>');

const CHAIN = 'CNI-f0bca4ac77cde1bf2f3da5df';
const COMMENT = 'name: "mynet" id: "c1"';

function node() {
  const n = pluginNode();
  n.host.netnsAdd('c1');
  return n;
}

const natRules = (n: ReturnType<typeof node>) =>
  n
    .sh('iptables-save', '-t', 'nat')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

describe('bridge ADD (isGateway, ipMasq), as /usr/lib/cni/bridge v1.1.1', () => {
  const GW_MASQ = conf({ bridge: 'cni0', isGateway: true, ipMasq: true });

  it('prints the 1.0.0 result: bridge, host veth, container interface; ips on interface 2', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', GW_MASQ);
    expect(r.exitCode).toBe(0);
    // recorded (MACs and veth name anonymised)
    expect(anon(r.stdout)).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "cni0",\n            "mac": "<mac>"\n        },\n        {\n            "name": "<veth>",\n            "mac": "<mac>"\n        },\n        {\n            "name": "eth0",\n            "mac": "<mac>",\n            "sandbox": "/var/run/netns/c1"\n        }\n    ],\n    "ips": [\n        {\n            "interface": 2,\n            "address": "10.22.0.2/16",\n            "gateway": "10.22.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "0.0.0.0/0"\n        }\n    ],\n    "dns": {}\n}',
    );
    // The names and MACs it reports are the links it made.
    const out = JSON.parse(r.stdout) as { interfaces: { name: string; mac: string }[] };
    const [br, hostVeth, eth0] = out.interfaces as [{ name: string; mac: string }, { name: string; mac: string }, { name: string; mac: string }];
    expect(hostVeth.name).toMatch(/^veth[0-9a-f]{8}$/);
    expect(n.root.linkGet('cni0')!.address).toBe(br.mac);
    expect(n.root.linkGet(hostVeth.name)!.address).toBe(hostVeth.mac);
    expect(n.ns('c1').linkGet('eth0')!.address).toBe(eth0.mac);
    // With isGateway the bridge keeps its own MAC instead of taking its first port's.
    expect(br.mac).not.toBe(hostVeth.mac);
  });

  it('leaves the recorded links, addresses, routes, NAT chain and ip_forward', () => {
    const n = node();
    n.cni('bridge', 'ADD', 'c1', GW_MASQ);
    expect(n.sh('ip', '-4', 'addr', 'show', 'cni0')).toContain('    inet 10.22.0.1/16 brd 10.22.255.255 scope global cni0\n');
    expect(n.sh('ip', 'route')).toBe('10.22.0.0/16 dev cni0 proto kernel scope link src 10.22.0.1 \n');
    expect(n.sh('ip', '-n', 'c1', 'route')).toBe('default via 10.22.0.1 dev eth0 \n10.22.0.0/16 dev eth0 proto kernel scope link src 10.22.0.2 \n');
    expect(n.sh('ip', '-n', 'c1', '-4', 'addr', 'show', 'eth0')).toContain('    inet 10.22.0.2/16 brd 10.22.255.255 scope global eth0\n');
    const links = anon(n.sh('ip', 'link'));
    expect(links).toContain('2: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n');
    expect(links).toContain('3: <veth>@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cni0 state UP mode DEFAULT group default \n');
    expect(links).toContain('link/ether <mac> brd ff:ff:ff:ff:ff:ff link-netns c1\n');
    expect(anon(n.sh('ip', '-n', 'c1', 'link', 'show', 'eth0'))).toBe('2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \n    link/ether <mac> brd ff:ff:ff:ff:ff:ff link-netnsid 0\n');
    expect(n.sh('sysctl', 'net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward = 1\n');
    expect(natRules(n)).toBe(
      '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' +
        `:${CHAIN} - [0:0]\n` +
        `-A POSTROUTING -s 10.22.0.2/32 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j ${CHAIN}\n` +
        `-A ${CHAIN} -d 10.22.0.0/16 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j ACCEPT\n` +
        `-A ${CHAIN} ! -d 224.0.0.0/4 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j MASQUERADE\n` +
        'COMMIT\n',
    );
  });

  it('runs iptables as go-iptables does, argv for argv (recorded with a logging wrapper)', () => {
    const n = node();
    n.cni('bridge', 'ADD', 'c1', GW_MASQ);
    expect(n.iptablesCalls()).toEqual([
      'iptables --version',
      'iptables -t nat -S --wait',
      `iptables -t nat -N ${CHAIN} --wait`,
      `iptables -t nat -C ${CHAIN} -d 10.22.0.2/16 -j ACCEPT -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A ${CHAIN} -d 10.22.0.2/16 -j ACCEPT -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -C ${CHAIN} ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A ${CHAIN} ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -C POSTROUTING -s 10.22.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -A POSTROUTING -s 10.22.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
    ]);
    expect(n.cni('bridge', 'DEL', 'c1', GW_MASQ)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.iptablesCalls()).toEqual([
      'iptables --version',
      `iptables -t nat -D POSTROUTING -s 10.22.0.2 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -D POSTROUTING -s 10.22.0.2/16 -j ${CHAIN} -m comment --comment ${COMMENT} --wait`,
      `iptables -t nat -N ${CHAIN} --wait`,
      `iptables -t nat -F ${CHAIN} --wait`,
      `iptables -t nat -X ${CHAIN} --wait`,
    ]);
  });

  it('DEL removes the veth pair and the chain, keeps the bridge and its address, and can be repeated', () => {
    const n = node();
    n.cni('bridge', 'ADD', 'c1', GW_MASQ);
    expect(n.cni('bridge', 'DEL', 'c1', GW_MASQ).exitCode).toBe(0);
    expect(n.ns('c1').linkGet('eth0')).toBeUndefined();
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo', 'cni0']);
    expect(n.sh('ip', 'route')).toContain('10.22.0.0/16 dev cni0 proto kernel scope link src 10.22.0.1');
    expect(natRules(n)).toBe('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n');
    n.iptablesCalls();
    // Again: no interface, so no iptables call at all (recorded: the wrapper logged nothing).
    expect(n.cni('bridge', 'DEL', 'c1', GW_MASQ)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.iptablesCalls()).toEqual([]);
    // IPAM DEL runs each time, after the interface is gone.
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\nDEL c1\n');
  });

  it('DEL of a namespace that is gone only releases the address', () => {
    const n = node();
    n.cni('bridge', 'ADD', 'c1', GW_MASQ);
    n.host.netnsDel('c1');
    n.iptablesCalls();
    expect(n.cni('bridge', 'DEL', 'c1', GW_MASQ)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.iptablesCalls()).toEqual([]);
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\n');
  });

  it('a second container on the bridge shares the gateway address and gets its own chain', () => {
    const n = node();
    n.host.netnsAdd('c2');
    const second = { ips: [{ address: '10.22.0.3/24', gateway: '10.22.0.1' }], routes: [{ dst: '10.0.0.0/8' }], dns: {} };
    const first = { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '10.0.0.0/8' }], dns: {} };
    const c = (r: object) => conf({ isGateway: true, ipMasq: true }, r, '0.4.0');
    expect(n.cni('bridge', 'ADD', 'c1', c(first)).exitCode).toBe(0);
    const r2 = n.cni('bridge', 'ADD', 'c2', c(second));
    // recorded (0.4.0 shape: "version" in ips)
    expect(anon(r2.stdout)).toContain('"ips": [\n        {\n            "version": "4",\n            "interface": 2,\n            "address": "10.22.0.3/24",\n            "gateway": "10.22.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "10.0.0.0/8"\n        }\n    ],');
    expect(n.sh('ip', '-4', 'addr', 'show', 'cni0').match(/inet /g)).toHaveLength(1);
    expect(natRules(n)).toBe(
      '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' +
        ':CNI-07019b17cf2e297381232026 - [0:0]\n:CNI-f0bca4ac77cde1bf2f3da5df - [0:0]\n' +
        '-A POSTROUTING -s 10.22.0.2/32 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j CNI-f0bca4ac77cde1bf2f3da5df\n' +
        '-A POSTROUTING -s 10.22.0.3/32 -m comment --comment "name: \\"mynet\\" id: \\"c2\\"" -j CNI-07019b17cf2e297381232026\n' +
        '-A CNI-07019b17cf2e297381232026 -d 10.22.0.0/24 -m comment --comment "name: \\"mynet\\" id: \\"c2\\"" -j ACCEPT\n' +
        '-A CNI-07019b17cf2e297381232026 ! -d 224.0.0.0/4 -m comment --comment "name: \\"mynet\\" id: \\"c2\\"" -j MASQUERADE\n' +
        '-A CNI-f0bca4ac77cde1bf2f3da5df -d 10.22.0.0/24 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j ACCEPT\n' +
        '-A CNI-f0bca4ac77cde1bf2f3da5df ! -d 224.0.0.0/4 -m comment --comment "name: \\"mynet\\" id: \\"c1\\"" -j MASQUERADE\n' +
        'COMMIT\n',
    );
  });
});

describe('bridge ADD options, as /usr/lib/cni/bridge v1.1.1', () => {
  it('mtu, hairpinMode and isDefaultGateway (recorded with a /24 host-local range); DEL gives the bridge 1500 back', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', conf({ bridge: 'br7', mtu: 1400, hairpinMode: true, isDefaultGateway: true }, { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], dns: {} }, '0.4.0'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('"routes": [\n        {\n            "dst": "0.0.0.0/0",\n            "gw": "10.22.0.1"\n        }\n    ],');
    expect(n.root.linkGet('br7')!.mtu).toBe(1400);
    const hostVeth = n.root.linkList().find((l) => l.kind === 'veth')!;
    expect(hostVeth.mtu).toBe(1400);
    expect(hostVeth.brport!.hairpin).toBe(true);
    expect(n.ns('c1').linkGet('eth0')!.mtu).toBe(1400);
    expect(n.sh('ip', '-n', 'c1', 'route')).toBe('default via 10.22.0.1 dev eth0 \n10.22.0.0/24 dev eth0 proto kernel scope link src 10.22.0.2 \n');
    expect(n.sh('sysctl', 'net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward = 1\n');
    // recorded: after DEL, "2: br7: <BROADCAST,MULTICAST,UP> mtu 1500" (the creation MTU was not user-set)
    n.cni('bridge', 'DEL', 'c1', conf({ bridge: 'br7', mtu: 1400, hairpinMode: true, isDefaultGateway: true }, {}, '0.4.0'));
    expect(n.root.linkGet('br7')!.mtu).toBe(1500);
  });

  it('isDefaultGateway keeps an IPAM default route that has a gateway', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', conf({ isDefaultGateway: true }, { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '0.0.0.0/0', gw: '10.22.0.9' }], dns: {} }));
    expect(r.stdout).toContain('"routes": [\n        {\n            "dst": "0.0.0.0/0",\n            "gw": "10.22.0.9"\n        }\n    ],');
    expect(n.sh('ip', '-n', 'c1', 'route')).toBe('default via 10.22.0.9 dev eth0 \n10.22.0.0/24 dev eth0 proto kernel scope link src 10.22.0.2 \n');
  });

  it('isDefaultGateway with an IPAM default route without gateway adds it twice and fails (recorded)', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', conf({ isDefaultGateway: true }, { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '0.0.0.0/0' }], dns: {} }));
    expect(r).toEqual({
      exitCode: 1,
      stdout: '{\n    "code": 999,\n    "msg": "failed to add route \'{0.0.0.0 00000000000000000000ffff00000000} via 10.22.0.1 dev eth0\': file exists"\n}',
      stderr: '',
    });
    // The pod keeps what was done before the failure; the address is released.
    expect(n.sh('ip', '-n', 'c1', 'route')).toBe('default via 10.22.0.1 dev eth0 \n10.22.0.0/24 dev eth0 proto kernel scope link src 10.22.0.2 \n');
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\n');
  });

  it('without isGateway the bridge takes its port\'s MAC and gets no address; no forwarding', () => {
    const n = node();
    const out = JSON.parse(n.cni('bridge', 'ADD', 'c1', conf({})).stdout) as { interfaces: { mac: string }[] };
    expect(out.interfaces[0]!.mac).toBe(out.interfaces[1]!.mac);
    expect(n.root.addrList({ dev: 'cni0' }).filter((a) => a.family === 'inet')).toEqual([]);
    expect(n.sh('sysctl', 'net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward = 0\n');
  });

  it('promiscMode: the bridge is promiscuous once however many pods join (recorded: promiscuity 1)', () => {
    const n = node();
    n.host.netnsAdd('c2');
    const l2 = '{"cniVersion":"1.0.0","name":"l2","type":"bridge","bridge":"br5","promiscMode":true}';
    n.cni('bridge', 'ADD', 'c1', l2);
    n.cni('bridge', 'ADD', 'c2', l2);
    expect(n.root.linkGet('br5')!.promiscuity).toBe(1);
    expect(n.root.linkGet('br5')!.flags).toContain('PROMISC');
  });

  it('0.2.0: the ip4 block with routes, and the configuration\'s dns', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', JSON.stringify({ cniVersion: '0.2.0', name: 'mynet', type: 'bridge', isGateway: true, ipMasq: true, ipam: { type: 'fake-ipam', result: { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '10.0.0.0/8' }], dns: {} } }, dns: { nameservers: ['1.1.1.1'] } }));
    // recorded
    expect(r.stdout).toBe('{\n    "cniVersion": "0.2.0",\n    "ip4": {\n        "ip": "10.22.0.2/24",\n        "gateway": "10.22.0.1",\n        "routes": [\n            {\n                "dst": "10.0.0.0/8"\n            }\n        ]\n    },\n    "dns": {\n        "nameservers": [\n            "1.1.1.1"\n        ]\n    }\n}');
  });

  it('the container MAC from runtimeConfig.mac, and from CNI_ARGS only with IgnoreUnknown for other keys', () => {
    const n = node();
    const r = n.cni('bridge', 'ADD', 'c1', conf({ runtimeConfig: { mac: '0a:58:0a:16:00:07' } }));
    expect(r.stdout).toContain('"name": "eth0",\n            "mac": "0a:58:0a:16:00:07",');
    n.host.netnsAdd('c7');
    const l2 = '{"cniVersion":"1.0.0","name":"m","type":"bridge","bridge":"cni7"}';
    expect(n.cni('bridge', 'ADD', 'c7', l2, { CNI_ARGS: 'K8S_POD_NAME=x;MAC=0a:58:0a:16:00:09' }).stdout).toBe('{\n    "code": 999,\n    "msg": "ARGS: unknown args [\\"K8S_POD_NAME=x\\"]"\n}');
    const ok = n.cni('bridge', 'ADD', 'c7', l2, { CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=x;MAC=0a:58:0a:16:00:09' });
    // recorded: no IPAM, so no ips and no routes
    expect(anon(ok.stdout)).toBe('{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "cni7",\n            "mac": "<mac>"\n        },\n        {\n            "name": "<veth>",\n            "mac": "<mac>"\n        },\n        {\n            "name": "eth0",\n            "mac": "<mac>",\n            "sandbox": "/var/run/netns/c7"\n        }\n    ],\n    "dns": {}\n}');
    expect(n.ns('c7').linkGet('eth0')!.address).toBe('0a:58:0a:16:00:09');
    expect(n.ns('c7').linkGet('eth0')!.flags).toContain('UP');
  });
});

describe('bridge errors, as /usr/lib/cni/bridge v1.1.1 (code 999 and texts recorded)', () => {
  const err = (msg: string) => `{\n    "code": 999,\n    "msg": ${JSON.stringify(msg)}\n}`;

  it('ADD twice: the container interface exists; the first pod is untouched', () => {
    const n = node();
    n.cni('bridge', 'ADD', 'c1', conf({ ipMasq: true }));
    const before = n.sh('ip', 'link');
    expect(n.cni('bridge', 'ADD', 'c1', conf({ ipMasq: true }))).toEqual({ exitCode: 1, stdout: err('container veth name provided (eth0) already exists'), stderr: '' });
    expect(n.sh('ip', 'link')).toBe(before);
  });

  it('configuration errors, before anything is created', () => {
    const n = node();
    expect(n.cni('bridge', 'ADD', 'c1', conf({ hairpinMode: true, promiscMode: true })).stdout).toBe(err('cannot set hairpin mode and promiscuous mode at the same time.'));
    expect(n.cni('bridge', 'ADD', 'c1', conf({ vlan: 5000 })).stdout).toBe(err('invalid VLAN ID 5000 (must be between 0 and 4094)'));
    expect(n.cni('bridge', 'DEL', 'c1', conf({ vlan: 5000 })).stdout).toBe(err('invalid VLAN ID 5000 (must be between 0 and 4094)'));
    expect(n.cni('bridge', 'ADD', 'c1', conf({ mtu: 'x' })).stdout).toBe(err('failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int'));
    expect(n.cni('bridge', 'ADD', 'c1', conf({ isGateway: 'yes' })).stdout).toBe(err('failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.isGateway of type bool'));
    // Go matches keys case-insensitively and names nested structs by their type (recorded).
    const raw = (extra: string) => n.cni('bridge', 'ADD', 'c1', `{"cniVersion":"1.0.0","name":"x","type":"bridge"${extra}}`).stdout;
    expect(raw(',"IsGateway":"x"')).toBe(err('failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.isGateway of type bool'));
    expect(raw(',"ipam":"x"')).toBe(err('failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.ipam of type types.IPAM'));
    expect(raw(',"dns":"x"')).toBe(err('failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.dns of type types.DNS'));
    expect(raw(',"bridge":5')).toBe(err('failed to load netconf: json: cannot unmarshal number into Go struct field NetConf.bridge of type string'));
    expect(raw(',"ipam":{"type":5}')).toBe(err('failed to load netconf: json: cannot unmarshal number into Go struct field IPAM.ipam.type of type string'));
    expect(raw(',"args":{"cni":{"mac":5}}')).toBe(err('failed to load netconf: json: cannot unmarshal number into Go struct field BridgeArgs.args.cni.mac of type string'));
    expect(raw(',"mtu":1.5')).toBe(err('failed to load netconf: json: cannot unmarshal number 1.5 into Go struct field NetConf.mtu of type int'));
    expect(raw(',"vlan":-1')).toBe(err('invalid VLAN ID -1 (must be between 0 and 4094)'));
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo']);
    // null leaves a field at its default (recorded: a plain L2 ADD).
    expect(n.cni('bridge', 'ADD', 'c1', '{"cniVersion":"1.0.0","name":"x","type":"bridge","mtu":null,"isGateway":null}').exitCode).toBe(0);
  });

  it('a bad MTU fails creating the bridge', () => {
    const n = node();
    expect(n.cni('bridge', 'ADD', 'c1', conf({ mtu: 10 })).stdout).toBe(err('failed to create bridge "cni0": could not add "cni0": invalid argument'));
    expect(n.cni('bridge', 'ADD', 'c1', conf({ bridge: 'brx', mtu: 70000 })).stdout).toBe(err('failed to create bridge "brx": could not add "brx": invalid argument'));
  });

  it('a device of that name that is not a bridge', () => {
    const n = node();
    n.host.netnsAdd('c3');
    n.root.linkAdd({ kind: 'veth', name: 'cnix', peerName: 'cnixp' });
    expect(n.cni('bridge', 'ADD', 'c3', conf({ bridge: 'cnix' })).stdout).toBe(err('failed to create bridge "cnix": "cnix" already exists but is not a bridge'));
  });

  it('a missing namespace: the bridge is made first, then the namespace fails', () => {
    const n = pluginNode();
    expect(n.cni('bridge', 'ADD', 'c1', conf({})).stdout).toBe(err('failed to open netns "/var/run/netns/c1": failed to Statfs "/var/run/netns/c1": no such file or directory'));
    expect(n.root.linkGet('cni0')?.kind).toBe('bridge');
    expect(n.ipamLog()).toBe('');
  });

  it('an IPAM plugin that is not there: the veth pair stays; DEL removes it and then fails the same way', () => {
    const n = node();
    const c = '{"cniVersion":"1.0.0","name":"nb","type":"bridge","bridge":"cni9","ipam":{"type":"nope"}}';
    expect(n.cni('bridge', 'ADD', 'c1', c).stdout).toBe(err('failed to find plugin "nope" in path [/opt/cni/bin]'));
    expect(n.ns('c1').linkGet('eth0')?.flags).not.toContain('UP');
    expect(n.cni('bridge', 'DEL', 'c1', c).stdout).toBe(err('failed to find plugin "nope" in path [/opt/cni/bin]'));
    expect(n.ns('c1').linkGet('eth0')).toBeUndefined();
  });

  it('an IPAM error is passed through with its code', () => {
    const n = node();
    const c = JSON.stringify({ cniVersion: '1.0.0', name: 'mynet', type: 'bridge', ipam: { type: 'fake-ipam', fail: 'no IP ranges specified' } });
    expect(n.cni('bridge', 'ADD', 'c1', c).stdout).toBe(err('no IP ranges specified'));
  });

  it('a bridge with another address: refused (veth stays, address released); forceAddress replaces it', () => {
    const n = node();
    n.root.linkAdd({ kind: 'bridge', name: 'cni0' });
    n.root.addrAdd({ dev: 'cni0', local: '10.99.0.1', prefixLen: 24 });
    const r24 = { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], dns: {} };
    expect(n.cni('bridge', 'ADD', 'c1', conf({ isGateway: true }, r24)).stdout).toBe(err('failed to set bridge addr: "cni0" already has an IP address different from 10.22.0.1/24'));
    expect(n.root.linkList().filter((l) => l.kind === 'veth')).toHaveLength(1);
    expect(n.sh('ip', '-n', 'c1', '-4', 'addr', 'show', 'eth0')).toContain('inet 10.22.0.2/24 brd 10.22.0.255 scope global eth0');
    expect(n.ipamLog()).toBe('ADD c1\nDEL c1\n');

    n.host.netnsAdd('c2');
    expect(n.cni('bridge', 'ADD', 'c2', conf({ isGateway: true, forceAddress: true }, r24)).exitCode).toBe(0);
    expect(n.sh('ip', '-4', 'addr', 'show', 'cni0')).toContain('inet 10.22.0.1/24 brd 10.22.0.255 scope global cni0');
    expect(n.sh('ip', '-4', 'addr', 'show', 'cni0')).not.toContain('10.99.0.1');
  });

  it('vlan: this kernel has no bridge VLAN filtering (recorded on the oracle: EOPNOTSUPP)', () => {
    const n = node();
    expect(n.cni('bridge', 'ADD', 'c1', conf({ vlan: 100, isGateway: true })).stdout).toBe(err('failed to create bridge "cni0": could not add "cni0": operation not supported'));
    expect(n.root.linkList().map((l) => l.name)).toEqual(['lo']);
    // The refused bridge was registered and unregistered: its ifindex (2) is used up.
    expect(n.root.linkAdd({ kind: 'bridge', name: 'cni0' }).ok && n.root.linkGet('cni0')!.ifindex).toBe(3);
    // An existing bridge gets the veth pair attached before the port VLAN fails.
    const r = n.cni('bridge', 'ADD', 'c1', conf({ vlan: 100, isGateway: true }));
    expect(r.stdout).toMatch(/^\{\n {4}"code": 999,\n {4}"msg": "failed to setup vlan tag on interface \\"veth[0-9a-f]{8}\\": operation not supported"\n\}$/);
    expect(n.root.linkList().find((l) => l.kind === 'veth')?.master).toBe('cni0');
    expect(n.ns('c1').linkGet('eth0')?.flags).not.toContain('UP');
    expect(n.ipamLog()).toBe('');
  });

  it('a bad MAC address is refused by the veth setup', () => {
    const n = node();
    expect(n.cni('bridge', 'ADD', 'c1', conf({ bridge: 'cni5', args: { cni: { mac: 'zz' } } })).stdout).toBe(err('failed to make veth pair: address zz: invalid MAC address'));
    expect(n.root.linkGet('cni5')?.kind).toBe('bridge');
  });
});

describe('bridge CHECK, as /usr/lib/cni/bridge v1.1.1', () => {
  const withPrev = (c: string, prev: string) => JSON.stringify({ ...JSON.parse(c), prevResult: JSON.parse(prev) });

  it('passes on its own result when every route has a gateway', () => {
    const n = node();
    const c = conf({ isGateway: true }, { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '10.0.0.0/8', gw: '10.22.0.1' }], dns: {} }, '0.4.0');
    const r = n.cni('bridge', 'ADD', 'c1', c);
    expect(n.cni('bridge', 'CHECK', 'c1', withPrev(c, r.stdout))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.ipamLog()).toBe('ADD c1\nCHECK c1\n');
  });

  it('reports what it cannot find (recorded texts, including a route without gateway it added itself)', () => {
    const n = node();
    n.host.netnsAdd('c2');
    const c = conf({ isGateway: true, ipMasq: true }, { ips: [{ address: '10.22.0.2/24', gateway: '10.22.0.1' }], routes: [{ dst: '10.0.0.0/8' }], dns: {} }, '0.4.0');
    const prev = withPrev(c, n.cni('bridge', 'ADD', 'c1', c).stdout);
    const check = (cid = 'c1', text = prev) => n.cni('bridge', 'CHECK', cid, text).stdout;
    expect(check()).toBe('{\n    "code": 999,\n    "msg": "Expected Route {Dst:{IP:10.0.0.0 Mask:ff000000} GW:\\u003cnil\\u003e} not found in routing table"\n}');
    expect(check('c2')).toBe('{\n    "code": 999,\n    "msg": "Sandbox in prevResult  doesn\'t match configured netns: /var/run/netns/c2"\n}');
    expect(check('c1', c)).toBe('{\n    "code": 999,\n    "msg": "Required prevResult missing"\n}');
    n.sh('ip', '-n', 'c1', 'addr', 'flush', 'dev', 'eth0');
    expect(check()).toBe('{\n    "code": 999,\n    "msg": "Failed to match addr 10.22.0.2/24 on interface eth0"\n}');
  });
});

describe('bridge with podnet\'s host-local, as the reference pair', () => {
  it('ADD then DEL: the address file comes and goes, last_reserved_ip and lock stay (recorded)', () => {
    const n = node();
    const c = '{"cniVersion":"1.0.0","name":"mynet","type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","subnet":"10.22.0.0/16","routes":[{"dst":"0.0.0.0/0"}]}}';
    const r = n.cni('bridge', 'ADD', 'c1', c);
    expect(anon(r.stdout)).toContain('"ips": [\n        {\n            "interface": 2,\n            "address": "10.22.0.2/16",\n            "gateway": "10.22.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "0.0.0.0/0"\n        }\n    ],\n    "dns": {}\n}');
    expect(n.sh('ls', '/var/lib/cni/networks/mynet')).toBe('10.22.0.2\nlast_reserved_ip.0\nlock\n');
    expect(n.cni('bridge', 'DEL', 'c1', c).exitCode).toBe(0);
    expect(n.sh('ls', '/var/lib/cni/networks/mynet')).toBe('last_reserved_ip.0\nlock\n');
  });
});
