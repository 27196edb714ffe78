#!/usr/bin/env node
/**
 * The shims' entry point: `podnet exec` without loading the rest of the CLI. Every shim call is a
 * process start, and the other subcommands' modules cost about a third of it (bench/world.ts).
 * Usage as `podnet exec`: [--world FILE] [--host H] [--netns NS] [--] PROGRAM ARGS...
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execCommand, type ExecCliOptions } from './exec.js';
import './host-programs.js';


/** Parses the few options `podnet exec` has; everything from PROGRAM on is PROGRAM's. */
export function parseExecArgs(args: string[]): { argv: string[]; opts: ExecCliOptions } | { error: string } {
  const opts: ExecCliOptions = {};
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    const m = /^--(world|host|netns)(?:=(.*))?$/.exec(a);
    if (!m) {
      if (a.startsWith('-')) return { error: `error: unknown option '${a}'` };
      break;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) return { error: `error: option '--${m[1]} <${m[1] === 'world' ? 'file' : 'name'}>' argument missing` };
    opts[m[1] as 'world' | 'host' | 'netns'] = value;
  }
  const argv = args.slice(i);
  if (argv.length === 0) return { error: "error: missing required argument 'program'" };
  return { argv, opts };
}

function run(args: string[]): number {
  const p = parseExecArgs(args);
  if ('error' in p) {
    process.stderr.write(`${p.error}\n`);
    return 2;
  }
  return execCommand(p.argv, p.opts);
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
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
