/**
 * The `conntrack` program (conntrack-tools 1.4.7): list, count, delete and flush the namespace's
 * connection tracking entries, printed the way the real tool prints them — one line per flow on
 * stdout, the "N flow entries have been shown." summary on stderr, and its errors and exit codes.
 */
import type { Conntrack, CtEntry, CtEvent, TcpCtState, Tuple } from '../../kernel/netfilter/conntrack.js';
import { formatIpv4, parseIpv4 } from '../../wire/addr.js';
import { result, type Command, type ExecContext, type ExecResult, type Job } from '../types.js';
import { CONNTRACK_HELP } from './help.js';

const VERSION = 'conntrack v1.4.7 (conntrack-tools)';

/** conntrack's exit_error(PARAMETER_PROBLEM, ...): the message, the -h hint, exit 2. */
const paramError = (msg: string): ExecResult => result(2, '', `${VERSION}: ${msg}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);

/** Layer-4 protocols conntrack-tools has an extension for (proto_list), by name and number. */
const PROTOS: Record<string, number> = { tcp: 6, udp: 17, udplite: 136, icmp: 1, icmpv6: 58, sctp: 132, gre: 47, dccp: 33 };
/** The name printed in the listing's second column (nfct_snprintf's l4proto table). */
const PROTO_NAME: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 58: 'icmpv6', 132: 'sctp', 136: 'udplite' };
const PORT_PROTOS = new Set([6, 17, 33, 132, 136]);

type Cmd = 'L' | 'D' | 'F' | 'C' | 'G' | 'I' | 'E';
const CMD_OPTS: Record<string, Cmd> = {
  '-L': 'L',
  '--dump': 'L',
  '-D': 'D',
  '--delete': 'D',
  '-F': 'F',
  '--flush': 'F',
  '-C': 'C',
  '--count': 'C',
  '-G': 'G',
  '--get': 'G',
  '-I': 'I',
  '--create': 'I',
  '-E': 'E',
  '--event': 'E',
};

/** The TCP states `--state` names (conntrack-tools' tcp extension, nf_conntrack_tcp's names). */
const TCP_STATES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'LISTEN', 'SYN_SENT2'];
/** `--status` names: IPS_EXPECTED, IPS_SEEN_REPLY, IPS_ASSURED, IPS_FIXED_TIMEOUT; UNSET is none of them. */
const STATUS_NAMES = ['EXPECTED', 'ASSURED', 'SEEN_REPLY', 'FIXED_TIMEOUT', 'UNSET'];

interface Filter {
  proto?: number;
  origSrc?: number;
  origDst?: number;
  replySrc?: number;
  replyDst?: number;
  /** -n / -g / -j: true = any source (destination, either) NAT, a number = NAT to that address. */
  srcNat?: true | number;
  dstNat?: true | number;
  anyNat?: true | number;
  sport?: number;
  dport?: number;
  mark?: number;
  zone?: number;
  /** --state (tcp): any of these. */
  tcpStates?: string[];
  /** --status: every one of these bits set (UNSET: none). */
  status?: string[];
  /** -E only: -e, the event types shown. */
  events?: Set<string>;
  /** -I only: --timeout, the reply ports. */
  timeout?: number;
  replySport?: number;
  replyDport?: number;
}

interface Parsed {
  cmd?: Cmd;
  table: 'conntrack' | 'expect';
  filter: Filter;
  extended: boolean;
  /** The long name of the first filter option given, for "Illegal option" with -F / -C. */
  firstFilterOpt?: string;
  /** Every option given, by long name, for the per-command checks (-G). */
  given: Set<string>;
}

type ParseResult = { ok: true; value: Parsed } | { ok: false; exit: ExecResult };

const LONG: Record<string, string> = {
  '-p': '--protonum',
  '--protonum': '--protonum',
  '-s': '--orig-src',
  '--src': '--orig-src',
  '--orig-src': '--orig-src',
  '-d': '--orig-dst',
  '--dst': '--orig-dst',
  '--orig-dst': '--orig-dst',
  '-r': '--reply-src',
  '--reply-src': '--reply-src',
  '-q': '--reply-dst',
  '--reply-dst': '--reply-dst',
  '-n': '--src-nat',
  '--src-nat': '--src-nat',
  '-g': '--dst-nat',
  '--dst-nat': '--dst-nat',
  '-j': '--any-nat',
  '--any-nat': '--any-nat',
  '-m': '--mark',
  '--mark': '--mark',
  '-w': '--zone',
  '--zone': '--zone',
  '-f': '--family',
  '--family': '--family',
  '-o': '--output',
  '--output': '--output',
};

function parse(args: string[]): ParseResult {
  const out: Parsed = { table: 'conntrack', filter: {}, extended: false, given: new Set() };
  const f = out.filter;
  const fail = (msg: string): ParseResult => ({ ok: false, exit: paramError(msg) });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const cmd = CMD_OPTS[a];
    if (cmd) {
      if (out.cmd && out.cmd !== cmd) return fail('Invalid commands combination');
      out.cmd = cmd;
      // -L [table]: an optional table name follows as a separate word (conntrack's optional-arg trick).
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        i++;
        if (next === 'conntrack') out.table = 'conntrack';
        else if (next === 'expect' || next === 'expectation') out.table = 'expect';
        else return fail(`unknown type \`${next}'`);
      }
      continue;
    }
    if (a === '-h' || a === '--help') return { ok: false, exit: result(0, CONNTRACK_HELP) };
    if (a === '-V' || a === '--version') return { ok: false, exit: result(0, `${VERSION}\n`) };
    // Port options exist only once -p loaded a protocol extension that has ports.
    const portOpt = a === '--sport' || a === '--orig-port-src' || a === '--dport' || a === '--orig-port-dst' || a === '--reply-port-src' || a === '--reply-port-dst';
    if (portOpt && !(f.proto !== undefined && PORT_PROTOS.has(f.proto))) return fail(`unknown option \`${a}'`);
    // --state belongs to the tcp extension, loaded by -p tcp.
    const tcpOpt = a === '--state';
    if (tcpOpt && f.proto !== 6) return fail(`unknown option \`${a}'`);
    const long =
      portOpt || tcpOpt
        ? a
        : a === '-u' || a === '--status'
          ? '--status'
          : a === '-t' || a === '--timeout'
            ? '--timeout'
            : a === '-e' || a === '--event-mask'
              ? '--event-mask'
              : LONG[a];
    if (!long) return fail(`unknown option \`${a}'`);
    out.given.add(long === '--orig-port-src' ? '--sport' : long === '--orig-port-dst' ? '--dport' : long);
    // -n / -g take an optional address: conntrack consumes the next word unless it is an option.
    if (long === '--src-nat' || long === '--dst-nat' || long === '--any-nat') {
      const next = args[i + 1];
      let v: true | number = true;
      if (next !== undefined && !next.startsWith('-')) {
        i++;
        const ip = parseIpv4(next);
        if (ip === undefined) return fail(`Invalid IP address \`${next}'`);
        v = ip;
      }
      if (long === '--src-nat') f.srcNat = v;
      else if (long === '--dst-nat') f.dstNat = v;
      else f.anyNat = v;
      out.firstFilterOpt ??= long;
      continue;
    }
    const val = args[++i];
    if (val === undefined) return fail(`option \`${a}' requires an argument`);
    switch (long) {
      case '--protonum': {
        const n = /^\d+$/.test(val) ? Number(val) : PROTOS[val];
        if (n === undefined || n > 255) return fail(`\`${val}' unsupported protocol`);
        f.proto = n;
        break;
      }
      case '--orig-src':
      case '--orig-dst':
      case '--reply-src':
      case '--reply-dst': {
        const ip = parseIpv4(val);
        if (ip === undefined) return fail(`Invalid IP address \`${val}'`);
        if (long === '--orig-src') f.origSrc = ip;
        else if (long === '--orig-dst') f.origDst = ip;
        else if (long === '--reply-src') f.replySrc = ip;
        else f.replyDst = ip;
        break;
      }
      case '--sport':
      case '--orig-port-src':
      case '--dport':
      case '--orig-port-dst':
      case '--reply-port-src':
      case '--reply-port-dst': {
        // The tool reads ports with atoi: garbage is port 0, not an error.
        const n = Number.parseInt(val, 10) || 0;
        if (!(n >= 0 && n <= 65535)) return fail(`Bad parameter \`${val}'`);
        if (long === '--sport' || long === '--orig-port-src') f.sport = n;
        else if (long === '--dport' || long === '--orig-port-dst') f.dport = n;
        else if (long === '--reply-port-src') f.replySport = n;
        else f.replyDport = n;
        break;
      }
      case '--event-mask': {
        const names = val.split(',');
        const bad = names.find((x) => !['NEW', 'UPDATE', 'DESTROY', 'ALL'].includes(x));
        if (bad !== undefined) return fail(`Bad parameter \`${bad}'`);
        f.events = new Set(names.includes('ALL') ? ['NEW', 'UPDATE', 'DESTROY'] : names);
        break;
      }
      case '--timeout': {
        // strtoul: garbage reads as 0.
        const n = /^\d+/.exec(val);
        f.timeout = n ? Number(n[0]) : 0;
        break;
      }
      case '--mark':
      case '--zone': {
        // strtoul(val, NULL, 0): garbage reads as 0.
        const m = /^(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)/i.exec(val);
        const n = m ? Number(m[1]!.startsWith('0') && !/^0x/i.test(m[1]!) ? Number.parseInt(m[1]!, 8) : m[1]) : 0;
        if (n > 0xffffffff) return fail(`Bad parameter \`${val}'`);
        if (long === '--mark') f.mark = n;
        else f.zone = n;
        break;
      }
      case '--state': {
        // One state: the tcp extension looks the whole word up, commas included.
        if (!TCP_STATES.includes(val)) return fail(`unknown TCP state \`${val}'`);
        f.tcpStates = [val];
        break;
      }
      case '--status': {
        const names = val.split(',');
        const bad = names.find((x) => !STATUS_NAMES.includes(x));
        if (bad !== undefined) return fail(`Bad parameter \`${bad}'`);
        f.status = names;
        break;
      }
      case '--family':
        if (val === 'ipv6') return { ok: false, exit: result(1, '', 'podnet: unsupported: conntrack: IPv6 is not modelled\n') };
        if (val !== 'ipv4') return fail(`\`${val}' unsupported protocol`);
        continue;
      case '--output':
        for (const o of val.split(',')) {
          if (o === 'extended') out.extended = true;
          else if (['xml', 'timestamp', 'id', 'ktimestamp', 'labels', 'userspace', 'save'].includes(o)) {
            return { ok: false, exit: result(1, '', `podnet: unsupported: conntrack: -o ${o} is not modelled\n`) };
          } else return fail(`Bad parameter \`${o}'`);
        }
        continue;
    }
    out.firstFilterOpt ??= long;
  }
  return { ok: true, value: out };
}

function matches(e: CtEntry, f: Filter): boolean {
  if (f.proto !== undefined && e.orig.proto !== f.proto) return false;
  if (f.origSrc !== undefined && e.orig.src !== f.origSrc) return false;
  if (f.origDst !== undefined && e.orig.dst !== f.origDst) return false;
  if (f.replySrc !== undefined && e.reply.src !== f.replySrc) return false;
  if (f.replyDst !== undefined && e.reply.dst !== f.replyDst) return false;
  if (f.sport !== undefined && e.orig.sport !== f.sport) return false;
  if (f.dport !== undefined && e.orig.dport !== f.dport) return false;
  if (f.mark !== undefined && e.mark !== f.mark) return false;
  if (f.zone !== undefined && e.zone !== f.zone) return false;
  if (f.srcNat !== undefined && !srcNatMatch(e, f.srcNat)) return false;
  if (f.dstNat !== undefined && !dstNatMatch(e, f.dstNat)) return false;
  if (f.anyNat !== undefined && !srcNatMatch(e, f.anyNat) && !dstNatMatch(e, f.anyNat)) return false;
  if (f.tcpStates && !(e.orig.proto === 6 && f.tcpStates.includes(e.tcpState ?? 'NONE'))) return false;
  if (f.status) {
    const has: Record<string, boolean> = { EXPECTED: false, ASSURED: e.assured, SEEN_REPLY: e.seenReply, FIXED_TIMEOUT: false };
    for (const n of f.status) {
      if (n === 'UNSET' ? Object.values(has).some(Boolean) : !has[n]) return false;
    }
  }
  return true;
}

/**
 * -I (ctnetlink_create_conntrack): the options it cannot do without, in conntrack's order — the
 * protocol, a timeout, the tcp extension's --state — then the entry, its reply tuple the inverse
 * of the original unless -r/-q/--reply-port-* say otherwise.
 */
function create(p: Parsed, ct: Conntrack | undefined): ExecResult {
  const f = p.filter;
  if (f.proto === undefined) return paramError("You need to supply the `--protonum' option for this command");
  if (f.timeout === undefined) return paramError("You need to supply the `--timeout' option for this command");
  if (f.proto === 6 && !f.tcpStates) return paramError("You need to supply the `--state' option for this command");
  if (f.origSrc === undefined || f.origDst === undefined) return paramError("you have to specify `--src' and `--dst'");
  if (f.proto === 1) return result(1, '', 'podnet: unsupported: conntrack -I -p icmp (--icmp-type/--icmp-code/--icmp-id) is not modelled\n');
  const ports = PORT_PROTOS.has(f.proto);
  if (ports && (f.sport === undefined || f.dport === undefined)) return paramError("you have to specify `--sport' and `--dport'");
  if (!ct) return result(1, '', `${VERSION}: Operation failed: Operation not supported\n`);
  const orig: Tuple = { src: f.origSrc, dst: f.origDst, proto: f.proto, sport: ports ? f.sport! : 0, dport: ports ? f.dport! : 0 };
  const reply: Tuple = {
    src: f.replySrc ?? orig.dst,
    dst: f.replyDst ?? orig.src,
    proto: f.proto,
    sport: ports ? (f.replySport ?? orig.dport) : 0,
    dport: ports ? (f.replyDport ?? orig.sport) : 0,
  };
  const state = f.tcpStates?.[0];
  const made = ct.insert({
    orig,
    reply,
    timeoutSec: f.timeout,
    ...(state && state !== 'NONE' && state !== 'LISTEN' && state !== 'SYN_SENT2' ? { tcpState: state as TcpCtState } : {}),
    ...(f.mark !== undefined ? { mark: f.mark } : {}),
    ...(f.zone !== undefined ? { zone: f.zone } : {}),
    seenReply: f.status?.includes('SEEN_REPLY') ?? false,
    assured: f.status?.includes('ASSURED') ?? false,
  });
  if (!made) return result(1, '', `${VERSION}: Operation failed: Such conntrack exists, try -U to update\n`);
  return result(0, '', `${VERSION}: 1 flow entries have been created.\n`);
}

/**
 * -G needs the whole original tuple (conntrack's CT_GET checks, in their order): the protocol,
 * both addresses, and the protocol's ports; a mark or NAT filter makes no sense there.
 */
function getCheck(p: Parsed): ExecResult | undefined {
  for (const o of ['--mark', '--src-nat', '--dst-nat', '--any-nat', '--status']) if (p.given.has(o)) return paramError(`Illegal option \`${o}' with this command`);
  const f = p.filter;
  if (f.proto === undefined) return paramError("You need to supply the `--protonum' option for this command");
  if (f.origSrc === undefined || f.origDst === undefined) return paramError("you have to specify `--src' and `--dst'");
  if (f.proto === 1) return paramError("You need to supply the `--icmp-type' option for this command");
  if (PORT_PROTOS.has(f.proto) && (f.sport === undefined || f.dport === undefined)) return paramError("you have to specify `--sport' and `--dport'");
  return undefined;
}

/** The tuple's 16-bit l4 "all" fields as libnetfilter_conntrack compares them: ports, or for ICMP the id (src) and type/code (dst). */
const l4src = (t: Tuple): number => (t.proto === 1 || PORT_PROTOS.has(t.proto) ? t.sport : 0);
const l4dst = (t: Tuple): number => (t.proto === 1 ? t.dport << 8 : PORT_PROTOS.has(t.proto) ? t.dport : 0);

/**
 * filter_nat for -n: with an address, NFCT_GOPT_IS_SNAT (IPS_SRC_NAT_DONE and the reply goes to
 * another address) to that address; without, IS_SNAT or IS_SPAT (the l4 fields differ). For ICMP the
 * reply's type/code never equals the original id, so every ICMP entry whose source NAT ran (even
 * as a null binding) matches a bare -n — the real tool lists unNATed pings this way.
 */
function srcNatMatch(e: CtEntry, want: true | number): boolean {
  const snat = e.srcNatDone && e.reply.dst !== e.orig.src;
  if (want !== true) return snat && e.reply.dst === want;
  return snat || (e.srcNatDone && l4dst(e.reply) !== l4src(e.orig));
}

/** The same for -g: IS_DNAT / IS_DPAT with IPS_DST_NAT_DONE. */
function dstNatMatch(e: CtEntry, want: true | number): boolean {
  const dnat = e.dstNatDone && e.reply.src !== e.orig.dst;
  if (want !== true) return dnat && e.reply.src === want;
  return dnat || (e.dstNatDone && l4src(e.reply) !== l4dst(e.orig));
}

/** One tuple as nfct_snprintf prints it: addresses, then ports or the ICMP type/code/id. */
function tuple(t: Tuple): string {
  const head = `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)}`;
  // podnet's ICMP tuple keeps the echo id in sport and the type in dport; echo tuples have code 0.
  if (t.proto === 1) return `${head} type=${t.dport} code=0 id=${t.sport}`;
  if (PORT_PROTOS.has(t.proto)) return `${head} sport=${t.sport} dport=${t.dport}`;
  return head;
}

/**
 * One entry as conntrack -L prints it (libnetfilter_conntrack's default output): protocol name
 * padded to 8 and number, seconds left, the TCP state, the original tuple ([UNREPLIED] while no
 * reply was seen), the reply tuple, [ASSURED], mark, zone when set, use.
 */
export function formatEntry(ct: Conntrack, e: CtEntry, extended: boolean): string {
  const name = PROTO_NAME[e.orig.proto] ?? 'unknown';
  let s = extended ? `${'ipv4'.padEnd(8)} 2 ` : '';
  s += `${name.padEnd(8)} ${e.orig.proto} ${ct.secondsLeft(e)} `;
  if (e.orig.proto === 6 && e.tcpState) s += `${e.tcpState} `;
  s += `${tuple(e.orig)} `;
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += `${tuple(e.reply)} `;
  if (e.assured) s += '[ASSURED] ';
  s += `mark=${e.mark} `;
  if (e.zone) s += `zone=${e.zone} `;
  return `${s}use=1`;
}

/**
 * One event line as `conntrack -E` prints it: the type right-aligned in 9 columns, then the entry
 * without "use=", its mark only when set (ctnetlink puts CTA_MARK in events only then), and who
 * asked when user space caused it.
 */
export function formatEvent(ct: Conntrack, ev: CtEvent, portid: number): string {
  const e = ev.entry;
  const name = PROTO_NAME[e.orig.proto] ?? 'unknown';
  // At the event the timeout has just been (re)set: whole seconds, not yet a jiffy less as a dump reads it.
  const left = ev.timeoutSec ?? (ev.type === 'DESTROY' && ev.user ? ct.secondsLeft(e) : ct.secondsLeft(e) + 1);
  let s = `${`[${ev.type}]`.padStart(9)} ${name.padEnd(8)} ${e.orig.proto} ${left} `;
  if (e.orig.proto === 6 && e.tcpState) s += `${e.tcpState} `;
  s += `${tuple(e.orig)} `;
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += tuple(e.reply);
  if (e.assured) s += ' [ASSURED]';
  if (e.mark) s += ` mark=${e.mark}`;
  if (e.zone) s += ` zone=${e.zone}`;
  if (ev.user) s += ` [USERSPACE] portid=${portid}` + (ev.type === 'NEW' ? ' progname=conntrack' : '');
  return s;
}

/**
 * `conntrack -E &`: a process printing the namespace's events as they happen, filtered like -L,
 * until it is killed — then, as the real tool does on SIGTERM, the count on stderr.
 */
class EventJob implements Job {
  private out = '';
  private shown = 0;
  private done = false;
  private readonly off: () => void;

  constructor(
    readonly command: string,
    ct: Conntrack,
    p: Parsed,
    portid: () => number,
  ) {
    const want = p.filter.events ?? new Set(['NEW', 'UPDATE', 'DESTROY']);
    this.off = ct.onEvent((ev) => {
      if (!want.has(ev.type) || !matches(ev.entry, p.filter)) return;
      this.out += formatEvent(ct, ev, portid()) + '\n';
      this.shown++;
    });
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.done ? `${VERSION}: ${this.shown} flow events have been shown.\n` : '';
  }

  running(): boolean {
    return !this.done;
  }

  kill(): void {
    if (this.done) return;
    this.done = true;
    this.off();
  }
}

/** Runs conntrack against a namespace's table (undefined: conntrack not running there, nothing tracked). */
export function runConntrack(
  args: string[],
  ct: Conntrack | undefined,
  start?: () => Conntrack | undefined,
  /** Starts `conntrack -E` as a background job; absent when it would run in the foreground. */
  events?: (p: Parsed, ct: Conntrack | undefined) => void,
): ExecResult {
  if (args.length === 0) return result(0, CONNTRACK_HELP);
  const parsed = parse(args);
  if (!parsed.ok) return parsed.exit;
  const p = parsed.value;
  // -F and -C take no filters (conntrack's commands_v_options table); neither does no command at all.
  if ((p.cmd === undefined || p.cmd === 'F' || p.cmd === 'C') && p.firstFilterOpt) return paramError(`Illegal option \`${p.firstFilterOpt}' with this command`);
  if (p.table === 'expect') {
    // podnet tracks no helpers, so there are never expectations.
    if (p.cmd === 'L') return result(0, '', `${VERSION}: 0 expectations have been shown.\n`);
    if (p.cmd === 'C') return result(0, '0\n');
    if (p.cmd === 'F') return result(0, '', `${VERSION}: expectation table has been emptied.\n`);
    return result(1, '', `${VERSION}: 0 expectations have been deleted.\n`);
  }
  if (!p.cmd) return paramError('no command specified');
  // UNSET is a status value -I may set, but the kernel refuses it as a dump filter.
  if (p.filter.status?.includes('UNSET') && p.cmd === 'L') return result(1, '', `${VERSION}: Operation failed: invalid parameters\n`);
  if (p.cmd === 'G') {
    const bad = getCheck(p);
    if (bad) return bad;
  }
  // ctnetlink creates entries even where no hook tracks packets yet: the table exists with the module.
  if (p.cmd === 'I') return create(p, ct ?? start?.());
  if (p.cmd === 'E') {
    if (!events) return result(1, '', 'podnet: unsupported: conntrack -E runs until killed; start it in the background (conntrack -E &)\n');
    events(p, ct ?? start?.());
    return result(0);
  }
  const entries = (ct?.entries() ?? []).filter((e) => matches(e, p.filter));
  switch (p.cmd) {
    case 'C':
      return result(0, `${entries.length}\n`);
    case 'F':
      ct?.flush();
      return result(0, '', `${VERSION}: connection tracking table has been emptied.\n`);
    case 'L':
      return result(0, entries.map((e) => `${formatEntry(ct!, e, p.extended)}\n`).join(''), `${VERSION}: ${entries.length} flow entries have been shown.\n`);
    case 'G': {
      // The entry as the kernel answers one lookup (ctnetlink_get_conntrack): its use count includes the reference held while answering.
      const e = entries[0];
      if (!e) return result(1, '', `${VERSION}: Operation failed: such conntrack doesn't exist\n`);
      return result(0, `${formatEntry(ct!, e, p.extended).replace(/use=1$/, 'use=2')}\n`, `${VERSION}: 1 flow entries have been shown.\n`);
    }
    case 'D': {
      // Each deleted entry is printed as it goes; nothing deleted is a failure (exit 1).
      const lines = entries.map((e) => `${formatEntry(ct!, e, p.extended)}\n`);
      for (const e of entries) ct!.delete(e, true);
      return result(entries.length ? 0 : 1, lines.join(''), `${VERSION}: ${entries.length} flow entries have been deleted.\n`);
    }
  }
}

export const conntrack: Command = (argv: string[], ctx: ExecContext): ExecResult => {
  const nl = ctx.host.netlink(ctx.netns);
  if (!nl.ok) return result(1, '', `${VERSION}: Operation failed: ${nl.error.message}\n`);
  try {
    const api = nl.value;
    const start = (): Conntrack | undefined => (api.xtables?.(), api.conntrack?.());
    const events = ctx.background
      ? (p: Parsed, ct: Conntrack | undefined): void => {
          // The netlink portid the kernel names in [USERSPACE] events is the requester's, not knowable here: drawn.
          if (ct) ctx.registerJob(new EventJob(argv.join(' '), ct, p, () => Math.floor(ctx.world.random() * 0x100000000)));
        }
      : undefined;
    return runConntrack(argv.slice(1), api.conntrack?.(), start, events);
  } catch (e) {
    // A podnet bug must not crash the lab; report it the way a crashing tool would.
    return result(1, '', `conntrack: internal error: ${(e as Error).message}\n`);
  }
};
