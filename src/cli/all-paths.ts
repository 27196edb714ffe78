/**
 * `podnet lab --all-paths`: for each step whose packets met a random branch (`-m statistic --mode
 * random`), every outcome that step can have, with its probability, instead of the one draw the
 * run made. Each outcome comes from re-running the lab up to that step with the branch choices
 * forced (World.setChance): earlier steps take the same draws as the run shown, and a forced
 * choice still consumes its draw, so ports and ids stay as they were.
 */
import { runLab, type LabOptions, type LabResult, type LabStep } from '../commands/shell/lab.js';
import { parseScript } from '../commands/shell/parse.js';
import { enumeratePaths } from '../kernel/netfilter/paths.js';
import type { TraceEvent } from '../world/api.js';
import { createWorld } from '../world/world.js';

/** One way a step can turn out. */
export interface StepOutcome {
  probability: number;
  /** Each random branch met, in order: "nat KUBE-SVC-X rule 2: statistic random probability P matched". */
  decisions: string[];
  /** What conntrack bound on the way (DNAT/SNAT), as the trace words it. */
  nat: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface StepPaths {
  /** Index of the step in the lab's steps. */
  step: number;
  line: number;
  command: string;
  outcomes: StepOutcome[];
  /** False when more than maxPaths outcomes exist and only the first maxPaths were explored. */
  complete: boolean;
}

export const DEFAULT_MAX_PATHS = 64;

const isDecision = (e: TraceEvent): boolean => e.stage === 'netfilter' && e.verdict === 'random';
const isBinding = (e: TraceEvent): boolean => e.stage === 'conntrack' && (e.verdict === 'dnat' || e.verdict === 'snat');

/**
 * Every outcome of every step of `lab` (which must have been run with trace on, from `text` with
 * the same options) that met a random branch.
 */
export function allPaths(text: string, opts: LabOptions, lab: LabResult, maxPaths = DEFAULT_MAX_PATHS): StepPaths[] {
  const items = parseScript(text.replace(/\0/g, ''));
  const lines = text.split('\n');
  const out: StepPaths[] = [];
  let before = 0;
  lab.steps.forEach((step, k) => {
    const own = (step.trace ?? []).filter(isDecision).length;
    if (own > 0) out.push(explore(step, k, before, lines, items[k + 1]?.line, opts, maxPaths));
    before += own;
  });
  return out;
}

function explore(step: LabStep, k: number, before: number, lines: string[], nextLine: number | undefined, opts: LabOptions, maxPaths: number): StepPaths {
  // The lab cut after step k: later steps cannot change what step k printed.
  const text = nextLine === undefined ? lines.join('\n') : lines.slice(0, nextLine - 1).join('\n');
  let explored = 0;
  const branches = enumeratePaths((chance) => {
    explored++;
    const world = createWorld({ seed: opts.seed ?? 1 });
    let seen = 0;
    // Decisions of earlier steps follow their draw, as in the run shown; step k's are explored.
    world.setChance?.((p, _where, drawn) => (seen++ < before ? drawn : chance(p)));
    const run = runLab(text, { ...opts, world, trace: true, pcap: false });
    const mine = run.steps[k];
    const trace = mine?.trace ?? [];
    return {
      decisions: trace.filter(isDecision).map((e) => e.detail.replace(/ \(branch chosen by analysis\)$/, '')),
      nat: trace.filter(isBinding).map((e) => e.detail),
      exitCode: mine?.exitCode ?? 0,
      stdout: mine?.stdout ?? '',
      stderr: mine?.stderr ?? '',
    };
  }, maxPaths);
  const outcomes = branches.map((b) => ({ probability: b.probability, ...b.result }));
  const total = outcomes.reduce((s, o) => s + o.probability, 0);
  return { step: k, line: step.line, command: step.command, outcomes, complete: explored <= maxPaths && Math.abs(total - 1) < 1e-9 };
}

function probabilityText(p: number): string {
  return `${Number(p.toPrecision(6))} (${(p * 100).toFixed(2)}%)`;
}

/** The text form documented in docs/lab-shell.md ("All paths"). */
export function renderStepPaths(sp: StepPaths): string {
  const n = sp.outcomes.length;
  let s = `all paths of line ${sp.line}: ${n} outcome${n === 1 ? '' : 's'}${sp.complete ? '' : ' (more not explored)'}\n`;
  sp.outcomes.forEach((o, i) => {
    s += `  ${i + 1}. probability ${probabilityText(o.probability)}, exit ${o.exitCode}\n`;
    for (const d of o.decisions) s += `     random: ${d}\n`;
    for (const b of o.nat) s += `     nat: ${b}\n`;
    for (const l of (o.stdout + o.stderr).split('\n').filter((l, j, all) => l !== '' || j < all.length - 1)) s += `     | ${l}\n`;
  });
  return s;
}
