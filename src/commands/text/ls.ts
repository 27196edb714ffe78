/** ls for a pipe (one name per line, C-locale order): files first, then each directory under a "DIR:" header when several are named. */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, type ExecContext, result } from '../types.js';
import { emulatedPath, getopt, statPath, usageError } from './io.js';

function listAny(path: string, ctx: ExecContext): string[] {
  const names = new Set<string>();
  const emu = ctx.fs.list(emulatedPath(path, ctx), ctx.netns);
  if (emu.ok) for (const e of emu.value) names.add(e.name);
  if (!path.startsWith('/')) {
    try {
      for (const n of readdirSync(resolve(ctx.cwd, path))) names.add(n);
    } catch {
      // Only the emulated view exists for this folder.
    }
  }
  return [...names];
}

const cmpC = (a: string, b: string): number => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.compare(Buffer.from(a), Buffer.from(b)));

export const ls: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), '1aAdF', '', { all: 'a', 'almost-all': 'A', directory: 'd' }, 'lhtrRSiscnogLHUvXZ');
  if (!g.ok) return usageError('ls', g.message, 2, undefined, g.unsupported);
  const has = (c: string): boolean => g.value.opts.some((o) => o.name === c);
  const paths = g.value.operands.length > 0 ? g.value.operands : ['.'];
  const files: string[] = [];
  const dirs: string[] = [];
  let errs = '';
  let code = 0;
  for (const p of paths) {
    const k = statPath(p, ctx);
    if (!k) {
      errs += `ls: cannot access '${p}': No such file or directory\n`;
      code = 2;
    } else if (k === 'file' || has('d')) files.push(p);
    else dirs.push(p);
  }
  files.sort(cmpC);
  dirs.sort(cmpC);
  const blocks: string[] = [];
  if (files.length > 0) blocks.push(files.map((f) => f + '\n').join(''));
  const headers = paths.length > 1;
  for (const d of dirs) {
    let names = listAny(d, ctx);
    if (!has('a') && !has('A')) names = names.filter((n) => !n.startsWith('.'));
    if (has('a')) names.push('.', '..');
    names.sort(cmpC);
    blocks.push((headers ? `${d}:\n` : '') + names.map((n) => n + '\n').join(''));
  }
  return result(code, blocks.join('\n'), errs);
};
