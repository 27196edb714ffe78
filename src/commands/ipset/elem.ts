/**
 * ipset's element syntax for family inet (lib/parse.c): addresses, nets and ranges, [proto:]port
 * with ICMP names, per set type; the text `ipset list` and `save` print back; and the tool's
 * "Syntax error: ..." complaints.
 */
import type { SetElem, SetTypeName } from '../../kernel/ipset/set.js';
import { formatIpv4, parseIpv4Aton } from '../../wire/addr.js';

export type ElemParse = { ok: true; elems: SetElem[] } | { ok: false; msg: string };

const PROTOS: Record<string, number> = { tcp: 6, udp: 17, sctp: 132, udplite: 136, icmp: 1 };
const PROTO_NAME: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 136: 'udplite', 1: 'icmp' };
/** The ICMP names ipset knows (lib/icmp.c), type << 8 | code. */
const ICMP_NAMES: [string, number][] = [
  ['echo-reply', 0x0000],
  ['pong', 0x0000],
  ['network-unreachable', 0x0300],
  ['host-unreachable', 0x0301],
  ['protocol-unreachable', 0x0302],
  ['port-unreachable', 0x0303],
  ['fragmentation-needed', 0x0304],
  ['echo-request', 0x0800],
  ['ping', 0x0800],
  ['ttl-zero-during-transit', 0x0b00],
];
/** Above this many addresses a range add is refused (podnet keeps expansions small; see docs/ipvs.md). */
const MAX_EXPAND = 65536;

const fail = (msg: string): { ok: false; msg: string } => ({ ok: false, msg });

function parseIp(s: string): number | { err: string } {
  const v = /^[0-9.]+$/.test(s) ? parseIpv4Aton(s) : undefined;
  return v === undefined ? { err: `Syntax error: cannot parse ${s}: resolving to IPv4 address failed` } : v >>> 0;
}

function parseCidr(s: string): number | { err: string } {
  if (!/^\d+$/.test(s)) return { err: `Syntax error: '${s}' is invalid as number` };
  const n = Number(s);
  if (n > 32) return { err: `Syntax error: '${s}' is out of range 0-32` };
  return n;
}

/** ip, ip/cidr (hosts of the net) or ip-ip, expanded for the hash:ip dimension. */
function ipsOf(s: string): number[] | { err: string } {
  const dash = s.indexOf('-');
  const slash = s.indexOf('/');
  if (dash >= 0) {
    const a = parseIp(s.slice(0, dash));
    if (typeof a !== 'number') return a;
    const b = parseIp(s.slice(dash + 1));
    if (typeof b !== 'number') return b;
    if (b < a) return { err: 'Syntax error: Range is invalid' };
    if (b - a >= MAX_EXPAND) return { err: 'Syntax error: range is too large for podnet' };
    return Array.from({ length: b - a + 1 }, (_, i) => (a + i) >>> 0);
  }
  if (slash >= 0) {
    const a = parseIp(s.slice(0, slash));
    if (typeof a !== 'number') return a;
    const c = parseCidr(s.slice(slash + 1));
    if (typeof c !== 'number') return c;
    if (c === 0) return { err: 'CIDR' };
    const size = 2 ** (32 - c);
    if (size > MAX_EXPAND) return { err: 'Syntax error: range is too large for podnet' };
    const base = c === 32 ? a : (a & ((0xffffffff << (32 - c)) >>> 0)) >>> 0;
    return Array.from({ length: size }, (_, i) => (base + i) >>> 0);
  }
  const a = parseIp(s);
  return typeof a === 'number' ? [a] : a;
}

/** ip[/cidr] for a net dimension: /0 is refused by the kernel (IPSET_ERR_INVALID_CIDR). */
function netOf(s: string): { ip: number; cidr: number } | { err: string } {
  const slash = s.indexOf('/');
  const a = parseIp(slash >= 0 ? s.slice(0, slash) : s);
  if (typeof a !== 'number') return a;
  if (slash < 0) return { ip: a, cidr: 32 };
  const c = parseCidr(s.slice(slash + 1));
  if (typeof c !== 'number') return c;
  if (c === 0) return { err: 'CIDR' };
  return { ip: a, cidr: c };
}

/** [proto:]port[-port] as parse_proto_port reads it; the default protocol is tcp. */
function portsOf(s: string, bitmap: boolean): { proto: number; port: number }[] | { err: string } {
  let proto = 6;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const name = s.slice(0, colon);
    const p = PROTOS[name] ?? (/^\d+$/.test(name) ? Number(name) : undefined);
    if (p === undefined) return { err: `Syntax error: cannot parse '${name}' as a protocol` };
    proto = p;
    rest = s.slice(colon + 1);
  }
  if (bitmap && proto !== 6 && proto !== 17) return { err: `Syntax error: cannot parse '${PROTO_NAME[proto] ?? proto}' as a protocol` };
  if (proto === 1) {
    const named = ICMP_NAMES.find(([n]) => n === rest);
    if (named) return [{ proto, port: named[1] }];
    const m = /^(\d+)\/(\d+)$/.exec(rest);
    if (m && Number(m[1]) < 256 && Number(m[2]) < 256) return [{ proto, port: (Number(m[1]) << 8) | Number(m[2]) }];
    return { err: `Syntax error: cannot parse ${rest} as an ICMP type/code` };
  }
  const pname = PROTO_NAME[proto] ?? String(proto);
  const one = (t: string): number | { err: string } => {
    if (!/^\d+$/.test(t)) return { err: `Syntax error: cannot parse '${t}' as a ${pname} port` };
    const n = Number(t);
    if (n > 65535) return { err: `Syntax error: '${t}' is out of range 0-65535\nSyntax error: '${pname}' is invalid as number\ncannot parse '${t}' as a ${pname} port` };
    return n;
  };
  const dash = rest.indexOf('-');
  if (dash > 0) {
    const a = one(rest.slice(0, dash));
    if (typeof a !== 'number') return a;
    const b = one(rest.slice(dash + 1));
    if (typeof b !== 'number') return b;
    if (b < a) return { err: 'Syntax error: Range is invalid' };
    return Array.from({ length: b - a + 1 }, (_, i) => ({ proto, port: a + i }));
  }
  const a = one(rest);
  return typeof a === 'number' ? [{ proto, port: a }] : a;
}

const ORDINAL = ['First', 'Second', 'Third'];

/** One ENTRY argument of add/del/test for a set of `type`. */
export function parseElem(type: SetTypeName, text: string): ElemParse {
  const parts = text.split(',');
  const dims = type === 'bitmap:port' ? 1 : type.split(':')[1]!.split(',').length;
  if (dims === 1 && parts.length > 1) return fail(`Syntax error: Elem separator in ${text}, but settype ${type} supports none.`);
  if (parts.length < dims) return fail(`Syntax error: ${ORDINAL[parts.length]} element is missing from ${text}.`);
  const cidrErr = (e: { err: string }): { ok: false; msg: string } => fail(e.err === 'CIDR' ? 'The value of the CIDR parameter of the IP address is invalid' : e.err);
  if (type === 'bitmap:port') {
    const ps = portsOf(text, true);
    if ('err' in ps) return fail(ps.err);
    return { ok: true, elems: ps.map((p) => ({ port: p.port })) };
  }
  if (type === 'hash:net') {
    const n = netOf(text);
    if ('err' in n) return cidrErr(n);
    return { ok: true, elems: [{ ip: n.ip, cidr: n.cidr }] };
  }
  const ips = ipsOf(parts[0]!);
  if ('err' in ips) return cidrErr(ips);
  if (type === 'hash:ip') return { ok: true, elems: ips.map((ip) => ({ ip })) };
  const ports = portsOf(parts.slice(1, dims === 2 ? undefined : 2).join(','), false);
  if ('err' in ports) return fail(ports.err);
  const elems: SetElem[] = [];
  let third: { ip: number; cidr?: number }[] = [{ ip: 0 }];
  if (type === 'hash:ip,port,ip') {
    const t = ipsOf(parts.slice(2).join(','));
    if ('err' in t) return cidrErr(t);
    third = t.map((ip) => ({ ip }));
  } else if (type === 'hash:ip,port,net') {
    const t = netOf(parts.slice(2).join(','));
    if ('err' in t) return cidrErr(t);
    third = [{ ip: t.ip, cidr: t.cidr }];
  }
  for (const ip of ips) {
    for (const p of ports) {
      for (const t of third) {
        const e: SetElem = { ip, proto: p.proto, port: p.port };
        if (dims === 3) {
          e.ip2 = t.ip;
          if (t.cidr !== undefined) e.cidr2 = t.cidr;
        }
        elems.push(e);
      }
    }
  }
  if (elems.length > MAX_EXPAND) return fail('Syntax error: range is too large for podnet');
  return { ok: true, elems };
}

function formatPort(proto: number, port: number): string {
  if (proto === 1) {
    const named = ICMP_NAMES.find(([n, v]) => v === port && n !== 'ping' && n !== 'pong');
    return `icmp:${named ? named[0] : `${port >> 8}/${port & 0xff}`}`;
  }
  return `${PROTO_NAME[proto] ?? proto}:${port}`;
}

const net = (ip: number, cidr: number | undefined): string => (cidr === undefined || cidr === 32 ? formatIpv4(ip) : `${formatIpv4(ip)}/${cidr}`);

/** The element as list and save print it. */
export function formatElem(type: SetTypeName, e: SetElem): string {
  switch (type) {
    case 'bitmap:port':
      return String(e.port);
    case 'hash:ip':
      return formatIpv4(e.ip!);
    case 'hash:net':
      return net(e.ip!, e.cidr);
    case 'hash:ip,port':
      return `${formatIpv4(e.ip!)},${formatPort(e.proto!, e.port!)}`;
    case 'hash:ip,port,ip':
      return `${formatIpv4(e.ip!)},${formatPort(e.proto!, e.port!)},${formatIpv4(e.ip2!)}`;
    case 'hash:ip,port,net':
      return `${formatIpv4(e.ip!)},${formatPort(e.proto!, e.port!)},${net(e.ip2!, e.cidr2)}`;
  }
}
