/**
 * Shrinks a disagreeing lab to a minimal script: delta debugging (ddmin) over the lab's removable
 * lines, keeping a candidate only when it still disagrees on the same command. Each candidate costs a
 * real Linux run (0.1-1 s and more with lost pings), so the search is bounded in runs and time;
 * fast-check's own shrinker would need far more runs than that.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from './harness.js';

export interface ShrinkOptions {
  /** Lines [0, keepPrefix) are the fixed setup: never removed. */
  keepPrefix?: number;
  maxRuns?: number;
  maxMs?: number;
  /** For tests: the clock. */
  now?: () => number;
}

export interface ShrinkResult {
  text: string;
  runs: number;
  /** The search stopped on its run or time budget, not at a 1-minimal script. */
  bounded: boolean;
}

/**
 * ddmin over lines: try dropping each of n chunks of the removable lines (then their complements
 * are not tried: removing chunks is what makes scripts short); on success restart at coarser
 * granularity, else refine. `fails(text)` is the oracle: true when the text still shows the bug.
 */
export async function shrinkLines(text: string, fails: (text: string) => Promise<boolean>, opts: ShrinkOptions = {}): Promise<ShrinkResult> {
  const now = opts.now ?? Date.now;
  const maxRuns = opts.maxRuns ?? 40;
  const deadline = now() + (opts.maxMs ?? 60_000);
  const all = text.replace(/\n$/, '').split('\n');
  const prefix = all.slice(0, opts.keepPrefix ?? 0);
  let rest = all.slice(opts.keepPrefix ?? 0);
  const render = (ls: string[]) => [...prefix, ...ls].join('\n') + '\n';
  let runs = 0;
  const budget = () => runs < maxRuns && now() < deadline;
  let n = 2;
  while (rest.length >= 1 && budget()) {
    const size = Math.ceil(rest.length / n);
    let reduced = false;
    for (let start = 0; start < rest.length && budget(); start += size) {
      const candidate = [...rest.slice(0, start), ...rest.slice(start + size)];
      runs++;
      if (await fails(render(candidate))) {
        rest = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) return { text: render(rest), runs, bounded: false };
      n = Math.min(rest.length, n * 2);
    }
  }
  return { text: render(rest), runs, bounded: rest.length > 0 && !budget() };
}

/** The commands a run disagrees on, as written: what a shrunk lab must keep disagreeing on. */
export function disagreeingCommands(r: ScenarioResult): string[] {
  return r.verdicts.filter((v) => !v.exitAgrees || v.outputAgrees === false).map((v) => v.command);
}

/** A shrunk lab with its provenance, ready to run as a regular scenario. */
export function foundLab(opts: { family: string; seed: number; generator: string; command: string; text: string; runs: number; bounded: boolean }): string {
  const body = opts.text.replace(/^# Random.*\n/, '');
  return [
    `# Found by the ${opts.family} generator (${opts.generator}), seed ${opts.seed}: npx tsx test/kernel/replay.ts --${opts.family} ${opts.seed}`,
    `# Shrunk in ${opts.runs} runs${opts.bounded ? ' (stopped on its budget: may not be minimal)' : ''}; podnet disagreed with Linux on:`,
    `#   ${opts.command}`,
    body,
  ].join('\n');
}

export function saveFound(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
