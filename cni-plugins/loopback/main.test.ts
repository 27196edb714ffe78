import { describe, expect, it } from 'vitest';
import { loopbackMain } from './main.js';
import { testHost } from '../testing/test-host.js';

// Every expected text below was recorded from /usr/lib/cni/loopback (containernetworking-plugins
// 1.1.1) on Debian 12, run in an isolated host (unshare --net --mount --pid) with `ip netns add c1`.

const env = (command: string, netns = '/var/run/netns/c1') => ({ CNI_COMMAND: command, CNI_CONTAINERID: 'c1', CNI_NETNS: netns, CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' });
const conf = (v: string, extra = '') => `{"cniVersion":"${v}","name":"lo","type":"loopback"${extra}}`;

function node() {
  const t = testHost();
  t.host.netnsAdd('c1');
  const nl = t.host.netlink('c1');
  if (!nl.ok) throw new Error('no netns');
  return { ...t, nl: nl.value, lo: (args: string[], stdin: string) => t.run(loopbackMain, env(args[0]!, args[1]), stdin) };
}

const result = (v: string, sandbox = '/var/run/netns/c1') =>
  `{\n    "cniVersion": "${v}",\n    "interfaces": [\n        {\n            "name": "lo",\n            "mac": "00:00:00:00:00:00",\n            "sandbox": "${sandbox}"\n        }\n    ],\n    "ips": [\n        {\n            "interface": 0,\n            "address": "127.0.0.1/8"\n        },\n        {\n            "interface": 0,\n            "address": "::1/128"\n        }\n    ],\n    "dns": {}\n}`;

describe('loopback (as /usr/lib/cni/loopback v1.1.1)', () => {
  it('ADD brings lo up and prints the 1.x shape with the configuration\'s version, for every version', () => {
    for (const v of ['0.1.0', '0.2.0', '0.3.1', '0.4.0', '1.0.0']) {
      const n = node();
      expect(n.nl.linkGet('lo')!.flags).not.toContain('UP');
      expect(n.lo(['ADD'], conf(v))).toEqual({ exitCode: 0, stdout: result(v), stderr: '' });
      expect(n.nl.linkGet('lo')!.flags).toContain('UP');
    }
  });
  it('works on lo whatever CNI_IFNAME says, and echoes CNI_NETNS as the sandbox', () => {
    const n = node();
    expect(n.run(loopbackMain, { ...env('ADD', '/run/netns/c1'), CNI_IFNAME: 'lo' }, conf('1.0.0')).stdout).toBe(result('1.0.0', '/run/netns/c1'));
  });
  it('DEL sets lo down; CHECK (0.4.0+) wants it up', () => {
    const n = node();
    n.lo(['ADD'], conf('0.4.0'));
    expect(n.lo(['CHECK'], conf('0.4.0'))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.lo(['DEL'], conf('0.4.0'))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.nl.linkGet('lo')!.flags).not.toContain('UP');
    expect(n.lo(['CHECK'], conf('0.4.0'))).toEqual({ exitCode: 1, stdout: '{\n    "code": 999,\n    "msg": "loopback interface is down"\n}', stderr: '' });
    expect(n.lo(['CHECK'], conf('0.3.1')).stdout).toBe('{\n    "code": 1,\n    "msg": "config version does not allow CHECK"\n}');
  });
  it('a missing namespace fails ADD and CHECK, but not DEL', () => {
    const n = node();
    const missing = '{\n    "code": 999,\n    "msg": "failed to Statfs \\"/var/run/netns/nope\\": no such file or directory"\n}';
    expect(n.lo(['ADD', '/var/run/netns/nope'], conf('1.0.0'))).toEqual({ exitCode: 1, stdout: missing, stderr: '' });
    expect(n.lo(['CHECK', '/var/run/netns/nope'], conf('1.0.0'))).toEqual({ exitCode: 1, stdout: missing, stderr: '' });
    expect(n.lo(['DEL', '/var/run/netns/nope'], conf('1.0.0'))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });
  it('refuses a non-loopback address on lo', () => {
    const n = node();
    n.nl.addrAdd({ dev: 'lo', local: '10.9.9.9', prefixLen: 8 });
    expect(n.lo(['ADD'], conf('1.0.0')).stdout).toBe('{\n    "code": 999,\n    "msg": "loopback interface found with non-loopback address \\"10.9.9.9\\""\n}');
  });
  it('passes a prevResult through unchanged, in its own version\'s shape', () => {
    const n = node();
    const prev100 = ',"prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.0.0.2/24","interface":0}],"dns":{}}';
    expect(n.lo(['ADD'], conf('1.0.0', prev100)).stdout).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "eth0"\n        }\n    ],\n    "ips": [\n        {\n            "interface": 0,\n            "address": "10.0.0.2/24"\n        }\n    ],\n    "dns": {}\n}',
    );
    const prev031 = ',"prevResult":{"cniVersion":"0.3.1","interfaces":[{"name":"eth0"}],"ips":[{"version":"4","address":"10.0.0.2/24","interface":0}],"dns":{}}';
    expect(n.lo(['ADD'], conf('0.3.1', prev031)).stdout).toBe(
      '{\n    "cniVersion": "0.3.1",\n    "interfaces": [\n        {\n            "name": "eth0"\n        }\n    ],\n    "ips": [\n        {\n            "version": "4",\n            "interface": 0,\n            "address": "10.0.0.2/24"\n        }\n    ],\n    "dns": {}\n}',
    );
  });
  it('refuses a prevResult of another version or of the wrong JSON type', () => {
    const n = node();
    expect(n.lo(['ADD'], conf('1.0.0', ',"prevResult":{"cniVersion":"0.3.1","interfaces":[{"name":"eth0"}],"ips":[{"version":"4","address":"10.0.0.2/24","interface":0}],"dns":{}}')).stdout).toBe(
      '{\n    "code": 999,\n    "msg": "failed to parse prevResult: could not parse prevResult: result type supports [1.0.0] but unmarshalled CNIVersion is \\"0.3.1\\""\n}',
    );
    expect(n.lo(['ADD'], conf('1.0.0', ',"prevResult":{"cniVersion":"9.9.9"}')).stdout).toContain('result type supports [1.0.0] but unmarshalled CNIVersion is \\"9.9.9\\"');
    expect(n.lo(['ADD'], conf('1.0.0', ',"prevResult":"x"')).stdout).toBe(
      '{\n    "code": 999,\n    "msg": "failed to parse network config: json: cannot unmarshal string into Go struct field NetConf.prevResult of type map[string]interface {}"\n}',
    );
  });
  it('without a cniVersion prints the 0.1.0 shape (the result is converted from 1.0.0)', () => {
    const want = '{\n    "cniVersion": "0.1.0",\n    "ip4": {\n        "ip": "127.0.0.1/8"\n    },\n    "ip6": {\n        "ip": "::1/128"\n    },\n    "dns": {}\n}';
    expect(node().lo(['ADD'], '{"name":"lo","type":"loopback"}')).toEqual({ exitCode: 0, stdout: want, stderr: '' });
    expect(node().lo(['ADD'], '{"cniVersion":"","name":"lo","type":"loopback"}')).toEqual({ exitCode: 0, stdout: want, stderr: '' });
  });
});
