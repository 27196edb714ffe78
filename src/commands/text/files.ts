/** The file utilities labs use to prepare config (mkdir -p, touch, rm -f -r, tee -a), on the emulated host fs. */
import { type Command, result } from '../types.js';
import { emulatedPath, getopt, usageError } from './io.js';

export const mkdir: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'pv', 'm', { parents: 'p' });
  if (!g.ok) return usageError('mkdir', g.message, 1);
  if (g.value.operands.length === 0) return usageError('mkdir', 'missing operand', 1);
  const parents = g.value.opts.some((o) => o.name === 'p');
  let errs = '';
  for (const d of g.value.operands) {
    const r = ctx.fs.mkdir(emulatedPath(d, ctx), { recursive: parents });
    if (!r.ok) errs += `mkdir: cannot create directory '${d}': ${r.error.message}\n`;
  }
  return result(errs ? 1 : 0, '', errs);
};

export const touch: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'acm', '');
  if (!g.ok) return usageError('touch', g.message, 1);
  if (g.value.operands.length === 0) return usageError('touch', 'missing file operand', 1);
  let errs = '';
  for (const f of g.value.operands) {
    const p = emulatedPath(f, ctx);
    if (ctx.fs.stat(p, ctx.netns)) continue;
    const r = ctx.fs.write(p, '', ctx.netns, { append: true });
    if (!r.ok) errs += `touch: cannot touch '${f}': ${r.error.message}\n`;
  }
  return result(errs ? 1 : 0, '', errs);
};

export const rm: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'rfRv', '', { recursive: 'r', force: 'f' });
  if (!g.ok) return usageError('rm', g.message, 1);
  const has = (c: string): boolean => g.value.opts.some((o) => o.name === c);
  const force = has('f');
  const recursive = has('r') || has('R');
  if (g.value.operands.length === 0 && !force) return usageError('rm', 'missing operand', 1);
  let errs = '';
  for (const f of g.value.operands) {
    const p = emulatedPath(f, ctx);
    const st = ctx.fs.stat(p, ctx.netns);
    if (!st) {
      if (!force) errs += `rm: cannot remove '${f}': No such file or directory\n`;
      continue;
    }
    if (st.type === 'dir' && !recursive) {
      errs += `rm: cannot remove '${f}': Is a directory\n`;
      continue;
    }
    const r = ctx.fs.remove(p, { recursive });
    if (!r.ok) errs += `rm: cannot remove '${f}': ${r.error.message}\n`;
  }
  return result(errs ? 1 : 0, '', errs);
};

export const tee: Command = (argv, ctx) => {
  const g = getopt(argv.slice(1), 'a', '', { append: 'a' });
  if (!g.ok) return usageError('tee', g.message, 1);
  const append = g.value.opts.some((o) => o.name === 'a');
  let errs = '';
  for (const f of g.value.operands) {
    const r = ctx.fs.write(emulatedPath(f, ctx), ctx.stdin, ctx.netns, { append });
    if (!r.ok) errs += `tee: ${f}: ${r.error.message}\n`;
  }
  return result(errs ? 1 : 0, ctx.stdin, errs);
};
