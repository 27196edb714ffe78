/**
 * The value parsers libxtables uses for iptables options — addresses with masks, protocols, ports
 * and port ranges, ICMP types, integers — each returning the exact error text iptables prints.
 */
import { PORT_BY_SERVICE, PROTO_BY_NAME } from '../../kernel/netfilter/netdb.js';
import { prefixMask } from '../../wire/addr.js';

/** A parameter problem: iptables prints "iptables v1.8.9 (nf_tables): MSG" then the -h hint, exit 2. */
export interface ParamError {
  msg: string;
  exit: number;
  /** "Bad argument `x'" is printed without the program/version prefix. */
  bare?: boolean;
  /** stderr lines the parser printed before failing (iptables' -W notice). */
  warnings?: string;
}

export type V<T> = { ok: true; value: T } | { ok: false; error: ParamError };
export const vok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const verr = (msg: string, exit = 2, bare = false): { ok: false; error: ParamError } => ({ ok: false, error: { msg, exit, ...(bare ? { bare } : {}) } });

/** strtoul(s, 0) over the whole string: decimal, 0x hex or 0 octal; undefined if anything is left. */
export function parseUint(s: string, max = 0xffffffff): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = parseInt(s.slice(2), 16);
  else if (/^0[0-7]+$/.test(s)) v = parseInt(s.slice(1), 8);
  else if (/^[0-9]+$/.test(s)) v = parseInt(s, 10);
  else return undefined;
  return v <= max ? v : undefined;
}

/**
 * xtables_numeric_to_ipaddr: one to four dot-separated decimal parts, missing trailing parts zero
 * ("10.1" = 10.1.0.0), each 0-255.
 */
export function parseDottedLoose(s: string): number | undefined {
  // Fast path for the usual full dotted quad, without allocating.
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) break;
    } else if (c === 46 && digits > 0 && dots < 3) {
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (i === s.length && dots === 3 && digits > 0) return (v * 256 + octet) >>> 0;
  return parseDottedSlow(s);
}

function parseDottedSlow(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    let n = 0;
    if (p !== undefined) {
      if (!/^[0-9]{1,3}$/.test(p)) return undefined;
      n = parseInt(p, 10);
      if (n > 255) return undefined;
    }
    v = v * 256 + n;
  }
  return v >>> 0;
}

/** -s/-d: "addr[/mask]" (mask a length or dotted), comma-separated lists giving several rules. */
export function parseAddrList(s: string): V<{ addr: number; mask: number }[]> {
  const out: { addr: number; mask: number }[] = [];
  // One address (the usual case) needs no split.
  for (const item of s.includes(',') ? s.split(',') : [s]) {
    const slash = item.indexOf('/');
    const host = slash < 0 ? item : item.slice(0, slash);
    let mask = 0xffffffff;
    if (slash >= 0) {
      const m = item.slice(slash + 1);
      if (m.includes('.')) {
        const mv = parseDottedLoose(m);
        if (mv === undefined) return verr(`host/network \`${m}' not found`);
        mask = mv;
      } else if (m.length === 2 && m.charCodeAt(0) >= 0x31 && m.charCodeAt(0) <= 0x33 && m.charCodeAt(1) >= 0x30 && m.charCodeAt(1) <= 0x39 && m <= '32') {
        // "/10" .. "/32" without the three regular expressions parseUint tries.
        mask = prefixMask(Number(m)) >>> 0;
      } else {
        const len = parseUint(m, 32);
        if (len === undefined || !/^[0-9]+$/.test(m)) return verr(`invalid mask \`${m}' specified`);
        mask = prefixMask(len) >>> 0;
      }
    }
    const addr = parseDottedLoose(host);
    if (addr === undefined) return verr(`host/network \`${host}' not found`);
    out.push({ addr: (addr & mask) >>> 0, mask });
  }
  return vok(out);
}

/** The names xtables_parse_protocol knows itself (xtables_chain_protos), before /etc/protocols. */
const CHAIN_PROTO_NAMES: Record<string, number> = { tcp: 6, sctp: 132, udp: 17, udplite: 136, icmp: 1, icmpv6: 58, esp: 50, ah: 51, mh: 135, all: 0 };

/** -p: a number 0-255, "all", or a protocol name (case-insensitive as iptables lowercases it). */
export function parseProtocol(s: string): V<number> {
  const lower = s.toLowerCase();
  const n = parseUint(lower, 0xffffffff);
  if (n !== undefined) return n <= 255 ? vok(n) : verr(`unknown protocol "${s}" specified`);
  const named = CHAIN_PROTO_NAMES[lower] ?? PROTO_BY_NAME[lower];
  return named !== undefined ? vok(named) : verr(`unknown protocol "${s}" specified`);
}

/** xtables_parse_port: a number 0-65535 or a service name of this protocol. */
export function parsePort(s: string, proto: string): V<number> {
  if (/^[0-9]+$/.test(s)) {
    const n = parseInt(s, 10);
    if (n <= 65535) return vok(n);
    return verr(`invalid port/service \`${s}' specified`);
  }
  const p = PORT_BY_SERVICE[proto]?.[s];
  if (p !== undefined) return vok(p);
  return verr(`invalid port/service \`${s}' specified`);
}

/** "P", "A:B", ":B" (0:B) or "A:" (A:65535), as xtables_parse_port_range. */
export function parsePortRange(s: string, proto: string): V<{ lo: number; hi: number }> {
  const colon = s.indexOf(':');
  if (colon < 0) {
    const p = parsePort(s, proto);
    return p.ok ? vok({ lo: p.value, hi: p.value }) : p;
  }
  const a = s.slice(0, colon);
  const b = s.slice(colon + 1);
  const lo = a === '' ? vok(0) : parsePort(a, proto);
  if (!lo.ok) return lo;
  const hi = b === '' ? vok(65535) : parsePort(b, proto);
  if (!hi.ok) return hi;
  if (lo.value > hi.value) return verr('invalid portrange (min > max)');
  return vok({ lo: lo.value, hi: hi.value });
}

/** libxt_icmp's icmp_codes table: names --icmp-type accepts and -L prints. */
export const ICMP_CODES: { name: string; type: number; min: number; max: number }[] = [
  { name: 'any', type: 0xff, min: 0, max: 0xff },
  { name: 'echo-reply', type: 0, min: 0, max: 0xff },
  { name: 'destination-unreachable', type: 3, min: 0, max: 0xff },
  { name: 'network-unreachable', type: 3, min: 0, max: 0 },
  { name: 'host-unreachable', type: 3, min: 1, max: 1 },
  { name: 'protocol-unreachable', type: 3, min: 2, max: 2 },
  { name: 'port-unreachable', type: 3, min: 3, max: 3 },
  { name: 'fragmentation-needed', type: 3, min: 4, max: 4 },
  { name: 'source-route-failed', type: 3, min: 5, max: 5 },
  { name: 'network-unknown', type: 3, min: 6, max: 6 },
  { name: 'host-unknown', type: 3, min: 7, max: 7 },
  { name: 'network-prohibited', type: 3, min: 9, max: 9 },
  { name: 'host-prohibited', type: 3, min: 10, max: 10 },
  { name: 'TOS-network-unreachable', type: 3, min: 11, max: 11 },
  { name: 'TOS-host-unreachable', type: 3, min: 12, max: 12 },
  { name: 'communication-prohibited', type: 3, min: 13, max: 13 },
  { name: 'host-precedence-violation', type: 3, min: 14, max: 14 },
  { name: 'precedence-cutoff', type: 3, min: 15, max: 15 },
  { name: 'source-quench', type: 4, min: 0, max: 0xff },
  { name: 'redirect', type: 5, min: 0, max: 0xff },
  { name: 'network-redirect', type: 5, min: 0, max: 0 },
  { name: 'host-redirect', type: 5, min: 1, max: 1 },
  { name: 'TOS-network-redirect', type: 5, min: 2, max: 2 },
  { name: 'TOS-host-redirect', type: 5, min: 3, max: 3 },
  { name: 'echo-request', type: 8, min: 0, max: 0xff },
  { name: 'router-advertisement', type: 9, min: 0, max: 0xff },
  { name: 'router-solicitation', type: 10, min: 0, max: 0xff },
  { name: 'time-exceeded', type: 11, min: 0, max: 0xff },
  { name: 'ttl-zero-during-transit', type: 11, min: 0, max: 0 },
  { name: 'ttl-zero-during-reassembly', type: 11, min: 1, max: 1 },
  { name: 'parameter-problem', type: 12, min: 0, max: 0xff },
  { name: 'ip-header-bad', type: 12, min: 0, max: 0 },
  { name: 'required-option-missing', type: 12, min: 1, max: 1 },
  { name: 'timestamp-request', type: 13, min: 0, max: 0xff },
  { name: 'timestamp-reply', type: 14, min: 0, max: 0xff },
  { name: 'address-mask-request', type: 17, min: 0, max: 0xff },
  { name: 'address-mask-reply', type: 18, min: 0, max: 0xff },
];
const ICMP_ALIASES: Record<string, string> = { pong: 'echo-reply', ping: 'echo-request', 'ttl-exceeded': 'time-exceeded' };

/** --icmp-type NAME | TYPE[/CODE]. Names may be abbreviated to a unique prefix as libxt_icmp allows. */
export function parseIcmpType(s: string): V<{ type: number; codeMin: number; codeMax: number }> {
  const name = ICMP_ALIASES[s] ?? s;
  const exact = ICMP_CODES.find((c) => c.name === name);
  const prefixed = exact ? [exact] : ICMP_CODES.filter((c) => c.name.startsWith(name));
  if (prefixed.length === 1 && !/^[0-9]/.test(s)) return vok({ type: prefixed[0]!.type, codeMin: prefixed[0]!.min, codeMax: prefixed[0]!.max });
  if (prefixed.length > 1 && !/^[0-9]/.test(s)) return verr(`Ambiguous ICMP type \`${s}': \`${prefixed[0]!.name}' or \`${prefixed[1]!.name}'?`);
  const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(s);
  if (!m) return verr(`Unknown ICMP type \`${s}'`);
  const type = parseInt(m[1]!, 10);
  if (type > 255) return verr(`Unknown ICMP type \`${s}'`);
  if (m[2] === undefined) return vok({ type, codeMin: 0, codeMax: 0xff });
  const code = parseInt(m[2], 10);
  if (code > 255) return verr(`Invalid ICMP code \`${s}'`);
  return vok({ type, codeMin: code, codeMax: code });
}

/** "value[/mask]" of --mark and MARK options (xtables_strtoui base 0). */
export function parseMarkMask(s: string): { value: number; mask: number } | undefined {
  const slash = s.indexOf('/');
  const v = parseUint(slash < 0 ? s : s.slice(0, slash));
  if (v === undefined) return undefined;
  if (slash < 0) return { value: v, mask: 0xffffffff };
  const m = parseUint(s.slice(slash + 1));
  if (m === undefined) return undefined;
  return { value: v, mask: m };
}
