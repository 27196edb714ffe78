/**
 * Runs a REAL program (a user's CNI plugin script, any executable) against a live, recorded world:
 * the world is handed over as a temporary world file, the program runs with $PODNET_WORLD naming
 * it and podnet's shims first on PATH, and whatever its shim calls appended to that file is then
 * applied to the live world — the way a process on a machine changes that machine.
 *
 * The world must belong to a Session (session.ts): the copy is the session's journal. Replaying a
 * world that ran a real program does not run it again; its recorded effects are applied instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { constants } from 'node:os';
import type { ExecResult } from '../types.js';
import { result } from '../types.js';
import type { World } from '../../world/api.js';
import { sessionOf } from './session.js';
import { readWorldFile, WORLD_FORMAT, WORLD_VERSION, type WorldFile } from './persist.js';
import { installShims } from './external-shims.js';

export interface ExternalProgram {
  /** The executable (a real path, absolute or relative to cwd) and its arguments. */
  argv: string[];
  /** Host whose world the program acts on: the shims default to it ($PODNET_HOST). */
  host: string;
  /** Namespace the shims default to ($PODNET_NETNS); absent = the host's root namespace. */
  netns?: string;
  /** Added to this process's environment (e.g. CNI_COMMAND, CNI_NETNS, ...). */
  env?: Record<string, string>;
  stdin?: string;
  /** Real working folder of the program (default: process.cwd()). */
  cwd?: string;
  /** Killed after this much wall time (default 60 s); the result is then exit 124 like timeout(1). */
  timeoutMs?: number;
}

/** The shims of this install, checked once per process (installShims rewrites only what differs). */
let shimDir: string | undefined;
function shims(): { ok: true; dir: string } | { ok: false; message: string } {
  if (shimDir) return { ok: true, dir: shimDir };
  const r = installShims();
  if (!r.ok) return { ok: false, message: r.error.message };
  shimDir = r.value;
  return { ok: true, dir: r.value };
}

/**
 * Runs prog against `world` and returns what it printed and its exit status, exactly as a shell
 * would report it (127 not found, 126 not executable, 128+N killed by signal N). Its changes are
 * applied to `world` before this returns. Never throws for the program's failures.
 */
export function runExternal(world: World, prog: ExternalProgram): ExecResult {
  const name = prog.argv[0] ?? '';
  const session = sessionOf(world);
  if (!session) return result(126, '', `podnet: cannot run real program '${name}': this world is not recorded (open it as a world session, see docs/shims.md)\n`);
  const hook = session.external();
  const recorded = hook.replayed(prog.argv);
  if (recorded) return result(recorded.exitCode, recorded.stdout, recorded.stderr);

  const sh = shims();
  if (!sh.ok) return result(126, '', `podnet: cannot run real program '${name}': ${sh.message}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'podnet-world-'));
  try {
    const file = join(dir, 'world.json');
    const snapshot = hook.snapshot();
    const data: WorldFile = { format: WORLD_FORMAT, version: WORLD_VERSION, seed: session.seed, modules: [...session.modules], hosts: world.hosts().map((h) => h.name), journal: snapshot };
    writeFileSync(file, JSON.stringify(data) + '\n');

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('PODNET_')) env[k] = v;
    Object.assign(env, prog.env ?? {});
    env['PATH'] = [sh.dir, prog.env?.['PATH'] ?? process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'].join(delimiter);
    env['PODNET_WORLD'] = file;
    env['PODNET_HOST'] = prog.host;
    if (prog.netns !== undefined) env['PODNET_NETNS'] = prog.netns;

    const p = spawnSync(name, prog.argv.slice(1), {
      cwd: prog.cwd ?? process.cwd(),
      env,
      input: prog.stdin ?? '',
      encoding: 'utf8',
      timeout: prog.timeoutMs ?? 60_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const stdout = p.stdout ?? '';
    let stderr = p.stderr ?? '';
    let exitCode: number;
    const code = (p.error as { code?: string } | undefined)?.code;
    if (code === 'ENOENT') return result(127, '', `${name}: No such file or directory\n`);
    if (code === 'EACCES') return result(126, '', `${name}: Permission denied\n`);
    if (code === 'ETIMEDOUT') exitCode = 124;
    else if (p.error) return result(126, '', `${name}: ${p.error.message}\n`);
    else if (p.signal) exitCode = 128 + (constants.signals[p.signal] ?? 0);
    else exitCode = p.status ?? 1;

    // Whatever the program managed before it ended (even by a crash) happened to the world.
    const after = readWorldFile(file);
    let entries = after.ok ? after.value.journal.slice(snapshot.length) : [];
    if (!after.ok) stderr += `podnet: the world copy given to '${name}' is unreadable, its changes are lost: ${after.error.message}\n`;
    else if (after.value.journal.length < snapshot.length) {
      stderr += `podnet: '${name}' replaced its world copy; its changes are lost\n`;
      entries = [];
    }
    const c = hook.commit({ argv: [...prog.argv], exitCode, stdout, stderr, entries });
    if (!c.ok) stderr += `podnet: applying what '${name}' did: ${c.error.message}\n`;
    return result(exitCode, stdout, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
