/**
 * Differential check against the real thing: random scripts built from the shell and text-filter
 * subset run under this machine's bash (C locale) and under podnet, and must print the same bytes
 * and statuses. Skipped where bash 5 with GNU coreutils is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupCommand } from '../registry.js';
import { runLab } from './lab.js';
import { fakeWorld } from './testing.js';

function haveGnuBash(): boolean {
  const b = spawnSync('bash', ['--version'], { encoding: 'utf8' });
  const s = spawnSync('sort', ['--version'], { encoding: 'utf8' });
  return b.status === 0 && /version 5\./.test(b.stdout) && s.status === 0 && /GNU coreutils/.test(s.stdout);
}

/** A small seeded PRNG (mulberry32) so a failing case can be replayed by its seed. */
function prng(seed: number): { pick<T>(a: readonly T[]): T; int(lo: number, hi: number): number; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { pick: (arr) => arr[Math.floor(next() * arr.length)]!, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), chance: (p) => next() < p };
}

const WORDS = ['a', 'b c', 'x=1', '-n', '-e', '\\t', '\\n', '#x', 'a#b', '$X', '${X}', '$Y', '"$X"', "'$X'", '"a  b"', `'q"'`, `"q'"`, '\\$X', '\\\\', '""', "''", '$?', '-', '--', 'A=b', '"\\""', '"\\$X"', "a'b'c", `"a"b'c'`, '\\ ', '"$X$Y"', '%s', '%d'];

function shellScript(seed: number): string {
  const r = prng(seed);
  const lines: string[] = [];
  for (let i = r.int(1, 12); i > 0; i--) {
    const ws = Array.from({ length: r.int(0, 5) }, () => r.pick(WORDS)).join(' ');
    const k = r.int(0, 19);
    if (k < 3) lines.push('X=' + r.pick(['1', '"a b"', "' x '", '', '$Y', '"$X"', '\\$']));
    else if (k < 5) lines.push('Y=' + r.pick(['2', '"c  d"', '$X', '"-n"']));
    else if (k < 7) lines.push(`printf '%s|' ${ws}; echo`);
    else if (k < 9) lines.push(`echo ${ws} | tr a-z A-Z`);
    else if (k < 10) lines.push(`echo ${ws} | wc`);
    else if (k < 11) lines.push(`echo ${ws} | grep -c a`);
    else if (k < 12) lines.push(`${r.pick(['true', 'false', 'nosuchcmd'])} && echo yes || echo no`);
    else if (k < 13) lines.push(`echo ${ws} | cut -d' ' -f2`);
    else if (k < 14) lines.push(`X=${r.pick(WORDS)} echo ${ws}`);
    else lines.push(`echo ${ws}`);
  }
  return lines.join('\n') + '\n';
}

const FILTERS = [
  'sort', 'sort -n', 'sort -r', 'sort -u', 'sort -k2', 'sort -t: -k2', 'sort -t: -k2,2n', 'sort -nr', 'sort -k1,1 -k2n', 'sort -f', 'sort -b -k2', 'sort -un',
  'cut -d: -f1', 'cut -d: -f2-', 'cut -c2-4', 'cut -f1', 'cut -d" " -f1,3', 'cut -s -d: -f2', 'cut -c-2',
  'grep a', 'grep -c a', 'grep -v a', 'grep -o "[0-9]*"', 'grep -E "a|b"', 'grep -w a', 'grep -i ab', 'grep -n ":"', 'grep -x a', 'grep -F .',
  'grep "^a"', 'grep "a$"', 'grep -o "[[:alpha:]]\\+"', 'grep -c ""', 'grep -A1 b', 'grep -B1 -n 9',
  'head -n 2', 'head -3', 'tail -n 2', 'tail -n +2', 'head -n -2', 'tail -c 3', 'head -c 4',
  'wc', 'wc -l', 'wc -w', 'wc -c', 'wc -lw', 'tr a-z A-Z', 'tr -d :', 'tr -s " "', 'tr ":" "\\n"', 'tr -cd "a-z\\n"', 'cat -n', 'cat -A',
];
const TOKENS = ['a', 'B', 'b', '10', '9', '-1', '2.5', ' ', '  ', ':', 'x:y', 'aa', 'Ab', '', 'z1', '07', '\t'];

function filterScript(seed: number): { script: string; data: string } {
  const r = prng(seed);
  const rows = Array.from({ length: r.int(0, 8) }, () => Array.from({ length: r.int(0, 6) }, () => r.pick(TOKENS)).join(''));
  const data = rows.join('\n') + (r.chance(0.9) ? '\n' : '');
  const lines = Array.from({ length: 6 }, () => {
    const f = r.pick(FILTERS);
    return r.chance(0.5) ? `${f} data.txt; echo "rc=$?"` : `cat data.txt | ${f}; echo "rc=$?"`;
  });
  return { script: lines.join('\n') + '\n', data };
}

const dir = mkdtempSync(join(tmpdir(), 'podnet-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compare(script: string, data?: string): void {
  if (data !== undefined) writeFileSync(join(dir, 'data.txt'), data);
  writeFileSync(join(dir, 'lab.sh'), script);
  const real = spawnSync('bash', ['lab.sh'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: '/root' } });
  const lab = runLab(script, { file: 'lab.sh', cwd: dir, lookup: lookupCommand, world: fakeWorld() });
  expect({ script, stdout: lab.steps.map((s) => s.stdout).join(''), stderr: lab.steps.map((s) => s.stderr).join(''), status: lab.exitCode }).toEqual({
    script,
    stdout: real.stdout,
    stderr: real.stderr,
    status: real.status,
  });
}

describe.skipIf(!haveGnuBash())('podnet against this machine\'s bash and GNU coreutils', () => {
  it('expands, quotes and chains random command lines the same way', () => {
    for (let seed = 1; seed <= 60; seed++) compare(shellScript(seed));
  });

  it('filters random text the same way', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { script, data } = filterScript(seed);
      compare(script, data);
    }
  });
});
