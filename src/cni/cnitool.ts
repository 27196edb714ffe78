/**
 * cnitool (containernetworking/cni v1.2.x cnitool/cnitool.go) on an emulated host: `cnitool
 * add|check|del|gc|status NETWORK NETNS` loads NETWORK from $NETCONFPATH (default /etc/cni/net.d),
 * takes CNI_PATH, CNI_ARGS ("K=V;K2=V2"), CAP_ARGS (JSON) and CNI_IFNAME (default eth0) from the
 * environment, names the container "cnitool-" + the first 10 bytes of sha512(netns path) in hex,
 * and runs libcni (libcni.ts). podnet adds `version NETWORK`: each plugin's VERSION answer.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Command, ExecContext, ExecResult } from '../commands/types.js';
import { result } from '../commands/types.js';
import { loadConfList } from './conf.js';
import { goJsonKind, goQuote, goUnmarshal } from './gojson.js';
import { goMarshal, goMarshalIndent } from './json.js';
import { CniRuntime, type RuntimeConf } from './libcni.js';
import { marshalResultValue } from './result.js';

export const DEFAULT_NET_DIR = '/etc/cni/net.d';

function usage(argv0: string): ExecResult {
  const exe = posix.basename(argv0);
  return result(
    1,
    '',
    `${exe}: Add, check, remove, gc or status network interfaces from a network namespace\n` +
      `  ${exe} add    <net> <netns>\n  ${exe} check  <net> <netns>\n  ${exe} del    <net> <netns>\n  ${exe} gc     <net> <netns>\n  ${exe} status <net> <netns>\n`,
  );
}

/** cnitool's parseArgs: "K=V;K2=V2", every pair exactly one '=' with both sides non-empty. */
export function parseCniArgs(args: string): { ok: true; value: [string, string][] } | { ok: false; message: string } {
  const out: [string, string][] = [];
  for (const pair of args.split(';')) {
    const kv = pair.split('=');
    if (kv.length !== 2 || kv[0] === '' || kv[1] === '') return { ok: false, message: `invalid CNI_ARGS pair ${goQuote(pair)}` };
    out.push([kv[0]!, kv[1]!]);
  }
  return { ok: true, value: out };
}

/** cnitool's container id for a netns path. */
export function cnitoolContainerId(netnsPath: string): string {
  return `cnitool-${createHash('sha512').update(netnsPath).digest('hex').slice(0, 20)}`;
}

export const cnitool: Command = (argv, ctx) => runCnitool(argv, ctx);

export function runCnitool(argv: string[], ctx: ExecContext): ExecResult {
  const cmd = argv[1] ?? '';
  const podnetVersion = cmd === 'version' && argv.length >= 3;
  if (argv.length < 4 && !podnetVersion) return usage(argv[0] ?? 'cnitool');
  const env = ctx.env;
  const fail = (message: string, stderr = ''): ExecResult => result(1, '', `${stderr}${message}\n`);

  const netdir = env['NETCONFPATH'] || DEFAULT_NET_DIR;
  const list = loadConfList(ctx.fs, netdir, argv[2]!);
  if (!list.ok) return fail(list.message);

  let capabilityArgs: Record<string, unknown> | undefined;
  const capValue = env['CAP_ARGS'] ?? '';
  if (capValue.length > 0) {
    const p = goUnmarshal(capValue);
    if (!p.ok) return fail(p.message);
    if (p.value !== null && (typeof p.value !== 'object' || Array.isArray(p.value))) return fail(`json: cannot unmarshal ${goJsonKind(p.value)} into Go value of type map[string]interface {}`);
    capabilityArgs = (p.value ?? undefined) as Record<string, unknown> | undefined;
  }
  let cniArgs: [string, string][] | undefined;
  const argsValue = env['CNI_ARGS'] ?? '';
  if (argsValue.length > 0) {
    const p = parseCniArgs(argsValue);
    if (!p.ok) return fail(p.message);
    cniArgs = p.value;
  }
  // LookupEnv: set-but-empty stays empty (and libcni then refuses it).
  const ifName = 'CNI_IFNAME' in env ? env['CNI_IFNAME']! : 'eth0';
  // filepath.Abs: relative to the working folder, cleaned.
  const netns = argv[3] === undefined ? '' : posix.resolve(ctx.cwd.startsWith('/') ? ctx.cwd : '/', argv[3]);
  const containerID = cnitoolContainerId(netns);
  const cniPath = env['CNI_PATH'] ?? '';
  const runtime = new CniRuntime(ctx, cniPath === '' ? [] : cniPath.split(':'));
  const rt: RuntimeConf = { containerID, netns, ifName, ...(cniArgs ? { args: cniArgs } : {}), ...(capabilityArgs ? { capabilityArgs } : {}) };

  const done = (r: { ok: true } | { ok: false; error: { message: string } }, stdout = ''): ExecResult =>
    r.ok ? result(0, stdout, runtime.stderr) : result(1, stdout, `${runtime.stderr}${r.error.message}\n`);

  switch (cmd) {
    case 'add': {
      const r = runtime.addNetworkList(list.value, rt);
      // Result.Print: indented, no trailing newline.
      return done(r, r.ok ? goMarshalIndent(marshalResultValue(r.value)) : '');
    }
    case 'check':
      return done(runtime.checkNetworkList(list.value, rt));
    case 'del':
      return done(runtime.delNetworkList(list.value, rt));
    case 'gc':
      // cnitool passes no valid attachments: every cached attachment of the network is stale.
      return done(runtime.gcNetworkList(list.value));
    case 'status':
      return done(runtime.statusNetworkList(list.value));
    case 'version': {
      let out = '';
      for (const p of list.value.plugins) {
        const v = runtime.versionInfo(p.type);
        if (!v.ok) return done(v, out);
        out += goMarshal({ type: p.type, cniVersion: v.value.cniVersion, supportedVersions: v.value.supportedVersions }) + '\n';
      }
      return done({ ok: true }, out);
    }
    default:
      // cnitool's switch has no default: an unknown command does nothing and succeeds.
      return result(0);
  }
}
