/**
 * The differential suite: every lab under topologies/labs and test/kernel/scenarios runs on a real,
 * isolated Linux host and in podnet; any command whose exit code or meaningful output differs fails it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { findScenarios, randomLabName, report, REPO, runLabText, runScenario, type ScenarioResult } from './harness.js';
import { namespacesUnavailable, REAL_CNI_DIR } from './linux.js';
import { limiter } from './pool.js';
import { FAMILIES, type Family } from './random.js';
import { disagreeingCommands, foundLab, saveFound, shrinkLines } from './shrink.js';
import { emptyMeta, sum, summaryLine, type KernelMeta } from './stats.js';

const SKIPPED = 'skipped: no network namespaces';
const unavailable = namespacesUnavailable();
/** CNI labs run the reference plugins on the Linux side; without the package there is no oracle. */
const NO_CNI = existsSync(REAL_CNI_DIR) ? undefined : `skipped: no reference CNI plugins (${REAL_CNI_DIR} is missing; install containernetworking-plugins)`;
/** Labs that run CNI plugins from /opt/cni/bin: the cni scenarios and the ready labs built on them. */
const needsCni = (file: string) => file.startsWith('test/kernel/scenarios/cni/') || /^topologies\/labs\/cni-/.test(file);
const scenarios = findScenarios().filter((f) => !(NO_CNI && needsCni(f)));
const collected: KernelMeta[] = [];

/**
 * Generated labs: seeds BASE..BASE+N-1 of every family, fixed by default so a failure reproduces;
 * `npm run test:kernel -- --seeds N` (or PODNET_KERNEL_SEEDS=N) runs more, PODNET_KERNEL_SEED_BASE
 * (e.g. the date) explores new ones, PODNET_KERNEL_SEEDS=0 skips them. A disagreeing lab is shrunk
 * (at most PODNET_KERNEL_SHRINK_RUNS real runs, default 40, and 60 s; 0 turns shrinking off) and the
 * result saved as test/kernel/found/<family>-<seed>.lab, a regular scenario from then on.
 */
function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isSafeInteger(v) && v >= 0 ? v : fallback;
}
const SEED_BASE = envInt('PODNET_KERNEL_SEED_BASE', 1);
const SEEDS = Array.from({ length: envInt('PODNET_KERNEL_SEEDS', 12) }, (_, i) => SEED_BASE + i);
const SHRINK_RUNS = envInt('PODNET_KERNEL_SHRINK_RUNS', 40);
const FOUND_DIR = join(REPO, 'test/kernel/found');

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
    const generated = FAMILIES.flatMap((family) =>
      SEEDS.map((seed) => ({ family, seed, file: randomLabName(seed, family.name), text: family.generate(seed) })),
    );

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

    if (NO_CNI) test('CNI scenarios need the reference plugins', (ctx) => ctx.skip(NO_CNI));
    for (const file of scenarios) {
      test(file, async (ctx) => {
        const r = await result(file, () => runScenario(file));
        const pending = r.header.expect.length > 0 && !r.agrees;
        judge(r, { ...r.tally, scenarios: 1, randomSeeds: 0, pending: pending ? 1 : 0 }, ctx);
      }, 300_000);
    }
    /** Shrinks a disagreeing generated lab while it keeps disagreeing on the same command; saves it. */
    const shrinkAndSave = async (family: Family, seed: number, r: ScenarioResult, text: string): Promise<string> => {
      const target = disagreeingCommands(r)[0];
      if (target === undefined || SHRINK_RUNS === 0) return '';
      const file = randomLabName(seed, family.name);
      const s = await shrinkLines(
        text,
        async (candidate) => disagreeingCommands(await runGenerated(file, candidate)).includes(target),
        { keepPrefix: family.keepPrefix, maxRuns: SHRINK_RUNS, maxMs: 60_000 },
      );
      const saved = saveFound(FOUND_DIR, file, foundLab({ family: family.name, seed, generator: family.generator, command: target, ...s }));
      return `--- shrunk in ${s.runs} runs, saved as ${saved} ---\n${s.text}`;
    };

    for (const { family, seed, file, text } of generated) {
      test(file, async (ctx) => {
        const r = await result(file, () => runGenerated(file, text));
        try {
          judge(r, { ...r.tally, scenarios: 0, randomSeeds: 1, pending: 0 }, ctx);
        } catch (e) {
          // The lab exists nowhere else: show it, so the report alone is enough to reproduce.
          const shrunk = await shrinkAndSave(family, seed, r, text).catch((err: unknown) => `--- shrinking failed: ${String(err)} ---\n`);
          if (e instanceof Error) e.message = e.stack = `${e.message}--- ${file} ---\n${text}${shrunk}`;
          throw e;
        }
      }, 300_000);
    }
  });
}
