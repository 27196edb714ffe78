/**
 * podnet's cnitool + libcni + plugins against the real ones: every expected text below was printed
 * by cnitool built from libcni v1.1.2 (Debian 12's golang-github-appc-cni-dev, Go 1.19) driving the
 * reference plugins v1.1.1 (/usr/lib/cni) in an isolated network+mount namespace, with the same
 * net.d files and the same small shell-script plugins. Where libcni v1.2 (which podnet follows for
 * spec 1.1.0) differs from v1.1.2 the test says so (the cache's "netns" field, the usage text).
 */
import { describe, expect, it } from 'vitest';
import '../../cni-plugins/index.js';
import { createWorld } from '../../src/world/world.js';
import type { ExecContext } from '../../src/commands/types.js';
import { execArgv } from '../../src/commands/shell/run.js';
import { lookupCommand } from '../../src/commands/registry.js';
import { runCnitool } from '../../src/cni/cnitool.js';

const SCRIPTS: Record<string, string> = {
  garbage: '#!/bin/sh\necho garbage\n',
  oops: '#!/bin/sh\necho oops\nexit 1\n',
  crash: '#!/bin/sh\necho boom >&2\nexit 2\n',
  silent: '#!/bin/sh\nexit 3\n',
  binary: '\x7fELF\0\0',
  nover: '#!/bin/sh\nprintf \'{"ips":[{"version":"4","address":"10.1.0.5/16"}]}\'\nexit 0\n',
};

function host(confs: [string, string][]): ExecContext {
  const world = createWorld({ seed: 1 });
  const h = world.addHost('node');
  const root = h.netlink();
  if (root.ok) root.value.linkSet('lo', { up: true });
  h.netnsAdd('c1');
  for (const [name, text] of Object.entries(SCRIPTS)) h.fs.write(`/opt/cni/bin/${name}`, text);
  h.fs.mkdir('/etc/cni/net.d', { recursive: true });
  for (const [name, text] of confs) h.fs.write(`/etc/cni/net.d/${name}`, text);
  return { world, host: h, env: { CNI_PATH: '/opt/cni/bin' }, fs: h.fs, cwd: '/', stdin: '', background: false, exec: (argv, c) => execArgv(argv, c, lookupCommand), registerJob: () => undefined };
}

const list = (name: string, type: string, version = '0.4.0'): string => `{"cniVersion":"${version}","name":"${name}","plugins":[{"type":"${type}"}]}`;
const CONFS: [string, string][] = [
  ...['garbage', 'oops', 'crash', 'silent', 'binary', 'nover', 'nothere'].map((t, i): [string, string] => [`0${i + 1}-${t}.conflist`, list(t, t)]),
  ['09-lo.conflist', list('lo', 'loopback', '1.0.0')],
  ['10-v2.conflist', list('v2', 'loopback', '2.0.0')],
  ['11-v11.conflist', list('v11', 'loopback', '1.1.0')],
  ['12-old.conflist', list('old', 'loopback', '0.3.1')],
];

const LO_RESULT = `{
    "cniVersion": "1.0.0",
    "interfaces": [
        {
            "name": "lo",
            "mac": "00:00:00:00:00:00",
            "sandbox": "/var/run/netns/c1"
        }
    ],
    "ips": [
        {
            "interface": 0,
            "address": "127.0.0.1/8"
        },
        {
            "interface": 0,
            "address": "::1/128"
        }
    ],
    "dns": {}
}`;

// [env, args, exit status, stdout, stderr] as the real cnitool printed them.
const CASES: [Record<string, string>, string[], number, string, string][] = [
  [{}, ['add', 'garbage'], 1, '', `plugin type="garbage" failed (add): failed to unmarshal raw result: invalid character 'g' looking for beginning of value\n`],
  [{}, ['add', 'oops'], 1, '', `plugin type="oops" failed (add): netplugin failed but error parsing its diagnostic message "oops\\n": invalid character 'o' looking for beginning of value\n`],
  [{}, ['add', 'crash'], 1, '', 'plugin type="crash" failed (add): netplugin failed: "boom\\n"\n'],
  [{}, ['add', 'silent'], 1, '', 'plugin type="silent" failed (add): netplugin failed with no error message: exit status 3\n'],
  [{}, ['add', 'binary'], 1, '', 'plugin type="binary" failed (add): netplugin failed with no error message: fork/exec /opt/cni/bin/binary: exec format error\n'],
  [{}, ['add', 'nover'], 0, '{\n    "cniVersion": "0.4.0",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.1.0.5/16"\n        }\n    ],\n    "dns": {}\n}', ''],
  [{}, ['add', 'nothere'], 1, '', 'plugin type="nothere" failed (add): failed to find plugin "nothere" in path [/opt/cni/bin]\n'],
  [{}, ['add', 'lo'], 0, LO_RESULT, ''],
  [{ CNI_IFNAME: 'eth0123456789abcd' }, ['add', 'lo'], 1, '', 'plugin type="loopback" failed (add): interface name is too long; interface name should be less than 16 characters\n'],
  [{ CNI_IFNAME: '' }, ['add', 'lo'], 1, '', 'plugin type="loopback" failed (add): interface name is empty\n'],
  [{ CNI_ARGS: 'A=1;B' }, ['add', 'lo'], 1, '', 'invalid CNI_ARGS pair "B"\n'],
  [{ CAP_ARGS: '{x}' }, ['add', 'lo'], 1, '', "invalid character 'x' looking for beginning of object key string\n"],
  [{ CAP_ARGS: '[]' }, ['add', 'lo'], 1, '', 'json: cannot unmarshal array into Go value of type map[string]interface {}\n'],
  [{ CNI_PATH: '/nowhere:/x' }, ['add', 'lo'], 1, '', 'plugin type="loopback" failed (add): failed to find plugin "loopback" in path [/nowhere /x]\n'],
  [{ CNI_PATH: '' }, ['add', 'lo'], 1, '', 'plugin type="loopback" failed (add): no paths provided\n'],
  [{}, ['add', 'v2'], 1, '', 'plugin type="loopback" failed (add): incompatible CNI versions; config is "2.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0" "1.0.0"]\n'],
  [{}, ['add', 'v11'], 1, '', 'plugin type="loopback" failed (add): incompatible CNI versions; config is "1.1.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0" "1.0.0"]\n'],
  [{}, ['check', 'old'], 1, '', 'configuration version "0.3.1" does not support the CHECK command\n'],
  [{}, ['add', 'zzz'], 1, '', 'no net configuration with name "zzz" in /etc/cni/net.d\n'],
  [{}, ['add', 'lo', '/var/run/netns/none'], 1, '', 'plugin type="loopback" failed (add): failed to Statfs "/var/run/netns/none": no such file or directory\n'],
  [{}, ['frob', 'lo'], 0, '', ''],
  [{}, ['del', 'lo', '/var/run/netns/none'], 0, '', ''],
];

describe('podnet cnitool against cnitool (libcni v1.1.2) and the reference plugins v1.1.1', () => {
  for (const [env, args, code, stdout, stderr] of CASES) {
    it(`${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}cnitool ${args.join(' ')}`, () => {
      const ctx = host(CONFS);
      const argv = ['cnitool', ...args, ...(args.length < 3 ? ['/var/run/netns/c1'] : [])];
      expect(runCnitool(argv, { ...ctx, env: { ...ctx.env, ...env } })).toEqual({ exitCode: code, stdout, stderr });
    });
  }

  it('stops at a broken file before the network\'s own, and knows an empty or missing folder', () => {
    expect(runCnitool(['cnitool', 'add', 'lo', '/var/run/netns/c1'], host([...CONFS, ['00-bad.conflist', '{"name":"x",}']])).stderr).toBe(
      "error parsing configuration list: invalid character '}' looking for beginning of object key string\n",
    );
    expect(runCnitool(['cnitool', 'add', 'lo', '/var/run/netns/c1'], host([])).stderr).toBe('no net configurations found in /etc/cni/net.d\n');
    const ctx = host([]);
    expect(runCnitool(['cnitool', 'add', 'lo', '/var/run/netns/c1'], { ...ctx, env: { ...ctx.env, NETCONFPATH: '/nowhere' } }).stderr).toBe('no net configurations found in /nowhere\n');
  });

  it('up-converts a .conf (a .conflist of another name beside it) and caches exactly what libcni caches', () => {
    const ctx = host([['1.conf', '{"cniVersion":"0.4.0","name":"one","type":"loopback"}'], ['15-z.conflist', list('zl', 'loopback')]]);
    const r = runCnitool(['cnitool', 'add', 'one', '/var/run/netns/c1'], ctx);
    // The reference loopback's 0.4.0 result has no per-IP "version"; libcni keeps it as "".
    expect(r.stdout).toBe(
      '{\n    "cniVersion": "0.4.0",\n    "interfaces": [\n        {\n            "name": "lo",\n            "mac": "00:00:00:00:00:00",\n            "sandbox": "/var/run/netns/c1"\n        }\n    ],\n    "ips": [\n        {\n            "version": "",\n            "interface": 0,\n            "address": "127.0.0.1/8"\n        },\n        {\n            "version": "",\n            "interface": 0,\n            "address": "::1/128"\n        }\n    ],\n    "dns": {}\n}',
    );
    const real =
      '{"kind":"cniCacheV1","containerId":"cnitool-357cc6fe9c6932998a39","config":"eyJjbmlWZXJzaW9uIjoiMC40LjAiLCJuYW1lIjoib25lIiwicGx1Z2lucyI6W3siY25pVmVyc2lvbiI6IjAuNC4wIiwibmFtZSI6Im9uZSIsInR5cGUiOiJsb29wYmFjayJ9XX0=","ifName":"eth0","networkName":"one","result":{"cniVersion":"0.4.0","dns":{},"interfaces":[{"mac":"00:00:00:00:00:00","name":"lo","sandbox":"/var/run/netns/c1"}],"ips":[{"address":"127.0.0.1/8","interface":0,"version":""},{"address":"::1/128","interface":0,"version":""}]}}';
    // libcni v1.2 also records the netns (GC needs it to DEL a stale attachment).
    const v12 = real.replace('"networkName":"one",', '"networkName":"one","netns":"/var/run/netns/c1",');
    expect(ctx.fs.read('/var/lib/cni/results/one-cnitool-357cc6fe9c6932998a39-eth0')).toEqual({ ok: true, value: v12 });
  });
});
