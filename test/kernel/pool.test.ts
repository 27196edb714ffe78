import { expect, test } from 'vitest';
import { limiter } from './pool.js';

test('never runs more than the limit at once, and runs everything', async () => {
  const limit = limiter(3);
  let active = 0;
  let peak = 0;
  const done: number[] = [];
  const job = (i: number) => async () => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 5 + (i % 3) * 5));
    active--;
    done.push(i);
    return i * 2;
  };
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => limit(job(i))));
  expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
  expect(peak).toBe(3);
  expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a failing job frees its slot', async () => {
  const limit = limiter(1);
  await expect(limit(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
  await expect(limit(() => Promise.resolve(7))).resolves.toBe(7);
});
