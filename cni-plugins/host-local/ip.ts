/**
 * Addresses as host-local handles them (Go's net.IP after canonicalizeIP): IPv4 or IPv6, compared
 * and stepped as one number. IPv4 math comes from wire/addr, IPv6 math from ip-num; this file only
 * puts the two behind the handful of operations the allocator needs.
 */
import { IPv6, IPv6CidrRange, IPv6Prefix, Validator, collapseIPv6Number } from 'ip-num';
import { broadcastOf, formatIpv4, inPrefix, networkOf, parseIpv4 } from '../../src/wire/addr.js';


export interface Ip {
  v6: boolean;
  n: bigint;
}

/** A subnet as written: the address keeps its host bits (types.ParseCIDR puts it back). */
export interface Cidr {
  ip: Ip;
  len: number;
  /** Set when the text was an IPv4-mapped IPv6 prefix: a 4-byte address under a 16-byte mask. */
  mappedMask?: true;
}

export const ipBits = (ip: Ip) => (ip.v6 ? 128 : 32);
export const ipEq = (a: Ip, b: Ip) => a.v6 === b.v6 && a.n === b.n;
/** ip.Cmp for addresses of one family. */
export const ipCmp = (a: Ip, b: Ip) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0);
export const ipNext = (a: Ip): Ip => ({ v6: a.v6, n: a.n + 1n });

const v6Range = (c: Cidr) => new IPv6CidrRange(IPv6.fromBigInt(c.ip.n), new IPv6Prefix(BigInt(c.len)));

/** The masked network address. */
export function networkAddr(c: Cidr): Ip {
  if (!c.ip.v6) return { v6: false, n: BigInt(networkOf(Number(c.ip.n), c.len)) };
  return { v6: true, n: v6Range(c).getFirst().getValue() };
}

/** The subnet's last address (all host bits set). */
export function lastAddr(c: Cidr): Ip {
  if (!c.ip.v6) return { v6: false, n: BigInt(broadcastOf(Number(c.ip.n), c.len)) };
  return { v6: true, n: v6Range(c).getLast().getValue() };
}

/** net.IPNet.Contains: same family and inside the prefix. */
export function cidrContains(c: Cidr, ip: Ip): boolean {
  if (ip.v6 !== c.ip.v6) return false;
  if (!ip.v6) return inPrefix(Number(ip.n), Number(c.ip.n), c.len);
  return ip.n >= networkAddr(c).n && ip.n <= lastAddr(c).n;
}

/** net.IP.String(). */
export function formatIp(ip: Ip): string {
  if (!ip.v6) return formatIpv4(Number(ip.n));
  return collapseIPv6Number(IPv6.fromBigInt(ip.n).toString());
}

/** net.IPNet.String() of an address kept as written. */
export const formatCidr = (c: Cidr) => `${formatIp(c.ip)}/${c.len}`;

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * net.ParseIP then canonicalizeIP: a dotted quad, or an IPv6 text (an IPv4-mapped one, ::ffff:a.b.c.d,
 * becomes IPv4 as To4() makes it). Zones and anything else are refused.
 */
export function goParseIp(s: string): Ip | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, n: BigInt(v4) };
  if (!s.includes(':') || s.includes('%') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  // Dotted tails must be strict dotted quads (Go refuses "::1.2.3" and leading zeros).
  const tail = s.slice(s.lastIndexOf(':') + 1);
  if (tail.includes('.') && parseIpv4(tail) === undefined) return undefined;
  if (!Validator.isValidIPv6String(s)[0]) return undefined;
  let n: bigint;
  try {
    n = IPv6.fromString(s).getValue();
  } catch {
    return undefined;
  }
  if (n >> 32n === V4_MAPPED_PREFIX >> 32n) return { v6: false, n: n & 0xffffffffn };
  return { v6: true, n };
}

/** net.ParseCIDR, keeping the address as written. */
export function goParseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const text = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(lenText)) return undefined;
  // ParseCIDR reads the address with its own family: a mapped IPv4 keeps a 128-bit mask.
  const v4 = parseIpv4(text);
  const ip = goParseIp(text);
  if (!ip) return undefined;
  const len = Number(lenText);
  const bits = v4 !== undefined ? 32 : 128;
  if (len > bits) return undefined;
  if (v4 === undefined && !ip.v6) return { ip, len, mappedMask: true };
  return { ip, len };
}

/** The plugins' pkg/ip.ParseIP: "<ip>" or "<ip>/<prefix>"; host-local only uses the address. */
export function pluginParseIp(s: string): Ip | undefined {
  return s.includes('/') ? goParseCidr(s)?.ip : goParseIp(s);
}
