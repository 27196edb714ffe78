import { describe, expect, it } from 'vitest';
import { hostLocalMain } from './main.js';
import { testHost } from '../testing/test-host.js';

// Every expected text below was recorded from /usr/lib/cni/host-local (containernetworking-plugins
// 1.1.1) on Debian 12, run in an isolated host (unshare --net --mount --pid, tmpfs /var/lib/cni):
// ADD then DEL of container c1 on eth0 with each "ipam" section, in one shared store.

const goJson = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');

function run(ipam: string, opts: { version?: string; extra?: string; args?: string; command?: string; t?: ReturnType<typeof testHost> } = {}) {
  const t = opts.t ?? testHost();
  const conf = `{"cniVersion":"${opts.version ?? '1.0.0'}","name":"e","type":"host-local","ipam":${ipam}${opts.extra ?? ''}}`;
  return t.run(hostLocalMain, { CNI_COMMAND: opts.command ?? 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', ...(opts.args ? { CNI_ARGS: opts.args } : {}) }, conf);
}

/** [ipam section, the message both ADD and DEL fail with]. */
const REFUSED: [string, string][] = [
  ['{"type":"host-local"}', 'no IP ranges specified'],
  ['{"type":"host-local","ranges":[]}', 'no IP ranges specified'],
  ['null', "IPAM config missing 'ipam' key"],
  ['{"type":"host-local","subnet":"10.0.0.1/24"}', 'invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.0.0.0'],
  ['{"type":"host-local","subnet":"10.0.0.0/31"}', 'invalid range set 0: Network 10.0.0.0/31 too small to allocate from'],
  ['{"type":"host-local","subnet":"10.0.0.0/32"}', 'invalid range set 0: Network 10.0.0.0/32 too small to allocate from'],
  ['{"type":"host-local","subnet":"bad"}', 'invalid CIDR address: bad'],
  ['{"type":"host-local","subnet":""}', 'invalid CIDR address: '],
  ['{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.1.5"}', 'invalid range set 0: RangeStart 10.0.1.5 not in network 10.0.0.0/24'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","rangeEnd":"10.0.1.5"}', 'invalid range set 0: RangeEnd 10.0.1.5 not in network 10.0.0.0/24'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.9","rangeEnd":"10.0.0.3"}', 'invalid range set 0: RangeStart 10.0.0.9 not in network 10.0.0.0/24'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"x"}', 'invalid IP address: x'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"010.0.0.5"}', 'invalid IP address: 010.0.0.5'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","gateway":"10.0.0.1/24"}', 'invalid IP address: 10.0.0.1/24'],
  ['{"type":"host-local","ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.0/25"}]]}', 'range set 0 overlaps with 1'],
  ['{"type":"host-local","ranges":[[{"subnet":"10.0.0.0/24"},{"subnet":"10.0.0.0/25"}]]}', 'invalid range set 0: subnets 10.0.0.1-10.0.0.254 and 10.0.0.1-10.0.0.126 overlap'],
  ['{"type":"host-local","ranges":[[]]}', 'invalid range set 0: empty range set'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","routes":[{"dst":"bad"}]}', 'invalid CIDR address: bad'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","routes":[{"dst":"10.1.2.3/8","gw":"x"}]}', 'invalid IP address: x'],
  ['{"type":"host-local","subnet":5}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.subnet of type string'],
  ['{"type":"host-local","subnet":"10.0.0.0/24","dataDir":5}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.dataDir of type string'],
  ['"x"', 'json: cannot unmarshal string into Go struct field Net.ipam of type allocator.IPAMConfig'],
  ['{"subnet":"10.0.0.0/24","rangeStart":5}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.rangeStart of type net.IP'],
  ['{"ranges":[[{"subnet":5}]]}', 'json: cannot unmarshal number into Go struct field Range.ipam.ranges.subnet of type string'],
  ['{"ranges":[[{"subnet":"10.0.0.0/24","gateway":true}]]}', 'json: cannot unmarshal bool into Go struct field Range.ipam.ranges.gateway of type net.IP'],
  ['{"ranges":[{"subnet":"10.0.0.0/24"}]}', 'json: cannot unmarshal object into Go struct field IPAMConfig.ipam.ranges of type allocator.RangeSet'],
  ['{"ranges":"x"}', 'json: cannot unmarshal string into Go struct field IPAMConfig.ipam.ranges of type []allocator.RangeSet'],
  ['{"subnet":"10.0.0.0/24","routes":"x"}', 'json: cannot unmarshal string into Go struct field IPAMConfig.ipam.routes of type []*types.Route'],
  ['{"subnet":"10.0.0.0/24","routes":[{"dst":5}]}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.routes of type string'],
  ['{"subnet":"10.0.0.0/24","routes":[{"dst":"1.0.0.0/8","gw":5}]}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.routes of type net.IP'],
  ['{"subnet":"10.0.0.0/24","type":5}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.type of type string'],
  ['{"subnet":"10.0.0.0/24","resolvConf":5}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.resolvConf of type string'],
  ['{"subnet":5,"dataDir":6}', 'json: cannot unmarshal number into Go struct field IPAMConfig.ipam.subnet of type string'],
  // A bad address text stops the decode at once; a wrong JSON type is only remembered.
  ['{"subnet":"bad","dataDir":6}', 'invalid CIDR address: bad'],
  ['{"dataDir":6,"subnet":"bad"}', 'invalid CIDR address: bad'],
];

/** [extra top-level fields, message]. */
const REFUSED_TOP: [string, string][] = [
  [',"runtimeConfig":{"ips":[5]}', 'json: cannot unmarshal number into Go struct field .runtimeConfig.ips of type *ip.IP'],
  [',"runtimeConfig":{"ips":"x"}', 'json: cannot unmarshal string into Go struct field .runtimeConfig.ips of type []*ip.IP'],
  [',"args":{"cni":{"ips":[5]}}', 'json: cannot unmarshal number into Go struct field IPAMArgs.args.cni.ips of type *ip.IP'],
  [',"args":{"cni":5}', 'json: cannot unmarshal number into Go struct field .args.cni of type allocator.IPAMArgs'],
  [',"args":"x"', 'json: cannot unmarshal string into Go struct field Net.args of type struct { A *allocator.IPAMArgs "json:\\"cni\\"" }'],
  [
    ',"runtimeConfig":"x"',
    'json: cannot unmarshal string into Go struct field Net.runtimeConfig of type struct { IPRanges []allocator.RangeSet "json:\\"ipRanges,omitempty\\""; IPs []*ip.IP "json:\\"ips,omitempty\\"" }',
  ],
  [',"runtimeConfig":{"ipRanges":[[{"subnet":5}]]}', 'json: cannot unmarshal number into Go struct field Range.runtimeConfig.ipRanges.subnet of type string'],
];

describe('host-local configuration (as /usr/lib/cni/host-local v1.1.1)', () => {
  it.each(REFUSED)('refuses ipam %s', (ipam, msg) => {
    const t = testHost();
    const want = { exitCode: 1, stdout: `{\n    "code": 999,\n    "msg": ${goJson(msg)}\n}`, stderr: '' };
    expect(run(ipam, { t })).toEqual(want);
    expect(run(ipam, { t, command: 'DEL' })).toEqual(want);
    // Nothing was written: the configuration is refused before the store is opened.
    expect(t.host.fs.stat('/var/lib/cni/networks/e')).toBeUndefined();
  });
  it.each(REFUSED_TOP)('refuses %s', (extra, msg) => {
    expect(run('{"subnet":"10.0.0.0/24"}', { extra }).stdout).toBe(`{\n    "code": 999,\n    "msg": ${goJson(msg)}\n}`);
  });

  it('matches keys case-insensitively, as encoding/json does', () => {
    expect(JSON.parse(run('{"type":"host-local","Subnet":"10.0.0.0/24","RANGEEND":"10.0.0.3","rangeStart":"10.0.0.3"}').stdout).ips[0].address).toBe('10.0.0.3/24');
  });
  it('takes an empty rangeStart as none, a /024 prefix as /24, a /30 as two addresses', () => {
    expect(JSON.parse(run('{"subnet":"10.0.0.0/24","rangeStart":""}').stdout).ips[0].address).toBe('10.0.0.2/24');
    expect(JSON.parse(run('{"subnet":"10.0.0.0/024"}').stdout).ips[0].address).toBe('10.0.0.2/24');
    const t = testHost();
    expect(JSON.parse(run('{"subnet":"10.0.0.0/30"}', { t }).stdout).ips[0].address).toBe('10.0.0.2/30');
  });
  it('lets rangeStart be the network address and rangeEnd the broadcast address', () => {
    expect(JSON.parse(run('{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.255","rangeEnd":"10.0.0.255"}').stdout).ips[0].address).toBe('10.0.0.255/24');
    expect(JSON.parse(run('{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.0","rangeEnd":"10.0.0.0"}').stdout).ips[0].address).toBe('10.0.0.0/24');
  });
  it('uses a gateway given inside or outside the subnet; the default gateway .1 is only skipped when it is the gateway', () => {
    expect(JSON.parse(run('{"subnet":"10.0.0.0/24","gateway":"10.0.0.2","rangeEnd":"10.0.0.3"}').stdout).ips[0]).toEqual({ address: '10.0.0.1/24', gateway: '10.0.0.2' });
    expect(JSON.parse(run('{"subnet":"10.0.0.0/24","gateway":"10.9.9.9","rangeEnd":"10.0.0.3"}').stdout).ips[0]).toEqual({ address: '10.0.0.1/24', gateway: '10.9.9.9' });
  });
  it('prints a route without dst as "<nil>"', () => {
    expect(run('{"subnet":"10.0.0.0/24","routes":[{}]}').stdout).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "\\u003cnil\\u003e"\n        }\n    ],\n    "dns": {}\n}',
    );
  });
  it('puts runtimeConfig.ipRanges before the configured ranges (last_reserved_ip.N follows)', () => {
    const t = testHost();
    const r = run('{"subnet":"10.0.0.0/24"}', { t, extra: ',"runtimeConfig":{"ipRanges":[[{"subnet":"10.7.0.0/24"}]]}' });
    expect(r.stdout).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "10.7.0.2/24",\n            "gateway": "10.7.0.1"\n        },\n        {\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "dns": {}\n}',
    );
    expect(t.host.fs.read('/var/lib/cni/networks/e/last_reserved_ip.0')).toEqual({ ok: true, value: '10.7.0.2' });
    expect(t.host.fs.read('/var/lib/cni/networks/e/last_reserved_ip.1')).toEqual({ ok: true, value: '10.0.0.2' });
  });
  it('keeps its store under dataDir', () => {
    const t = testHost();
    run('{"subnet":"10.0.0.0/24","dataDir":"/tmp/hl/dd"}', { t });
    run('{"subnet":"10.0.0.0/24","dataDir":"/tmp/hl/dd"}', { t, command: 'DEL' });
    const l = t.host.fs.list('/tmp/hl/dd/e');
    expect(l.ok && l.value.map((e) => e.name).sort()).toEqual(['last_reserved_ip.0', 'lock']);
  });
  it('reads resolvConf on ADD only; a missing file fails ADD', () => {
    const t = testHost();
    expect(run('{"subnet":"10.0.0.0/24","resolvConf":"/nope"}', { t })).toEqual({ exitCode: 1, stdout: '{\n    "code": 999,\n    "msg": "open /nope: no such file or directory"\n}', stderr: '' });
    expect(run('{"subnet":"10.0.0.0/24","resolvConf":"/nope"}', { t, command: 'DEL' })).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
});

// Recorded with /tmp/hl/resolv.conf holding:
const RESOLV = '# c\nnameserver 1.1.1.1\nnameserver 8.8.8.8\n; x\nsearch a.com b.com\ndomain ex.com\noptions ndots:5 timeout:1\nnameserver\n';
const DNS = '"dns": {\n        "nameservers": [\n            "1.1.1.1",\n            "8.8.8.8"\n        ],\n        "domain": "ex.com",\n        "search": [\n            "a.com",\n            "b.com"\n        ],\n        "options": [\n            "ndots:5",\n            "timeout:1"\n        ]\n    }';
const ROUTES = '[\n        {\n            "dst": "0.0.0.0/0"\n        },\n        {\n            "dst": "192.168.0.0/16",\n            "gw": "10.0.0.254"\n        }\n    ]';
const ROUTES_020 = ROUTES.replace(/\n/g, '\n    ');

describe('host-local results per cniVersion (as /usr/lib/cni/host-local v1.1.1)', () => {
  const ipam = '{"type":"host-local","subnet":"10.0.0.0/24","routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.0.0.254"}],"resolvConf":"/tmp/hl/resolv.conf"}';
  const expected: Record<string, string> = {
    '0.1.0': `{\n    "cniVersion": "0.1.0",\n    "ip4": {\n        "ip": "10.0.0.2/24",\n        "gateway": "10.0.0.1",\n        "routes": ${ROUTES_020}\n    },\n    ${DNS}\n}`,
    '0.2.0': `{\n    "cniVersion": "0.2.0",\n    "ip4": {\n        "ip": "10.0.0.2/24",\n        "gateway": "10.0.0.1",\n        "routes": ${ROUTES_020}\n    },\n    ${DNS}\n}`,
    '0.3.0': `{\n    "cniVersion": "0.3.0",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "routes": ${ROUTES},\n    ${DNS}\n}`,
    '0.3.1': `{\n    "cniVersion": "0.3.1",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "routes": ${ROUTES},\n    ${DNS}\n}`,
    '0.4.0': `{\n    "cniVersion": "0.4.0",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "routes": ${ROUTES},\n    ${DNS}\n}`,
    '1.0.0': `{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "routes": ${ROUTES},\n    ${DNS}\n}`,
  };
  it.each(Object.keys(expected))('prints the %s shape', (version) => {
    const t = testHost();
    t.host.fs.mkdir('/tmp/hl', { recursive: true });
    t.host.fs.write('/tmp/hl/resolv.conf', RESOLV);
    expect(run(ipam, { t, version })).toEqual({ exitCode: 0, stdout: expected[version], stderr: '' });
  });
  it('gives one address per range set, in order', () => {
    const r = run('{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24","rangeStart":"10.1.0.10","rangeEnd":"10.1.0.11"},{"subnet":"10.2.0.0/24","gateway":"10.2.0.254"}],[{"subnet":"10.3.0.0/30"}]]}', { version: '0.3.1' });
    expect(r.stdout).toBe(
      '{\n    "cniVersion": "0.3.1",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.1.0.10/24",\n            "gateway": "10.1.0.1"\n        },\n        {\n            "version": "4",\n            "address": "10.3.0.2/30",\n            "gateway": "10.3.0.1"\n        }\n    ],\n    "dns": {}\n}',
    );
  });
  it('prints the 0.1.0 shape when the configuration names no cniVersion', () => {
    const t = testHost();
    const r = t.run(
      hostLocalMain,
      { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' },
      '{"name":"n","type":"host-local","ipam":{"type":"host-local","subnet":"10.0.0.0/29","routes":[{"dst":"0.0.0.0/0"}]}}',
    );
    expect(r.stdout).toBe('{\n    "cniVersion": "0.1.0",\n    "ip4": {\n        "ip": "10.0.0.2/29",\n        "gateway": "10.0.0.1",\n        "routes": [\n            {\n                "dst": "0.0.0.0/0"\n            }\n        ]\n    },\n    "dns": {}\n}');
  });
  it('refuses two range sets of one family before 0.3.0', () => {
    const ipam2 = '{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24"}],[{"subnet":"10.3.0.0/30"}]]}';
    for (const command of ['ADD', 'DEL']) {
      expect(run(ipam2, { version: '0.2.0', command }).stdout).toBe('{\n    "code": 999,\n    "msg": "CNI version 0.2.0 does not support more than 1 address per family"\n}');
    }
  });
});
