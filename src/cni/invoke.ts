/**
 * Running another plugin from inside a plugin or the runtime (pkg/invoke): find it on CNI_PATH the
 * way FindInPath does, run it with CNI_COMMAND set and the configuration on stdin, and read back its
 * result or its error object.
 */
import type { ExecContext, ExecResult } from '../commands/types.js';
import { CniErrorCode, type CniError } from './spec.js';
import { pluginOfFile } from './registry.js';
import { pluginErr } from './exec.js';
import { goUnmarshal } from './gojson.js';

export type Found = { ok: true; path: string } | { ok: false; error: CniError };

/** FindInPath: the first DIR/TYPE that exists, in CNI_PATH order. */
export function findInPath(ctx: ExecContext, type: string, cniPath: string): Found {
  const internal = (msg: string): Found => ({ ok: false, error: { code: CniErrorCode.Internal, msg } });
  if (type === '') return internal('no plugin name provided');
  if (type.includes('/')) return internal(`invalid plugin name: ${type}`);
  const dirs = cniPath.split(':').filter((d) => d !== '');
  if (dirs.length === 0) return internal('no paths provided');
  for (const dir of dirs) {
    const full = `${dir.replace(/\/+$/, '')}/${type}`;
    if (ctx.fs.stat(full)?.type === 'file') return { ok: true, path: full };
  }
  return internal(`failed to find plugin "${type}" in path [${dirs.join(' ')}]`);
}

/**
 * Runs the program at PATH (a host file) as a CNI plugin with COMMAND and stdin: podnet's own
 * plugins in-process; anything else through ctx.exec, as execve would run a script.
 */
export function execPlugin(ctx: ExecContext, path: string, command: string, stdin: string, envOverride: Record<string, string> = {}): ExecResult {
  const env = { ...ctx.env, ...envOverride, CNI_COMMAND: command };
  const child: ExecContext = { ...ctx, env, stdin, background: false };
  const content = ctx.fs.read(path);
  const builtin = content.ok ? pluginOfFile(content.value) : undefined;
  return builtin ? builtin([path], child) : ctx.exec([path], child);
}

export type Delegated<T> = { ok: true; value: T } | { ok: false; error: CniError };

/**
 * What invoke.ExecPluginWithResult makes of a finished plugin: its stdout parsed as JSON on success
 * (Go's texts when it is not JSON); on failure RawExec.pluginErr — the plugin's own error object, or
 * "netplugin failed: ..." naming what it printed instead (code 0: a types.Error without a code).
 */
export function readPluginOutput(r: ExecResult): Delegated<unknown> {
  if (r.exitCode !== 0) {
    const e = pluginErr(`exit status ${r.exitCode}`, r.stdout, r.stderr).cni!;
    return { ok: false, error: { code: e.code, msg: e.msg, ...(e.details ? { details: e.details } : {}) } };
  }
  const p = goUnmarshal(r.stdout);
  if (!p.ok) return { ok: false, error: { code: CniErrorCode.Internal, msg: `failed to unmarshal raw result: ${p.message}` } };
  return { ok: true, value: p.value ?? {} };
}

/** DelegateAdd/Check/Del: run the plugin TYPE found on CNI_PATH (ctx.env) for COMMAND with NETCONF on stdin. */
export function delegate(ctx: ExecContext, type: string, command: 'ADD' | 'CHECK' | 'DEL', netconf: string): Delegated<unknown> {
  const found = findInPath(ctx, type, ctx.env['CNI_PATH'] ?? '');
  if (!found.ok) return found;
  const r = execPlugin(ctx, found.path, command, netconf);
  // ExecPluginWithoutResult (CHECK, DEL): only the failure matters, stdout is not read.
  if (command !== 'ADD' && r.exitCode === 0) return { ok: true, value: undefined };
  return readPluginOutput(r);
}
