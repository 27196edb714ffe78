/**
 * The plugin side of the protocol (what pkg/skel in the CNI library does for every reference
 * plugin): read CNI_* from the environment and the configuration from stdin, check them in the
 * same order and with the same messages, call the plugin's ADD/CHECK/DEL, and print the result or
 * the error object. A podnet plugin is a Command built with pluginMain(); it changes its host only
 * through ExecContext (ctx.host.netlink(), ctx.fs, ctx.exec of iptables as go-iptables does).
 */
import type { Command, ExecContext, ExecResult } from '../commands/types.js';
import { result } from '../commands/types.js';
import { goMarshal, goMarshalIndent } from './json.js';
import { goJsonKind, goUnmarshal } from './gojson.js';
import { CniErrorCode, type CniError, type CniResult, type NetConf } from './spec.js';
import { compareVersions, convertResult } from './version.js';

export interface CmdArgs {
  containerID: string;
  /** CNI_NETNS as given (a path). */
  netns: string;
  ifName: string;
  args: string;
  path: string;
  netnsOverride?: string;
  stdinData: string;
  /** The configuration, parsed (validated: it has a name). */
  conf: NetConf;
}

export type PluginOutcome<T> = { ok: true; value: T } | { ok: false; error: CniError };

export interface PluginFuncs {
  add(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult>;
  check(args: CmdArgs, ctx: ExecContext): PluginOutcome<void>;
  del(args: CmdArgs, ctx: ExecContext): PluginOutcome<void>;
}

export interface PluginInfo {
  /** The about text printed to stderr when run without CNI_COMMAND, e.g. "CNI bridge plugin version unknown". */
  about: string;
  supportedVersions: readonly string[];
}

export const cniError = (code: number, msg: string, details?: string): { ok: false; error: CniError } => ({
  ok: false,
  error: { code, msg, ...(details !== undefined && details !== '' ? { details } : {}) },
});

/** Which commands need which variables (skel's reqForCmd), in the order skel reports them. */
const ENV_VARS: { name: string; field: keyof Omit<CmdArgs, 'stdinData' | 'conf'> | 'command'; required: string[] }[] = [
  { name: 'CNI_COMMAND', field: 'command', required: ['ADD', 'CHECK', 'DEL', 'VERSION'] },
  { name: 'CNI_CONTAINERID', field: 'containerID', required: ['ADD', 'CHECK', 'DEL'] },
  { name: 'CNI_NETNS', field: 'netns', required: ['ADD', 'CHECK'] },
  { name: 'CNI_IFNAME', field: 'ifName', required: ['ADD', 'CHECK', 'DEL'] },
  { name: 'CNI_ARGS', field: 'args', required: [] },
  { name: 'CNI_PATH', field: 'path', required: ['ADD', 'CHECK', 'DEL'] },
  { name: 'CNI_NETNS_OVERRIDE', field: 'netnsOverride', required: [] },
];

/** The error object as skel prints it: indented, no trailing newline, exit status 1. */
export function printError(e: CniError): ExecResult {
  return result(1, goMarshalIndent(e));
}

/** The result converted to the configuration's version, indented, no trailing newline. */
export function printResult(r: CniResult, version: string): ExecResult {
  // types040 convertTo02x: 0.1.0/0.2.0 results carry an ip4 or ip6 block, so no IP cannot convert.
  if (compareVersions(version, '0.3.0') < 0 && !(r.ips ?? []).length) return printError({ code: CniErrorCode.Internal, msg: 'cannot convert: no valid IP addresses' });
  return result(0, goMarshalIndent(convertResult(r, version)));
}

export function pluginMain(funcs: PluginFuncs, info: PluginInfo): Command {
  return (_argv, ctx) => {
    const env = ctx.env;
    const command = env['CNI_COMMAND'] ?? '';
    // getCmdArgsFromEnv: CNI_COMMAND always, the others as the command needs them.
    const missing = ENV_VARS.filter((v) => (env[v.name] ?? '') === '' && (v.name === 'CNI_COMMAND' || v.required.includes(command))).map((v) => v.name);
    if (missing.length) {
      if (command === '') return result(0, '', `${info.about}\nCNI protocol versions supported: ${info.supportedVersions.join(', ')}\n`);
      return printError({ code: CniErrorCode.InvalidEnvironmentVariables, msg: `required env variables [${missing.join(',')}] missing` });
    }
    if (command === 'VERSION') {
      // VERSION never reads stdin; versionInfo.Encode is compact with a newline.
      return result(0, goMarshal({ cniVersion: info.supportedVersions[info.supportedVersions.length - 1], supportedVersions: info.supportedVersions }) + '\n');
    }
    // Every other command, even an unknown one: validateConfig, then the container id and ifname.
    const invalid = validateConfig(ctx.stdin) ?? validateContainerId(env['CNI_CONTAINERID'] ?? '') ?? validateIfName(env['CNI_IFNAME'] ?? '');
    if (invalid) return printError(invalid);
    if (command !== 'ADD' && command !== 'CHECK' && command !== 'DEL') {
      return printError({ code: CniErrorCode.InvalidEnvironmentVariables, msg: `unknown CNI_COMMAND: ${command}` });
    }
    const decoded = decodeConfVersion(ctx.stdin);
    if (!decoded.ok) return printError(decoded.error);
    const version = decoded.version;
    if (command === 'CHECK') {
      const ge = parseVersionError(version) ?? undefined;
      if (ge) return printError({ code: CniErrorCode.DecodingFailure, msg: ge });
      if (compareVersions(version, '0.4.0') < 0) return printError({ code: CniErrorCode.IncompatibleVersion, msg: 'config version does not allow CHECK' });
      if (!info.supportedVersions.some((v) => compareVersions(v, version) >= 0)) return printError({ code: CniErrorCode.IncompatibleVersion, msg: 'plugin version does not allow CHECK' });
    }
    // checkVersionAndCall: the configuration's version must be one the plugin speaks.
    if (!info.supportedVersions.includes(version)) {
      return printError({
        code: CniErrorCode.IncompatibleVersion,
        msg: 'incompatible CNI versions',
        details: `config is "${version}", plugin supports [${info.supportedVersions.map((v) => `"${v}"`).join(' ')}]`,
      });
    }
    let conf: NetConf;
    try {
      conf = JSON.parse(ctx.stdin) as NetConf;
    } catch {
      return printError({ code: CniErrorCode.DecodingFailure, msg: 'error unmarshall network config: unexpected end of JSON input' });
    }
    const args: CmdArgs = {
      containerID: env['CNI_CONTAINERID'] ?? '',
      netns: env['CNI_NETNS'] ?? '',
      ifName: env['CNI_IFNAME'] ?? '',
      args: env['CNI_ARGS'] ?? '',
      path: env['CNI_PATH'] ?? '',
      ...(env['CNI_NETNS_OVERRIDE'] ? { netnsOverride: env['CNI_NETNS_OVERRIDE'] } : {}),
      stdinData: ctx.stdin,
      conf,
    };

    if (command === 'ADD') {
      const r = funcs.add(args, ctx);
      return r.ok ? printResult(r.value, version) : printError(r.error);
    }
    const r = command === 'CHECK' ? funcs.check(args, ctx) : funcs.del(args, ctx);
    return r.ok ? result(0) : printError(r.error);
  };
}

/**
 * skel's validateConfig: the configuration decoded into struct { Name string `json:"name"` } — Go's
 * syntax errors, its type errors for a non-object or a non-string name, and a missing name.
 */
function validateConfig(stdin: string): CniError | undefined {
  const decodeErr = (m: string): CniError => ({ code: CniErrorCode.DecodingFailure, msg: `error unmarshall network config: ${m}` });
  const p = goUnmarshal(stdin);
  if (!p.ok) return decodeErr(p.message);
  const v = p.value;
  if (v !== null && (typeof v !== 'object' || Array.isArray(v))) return decodeErr(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type struct { Name string "json:\\"name\\"" }`);
  const name = structField(v, 'name', 'string');
  if (!name.ok) return decodeErr(name.message);
  if (typeof name.value !== 'string' || name.value === '') return { code: CniErrorCode.InvalidNetworkConfig, msg: 'missing network name' };
  return undefined;
}

/** version.ConfigDecoder.Decode: the configuration's cniVersion, "0.1.0" when there is none. */
function decodeConfVersion(stdin: string): { ok: true; version: string } | { ok: false; error: CniError } {
  const p = goUnmarshal(stdin);
  const v = p.ok ? p.value : null;
  const cv = structField(v, 'cniVersion', 'string');
  if (!cv.ok) return { ok: false, error: { code: CniErrorCode.DecodingFailure, msg: `decoding version from network config: ${cv.message}` } };
  return { ok: true, version: typeof cv.value === 'string' && cv.value !== '' ? cv.value : '0.1.0' };
}

/**
 * A field of an anonymous Go struct as json.Unmarshal fills it: keys match case-insensitively
 * (a later one wins), a value of the wrong kind is "json: cannot unmarshal KIND into Go struct
 * field .KEY of type T", null leaves it unset.
 */
function structField(v: unknown, key: string, goType: 'string'): { ok: true; value: unknown } | { ok: false; message: string } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: true, value: undefined };
  let value: unknown;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k.toLowerCase() !== key.toLowerCase() || x === null) continue;
    if (typeof x !== goType) return { ok: false, message: `json: cannot unmarshal ${goJsonKind(x)} into Go struct field .${k === key ? key : k} of type ${goType}` };
    value = x;
  }
  return { ok: true, value };
}

/** version.ParseVersion's complaint about a version string, if any. */
function parseVersionError(v: string): string | undefined {
  const parts = v.split('.');
  if (parts.length >= 4) return `invalid version "${v}": too many parts`;
  const names = ['major', 'minor', 'micro'];
  for (const [i, part] of parts.entries()) {
    if (!/^[+-]?\d+$/.test(part)) return `failed to convert ${names[i]} version part "${part}": strconv.Atoi: parsing "${part}": invalid syntax`;
  }
  return undefined;
}

/** utils.ValidateContainerID: letters, digits and _.- after a first letter or digit. */
function validateContainerId(id: string): CniError | undefined {
  if (id === '') return { code: CniErrorCode.UnknownContainer, msg: 'missing containerID' };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(id)) return { code: CniErrorCode.InvalidEnvironmentVariables, msg: 'invalid characters in containerID', details: id };
  return undefined;
}

/** utils.ValidateInterfaceName: what dev_valid_name() in the kernel refuses. */
function validateIfName(name: string): CniError | undefined {
  const bad = (msg: string, details?: string): CniError => ({ code: CniErrorCode.InvalidEnvironmentVariables, msg, ...(details ? { details } : {}) });
  if (name === '') return bad('interface name is empty');
  if (name.length > 15) return bad('interface name is too long', 'interface name should be less than 16 characters');
  if (name === '.' || name === '..') return bad('interface name is . or ..');
  if (/[/:\s]/.test(name)) return bad('interface name contains / or : or whitespace characters');
  return undefined;
}
