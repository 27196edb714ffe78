/**
 * `podnet lab FILE`: reads the script, runs it on a fresh world and prints what bash would have
 * printed, or the documented JSON form.
 *
 * JSON schema (stable): an array with one object per logical command line, in script order:
 *   { line: number, command: string, exitCode: number, stdout: string, stderr: string,
 *     trace?: TraceEvent[],   // trace only with --trace
 *     paths?: { complete: boolean, outcomes: StepOutcome[] } }   // --all-paths, steps that met a random branch
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { lookupCommand } from '../commands/registry.js';
import { allPaths, renderStepPaths, type StepPaths } from './all-paths.js';
import { writeCapture } from './capture.js';
import { renderTrace } from './trace.js';
import { withSessionWorld } from './world.js';

export interface LabCliOptions {
  json?: boolean;
  trace?: boolean;
  pcap?: string;
  seed: string;
  /** After each step that met a random branch, every outcome it can have (docs/lab-shell.md). */
  allPaths?: boolean;
  /** Run on this world file's world (host "host") and save it back, instead of a fresh world. */
  world?: string;
}

const NODE_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

/** Runs the lab and writes its output; returns the exit status bash would have returned (2 for podnet usage errors). */
export function labCommand(file: string, opts: LabCliOptions): number {
  if (!/^[0-9]+$/.test(opts.seed) || !Number.isSafeInteger(Number(opts.seed))) {
    process.stderr.write(`podnet: invalid --seed '${opts.seed}': expected a non-negative integer\n`);
    return 2;
  }
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    process.stderr.write(`podnet: cannot read lab file '${file}': ${NODE_ERRNO_TEXT[code] ?? (e as Error).message}\n`);
    return 2;
  }
  if (opts.world !== undefined && opts.allPaths) {
    process.stderr.write('podnet lab: --all-paths re-runs the lab on fresh worlds, so it cannot be combined with --world\n');
    return 2;
  }
  // A recorded world (a fresh one, or --world's), so a real program a line runs acts on it (docs/shims.md).
  const ran = withSessionWorld(opts.world, Number(opts.seed), (session) =>
    session.runLab(text, {
      file,
      cwd: dirname(resolve(file)),
      ...(opts.trace || opts.allPaths ? { trace: true } : {}),
      ...(opts.pcap ? { pcap: true } : {}),
    }),
  );
  if (!ran.ok) {
    process.stderr.write(`podnet lab: ${ran.error.message}\n`);
    return 2;
  }
  const lab = ran.value;
  const paths = new Map<number, StepPaths>();
  if (opts.allPaths) {
    for (const sp of allPaths(text, { file, cwd: dirname(resolve(file)), seed: Number(opts.seed), lookup: lookupCommand }, lab)) paths.set(sp.step, sp);
  }
  if (opts.json) {
    const rows = lab.steps.map((s, i) => ({
      line: s.line,
      command: s.command,
      exitCode: s.exitCode,
      stdout: s.stdout,
      stderr: s.stderr,
      ...(opts.trace ? { trace: s.trace ?? [] } : {}),
      ...(paths.has(i) ? { paths: { complete: paths.get(i)!.complete, outcomes: paths.get(i)!.outcomes } } : {}),
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    lab.steps.forEach((s, i) => {
      for (const c of s.output) (c.stream === 'stdout' ? process.stdout : process.stderr).write(c.text);
      if (opts.trace && s.trace && s.trace.length > 0) process.stdout.write(renderTrace(s.trace));
      const sp = paths.get(i);
      if (sp) process.stdout.write(renderStepPaths(sp));
    });
  }
  if (opts.pcap) {
    const w = writeCapture(opts.pcap, lab.frames);
    if (!w.ok) {
      process.stderr.write(`podnet: cannot write capture '${opts.pcap}': ${w.error.message}\n`);
      return 2;
    }
  }
  return lab.exitCode;
}
