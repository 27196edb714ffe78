import { describe, expect, it } from 'vitest';
import { hostLocalMain } from './main.js';
import { testHost } from '../testing/test-host.js';

// Every expected text below was recorded from /usr/lib/cni/host-local (containernetworking-plugins
// 1.1.1) on Debian 12, run in an isolated host (unshare --net --mount --pid, tmpfs /var/lib/cni) with
// the same environment and configuration.

function node() {
  const t = testHost();
  const hl = (command: string, id: string, conf: string, args = '', ifname = 'eth0') =>
    t.run(hostLocalMain, { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: ifname, CNI_PATH: '/opt/cni/bin', ...(args ? { CNI_ARGS: args } : {}) }, conf);
  /** The store as `find DIR -type f` + cat shows it: path -> content. */
  const files = (dir = '/var/lib/cni/networks'): Record<string, string> => {
    const out: Record<string, string> = {};
    const visit = (d: string) => {
      const l = t.host.fs.list(d);
      if (!l.ok) return;
      for (const e of l.value) {
        if (e.type === 'dir') visit(`${d}/${e.name}`);
        else {
          const r = t.host.fs.read(`${d}/${e.name}`);
          out[`${d}/${e.name}`] = r.ok ? r.value : '?';
        }
      }
    };
    visit(dir);
    return out;
  };
  return { ...t, hl, files };
}

const conf = (ipam: string, version = '1.0.0', name = 'n', extra = '') => `{"cniVersion":"${version}","name":"${name}","type":"host-local","ipam":${ipam}${extra}}`;
const failure = (msg: string) => ({ exitCode: 1, stdout: `{\n    "code": 999,\n    "msg": ${JSON.stringify(msg).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")}\n}`, stderr: "" });
/** The 1.0.0 result for one address and no routes or DNS. */
const one = (address: string, gateway: string) =>
  `{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "${address}",\n            "gateway": "${gateway}"\n        }\n    ],\n    "dns": {}\n}`;

describe('host-local store and allocation order (as /usr/lib/cni/host-local v1.1.1)', () => {
  it('ADD writes DATADIR/NAME/<ip> = "ID\\r\\nIFNAME", last_reserved_ip.0 and an empty lock, prints the result without a newline', () => {
    const n = node();
    const r = n.hl('ADD', 'c1', conf('{"type":"host-local","subnet":"10.22.0.0/29","routes":[{"dst":"0.0.0.0/0"}]}', '1.0.0', 'mynet'));
    expect(r).toEqual({
      exitCode: 0,
      stdout: '{\n    "cniVersion": "1.0.0",\n    "ips": [\n        {\n            "address": "10.22.0.2/29",\n            "gateway": "10.22.0.1"\n        }\n    ],\n    "routes": [\n        {\n            "dst": "0.0.0.0/0"\n        }\n    ],\n    "dns": {}\n}',
      stderr: '',
    });
    expect(n.files()).toEqual({
      '/var/lib/cni/networks/mynet/lock': '',
      '/var/lib/cni/networks/mynet/10.22.0.2': 'c1\r\neth0',
      '/var/lib/cni/networks/mynet/last_reserved_ip.0': '10.22.0.2',
    });
  });

  it('hands out .2 to .6 of a /29, then reports the range set exhausted; DEL frees; allocation goes on after the last reserved', () => {
    const n = node();
    const C = conf('{"type":"host-local","subnet":"10.0.0.0/29"}');
    for (let i = 1; i <= 5; i++) expect(n.hl('ADD', `c${i}`, C).stdout).toBe(one(`10.0.0.${i + 1}/29`, '10.0.0.1'));
    const exhausted = failure('failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.6');
    expect(n.hl('ADD', 'c6', C)).toEqual(exhausted);
    expect(n.hl('ADD', 'c7', C)).toEqual(exhausted);
    expect(n.hl('DEL', 'c3', C)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.hl('DEL', 'c3', C)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.hl('ADD', 'c8', C).stdout).toBe(one('10.0.0.4/29', '10.0.0.1'));
    expect(n.hl('ADD', 'c9', C)).toEqual(exhausted);
    // The same container and interface again: refused; another interface of it: a new address (none left here).
    expect(n.hl('ADD', 'c1', C)).toEqual(failure('failed to allocate for range 0: 10.0.0.2 has been allocated to c1, duplicate allocation is not allowed'));
    expect(n.hl('ADD', 'c1', C, '', 'eth1')).toEqual(exhausted);
  });

  it('CHECK finds an allocation of the container and interface', () => {
    const n = node();
    const C = conf('{"type":"host-local","subnet":"10.0.0.0/29"}');
    n.hl('ADD', 'c1', C);
    expect(n.hl('CHECK', 'c1', C)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(n.hl('CHECK', 'c1', C, '', 'eth5')).toEqual(failure('host-local: Failed to find address added by container c1'));
    expect(n.hl('CHECK', 'zz', C)).toEqual(failure('host-local: Failed to find address added by container zz'));
  });

  it('wraps around after the end of the range and skips the gateway', () => {
    const n = node();
    const C = conf('{"type":"host-local","subnet":"10.0.0.0/29","gateway":"10.0.0.3"}');
    const got = [] as string[];
    for (let i = 1; i <= 5; i++) got.push(JSON.parse(n.hl('ADD', `c${i}`, C).stdout).ips[0].address);
    expect(got).toEqual(['10.0.0.1/29', '10.0.0.2/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
    n.hl('DEL', 'c2', C);
    n.hl('DEL', 'c4', C);
    expect(JSON.parse(n.hl('ADD', 'x', C).stdout).ips[0].address).toBe('10.0.0.2/29');
    expect(JSON.parse(n.hl('ADD', 'y', C).stdout).ips[0].address).toBe('10.0.0.5/29');
  });
});

describe('host-local requested addresses', () => {
  const C = conf('{"type":"host-local","subnet":"10.0.0.0/29"}');
  function full() {
    const n = node();
    for (let i = 1; i <= 5; i++) n.hl('ADD', `c${i}`, C);
    n.hl('DEL', 'c1', C);
    return n;
  }
  it('CNI_ARGS IP= takes that address if free, never the gateway', () => {
    const n = full();
    expect(n.hl('ADD', 'x', C, 'IP=10.0.0.2').stdout).toBe(one('10.0.0.2/29', '10.0.0.1'));
    expect(n.hl('ADD', 'y', C, 'IP=10.0.0.2')).toEqual(failure('failed to allocate for range 0: requested IP address 10.0.0.2 is not available in range set 10.0.0.1-10.0.0.6'));
    expect(n.hl('ADD', 'y', C, 'IP=10.0.0.1')).toEqual(failure("failed to allocate for range 0: requested ip 10.0.0.1 is subnet's gateway"));
    // Outside every range set: ordinary allocation (here: none left).
    expect(n.hl('ADD', 'y', C, 'IP=10.0.0.9')).toEqual(failure('failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.6'));
    expect(n.files()['/var/lib/cni/networks/n/last_reserved_ip.0']).toBe('10.0.0.2');
  });
  it('parses CNI_ARGS as types.LoadArgs does', () => {
    const n = full();
    expect(n.hl('ADD', 'y', C, 'IP=10.0.0.5;K8S_POD_NAME=a')).toEqual(failure('ARGS: unknown args ["K8S_POD_NAME=a"]'));
    expect(n.hl('ADD', 'y', C, 'IgnoreUnknown=1;IP=10.0.0.5;K8S_POD_NAME=a')).toEqual(failure('failed to allocate for range 0: requested IP address 10.0.0.5 is not available in range set 10.0.0.1-10.0.0.6'));
    expect(n.hl('ADD', 'y', C, 'IgnoreUnknown=yes')).toEqual(failure('ARGS: error parsing value of pair "IgnoreUnknown=yes": boolean unmarshal error: invalid input yes'));
    expect(n.hl('ADD', 'y', C, 'IP=bad')).toEqual(failure('ARGS: error parsing value of pair "IP=bad": invalid IP address bad'));
    expect(n.hl('ADD', 'y', C, 'IP')).toEqual(failure('ARGS: invalid pair "IP"'));
    expect(n.hl('ADD', 'y', C, 'ip=10.0.0.3')).toEqual(failure('ARGS: unknown args ["ip=10.0.0.3"]'));
    expect(n.hl('ADD', 'y', C, 'IP=10.0.0.3/8')).toEqual(failure('failed to allocate for range 0: requested IP address 10.0.0.3 is not available in range set 10.0.0.1-10.0.0.6'));
    expect(n.hl('ADD', 'y', C, 'IgnoreUnknown=1;a=b=c')).toEqual(failure('ARGS: invalid pair "a=b=c"'));
    expect(n.hl('ADD', 'y', C, 'IgnoreUnknown=1;;')).toEqual(failure('ARGS: invalid pair ""'));
    expect(n.hl('ADD', 'y', C, 'A=1;B=2')).toEqual(failure('ARGS: unknown args ["A=1" "B=2"]'));
    expect(n.hl('ADD', 'y', C, 'CommonArgs=1')).toEqual(failure("ARGS: cannot unmarshal into field 'CommonArgs' - type '*types.CommonArgs' does not implement encoding.TextUnmarshaler"));
  });
  it('takes requests from CNI_ARGS, args.cni.ips and runtimeConfig.ips; unmet ones fail the ADD and are released', () => {
    const n = node();
    const E = (extra: string) => conf('{"subnet":"10.0.0.0/24"}', '1.0.0', 'e', extra);
    expect(n.hl('ADD', 'c1', E(',"runtimeConfig":{"ips":["10.0.0.7/24"]}')).stdout).toBe(one('10.0.0.7/24', '10.0.0.1'));
    expect(n.hl('ADD', 'c2', E(',"args":{"cni":{"ips":["10.0.0.8"]}}')).stdout).toBe(one('10.0.0.8/24', '10.0.0.1'));
    expect(n.hl('ADD', 'c3', E(',"args":{"cni":{"ips":["10.0.0.9","10.0.0.10"]}}'))).toEqual(failure('failed to allocate all requested IPs: 10.0.0.10'));
    expect(n.hl('ADD', 'c4', E(''), 'IP=10.5.0.1')).toEqual(failure('failed to allocate all requested IPs: 10.5.0.1'));
    expect(n.hl('ADD', 'c5', E(',"runtimeConfig":{"ips":["bad"]}'))).toEqual(failure('invalid IP address bad'));
    expect(n.hl('ADD', 'c6', E(',"runtimeConfig":{"ips":["::ffff:10.0.0.9"]}')).stdout).toBe(one('10.0.0.9/24', '10.0.0.1'));
    expect(n.hl('ADD', 'c7', E(',"runtimeConfig":{"ips":[""]}'))).toEqual(failure('cannot understand ip: IP <nil> not v4 nor v6'));
    expect(n.hl('ADD', 'c8', E(',"args":{"cni":{"ips":["10.0.0.6/33"]}}'))).toEqual(failure('invalid IP address 10.0.0.6/33'));
    // The failed ADDs left no address file behind; last_reserved_ip still moved.
    expect(n.files()).toEqual({
      '/var/lib/cni/networks/e/lock': '',
      '/var/lib/cni/networks/e/10.0.0.7': 'c1\r\neth0',
      '/var/lib/cni/networks/e/10.0.0.8': 'c2\r\neth0',
      '/var/lib/cni/networks/e/10.0.0.9': 'c6\r\neth0',
      '/var/lib/cni/networks/e/last_reserved_ip.0': '10.0.0.9',
    });
  });
  it('a null entry in an IP list crashes the Go plugin (exit 2, panic on stderr)', () => {
    const n = node();
    const r = n.hl('ADD', 'c1', conf('{"subnet":"10.0.0.0/24"}', '1.0.0', 'e', ',"runtimeConfig":{"ips":[null]}'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
  });
});

describe('host-local and files it did not write (as /usr/lib/cni/host-local v1.1.1)', () => {
  it('treats a file holding just the container id (older versions) as that container\'s, and walks subfolders', () => {
    const n = node();
    const C = conf('{"type":"host-local","subnet":"10.0.0.0/29"}');
    n.hl('ADD', 'c1', C);
    n.host.fs.write('/var/lib/cni/networks/n/10.0.0.5', 'old');
    n.host.fs.write('/var/lib/cni/networks/n/10.0.0.6', '  old2\n');
    expect(n.hl('CHECK', 'old', C).exitCode).toBe(0);
    expect(n.hl('CHECK', 'old2', C, '', 'eth9').exitCode).toBe(0);
    expect(n.hl('ADD', 'old', C)).toEqual(failure('failed to allocate for range 0: 10.0.0.5 has been allocated to old, duplicate allocation is not allowed'));
    expect(n.hl('ADD', 'old2', C)).toEqual(failure('failed to allocate for range 0: 10.0.0.6 has been allocated to old2, duplicate allocation is not allowed'));
    expect(n.hl('DEL', 'old', C).exitCode).toBe(0);
    // A container id that reads as an address: last_reserved_ip.0 matches it "by id" but is no address.
    expect(n.hl('ADD', '10.0.0.2', C).stdout).toBe(one('10.0.0.3/29', '10.0.0.1'));
    // ... and a DEL of an id equal to the last reserved address removes last_reserved_ip.0 itself.
    expect(n.hl('DEL', '10.0.0.3', C, '', 'eth7').exitCode).toBe(0);
    expect(n.files()).toEqual({
      '/var/lib/cni/networks/n/lock': '',
      '/var/lib/cni/networks/n/10.0.0.2': 'c1\r\neth0',
      '/var/lib/cni/networks/n/10.0.0.3': '10.0.0.2\r\neth0',
      '/var/lib/cni/networks/n/10.0.0.6': '  old2\n',
    });
    // Unreadable last_reserved_ip: start from the beginning.
    n.host.fs.write('/var/lib/cni/networks/n/last_reserved_ip.0', 'garbage');
    expect(n.hl('ADD', 'z', C).stdout).toBe(one('10.0.0.4/29', '10.0.0.1'));
    n.host.fs.mkdir('/var/lib/cni/networks/n/sub');
    n.host.fs.write('/var/lib/cni/networks/n/sub/x', 'c1\r\neth0');
    expect(n.hl('DEL', 'c1', C).exitCode).toBe(0);
    expect(n.files()).toEqual({
      '/var/lib/cni/networks/n/lock': '',
      '/var/lib/cni/networks/n/10.0.0.3': '10.0.0.2\r\neth0',
      '/var/lib/cni/networks/n/10.0.0.4': 'z\r\neth0',
      '/var/lib/cni/networks/n/10.0.0.6': '  old2\n',
      '/var/lib/cni/networks/n/last_reserved_ip.0': '10.0.0.4',
    });
  });
});
