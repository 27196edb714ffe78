/**
 * Runs a lab in podnet through the lab runner, loaded lazily so this suite builds and its harness
 * tests run even before (or when) the runner does not.
 */
import type { Step } from './linux.js';

export interface PodnetRun {
  steps: Step[];
  /** Set when podnet could not run the lab at all (runner missing, threw, or returned an error). */
  error?: string;
}

const RUNNER = '../../src/commands/shell/lab.js';
/** Where the program table lives; the lab runner asks it which commands exist. */
const REGISTRY = '../../src/commands/registry.js';
/** podnet's CNI plugins, which a lab host has in /opt/cni/bin. */
const PLUGINS = '../../cni-plugins/index.js';

type RunLab = (text: string, opts: { file: string; cwd: string; seed: number; lookup?: unknown }) => unknown;

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

function asStep(s: unknown): Step {
  const o = (s ?? {}) as Record<string, unknown>;
  return {
    line: Number(o.line),
    command: String(o.command ?? ''),
    exitCode: Number(o.exitCode),
    stdout: String(o.stdout ?? ''),
    stderr: String(o.stderr ?? ''),
  };
}

export interface PodnetOptions {
  /** The lab's name as a user would type it (bash prefixes its own errors with it). */
  file: string;
  /** Folder the lab's relative paths resolve from. */
  cwd: string;
  seed?: number;
  /** Modules to load runLab and the command table from; tests point them at fakes. */
  runner?: string;
  registry?: string;
}

export async function runOnPodnet(text: string, opts: PodnetOptions): Promise<PodnetRun> {
  let runLab: RunLab | undefined;
  let lookup: unknown;
  try {
    const mod = (await import(/* @vite-ignore */ opts.runner ?? RUNNER)) as { runLab?: RunLab };
    runLab = mod.runLab;
    const reg = (await import(/* @vite-ignore */ opts.registry ?? REGISTRY)) as { lookupCommand?: unknown };
    lookup = reg.lookupCommand;
    // podnet's CNI plugins register themselves (and their /opt/cni/bin files on every host) on import.
    if (!opts.registry) await import(/* @vite-ignore */ PLUGINS);
  } catch (e) {
    return { steps: [], error: `podnet lab runner not available: ${describe(e)}` };
  }
  if (typeof runLab !== 'function') return { steps: [], error: 'podnet lab runner does not export runLab' };
  if (typeof lookup !== 'function') return { steps: [], error: 'podnet command registry does not export lookupCommand' };
  try {
    let r = (await runLab(text, { file: opts.file, cwd: opts.cwd, seed: opts.seed ?? 1, lookup })) as Record<string, unknown> | undefined;
    // Accept both a bare value and the house Result shape.
    if (r && 'ok' in r) {
      if (r.ok === false) return { steps: [], error: describe(r.error) };
      r = r.value as Record<string, unknown>;
    }
    const steps = r?.steps;
    if (!Array.isArray(steps)) return { steps: [], error: 'runLab returned no steps' };
    return { steps: steps.map(asStep) };
  } catch (e) {
    return { steps: [], error: `runLab threw: ${describe(e)}` };
  }
}
