/**
 * The numbers the suite's summary line is made of, carried from each scenario's test to the reporter
 * on the test's meta (tests run in workers; the reporter runs in the main process).
 */
import type { Tally } from './compare.js';

export interface KernelMeta extends Tally {
  scenarios: number;
  /** Generated labs (one per seed) that ran; not counted in scenarios. */
  randomSeeds: number;
  pending: number;
  /** Set on the one test that records why no scenario could run. */
  skipped?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    kernel?: KernelMeta;
  }
}

export function emptyMeta(): KernelMeta {
  return { commands: 0, exitAgree: 0, outputs: 0, outputAgree: 0, scenarios: 0, randomSeeds: 0, pending: 0 };
}

export function sum(metas: KernelMeta[]): KernelMeta {
  const t = emptyMeta();
  for (const m of metas) {
    t.commands += m.commands;
    t.exitAgree += m.exitAgree;
    t.outputs += m.outputs;
    t.outputAgree += m.outputAgree;
    t.scenarios += m.scenarios;
    t.randomSeeds += m.randomSeeds;
    t.pending += m.pending;
    if (m.skipped) t.skipped = m.skipped;
  }
  return t;
}

export function summaryLine(t: KernelMeta): string {
  return `kernel agreement: ${t.exitAgree}/${t.commands} commands, ${t.outputAgree}/${t.outputs} outputs, ${t.scenarios} scenarios, ${t.randomSeeds} random seeds`;
}
