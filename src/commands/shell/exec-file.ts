/**
 * What execve(2) makes of a program named by a path (`./plugin.sh`, `/opt/cni/bin/bridge`): the file
 * on the emulated host (relative paths: the lab's folder, emulated files over the real ones beside
 * the lab), and whether it runs as a registered program (a later layer's marker file, e.g. an
 * installed podnet CNI plugin), as a shell script, or fails the way bash 5.2 reports it.
 */
import { statSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command, ExecContext } from '../types.js';
import { emulatedPath } from '../text/io.js';

/** A later layer's way to say "this file is my program": given the path and the file's text. */
export type ProgramResolver = (path: string, content: string) => Command | undefined;

const resolvers: ProgramResolver[] = [];

/** Lets a layer above commands/ (the CNI plugins) make its marker files runnable, without commands/ knowing it. */
export function registerProgramResolver(r: ProgramResolver): void {
  if (!resolvers.includes(r)) resolvers.push(r);
}

export type Executable =
  | { kind: 'program'; cmd: Command }
  /** A script the emulated shell runs: `bash` (bash's messages) or `sh` (dash's). */
  | { kind: 'script'; text: string; shell: 'bash' | 'sh' }
  /** What the shell prints after "NAME: " and the status it returns (bash's execute_cmd.c texts). */
  | { kind: 'error'; code: number; message: string; unsupported?: boolean };

/** Interpreters on a `#!` line that the emulated shell stands in for. */
const SHELLS: Record<string, 'bash' | 'sh'> = { '/bin/sh': 'sh', '/usr/bin/sh': 'sh', '/bin/bash': 'bash', '/usr/bin/bash': 'bash', '/bin/dash': 'sh', '/usr/bin/dash': 'sh' };
/** Interpreters a Linux box has but podnet does not model: refused as such rather than "not found". */
const UNMODELLED_INTERPRETERS = new Set(['python', 'python3', 'perl', 'ruby', 'node', 'awk', 'gawk', 'mawk', 'zsh', 'ksh']);

/**
 * The program the path names, or undefined when there is no such file (the caller prints bash's
 * "No such file or directory", 127). The emulated file system has no permission bits: every
 * emulated file counts as executable; files beside the lab on the real disk need their x bit.
 */
export function classifyFile(path: string, ctx: Pick<ExecContext, 'fs' | 'cwd' | 'netns'>): Executable | undefined {
  const emu = emulatedPath(path, ctx);
  const st = ctx.fs.stat(emu, ctx.netns);
  let content: string;
  if (st) {
    if (st.type === 'dir') return { kind: 'error', code: 126, message: 'Is a directory' };
    const r = ctx.fs.read(emu, ctx.netns);
    if (!r.ok) return { kind: 'error', code: 126, message: r.error.message };
    content = r.value;
  } else {
    if (path.startsWith('/')) return undefined;
    const real = resolve(ctx.cwd, path);
    try {
      const s = statSync(real);
      if (s.isDirectory()) return { kind: 'error', code: 126, message: 'Is a directory' };
      if ((s.mode & 0o111) === 0) return { kind: 'error', code: 126, message: 'Permission denied' };
      content = readFileSync(real, 'latin1');
    } catch {
      return undefined;
    }
  }
  for (const r of resolvers) {
    const cmd = r(path, content);
    if (cmd) return { kind: 'program', cmd };
  }
  if (content.startsWith('#!')) return interpreted(content);
  // execve says ENOEXEC; bash then runs a text file itself, and refuses one that looks binary
  // (check_binary_file: a NUL among the first 80 bytes before any newline).
  if (looksBinary(content)) return { kind: 'error', code: 126, message: 'cannot execute binary file: Exec format error' };
  return { kind: 'script', text: content, shell: 'bash' };
}

/** A `#!` script: the emulated shell for sh/bash (directly or through /usr/bin/env), else bash's refusal. */
function interpreted(content: string): Executable {
  const line = content.slice(2).split('\n', 1)[0]!.trim();
  const [interp = '', arg] = line.split(/[ \t]+/, 2);
  const viaEnv = interp === '/usr/bin/env' || interp === '/bin/env';
  const name = viaEnv ? (arg ?? '') : interp;
  const shell = viaEnv ? ({ sh: 'sh', bash: 'bash', dash: 'sh' } as const)[name as 'sh'] : SHELLS[interp];
  if (shell) return { kind: 'script', text: content, shell };
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (UNMODELLED_INTERPRETERS.has(base)) return { kind: 'error', code: 126, message: `interpreter ${name} is not modelled`, unsupported: true };
  // bash 5.2 on a missing interpreter (ENOENT from execve on an existing file).
  return { kind: 'error', code: 127, message: 'cannot execute: required file not found' };
}

function looksBinary(text: string): boolean {
  for (let i = 0; i < Math.min(80, text.length); i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) return false;
    if (c === 0) return true;
  }
  return false;
}
