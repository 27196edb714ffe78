/**
 * Lines up the kernel's and podnet's steps of one lab by source line and judges each command:
 * exit codes always, normalised output where the command's output is meaningful.
 */
import { classify } from './classify.js';
import type { Step } from './linux.js';
import { MacTable, normalise } from './normalise.js';
import { versionHint } from './versions.js';

export interface Verdict {
  line: number;
  command: string;
  /** Undefined when bash had already stopped (exit, set -e, syntax error) but podnet went on. */
  linux?: Step;
  /** Undefined when podnet produced no step for this line. */
  podnet?: Step;
  exitAgrees: boolean;
  /** Undefined when only the exit code is compared for this command. */
  outputAgrees?: boolean;
  /** Normalised outputs, as compared. */
  linuxOut?: { stdout: string; stderr: string };
  podnetOut?: { stdout: string; stderr: string };
}

export interface Tally {
  commands: number;
  exitAgree: number;
  outputs: number;
  outputAgree: number;
}

export function compareRuns(linux: Step[], podnet: Step[]): Verdict[] {
  const byLine = new Map<number, Step>();
  for (const s of podnet) if (!byLine.has(s.line)) byLine.set(s.line, s);
  // Each side masks its MACs with its own table, walked in command order, so tokens line up by role.
  const lm = new MacTable();
  const pm = new MacTable();
  const verdicts = linux.map((l) => {
    const p = byLine.get(l.line);
    const v: Verdict = { line: l.line, command: l.command, linux: l, exitAgrees: p !== undefined && p.exitCode === l.exitCode };
    if (p) v.podnet = p;
    const linuxOut = { stdout: normalise(l.stdout, lm, l.command), stderr: normalise(l.stderr, lm, l.command) };
    const podnetOut = p ? { stdout: normalise(p.stdout, pm, l.command), stderr: normalise(p.stderr, pm, l.command) } : undefined;
    if (classify(l.command) === 'output') {
      v.linuxOut = linuxOut;
      if (podnetOut) v.podnetOut = podnetOut;
      v.outputAgrees = podnetOut !== undefined && podnetOut.stdout === linuxOut.stdout && podnetOut.stderr === linuxOut.stderr;
    }
    return v;
  });
  // A command podnet ran after bash had stopped is a disagreement too: the lab should have ended.
  const seen = new Set(linux.map((l) => l.line));
  for (const p of byLine.values()) if (!seen.has(p.line)) verdicts.push({ line: p.line, command: p.command, podnet: p, exitAgrees: false });
  return verdicts.sort((a, b) => a.line - b.line);
}

export function tally(verdicts: Verdict[]): Tally {
  const t: Tally = { commands: 0, exitAgree: 0, outputs: 0, outputAgree: 0 };
  for (const v of verdicts) {
    t.commands++;
    if (v.exitAgrees) t.exitAgree++;
    if (v.outputAgrees !== undefined) {
      t.outputs++;
      if (v.outputAgrees) t.outputAgree++;
    }
  }
  return t;
}

export function indent(s: string, pad = '    '): string {
  if (s === '') return `${pad}(empty)\n`;
  const lines = s.endsWith('\n') ? s.slice(0, -1).split('\n') : s.split('\n');
  return lines.map((l) => pad + l).join('\n') + '\n';
}

/** What a reader needs to see one disagreement without rerunning anything. */
export function describeVerdict(v: Verdict): string {
  let s = `line ${v.line}: ${v.command}\n`;
  if (!v.linux) return s + `  bash had stopped before this line; podnet ran it (exit ${v.podnet?.exitCode})\n`;
  if (!v.podnet) return s + `  podnet ran no command at this line (linux exit ${v.linux.exitCode})\n`;
  if (!v.exitAgrees) s += `  exit code: linux ${v.linux.exitCode}, podnet ${v.podnet.exitCode}\n`;
  if (v.outputAgrees === false && v.linuxOut && v.podnetOut) {
    if (v.linuxOut.stdout !== v.podnetOut.stdout)
      s += `  stdout, linux:\n${indent(v.linuxOut.stdout)}  stdout, podnet:\n${indent(v.podnetOut.stdout)}`;
    if (v.linuxOut.stderr !== v.podnetOut.stderr)
      s += `  stderr, linux:\n${indent(v.linuxOut.stderr)}  stderr, podnet:\n${indent(v.podnetOut.stderr)}`;
    const hint = versionHint(v.linuxOut.stdout + v.linuxOut.stderr, v.podnetOut.stdout + v.podnetOut.stderr);
    if (hint) s += `  note (kernel version?): ${hint}\n`;
  }
  return s;
}
