/**
 * glibc getopt(3) for the emulated programs: short options, clustering, attached or separate
 * arguments, GNU argument permutation and `--`, with glibc's exact diagnostics, as a pure function.
 */

export type GetoptItem = { opt: string; arg?: string };

export type GetoptResult =
  | { ok: true; opts: GetoptItem[]; operands: string[] }
  /** `message` is the line glibc prints to stderr (newline included); the program then decides its exit. */
  | { ok: false; opts: GetoptItem[]; bad: string; message: string };

/**
 * `spec` is the optstring as the C program passes it ("c:qW:"): a letter followed by ':' takes an
 * argument. Options are returned in command-line order, because programs act on them in that order
 * (and the first bad value is the one reported).
 */
export function getopt(argv: readonly string[], spec: string): GetoptResult {
  const prog = argv[0] ?? '';
  const takesArg = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === ':') continue;
    takesArg.set(c, spec[i + 1] === ':');
  }
  const opts: GetoptItem[] = [];
  const operands: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    // GNU permutes: an operand does not end option parsing (unless POSIXLY_CORRECT, which labs never set).
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const wants = takesArg.get(c);
      if (wants === undefined || c === ':') {
        return { ok: false, opts, bad: c, message: `${prog}: invalid option -- '${c}'\n` };
      }
      if (!wants) {
        opts.push({ opt: c });
        continue;
      }
      if (j + 1 < a.length) {
        opts.push({ opt: c, arg: a.slice(j + 1) });
      } else if (i + 1 < argv.length) {
        opts.push({ opt: c, arg: argv[++i]! });
      } else {
        return { ok: false, opts, bad: c, message: `${prog}: option requires an argument -- '${c}'\n` };
      }
      break;
    }
  }
  return { ok: true, opts, operands };
}
