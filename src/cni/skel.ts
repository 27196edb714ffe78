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
  return result(0, goMarshalIndent(convertResult(r, version)));
}

export function pluginMain(funcs: PluginFuncs, info: PluginInfo): Command {
  return (_argv, ctx) => {
    const env = ctx.env;
    const command = env['CNI_COMMAND'] ?? '';
    if (command === '') {
      return result(0, '', `${info.about}\nCNI protocol versions supported: ${info.supportedVersions.join(', ')}\n`);
    }
    const missing = ENV_VARS.filter((v) => v.required.includes(command) && (env[v.name] ?? '') === '').map((v) => v.name);
    if (missing.length) return printError({ code: CniErrorCode.InvalidEnvironmentVariables, msg: `required env variables [${missing.join(',')}] missing` });

    if (command === 'VERSION') {
      return result(0, goMarshal({ cniVersion: info.supportedVersions[info.supportedVersions.length - 1], supportedVersions: info.supportedVersions }) + '\n');
    }

    // Every other command gets its configuration validated before it is even recognised.
    let conf: NetConf;
    try {
      conf = JSON.parse(ctx.stdin) as NetConf;
    } catch (e) {
      return printError({ code: CniErrorCode.DecodingFailure, msg: `error unmarshall network config: ${goJsonError(ctx.stdin, e)}` });
    }
    if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) {
      return printError({ code: CniErrorCode.DecodingFailure, msg: 'error unmarshall network config: json: cannot unmarshal ' + goTypeName(conf) + ' into Go value of type types.NetConf' });
    }
    if (typeof conf.name !== 'string' || conf.name === '') return printError({ code: CniErrorCode.InvalidNetworkConfig, msg: 'missing network name' });

    if (command !== 'ADD' && command !== 'CHECK' && command !== 'DEL') {
      return printError({ code: CniErrorCode.InvalidEnvironmentVariables, msg: `unknown CNI_COMMAND: ${command}` });
    }
    const version = typeof conf.cniVersion === 'string' && conf.cniVersion !== '' ? conf.cniVersion : '0.1.0';
    if (!info.supportedVersions.includes(version)) {
      return printError({
        code: CniErrorCode.IncompatibleVersion,
        msg: 'incompatible CNI versions',
        details: `config is "${version}", plugin supports [${info.supportedVersions.map((v) => `"${v}"`).join(' ')}]`,
      });
    }
    if (command === 'CHECK' && compareVersions(version, '0.4.0') < 0) {
      return printError({ code: CniErrorCode.IncompatibleVersion, msg: 'config version does not allow CHECK' });
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
    const invalid = validateContainerId(args.containerID) ?? validateIfName(args.ifName);
    if (invalid) return printError(invalid);

    if (command === 'ADD') {
      const r = funcs.add(args, ctx);
      return r.ok ? printResult(r.value, version) : printError(r.error);
    }
    const r = command === 'CHECK' ? funcs.check(args, ctx) : funcs.del(args, ctx);
    return r.ok ? result(0) : printError(r.error);
  };
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

/** Go's encoding/json messages for the common ways a configuration fails to parse. */
function goJsonError(text: string, e: unknown): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'unexpected end of JSON input';
  const first = trimmed[0]!;
  if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
  const msg = e instanceof Error ? e.message : String(e);
  if (/Unexpected end|unterminated|end of (JSON|data)/i.test(msg)) return 'unexpected end of JSON input';
  return msg;
}

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'value';
}
