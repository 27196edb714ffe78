import { expect, test } from 'vitest';
import { emptyMeta, sum, summaryLine } from './stats.js';

test('the summary line has exactly the agreed form', () => {
  const a = { commands: 10, exitAgree: 9, outputs: 8, outputAgree: 7, scenarios: 1, randomSeeds: 0, pending: 0 };
  const b = { commands: 5, exitAgree: 5, outputs: 4, outputAgree: 2, scenarios: 0, randomSeeds: 1, pending: 0 };
  expect(summaryLine(sum([a, b]))).toBe('kernel agreement: 14/15 commands, 9/12 outputs, 1 scenarios, 1 random seeds');
  expect(summaryLine(emptyMeta())).toMatch(/^kernel agreement: 0\/0 commands, 0\/0 outputs, 0 scenarios, 0 random seeds$/);
});

test('a skip note survives summing', () => {
  expect(sum([emptyMeta(), { ...emptyMeta(), skipped: 'skipped: no network namespaces' }]).skipped).toBe('skipped: no network namespaces');
});
