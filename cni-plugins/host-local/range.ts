/**
 * host-local's address ranges and range sets (plugins v1.1.1 backend/allocator/range.go and
 * range_set.go): defaults for gateway, rangeStart and rangeEnd, the sanity checks with their exact
 * messages, membership, overlap and the "A-B,C-D" text errors print.
 */
import { cidrContains, formatCidr, formatIp, ipBits, ipCmp, ipEq, ipNext, lastAddr, networkAddr, type Cidr, type Ip } from './ip.js';

/** A range as configured: every address optional but the subnet (kept as written, host bits and all). */
export interface RangeConfig {
  subnet: Cidr;
  rangeStart?: Ip;
  rangeEnd?: Ip;
  gateway?: Ip;
}

/** A canonical range: every field filled in. */
export interface Range {
  subnet: Cidr;
  rangeStart: Ip;
  rangeEnd: Ip;
  gateway: Ip;
}

export type RangeSet = Range[];

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Range.Contains: same family, in the subnet, and between start and end when those are known. */
export function rangeContains(r: { subnet: Cidr; rangeStart?: Ip; rangeEnd?: Ip }, ip: Ip): boolean {
  if (!cidrContains(r.subnet, ip)) return false;
  if (r.rangeStart !== undefined && ipCmp(ip, r.rangeStart) < 0) return false;
  if (r.rangeEnd !== undefined && ipCmp(ip, r.rangeEnd) > 0) return false;
  return true;
}

/** Range.Canonicalize. */
export function canonicalizeRange(c: RangeConfig): Checked<Range> {
  const { subnet } = c;
  // A /31 or /32 (/127, /128) has no address to give out besides network and broadcast.
  const maskBits = subnet.mappedMask ? 128 : ipBits(subnet.ip);
  if (subnet.len > maskBits - 2) return { ok: false, message: `Network ${formatCidr(subnet)} too small to allocate from` };
  if (subnet.mappedMask) return { ok: false, message: 'IPNet IP and Mask version mismatch' };
  const network = networkAddr(subnet);
  if (!ipEq(network, subnet.ip)) {
    return { ok: false, message: `Network has host bits set. For a subnet mask of length ${subnet.len} the network address is ${formatIp(network)}` };
  }
  const gateway = c.gateway ?? ipNext(network);
  const partial: { subnet: Cidr; rangeStart?: Ip; rangeEnd?: Ip } = { subnet, rangeStart: c.rangeStart, rangeEnd: c.rangeEnd };
  const net = formatCidr(subnet);
  if (c.rangeStart !== undefined && !rangeContains(partial, c.rangeStart)) return { ok: false, message: `RangeStart ${formatIp(c.rangeStart)} not in network ${net}` };
  const rangeStart = c.rangeStart ?? ipNext(network);
  partial.rangeStart = rangeStart;
  if (c.rangeEnd !== undefined && !rangeContains(partial, c.rangeEnd)) return { ok: false, message: `RangeEnd ${formatIp(c.rangeEnd)} not in network ${net}` };
  // lastIP: the last address of the subnet, one less for IPv4 (its broadcast address).
  const last = lastAddr(subnet);
  const rangeEnd = c.rangeEnd ?? (subnet.ip.v6 ? last : { v6: false, n: last.n - 1n });
  return { ok: true, value: { subnet, rangeStart, rangeEnd, gateway } };
}

export function rangeString(r: Range): string {
  return `${formatIp(r.rangeStart)}-${formatIp(r.rangeEnd)}`;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  if (a.rangeStart.v6 !== b.rangeStart.v6) return false;
  return rangeContains(a, b.rangeStart) || rangeContains(a, b.rangeEnd) || rangeContains(b, a.rangeStart) || rangeContains(b, a.rangeEnd);
}

/**
 * RangeSet.Canonicalize: at least one range, each canonical, one family, none overlapping another.
 * An entry without a subnet (undefined) fails as Go's nil subnet address does.
 */
export function canonicalizeRangeSet(set: (RangeConfig | undefined)[]): Checked<RangeSet> {
  if (set.length === 0) return { ok: false, message: 'empty range set' };
  const out: Range[] = [];
  for (const c of set) {
    if (c === undefined) return { ok: false, message: 'IP <nil> not v4 nor v6' };
    const r = canonicalizeRange(c);
    if (!r.ok) return r;
    if (out.length > 0 && out[0]!.rangeStart.v6 !== r.value.rangeStart.v6) return { ok: false, message: 'mixed address families' };
    out.push(r.value);
  }
  for (let i = 0; i < out.length - 1; i++) {
    for (let j = i + 1; j < out.length; j++) {
      if (rangesOverlap(out[i]!, out[j]!)) return { ok: false, message: `subnets ${rangeString(out[i]!)} and ${rangeString(out[j]!)} overlap` };
    }
  }
  return { ok: true, value: out };
}

/** RangeSet.RangeFor: the first range holding IP. */
export function rangeFor(set: RangeSet, ip: Ip): Range | undefined {
  return set.find((r) => rangeContains(r, ip));
}

export function rangeSetOverlaps(a: RangeSet, b: RangeSet): boolean {
  return a.some((r) => b.some((r1) => rangesOverlap(r, r1)));
}

export function rangeSetString(set: RangeSet): string {
  return set.map(rangeString).join(',');
}
