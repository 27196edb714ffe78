/**
 * One differential run of one lab: the same script on a throwaway real Linux host and in podnet,
 * judged command by command; also where the scenarios live.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns, describeVerdict, tally, type Tally, type Verdict } from './compare.js';
import { runOnLinux, type LinuxRun } from './linux.js';
import { runOnPodnet, type PodnetRun } from './podnet.js';
import type { RandomFamily } from './random.js';
import { readHeader, splitLab, type LabHeader } from './split.js';

export type { RandomFamily };

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** test/kernel/found holds shrunk labs the random generators found (and podnet now agrees on). */
export const SCENARIO_DIRS = ['topologies/labs', 'test/kernel/scenarios', 'test/kernel/found'];

export interface ScenarioResult {
  file: string;
  header: LabHeader;
  linux: LinuxRun;
  podnet: PodnetRun;
  verdicts: Verdict[];
  tally: Tally;
  /** Every command's exit code and every compared output agree, and both sides ran. */
  agrees: boolean;
}

/**
 * A lab headed `# podnet-oracle: documented (why)` needs what the reference kernels cannot do (the
 * ipip module): it has no Linux run to agree with, and a test beside the code it exercises pins it
 * to the documented behaviour instead (topologies/labs/calico-ipip-*: src/kernel/ip_tunnel.labs.test.ts).
 */
export function documentedOnly(text: string): boolean {
  return /^\s*#\s*podnet-oracle\s*:\s*documented\b/m.test(text);
}

/** Every *.lab under the scenario folders, repo-relative, sorted so reports are stable. */
export function findScenarios(root = REPO): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.lab') && !documentedOnly(readFileSync(p, 'utf8'))) out.push(relative(root, p));
    }
  };
  for (const d of SCENARIO_DIRS) walk(join(root, d));
  return out.sort();
}

export async function runScenario(file: string, opts: { seed?: number; timeoutMs?: number } = {}): Promise<ScenarioResult> {
  const abs = resolve(REPO, file);
  return runLabText(readFileSync(abs, 'utf8'), { ...opts, file, labDir: dirname(abs) });
}

/** The same, for a lab that exists only as text (generated ones); `file` is the name reports use. */
export async function runLabText(
  text: string,
  opts: { file: string; labDir: string; seed?: number; timeoutMs?: number },
): Promise<ScenarioResult> {
  const { file, labDir } = opts;
  const header = readHeader(text);
  const commands = splitLab(text);
  const timeoutMs = opts.timeoutMs ?? (header.timeoutSec ?? 60) * 1000;
  const [linux, podnet] = await Promise.all([
    runOnLinux(commands, { labDir, file, timeoutMs }),
    runOnPodnet(text, { file, cwd: labDir, seed: opts.seed ?? 1 }),
  ]);
  const verdicts = compareRuns(linux.steps, podnet.steps);
  const t = tally(verdicts);
  // A lab that ran out of time on Linux is a broken scenario, whatever podnet did.
  const agrees =
    !linux.error && !linux.timedOut && !podnet.error && t.exitAgree === t.commands && t.outputAgree === t.outputs;
  return { file, header, linux, podnet, verdicts, tally: t, agrees };
}

export function replayCommand(file: string): string {
  const m = /^(random|random-path|random-net)-(\d+)\.lab$/.exec(file);
  return m ? `npx tsx test/kernel/replay.ts --${m[1]} ${m[2]}` : `npx tsx test/kernel/replay.ts ${file}`;
}


/** Generated labs are named after their family and seed, so a report says how to get the same lab back. */
export function randomLabName(seed: number, family: RandomFamily = 'random'): string {
  return `${family}-${seed}.lab`;
}

/** The failure message: every disagreement, then how to see it again side by side. */
export function report(r: ScenarioResult): string {
  let s = '';
  if (r.linux.error) s += `linux side could not run: ${r.linux.error}\n`;
  if (r.linux.timedOut) s += `linux side ran out of time\n`;
  if (r.podnet.error) s += `podnet side could not run: ${r.podnet.error}\n`;
  // With no steps at all on one side, listing every line as missing would bury the one real message.
  const oneSideEmpty = (r.podnet.error && r.podnet.steps.length === 0) || (r.linux.error && r.linux.steps.length === 0);
  if (!oneSideEmpty)
    for (const v of r.verdicts) if (!v.exitAgrees || v.outputAgrees === false) s += describeVerdict(v);
  s += `replay: ${replayCommand(r.file)}\n`;
  return s;
}
