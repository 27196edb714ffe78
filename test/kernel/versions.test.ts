import { expect, test } from 'vitest';
import { compareRuns, describeVerdict } from './compare.js';
import { versionHint } from './versions.js';

test('known version-dependent pairs get a hint, in that direction only', () => {
  expect(versionHint('Error: ipv4: Address already assigned.\n', 'RTNETLINK answers: File exists\n')).toMatch(/extack/);
  expect(versionHint('RTNETLINK answers: File exists\n', 'Error: ipv4: Address already assigned.\n')).toBeUndefined();
  expect(versionHint('local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n', 'local 10.0.0.1 dev lo table local src 10.0.0.1 uid 0 \n')).toMatch(/local table/);
  expect(versionHint('local 10.0.0.1 dev lo table local src 10.0.0.1 uid 0 \n', 'local 10.0.0.1 dev lo table local src 10.0.0.1 uid 0 \n')).toBeUndefined();
  expect(versionHint('', 'RTNETLINK answers: Device or resource busy\n')).toMatch(/renaming/);
  expect(versionHint('RTNETLINK answers: No such process\n', 'RTNETLINK answers: File exists\n')).toBeUndefined();
});

test('the hint is added to the report, the disagreement stays', () => {
  const step = (stderr: string) => ({ line: 1, command: 'ip addr add 10.0.0.1/24 dev x', exitCode: 2, stdout: '', stderr });
  const [v] = compareRuns([step('Error: ipv4: Address already assigned.\n')], [step('RTNETLINK answers: File exists\n')]);
  expect(v!.outputAgrees).toBe(false);
  expect(describeVerdict(v!)).toContain('note (kernel version?)');
});
