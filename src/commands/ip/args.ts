/**
 * iproute2's command-line vocabulary: its prefix matcher, its argument cursor, and the fixed
 * complaint texts (invarg, duparg, ...) with the exit codes the real binary leaves behind.
 */

/**
 * iproute2's matches(): true when `word` is a non-empty prefix of `keyword`, so "l", "li", "lin"
 * and "link" all select "link". Tables are scanned in iproute2's own order, which is why "ip a"
 * is address (listed before addrlabel) and "ip n" is neighbour, not netns.
 */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && word.length <= keyword.length && keyword.startsWith(word);
}

/** What a subcommand produced: text for both streams, plus the exit status. */
export class Out {
  stdout = '';
  stderr = '';
  out(s: string): void {
    this.stdout += s;
  }
  err(s: string): void {
    this.stderr += s;
  }
}

/** exit(-1) in iproute2 becomes status 255; most "return -1" paths become 1 and netlink failures 2. */
export const EXIT_USAGE = 255;
export const EXIT_FAIL = 1;
export const EXIT_NETLINK = 2;
/** podnet's own status for real-but-unmodelled features, distinct from every status iproute2 uses. */
export const EXIT_UNSUPPORTED = 3;

/** A forward-only cursor over argv, mirroring iproute2's argc/argv walking and NEXT_ARG(). */
export class Args {
  private i = 0;
  constructor(private readonly argv: readonly string[]) {}
  get done(): boolean {
    return this.i >= this.argv.length;
  }
  get rest(): string[] {
    return this.argv.slice(this.i);
  }
  get remaining(): number {
    return this.argv.length - this.i;
  }
  /** The current word (iproute2's *argv). */
  peek(): string | undefined {
    return this.argv[this.i];
  }
  /** Consume the current word and return it. */
  shift(): string | undefined {
    return this.argv[this.i++];
  }
  /** NEXT_ARG(): step onto the value after a keyword; undefined means "Command line is not complete". */
  next(): string | undefined {
    if (this.i + 1 >= this.argv.length) return undefined;
    this.i++;
    return this.argv[this.i];
  }
  /**
   * A positional argument as iproute2 reads it after its keyword loop: an optional leading "to"
   * is skipped (`ip route get to X` == `ip route get X`). undefined means "to" ended the line.
   */
  positional(word: string): string | undefined {
    return word === 'to' ? this.next() : word;
  }
  /** Step past the current word (the trailing argc--, argv++ of iproute2 loops). */
  advance(): void {
    this.i++;
  }
}

export function incomplete(o: Out): number {
  o.err('Command line is not complete. Try option "help"\n');
  return EXIT_USAGE;
}

export function invarg(o: Out, msg: string, arg: string): number {
  o.err(`Error: argument "${arg}" is wrong: ${msg}\n`);
  return EXIT_USAGE;
}

export function duparg(o: Out, key: string, arg: string): number {
  o.err(`Error: duplicate "${key}": "${arg}" is the second value.\n`);
  return EXIT_USAGE;
}

export function duparg2(o: Out, key: string, arg: string): number {
  o.err(`Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`);
  return EXIT_USAGE;
}

export function missarg(o: Out, key: string): number {
  o.err(`Error: argument "${key}" is required\n`);
  return EXIT_USAGE;
}

export function nodev(o: Out, dev: string): number {
  o.err(`Cannot find device "${dev}"\n`);
  return EXIT_FAIL;
}

export function unsupported(o: Out, what: string): number {
  o.err(`podnet: unsupported: ${what}\n`);
  return EXIT_UNSUPPORTED;
}

/** iproute2's on_off() complaint for a flag that wants "on" or "off". */
export function onOff(o: Out, key: string, arg: string): number {
  o.err(`Error: argument of "${key}" must be "on" or "off", not "${arg}"\n`);
  return EXIT_FAIL;
}

/** C get_unsigned()/get_integer() with base 0: decimal, 0x hex or 0 octal, whole word only. */
export function parseCUnsigned(s: string): number | undefined {
  const m = /^\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const t = m[1]!;
  const v = t.startsWith('0x') || t.startsWith('0X') ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : parseInt(t, 10);
  return v > 0xffffffff ? undefined : v;
}

export function parseCInteger(s: string): number | undefined {
  const neg = /^\s*-/.test(s);
  const v = parseCUnsigned(neg ? s.replace('-', '') : s);
  if (v === undefined) return undefined;
  if (neg) return v > 0x80000000 ? undefined : -v;
  return v > 0x7fffffff ? undefined : v;
}

/**
 * How libnetlink reports a refused request: the extended ack as "Error: <text>." when the kernel
 * attached one, else "RTNETLINK answers: <strerror>". Callers return EXIT_NETLINK (iproute2's -2).
 */
export function kfail(o: Out, e: { message: string; extack?: string }): number {
  if (e.extack) o.err(`Error: ${e.extack}${e.extack.endsWith('.') ? '' : '.'}\n`);
  else o.err(`RTNETLINK answers: ${e.message}\n`);
  return EXIT_NETLINK;
}
