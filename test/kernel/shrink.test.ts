import { expect, test } from 'vitest';
import { foundLab, shrinkLines } from './shrink.js';
import { parseArgs } from './run.js';

const script = ['# header', 'setup 1', 'setup 2', ...Array.from({ length: 20 }, (_, i) => `cmd ${i}`)].join('\n') + '\n';

test('shrink keeps only the lines the (fake) disagreement needs, and never the protected prefix', async () => {
  // The fake oracle "disagrees" only when cmd 3 and cmd 17 are both present (cmd 17 depends on cmd 3).
  const seen: string[] = [];
  const fails = async (t: string) => {
    seen.push(t);
    return t.includes('cmd 3\n') && t.includes('cmd 17\n');
  };
  const r = await shrinkLines(script, fails, { keepPrefix: 3, maxRuns: 100 });
  expect(r.text).toBe('# header\nsetup 1\nsetup 2\ncmd 3\ncmd 17\n');
  expect(r.bounded).toBe(false);
  expect(r.runs).toBe(seen.length);
  for (const t of seen) expect(t.startsWith('# header\nsetup 1\nsetup 2\n')).toBe(true);
});

test('shrink stops on its run budget and its time budget', async () => {
  const always = async () => false;
  const r = await shrinkLines(script, always, { keepPrefix: 3, maxRuns: 5 });
  expect(r.runs).toBe(5);
  expect(r.bounded).toBe(true);
  expect(r.text).toBe(script);
  let t = 0;
  const slow = await shrinkLines(script, async () => ((t += 10_000), false), { keepPrefix: 3, maxMs: 25_000, now: () => t });
  expect(slow.runs).toBe(3);
  expect(slow.bounded).toBe(true);
});

test('a single-line culprit shrinks to just that line', async () => {
  const r = await shrinkLines(script, async (t) => t.includes('cmd 9\n'), { keepPrefix: 3 });
  expect(r.text).toBe('# header\nsetup 1\nsetup 2\ncmd 9\n');
});

test('a found lab says where it came from and still starts with its setup', () => {
  const text = foundLab({ family: 'random-net', seed: 7, generator: 'gen/1', command: 'ip -n r route', text: '# Random x\nsetup\ncmd\n', runs: 12, bounded: false });
  expect(text).toBe(
    '# Found by the random-net generator (gen/1), seed 7: npx tsx test/kernel/replay.ts --random-net 7\n' +
      '# Shrunk in 12 runs; podnet disagreed with Linux on:\n#   ip -n r route\nsetup\ncmd\n',
  );
});

test('run.ts turns --seeds and --seed-base into the suite environment and passes the rest to vitest', () => {
  expect(parseArgs(['--seeds', '50', '-t', 'random-net'])).toEqual({ env: { PODNET_KERNEL_SEEDS: '50' }, rest: ['-t', 'random-net'] });
  expect(parseArgs(['--seeds=3', '--seed-base', '100'])).toEqual({ env: { PODNET_KERNEL_SEEDS: '3', PODNET_KERNEL_SEED_BASE: '100' }, rest: [] });
  expect(() => parseArgs(['--seeds'])).toThrow(/whole number/);
});

test('shrunk labs under test/kernel/found run as regular scenarios; found-pending ones do not', async () => {
  const { SCENARIO_DIRS } = await import('./harness.js');
  expect(SCENARIO_DIRS).toContain('test/kernel/found');
  expect(SCENARIO_DIRS).not.toContain('test/kernel/found-pending');
});
