/**
 * Differential tests against real iptables 1.8.9 (nf_tables): every line of testdata/*.cases was run
 * on Debian 12 in a throwaway namespace (testdata/oracle.py) and its stdout, stderr and exit code
 * recorded; podnet must print the same bytes. Dates in save output are normalised on both sides.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runLab } from '../shell/lab.js';
import { fakeWorld } from '../shell/testing.js';
import { lookupCommand } from '../registry.js';
import type { Command } from '../types.js';
import { iptables, iptablesRestore, iptablesSave } from './index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const mine: Record<string, Command> = { iptables, 'iptables-save': iptablesSave, 'iptables-restore': iptablesRestore };
const norm = (s: string): string => s.replace(/ on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/g, ' on DATE');

interface Expected {
  cmd: string;
  rc: number;
  stdout: string;
  stderr: string;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.expected.json'))) {
  describe(file.replace('.expected.json', '.cases'), () => {
    const expected = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Expected[];
    const lab = runLab(expected.map((e) => e.cmd).join('\n') + '\n', {
      file: 'cases.sh',
      cwd: dir,
      world: fakeWorld(1),
      lookup: (name) => mine[name] ?? lookupCommand(name),
    });
    expected.forEach((e, i) => {
      it(`${i + 1}: ${e.cmd}`, () => {
        const got = lab.steps[i];
        expect({ cmd: got?.command, stdout: norm(got?.stdout ?? ''), stderr: norm(got?.stderr ?? ''), rc: got?.exitCode }).toEqual({
          cmd: e.cmd,
          stdout: e.stdout,
          stderr: e.stderr,
          rc: e.rc,
        });
      });
    });
  });
}
