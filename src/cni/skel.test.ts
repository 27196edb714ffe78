import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import type { ExecContext } from '../commands/types.js';
import { pluginMain, cniError } from './skel.js';
import { REFERENCE_PLUGIN_VERSIONS } from './version.js';

// Expected texts were recorded from Debian 12's /usr/lib/cni/bridge (containernetworking-plugins 1.1.1).
const demo = pluginMain(
  {
    add: (a) => ({ ok: true, value: { cniVersion: '1.0.0', interfaces: [{ name: a.ifName, sandbox: a.netns }], dns: {} } }),
    check: () => ({ ok: true, value: undefined }),
    del: () => cniError(999, 'boom'),
  },
  { about: 'CNI demo plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS },
);

function run(env: Record<string, string>, stdin: string): { exitCode: number; stdout: string; stderr: string } {
  const world = createWorld({ seed: 1 });
  const host = world.addHost('node');
  const ctx: ExecContext = { world, host, env, fs: host.fs, cwd: '/', stdin, background: false, exec: () => ({ exitCode: 127, stdout: '', stderr: '' }), registerJob: () => undefined };
  return demo(['demo'], ctx);
}

const FULL = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };
const CONF = '{"cniVersion":"1.0.0","name":"n","type":"demo"}';

describe('skel (as the reference plugins v1.1.1 behave)', () => {
  it('prints the about text without CNI_COMMAND and exits 0', () => {
    const r = run({}, '');
    expect(r).toEqual({ exitCode: 0, stdout: '', stderr: 'CNI demo plugin version unknown\nCNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0\n' });
  });
  it('answers VERSION compactly with a newline', () => {
    expect(run({ CNI_COMMAND: 'VERSION' }, '').stdout).toBe('{"cniVersion":"1.0.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0"]}\n');
  });
  it('lists the missing variables per command, in skel order', () => {
    expect(run({ CNI_COMMAND: 'ADD' }, '')).toEqual({ exitCode: 1, stdout: '{\n    "code": 4,\n    "msg": "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing"\n}', stderr: '' });
    expect(run({ CNI_COMMAND: 'DEL' }, '').stdout).toContain('[CNI_CONTAINERID,CNI_IFNAME,CNI_PATH]');
  });
  it('refuses bad configurations before anything else', () => {
    expect(run({ CNI_COMMAND: 'ADD', ...FULL }, '').stdout).toBe('{\n    "code": 6,\n    "msg": "error unmarshall network config: unexpected end of JSON input"\n}');
    expect(run({ CNI_COMMAND: 'ADD', ...FULL }, 'garbage').stdout).toContain(`invalid character 'g' looking for beginning of value`);
    expect(run({ CNI_COMMAND: 'ADD', ...FULL }, '{}').stdout).toContain('"missing network name"');
    expect(run({ CNI_COMMAND: 'GC', ...FULL }, CONF).stdout).toContain('"unknown CNI_COMMAND: GC"');
  });
  it('refuses versions it does not speak, and CHECK before 0.4.0', () => {
    const r = run({ CNI_COMMAND: 'ADD', ...FULL }, '{"cniVersion":"1.1.0","name":"n","type":"demo"}');
    expect(r.stdout).toBe('{\n    "code": 1,\n    "msg": "incompatible CNI versions",\n    "details": "config is \\"1.1.0\\", plugin supports [\\"0.1.0\\" \\"0.2.0\\" \\"0.3.0\\" \\"0.3.1\\" \\"0.4.0\\" \\"1.0.0\\"]"\n}');
    expect(run({ CNI_COMMAND: 'CHECK', ...FULL }, '{"cniVersion":"0.3.1","name":"n","type":"demo"}').stdout).toContain('config version does not allow CHECK');
  });
  it('validates the container id and interface name', () => {
    expect(run({ CNI_COMMAND: 'ADD', ...FULL, CNI_CONTAINERID: 'a b' }, CONF).stdout).toBe('{\n    "code": 4,\n    "msg": "invalid characters in containerID",\n    "details": "a b"\n}');
    expect(run({ CNI_COMMAND: 'ADD', ...FULL, CNI_IFNAME: 'eth0123456789012345' }, CONF).stdout).toContain('"details": "interface name should be less than 16 characters"');
    expect(run({ CNI_COMMAND: 'ADD', ...FULL, CNI_IFNAME: 'a/b' }, CONF).stdout).toContain('interface name contains / or : or whitespace characters');
  });
  it('prints results indented without a trailing newline, in the configuration\'s version', () => {
    expect(run({ CNI_COMMAND: 'ADD', ...FULL }, CONF).stdout).toBe('{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "eth0",\n            "sandbox": "/var/run/netns/x"\n        }\n    ],\n    "dns": {}\n}');
    expect(run({ CNI_COMMAND: 'DEL', ...FULL }, CONF)).toEqual({ exitCode: 1, stdout: '{\n    "code": 999,\n    "msg": "boom"\n}', stderr: '' });
  });
});

// Recorded from /usr/lib/cni/bridge and loopback v1.1.1 (Debian 12) fed the same odd input.
describe('skel on odd input (as the reference plugins v1.1.1 answer it)', () => {
  const FULLADD = { CNI_COMMAND: 'ADD', ...FULL };
  const decode = (m: string): string => `{\n    "code": 6,\n    "msg": ${JSON.stringify(`error unmarshall network config: ${m}`)}\n}`;
  const anon = (kind: string): string => decode(`json: cannot unmarshal ${kind} into Go value of type struct { Name string "json:\\"name\\"" }`);
  it('reads the configuration as validateConfig does: Go\'s syntax and type errors, null is just nameless', () => {
    expect(run(FULLADD, 'null\n').stdout).toBe('{\n    "code": 7,\n    "msg": "missing network name"\n}');
    expect(run(FULLADD, '[]\n').stdout).toBe(anon('array'));
    expect(run(FULLADD, '5\n').stdout).toBe(anon('number'));
    expect(run(FULLADD, '"x"\n').stdout).toBe(anon('string'));
    expect(run(FULLADD, 'true\n').stdout).toBe(anon('bool'));
    expect(run(FULLADD, '{"name":"n",}\n').stdout).toBe(decode(`invalid character '}' looking for beginning of object key string`));
    expect(run(FULLADD, '{"name":"n"} x\n').stdout).toBe(decode(`invalid character 'x' after top-level value`));
    expect(run(FULLADD, '{"name":5}\n').stdout).toBe(decode('json: cannot unmarshal number into Go struct field .name of type string'));
    expect(run(FULLADD, '{"name":"n","cniVersion":5}\n').stdout).toBe('{\n    "code": 6,\n    "msg": "decoding version from network config: json: cannot unmarshal number into Go struct field .cniVersion of type string"\n}');
  });
  it('checks the container id and ifname before the command, and the command before the version', () => {
    expect(run({ ...FULLADD, CNI_COMMAND: 'add' }, CONF).stdout).toBe('{\n    "code": 4,\n    "msg": "unknown CNI_COMMAND: add"\n}');
    expect(run({ ...FULLADD, CNI_COMMAND: 'add', CNI_IFNAME: '.' }, CONF).stdout).toBe('{\n    "code": 4,\n    "msg": "interface name is . or .."\n}');
    expect(run({ ...FULLADD, CNI_CONTAINERID: '-x' }, '{"cniVersion":"9.9.9","name":"n"}').stdout).toBe('{\n    "code": 4,\n    "msg": "invalid characters in containerID",\n    "details": "-x"\n}');
    expect(run({ ...FULLADD, CNI_CONTAINERID: '' }, CONF).stdout).toBe('{\n    "code": 4,\n    "msg": "required env variables [CNI_CONTAINERID] missing"\n}');
    expect(run({ CNI_COMMAND: 'DEL', ...FULL, CNI_NETNS: '' }, CONF).exitCode).toBe(1); // demo's DEL fails; the env is enough
    expect(run({ CNI_COMMAND: 'VERSION' }, 'garbage').exitCode).toBe(0);
  });
  it('cannot print a result without IPs as 0.1.0/0.2.0', () => {
    expect(run(FULLADD, '{"cniVersion":"","name":"n","type":"demo"}').stdout).toBe('{\n    "code": 999,\n    "msg": "cannot convert: no valid IP addresses"\n}');
  });
});
