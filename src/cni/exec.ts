/**
 * How the runtime runs one plugin (libcni's pkg/invoke: FindInPath, RawExec, ExecPluginWithResult,
 * GetVersionInfo): find it on CNI_PATH, run it with the CNI_* variables over the caller's
 * environment and the configuration on stdin, and turn what it did into a result or an error with
 * libcni's exact wording ("netplugin failed: ...", "failed to unmarshal raw result: ...").
 *
 * Where the plugin lives decides how it runs: a file on the emulated host runs as execve would
 * there (podnet's plugin for a marker file, the emulated shell for a script); a file found only on
 * the real disk is the user's own plugin — run for real against the world through the shims when
 * the world is a recorded session (commands/session/external.ts), else through the emulated shell. A real
 * binary (ELF) is never started: it would configure this machine's kernel, not the world.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ExecContext, ExecResult } from '../commands/types.js';
import { result } from '../commands/types.js';
import { classifyFile } from '../commands/shell/exec-file.js';
import { runScriptFile } from '../commands/shell/run.js';
import { lookupCommand } from '../commands/registry.js';
import { runExternal } from '../commands/session/external.js';
import { sessionOf } from '../commands/session/session.js';
import { goJsonKind, goQuote, goUnmarshal } from './gojson.js';
import { goMarshal } from './json.js';
import { createResult, type Result } from './result.js';
import type { CniError } from './spec.js';

/** An error as libcni returns it: its text (what cnitool prints), and the plugin's error object when there is one. */
export interface RuntimeError {
  message: string;
  cni?: CniError;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: RuntimeError };

export const rtErr = (message: string, cni?: CniError): { ok: false; error: RuntimeError } => ({ ok: false, error: { message, ...(cni ? { cni } : {}) } });

/** types.Error.Error(): "msg" or "msg; details". */
export function cniErrorText(e: CniError): string {
  return e.details ? `${e.msg}; ${e.details}` : e.msg;
}

export interface FoundPlugin {
  path: string;
  /** Found on the real disk, not on the emulated host. */
  real: boolean;
}

/** invoke.FindInPath: DIR/TYPE that is a regular file, in path order (emulated host first, then the real disk). */
export function findPlugin(ctx: ExecContext, type: string, paths: string[]): Outcome<FoundPlugin> {
  if (type === '') return rtErr('no plugin name provided');
  if (type.includes('/')) return rtErr(`invalid plugin name: ${type}`);
  if (paths.length === 0) return rtErr('no paths provided');
  for (const dir of paths) {
    if (dir === '') continue;
    const full = `${dir.replace(/\/+$/, '')}/${type}`;
    const st = ctx.fs.stat(full, ctx.netns);
    if (st?.type === 'file') return { ok: true, value: { path: full, real: false } };
    if (st || !dir.startsWith('/')) continue;
    try {
      if (statSync(full).isFile()) return { ok: true, value: { path: full, real: true } };
    } catch {
      // not there either
    }
  }
  return rtErr(`failed to find plugin ${goQuote(type)} in path [${paths.join(' ')}]`);
}

/** What invoke.Args.AsEnv gives the plugin: the caller's environment with the CNI_* variables set last. */
export interface InvokeArgs {
  command: string;
  containerID: string;
  netns: string;
  pluginArgs: string;
  ifName: string;
  path: string;
}

export function pluginEnv(ctx: ExecContext, a: InvokeArgs): Record<string, string> {
  return {
    ...ctx.env,
    CNI_COMMAND: a.command,
    CNI_CONTAINERID: a.containerID,
    CNI_NETNS: a.netns,
    CNI_ARGS: a.pluginArgs,
    CNI_IFNAME: a.ifName,
    CNI_PATH: a.path,
  };
}

/** Runs the found plugin as a process: exit status and both streams, or the execve failure Go would report. */
function spawnPlugin(ctx: ExecContext, found: FoundPlugin, env: Record<string, string>, stdin: string): ExecResult | { execError: string } {
  const child: ExecContext = { ...ctx, env, stdin, background: false };
  if (found.real) {
    // Replaying a recorded world: the run's recorded outcome stands, whatever the file is now.
    const recorded = sessionOf(ctx.world)?.external().replayed([found.path]);
    if (recorded) return result(recorded.exitCode, recorded.stdout, recorded.stderr);
    let head = '';
    try {
      head = readFileSync(found.path, 'latin1').slice(0, 4);
      if ((statSync(found.path).mode & 0o111) === 0) return { execError: `fork/exec ${found.path}: permission denied` };
    } catch {
      return { execError: `fork/exec ${found.path}: no such file or directory` };
    }
    if (head === '\x7fELF') {
      return result(126, '', `podnet: refusing to run the real binary ${found.path}: it would configure this machine's kernel, not the emulated world; only scripts over ip/bridge/iptables/sysctl can act on a world\n`);
    }
    if (sessionOf(ctx.world)) {
      return runExternal(ctx.world, { argv: [found.path], host: ctx.host.name, ...(ctx.netns !== undefined ? { netns: ctx.netns } : {}), env, stdin, cwd: ctx.cwd });
    }
  }
  const file = classifyFile(found.path, child);
  if (!file) return { execError: `fork/exec ${found.path}: no such file or directory` };
  if (file.kind === 'program') return file.cmd([found.path], child);
  if (file.kind === 'script') return runScriptFile(file.text, file.shell, [found.path], child, lookupCommand);
  if (file.unsupported) return result(126, '', `podnet: unsupported: ${file.message}\n`);
  // What execve's errno reads as in Go's "fork/exec PATH: ..." (bash's texts differ).
  const errno = file.message.includes('Exec format error') ? 'exec format error' : file.message.includes('Permission denied') ? 'permission denied' : 'no such file or directory';
  return { execError: `fork/exec ${found.path}: ${errno}` };
}

export interface RawOutput {
  stdout: string;
  /** What the plugin wrote to stderr when it succeeded (RawExec copies it to the caller's stderr). */
  stderr: string;
}

/** RawExec.ExecPlugin: stdout on success; on failure RawExec.pluginErr's reading of the output. */
export function rawExec(ctx: ExecContext, found: FoundPlugin, stdin: string, env: Record<string, string>): Outcome<RawOutput> {
  const r = spawnPlugin(ctx, found, env, stdin);
  if ('execError' in r) return rtErr(`netplugin failed with no error message: ${r.execError}`, { code: 0, msg: `netplugin failed with no error message: ${r.execError}` });
  if (r.exitCode === 0) return { ok: true, value: { stdout: r.stdout, stderr: r.stderr } };
  return { ok: false, error: pluginErr(`exit status ${r.exitCode}`, r.stdout, r.stderr) };
}

/** RawExec.pluginErr: the plugin's error object, or a wrapper naming what it printed instead. */
export function pluginErr(exitErr: string, stdout: string, stderr: string): RuntimeError {
  let e: CniError;
  if (stdout.length === 0) {
    e = { code: 0, msg: stderr.length === 0 ? `netplugin failed with no error message: ${exitErr}` : `netplugin failed: ${goQuote(stderr)}` };
  } else {
    const p = goUnmarshal(stdout);
    const v = p.ok ? p.value : undefined;
    const typeErr = p.ok ? errorTypeError(v) : undefined;
    if (!p.ok || typeErr) {
      e = { code: 0, msg: `netplugin failed but error parsing its diagnostic message ${goQuote(stdout)}: ${p.ok ? typeErr : p.message}` };
    } else {
      const o = (v ?? {}) as Record<string, unknown>;
      // types.Error in libcni v1.1 has code, msg, details: a cniVersion the plugin printed is not kept.
      e = { code: typeof o['code'] === 'number' ? o['code'] : 0, msg: typeof o['msg'] === 'string' ? o['msg'] : '', ...(typeof o['details'] === 'string' && o['details'] !== '' ? { details: o['details'] } : {}) };
    }
  }
  return { message: cniErrorText(e), cni: e };
}

/** json.Unmarshal into types.Error {Code uint; Msg, Details string}: the kind errors it reports. */
function errorTypeError(v: unknown): string | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return `json: cannot unmarshal ${goJsonKind(v)} into Go value of type types.Error`;
  const o = v as Record<string, unknown>;
  const field = (k: string, goType: string, ok: (x: unknown) => boolean): string | undefined =>
    k in o && o[k] !== null && !ok(o[k]) ? `json: cannot unmarshal ${goJsonKind(o[k])} into Go struct field Error.${k} of type ${goType}` : undefined;
  return (
    field('cniVersion', 'string', (x) => typeof x === 'string') ??
    field('code', 'uint', (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0) ??
    field('msg', 'string', (x) => typeof x === 'string') ??
    field('details', 'string', (x) => typeof x === 'string')
  );
}

/** create.DecodeVersion on a configuration: its cniVersion, "0.1.0" when it has none. */
export function decodeVersion(conf: string): Outcome<string> {
  const p = goUnmarshal(conf);
  if (!p.ok) return rtErr(`decoding version from network config: ${p.message}`);
  const v = (p.value ?? {}) as Record<string, unknown>;
  if (typeof v !== 'object' || Array.isArray(v)) return rtErr(`decoding version from network config: json: cannot unmarshal ${goJsonKind(v)} into Go value of type struct { CNIVersion string "json:\\"cniVersion\\"" }`);
  const cv = v['cniVersion'];
  return { ok: true, value: typeof cv === 'string' && cv !== '' ? cv : '0.1.0' };
}

/** ExecPluginWithResult: run, then fixupResultVersion and create.Create on what it printed. */
export function execWithResult(ctx: ExecContext, found: FoundPlugin, netconf: string, env: Record<string, string>): Outcome<{ result: Result; stderr: string }> {
  const r = rawExec(ctx, found, netconf, env);
  if (!r.ok) return r;
  const confVersion = decodeVersion(netconf);
  if (!confVersion.ok) return confVersion;
  const p = goUnmarshal(r.value.stdout);
  if (!p.ok) return rtErr(`failed to unmarshal raw result: ${p.message}`);
  if (p.value !== null && (typeof p.value !== 'object' || Array.isArray(p.value))) {
    return rtErr(`failed to unmarshal raw result: json: cannot unmarshal ${goJsonKind(p.value)} into Go value of type map[string]interface {}`);
  }
  const raw = { ...((p.value ?? {}) as Record<string, unknown>) };
  let version: string;
  let bytes = r.value.stdout;
  if (typeof raw['cniVersion'] === 'string' && raw['cniVersion'] !== '') version = raw['cniVersion'];
  else {
    // A result without a version is taken to be in the configuration's version (cni#895).
    version = confVersion.value;
    raw['cniVersion'] = version;
    bytes = goMarshal(raw);
  }
  const created = createResult(version, bytes);
  if (!created.ok) return rtErr(created.message);
  return { ok: true, value: { result: created.value, stderr: r.value.stderr } };
}

/** ExecPluginWithoutResult: only success or the error matters (plus what it wrote to stderr). */
export function execWithoutResult(ctx: ExecContext, found: FoundPlugin, netconf: string, env: Record<string, string>): Outcome<{ stderr: string }> {
  const r = rawExec(ctx, found, netconf, env);
  return r.ok ? { ok: true, value: { stderr: r.value.stderr } } : r;
}

export interface PluginInfo {
  cniVersion: string;
  supportedVersions: string[];
}

/**
 * invoke.GetVersionInfo: VERSION with the dummy values old skels required and {"cniVersion":CURRENT}
 * on stdin; a plugin too old to know VERSION supports 0.1.0.
 */
export function getVersionInfo(ctx: ExecContext, found: FoundPlugin, current: string): Outcome<PluginInfo> {
  const env = pluginEnv(ctx, { command: 'VERSION', containerID: '', netns: 'dummy', pluginArgs: '', ifName: 'dummy', path: 'dummy' });
  const r = rawExec(ctx, found, `{"cniVersion":${JSON.stringify(current)}}`, env);
  if (!r.ok) {
    if (r.error.message === 'unknown CNI_COMMAND: VERSION') return { ok: true, value: { cniVersion: '0.1.0', supportedVersions: ['0.1.0'] } };
    return r;
  }
  const p = goUnmarshal(r.value.stdout);
  if (!p.ok) return rtErr(`decoding version info: ${p.message}`);
  const o = (p.value ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) return rtErr(`decoding version info: json: cannot unmarshal ${goJsonKind(o)} into Go value of type version.pluginInfo`);
  const cniVersion = typeof o['cniVersion'] === 'string' ? o['cniVersion'] : '';
  const supported = Array.isArray(o['supportedVersions']) ? o['supportedVersions'].map(String) : [];
  if (cniVersion === '') return rtErr('decoding version info: missing field cniVersion');
  if (supported.length === 0) {
    if (cniVersion === '0.2.0') return { ok: true, value: { cniVersion: '0.2.0', supportedVersions: ['0.1.0', '0.2.0'] } };
    return rtErr('decoding version info: missing field supportedVersions');
  }
  return { ok: true, value: { cniVersion, supportedVersions: supported } };
}
