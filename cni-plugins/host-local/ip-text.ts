/**
 * Go's address texts as host-local reads them: net.ParseIP, net.ParseCIDR and the plugins' ip.ParseIP
 * ("<ip>[/<prefix>]"), on top of wire/addr's strict IPv4 parser. IPv6 texts are recognised but not
 * modelled: podnet's host-local is IPv4 only for now.
 */
import { IPV4_BITS, parseIpv4 } from '../../src/wire/addr.js';

export type IpText = { family: 4; addr: number } | { family: 6 } | undefined;

/** net.ParseIP: a dotted quad, or an IPv4-mapped IPv6 address (::ffff:a.b.c.d, which To4 turns into v4). */
export function goParseIp(s: string): IpText {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { family: 4, addr: v4 };
  const mapped = /^(?:0{0,4}:){0,5}(?::|0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped && s.startsWith('::')) {
    const a = parseIpv4(mapped[1]!);
    if (a !== undefined) return { family: 4, addr: a };
  }
  if (/^[0-9a-fA-F:.]+$/.test(s) && s.includes(':') && looksLikeIpv6(s)) return { family: 6 };
  return undefined;
}

/** Enough of RFC 4291's text form to tell an IPv6 address from garbage. */
function looksLikeIpv6(s: string): boolean {
  const doubles = s.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = s.split(':').filter((g) => g !== '');
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g) && !(g.includes('.') && parseIpv4(g) !== undefined))) return false;
  return doubles === 1 ? groups.length <= 7 : groups.length === 8 || (groups.length === 7 && groups[6]!.includes('.'));
}

export type CidrText = { family: 4; addr: number; len: number } | { family: 6 } | undefined;

/** net.ParseCIDR, keeping the address as written (types.ParseCIDR puts it back over the masked one). */
export function goParseCidr(s: string): CidrText {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = goParseIp(s.slice(0, slash));
  const lenText = s.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (ip.family === 6) return len <= 128 ? { family: 6 } : undefined;
  return len <= IPV4_BITS ? { family: 4, addr: ip.addr, len } : undefined;
}

/** plugins' pkg/ip.ParseIP: "<ip>" or "<ip>/<prefix>"; only the address is used by host-local. */
export function pluginParseIp(s: string): IpText {
  if (s.includes('/')) {
    const c = goParseCidr(s);
    return c === undefined ? undefined : c.family === 6 ? { family: 6 } : { family: 4, addr: c.addr };
  }
  return goParseIp(s);
}
