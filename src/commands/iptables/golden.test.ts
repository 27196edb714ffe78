/**
 * Differential tests against real iptables 1.8.9 (nf_tables): every line of testdata/*.cases was run
 * on Debian 12 in a throwaway namespace (testdata/oracle.py) and its stdout, stderr and exit code
 * recorded; podnet must print the same bytes. Dates in save output are normalised on both sides.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../shell/parse.js';
import { runItem, type ShellEnv, type ShellState } from '../shell/run.js';
import { fakeWorld } from '../shell/testing.js';
import { printf } from '../shell/builtins.js';
import { head } from '../text/headtail.js';
import { createHostFs } from '../../world/hostfs.js';
import type { Command, ExecResult } from '../types.js';
import { iptables, iptablesRestore, iptablesSave } from './index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
// Only the programs the cases use, so this suite does not depend on the rest of the registry.
const mine: Record<string, Command> = { iptables, 'iptables-save': iptablesSave, 'iptables-restore': iptablesRestore, printf, head };

/** Runs each case line through podnet's shell, in one fresh host, as the oracle ran them in one netns. */
function runCases(lines: string[]): ExecResult[] {
  const world = fakeWorld(1);
  const host = world.addHost('host');
  const fs = createHostFs(host);
  fs.mkdir(dir, { recursive: true });
  const env: ShellEnv = { world, host, fs, cwd: dir, prefix: (line) => `cases.sh: line ${line}: `, lookup: (n) => mine[n], registerJob: () => undefined };
  const state: ShellState = { vars: {}, status: 0, errexit: false };
  return lines.map((line) => {
    const out: ExecResult = { exitCode: 0, stdout: '', stderr: '' };
    for (const item of parseScript(line + '\n')) {
      const r = runItem(item, state, env);
      out.stdout += r.stdout;
      out.stderr += r.stderr;
      out.exitCode = r.exitCode;
    }
    return out;
  });
}
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
    const got = runCases(expected.map((e) => e.cmd));
    expected.forEach((e, i) => {
      it(`${i + 1}: ${e.cmd}`, () => {
        const r = got[i]!;
        expect({ stdout: norm(r.stdout), stderr: norm(r.stderr), rc: r.exitCode }).toEqual({
          stdout: e.stdout,
          stderr: e.stderr,
          rc: e.rc,
        });
      });
    });
  });
}
