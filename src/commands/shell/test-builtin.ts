/**
 * bash's `test` / `[` builtin for the forms labs use: POSIX's rules by argument count (up to four),
 * string, integer and file tests; longer -a/-o expressions are refused as unsupported.
 */
import type { ExecContext, ExecResult } from '../types.js';
import { result } from '../types.js';
import { readPath, statPath } from '../text/io.js';

type Verdict = boolean | { error: string } | { unsupported: string };

const UNARY = new Set(['-e', '-f', '-d', '-s', '-r', '-w', '-x', '-L', '-h', '-z', '-n', '-b', '-c', '-p', '-S', '-g', '-u', '-k', '-t', '-O', '-G', '-N', '-a', '-v', '-R', '-o']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

function integer(s: string): number | undefined {
  return /^\s*[-+]?[0-9]+\s*$/.test(s) ? Number(s) : undefined;
}

function unary(op: string, arg: string, ctx: ExecContext): Verdict {
  switch (op) {
    case '-z':
      return arg === '';
    case '-n':
      return arg !== '';
    case '-e':
    case '-a':
    case '-r':
    case '-w':
      return statPath(arg, ctx) !== undefined;
    case '-f':
      return statPath(arg, ctx) === 'file';
    case '-d':
    case '-x':
      // Emulated files carry no mode bits; only folders are searchable for sure.
      return statPath(arg, ctx) === 'dir';
    case '-s': {
      const kind = statPath(arg, ctx);
      if (kind === 'dir') return true;
      const r = kind ? readPath(arg, ctx) : undefined;
      return r !== undefined && r.ok && r.text.length > 0;
    }
    case '-L':
    case '-h':
      return false;
    default:
      return { unsupported: `test ${op}` };
  }
}

function binary(a: string, op: string, b: string): Verdict {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
    case '>':
      return Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
    case '-nt':
    case '-ot':
    case '-ef':
      return { unsupported: `test ${op}` };
    default: {
      const x = integer(a);
      if (x === undefined) return { error: `${a}: integer expression expected` };
      const y = integer(b);
      if (y === undefined) return { error: `${b}: integer expression expected` };
      return { '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y }[op] ?? false;
    }
  }
}

const not = (v: Verdict): Verdict => (typeof v === 'boolean' ? !v : v);

function evaluate(args: string[], ctx: ExecContext): Verdict {
  const [a, b, c, d] = args;
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return a !== '';
    case 2:
      if (a === '!') return b !== '';
      if (UNARY.has(a!)) return unary(a!, b!, ctx);
      return { error: `${a}: unary operator expected` };
    case 3:
      if (BINARY.has(b!)) return binary(a!, b!, c!);
      if (b === '-a' || b === '-o') return { unsupported: `test with ${b}` };
      if (a === '!') return not(evaluate([b!, c!], ctx));
      if (a === '(' && c === ')') return b !== '';
      return { error: `${b}: binary operator expected` };
    case 4:
      if (a === '!') return not(evaluate([b!, c!, d!], ctx));
      if (a === '(' && d === ')') return evaluate([b!, c!], ctx);
      return { unsupported: 'test with four arguments' };
    default:
      return { unsupported: 'test with -a/-o or parentheses' };
  }
}

/** Runs `test ARGS` or `[ ARGS ]`; `at` is the shell's message prefix ("lab.sh: line 3: "). */
export function runTest(argv: string[], ctx: ExecContext, at: string): ExecResult {
  const name = argv[0]!;
  let args = argv.slice(1);
  if (name === '[') {
    if (args[args.length - 1] !== ']') return result(2, '', `${at}[: missing \`]'\n`);
    args = args.slice(0, -1);
  }
  const v = evaluate(args, ctx);
  if (typeof v === 'boolean') return result(v ? 0 : 1);
  if ('error' in v) return result(2, '', `${at}${name}: ${v.error}\n`);
  return result(2, '', `podnet: unsupported: ${v.unsupported}\n`);
}
