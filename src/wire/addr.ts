/**
 * The one place for IPv4 and MAC address math: parsing, formatting, prefixes and address classes,
 * on plain unsigned 32-bit numbers so the packet path never allocates for an address.
 */

export const IPV4_BITS = 32;
const OCTET_MAX = 255;
const OCTETS = 4;

/** Strict dotted quad ("10.0.0.1"): four decimal octets 0-255, no leading zeros, nothing else. */
export function parseIpv4(s: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      // A leading zero ("010") is rejected: inet_pton(3) and the kernel's in4_pton refuse it too,
      // and inet_aton would read it as octal, which is never what a config author meant.
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 0x30);
      digits++;
      if (octet > OCTET_MAX) return undefined;
    } else if (c === 0x2e) {
      if (digits === 0 || dots === OCTETS - 1) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return undefined;
    }
  }
  if (dots !== OCTETS - 1 || digits === 0) return undefined;
  return (value * 256 + octet) >>> 0;
}

/**
 * iproute2's get_addr_ipv4(): up to four parts separated by '.', each read with strtoul(base 0),
 * so "010" is octal 8 and "0x0a" is 10; missing trailing parts are zero ("10.1" = 10.1.0.0,
 * "10" = 10.0.0.0); each part must be <= 255 and strtoul's leading white space and sign are taken
 * ("+10.1.2.3", "10. 1.2.3" and "-0.1.2.7" are accepted by `ip addr add`).
 * Verified against iproute2 6.1: `ip addr add 10.1/8`, `010.1.2.3` -> 8.1.2.3, `0x0a.1.2.4`,
 * `ip route add 10/8`; `4294967295`, `0x0a010207`, `10.1.2.256`, `1.2.3.4.5` are refused.
 * Only for the command layer; everything else uses the strict parseIpv4.
 */
export function parseIpv4Loose(s: string): number | undefined {
  const bytes = [0, 0, 0, 0];
  let pos = 0;
  for (let i = 0; i < OCTETS; i++) {
    const r = strtoul(s, pos);
    if (r === undefined || r.value > OCTET_MAX) return undefined;
    bytes[i] = r.value;
    pos = r.end;
    if (pos === s.length) break;
    if (i === OCTETS - 1 || s[pos] !== '.') return undefined;
    pos++;
  }
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/**
 * iproute2's prefix length after '/': get_unsigned() with base 0 ("0x8" = 8, "08" is refused as bad
 * octal), or else a dotted netmask converted to its length when it is contiguous ("255.255.0.0").
 */
export function parsePrefixLenLoose(s: string): number | undefined {
  const r = strtoul(s, 0);
  if (r !== undefined && r.end === s.length) return r.value <= IPV4_BITS ? r.value : undefined;
  const mask = parseIpv4Loose(s);
  if (mask === undefined) return undefined;
  return maskToPrefixLen(mask);
}

/** "a.b.c.d/len" or a bare address (len 32) in iproute2's loose syntax; see parseIpv4Loose. */
export function parseCidrLoose(s: string): { addr: number; len: number } | undefined {
  const slash = s.indexOf('/');
  const addr = parseIpv4Loose(slash < 0 ? s : s.slice(0, slash));
  if (addr === undefined) return undefined;
  if (slash < 0) return { addr, len: IPV4_BITS };
  const len = parsePrefixLenLoose(s.slice(slash + 1));
  return len === undefined ? undefined : { addr, len };
}

/**
 * glibc inet_aton(3), what ping, nc and getaddrinfo(AI_NUMERICHOST-less) accept as a numeric host:
 * one to four parts in C notation (0x hex, leading-0 octal, decimal); the last part fills the bytes
 * left ("10.2" = 10.0.0.2, "1.2.65535" = 1.2.255.255, "0x0a000002" = 10.0.0.2); no leading space
 * or sign; anything after white space is ignored ("10.0.0.1 foo"). Checked against glibc 2.36.
 */
export function parseIpv4Aton(s: string): number | undefined {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!isDigitIn(s.charCodeAt(i), 10)) return undefined;
    let base = 10;
    let digits = 0;
    if (s[i] === '0') {
      i++;
      if (s[i] === 'x' || s[i] === 'X') {
        base = 16;
        i++;
      } else {
        base = 8;
        digits = 1;
      }
    }
    let value = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      // An 8 or 9 in an octal part makes the whole string invalid (glibc returns 0 at once).
      if (base === 8 && (c === 0x38 || c === 0x39)) return undefined;
      if (!isDigitIn(c, base)) break;
      value = value * base + parseInt(s[i]!, base);
      if (value > 0xffffffff) return undefined;
      digits++;
      i++;
    }
    if (digits === 0) return undefined;
    if (s[i] !== '.') {
      parts.push(value);
      break;
    }
    if (parts.length > 2 || value > OCTET_MAX) return undefined;
    parts.push(value);
    i++;
  }
  if (i < s.length && !isCSpace(s.charCodeAt(i))) return undefined;
  const last = parts.pop()!;
  const lastBits = IPV4_BITS - 8 * parts.length;
  if (lastBits < IPV4_BITS && last >= 2 ** lastBits) return undefined;
  let addr = 0;
  for (const p of parts) addr = addr * 256 + p;
  return (addr * 2 ** lastBits + last) >>> 0;
}

/** C strtoul(s + pos, &end, 0) for the values an address part can hold; undefined when no digits. */
function strtoul(s: string, pos: number): { value: number; end: number } | undefined {
  let i = pos;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && isDigitIn(s.charCodeAt(i + 2), 16)) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') {
    base = 8;
  }
  const start = i;
  let value = 0;
  while (i < s.length && isDigitIn(s.charCodeAt(i), base)) {
    value = value * base + parseInt(s[i]!, base);
    // Saturate like ULONG_MAX would: every caller refuses anything this large anyway.
    if (value > 0xffffffff) value = 0x100000000;
    i++;
  }
  if (i === start) return undefined;
  // strtoul negates in unsigned arithmetic: "-0" is 0, any other negative is near ULONG_MAX.
  return { value: negative && value !== 0 ? 0x100000000 : value, end: i };
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigitIn(c: number, base: number): boolean {
  if (Number.isNaN(c)) return false;
  const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
  return d >= 0 && d < base;
}

export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** Netmask of a prefix length as uint32; len outside 0..32 is clamped. */
export function prefixMask(len: number): number {
  if (len <= 0) return 0;
  if (len >= IPV4_BITS) return 0xffffffff;
  return (0xffffffff << (IPV4_BITS - len)) >>> 0;
}

/** Prefix length of a contiguous netmask, undefined when the mask has holes (255.0.255.0). */
export function maskToPrefixLen(mask: number): number | undefined {
  const m = mask >>> 0;
  const inv = ~m >>> 0;
  if ((inv & (inv + 1)) !== 0) return undefined;
  let len = 0;
  for (let b = m; b !== 0; b = (b << 1) >>> 0) len++;
  return len;
}

export function networkOf(addr: number, len: number): number {
  return (addr & prefixMask(len)) >>> 0;
}

export function broadcastOf(addr: number, len: number): number {
  return (addr | ~prefixMask(len)) >>> 0;
}

export function inPrefix(addr: number, net: number, len: number): boolean {
  const m = prefixMask(len);
  return ((addr & m) >>> 0) === ((net & m) >>> 0);
}

/** Strict "a.b.c.d/len" (len 0..32, decimal, no leading zeros); the address is kept as written, not masked. */
export function parseCidr(s: string): { addr: number; len: number } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIpv4(s.slice(0, slash));
  const lenStr = s.slice(slash + 1);
  if (addr === undefined || !/^(0|[1-9][0-9]?)$/.test(lenStr)) return undefined;
  const len = Number(lenStr);
  return len <= IPV4_BITS ? { addr, len } : undefined;
}

export function formatCidr(addr: number, len: number): string {
  return `${formatIpv4(addr)}/${len}`;
}

/** 224.0.0.0/4 (ipv4_is_multicast). */
export function isMulticast(a: number): boolean {
  return a >>> 28 === 0xe;
}

/** 127.0.0.0/8 (ipv4_is_loopback). */
export function isLoopback(a: number): boolean {
  return a >>> 24 === 127;
}

/** 169.254.0.0/16 (ipv4_is_linklocal_169). */
export function isLinkLocal(a: number): boolean {
  return a >>> 16 === 0xa9fe;
}

/** 0.0.0.0 (ipv4_is_zeronet checks the whole 0/8; this is the single unspecified address). */
export function isZero(a: number): boolean {
  return a >>> 0 === 0;
}

/** 0.0.0.0/8 "this network" (ipv4_is_zeronet), never valid as a source on the wire. */
export function isZeroNet(a: number): boolean {
  return a >>> 24 === 0;
}

/** 255.255.255.255 (ipv4_is_lbcast). */
export function isLimitedBroadcast(a: number): boolean {
  return a >>> 0 === 0xffffffff;
}

/* ------------------------------------------------------------------------------------------- */

export const MAC_LEN = 6;
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';

/**
 * A MAC as iproute2's ll_addr_a2n takes it: six ':'-separated hex groups of one or two digits,
 * any case; normalised to lower-case two-digit groups.
 */
export function parseMac(s: string): string | undefined {
  const parts = s.split(':');
  if (parts.length !== MAC_LEN) return undefined;
  let out = '';
  for (let i = 0; i < MAC_LEN; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out += (i ? ':' : '') + p.toLowerCase().padStart(2, '0');
  }
  return out;
}

/** Bytes of a normalised MAC; writes into `out` at `offset` when given (no allocation). */
export function macToBytes(mac: string, out?: Uint8Array, offset = 0): Uint8Array {
  const dst = out ?? new Uint8Array(MAC_LEN);
  for (let i = 0; i < MAC_LEN; i++) {
    dst[offset + i] = parseInt(mac.substr(i * 3, 2), 16) || 0;
  }
  return dst;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function macFromBytes(b: Uint8Array, offset = 0): string {
  return (
    HEX[b[offset]!]! + ':' + HEX[b[offset + 1]!]! + ':' + HEX[b[offset + 2]!]! + ':' +
    HEX[b[offset + 3]!]! + ':' + HEX[b[offset + 4]!]! + ':' + HEX[b[offset + 5]!]!
  );
}

/** Group bit of the first octet: multicast and broadcast MACs (is_multicast_ether_addr). */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
