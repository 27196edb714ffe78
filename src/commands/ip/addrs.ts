/**
 * The command layer's door to address math: iproute2's loose IPv4 syntax and its MAC syntax,
 * delegated to src/wire/addr.ts so that parsing rules live in one place.
 */
import { broadcastOf as bcast, formatIpv4, inPrefix, networkOf as netOf, parseCidrLoose, parseIpv4, parseIpv4Loose } from '../../wire/addr.js';

/** get_addr(): an IPv4 address in iproute2's loose syntax, normalised to dotted quad. */
export function looseIpv4(s: string): string | undefined {
  const n = parseIpv4Loose(s);
  return n === undefined ? undefined : formatIpv4(n);
}

/** get_prefix(): "a.b.c.d[/len]"; a bare address is /32. */
export function loosePrefix(s: string): { addr: string; len: number; explicitLen: boolean } | undefined {
  const r = parseCidrLoose(s);
  if (!r) return undefined;
  return { addr: formatIpv4(r.addr), len: r.len, explicitLen: s.includes('/') };
}

/** The network address of a dotted-quad addr/len. */
export function networkOf(addr: string, len: number): string {
  return formatIpv4(netOf(parseIpv4(addr) ?? 0, len));
}

export function broadcastOf(addr: string, len: number): string {
  return formatIpv4(bcast(parseIpv4(addr) ?? 0, len));
}

/** Whether dotted-quad `addr` lies in net/len. */
export function within(addr: string, net: string, len: number): boolean {
  return inPrefix(parseIpv4(addr) ?? 0, parseIpv4(net) ?? 0, len);
}

/**
 * ll_addr_a2n(): colon-separated hex bytes, each read with sscanf("%x"); returns the bytes or
 * undefined (the caller prints `"X" is invalid lladdr.`). Dotted input (an IPv4 lladdr) is refused
 * by podnet as no modelled device has 4-byte hardware addresses.
 */
export function parseLladdr(s: string): number[] | undefined {
  if (s.includes('.')) return undefined;
  const parts = s.split(':');
  const bytes: number[] = [];
  for (const p of parts) {
    const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(p);
    if (!m) return undefined;
    const v = parseInt(m[1]!, 16);
    if (v > 255) return undefined;
    bytes.push(v);
    if (bytes.length >= 32) break;
  }
  return bytes;
}

export function formatMac(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
