/**
 * Replays one lab on both sides and prints every command with both outputs side by side, so a
 * disagreement the suite reported can be looked at again: `npx tsx test/kernel/replay.ts LAB`.
 * `--linux` runs only the real side (to write a new scenario); `--twice` runs the real side twice
 * and reports any command whose normalised result changed (the scenario would be racy);
 * `--random SEED` / `--random-path SEED` / `--random-net SEED` replay the generated lab of that seed (`--print` only prints it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirname, relative, resolve } from 'node:path';
import { compareRuns, indent } from './compare.js';
import { randomLabName, REPO, runScenario } from './harness.js';
import { FAMILIES } from './random.js';
import { namespacesUnavailable, runOnLinux, type Step } from './linux.js';
import { MacTable, normalise } from './normalise.js';
import { splitLab } from './split.js';

const WIDTH = 60;

function sideBySide(a: string, b: string): string {
  const la = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const lb = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  const rows: string[] = [];
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    const x = la[i] ?? '';
    const y = lb[i] ?? '';
    const mark = x === y ? ' ' : '|';
    rows.push(`  ${x.padEnd(WIDTH).slice(0, Math.max(WIDTH, x.length))} ${mark} ${y}`);
  }
  return rows.join('\n');
}

function printLinux(steps: Step[]): void {
  const macs = new MacTable();
  for (const s of steps) {
    process.stdout.write(`[${s.line}] $ ${s.command}   (exit ${s.exitCode})\n`);
    const out = normalise(s.stdout, macs, s.command) + normalise(s.stderr, macs, s.command);
    if (out) process.stdout.write(indent(out));
  }
}

function fingerprint(steps: Step[]): string[] {
  const macs = new MacTable();
  return steps.map((s) => `[${s.line}] exit ${s.exitCode}\n${normalise(s.stdout, macs, s.command)}--\n${normalise(s.stderr, macs, s.command)}`);
}

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  let files = argv.filter((a) => !a.startsWith('--'));
  const family = FAMILIES.find((f) => flags.has(`--${f.name}`));
  if (family) {
    // Generated labs are written out under their seed's name, then replayed like any other.
    const dir = mkdtempSync(join(tmpdir(), 'podnet-random-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const seeds = files.map(Number);
    if (seeds.length === 0 || seeds.some((n) => !Number.isSafeInteger(n) || n < 0)) {
      process.stderr.write('usage: npx tsx test/kernel/replay.ts --random|--random-path|--random-net SEED... [--print]\n');
      return 2;
    }
    files = seeds.map((seed) => {
      const f = join(dir, randomLabName(seed, family.name));
      writeFileSync(f, family.generate(seed));
      return f;
    });
    if (flags.has('--print')) {
      for (const f of files) process.stdout.write(readFileSync(f, 'utf8'));
      return 0;
    }
  }
  if (files.length === 0) {
    process.stderr.write('usage: npx tsx test/kernel/replay.ts [--linux | --twice] LAB... | --random SEED... [--print]\n');
    return 2;
  }
  const why = namespacesUnavailable();
  if (why !== undefined) {
    process.stdout.write(`skipped: no network namespaces\n(${why})\n`);
    return 0;
  }
  let bad = 0;
  for (const f of files) {
    const abs = resolve(f);
    const file = relative(REPO, abs);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      process.stderr.write(`replay: cannot read ${f}: ${(e as Error).message}\n`);
      bad++;
      continue;
    }
    process.stdout.write(`=== ${file}\n`);
    if (flags.has('--linux') || flags.has('--twice')) {
      const cmds = splitLab(text);
      const a = await runOnLinux(cmds, { labDir: dirname(abs), file });
      if (a.error) process.stdout.write(`linux side could not run: ${a.error}\n`);
      if (a.timedOut) process.stdout.write('linux side ran out of time\n');
      if (flags.has('--linux')) printLinux(a.steps);
      if (flags.has('--twice')) {
        const b = await runOnLinux(cmds, { labDir: dirname(abs), file });
        const fa = fingerprint(a.steps);
        const fb = fingerprint(b.steps);
        let same = fa.length === fb.length;
        for (let i = 0; i < Math.max(fa.length, fb.length); i++)
          if (fa[i] !== fb[i]) {
            same = false;
            process.stdout.write(`differs between runs:\n${sideBySide(fa[i] ?? '', fb[i] ?? '')}\n`);
          }
        process.stdout.write(same ? 'deterministic\n' : 'NOT deterministic\n');
        if (!same) bad++;
      }
      continue;
    }
    const r = await runScenario(file);
    if (r.linux.error) process.stdout.write(`linux side could not run: ${r.linux.error}\n`);
    if (r.podnet.error) process.stdout.write(`podnet side could not run: ${r.podnet.error}\n`);
    for (const v of compareRuns(r.linux.steps, r.podnet.steps)) {
      const ok = v.exitAgrees && v.outputAgrees !== false;
      process.stdout.write(
        `${ok ? 'ok  ' : 'DIFF'} [${v.line}] $ ${v.command}   (exit linux ${v.linux?.exitCode ?? '-'}, podnet ${v.podnet?.exitCode ?? '-'})${v.outputAgrees === undefined ? '  [exit code only]' : ''}\n`,
      );
      const l = v.linuxOut ?? { stdout: v.linux?.stdout ?? '', stderr: v.linux?.stderr ?? '' };
      const p = v.podnetOut ?? { stdout: v.podnet?.stdout ?? '', stderr: v.podnet?.stderr ?? '' };
      const both = sideBySide(l.stdout + l.stderr, p.stdout + p.stderr);
      if (both) process.stdout.write(`${' '.repeat(2)}${'linux'.padEnd(WIDTH)}   podnet\n${both}\n`);
    }
    process.stdout.write(r.agrees ? 'agree\n' : 'DISAGREE\n');
    if (!r.agrees) bad++;
  }
  return bad === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`replay: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
