/**
 * The iptables command line (do_parse of iptables 1.8.9): one command letter, its chain and
 * numbers, the rule specification with "!" inversions, -m modules and -j/-g targets with their
 * options, in the order and with the error texts of the real parser. Shared by iptables and
 * iptables-restore, which differ only in how errors are reported.
 */
import type { Counters, IpSpec, Match, Rule, Target } from '../../kernel/netfilter/rule.js';
import { emptyIpSpec, ZERO_COUNTERS } from '../../kernel/netfilter/rule.js';
import { isTableName, type TableName } from '../../kernel/netfilter/tables.js';
import { MATCHES, OTHER_TARGET_NAMES, TARGETS, type Extension, type ParseCtx } from './extensions.js';
import { parseAddrList, parseProtocol, parseUint, verr, vok, type ParamError, type V } from './values.js';

export type CommandLetter = 'A' | 'I' | 'D' | 'R' | 'C' | 'N' | 'X' | 'F' | 'Z' | 'P' | 'E' | 'S' | 'L' | 'h' | 'V';

export interface ParsedCommand {
  table: TableName;
  command: CommandLetter;
  chain?: string;
  ruleNum?: number;
  newName?: string;
  policy?: string;
  /** One rule per (source, destination) pair, as "-s a,b" expands. */
  rules: Rule[];
  /** -D / -C / -A / -I / -R carried a rule specification (as opposed to -D CHAIN NUM). */
  hasRuleSpec: boolean;
  verbose: boolean;
  numeric: boolean;
  exact: boolean;
  lineNumbers: boolean;
  /** What iptables printed on stderr while parsing (the -W deprecation notice). */
  warnings?: string;
}

/** Lets the parser ask what the kernel knows: does this chain exist (for "-j CHAIN"). */
export interface ParseEnv {
  chainExists(table: TableName, chain: string): boolean;
  /** Does an ipset of this name exist (for -m set); absent = no sets exist. */
  setExists?(name: string): boolean;
}

const CMD_LONG: Record<string, CommandLetter> = {
  append: 'A',
  insert: 'I',
  delete: 'D',
  replace: 'R',
  check: 'C',
  'new-chain': 'N',
  new: 'N',
  'delete-chain': 'X',
  flush: 'F',
  zero: 'Z',
  policy: 'P',
  'rename-chain': 'E',
  'list-rules': 'S',
  list: 'L',
  help: 'h',
  version: 'V',
};

/** Long options of the core parser mapped to their short letter. */
const CORE_LONG: Record<string, string> = {
  table: 't',
  jump: 'j',
  goto: 'g',
  'in-interface': 'i',
  'out-interface': 'o',
  source: 's',
  src: 's',
  destination: 'd',
  dst: 'd',
  protocol: 'p',
  match: 'm',
  numeric: 'n',
  verbose: 'v',
  exact: 'x',
  'line-numbers': '0',
  wait: 'w',
  'wait-interval': 'W',
  'set-counters': 'c',
  fragment: 'f',
  modprobe: 'M',
};

/**
 * A plain-object table as a Map with the same answers for every string, including the names the
 * object inherits from Object.prototype. A restore looks up a fresh (never interned) string in
 * these for every option and target, and a property lookup with such a key probes V8's global
 * string table each time, where a Map only hashes the string once.
 */
function lookupMap<T>(o: Record<string, T>): Map<string, T> {
  const m = new Map<string, T>();
  for (const k of Object.getOwnPropertyNames(Object.prototype)) m.set(k, o[k]!);
  for (const k of Object.keys(o)) m.set(k, o[k]!);
  return m;
}
const CMD_LONG_MAP = lookupMap(CMD_LONG);
/** Each extension's options as lookupMap: get(name) is options[name] when `name in options`, else undefined. */
const optionMaps = new Map<object, Map<string, number>>();
function optionsOf(ext: { options: Record<string, number> }): Map<string, number> {
  let m = optionMaps.get(ext.options);
  if (!m) {
    m = lookupMap(ext.options);
    optionMaps.set(ext.options, m);
  }
  return m;
}
const CORE_LONG_MAP = lookupMap(CORE_LONG);
const TARGETS_MAP = lookupMap(TARGETS);
const MATCHES_MAP = lookupMap(MATCHES);

const TRY = "Try `iptables -h' or 'iptables --help' for more information.";
export { TRY };

interface LoadedExt<T> {
  ext: Extension<T>;
  state: unknown;
}

function missingArg(display: string): ParamError {
  return { msg: `option "${display}" requires an argument`, exit: 2 };
}

/** "-X" for each short option letter, so scanning a bundle builds no string per letter. */
const SHORT_DISPLAY: Record<string, string> = {};
for (const l of 'ADRICNEPLSFZXhVtsdiopjgmcvnxwWf4M') SHORT_DISPLAY[l] = '-' + l;

function isOptionLike(s: string | undefined): boolean {
  return s === undefined || s.startsWith('-') || s === '!';
}

function parseRuleNumber(s: string): V<number> {
  const n = parseUint(s);
  if (n === undefined || n === 0 || !/^[0-9]+$/.test(s)) return verr(`Invalid rule number \`${s}'`);
  return vok(n);
}

function checkChainName(name: string, forCreate: boolean): ParamError | undefined {
  if (name.length >= 29) return { msg: `chain name \`${name}' too long (must be under 29 chars)`, exit: 2 };
  if (!forCreate) return undefined;
  if (name.startsWith('-') || name.startsWith('!')) return { msg: `chain name not allowed to start with \`${name[0]}'`, exit: 2 };
  if (TARGETS_MAP.get(name) || OTHER_TARGET_NAMES.has(name)) return { msg: 'chain name may not clash with target name', exit: 2 };
  if (/\s/.test(name)) return { msg: `Invalid chain name \`${name}'`, exit: 2 };
  return undefined;
}

/**
 * One parse of one command line. A class rather than closures: the parser runs once per line of a
 * 320,000-line kube-proxy restore, and per-call closures cost more than the parsing itself.
 */
class Parser {
  table = 'filter';
  command: CommandLetter | undefined;
  cmdFlag = '';
  chain: string | undefined;
  ruleNum: number | undefined;
  newName: string | undefined;
  policy: string | undefined;
  verbose = false;
  numeric = false;
  exact = false;
  lineNumbers = false;
  invert = false;
  /** -w given, -W given, and what -W printed. */
  wait = false;
  waitInterval = false;
  warnings = '';
  ip: IpSpec = emptyIpSpec();
  srcs: { addr: number; mask: number }[] | undefined;
  dsts: { addr: number; mask: number }[] | undefined;
  seen = '';
  matches: LoadedExt<Match>[] = [];
  target: LoadedExt<Target> | undefined;
  jumpChain: { chain: string; goto: boolean } | undefined;
  counters: Counters | undefined;
  hasRuleSpec = false;
  ctx: ParseCtx = { proto: 0, invProto: false };
  i = 0;

  constructor(
    public argv: string[],
    readonly env: ParseEnv,
  ) {
    if (env.setExists) this.ctx.setExists = env.setExists;
  }

  next(): string | undefined {
    return this.argv[this.i++];
  }

  /** The optional argument of -L/-S/-F/-Z/-X: the next word when it is not an option. */
  optionalArg(): string | undefined {
    return isOptionLike(this.argv[this.i]) ? undefined : this.argv[this.i++];
  }

  setCommand(c: CommandLetter, flag: string): ParamError | undefined {
    if (this.command !== undefined) return { msg: `Cannot use -${this.cmdFlag} with -${flag}`, exit: 2 };
    this.command = c;
    this.cmdFlag = flag;
    return undefined;
  }

  /** The option's argument, or undefined when the line ends first (see missingArg); no result object per option. */
  needArg(inlineArg: string | undefined): string | undefined {
    return inlineArg !== undefined ? inlineArg : this.next();
  }

  ruleOpt(flag: string): ParamError | undefined {
    this.hasRuleSpec = true;
    if (this.seen.includes(flag)) return { msg: `multiple -${flag} flags not allowed`, exit: 2 };
    this.seen += flag;
    return undefined;
  }

  handleCore(letter: string, inlineArg: string | undefined, display: string): ParamError | undefined {
    const inv = this.invert;
    this.invert = false;
    const ip = this.ip;
    switch (letter) {
      case 'A':
      case 'D':
      case 'R':
      case 'I':
      case 'C':
      case 'N':
      case 'E':
      case 'P': {
        const e = this.setCommand(letter as CommandLetter, letter);
        if (e) return e;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        this.chain = a;
        if (letter === 'D' || letter === 'I') {
          if (!isOptionLike(this.argv[this.i])) {
            const n = parseRuleNumber(this.next()!);
            if (!n.ok) return n.error;
            this.ruleNum = n.value;
          }
        } else if (letter === 'R') {
          const s = this.next();
          if (s === undefined || isOptionLike(s)) return { msg: '-R requires a rule number', exit: 2 };
          const n = parseRuleNumber(s);
          if (!n.ok) return n.error;
          this.ruleNum = n.value;
        } else if (letter === 'E') {
          const s = this.next();
          if (s === undefined || isOptionLike(s)) return { msg: '-E requires old-chain-name and new-chain-name', exit: 2 };
          this.newName = s;
        } else if (letter === 'P') {
          const s = this.next();
          if (s === undefined || isOptionLike(s)) return { msg: '-P requires a chain and a policy', exit: 2 };
          this.policy = s;
        }
        return undefined;
      }
      case 'L':
      case 'S':
      case 'F':
      case 'Z':
      case 'X': {
        const e = this.setCommand(letter as CommandLetter, letter);
        if (e) return e;
        this.chain = inlineArg ?? this.optionalArg();
        if (this.chain !== undefined && (letter === 'L' || letter === 'S' || letter === 'Z') && !isOptionLike(this.argv[this.i])) {
          const n = parseRuleNumber(this.next()!);
          if (!n.ok) return n.error;
          this.ruleNum = n.value;
        }
        return undefined;
      }
      case 'h':
      case 'V':
        return this.setCommand(letter as CommandLetter, letter);
      case 't': {
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        this.table = a;
        return undefined;
      }
      case 's':
      case 'd': {
        const e = this.ruleOpt(letter);
        if (e) return e;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        const r = parseAddrList(a);
        if (!r.ok) return r.error;
        if (letter === 's') {
          this.srcs = r.value;
          ip.invSrc = inv;
        } else {
          this.dsts = r.value;
          ip.invDst = inv;
        }
        return undefined;
      }
      case 'i':
      case 'o': {
        const e = this.ruleOpt(letter);
        if (e) return e;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        if (a.length > 15) return { msg: `interface name \`${a}' must be shorter than IFNAMSIZ (15)`, exit: 2 };
        if (letter === 'i') {
          ip.iif = a;
          ip.invIif = inv;
        } else {
          ip.oif = a;
          ip.invOif = inv;
        }
        return undefined;
      }
      case 'p': {
        const e = this.ruleOpt(letter);
        if (e) return e;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        const p = parseProtocol(a);
        if (!p.ok) return p.error;
        if (p.value === 0 && inv) return { msg: 'rule would never match protocol', exit: 2 };
        ip.proto = p.value;
        ip.invProto = inv;
        this.ctx.proto = p.value;
        this.ctx.invProto = inv;
        return undefined;
      }
      case 'j':
      case 'g': {
        this.hasRuleSpec = true;
        if (this.target || this.jumpChain) return { msg: `multiple -${letter} flags not allowed`, exit: 2 };
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        const name = a;
        const ext = letter === 'j' ? TARGETS_MAP.get(name) : undefined;
        if (ext) this.target = { ext, state: ext.init() };
        else this.jumpChain = { chain: name, goto: letter === 'g' };
        return undefined;
      }
      case 'm': {
        this.hasRuleSpec = true;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        const ext = MATCHES_MAP.get(a);
        if (!ext) return { msg: `Couldn't load match \`${a}':No such file or directory\n`, exit: 2 };
        this.matches.push({ ext, state: ext.init() });
        return undefined;
      }
      case 'c': {
        this.hasRuleSpec = true;
        const a = this.needArg(inlineArg);
        if (a === undefined) return missingArg(display);
        const b = this.next();
        const p = parseUint(a, Number.MAX_SAFE_INTEGER);
        const q = b === undefined ? undefined : parseUint(b, Number.MAX_SAFE_INTEGER);
        if (p === undefined) return { msg: `invalid packet counter value \`${a}'`, exit: 2 };
        if (q === undefined) return { msg: b === undefined ? '-c requires packet and byte counter' : `invalid byte counter value \`${b}'`, exit: 2 };
        this.counters = { pkts: p, bytes: q };
        return undefined;
      }
      case 'v':
        this.verbose = true;
        return undefined;
      case 'n':
        this.numeric = true;
        return undefined;
      case 'x':
        this.exact = true;
        return undefined;
      case '0':
        this.lineNumbers = true;
        return undefined;
      case 'w':
        // Waiting for the xtables lock is meaningless here; swallow an optional numeric argument.
        this.wait = true;
        if (inlineArg === undefined && this.argv[this.i] !== undefined && /^[0-9]/.test(this.argv[this.i]!)) this.i++;
        return undefined;
      case 'W': {
        // iptables-nft ignores -W, saying so on stderr each time, but still wants its value.
        const v = inlineArg ?? (this.argv[this.i] !== undefined && !this.argv[this.i]!.startsWith('-') ? this.argv[this.i++] : undefined);
        if (v === undefined) return { msg: 'wait interval value required', exit: 2 };
        if (!/^[0-9]+(\.[0-9]*)?$/.test(v)) return { msg: 'wait interval not numeric', exit: 2 };
        this.warnings += 'Ignoring deprecated --wait-interval option.\n';
        this.waitInterval = true;
        return undefined;
      }
      case 'f':
        return { msg: 'podnet: -f (fragments) is not supported', exit: 2 };
      case 'M':
        this.needArg(inlineArg);
        return undefined;
      case '4':
        return undefined;
      default:
        return { msg: `unknown option "${display}"`, exit: 2 };
    }
  }

  takeArgs(n: number, display: string): V<string[]> {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const a = this.next();
      if (a === undefined) return verr(`option "${display}" requires an argument`);
      out.push(a);
    }
    return vok(out);
  }

  /** An option no core letter owns: the target's first, then loaded matches, then the -p match. */
  handleExtOption(name: string, display: string): ParamError | undefined {
    const inv = this.invert;
    this.invert = false;
    const target = this.target;
    const tn = target ? optionsOf(target.ext).get(name) : undefined;
    if (target && tn !== undefined) {
      const args = this.takeArgs(tn, display);
      if (!args.ok) return args.error;
      return target.ext.parse(target.state, name, args.value, inv, this.ctx);
    }
    for (const m of this.matches) {
      const n = optionsOf(m.ext).get(name);
      if (n !== undefined) {
        const args = this.takeArgs(n, display);
        if (!args.ok) return args.error;
        return m.ext.parse(m.state, name, args.value, inv, this.ctx);
      }
    }
    // iptables loads the match named after -p on demand (tcp, udp, icmp, sctp).
    const protoMatch = PROTO_MATCH[this.ctx.proto];
    if (protoMatch && !this.ctx.invProto && !this.matches.some((m) => m.ext.name === protoMatch)) {
      const ext = MATCHES[protoMatch]!;
      const n = optionsOf(ext).get(name);
      if (n !== undefined) {
        const loaded = { ext, state: ext.init() };
        this.matches.push(loaded);
        const args = this.takeArgs(n, display);
        if (!args.ok) return args.error;
        return ext.parse(loaded.state, name, args.value, inv, this.ctx);
      }
    }
    return { msg: `unknown option "${display}"`, exit: 2 };
  }

  scan(): ParamError | undefined {
    const argv = this.argv;
    while (this.i < argv.length) {
      const arg = this.next()!;
      if (arg === '!') {
        if (this.invert) return { msg: 'multiple consecutive ! not allowed', exit: 2 };
        this.invert = true;
        continue;
      }
      if (arg.length > 2 && arg.charCodeAt(0) === 45 && arg.charCodeAt(1) === 45) {
        const eq = arg.indexOf('=');
        const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
        const inline = eq < 0 ? undefined : arg.slice(eq + 1);
        const cmd = CMD_LONG_MAP.get(name);
        const core = CORE_LONG_MAP.get(name);
        let e: ParamError | undefined;
        if (cmd) e = this.handleCore(cmd, inline, arg);
        else if (core) e = this.handleCore(core, inline, arg);
        else {
          if (inline !== undefined) this.argv = [...this.argv.slice(0, this.i), inline, ...this.argv.slice(this.i)];
          e = this.handleExtOption(name, arg);
        }
        if (e) return e;
        continue;
      }
      if (arg.length > 1 && arg.charCodeAt(0) === 45) {
        // Bundled short options ("-vnL"); a letter that takes an argument eats the rest or the next word.
        for (let k = 1; k < arg.length; k++) {
          const letter = arg[k]!;
          let inline: string | undefined;
          if ((ARG_LETTERS.includes(letter) || OPTIONAL_ARG_LETTERS.includes(letter)) && k + 1 < arg.length) inline = arg.slice(k + 1);
          if (!SHORT_LETTERS.includes(letter)) return { msg: `unknown option "-${letter}"`, exit: 2 };
          const e = this.handleCore(letter, inline, SHORT_DISPLAY[letter] ?? '-' + letter);
          if (e) return e;
          if (inline !== undefined) break;
        }
        continue;
      }
      return { msg: `Bad argument \`${arg}'`, exit: 2, bare: true };
    }
    return undefined;
  }

  /** Warnings printed while parsing come first on stderr, whatever happens next. */
  build(): V<ParsedCommand> {
    const r = this.buildCommand();
    if (!this.warnings) return r;
    return r.ok ? vok({ ...r.value, warnings: this.warnings }) : { ok: false, error: { ...r.error, warnings: this.warnings } };
  }

  buildCommand(): V<ParsedCommand> {
    const scanErr = this.scan();
    if (scanErr) return { ok: false, error: scanErr };
    if (this.waitInterval && !this.wait) return verr('--wait-interval only makes sense with --wait\n');
    const command = this.command;
    const table = this.table;
    const chain = this.chain;
    const ruleNum = this.ruleNum;
    const ip = this.ip;
    if (command === undefined) return verr('no command specified');
    if (!isTableName(table)) return verr(`table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.`, 3);
    const tbl: TableName = table;

    if (chain !== undefined) {
      const e = checkChainName(chain, command === 'N');
      if (e) return { ok: false, error: e };
    }
    if (this.newName !== undefined) {
      const e = checkChainName(this.newName, true);
      if (e) return { ok: false, error: e };
    }

    if (command === 'P' && tbl === 'nat' && this.policy === 'DROP') {
      return verr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
    }
    if (command === 'R' && (this.srcs?.length ?? 1) * (this.dsts?.length ?? 1) > 1) return verr('Replacement rule does not specify a unique address');
    const needsRule = command === 'A' || command === 'I' || command === 'R' || command === 'C' || (command === 'D' && ruleNum === undefined);
    const rules: Rule[] = [];
    if (needsRule) {
      if (chain === 'INPUT' || chain === 'PREROUTING') {
        if (ip.oif) return verr(`Can't use -o with ${chain}\n`);
      }
      if (chain === 'OUTPUT' || chain === 'POSTROUTING') {
        if (ip.iif) return verr(`Can't use -i with ${chain}\n`);
      }
      const builtMatches: Match[] = [];
      for (const m of this.matches) {
        const r = m.ext.final(m.state, this.ctx);
        if (!r.ok) return r;
        builtMatches.push(r.value);
      }
      let t: Target | undefined;
      const jumpChain = this.jumpChain;
      if (this.target) {
        const r = this.target.ext.final(this.target.state, this.ctx);
        if (!r.ok) return r;
        t = r.value;
        if (tbl === 'nat' && t.name === 'DROP') {
          return verr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
        }
      } else if (jumpChain) {
        if (!this.env.chainExists(tbl, jumpChain.chain)) {
          if (jumpChain.goto || !OTHER_TARGET_NAMES.has(jumpChain.chain)) return verr(`Chain '${jumpChain.chain}' does not exist`);
          return verr(`podnet: target ${jumpChain.chain} is not supported`);
        }
        t = jumpTarget(jumpChain.chain, jumpChain.goto);
      }
      const srcs = this.srcs ?? [undefined];
      const dsts = this.dsts ?? [undefined];
      for (const s of srcs) {
        for (const d of dsts) {
          let ipc: IpSpec;
          if (!s && !d && !ip.invSrc && !ip.invDst && !ip.iif && !ip.oif) ipc = protoOnlyIp(ip.proto, ip.invProto);
          else {
            ipc = { ...ip };
            if (s) {
              ipc.src = s.addr;
              ipc.srcMask = s.mask;
            }
            if (d) {
              ipc.dst = d.addr;
              ipc.dstMask = d.mask;
            }
          }
          // Each expanded rule gets its own match objects: nth counters are per rule.
          const ms = srcs.length * dsts.length === 1 ? internMatchList(builtMatches.map(internMatch)) : builtMatches.map(cloneMatchState);
          const rule: Rule = { ip: ipc, matches: ms, counters: this.counters ? { ...this.counters } : ZERO_COUNTERS };
          if (t) rule.target = t;
          rules.push(rule);
        }
      }
    }

    const out: ParsedCommand = {
      table: tbl,
      command,
      rules,
      hasRuleSpec: this.hasRuleSpec,
      verbose: this.verbose,
      numeric: this.numeric,
      exact: this.exact,
      lineNumbers: this.lineNumbers,
    };
    if (chain !== undefined) out.chain = chain;
    if (ruleNum !== undefined) out.ruleNum = ruleNum;
    if (this.newName !== undefined) out.newName = this.newName;
    if (this.policy !== undefined) out.policy = this.policy;
    return vok(out);
  }
}

const PROTO_MATCH: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 132: 'sctp' };
const ARG_LETTERS = 'ADRICNEPtsdiopjgmcM';
const OPTIONAL_ARG_LETTERS = 'LSFZXw';
const SHORT_LETTERS = 'ADRICNEPLSFZXhVtsdiopjgmcvnxwWf4M';

/**
 * Jump targets are immutable, so one object per (chain, goto) serves every rule: kube-proxy's
 * 220,000 jumps then cost no memory of their own.
 */
const jumpTargets = new Map<string, Target>();
/** The last one handed out: kube-proxy's 100,000 jumps to KUBE-MARK-MASQ come every other line. */
let lastJump: { name: 'jump'; chain: string; goto: boolean } | undefined;
function jumpTarget(chain: string, goto: boolean): Target {
  if (lastJump !== undefined && lastJump.goto === goto && lastJump.chain === chain) return lastJump;
  const key = goto ? '-g ' + chain : chain;
  let t = jumpTargets.get(key);
  if (!t) {
    t = { name: 'jump', chain, goto };
    if (jumpTargets.size > 500_000) jumpTargets.clear();
    jumpTargets.set(key, t);
  }
  if (t.name === 'jump') lastJump = t;
  return t;
}

/*
 * Rules never change after they are built (only their counters), so identical parts are shared:
 * a kube-proxy ruleset repeats "-p tcp", "-m tcp --dport 80" and a handful of probabilities
 * hundreds of thousands of times, and sharing them keeps restore fast and the heap small.
 */
const protoOnly = new Map<number, IpSpec>();
function protoOnlyIp(proto: number, inv: boolean): IpSpec {
  const k = inv ? -proto - 1 : proto;
  let ip = protoOnly.get(k);
  if (!ip) {
    ip = { ...emptyIpSpec(), proto, invProto: inv };
    protoOnly.set(k, ip);
  }
  return ip;
}

const sharedMatches = new Map<string, Match>();
function rangeKey(x?: { lo: number; hi: number; inv: boolean }): string {
  return x ? `${x.lo}:${x.hi}:${x.inv ? 1 : 0}` : '';
}
/**
 * The last comment match built: kube-proxy writes the same comment on runs of consecutive rules
 * (20 per service), so comparing with the previous one shares most comments without a lookup.
 */
let lastComment: Match | undefined;
function internMatch(m: Match): Match {
  if (m.name === 'comment') {
    if (lastComment?.name === 'comment' && lastComment.comment === m.comment) return lastComment;
    lastComment = m;
    return m;
  }
  let k: string | undefined;
  if ((m.name === 'tcp' || m.name === 'udp' || m.name === 'sctp') && !('tcpFlags' in m && m.tcpFlags)) {
    k = `${m.name}|${rangeKey(m.sport)}|${rangeKey(m.dport)}`;
  } else if (m.name === 'statistic' && m.mode === 'random') k = `stat|${m.probability}|${m.inv ? 1 : 0}`;
  else if (m.name === 'mark') k = `mark|${m.mark}|${m.mask}|${m.inv ? 1 : 0}`;
  if (k === undefined) return m;
  const hit = sharedMatches.get(k);
  if (hit) return hit;
  if (sharedMatches.size > 100_000) sharedMatches.clear();
  sharedMatches.set(k, m);
  return m;
}

/**
 * The last match list built of each length: consecutive rules with the same (shared) matches share
 * one array too, fewer objects for the garbage collector to copy while a big restore builds them.
 * Only lists of shared or freshly built objects get here, so a match with per-rule state (nth) is
 * never identical to an earlier one and its list is never shared.
 */
const lastMatchLists: (Match[] | undefined)[] = [];
function internMatchList(ms: Match[]): Match[] {
  if (ms.length === 0 || ms.length > 8) return ms;
  const prev = lastMatchLists[ms.length];
  if (prev !== undefined) {
    let same = true;
    for (let i = 0; i < ms.length; i++) {
      if (prev[i] !== ms[i]) {
        same = false;
        break;
      }
    }
    if (same) return prev;
  }
  lastMatchLists[ms.length] = ms;
  return ms;
}

function cloneMatchState(m: Match): Match {
  return m.name === 'statistic' && m.mode === 'nth' ? { ...m, state: { ...m.state } } : m;
}

/**
 * Parse one iptables argv (without the program name). Rules come back fully built; checks that
 * need kernel state (does the chain exist) go through env.
 */
export function parseIptables(argv: string[], env: ParseEnv, defaultTable = 'filter'): V<ParsedCommand> {
  const p = new Parser(argv, env);
  p.table = defaultTable;
  return p.build();
}
