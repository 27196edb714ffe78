/**
 * Runs a lab under bash with the real tools on a throwaway host of its own: fresh network, mount and
 * PID namespaces, so the lab's names never collide with anything and everything it started dies with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogicalCommand } from './split.js';

export interface Step {
  line: number;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LinuxRun {
  steps: Step[];
  /** True when the wall-clock budget ran out; the command that was running is the last step. */
  timedOut: boolean;
  /** Set when the isolated host could not be built at all. */
  error?: string;
}

/** Exit code recorded for a command the budget cut short (bash uses 124 for timeout(1) too). */
export const TIMED_OUT = 124;

/**
 * The fresh host: the lab's root namespace is a new netns whose lo is up (as podnet's lab host),
 * /run/netns is private so `ip netns add red` never meets the machine's own red, /sys is remounted
 * so /sys/class/net shows this netns, /proc is remounted for the new PID namespace.
 * --kill-child plus the PID namespace means that when unshare dies every process of the lab dies,
 * and with the last process and mount gone, every namespace the lab made is freed.
 */
const UNSHARE = ['--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private'];
const PRELUDE = 'mkdir -p /run/netns && mount -t tmpfs none /run/netns && mount -t sysfs none /sys && ip link set lo up';

let probed: string | undefined | null = null;

/** Why this machine cannot build isolated hosts, or undefined if it can. Probed once. */
export function namespacesUnavailable(): string | undefined {
  if (probed !== null) return probed;
  const r = spawnSync('unshare', [...UNSHARE, 'bash', '-c', PRELUDE], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) probed = `unshare: ${r.error.message}`;
  else if (r.status !== 0) probed = (r.stderr || `unshare exited ${r.status}`).trim();
  else probed = undefined;
  return probed;
}

/**
 * Wraps every logical command in a brace group (same shell, so variables and `cd` persist) whose
 * output and $? go to numbered files. Background jobs inherit the redirection, so what `nc -l &`
 * prints lands in its own step's files. At the end jobs are killed, as the podnet lab runner does.
 */
export function wrapScript(commands: LogicalCommand[], labDir: string, outDir: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const body = commands.map((c, i) =>
    [
      `{`,
      // The blank line ends a stray trailing `\` continuation before it could swallow the `}`.
      c.raw,
      '',
      `} >${q(join(outDir, `${i}.out`))} 2>${q(join(outDir, `${i}.err`))}; echo $? >${q(join(outDir, `${i}.rc`))}`,
    ].join('\n'),
  );
  return [
    'exec </dev/null',
    'export LANG=C LC_ALL=C',
    `cd ${q(labDir)} || exit 99`,
    ...body,
    // Give background jobs' last output a moment to land before they are killed.
    'if [ -n "$(jobs -p)" ]; then sleep 0.2; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; fi',
    'exit 0',
    '',
  ].join('\n');
}

export interface LinuxOptions {
  /** Folder the lab's relative paths resolve from. */
  labDir: string;
  timeoutMs?: number;
}

export function runOnLinux(commands: LogicalCommand[], opts: LinuxOptions): Promise<LinuxRun> {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-kernel-'));
  const script = join(dir, 'lab.sh');
  writeFileSync(script, wrapScript(commands, opts.labDir, dir));
  const timeoutMs = opts.timeoutMs ?? 60_000;

  return new Promise((resolve) => {
    let timedOut = false;
    let stderr = '';
    // detached = its own process group, so the kill below reaches unshare and everything under it.
    const child = spawn('unshare', [...UNSHARE, 'bash', '-c', `${PRELUDE} && exec bash ${script}`], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, timeoutMs);
    const finish = (spawnError?: string) => {
      clearTimeout(timer);
      killAll();
      const steps = collect(commands, dir, timedOut);
      rmSync(dir, { recursive: true, force: true });
      const run: LinuxRun = { steps, timedOut };
      if (spawnError) run.error = spawnError;
      else if (steps.length === 0 && commands.length > 0) run.error = stderr.trim() || 'isolated host did not start';
      resolve(run);
    };
    child.on('error', (e) => finish(`unshare: ${e.message}`));
    child.on('close', () => finish());
  });
}

function collect(commands: LogicalCommand[], dir: string, timedOut: boolean): Step[] {
  const steps: Step[] = [];
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    const rc = read(join(dir, `${i}.rc`));
    const stdout = read(join(dir, `${i}.out`));
    if (stdout === undefined) break; // never started
    const stderr = read(join(dir, `${i}.err`)) ?? '';
    if (rc === undefined) {
      // Started but never finished: the budget ran out (or the host died) while it ran.
      steps.push({ line: c.line, command: c.command, exitCode: TIMED_OUT, stdout, stderr: stderr + (timedOut ? '(timed out)\n' : '(killed)\n') });
      break;
    }
    steps.push({ line: c.line, command: c.command, exitCode: Number(rc.trim()), stdout, stderr });
  }
  return steps;
}
