import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../../src/commands/registry.js';
import { testHost } from '../testing/test-host.js';
import { portmapMain } from './main.js';

const ENV = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/c1', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };
const PREV = '{"cniVersion":"1.0.0","interfaces":[{"name":"cni0","mac":"aa:bb:cc:dd:ee:01"},{"name":"eth0","sandbox":"/var/run/netns/c1"}],"ips":[{"interface":1,"address":"10.22.0.2/16","gateway":"10.22.0.1"}],"dns":{}}';
const conf = (extra: string, prev = PREV) =>
  `{"cniVersion":"1.0.0","name":"mynet","type":"portmap","runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8081,"containerPort":81,"protocol":"udp","hostIP":"10.0.0.1"}]}${extra}${prev ? `,"prevResult":${prev}` : ''}}`;

function node() {
  const t = testHost();
  const save = () => {
    const ctx = { world: t.world, host: t.host, env: {}, fs: t.host.fs, cwd: '/', stdin: '', background: false, exec: () => ({ exitCode: 0, stdout: '', stderr: '' }), registerJob: () => undefined };
    return lookupCommand('iptables-save')!(['iptables-save', '-t', 'nat'], ctx).stdout.replace(/^#.*\n/gm, '');
  };
  return { ...t, save, pm: (cmd: string, stdin: string) => t.run(portmapMain, { ...ENV, CNI_COMMAND: cmd }, stdin) };
}

describe('portmap', () => {
  it('refuses to run unchained, with upstream text', () => {
    const r = node().pm('ADD', conf('', ''));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('{\n    "code": 999,\n    "msg": "must be called as chained plugin"\n}');
  });

  it('ADD builds the chains the real plugin builds (recorded from /usr/lib/cni/portmap v1.1.1), DEL removes the container chain', () => {
    const n = node();
    const r = n.pm('ADD', conf(''));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(PREV));
    expect(n.save()).toBe(
      [
        '*nat',
        ':PREROUTING ACCEPT [0:0]',
        ':INPUT ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        ':CNI-DN-f0bca4ac77cde1bf2f3da - [0:0]',
        ':CNI-HOSTPORT-DNAT - [0:0]',
        ':CNI-HOSTPORT-MASQ - [0:0]',
        ':CNI-HOSTPORT-SETMARK - [0:0]',
        '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
        '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
        '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -s 10.22.0.0/16 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.22.0.2:80',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -s 10.22.0.0/16 -d 10.0.0.1/32 -p udp -m udp --dport 8081 -j CNI-HOSTPORT-SETMARK',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -s 127.0.0.1/32 -d 10.0.0.1/32 -p udp -m udp --dport 8081 -j CNI-HOSTPORT-SETMARK',
        '-A CNI-DN-f0bca4ac77cde1bf2f3da -d 10.0.0.1/32 -p udp -m udp --dport 8081 -j DNAT --to-destination 10.22.0.2:81',
        '-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"mynet\\" id: \\"c1\\"" -m multiport --dports 8080 -j CNI-DN-f0bca4ac77cde1bf2f3da',
        '-A CNI-HOSTPORT-DNAT -p udp -m comment --comment "dnat name: \\"mynet\\" id: \\"c1\\"" -m multiport --dports 8081 -j CNI-DN-f0bca4ac77cde1bf2f3da',
        '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
        '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
        'COMMIT',
        '',
      ].join('\n'),
    );
    // A second ADD adds nothing twice.
    const before = n.save();
    expect(n.pm('ADD', conf('')).exitCode).toBe(0);
    expect(n.save()).toBe(before);
    const d = n.pm('DEL', conf(''));
    expect(d).toMatchObject({ exitCode: 0, stdout: '' });
    expect(n.save()).not.toContain('CNI-DN-');
    expect(n.save()).toContain(':CNI-HOSTPORT-DNAT - [0:0]');
    // DEL is idempotent.
    expect(n.pm('DEL', conf('')).exitCode).toBe(0);
  });

  it('checks options in upstream order with its messages', () => {
    const n = node();
    expect(n.pm('ADD', conf(',"markMasqBit":14,"externalSetMarkChain":"X"')).stdout).toContain('"failed to parse config: Cannot specify externalSetMarkChain and markMasqBit"');
    expect(n.pm('ADD', conf(',"markMasqBit":32')).stdout).toContain('"failed to parse config: MasqMarkBit must be between 0 and 31"');
    expect(n.pm('ADD', conf(',"snat":1')).stdout).toContain(
      'failed to parse network configuration: json: cannot unmarshal number into Go struct field PortMapConf.snat of type bool',
    );
    expect(n.pm('ADD', conf('', '{"cniVersion":"0.4.0"}')).stdout).toContain(
      'could not parse prevResult: could not parse prevResult: result type supports [1.0.0] but unmarshalled CNIVersion is \\"0.4.0\\"',
    );
  });

  it('snat false makes only the DNAT chains', () => {
    const n = node();
    expect(n.pm('ADD', conf(',"snat":false')).exitCode).toBe(0);
    expect(n.save()).not.toContain('SETMARK');
    expect(n.save()).toContain('-A CNI-DN-f0bca4ac77cde1bf2f3da -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.22.0.2:80\n');
  });

  it('ADD deletes stale UDP conntrack entries to a mapped host port, and only those', () => {
    const n = node();
    const nl = n.host.netlink();
    if (!nl.ok) throw new Error('no netlink');
    // nf_conntrack runs once xtables does (as on Linux once a NAT table is in use).
    nl.value.xtables?.();
    const ct = nl.value.conntrack?.();
    if (!ct) throw new Error('no conntrack');
    const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    const flow = (proto: number, dport: number) => ({
      orig: { src: ip(192, 0, 2, 9), dst: ip(10, 0, 0, 1), proto, sport: 40000, dport },
      reply: { src: ip(10, 0, 0, 1), dst: ip(192, 0, 2, 9), proto, sport: dport, dport: 40000 },
      timeoutSec: 30,
    });
    expect(ct.insert(flow(17, 8081))).toBe(true);
    expect(ct.insert(flow(17, 9999))).toBe(true);
    expect(ct.insert(flow(6, 8080))).toBe(true);
    expect(n.pm('ADD', conf('')).exitCode).toBe(0);
    expect(ct.entries().map((e) => `${e.orig.proto}/${e.orig.dport}`).sort()).toEqual(['17/9999', '6/8080']);
  });
});
