/**
 * The iptables extensions podnet understands — match modules (-m) and targets (-j) — each with its
 * option table, option parser and final check, producing the kernel rule model and failing with
 * the same text as the libxt_* module of iptables 1.8.9.
 */
import type { AddrType, CtState, Match, RejectWith, Target } from '../../kernel/netfilter/rule.js';
import { ADDR_TYPES, CT_STATE_ORDER } from '../../kernel/netfilter/rule.js';
import { parseIpv4Aton } from '../../wire/addr.js';
import { parseAddrList, parseDottedLoose, parseIcmpType, parseMarkMask, parsePortRange, parseUint, verr, vok, type ParamError, type V } from './values.js';

/** What an extension may consult while parsing: the rule's -p so far. */
export interface ParseCtx {
  proto: number;
  invProto: boolean;
  /** Does an ipset of this name exist (for -m set); absent = no sets. */
  setExists?(name: string): boolean;
}

export interface Extension<T> {
  name: string;
  /** Long option name -> number of arguments it takes. */
  options: Record<string, number>;
  init(): unknown;
  parse(state: unknown, opt: string, args: string[], inv: boolean, ctx: ParseCtx): ParamError | undefined;
  final(state: unknown, ctx: ParseCtx): V<T>;
}

const PORT_PROTO: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp', 136: 'udplite' };

const onlyOnce = (name: string, opt: string): ParamError => ({ msg: `${name}: option "--${opt}" can only be used once.\n`, exit: 2 });
const badInt = (name: string, opt: string): ParamError => ({ msg: `${name}: bad integer value for option "--${opt}", or out of range.\n`, exit: 2 });
const mustSpecify = (name: string, opt: string): ParamError => ({ msg: `${name}: option "--${opt}" must be specified\n`, exit: 2 });

/* ---------------------------------- matches ---------------------------------- */

type PortsState = { sport?: { lo: number; hi: number; inv: boolean }; dport?: { lo: number; hi: number; inv: boolean }; flags?: { mask: number; comp: number; inv: boolean } };

const TCP_FLAGS: Record<string, number> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ALL: 63, NONE: 0 };

function parseTcpFlags(s: string): V<number> {
  let v = 0;
  for (const f of s.split(',')) {
    const b = TCP_FLAGS[f.toUpperCase()];
    if (b === undefined) return verr(`Unknown TCP flag \`${f}'`);
    v |= b;
  }
  return vok(v);
}

function portsModule(name: 'tcp' | 'udp' | 'sctp'): Extension<Match> {
  const options: Record<string, number> = { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1 };
  if (name === 'tcp') Object.assign(options, { syn: 0, 'tcp-flags': 2 });
  return {
    name,
    options,
    init: () => ({}) as PortsState,
    parse(st, opt, args, inv) {
      const s = st as PortsState;
      if (opt === 'sport' || opt === 'source-port' || opt === 'dport' || opt === 'destination-port') {
        const which = opt === 'sport' || opt === 'source-port' ? 'sport' : 'dport';
        if (s[which]) return { msg: `Only one \`--${which === 'sport' ? 'source-port' : 'destination-port'}' allowed`, exit: 2 };
        const r = parsePortRange(args[0]!, name);
        if (!r.ok) return r.error;
        s[which] = { ...r.value, inv };
        return undefined;
      }
      if (s.flags) return { msg: 'Only one of `--syn\' or `--tcp-flags\'  allowed', exit: 2 };
      if (opt === 'syn') {
        s.flags = { mask: 0x17, comp: 0x02, inv };
        return undefined;
      }
      const mask = parseTcpFlags(args[0]!);
      if (!mask.ok) return mask.error;
      const comp = parseTcpFlags(args[1]!);
      if (!comp.ok) return comp.error;
      s.flags = { mask: mask.value, comp: comp.value, inv };
      return undefined;
    },
    final(st, ctx) {
      const s = st as PortsState;
      // The module checks -p itself when one was given; without -p the kernel refuses (EINVAL).
      const want = name === 'tcp' ? 6 : name === 'udp' ? 17 : 132;
      if (ctx.proto !== 0 && (ctx.proto !== want || ctx.invProto)) return verr(`${name.toUpperCase()} match requires '-p ${name}'`);
      // iptables-nft stores "! --dport :N" as the complementary range and prints that back.
      for (const k of ['sport', 'dport'] as const) {
        const r = s[k];
        if (r?.inv && r.lo === 0 && r.hi < 0xffff) s[k] = { lo: r.hi + 1, hi: 0xffff, inv: false };
        else if (r?.inv && r.hi === 0xffff && r.lo > 0) s[k] = { lo: 0, hi: r.lo - 1, inv: false };
      }
      const m: Match = { name };
      if (s.sport) m.sport = s.sport;
      if (s.dport) m.dport = s.dport;
      if (name === 'tcp' && s.flags) (m as { tcpFlags?: PortsState['flags'] }).tcpFlags = s.flags;
      return vok(m);
    },
  };
}

const icmp: Extension<Match> = {
  name: 'icmp',
  options: { 'icmp-type': 1 },
  init: () => ({}),
  parse(st, _opt, args, inv) {
    const s = st as { t?: { type: number; codeMin: number; codeMax: number }; inv?: boolean };
    if (s.t) return onlyOnce('icmp', 'icmp-type');
    const t = parseIcmpType(args[0]!);
    if (!t.ok) return t.error;
    s.t = t.value;
    s.inv = inv;
    return undefined;
  },
  final(st) {
    const s = st as { t?: { type: number; codeMin: number; codeMax: number }; inv?: boolean };
    // Without --icmp-type the kernel's icmp match holds type 0xFF ("any").
    const t = s.t ?? { type: 0xff, codeMin: 0, codeMax: 0xff };
    return vok({ name: 'icmp', type: t.type, codeMin: t.codeMin, codeMax: t.codeMax, inv: s.inv ?? false });
  },
};

const comment: Extension<Match> = {
  name: 'comment',
  options: { comment: 1 },
  init: () => ({}),
  parse(st, _opt, args) {
    const s = st as { c?: string };
    if (s.c !== undefined) return onlyOnce('comment', 'comment');
    if (args[0]!.length > 255) return { msg: `comment: option "--comment" value too long (max 256)\n`, exit: 2 };
    s.c = args[0]!;
    return undefined;
  },
  final(st) {
    const s = st as { c?: string };
    return s.c === undefined ? { ok: false, error: mustSpecify('comment', 'comment') } : vok({ name: 'comment', comment: s.c });
  },
};

const multiport: Extension<Match> = {
  name: 'multiport',
  options: { 'source-ports': 1, sports: 1, 'destination-ports': 1, dports: 1, ports: 1 },
  init: () => ({}),
  parse(st, opt, args, inv, ctx) {
    const s = st as { m?: Match };
    const proto = PORT_PROTO[ctx.proto];
    if (!proto || ctx.invProto || ctx.proto === 0) {
      return { msg: "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'", exit: 2 };
    }
    const canon = (o: string): string => (o === 'sports' || o === 'source-ports' ? 'source-ports' : o === 'dports' || o === 'destination-ports' ? 'destination-ports' : 'ports');
    if (s.m) {
      // xtables_option_parse names the pair in option-table order: source-ports, destination-ports, ports.
      const order = ['source-ports', 'destination-ports', 'ports'];
      const prev = s.m.name === 'multiport' ? (s.m.dir === 'src' ? 'source-ports' : s.m.dir === 'dst' ? 'destination-ports' : 'ports') : 'ports';
      const [a, b] = [prev, canon(opt)].sort((x, y) => order.indexOf(x) - order.indexOf(y));
      return { msg: `multiport: option "--${a}" cannot be used together with "--${b}".\n`, exit: 2 };
    }
    const ports: { lo: number; hi: number }[] = [];
    let slots = 0;
    for (const item of args[0]!.split(',')) {
      const r = parsePortRange(item, proto);
      if (!r.ok) return r.error;
      ports.push(r.value);
      slots += r.value.lo === r.value.hi && !item.includes(':') ? 1 : 2;
      if (slots > 15) return { msg: 'too many ports specified', exit: 2 };
    }
    const dir = opt === 'ports' ? 'any' : opt.startsWith('s') ? 'src' : 'dst';
    s.m = { name: 'multiport', dir, ports, inv };
    return undefined;
  },
  final(st) {
    const s = st as { m?: Match };
    return s.m ? vok(s.m) : verr('multiport expects an option');
  },
};

const mark: Extension<Match> = {
  name: 'mark',
  options: { mark: 1 },
  init: () => ({}),
  parse(st, _opt, args, inv) {
    const s = st as { m?: Match };
    if (s.m) return onlyOnce('mark', 'mark');
    const v = parseMarkMask(args[0]!);
    if (!v) return /^(0[xX][0-9a-fA-F]+|[0-9]+)[^0-9a-fA-FxX]/.test(args[0]!) && !/^[0-9a-fA-Fx]+\/[0-9a-fA-Fx]+$/.test(args[0]!) ? { msg: 'mark: trailing garbage after value for option "--mark".\n', exit: 2 } : badInt('mark', 'mark');
    s.m = { name: 'mark', mark: (v.value & v.mask) >>> 0, mask: v.mask, inv };
    return undefined;
  },
  final(st) {
    const s = st as { m?: Match };
    return s.m ? vok(s.m) : { ok: false, error: mustSpecify('mark', 'mark') };
  },
};

function parseStates(list: string, what: 'ctstate' | 'state'): V<CtState[]> {
  const set = new Set<CtState>();
  for (const w of list.split(',')) {
    const st = w.toUpperCase() as CtState;
    if (!CT_STATE_ORDER.includes(st) || (what === 'state' && (st === 'SNAT' || st === 'DNAT'))) {
      return verr(what === 'ctstate' ? `Bad ctstate "${w}"` : `Bad state "${w}"`);
    }
    set.add(st);
  }
  // The kernel keeps a bit mask; iptables prints the bits in this fixed order.
  return vok(CT_STATE_ORDER.filter((s) => set.has(s)));
}

type CtState_ = { ctstate?: { states: CtState[]; inv: boolean }; ctorigdst?: { addr: number; mask: number; inv: boolean }; ctorigdstport?: { lo: number; hi: number; inv: boolean } };

const conntrack: Extension<Match> = {
  name: 'conntrack',
  options: { ctstate: 1, ctorigdst: 1, ctorigdstport: 1 },
  init: () => ({}),
  parse(st, opt, args, inv) {
    const s = st as CtState_;
    if (opt === 'ctstate') {
      if (s.ctstate) return onlyOnce('conntrack', opt);
      const r = parseStates(args[0]!, 'ctstate');
      if (!r.ok) return r.error;
      s.ctstate = { states: r.value, inv };
    } else if (opt === 'ctorigdst') {
      if (s.ctorigdst) return onlyOnce('conntrack', opt);
      const r = parseAddrList(args[0]!);
      if (!r.ok) return r.error;
      if (r.value.length !== 1) return { msg: `host/network \`${args[0]}' not found`, exit: 2 };
      s.ctorigdst = { ...r.value[0]!, inv };
    } else {
      if (s.ctorigdstport) return onlyOnce('conntrack', opt);
      const r = parsePortRange(args[0]!, 'tcp');
      if (!r.ok) return r.error;
      s.ctorigdstport = { ...r.value, inv };
    }
    return undefined;
  },
  final(st) {
    const s = st as CtState_;
    if (!s.ctstate && !s.ctorigdst && !s.ctorigdstport) return verr('conntrack: At least one option is required');
    const m: Match = { name: 'conntrack' };
    if (s.ctstate) m.ctstate = s.ctstate;
    if (s.ctorigdst) m.ctorigdst = s.ctorigdst;
    if (s.ctorigdstport) m.ctorigdstport = s.ctorigdstport;
    return vok(m);
  },
};

const state: Extension<Match> = {
  name: 'state',
  options: { state: 1 },
  init: () => ({}),
  parse(st, _opt, args, inv) {
    const s = st as { m?: Match };
    if (s.m) return onlyOnce('state', 'state');
    const r = parseStates(args[0]!, 'state');
    if (!r.ok) return r.error;
    s.m = { name: 'state', states: r.value, inv };
    return undefined;
  },
  final(st) {
    const s = st as { m?: Match };
    return s.m ? vok(s.m) : { ok: false, error: mustSpecify('state', 'state') };
  },
};

type AddrtypeState = { src?: { types: AddrType[]; inv: boolean }; dst?: { types: AddrType[]; inv: boolean }; limIn?: boolean; limOut?: boolean };

const addrtype: Extension<Match> = {
  name: 'addrtype',
  options: { 'src-type': 1, 'dst-type': 1, 'limit-iface-in': 0, 'limit-iface-out': 0 },
  init: () => ({}),
  parse(st, opt, args, inv) {
    const s = st as AddrtypeState;
    if (opt === 'limit-iface-in' || opt === 'limit-iface-out') {
      if ((opt === 'limit-iface-in' && s.limOut) || (opt === 'limit-iface-out' && s.limIn)) {
        return { msg: 'addrtype: you can\'t specify both --limit-iface-in and --limit-iface-out', exit: 2 };
      }
      if (opt === 'limit-iface-in') s.limIn = true;
      else s.limOut = true;
      return undefined;
    }
    const types: AddrType[] = [];
    for (const w of args[0]!.split(',')) {
      const t = w.toUpperCase() as AddrType;
      if (!ADDR_TYPES.includes(t)) return { msg: `addrtype: bad type "${w}"`, exit: 2 };
      if (!types.includes(t)) types.push(t);
    }
    types.sort((a, b) => ADDR_TYPES.indexOf(a) - ADDR_TYPES.indexOf(b));
    const key = opt === 'src-type' ? 'src' : 'dst';
    if (s[key]) return { msg: `addrtype: can't specify ${opt} twice`, exit: 2 };
    s[key] = { types, inv };
    return undefined;
  },
  final(st) {
    const s = st as AddrtypeState;
    if (!s.src && !s.dst) return verr('addrtype: you must specify --src-type or --dst-type');
    const m: Match = { name: 'addrtype', limitIfaceIn: !!s.limIn, limitIfaceOut: !!s.limOut };
    if (s.src) m.src = s.src;
    if (s.dst) m.dst = s.dst;
    return vok(m);
  },
};

type StatState = { mode?: string; prob?: number; every?: number; packet?: number; inv: boolean };

const statistic: Extension<Match> = {
  name: 'statistic',
  options: { mode: 1, probability: 1, every: 1, packet: 1 },
  init: () => ({ inv: false }),
  parse(st, opt, args, inv) {
    const s = st as StatState;
    if (inv) s.inv = true;
    const a = args[0]!;
    if (opt === 'mode') {
      if (a !== 'random' && a !== 'nth') return { msg: `statistic: Bad value for option "--mode", expected random or nth.\n`, exit: 2 };
      s.mode = a;
    } else if (opt === 'probability') {
      const p = Number(a);
      if (a.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) {
        return { msg: 'statistic: bad value for option "--probability", or out of range (0-1).\n', exit: 2 };
      }
      s.prob = p;
    } else {
      const n = parseUint(a);
      if (n === undefined || (opt === 'every' && n === 0)) {
        return { msg: `statistic: bad value for option "--${opt}", or out of range (${opt === 'every' ? 1 : 0}-4294967295).\n`, exit: 2 };
      }
      if (opt === 'every') s.every = n;
      else s.packet = n;
    }
    return undefined;
  },
  final(st) {
    const s = st as StatState;
    if (s.mode === undefined) return { ok: false, error: mustSpecify('statistic', 'mode') };
    if (s.mode === 'random') {
      if (s.every !== undefined || s.packet !== undefined) return verr('--every and --packet are only valid with --mode nth');
      // lround(0x80000000 * p), as libxt_statistic stores it.
      return vok({ name: 'statistic', mode: 'random', probability: Math.round((s.prob ?? 0) * 0x80000000), inv: s.inv });
    }
    if (s.prob !== undefined) return verr('--probability is only valid with --mode random');
    const every = s.every ?? 0;
    if (every === 0) return verr('--mode nth requires --every');
    if (s.packet === undefined) return { ok: false, error: { msg: 'statistic: option "--every" also requires "--packet".\n', exit: 2 } };
    const packet = s.packet ?? 0;
    if (packet > every - 1) return verr('the --packet p must be 0 <= p <= n-1');
    return vok({ name: 'statistic', mode: 'nth', every, packet, inv: s.inv, state: { count: every - 1 - packet } });
  },
};

type PhysState = { physdevIn?: { dev: string; inv: boolean }; physdevOut?: { dev: string; inv: boolean }; isIn?: { inv: boolean }; isOut?: { inv: boolean }; isBridged?: { inv: boolean } };

const physdev: Extension<Match> = {
  name: 'physdev',
  options: { 'physdev-in': 1, 'physdev-out': 1, 'physdev-is-in': 0, 'physdev-is-out': 0, 'physdev-is-bridged': 0 },
  init: () => ({}),
  parse(st, opt, args, inv) {
    const s = st as PhysState;
    const keys: Record<string, keyof PhysState> = { 'physdev-in': 'physdevIn', 'physdev-out': 'physdevOut', 'physdev-is-in': 'isIn', 'physdev-is-out': 'isOut', 'physdev-is-bridged': 'isBridged' };
    const key = keys[opt]!;
    if (s[key]) return onlyOnce('physdev', opt);
    if (key === 'physdevIn' || key === 'physdevOut') s[key] = { dev: args[0]!, inv };
    else (s as Record<string, { inv: boolean }>)[key] = { inv };
    return undefined;
  },
  final(st) {
    const s = st as PhysState;
    if (Object.keys(s).length === 0) return verr('PHYSDEV: no physdev option specified');
    return vok({ name: 'physdev', ...s });
  },
};

const set: Extension<Match> = {
  name: 'set',
  options: { 'match-set': 2 },
  init: () => ({}),
  parse(st, _opt, args, inv, ctx) {
    const s = st as { m?: Match };
    if (s.m) return { msg: '--match-set can be specified only once', exit: 2 };
    // libxt_set's order: the second word first, then the name's length, the set (resolved by name
    // in the namespace's ipsets), then the directions — with the tool's own "spefify" typo.
    const dirs = args[1];
    if (dirs === undefined || dirs.startsWith('-') || dirs.startsWith('!')) return { msg: '--match-set requires two args.', exit: 2 };
    if (args[0]!.length > 31) return { msg: `setname \`${args[0]}' too long, max 31 characters.`, exit: 2 };
    if (!(ctx.setExists?.(args[0]!) ?? false)) return { msg: `Set ${args[0]} doesn't exist.\n`, exit: 2 };
    const flags = dirs.split(',');
    if (flags.some((f) => f !== 'src' && f !== 'dst')) return { msg: `You must spefify (the comma separated list of) 'src' or 'dst'.`, exit: 2 };
    s.m = { name: 'set', setName: args[0]!, flags: flags as ('src' | 'dst')[], inv };
    return undefined;
  },
  final(st) {
    const s = st as { m?: Match };
    return s.m ? vok(s.m) : verr('You must specify `--match-set\' with proper arguments');
  },
};

type RecentState = {
  seen: Set<string>;
  op?: 'set' | 'rcheck' | 'update' | 'remove';
  inv: boolean;
  seconds: number;
  hitcount: number;
  name?: string;
  side: 'source' | 'dest';
  mask?: number;
};

/** libxt_recent's option table order, which is also the order its final checks run in. */
const RECENT_ORDER = ['set', 'rcheck', 'update', 'remove', 'seconds', 'reap', 'hitcount', 'rttl', 'name', 'rsource', 'rdest', 'mask'];
const RECENT_OPS = ['set', 'rcheck', 'update', 'remove'];
/** .excl of each option (F_ANY_OP for the operations; --rttl excludes --set and --remove). */
const RECENT_EXCL: Record<string, string[]> = {
  set: ['rcheck', 'update', 'remove'],
  rcheck: ['set', 'update', 'remove'],
  update: ['set', 'rcheck', 'remove'],
  remove: ['set', 'rcheck', 'update'],
  rttl: ['set', 'remove'],
};

const recent: Extension<Match> = {
  name: 'recent',
  options: { set: 0, rcheck: 0, update: 0, remove: 0, seconds: 1, reap: 0, hitcount: 1, rttl: 0, name: 1, rsource: 0, rdest: 0, mask: 1 },
  init: (): RecentState => ({ seen: new Set(), inv: false, seconds: 0, hitcount: 0, side: 'source' }),
  parse(st, opt, args, inv) {
    const s = st as RecentState;
    if (s.seen.has(opt)) return onlyOnce('recent', opt);
    if (inv && !RECENT_OPS.includes(opt)) return { msg: `recent: option "--${opt}" cannot be inverted.\n`, exit: 2 };
    s.seen.add(opt);
    if (RECENT_OPS.includes(opt)) {
      // The first operation given is the one kept; a second one is refused by the final check.
      s.op ??= opt as RecentState['op'];
      if (inv) s.inv = true;
    } else if (opt === 'seconds' || opt === 'hitcount') {
      const n = parseUint(args[0]!);
      const min = opt === 'seconds' ? 1 : 0;
      if (n === undefined || n < min) return { msg: `recent: bad value for option "--${opt}", or out of range (${min}-4294967295).\n`, exit: 2 };
      s[opt] = n;
    } else if (opt === 'name') {
      // Copied into the 200-byte name field, NUL included.
      s.name = args[0]!.slice(0, 199);
    } else if (opt === 'rsource' || opt === 'rdest') {
      s.side = opt === 'rsource' ? 'source' : 'dest';
    } else if (opt === 'mask') {
      // XTTYPE_HOST: getaddrinfo, so inet_aton's forms ("1.2.3" is 1.2.0.3).
      const v = parseIpv4Aton(args[0]!);
      if (v === undefined) return { msg: 'getaddrinfo: Name or service not known\n', exit: 2 };
      s.mask = v;
    }
    return undefined;
  },
  final(st) {
    const s = st as RecentState;
    if (!s.op) return verr("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    for (const opt of RECENT_ORDER) {
      if (!s.seen.has(opt)) continue;
      const clash = RECENT_ORDER.find((o) => s.seen.has(o) && RECENT_EXCL[opt]?.includes(o));
      if (clash) return { ok: false, error: { msg: `recent: option "--${opt}" cannot be used together with "--${clash}".\n`, exit: 2 } };
      if (opt === 'reap' && !s.seen.has('seconds')) return { ok: false, error: { msg: 'recent: option "--reap" also requires "--seconds".\n', exit: 2 } };
    }
    return vok({
      name: 'recent',
      op: s.op,
      inv: s.inv,
      seconds: s.seconds,
      hitcount: s.hitcount,
      reap: s.seen.has('reap'),
      rttl: s.seen.has('rttl'),
      list: s.name ?? 'DEFAULT',
      mask: s.mask ?? 0xffffffff,
      maskGiven: s.mask !== undefined,
      side: s.side,
    });
  },
};

export const MATCHES: Record<string, Extension<Match>> = {
  tcp: portsModule('tcp'),
  udp: portsModule('udp'),
  sctp: portsModule('sctp'),
  icmp,
  comment,
  multiport,
  mark,
  conntrack,
  state,
  addrtype,
  statistic,
  physdev,
  set,
  recent,
};

/* ---------------------------------- targets ---------------------------------- */

const REJECT_TYPES: Record<string, RejectWith> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
};

const reject: Extension<Target> = {
  name: 'REJECT',
  options: { 'reject-with': 1 },
  init: () => ({}),
  parse(st, _opt, args) {
    const t = REJECT_TYPES[args[0]!];
    if (!t) return { msg: `unknown reject type "${args[0]}"`, exit: 2 };
    (st as { w?: RejectWith }).w = t;
    return undefined;
  },
  final: (st) => vok({ name: 'REJECT', with: (st as { w?: RejectWith }).w ?? 'icmp-port-unreachable' }),
};

type NatState = { range?: { minIp?: number; maxIp?: number; minPort?: number; maxPort?: number }; random?: boolean; randomFully?: boolean; persistent?: boolean };

const NEED_PORT_PROTO = 'Need TCP, UDP, SCTP or DCCP with port specification';

function parseNatRange(s: string, ctx: ParseCtx): V<NonNullable<NatState['range']>> {
  const colon = s.indexOf(':');
  const ipPart = colon < 0 ? s : s.slice(0, colon);
  const portPart = colon < 0 ? undefined : s.slice(colon + 1);
  const r: NonNullable<NatState['range']> = {};
  if (portPart !== undefined) {
    if (!PORT_PROTO[ctx.proto] || ctx.invProto) return verr(NEED_PORT_PROTO);
    const dash = portPart.indexOf('-');
    const loText = dash < 0 ? portPart : portPart.slice(0, dash);
    const hiText = dash < 0 ? undefined : portPart.slice(dash + 1);
    const lo = /^[0-9]+$/.test(loText) ? parseInt(loText, 10) : NaN;
    if (!(lo <= 65535)) return verr(`Port \`${loText}' not valid`);
    const hi = hiText === undefined ? lo : /^[0-9]+$/.test(hiText) ? parseInt(hiText, 10) : NaN;
    if (!(hi <= 65535)) return verr(`Port \`${hiText}' not valid`);
    if (hi < lo) return verr(`Port range \`${hiText}' funky`);
    r.minPort = lo;
    r.maxPort = hi;
  }
  if (ipPart !== '') {
    const dash = ipPart.indexOf('-');
    const a = /^[0-9]+(\.[0-9]+){3}$/.test(dash < 0 ? ipPart : ipPart.slice(0, dash)) ? parseDottedLoose(dash < 0 ? ipPart : ipPart.slice(0, dash)) : undefined;
    if (a === undefined) return verr(`Bad IP address "${dash < 0 ? ipPart : ipPart.slice(0, dash)}"`);
    r.minIp = a;
    r.maxIp = a;
    if (dash >= 0) {
      const bs = ipPart.slice(dash + 1);
      const b = /^[0-9]+(\.[0-9]+){3}$/.test(bs) ? parseDottedLoose(bs) : undefined;
      if (b === undefined) return verr(`Bad IP address "${bs}"`);
      r.maxIp = b;
    }
  }
  return vok(r);
}

function natModule(name: 'DNAT' | 'SNAT'): Extension<Target> {
  const to = name === 'DNAT' ? 'to-destination' : 'to-source';
  return {
    name,
    options: { [to]: 1, random: 0, 'random-fully': 0, persistent: 0 },
    init: () => ({}),
    parse(st, opt, args, _inv, ctx) {
      const s = st as NatState;
      if (opt === to) {
        if (s.range) return { msg: `${name}: option "--${to}" can only be used once.\n`, exit: 2 };
        const r = parseNatRange(args[0]!, ctx);
        if (!r.ok) return r.error;
        s.range = r.value;
      } else if (opt === 'random') s.random = true;
      else if (opt === 'random-fully') s.randomFully = true;
      else s.persistent = true;
      return undefined;
    },
    final(st) {
      const s = st as NatState;
      if (!s.range) return { ok: false, error: mustSpecify(name, to) };
      return vok({ name, range: s.range, random: !!s.random, randomFully: !!s.randomFully, persistent: !!s.persistent });
    },
  };
}

const masquerade: Extension<Target> = {
  name: 'MASQUERADE',
  options: { 'to-ports': 1, random: 0, 'random-fully': 0 },
  init: () => ({}),
  parse(st, opt, args, _inv, ctx) {
    const s = st as { lo?: number; hi?: number; random?: boolean; randomFully?: boolean };
    if (opt === 'to-ports') {
      if (!PORT_PROTO[ctx.proto] || ctx.invProto) return { msg: NEED_PORT_PROTO, exit: 2 };
      const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(args[0]!);
      if (!m) return { msg: `Port \`${args[0]}' not valid\n`, exit: 2 };
      s.lo = parseInt(m[1]!, 10);
      s.hi = m[2] !== undefined ? parseInt(m[2], 10) : s.lo;
      if (s.lo === 0 || s.lo > 65535 || s.hi > 65535) return { msg: `Port \`${args[0]}' not valid\n`, exit: 2 };
      if (s.hi < s.lo) return { msg: `Port range \`${args[0]}' is invalid\n`, exit: 2 };
    } else if (opt === 'random') s.random = true;
    else s.randomFully = true;
    return undefined;
  },
  final(st) {
    const s = st as { lo?: number; hi?: number; random?: boolean; randomFully?: boolean };
    return vok({ name: 'MASQUERADE', ...(s.lo !== undefined ? { minPort: s.lo, maxPort: s.hi! } : {}), random: !!s.random, randomFully: !!s.randomFully });
  },
};

/** --set-xmark / --set-mark / --and-mark / --or-mark / --xor-mark, reduced to xset value/mask. */
function markOp(opt: string, arg: string): { value: number; mask: number } | undefined {
  if (opt === 'set-xmark' || opt === 'set-mark') {
    const v = parseMarkMask(arg);
    if (!v) return undefined;
    // --set-mark v/m is "zero the mask bits, then OR v": xset with mask m and value v (libxt_MARK).
    return opt === 'set-mark' ? { value: v.value, mask: v.mask } : v;
  }
  const v = parseUint(arg);
  if (v === undefined) return undefined;
  if (opt === 'and-mark') return { value: 0, mask: ~v >>> 0 };
  if (opt === 'or-mark') return { value: v, mask: v };
  return { value: v, mask: 0 };
}

const markTarget: Extension<Target> = {
  name: 'MARK',
  options: { 'set-xmark': 1, 'set-mark': 1, 'and-mark': 1, 'or-mark': 1, 'xor-mark': 1 },
  init: () => ({}),
  parse(st, opt, args) {
    const s = st as { opt?: string; v?: { value: number; mask: number } };
    if (s.opt) {
      const order = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];
      const [a, b] = [s.opt, opt].sort((x, y) => order.indexOf(x) - order.indexOf(y));
      return { msg: `MARK: option "--${a}" cannot be used together with "--${b}".\n`, exit: 2 };
    }
    const v = markOp(opt, args[0]!);
    if (!v) return badInt('MARK', opt);
    s.opt = opt;
    s.v = v;
    return undefined;
  },
  final(st) {
    const s = st as { v?: { value: number; mask: number } };
    if (!s.v) return verr('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
    return vok({ name: 'MARK', value: s.v.value, mask: s.v.mask });
  },
};

type ConnmarkState = { mode?: 'set' | 'save' | 'restore'; v?: { value: number; mask: number }; nfmask?: number; ctmask?: number; opt?: string };

const connmark: Extension<Target> = {
  name: 'CONNMARK',
  options: { 'set-xmark': 1, 'set-mark': 1, 'and-mark': 1, 'or-mark': 1, 'xor-mark': 1, 'save-mark': 0, 'restore-mark': 0, mask: 1, nfmask: 1, ctmask: 1 },
  init: () => ({}),
  parse(st, opt, args) {
    const s = st as ConnmarkState;
    if (opt === 'mask' || opt === 'nfmask' || opt === 'ctmask') {
      const v = parseUint(args[0]!);
      if (v === undefined) return badInt('CONNMARK', opt);
      if (opt !== 'ctmask') s.nfmask = v;
      if (opt !== 'nfmask') s.ctmask = v;
      return undefined;
    }
    if (s.opt) return { msg: `CONNMARK: option "--${s.opt}" cannot be used together with "--${opt}".\n`, exit: 2 };
    s.opt = opt;
    if (opt === 'save-mark') s.mode = 'save';
    else if (opt === 'restore-mark') s.mode = 'restore';
    else {
      const v = markOp(opt, args[0]!);
      if (!v) return badInt('CONNMARK', opt);
      s.mode = 'set';
      s.v = v;
    }
    return undefined;
  },
  final(st) {
    const s = st as ConnmarkState;
    if (!s.mode) return verr('CONNMARK target: No operation specified');
    if (s.mode === 'set') return vok({ name: 'CONNMARK', mode: 'set', value: s.v!.value, mask: s.v!.mask });
    return vok({ name: 'CONNMARK', mode: s.mode, nfmask: s.nfmask ?? 0xffffffff, ctmask: s.ctmask ?? 0xffffffff });
  },
};

/** libxt_LOG's level names (alert, crit, debug, emerg, error, info, notice, panic, warning). */
const LOG_LEVELS: Record<string, number> = { alert: 1, crit: 2, debug: 7, emerg: 0, error: 3, info: 6, notice: 5, panic: 0, warning: 4 };

const log: Extension<Target> = {
  name: 'LOG',
  options: { 'log-prefix': 1, 'log-level': 1, 'log-tcp-sequence': 0, 'log-tcp-options': 0, 'log-ip-options': 0, 'log-uid': 0, 'log-macdecode': 0 },
  init: () => ({ flags: 0 }),
  parse(st, opt, args) {
    const s = st as { prefix?: string; level?: number; flags: number };
    if (opt === 'log-prefix') {
      // The kernel keeps 29 characters of the prefix; iptables silently cuts the rest.
      s.prefix = args[0]!.slice(0, 29);
    } else if (opt === 'log-level') {
      const n = parseUint(args[0]!, 7) ?? LOG_LEVELS[args[0]!];
      if (n === undefined) return { msg: `log level "${args[0]}" unknown\n`, exit: 2 };
      s.level = n;
    } else {
      s.flags |= { 'log-tcp-sequence': 1, 'log-tcp-options': 2, 'log-ip-options': 4, 'log-uid': 8, 'log-macdecode': 32 }[opt as 'log-uid']!;
    }
    return undefined;
  },
  final(st) {
    const s = st as { prefix?: string; level?: number; flags: number };
    return vok({ name: 'LOG', ...(s.prefix !== undefined ? { prefix: s.prefix } : {}), level: s.level ?? 4, flags: s.flags });
  },
};

const notrack: Extension<Target> = { name: 'NOTRACK', options: {}, init: () => ({}), parse: () => undefined, final: () => vok({ name: 'NOTRACK' }) };

const ct: Extension<Target> = {
  name: 'CT',
  options: { notrack: 0, zone: 1 },
  init: () => ({}),
  parse(st, opt, args) {
    const s = st as { notrack?: boolean; zone?: number };
    if (opt === 'notrack') s.notrack = true;
    else {
      const z = parseUint(args[0]!, 0xffff);
      if (z === undefined) return { msg: `Cannot parse ${args[0]} as a zone ID`, exit: 2 };
      s.zone = z;
    }
    return undefined;
  },
  final(st) {
    const s = st as { notrack?: boolean; zone?: number };
    return vok({ name: 'CT', notrack: !!s.notrack, ...(s.zone !== undefined ? { zone: s.zone } : {}) });
  },
};

const standard = (name: 'ACCEPT' | 'DROP' | 'RETURN'): Extension<Target> => ({ name, options: {}, init: () => ({}), parse: () => undefined, final: () => vok({ name }) });

export const TARGETS: Record<string, Extension<Target>> = {
  ACCEPT: standard('ACCEPT'),
  DROP: standard('DROP'),
  RETURN: standard('RETURN'),
  REJECT: reject,
  DNAT: natModule('DNAT'),
  SNAT: natModule('SNAT'),
  MASQUERADE: masquerade,
  MARK: markTarget,
  CONNMARK: connmark,
  LOG: log,
  NOTRACK: notrack,
  CT: ct,
};

/** Target extensions iptables 1.8.9 ships that podnet does not model: still refused as chain names. */
export const OTHER_TARGET_NAMES = new Set(['QUEUE', 'NFQUEUE', 'TPROXY', 'REDIRECT', 'TCPMSS', 'NFLOG', 'TRACE', 'TEE', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'SET', 'AUDIT', 'CHECKSUM', 'NETMAP', 'CLUSTERIP', 'ECN', 'HMARK', 'IDLETIMER', 'LED', 'RATEEST', 'SECMARK', 'CONNSECMARK', 'SYNPROXY', 'TCPOPTSTRIP', 'ULOG', 'MIRROR', 'SAME']);
