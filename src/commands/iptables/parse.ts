/**
 * The iptables command line (do_parse of iptables 1.8.9): one command letter, its chain and
 * numbers, the rule specification with "!" inversions, -m modules and -j/-g targets with their
 * options, in the order and with the error texts of the real parser. Shared by iptables and
 * iptables-restore, which differ only in how errors are reported.
 */
import type { Counters, IpSpec, Match, Rule, Target } from '../../kernel/netfilter/rule.js';
import { emptyIpSpec } from '../../kernel/netfilter/rule.js';
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
}

/** Lets the parser ask what the kernel knows: does this chain exist (for "-j CHAIN"). */
export interface ParseEnv {
  chainExists(table: TableName, chain: string): boolean;
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

const TRY = "Try `iptables -h' or 'iptables --help' for more information.";
export { TRY };

interface LoadedExt<T> {
  ext: Extension<T>;
  state: unknown;
}

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
  if (TARGETS[name] || OTHER_TARGET_NAMES.has(name)) return { msg: 'chain name may not clash with target name', exit: 2 };
  if (/\s/.test(name)) return { msg: `Invalid chain name \`${name}'`, exit: 2 };
  return undefined;
}

/**
 * Parse one iptables argv (without the program name). Rules come back fully built; checks that
 * need kernel state (does the chain exist) go through env.
 */
export function parseIptables(argv: string[], env: ParseEnv): V<ParsedCommand> {
  let table = 'filter';
  let command: CommandLetter | undefined;
  let cmdFlag = '';
  let chain: string | undefined;
  let ruleNum: number | undefined;
  let newName: string | undefined;
  let policy: string | undefined;
  let verbose = false;
  let numeric = false;
  let exact = false;
  let lineNumbers = false;
  let invert = false;

  const ip: IpSpec = emptyIpSpec();
  let srcs: { addr: number; mask: number }[] | undefined;
  let dsts: { addr: number; mask: number }[] | undefined;
  const seen = new Set<string>();
  const matches: LoadedExt<Match>[] = [];
  let target: LoadedExt<Target> | undefined;
  let jumpChain: { chain: string; goto: boolean } | undefined;
  let counters: Counters | undefined;
  let hasRuleSpec = false;
  const ctx: ParseCtx = { proto: 0, invProto: false };

  const setCommand = (c: CommandLetter, flag: string): ParamError | undefined => {
    if (command !== undefined) return { msg: `Cannot use -${cmdFlag} with -${flag}`, exit: 2 };
    command = c;
    cmdFlag = flag;
    return undefined;
  };

  let i = 0;
  const next = (): string | undefined => argv[i++];

  /** The optional argument of -L/-S/-F/-Z/-X: the next word when it is not an option. */
  const optionalArg = (): string | undefined => (isOptionLike(argv[i]) ? undefined : argv[i++]);

  const handleCore = (letter: string, inlineArg: string | undefined, display: string): ParamError | undefined => {
    const needArg = (): V<string> => {
      if (inlineArg !== undefined) return vok(inlineArg);
      const a = next();
      if (a === undefined) return verr(`option "${display}" requires an argument`);
      return vok(a);
    };
    const inv = invert;
    invert = false;
    const ruleOpt = (flag: string): ParamError | undefined => {
      hasRuleSpec = true;
      if (seen.has(flag)) return { msg: `multiple -${flag} flags not allowed`, exit: 2 };
      seen.add(flag);
      return undefined;
    };
    switch (letter) {
      case 'A':
      case 'D':
      case 'R':
      case 'I':
      case 'C':
      case 'N':
      case 'E':
      case 'P': {
        const e = setCommand(letter as CommandLetter, letter);
        if (e) return e;
        const a = needArg();
        if (!a.ok) return a.error;
        chain = a.value;
        if (letter === 'D' || letter === 'I') {
          if (!isOptionLike(argv[i])) {
            const n = parseRuleNumber(next()!);
            if (!n.ok) return n.error;
            ruleNum = n.value;
          }
        } else if (letter === 'R') {
          const s = next();
          if (s === undefined || isOptionLike(s)) return { msg: '-R requires a rule number', exit: 2 };
          const n = parseRuleNumber(s);
          if (!n.ok) return n.error;
          ruleNum = n.value;
        } else if (letter === 'E') {
          const s = next();
          if (s === undefined || isOptionLike(s)) return { msg: '-E requires old-chain-name and new-chain-name', exit: 2 };
          newName = s;
        } else if (letter === 'P') {
          const s = next();
          if (s === undefined || isOptionLike(s)) return { msg: '-P requires a chain and a policy', exit: 2 };
          policy = s;
        }
        return undefined;
      }
      case 'L':
      case 'S':
      case 'F':
      case 'Z':
      case 'X': {
        const e = setCommand(letter as CommandLetter, letter);
        if (e) return e;
        chain = inlineArg ?? optionalArg();
        if (chain !== undefined && (letter === 'L' || letter === 'S' || letter === 'Z') && !isOptionLike(argv[i])) {
          const n = parseRuleNumber(next()!);
          if (!n.ok) return n.error;
          ruleNum = n.value;
        }
        return undefined;
      }
      case 'h':
      case 'V':
        return setCommand(letter as CommandLetter, letter);
      case 't': {
        const a = needArg();
        if (!a.ok) return a.error;
        table = a.value;
        return undefined;
      }
      case 's':
      case 'd': {
        const e = ruleOpt(letter);
        if (e) return e;
        const a = needArg();
        if (!a.ok) return a.error;
        const r = parseAddrList(a.value);
        if (!r.ok) return r.error;
        if (letter === 's') {
          srcs = r.value;
          ip.invSrc = inv;
        } else {
          dsts = r.value;
          ip.invDst = inv;
        }
        return undefined;
      }
      case 'i':
      case 'o': {
        const e = ruleOpt(letter);
        if (e) return e;
        const a = needArg();
        if (!a.ok) return a.error;
        if (a.value.length > 15) return { msg: `interface name \`${a.value}' must be shorter than IFNAMSIZ (15)`, exit: 2 };
        if (letter === 'i') {
          ip.iif = a.value;
          ip.invIif = inv;
        } else {
          ip.oif = a.value;
          ip.invOif = inv;
        }
        return undefined;
      }
      case 'p': {
        const e = ruleOpt(letter);
        if (e) return e;
        const a = needArg();
        if (!a.ok) return a.error;
        const p = parseProtocol(a.value);
        if (!p.ok) return p.error;
        if (p.value === 0 && inv) return { msg: 'rule would never match protocol', exit: 2 };
        ip.proto = p.value;
        ip.invProto = inv;
        ctx.proto = p.value;
        ctx.invProto = inv;
        return undefined;
      }
      case 'j':
      case 'g': {
        hasRuleSpec = true;
        if (target || jumpChain) return { msg: `multiple -${letter} flags not allowed`, exit: 2 };
        const a = needArg();
        if (!a.ok) return a.error;
        const name = a.value;
        const ext = letter === 'j' ? TARGETS[name] : undefined;
        if (ext) target = { ext, state: ext.init() };
        else jumpChain = { chain: name, goto: letter === 'g' };
        return undefined;
      }
      case 'm': {
        hasRuleSpec = true;
        const a = needArg();
        if (!a.ok) return a.error;
        const ext = MATCHES[a.value];
        if (!ext) return { msg: `Couldn't load match \`${a.value}':No such file or directory\n`, exit: 2 };
        matches.push({ ext, state: ext.init() });
        return undefined;
      }
      case 'c': {
        hasRuleSpec = true;
        const a = needArg();
        if (!a.ok) return a.error;
        const b = next();
        const p = parseUint(a.value, Number.MAX_SAFE_INTEGER);
        const q = b === undefined ? undefined : parseUint(b, Number.MAX_SAFE_INTEGER);
        if (p === undefined) return { msg: `invalid packet counter value \`${a.value}'`, exit: 2 };
        if (q === undefined) return { msg: b === undefined ? '-c requires packet and byte counter' : `invalid byte counter value \`${b}'`, exit: 2 };
        counters = { pkts: p, bytes: q };
        return undefined;
      }
      case 'v':
        verbose = true;
        return undefined;
      case 'n':
        numeric = true;
        return undefined;
      case 'x':
        exact = true;
        return undefined;
      case '0':
        lineNumbers = true;
        return undefined;
      case 'w':
      case 'W':
        // Waiting for the xtables lock is meaningless here; swallow an optional numeric argument.
        if (inlineArg === undefined && argv[i] !== undefined && /^[0-9]/.test(argv[i]!)) i++;
        return undefined;
      case 'f':
        return { msg: 'podnet: -f (fragments) is not supported', exit: 2 };
      case 'M':
        needArg();
        return undefined;
      case '4':
        return undefined;
      default:
        return { msg: `unknown option "${display}"`, exit: 2 };
    }
  };

  /** An option no core letter owns: the target's first, then loaded matches, then the -p match. */
  const handleExtOption = (name: string, display: string): ParamError | undefined => {
    const inv = invert;
    invert = false;
    const takeArgs = (n: number): V<string[]> => {
      const out: string[] = [];
      for (let k = 0; k < n; k++) {
        const a = next();
        if (a === undefined) return verr(`option "${display}" requires an argument`);
        out.push(a);
      }
      return vok(out);
    };
    if (target && name in target.ext.options) {
      const args = takeArgs(target.ext.options[name]!);
      if (!args.ok) return args.error;
      return target.ext.parse(target.state, name, args.value, inv, ctx);
    }
    for (const m of matches) {
      if (name in m.ext.options) {
        const args = takeArgs(m.ext.options[name]!);
        if (!args.ok) return args.error;
        return m.ext.parse(m.state, name, args.value, inv, ctx);
      }
    }
    // iptables loads the match named after -p on demand (tcp, udp, icmp, sctp).
    const protoMatch = { 6: 'tcp', 17: 'udp', 1: 'icmp', 132: 'sctp' }[ctx.proto];
    if (protoMatch && !ctx.invProto && !matches.some((m) => m.ext.name === protoMatch)) {
      const ext = MATCHES[protoMatch]!;
      if (name in ext.options) {
        const loaded = { ext, state: ext.init() };
        matches.push(loaded);
        const args = takeArgs(ext.options[name]!);
        if (!args.ok) return args.error;
        return ext.parse(loaded.state, name, args.value, inv, ctx);
      }
    }
    return { msg: `unknown option "${display}"`, exit: 2 };
  };

  while (i < argv.length) {
    const arg = next()!;
    if (arg === '!') {
      if (invert) return verr('multiple consecutive ! not allowed');
      invert = true;
      continue;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const cmd = CMD_LONG[name];
      const core = CORE_LONG[name];
      let e: ParamError | undefined;
      if (cmd) e = handleCore(cmd, inline, arg);
      else if (core) e = handleCore(core, inline, arg);
      else {
        if (inline !== undefined) argv = [...argv.slice(0, i), inline, ...argv.slice(i)];
        e = handleExtOption(name, arg);
      }
      if (e) return { ok: false, error: e };
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Bundled short options ("-vnL"); a letter that takes an argument eats the rest or the next word.
      for (let k = 1; k < arg.length; k++) {
        const letter = arg[k]!;
        const takesArg = 'ADRICNEPtsdiopjgmcM'.includes(letter);
        const optionalArgLetters = 'LSFZXw';
        let inline: string | undefined;
        if ((takesArg || optionalArgLetters.includes(letter)) && k + 1 < arg.length) inline = arg.slice(k + 1);
        if (!'ADRICNEPLSFZXhVtsdiopjgmcvnxwWf4M'.includes(letter)) return verr(`unknown option "-${letter}"`);
        const e = handleCore(letter, inline, `-${letter}`);
        if (e) return { ok: false, error: e };
        if (inline !== undefined) break;
      }
      continue;
    }
    return verr(`Bad argument \`${arg}'`, 2, true);
  }

  if (command === undefined) return verr('no command specified');
  if (!isTableName(table)) return verr(`table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.`, 3);
  const tbl: TableName = table;

  if (chain !== undefined) {
    const e = checkChainName(chain, command === 'N');
    if (e) return { ok: false, error: e };
  }
  if (newName !== undefined) {
    const e = checkChainName(newName, true);
    if (e) return { ok: false, error: e };
  }

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
    for (const m of matches) {
      const r = m.ext.final(m.state, ctx);
      if (!r.ok) return r;
      builtMatches.push(r.value);
    }
    let t: Target | undefined;
    if (target) {
      const r = target.ext.final(target.state, ctx);
      if (!r.ok) return r;
      t = r.value;
      if (tbl === 'nat' && t.name === 'DROP') {
        return verr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
      }
    } else if (jumpChain) {
      if (!env.chainExists(tbl, jumpChain.chain)) {
        if (jumpChain.goto || !OTHER_TARGET_NAMES.has(jumpChain.chain)) return verr(`Chain '${jumpChain.chain}' does not exist`);
        return verr(`podnet: target ${jumpChain.chain} is not supported`);
      }
      t = { name: 'jump', chain: jumpChain.chain, goto: jumpChain.goto };
    }
    for (const s of srcs ?? [undefined]) {
      for (const d of dsts ?? [undefined]) {
        const ipc: IpSpec = { ...ip };
        if (s) {
          ipc.src = s.addr;
          ipc.srcMask = s.mask;
        }
        if (d) {
          ipc.dst = d.addr;
          ipc.dstMask = d.mask;
        }
        // Each expanded rule gets its own match objects: nth counters are per rule.
        const ms = builtMatches.map((m) => (m.name === 'statistic' && m.mode === 'nth' ? { ...m, state: { ...m.state } } : m));
        rules.push({ ip: ipc, matches: ms, ...(t ? { target: t } : {}), counters: counters ? { ...counters } : { pkts: 0, bytes: 0 } });
      }
    }
  }

  return vok({
    table: tbl,
    command,
    ...(chain !== undefined ? { chain } : {}),
    ...(ruleNum !== undefined ? { ruleNum } : {}),
    ...(newName !== undefined ? { newName } : {}),
    ...(policy !== undefined ? { policy } : {}),
    rules,
    hasRuleSpec,
    verbose,
    numeric,
    exact,
    lineNumbers,
  });
}
