/**
 * host-local's address ranges and range sets (plugins v1.1.1 backend/allocator/range.go and
 * range_set.go): defaults for gateway, rangeStart and rangeEnd, the sanity checks with their exact
 * messages, membership, overlap and the "A-B,C-D" text errors print. IPv4 only (see config.ts).
 */
import { broadcastOf, formatCidr, formatIpv4, inPrefix, networkOf } from '../../src/wire/addr.js';

/** A range as configured: every address optional but the subnet (kept as written, host bits and all). */
export interface RangeConfig {
  subnet: { addr: number; len: number };
  rangeStart?: number;
  rangeEnd?: number;
  gateway?: number;
}

/** A canonical range: every field filled in. */
export interface Range {
  subnet: { addr: number; len: number };
  rangeStart: number;
  rangeEnd: number;
  gateway: number;
}

export type RangeSet = Range[];

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Range.Contains: in the subnet and between start and end when those are known. */
export function rangeContains(r: { subnet: { addr: number; len: number }; rangeStart?: number; rangeEnd?: number }, ip: number): boolean {
  if (!inPrefix(ip, r.subnet.addr, r.subnet.len)) return false;
  if (r.rangeStart !== undefined && ip < r.rangeStart) return false;
  if (r.rangeEnd !== undefined && ip > r.rangeEnd) return false;
  return true;
}

/** Range.Canonicalize. */
export function canonicalizeRange(c: RangeConfig): Checked<Range> {
  const { subnet } = c;
  // A /31 or /32 has no address to give out besides network and broadcast.
  if (subnet.len > 30) return { ok: false, message: `Network ${formatCidr(subnet.addr, subnet.len)} too small to allocate from` };
  const network = networkOf(subnet.addr, subnet.len);
  if (network !== subnet.addr) {
    return { ok: false, message: `Network has host bits set. For a subnet mask of length ${subnet.len} the network address is ${formatIpv4(network)}` };
  }
  const gateway = c.gateway ?? network + 1;
  const partial = { subnet, rangeStart: c.rangeStart, rangeEnd: c.rangeEnd };
  const net = formatCidr(network, subnet.len);
  if (c.rangeStart !== undefined && !rangeContains(partial, c.rangeStart)) return { ok: false, message: `RangeStart ${formatIpv4(c.rangeStart)} not in network ${net}` };
  const rangeStart = c.rangeStart ?? network + 1;
  partial.rangeStart = rangeStart;
  if (c.rangeEnd !== undefined && !rangeContains(partial, c.rangeEnd)) return { ok: false, message: `RangeEnd ${formatIpv4(c.rangeEnd)} not in network ${net}` };
  // lastIP: the broadcast address minus one.
  const rangeEnd = c.rangeEnd ?? broadcastOf(network, subnet.len) - 1;
  return { ok: true, value: { subnet, rangeStart, rangeEnd, gateway } };
}

export function rangeString(r: Range): string {
  return `${formatIpv4(r.rangeStart)}-${formatIpv4(r.rangeEnd)}`;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return rangeContains(a, b.rangeStart) || rangeContains(a, b.rangeEnd) || rangeContains(b, a.rangeStart) || rangeContains(b, a.rangeEnd);
}

/**
 * RangeSet.Canonicalize: at least one range, each canonical, none overlapping another. An entry
 * without a subnet (undefined) fails as Go's nil subnet address does.
 */
export function canonicalizeRangeSet(set: (RangeConfig | undefined)[]): Checked<RangeSet> {
  if (set.length === 0) return { ok: false, message: 'empty range set' };
  const out: Range[] = [];
  for (const c of set) {
    if (c === undefined) return { ok: false, message: 'IP <nil> not v4 nor v6' };
    const r = canonicalizeRange(c);
    if (!r.ok) return r;
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
export function rangeFor(set: RangeSet, ip: number): Range | undefined {
  return set.find((r) => rangeContains(r, ip));
}

export function rangeSetOverlaps(a: RangeSet, b: RangeSet): boolean {
  return a.some((r) => b.some((r1) => rangesOverlap(r, r1)));
}

export function rangeSetString(set: RangeSet): string {
  return set.map(rangeString).join(',');
}
