/**
 * What the emulated coreutils share: reading a named file (emulated host fs for absolute paths,
 * the lab's own folder for relative ones, as a script sees its neighbours), GNU-style short-option
 * scanning, and the exact usage-error texts those tools print.
 */
import { readFileSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { ExecContext, ExecResult } from '../types.js';
import { result } from '../types.js';

/** What a path is, for a process in ctx.netns: emulated fs first, then (relative paths) the lab's real folder. */
export function statPath(path: string, ctx: ExecContext): 'file' | 'dir' | undefined {
  if (path === '/dev/null' || path === '/dev/stdin') return 'file';
  const emu = ctx.fs.stat(emulatedPath(path, ctx), ctx.netns);
  if (emu || path.startsWith('/')) return emu?.type;
  try {
    return statSync(resolve(ctx.cwd, path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

const NODE_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
};

/** Where a relative path lives inside the emulated fs: under the lab folder's own absolute name. */
export function emulatedPath(path: string, ctx: Pick<ExecContext, 'cwd'>): string {
  return path.startsWith('/') ? posix.normalize(path) : posix.join(ctx.cwd, path);
}

/**
 * Reads PATH as a process in ctx.netns would. Relative paths see files the lab wrote (emulated fs)
 * over the real files beside the lab, so `iptables-restore < rules.txt` works unchanged.
 */
export function readPath(path: string, ctx: ExecContext): ReadResult {
  if (path === '/dev/null') return { ok: true, text: '' };
  if (path === '/dev/stdin' || path === '-') return { ok: true, text: ctx.stdin };
  const emu = emulatedPath(path, ctx);
  const r = ctx.fs.read(emu, ctx.netns);
  if (r.ok || path.startsWith('/')) return r.ok ? { ok: true, text: r.value } : { ok: false, message: r.error.message };
  if (ctx.fs.stat(emu, ctx.netns)) return { ok: false, message: r.error.message };
  return readReal(resolve(ctx.cwd, path));
}

function readReal(abs: string): ReadResult {
  try {
    if (statSync(abs).isDirectory()) return { ok: false, message: 'Is a directory' };
    return { ok: true, text: readFileSync(abs, 'utf8') };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    return { ok: false, message: NODE_ERRNO_TEXT[code] ?? 'Input/output error' };
  }
}

export interface Getopt {
  /** Flags in order seen, with their argument when the option takes one. */
  opts: { name: string; arg?: string }[];
  operands: string[];
}

/**
 * GNU getopt for short options: bundling (-vc), attached (-n5) or separate (-n 5) arguments, `--`,
 * and options after operands (GNU permutes). `withArg` lists letters that take an argument; `long`
 * maps accepted long options to their short letter.
 */
export function getopt(
  argv: string[],
  flags: string,
  withArg: string,
  long: Record<string, string> = {},
  /** Letters the real tool accepts but podnet does not model: refused as unsupported, not as invalid. */
  unmodelled = '',
): { ok: true; value: Getopt } | { ok: false; message: string; unsupported?: boolean } {
  const opts: Getopt['opts'] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const short = long[name];
      if (!short) return { ok: false, message: `unrecognized option '${a}'` };
      if (withArg.includes(short)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) return { ok: false, message: `option '--${name}' requires an argument` };
        opts.push({ name: short, arg: v });
      } else opts.push({ name: short });
      continue;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withArg.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) return { ok: false, message: `option requires an argument -- '${c}'` };
        opts.push({ name: c, arg: v });
        break;
      }
      if (unmodelled.includes(c)) return { ok: false, message: `option -${c}`, unsupported: true };
      if (!flags.includes(c)) return { ok: false, message: `invalid option -- '${c}'` };
      opts.push({ name: c });
    }
  }
  return { ok: true, value: { opts, operands } };
}

/** "CMD: MESSAGE\nTry 'CMD --help' for more information." with the tool's usage-error status; unmodelled options are refused as such. */
export function usageError(cmd: string, message: string, code: number, usageLine?: string, unsupported?: boolean): ExecResult {
  if (unsupported) return result(code, '', `podnet: unsupported: ${cmd} ${message}\n`);
  return result(code, '', `${cmd}: ${message}\n${usageLine ? usageLine + '\n' : ''}Try '${cmd} --help' for more information.\n`);
}

/** Splits text into lines the way line-oriented tools see them (a missing final newline still ends a line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines back, each ended by a newline. */
export function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
