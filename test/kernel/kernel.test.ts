/**
 * The differential suite: every lab under topologies/labs and test/kernel/scenarios runs on a real,
 * isolated Linux host and in podnet; any command whose exit code or meaningful output differs fails it.
 */
import { afterAll, describe, test } from 'vitest';
import { findScenarios, report, runScenario } from './harness.js';
import { namespacesUnavailable } from './linux.js';
import { emptyMeta, sum, summaryLine, type KernelMeta } from './stats.js';

const SKIPPED = 'skipped: no network namespaces';
const unavailable = namespacesUnavailable();
const scenarios = findScenarios();
const collected: KernelMeta[] = [];

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
    for (const file of scenarios) {
      test(file, async (ctx) => {
        const r = await runScenario(file);
        const pending = r.header.expect.length > 0 && !r.agrees;
        const meta: KernelMeta = { ...r.tally, scenarios: 1, pending: pending ? 1 : 0 };
        ctx.task.meta.kernel = meta;
        collected.push(meta);
        if (pending) ctx.skip(`pending: podnet lacks ${r.header.expect.join(', ')}`);
        if (!r.agrees) {
          const e = new Error(`podnet disagrees with the kernel on ${file}\n${report(r)}`);
          // The harness's own frames say nothing about the disagreement.
          e.stack = e.message;
          throw e;
        }
      }, 180_000);
    }
  });
}
