/**
 * Runs a lab script against a fresh one-host world and records, per logical line, what bash would
 * have printed and returned — plus, on request, the packet trace and the frames seen.
 *
 * Background jobs (`cmd &`): a job keeps running on virtual time while later lines execute; when the
 * lab ends, jobs get 200 ms of virtual time to finish what is in flight, then every job is killed
 * and everything it printed to the terminal is attached to the step that started it. Output its
 * line redirected into a file is written there before every later line runs, so `cat` sees it.
 * Real bash would interleave that output with later lines at the moment it is written; attaching it
 * to its own step keeps a lab's output deterministic and tells the reader which command printed it.
 */
import { dirname, resolve } from 'node:path';
import type { Job } from '../types.js';
import type { FrameEvent, TraceEvent, World } from '../../world/api.js';
import { createWorld } from '../../world/world.js';
import { lookupCommand } from '../registry.js';
import { parseScript } from './parse.js';
import { drainJobs, runItem, type Chunk, type Lookup, type ShellEnv, type ShellState } from './run.js';

export interface LabStep {
  /** File line the logical command starts on (1-based). */
  line: number;
  /** The logical command as written, continuations joined. */
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Packet-path events that happened while this step ran (when trace was asked). */
  trace?: TraceEvent[];
  /** stdout and stderr in the order they were written, for a terminal that shows both. */
  output: Chunk[];
}

export interface LabResult {
  steps: LabStep[];
  /** Every frame seen on any device (when pcap was asked). */
  frames: FrameEvent[];
  /** The status bash would exit with: the last command's, or the one `exit`/`set -e`/a syntax error gave. */
  exitCode: number;
}

export interface LabOptions {
  /** The script's name as the user gave it: bash prefixes its own errors with it. */
  file: string;
  /** Real folder the script's relative paths resolve from; default: the folder of `file`. */
  cwd?: string;
  seed?: number;
  trace?: boolean;
  pcap?: boolean;
  /** Which programs exist; the default is the full podnet registry. */
  lookup?: Lookup;
  /** For tests: a ready world instead of createWorld. */
  world?: World;
}

export const LAB_HOST = 'host';
/** Virtual time background jobs get after the last line, before they are killed. */
const JOB_GRACE_MS = 200;

export function runLab(text: string, opts: LabOptions): LabResult {
  if (looksBinary(text)) {
    const stderr = `${opts.file}: ${opts.file}: cannot execute binary file\n`;
    return { steps: [{ line: 1, command: '', exitCode: 126, stdout: '', stderr, output: [{ stream: 'stderr', text: stderr }] }], frames: [], exitCode: 126 };
  }
  const world = opts.world ?? createWorld({ seed: opts.seed ?? 1 });
  const host = world.host(LAB_HOST) ?? world.addHost(LAB_HOST);
  const root = host.netlink();
  // A booted machine has its loopback up; scripts rely on that (ping 127.0.0.1).
  if (root.ok) root.value.linkSet('lo', { up: true });
  const fs = host.fs;
  const cwd = opts.cwd ?? dirname(resolve(opts.file));
  // Relative paths live under the lab's folder; files the lab writes there shadow the real ones.
  fs.mkdir(cwd, { recursive: true });

  const steps: LabStep[] = [];
  const frames: FrameEvent[] = [];
  const jobStep = new Map<Job, number>();
  let traceBuf: TraceEvent[] = [];
  const offTrace = opts.trace ? world.onTrace((e) => traceBuf.push(e)) : undefined;
  const offFrame = opts.pcap ? world.onFrame((f) => frames.push(f)) : undefined;

  const env: ShellEnv = {
    world,
    host,
    fs,
    cwd,
    prefix: (line) => `${opts.file}: line ${line}: `,
    lookup: opts.lookup ?? lookupCommand,
    registerJob: (job) => jobStep.set(job, steps.length),
  };
  const state: ShellState = { vars: { HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', USER: 'root' }, status: 0, errexit: false };

  let exitCode = 0;
  // What jobs printed to the terminal waits for the end; what they wrote to files lands before each line.
  const toTerminal = new Map<Job, { stdout: string; stderr: string }>();
  const drain = (): void => {
    for (const d of drainJobs(state, env)) {
      const t = toTerminal.get(d.job) ?? { stdout: '', stderr: '' };
      t.stdout += d.stdout;
      t.stderr += d.stderr;
      toTerminal.set(d.job, t);
    }
  };
  // bash drops NUL bytes from the rest of a script.
  for (const item of parseScript(text.replace(/\0/g, ''))) {
    drain();
    traceBuf = [];
    const r = runItem(item, state, env);
    const step: LabStep = { line: item.line, command: item.text, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, output: r.output };
    if (opts.trace) step.trace = traceBuf;
    steps.push(step);
    exitCode = r.exitCode;
    if (r.stop) break;
  }
  traceBuf = [];
  // Packets still in flight reach the jobs before they die, as the kernel suite's bash wrapper lets them.
  const all = [...jobStep.keys()];
  if (all.some((job) => job.running())) world.runFor(JOB_GRACE_MS);
  for (const job of all) if (job.running()) job.kill();
  drain();
  for (const [job, out] of toTerminal) {
    const s = steps[jobStep.get(job) ?? -1];
    if (!s) continue;
    s.stdout += out.stdout;
    s.stderr += out.stderr;
    if (out.stdout) s.output.push({ stream: 'stdout', text: out.stdout });
    if (out.stderr) s.output.push({ stream: 'stderr', text: out.stderr });
  }
  offTrace?.();
  offFrame?.();
  return { steps, frames, exitCode };
}

/** bash's check_binary_file: a NUL among the first 80 bytes, before any newline, means "not a script". */
function looksBinary(text: string): boolean {
  const sample = Buffer.from(text.slice(0, 80), 'utf8').subarray(0, 80);
  for (const c of sample) {
    if (c === 0x0a) return false;
    if (c === 0) return true;
  }
  return false;
}
