import { expect, test } from 'vitest';
import { runOnPodnet } from './podnet.js';

const FAKE = './fixtures/fake-lab.js';

test('loads runLab lazily and takes its steps', async () => {
  const r = await runOnPodnet('echo a\necho b', '/x.lab', 7, FAKE);
  expect(r).toEqual({
    steps: [
      { line: 1, command: 'echo a', exitCode: 0, stdout: 'echo a seed=7\n', stderr: '' },
      { line: 2, command: 'echo b', exitCode: 0, stdout: 'echo b seed=7\n', stderr: '' },
    ],
  });
});

test('accepts the house Result shape both ways', async () => {
  expect((await runOnPodnet('wrapped', '/x.lab', 1, FAKE)).steps).toHaveLength(1);
  expect(await runOnPodnet('result-error', '/x.lab', 1, FAKE)).toEqual({ steps: [], error: '/x.lab:1: bad' });
});

test('a runner that throws or is missing is an error value, not a crash', async () => {
  expect(await runOnPodnet('throw', '/x.lab', 1, FAKE)).toEqual({ steps: [], error: 'runLab threw: boom' });
  const missing = await runOnPodnet('x', '/x.lab', 1, './fixtures/nope.js');
  expect(missing.error).toMatch(/^podnet lab runner not available/);
});
