/**
 * The runtime's rules (libcni v1.2.x, read from containernetworking/cni libcni/api.go, conf.go and
 * pkg/invoke), each checked with recording fake plugins on an emulated host: what each plugin gets
 * (env, stdin), in which order, what is cached, and the exact error texts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorld } from '../../src/world/world.js';
import type { ExecContext, ExecResult } from '../../src/commands/types.js';
import { result } from '../../src/commands/types.js';
import { execArgv } from '../../src/commands/shell/run.js';
import { lookupCommand } from '../../src/commands/registry.js';
import { registerCniPlugin } from '../../src/cni/registry.js';
import { runCnitool, cnitoolContainerId, parseCniArgs } from '../../src/cni/cnitool.js';
import { loadConfList } from '../../src/cni/conf.js';

interface Call {
  type: string;
  command: string;
  env: Record<string, string>;
  stdin: Record<string, unknown>;
  raw: string;
}

let calls: Call[] = [];
/** What each fake plugin answers, by type; default: a 1.0.0 result naming the plugin. */
let answer: Record<string, (c: Call) => ExecResult> = {};

function fake(type: string): void {
  registerCniPlugin(type, (_argv, ctx) => {
    const env: Record<string, string> = {};
    for (const k of ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH']) env[k] = ctx.env[k] ?? '<unset>';
    let stdin: Record<string, unknown> = {};
    try {
      stdin = JSON.parse(ctx.stdin) as Record<string, unknown>;
    } catch {
      // VERSION's stdin is JSON too; anything else stays empty
    }
    const call: Call = { type, command: env['CNI_COMMAND']!, env, stdin, raw: ctx.stdin };
    calls.push(call);
    const a = answer[type];
    if (a) return a(call);
    if (call.command === 'ADD') {
      const prev = (stdin['prevResult'] as { interfaces?: unknown[] } | undefined)?.interfaces ?? [];
      return result(0, JSON.stringify({ cniVersion: stdin['cniVersion'], interfaces: [...prev, { name: type, sandbox: env['CNI_NETNS'] }], ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 0 }], dns: {} }));
    }
    if (call.command === 'VERSION') return result(0, '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}\n');
    return result(0);
  });
}
for (const t of ['fa', 'fb', 'fc']) fake(t);

function setup(files: Record<string, string>): ExecContext {
  const world = createWorld({ seed: 1 });
  const host = world.addHost('node');
  host.fs.mkdir('/etc/cni/net.d', { recursive: true });
  for (const [name, text] of Object.entries(files)) host.fs.write(`/etc/cni/net.d/${name}`, text);
  const ctx: ExecContext = { world, host, env: { CNI_PATH: '/opt/cni/bin' }, fs: host.fs, cwd: '/root', stdin: '', background: false, exec: (argv, c) => execArgv(argv, c, lookupCommand), registerJob: () => undefined };
  return ctx;
}

function tool(ctx: ExecContext, args: string[], env: Record<string, string> = {}): ExecResult {
  return runCnitool(['cnitool', ...args], { ...ctx, env: { ...ctx.env, ...env } });
}

const NS = '/var/run/netns/c1';
const CID = cnitoolContainerId(NS);
const LIST = (version = '1.0.0', extra = ''): string =>
  `{"cniVersion":"${version}","name":"net1",${extra}"plugins":[{"type":"fa","zeta":1,"alpha":{"y":1,"b":2}},{"type":"fb","capabilities":{"portMappings":true,"bandwidth":false}}]}`;

beforeEach(() => {
  calls = [];
  answer = {};
});

describe('configuration discovery (libcni LoadConfList)', () => {
  it('takes the .conflist of that name, in file name order, before any .conf', () => {
    const ctx = setup({
      '20-b.conflist': '{"cniVersion":"1.0.0","name":"net1","plugins":[{"type":"fb"}]}',
      '10-a.conflist': '{"cniVersion":"1.0.0","name":"net1","plugins":[{"type":"fa"}]}',
      '05-c.conf': '{"cniVersion":"1.0.0","name":"net1","type":"fc"}',
    });
    const l = loadConfList(ctx.fs, '/etc/cni/net.d', 'net1');
    expect(l.ok && l.value.plugins.map((p) => p.type)).toEqual(['fa']);
  });
  it('up-converts a .conf or .json into a one-plugin list (re-marshalled, keys sorted)', () => {
    const ctx = setup({ 'x.json': '{"type":"fc","name":"single","cniVersion":"0.4.0"}' });
    const l = loadConfList(ctx.fs, '/etc/cni/net.d', 'single');
    expect(l.ok && [l.value.cniVersion, l.value.bytes]).toEqual(['0.4.0', '{"cniVersion":"0.4.0","name":"single","plugins":[{"cniVersion":"0.4.0","name":"single","type":"fc"}]}']);
  });
  it('stops at the first file that does not parse, as libcni does, with Go\'s JSON text', () => {
    const ctx = setup({ '01-bad.conflist': '{"name":"other",}', '10-a.conflist': LIST() });
    expect(tool(ctx, ['add', 'net1', NS]).stderr).toBe("error parsing configuration list: invalid character '}' looking for beginning of object key string\n");
    const ctx2 = setup({ '01-bad.conf': '{"name":"x"}' });
    expect(tool(ctx2, ['add', 'net1', NS]).stderr).toBe("error parsing configuration: missing 'type'\n");
  });
  it('says which name is missing, and when the folder has nothing', () => {
    expect(tool(setup({ 'a.conflist': LIST() }), ['add', 'nope', NS])).toEqual({ exitCode: 1, stdout: '', stderr: 'no net configuration with name "nope" in /etc/cni/net.d\n' });
    expect(tool(setup({}), ['add', 'nope', NS]).stderr).toBe('no net configurations found in /etc/cni/net.d\n');
    expect(tool(setup({}), ['add', 'nope', NS], { NETCONFPATH: '/nowhere' }).stderr).toBe('no net configurations found in /nowhere\n');
  });
  it('checks list fields as ConfListFromBytes does', () => {
    const err = (text: string): string => tool(setup({ 'a.conflist': text }), ['add', 'n', NS]).stderr;
    expect(err('{"name":"n","cniVersion":"1.0.0"}')).toBe("error parsing configuration list: no 'plugins' key\n");
    expect(err('{"name":"n","plugins":[]}')).toBe('error parsing configuration list: no plugins in list\n');
    expect(err('{"name":5,"plugins":[]}')).toBe('error parsing configuration list: invalid name type float64\n');
    expect(err('{"name":"n","disableCheck":"maybe","plugins":[{"type":"fa"}]}')).toBe('error parsing configuration list: invalid value "maybe" for disableCheck\n');
    expect(err('{"name":"n","plugins":[{"name":"n"}]}')).toBe("failed to parse plugin config 0: error parsing configuration: missing 'type'\n");
    expect(err('[]')).toBe('error parsing configuration list: json: cannot unmarshal array into Go value of type map[string]interface {}\n');
  });
  it('picks the newest cniVersions entry it implements (1.1.0)', () => {
    const ctx = setup({ 'a.conflist': '{"cniVersion":"0.4.0","cniVersions":["1.0.0","9.0.0","1.1.0"],"name":"n","plugins":[{"type":"fa"}]}' });
    const l = loadConfList(ctx.fs, '/etc/cni/net.d', 'n');
    expect(l.ok && l.value.cniVersion).toBe('1.1.0');
  });
});

describe('ADD (AddNetworkList)', () => {
  it('runs each plugin in order with the CNI_* variables, the list\'s name and version, sorted keys, and the previous result', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    const r = tool(ctx, ['add', 'net1', NS], { CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=p', CAP_ARGS: '{"portMappings":[{"hostPort":80}],"bandwidth":{"rate":1}}' });
    expect(r.exitCode).toBe(0);
    expect(calls.map((c) => [c.type, c.command])).toEqual([['fa', 'ADD'], ['fb', 'ADD']]);
    expect(calls[0]!.env).toEqual({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: CID, CNI_NETNS: NS, CNI_IFNAME: 'eth0', CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=p', CNI_PATH: '/opt/cni/bin' });
    // InjectConf re-marshals from a Go map: keys sorted, nested ones too; no runtimeConfig without capabilities.
    expect(calls[0]!.raw).toBe('{"alpha":{"b":2,"y":1},"cniVersion":"1.0.0","name":"net1","type":"fa","zeta":1}');
    // Only the capabilities the plugin advertises (and enables) reach runtimeConfig; prevResult as libcni marshals it.
    expect(calls[1]!.stdin['runtimeConfig']).toEqual({ portMappings: [{ hostPort: 80 }] });
    expect(calls[1]!.raw).toBe(
      '{"capabilities":{"bandwidth":false,"portMappings":true},"cniVersion":"1.0.0","name":"net1","prevResult":{"cniVersion":"1.0.0","dns":{},"interfaces":[{"name":"fa","sandbox":"/var/run/netns/c1"}],"ips":[{"address":"10.0.0.2/24","gateway":"10.0.0.1","interface":0}]},"runtimeConfig":{"portMappings":[{"hostPort":80}]},"type":"fb"}',
    );
    // cnitool prints the last result (Result.Print: indented, no newline, the struct's field order).
    expect(r.stdout).toBe(
      '{\n    "cniVersion": "1.0.0",\n    "interfaces": [\n        {\n            "name": "fa",\n            "sandbox": "/var/run/netns/c1"\n        },\n        {\n            "name": "fb",\n            "sandbox": "/var/run/netns/c1"\n        }\n    ],\n    "ips": [\n        {\n            "interface": 0,\n            "address": "10.0.0.2/24",\n            "gateway": "10.0.0.1"\n        }\n    ],\n    "dns": {}\n}',
    );
  });

  it('caches the final result in libcni\'s cniCacheV1 record', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    tool(ctx, ['add', 'net1', NS], { CNI_ARGS: 'A=1', CAP_ARGS: '{"portMappings":[]}' });
    const file = ctx.fs.read(`/var/lib/cni/results/net1-${CID}-eth0`);
    expect(file.ok).toBe(true);
    const text = file.ok ? file.value : '';
    const rec = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(rec)).toEqual(['kind', 'containerId', 'config', 'ifName', 'networkName', 'netns', 'cniArgs', 'capabilityArgs', 'result']);
    expect(rec).toMatchObject({ kind: 'cniCacheV1', containerId: CID, ifName: 'eth0', networkName: 'net1', netns: NS, cniArgs: [['A', '1']], capabilityArgs: { portMappings: [] } });
    // config is the list file's bytes as a Go []byte: base64.
    expect(Buffer.from(rec['config'] as string, 'base64').toString()).toBe(LIST());
    // The result went through a Go map: keys sorted, "dns" kept.
    expect(text).toContain('"result":{"cniVersion":"1.0.0","dns":{},"interfaces":[{"name":"fa","sandbox":"/var/run/netns/c1"},{"name":"fb"');
    expect(text.endsWith('}')).toBe(true);
  });

  it('stops at the first failing plugin, relays its error object, caches nothing and rolls nothing back (the caller DELs)', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    answer['fb'] = () => result(1, '{"code":7,"msg":"bad config","details":"why"}');
    const r = tool(ctx, ['add', 'net1', NS]);
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: 'plugin type="fb" failed (add): bad config; why\n' });
    expect(calls.map((c) => c.command)).toEqual(['ADD', 'ADD']);
    expect(ctx.fs.stat(`/var/lib/cni/results/net1-${CID}-eth0`)).toBeUndefined();
  });

  it('names the plugin with its own name when its configuration has one', () => {
    const ctx = setup({ 'a.conflist': '{"cniVersion":"1.0.0","name":"net1","plugins":[{"type":"fa","name":"mine"}]}' });
    answer['fa'] = () => result(1, '{"code":100,"msg":"no"}');
    expect(tool(ctx, ['add', 'net1', NS]).stderr).toBe('plugin type="fa" name="mine" failed (add): no\n');
  });

  it('reads a crash, garbage or silence the way RawExec.pluginErr and fixupResultVersion do', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    const err = (a: (c: Call) => ExecResult): string => {
      answer['fa'] = a;
      return tool(ctx, ['add', 'net1', NS]).stderr;
    };
    expect(err(() => result(2, '', 'panic: boom\n'))).toBe('plugin type="fa" failed (add): netplugin failed: "panic: boom\\n"\n');
    expect(err(() => result(2))).toBe('plugin type="fa" failed (add): netplugin failed with no error message: exit status 2\n');
    expect(err(() => result(1, 'oops'))).toBe(`plugin type="fa" failed (add): netplugin failed but error parsing its diagnostic message "oops": invalid character 'o' looking for beginning of value\n`);
    expect(err(() => result(0, 'garbage'))).toBe(`plugin type="fa" failed (add): failed to unmarshal raw result: invalid character 'g' looking for beginning of value\n`);
    expect(err(() => result(0, ''))).toBe('plugin type="fa" failed (add): failed to unmarshal raw result: unexpected end of JSON input\n');
    expect(err(() => result(0, '[1]'))).toBe('plugin type="fa" failed (add): failed to unmarshal raw result: json: cannot unmarshal array into Go value of type map[string]interface {}\n');
    expect(err(() => result(0, '{"cniVersion":"7.0.0"}'))).toBe('plugin type="fa" failed (add): unsupported CNI result version "7.0.0"\n');
  });

  it('takes a result without a version to be in the configuration\'s version', () => {
    const ctx = setup({ 'a.conflist': '{"cniVersion":"0.4.0","name":"net1","plugins":[{"type":"fa"}]}' });
    answer['fa'] = () => result(0, '{"ips":[{"version":"4","address":"10.1.0.5/16"}]}');
    expect(tool(ctx, ['add', 'net1', NS]).stdout).toBe('{\n    "cniVersion": "0.4.0",\n    "ips": [\n        {\n            "version": "4",\n            "address": "10.1.0.5/16"\n        }\n    ],\n    "dns": {}\n}');
  });

  it('refuses what libcni validates before running anything', () => {
    const ctx = setup({ 'a.conflist': LIST(), 'b.conflist': '{"cniVersion":"1.0.0","name":"bad name","plugins":[{"type":"fa"}]}' });
    expect(tool(ctx, ['add', 'net1', NS], { CNI_IFNAME: 'eth0123456789abcd' }).stderr).toBe('plugin type="fa" failed (add): interface name is too long; interface name should be less than 16 characters\n');
    expect(tool(ctx, ['add', 'net1', NS], { CNI_IFNAME: '' }).stderr).toBe('plugin type="fa" failed (add): interface name is empty\n');
    expect(tool(ctx, ['add', 'bad name', NS]).stderr).toBe('plugin type="fa" failed (add): invalid characters found in network name; bad name\n');
    expect(tool(ctx, ['add', 'net1', NS], { CNI_PATH: '/opt/cni/bin:/usr/local/cni' }).exitCode).toBe(0);
    expect(tool(ctx, ['add', 'net1', NS], { CNI_PATH: '/usr/local/cni:/x' }).stderr).toBe('plugin type="fa" failed (add): failed to find plugin "fa" in path [/usr/local/cni /x]\n');
    expect(tool(ctx, ['add', 'net1', NS], { CNI_PATH: '' }).stderr).toBe('plugin type="fa" failed (add): no paths provided\n');
    expect(calls.filter((c) => c.command === 'ADD').length).toBe(2);
  });

  it('refuses a plugin type that is a path', () => {
    const ctx = setup({ 'a.conflist': '{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../bin/fa"}]}' });
    expect(tool(ctx, ['add', 'n', NS]).stderr).toBe('plugin type="../bin/fa" failed (add): invalid plugin name: ../bin/fa\n');
  });

  it('runs a script plugin on the host through the emulated shell, and refuses a binary as execve does', () => {
    const ctx = setup({ 'a.conflist': '{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"mine"}]}' });
    ctx.fs.write('/opt/cni/bin/mine', '#!/bin/sh\ncat > /tmp/seen\necho "$CNI_COMMAND" > /tmp/cmd\nprintf \'{"cniVersion":"1.0.0","interfaces":[{"name":"x"}]}\'\n');
    const r = tool(ctx, ['add', 'n', NS]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('"name": "x"');
    expect(ctx.fs.read('/tmp/seen')).toEqual({ ok: true, value: '{"cniVersion":"1.0.0","name":"n","type":"mine"}' });
    expect(ctx.fs.read('/tmp/cmd')).toEqual({ ok: true, value: 'ADD\n' });
    ctx.fs.write('/opt/cni/bin/mine', 'ELF\0\0\0');
    expect(tool(ctx, ['add', 'n', NS]).stderr).toBe('plugin type="mine" failed (add): netplugin failed with no error message: fork/exec /opt/cni/bin/mine: exec format error\n');
  });
});

describe('DEL (DelNetworkList)', () => {
  it('runs the plugins in reverse with the cached result as prevResult, then drops the cache', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    tool(ctx, ['add', 'net1', NS]);
    calls = [];
    expect(tool(ctx, ['del', 'net1', NS])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(calls.map((c) => [c.type, c.command])).toEqual([['fb', 'DEL'], ['fa', 'DEL']]);
    expect((calls[0]!.stdin['prevResult'] as { interfaces: { name: string }[] }).interfaces.map((i) => i.name)).toEqual(['fa', 'fb']);
    expect(ctx.fs.stat(`/var/lib/cni/results/net1-${CID}-eth0`)).toBeUndefined();
  });
  it('is safe to repeat: without a cache the plugins still run, without prevResult', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    expect(tool(ctx, ['del', 'net1', NS]).exitCode).toBe(0);
    expect(calls.map((c) => [c.type, 'prevResult' in c.stdin])).toEqual([['fb', false], ['fa', false]]);
  });
  it('gives no prevResult before 0.4.0, and converts the cached result to the list\'s version', () => {
    const ctx = setup({ 'a.conflist': LIST('0.3.1') });
    tool(ctx, ['add', 'net1', NS]);
    calls = [];
    tool(ctx, ['del', 'net1', NS]);
    expect(calls.some((c) => 'prevResult' in c.stdin)).toBe(false);
    const ctx2 = setup({ 'a.conflist': LIST('0.4.0') });
    tool(ctx2, ['add', 'net1', NS]);
    calls = [];
    tool(ctx2, ['del', 'net1', NS]);
    // The fake's 0.4.0 result had no "version" per IP: libcni keeps it empty, as with the real loopback.
    expect(calls[0]!.stdin['prevResult']).toMatchObject({ cniVersion: '0.4.0', ips: [{ version: '', address: '10.0.0.2/24' }] });
  });
  it('wraps a failing plugin\'s error and keeps the cache for a retry', () => {
    const ctx = setup({ 'a.conflist': LIST() });
    tool(ctx, ['add', 'net1', NS]);
    answer['fa'] = (c) => (c.command === 'DEL' ? result(1, '{"code":11,"msg":"busy"}') : result(0));
    expect(tool(ctx, ['del', 'net1', NS]).stderr).toBe('plugin type="fa" failed (delete): busy\n');
    expect(ctx.fs.stat(`/var/lib/cni/results/net1-${CID}-eth0`)).toBeDefined();
  });
});

describe('CHECK, GC, STATUS, VERSION', () => {
  it('CHECK: refused before 0.4.0, skipped with disableCheck, else each plugin in order with the cached result', () => {
    expect(tool(setup({ 'a.conflist': LIST('0.3.1') }), ['check', 'net1', NS]).stderr).toBe('configuration version "0.3.1" does not support the CHECK command\n');
    const off = setup({ 'a.conflist': LIST('1.0.0', '"disableCheck":true,') });
    expect(tool(off, ['check', 'net1', NS]).exitCode).toBe(0);
    expect(calls).toEqual([]);
    const ctx = setup({ 'a.conflist': LIST() });
    tool(ctx, ['add', 'net1', NS]);
    calls = [];
    answer['fb'] = () => result(1, '{"code":100,"msg":"missing veth"}');
    // CHECK's plugin errors are not wrapped.
    expect(tool(ctx, ['check', 'net1', NS]).stderr).toBe('missing veth\n');
    expect(calls.map((c) => [c.type, c.command, 'prevResult' in c.stdin])).toEqual([['fa', 'CHECK', true], ['fb', 'CHECK', true]]);
  });
  it('GC: DELs every cached attachment of the network (cnitool passes none as valid), then GC to each plugin from 1.1.0', () => {
    const ctx = setup({ 'a.conflist': LIST('1.1.0') });
    tool(ctx, ['add', 'net1', '/var/run/netns/c1']);
    tool(ctx, ['add', 'net1', '/var/run/netns/c2']);
    calls = [];
    expect(tool(ctx, ['gc', 'net1', NS]).exitCode).toBe(0);
    // Cached attachments are visited in cache file name order (the container ids are hashes).
    const order = ['/var/run/netns/c1', '/var/run/netns/c2'].sort((a, b) => (cnitoolContainerId(a) < cnitoolContainerId(b) ? -1 : 1));
    expect(calls.map((c) => [c.type, c.command, c.env['CNI_NETNS']])).toEqual([
      ['fb', 'DEL', order[0]],
      ['fa', 'DEL', order[0]],
      ['fb', 'DEL', order[1]],
      ['fa', 'DEL', order[1]],
      ['fa', 'GC', ''],
      ['fb', 'GC', ''],
    ]);
    expect(ctx.fs.list('/var/lib/cni/results')).toEqual({ ok: true, value: [] });
  });
  it('STATUS: nothing before 1.1.0; from 1.1.0 the first plugin error is the answer', () => {
    expect(tool(setup({ 'a.conflist': LIST('1.0.0') }), ['status', 'net1', NS]).exitCode).toBe(0);
    expect(calls).toEqual([]);
    answer['fa'] = () => result(1, '{"code":50,"msg":"not ready"}');
    expect(tool(setup({ 'a.conflist': LIST('1.1.0') }), ['status', 'net1', NS])).toEqual({ exitCode: 1, stdout: '', stderr: 'not ready\n' });
    expect(calls.map((c) => [c.type, c.command, c.raw])).toEqual([['fa', 'STATUS', '{"alpha":{"b":2,"y":1},"cniVersion":"1.1.0","name":"net1","type":"fa","zeta":1}']]);
  });
  it('VERSION: asks with the dummy values and the current spec version', () => {
    const r = tool(setup({ 'a.conflist': LIST() }), ['version', 'net1']);
    expect(r.stdout).toBe('{"type":"fa","cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}\n{"type":"fb","cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}\n');
    expect(calls[0]!.env).toMatchObject({ CNI_COMMAND: 'VERSION', CNI_NETNS: 'dummy', CNI_IFNAME: 'dummy', CNI_PATH: 'dummy', CNI_CONTAINERID: '' });
    expect(calls[0]!.raw).toBe('{"cniVersion":"1.1.0"}');
  });
});

describe('cnitool front end', () => {
  it('prints its usage with fewer than three arguments', () => {
    const r = tool(setup({}), ['add', 'net1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('cnitool: Add, check, remove, gc or status network interfaces from a network namespace');
  });
  it('parses CNI_ARGS and CAP_ARGS as cnitool does', () => {
    expect(parseCniArgs('IgnoreUnknown=1;K=V')).toEqual({ ok: true, value: [['IgnoreUnknown', '1'], ['K', 'V']] });
    expect(parseCniArgs('A=1;B')).toEqual({ ok: false, message: 'invalid CNI_ARGS pair "B"' });
    expect(parseCniArgs('A=b=c')).toEqual({ ok: false, message: 'invalid CNI_ARGS pair "A=b=c"' });
    const ctx = setup({ 'a.conflist': LIST() });
    expect(tool(ctx, ['add', 'net1', NS], { CNI_ARGS: 'A=' }).stderr).toBe('invalid CNI_ARGS pair "A="\n');
    expect(tool(ctx, ['add', 'net1', NS], { CAP_ARGS: '{x}' }).stderr).toBe("invalid character 'x' looking for beginning of object key string\n");
    expect(calls).toEqual([]);
  });
  it('derives the container id from the absolute netns path (sha512, 10 bytes)', () => {
    expect(cnitoolContainerId('/var/run/netns/c1')).toMatch(/^cnitool-[0-9a-f]{20}$/);
    const ctx = setup({ 'a.conflist': LIST() });
    tool({ ...ctx, cwd: '/var/run/netns' }, ['add', 'net1', 'c1']);
    expect(calls[0]!.env['CNI_NETNS']).toBe('/var/run/netns/c1');
    expect(calls[0]!.env['CNI_CONTAINERID']).toBe(CID);
  });
});
