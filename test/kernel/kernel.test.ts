/**
 * The differential suite: every lab under topologies/labs and test/kernel/scenarios runs on a real,
 * isolated Linux host and in podnet; any command whose exit code or meaningful output differs fails it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { findScenarios, randomLabName, report, runLabText, runScenario, type ScenarioResult } from './harness.js';
import { namespacesUnavailable } from './linux.js';
import { limiter } from './pool.js';
import { generateLab, generatePathLab } from './random.js';
import { emptyMeta, sum, summaryLine, type KernelMeta } from './stats.js';

const SKIPPED = 'skipped: no network namespaces';
const unavailable = namespacesUnavailable();
const scenarios = findScenarios();
const collected: KernelMeta[] = [];

/**
 * Generated labs: seeds BASE..BASE+N-1, fixed by default so a failure reproduces; set
 * PODNET_KERNEL_SEED_BASE (e.g. to the date) to explore new ones, PODNET_KERNEL_SEEDS=0 to skip.
 */
function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isSafeInteger(v) && v >= 0 ? v : fallback;
}
const SEED_BASE = envInt('PODNET_KERNEL_SEED_BASE', 1);
const SEEDS = Array.from({ length: envInt('PODNET_KERNEL_SEEDS', 16) }, (_, i) => SEED_BASE + i);

/**
 * All runs start as soon as the suite does, PODNET_KERNEL_JOBS at a time (default 8); each test only
 * waits for its own. Vitest alone would run five at once, and real labs spend most of their time waiting.
 */
const run = limiter(Math.max(1, envInt('PODNET_KERNEL_JOBS', 8)));
const started = new Map<string, Promise<ScenarioResult>>();
function result(file: string, start: () => Promise<ScenarioResult>): Promise<ScenarioResult> {
  let p = started.get(file);
  if (!p) {
    p = run(start);
    started.set(file, p);
  }
  return p;
}

function judge(r: ScenarioResult, meta: KernelMeta, ctx: { task: { meta: { kernel?: KernelMeta } }; skip: (note?: string) => never }): void {
  ctx.task.meta.kernel = meta;
  collected.push(meta);
  if (meta.pending) ctx.skip(`pending: podnet lacks ${r.header.expect.join(', ')}`);
  if (!r.agrees) {
    const e = new Error(`podnet disagrees with the kernel on ${r.file}\n${report(r)}`);
    // The harness's own frames say nothing about the disagreement.
    e.stack = e.message;
    throw e;
  }
}

afterAll(() => {
  // Also printed here so plain `npm test` shows it; the kernel reporter repeats it as the last line.
  console.log(summaryLine(sum(collected)));
});

if (unavailable !== undefined) {
  test('kernel scenarios need network namespaces', (ctx) => {
    console.log(`${SKIPPED}\n(${unavailable})`);
    ctx.task.meta.kernel = { ...emptyMeta(), skipped: SKIPPED };
    collected.push(ctx.task.meta.kernel);
    ctx.skip(SKIPPED);
  });
} else {
  describe.concurrent('kernel agreement', () => {
    const families = [
      ['random', generateLab],
      ['random-path', generatePathLab],
    ] as const;
    const generated = families.flatMap(([family, generate]) => SEEDS.map((seed) => ({ file: randomLabName(seed, family), text: generate(seed) })));

    const runGenerated = async (file: string, text: string): Promise<ScenarioResult> => {
      const labDir = mkdtempSync(join(tmpdir(), 'podnet-random-'));
      try {
        return await runLabText(text, { file, labDir });
      } finally {
        rmSync(labDir, { recursive: true, force: true });
      }
    };
    beforeAll(() => {
      for (const file of scenarios) void result(file, () => runScenario(file)).catch(() => undefined);
      for (const g of generated) void result(g.file, () => runGenerated(g.file, g.text)).catch(() => undefined);
    });

    for (const file of scenarios) {
      test(file, async (ctx) => {
        const r = await result(file, () => runScenario(file));
        const pending = r.header.expect.length > 0 && !r.agrees;
        judge(r, { ...r.tally, scenarios: 1, randomSeeds: 0, pending: pending ? 1 : 0 }, ctx);
      }, 300_000);
    }
    for (const { file, text } of generated) {
      test(file, async (ctx) => {
        const r = await result(file, () => runGenerated(file, text));
        try {
          judge(r, { ...r.tally, scenarios: 0, randomSeeds: 1, pending: 0 }, ctx);
        } catch (e) {
          // The lab exists nowhere else: show it, so the report alone is enough to reproduce.
          if (e instanceof Error) e.message = e.stack = `${e.message}--- ${file} ---\n${text}`;
          throw e;
        }
      }, 300_000);
    }
  });
}
