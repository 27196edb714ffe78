import { expect, test } from 'vitest';
import { runOnPodnet } from './podnet.js';

const fake = (seed = 1) => ({ file: 'x.lab', cwd: '/labs', seed, runner: './fixtures/fake-lab.js', registry: './fixtures/fake-registry.js' });

test('loads runLab lazily and takes its steps', async () => {
  const r = await runOnPodnet('echo a\necho b', fake(7));
  expect(r).toEqual({
    steps: [
      { line: 1, command: 'echo a', exitCode: 0, stdout: 'echo a seed=7 cwd=/labs\n', stderr: '' },
      { line: 2, command: 'echo b', exitCode: 0, stdout: 'echo b seed=7 cwd=/labs\n', stderr: '' },
    ],
  });
});

test('accepts the house Result shape both ways', async () => {
  expect((await runOnPodnet('wrapped', fake())).steps).toHaveLength(1);
  expect(await runOnPodnet('result-error', fake())).toEqual({ steps: [], error: 'x.lab:1: bad' });
});

test('a runner that throws or is missing is an error value, not a crash', async () => {
  expect(await runOnPodnet('throw', fake())).toEqual({ steps: [], error: 'runLab threw: boom' });
  const missing = await runOnPodnet('x', { ...fake(), runner: './fixtures/nope.js' });
  expect(missing.error).toMatch(/^podnet lab runner not available/);
});
