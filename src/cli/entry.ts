/**
 * How a podnet entry point (main.ts, the shims' exec-main.ts) runs as a program: only when node was
 * started on that very file (not when a test imports it), with a closed pipe ending quietly and any
 * bug turned into one "internal error" line and status 70, never a stack trace.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs run(argv) as the process when moduleUrl is the script node was started with. */
export function runAsProgram(moduleUrl: string, run: (args: string[]) => number): void {
  if (!isEntryPoint(moduleUrl)) return;
  // A closed pipe (`podnet lab x | head`) is not an error worth a trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`podnet: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['PODNET_DEBUG'] && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 70;
  }
}

function isEntryPoint(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
