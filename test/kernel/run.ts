/**
 * `npm run test:kernel -- [--seeds N] [--seed-base B] [vitest args...]`: vitest's CLI rejects options
 * it does not know, so this wrapper turns ours into the suite's environment variables
 * (PODNET_KERNEL_SEEDS, PODNET_KERNEL_SEED_BASE) and starts vitest with the rest.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function parseArgs(argv: string[]): { env: Record<string, string>; rest: string[] } {
  const env: Record<string, string> = {};
  const rest: string[] = [];
  const ours: Record<string, string> = { '--seeds': 'PODNET_KERNEL_SEEDS', '--seed-base': 'PODNET_KERNEL_SEED_BASE' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const name = ours[flag];
    if (!name) {
      rest.push(a);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} needs a whole number`);
    env[name] = v;
  }
  return { env, rest };
}

if (process.argv[1] && /run\.ts$/.test(process.argv[1])) {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', 'test/kernel', '--reporter=default', '--reporter=./test/kernel/reporter.ts', ...parsed.rest],
    { stdio: 'inherit', cwd: repo, env: { ...process.env, ...parsed.env } },
  );
  process.exit(r.status ?? 1);
}
