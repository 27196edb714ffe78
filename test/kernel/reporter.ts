/**
 * Vitest reporter that ends `npm run test:kernel` with the one-line agreement summary, after the
 * default reporter has printed everything else.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { sum, summaryLine, type KernelMeta } from './stats.js';

export default class KernelReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const metas: KernelMeta[] = [];
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const k = t.meta().kernel;
        if (k) metas.push(k);
      }
    const total = sum(metas);
    if (total.skipped) process.stdout.write(`${total.skipped}\n`);
    if (total.pending > 0) process.stdout.write(`pending: ${total.pending} scenario(s) need features podnet lacks\n`);
    process.stdout.write(`${summaryLine(total)}\n`);
  }
}
