/**
 * Vitest reporter that ends `npm run test:kernel` with the one-line agreement summary, after the
 * default reporter has printed everything else.
 */
import { spawnSync } from 'node:child_process';
import { release } from 'node:os';
import type { Reporter, TestModule } from 'vitest/node';
import { sum, summaryLine, type KernelMeta } from './stats.js';

/** The oracle's versions: error texts differ between kernels (extack messages) and iproute2 releases. */
function oracle(): string {
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  const v = ip.status === 0 ? ip.stdout.trim() : 'ip: not found';
  return `kernel oracle: Linux ${release()}; ${v}`;
}

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
    else if (total.scenarios > 0) process.stdout.write(`${oracle()}\n`);
    if (total.pending > 0) process.stdout.write(`pending: ${total.pending} scenario(s) need features podnet lacks\n`);
    process.stdout.write(`${summaryLine(total)}\n`);
  }
}
