import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../registry.js';
import { runLab } from './lab.js';
import { fakeWorld } from './testing.js';

// Each golden/*.sh was run by real bash 5.2 with GNU coreutils (golden/record.sh); podnet must print the same.
const dir = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh') && f !== 'record.sh');

describe('lab runner against recorded real bash output', () => {
  for (const f of scripts) {
    it(f, () => {
      const n = f.slice(0, -3);
      const r = runLab(readFileSync(join(dir, f), 'utf8'), { file: f, cwd: dir, lookup: lookupCommand, world: fakeWorld() });
      expect(r.steps.map((s) => s.stdout).join('')).toBe(readFileSync(join(dir, `${n}.stdout`), 'utf8'));
      expect(r.steps.map((s) => s.stderr).join('')).toBe(readFileSync(join(dir, `${n}.stderr`), 'utf8'));
      expect(r.exitCode).toBe(Number(readFileSync(join(dir, `${n}.exit`), 'utf8')));
    });
  }
});
