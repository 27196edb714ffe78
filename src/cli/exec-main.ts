#!/usr/bin/env node
/**
 * The shims' entry point: `podnet exec` without loading the rest of the CLI. Every shim call is a
 * process start, and the other subcommands' modules cost about a third of it (bench/world.ts).
 * Usage as `podnet exec`: [--world FILE] [--host H] [--netns NS] [--] PROGRAM ARGS...
 */
import { execCommand, type ExecCliOptions } from './exec.js';
import './host-programs.js';
import { runAsProgram } from './entry.js';


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

runAsProgram(import.meta.url, run);
