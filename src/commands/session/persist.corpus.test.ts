// The differential suite's labs, run once as one lab and once as one process per command (each
// command a `bash -c` in a world loaded from the file the previous one saved): a world file must
// carry everything a later process can see, so both runs print the same.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLab } from '../shell/lab.js';
import { splitLab } from '../../../test/kernel/split.js';
import { Session } from './session.js';
import { parseWorldFile, sessionFromFile, worldFileOf } from './persist.js';

const SCENARIOS = fileURLToPath(new URL('../../../test/kernel/scenarios/', import.meta.url));

function labs(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? labs(p) : n.endsWith('.lab') ? [p] : [];
  });
}

/**
 * Labs whose lines stand alone as processes: no shell variables, background jobs, `wait`, `cd`,
 * `set -e` or `exit` (state a shell keeps between lines, which separate processes do not share).
 */
function standalone(text: string): boolean {
  const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  return !/\$|(?<![&>])&(?![&>])|(^|[;|&]\s*)(wait|cd|exit|export|kill|set\s+[-+])\b|^\s*[A-Za-z_]+=/m.test(code);
}

/** The shell's own message prefixes differ (a lab's "x.lab: line 3: " vs `bash -c`'s "bash: "). */
const unprefix = (s: string): string => s.replace(/^(.*?\.lab: line \d+: |bash: (-c: line \d+: )?)/gm, '');

/** Reloading from the saved text after every command is what separate processes do. */
function reload(s: Session): Session {
  const data = parseWorldFile(JSON.stringify(worldFileOf(s)), 'w.json');
  if (!data.ok) throw new Error(data.error.message);
  const back = sessionFromFile(data.value, 'w.json');
  if (!back.ok) throw new Error(back.error.message);
  return back.value;
}

const MAX_STEPS = 40;
const chosen = labs(SCENARIOS)
  .sort()
  .filter((f) => {
    const text = readFileSync(f, 'utf8');
    return standalone(text) && !/podnet-expect/.test(text) && splitLab(text).length <= MAX_STEPS;
  });

describe('a world file carries everything the next process sees', () => {
  it('has labs to check', () => {
    expect(chosen.length).toBeGreaterThan(10);
  });

  it.each(chosen.map((f) => [f.slice(SCENARIOS.length), f]))('%s: one process per command prints what one lab prints', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const cwd = dirname(file);
    const whole = runLab(text, { file, cwd, seed: 1 });
    let s = new Session({ seed: 1 });
    s.addHost('host');
    s.fs('host')!.mkdir(cwd, { recursive: true });
    const cmds = splitLab(text);
    cmds.forEach((c, i) => {
      const step = whole.steps[i];
      if (!step) return;
      s = reload(s);
      const r = s.exec(['bash', '-c', c.raw], { host: 'host', cwd });
      expect({ line: c.line, exitCode: r.exitCode, stdout: r.stdout, stderr: unprefix(r.stderr) }).toEqual({
        line: step.line,
        exitCode: step.exitCode,
        stdout: step.stdout,
        stderr: unprefix(step.stderr),
      });
    });
  }, 300_000);
});
