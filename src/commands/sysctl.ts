/**
 * sysctl(8) from procps-ng 4.0.2 over Netlink.sysctlGet/Set/List: reads, writes (`-w` or KEY=VAL),
 * -n/-N/-q/-e/-b, -a with -r, and the tool's exact complaints and exit statuses.
 */
import type { Netlink } from '../kernel/api.js';
import { ERRNO } from '../kernel/errno.js';
import { type Command, type ExecResult, result } from './types.js';

const USAGE =
  '\nUsage:\n sysctl [options] [variable[=value] ...]\n\nOptions:\n' +
  '  -a, --all            display all variables\n' +
  '  -A                   alias of -a\n' +
  '  -X                   alias of -a\n' +
  '      --deprecated     include deprecated parameters to listing\n' +
  '      --dry-run        Print the key and values but do not write\n' +
  '  -b, --binary         print value without new line\n' +
  '  -e, --ignore         ignore unknown variables errors\n' +
  '  -N, --names          print variable names without values\n' +
  '  -n, --values         print only values of the given variable(s)\n' +
  '  -p, --load[=<file>]  read values from file\n' +
  '  -f                   alias of -p\n' +
  '      --system         read values from all system directories\n' +
  '  -r, --pattern <expression>\n' +
  '                       select setting that match expression\n' +
  '  -q, --quiet          do not echo variable set\n' +
  '  -w, --write          enable writing a value to variable\n' +
  '  -o                   does nothing\n' +
  '  -x                   does nothing\n' +
  '  -d                   alias of -h\n\n' +
  ' -h, --help     display this help and exit\n' +
  ' -V, --version  output version information and exit\n\n' +
  'For more details see sysctl(8).\n';

/** podnet's status for real-but-unmodelled options (procps itself only uses 0 and 1). */
const EXIT_UNSUPPORTED = 3;

interface Flags {
  all: boolean;
  binary: boolean;
  ignore: boolean;
  names: boolean;
  values: boolean;
  quiet: boolean;
  write: boolean;
  dryRun: boolean;
  pattern?: RegExp;
}

/**
 * procps's slashdot(): if the first separator is already the target one the name is left alone,
 * otherwise '.' and '/' are swapped, so "net/ipv4/conf/eth0.100/x" and
 * "net.ipv4.conf.eth0/100.x" name the same file.
 */
function slashdot(s: string, from: string, to: string): string {
  const m = /[./]/.exec(s);
  if (!m || m[0] === to) return s;
  return s.replace(/[./]/g, (c) => (c === from ? to : from));
}

/** The dotted name sysctl prints, and the path under /proc/sys it opens. */
function names(key: string): { display: string; path: string } {
  const path = slashdot(key, '.', '/');
  return { display: slashdot(path, '/', '.'), path };
}

function strerror(errno: keyof typeof ERRNO): string {
  return ERRNO[errno].text;
}

/** Component-wise byte order, which is how procfs hands sysctl directory entries back. */
function sortKeys(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

class Run {
  stdout = '';
  stderr = '';
  rc = 0;
  constructor(
    private readonly nl: Netlink,
    private readonly f: Flags,
  ) {}

  private show(display: string, value: string): void {
    const f = this.f;
    if (f.pattern && !f.pattern.test(display)) return;
    if (f.names) this.stdout += `${display}\n`;
    else if (f.values) this.stdout += f.binary ? value : `${value}\n`;
    else this.stdout += f.binary ? value : `${display} = ${value}\n`;
  }

  private list(prefixDisplay: string | undefined): boolean {
    const entries = this.nl
      .sysctlList(prefixDisplay)
      .map((e) => ({ key: e.key.includes('/') ? slashdot(e.key, '/', '.') : e.key, value: e.value }))
      .filter((e) => prefixDisplay === undefined || e.key.startsWith(`${prefixDisplay}.`))
      .sort((a, b) => sortKeys(a.key, b.key));
    for (const e of entries) this.show(e.key, e.value);
    return entries.length > 0;
  }

  all(): void {
    this.list(undefined);
  }

  read(key: string): void {
    const { display, path } = names(key);
    const r = this.nl.sysctlGet(path);
    if (r.ok) {
      this.show(display, r.value);
      return;
    }
    if (r.error.errno === 'ENOENT' && this.list(display)) return;
    if (r.error.errno === 'ENOENT' && /[./]$/.test(key) && this.nl.sysctlGet(path.replace(/\/+$/, '')).ok) {
      // A trailing separator names a file as if it were a directory.
      if (!this.f.ignore) {
        this.stderr += `sysctl: cannot stat /proc/sys/${path}: Not a directory\n`;
        this.rc = 1;
      }
      return;
    }
    if (r.error.errno === 'EACCES' || r.error.errno === 'EPERM') {
      this.stderr += `sysctl: permission denied on key '${display}'\n`;
      this.rc = 1;
      return;
    }
    if (!this.f.ignore) {
      this.stderr += `sysctl: cannot stat /proc/sys/${path}: ${strerror(r.error.errno)}\n`;
      this.rc = 1;
    }
  }

  write(arg: string): void {
    const eq = arg.indexOf('=');
    // Observed on procps-ng 4.0.2: a bare "=" and a digit-led word without "=" fail silently.
    if (arg === '=' || (eq < 0 && /^[0-9]/.test(arg))) {
      this.rc = 1;
      return;
    }
    if (eq < 0) {
      this.stderr += 'sysctl: command line(0): invalid syntax, continuing...\n';
      this.rc = 1;
      return;
    }
    const key = arg.slice(0, eq).trim();
    const value = arg.slice(eq + 1).trim();
    if (key === '') {
      this.stderr += 'sysctl: Path is not under /proc/sys/: /proc/sys/\n';
      this.rc = 1;
      return;
    }
    const { display, path } = names(key);
    if (!this.f.dryRun) {
      const r = this.nl.sysctlSet(path, value);
      if (!r.ok) {
        const e = r.error.errno;
        if (e === 'ENOENT') {
          if (!this.f.ignore) {
            this.stderr += `sysctl: cannot stat /proc/sys/${path}: ${strerror(e)}\n`;
            this.rc = 1;
          }
        } else if (e === 'EPERM' || e === 'EACCES') {
          this.stderr += `sysctl: permission denied on key "${display}"\n`;
          this.rc = 1;
        } else {
          this.stderr += `sysctl: setting key "${display}": ${strerror(e)}\n`;
          this.rc = 1;
        }
        return;
      }
    }
    if (this.f.quiet) return;
    // -N only shapes reads; a write under -N or -n echoes the bare value (observed on 4.0.2).
    if (this.f.names || this.f.values) this.stdout += this.f.binary ? value : `${value}\n`;
    else this.stdout += `${display} = ${value}\n`;
  }
}

export const sysctl: Command = (argv, ctx): ExecResult => {
  const args = argv.slice(1);
  if (args.length === 0) return result(1, '', USAGE);
  const f: Flags = { all: false, binary: false, ignore: false, names: false, values: false, quiet: false, write: false, dryRun: false };
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const longs = ['all', 'binary', 'ignore', 'names', 'values', 'load', 'quiet', 'write', 'pattern', 'version', 'help', 'system', 'deprecated', 'dry-run'];
      const hits = longs.filter((l) => l.startsWith(name));
      const exact = longs.includes(name) ? name : hits.length === 1 ? hits[0] : undefined;
      if (!exact) {
        const why = hits.length > 1 ? `option '${a}' is ambiguous` : `unrecognized option '${a}'`;
        // getopt's complaint goes to stderr, the usage to stdout, and the status is 0 (observed on 4.0.2).
        return result(0, USAGE, `sysctl: ${why}\n`);
      }
      if (exact === 'pattern') {
        const v = inline ?? args[++i];
        if (v === undefined) return result(0, USAGE, "sysctl: option '--pattern' requires an argument\n");
        const re = compile(v);
        // A pattern regcomp() refuses makes procps 4.0.2 list nothing and still succeed.
        if (!re) return result(0);
        f.pattern = re;
        continue;
      }
      const short: Record<string, string> = { all: 'a', binary: 'b', ignore: 'e', names: 'N', values: 'n', load: 'p', quiet: 'q', write: 'w', version: 'V', help: 'h', system: 'S', deprecated: 'D', 'dry-run': 'Y' };
      const r = applyShort(short[exact]!, f);
      if (r) return r;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === 'r') {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) return result(0, USAGE, "sysctl: option requires an argument -- 'r'\n");
          const re = compile(v);
          if (!re) return result(0);
          f.pattern = re;
          break;
        }
        const r = applyShort(c, f);
        if (r) return r;
      }
      continue;
    }
    operands.push(a);
  }
  const nlr = ctx.host.netlink(ctx.netns);
  if (!nlr.ok) return result(1, '', `sysctl: cannot open network namespace: ${nlr.error.message}\n`);
  const run = new Run(nlr.value, f);
  if (f.all) {
    run.all();
    return result(run.rc, run.stdout, run.stderr);
  }
  if (operands.length === 0) return result(1, '', "sysctl: no variables specified\nTry `sysctl --help' for more information.\n");
  for (const op of operands) {
    if (f.write || op.includes('=')) run.write(op);
    else run.read(op);
  }
  return result(run.rc, run.stdout, run.stderr);
};

function compile(v: string): RegExp | undefined {
  try {
    return new RegExp(v);
  } catch {
    return undefined;
  }
}

/** One short option; returns a finished result when the option ends the run. */
function applyShort(c: string, f: Flags): ExecResult | undefined {
  switch (c) {
    case 'a':
    case 'A':
    case 'X':
      f.all = true;
      return undefined;
    case 'b':
      f.binary = true;
      return undefined;
    case 'e':
      f.ignore = true;
      return undefined;
    case 'N':
      f.names = true;
      return undefined;
    case 'n':
      f.values = true;
      return undefined;
    case 'q':
      f.quiet = true;
      return undefined;
    case 'w':
      f.write = true;
      return undefined;
    case 'Y':
      f.dryRun = true;
      return undefined;
    case 'o':
    case 'x':
    case 'D':
      return undefined;
    case 'V':
      return result(0, 'sysctl from procps-ng 4.0.2\n');
    case 'h':
    case 'd':
      return result(0, USAGE);
    case 'p':
    case 'f':
    case 'S':
      return result(EXIT_UNSUPPORTED, '', 'podnet: unsupported: sysctl -p/--system (loading settings from files)\n');
    default:
      // getopt's complaint goes to stderr while procps prints its usage on stdout, status 0 (observed).
      return result(0, USAGE, `sysctl: invalid option -- '${c}'\n`);
  }
}
