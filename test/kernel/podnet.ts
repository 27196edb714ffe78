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

type RunLab = (text: string, opts: { file: string; seed: number }) => unknown;

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

/** `runner` is the module to load runLab from; tests point it at a fake. */
export async function runOnPodnet(text: string, file: string, seed = 1, runner = RUNNER): Promise<PodnetRun> {
  let runLab: RunLab | undefined;
  try {
    const mod = (await import(/* @vite-ignore */ runner)) as { runLab?: RunLab };
    runLab = mod.runLab;
  } catch (e) {
    return { steps: [], error: `podnet lab runner not available: ${describe(e)}` };
  }
  if (typeof runLab !== 'function') return { steps: [], error: 'podnet lab runner does not export runLab' };
  try {
    let r = (await runLab(text, { file, seed })) as Record<string, unknown> | undefined;
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
