/**
 * host-local's allocator (plugins v1.1.1 backend/allocator/allocator.go): a requested address is
 * taken if free and not the gateway; otherwise the range set is walked round-robin from the address
 * after last_reserved_ip.N, across its ranges, wrapping once, skipping each range's gateway, and the
 * first address whose file can be created wins.
 */
import { formatIp, ipEq, ipNext, type Ip } from './ip.js';
import type { ResultIp } from '../../src/cni/spec.js';
import { rangeContains, rangeFor, rangeSetString, type Range, type RangeSet } from './range.js';
import type { Store } from './store.js';

export type Allocated = { ok: true; value: ResultIp } | { ok: false; message: string };

const ipConfig = (ip: Ip, r: Range): ResultIp => ({ address: `${formatIp(ip)}/${r.subnet.len}`, gateway: formatIp(r.gateway) });

export class IpAllocator {
  constructor(
    private readonly rangeset: RangeSet,
    private readonly store: Store,
    private readonly rangeId: number,
  ) {}

  get(id: string, ifname: string, requested: Ip | undefined): Allocated {
    if (requested !== undefined) {
      const r = rangeFor(this.rangeset, requested);
      if (!r) return { ok: false, message: `${formatIp(requested)} not in range set ${rangeSetString(this.rangeset)}` };
      if (ipEq(requested, r.gateway)) return { ok: false, message: `requested ip ${formatIp(requested)} is subnet's gateway` };
      const res = this.store.reserve(id, ifname, requested, this.rangeId);
      if (!res.ok) return res;
      if (!res.reserved) return { ok: false, message: `requested IP address ${formatIp(requested)} is not available in range set ${rangeSetString(this.rangeset)}` };
      return { ok: true, value: ipConfig(requested, r) };
    }
    // The spec forbids a second allocation for the same container and interface in one range set.
    for (const ip of this.store.getById(id, ifname)) {
      if (rangeFor(this.rangeset, ip)) return { ok: false, message: `${formatIp(ip)} has been allocated to ${id}, duplicate allocation is not allowed` };
    }
    const iter = new RangeIter(this.rangeset, this.store.lastReservedIp(this.rangeId));
    for (let next = iter.next(); next; next = iter.next()) {
      const res = this.store.reserve(id, ifname, next.ip, this.rangeId);
      if (!res.ok) return res;
      if (res.reserved) return { ok: true, value: ipConfig(next.ip, next.range) };
    }
    return { ok: false, message: `no IP addresses available in range set: ${rangeSetString(this.rangeset)}` };
  }

  release(id: string, ifname: string): void {
    this.store.releaseById(id, ifname);
  }
}

/** RangeIter: candidates in allocation order, each once. */
export class RangeIter {
  private rangeIdx = 0;
  private cur: Ip | undefined;
  private startIp: Ip | undefined;

  constructor(
    private readonly rangeset: RangeSet,
    lastReserved: Ip | undefined,
  ) {
    // A last address outside the set (the ranges changed) just loses round-robin this once.
    const idx = lastReserved === undefined ? -1 : rangeset.findIndex((r) => rangeContains(r, lastReserved));
    if (idx >= 0) {
      this.rangeIdx = idx;
      this.cur = lastReserved; // the first next() gives the address after it
    } else {
      this.startIp = rangeset[0]!.rangeStart;
    }
  }

  next(): { ip: Ip; range: Range } | undefined {
    for (;;) {
      let r = this.rangeset[this.rangeIdx]!;
      if (this.cur === undefined) {
        // First call without a last address: rangeStart itself, inclusive.
        this.cur = r.rangeStart;
        this.startIp = this.cur;
        if (ipEq(this.cur, r.gateway)) continue;
        return { ip: this.cur, range: r };
      }
      if (ipEq(this.cur, r.rangeEnd)) {
        this.rangeIdx = (this.rangeIdx + 1) % this.rangeset.length;
        r = this.rangeset[this.rangeIdx]!;
        this.cur = r.rangeStart;
      } else {
        this.cur = ipNext(this.cur);
      }
      if (this.startIp === undefined) this.startIp = this.cur;
      else if (ipEq(this.cur, this.startIp)) return undefined; // back where we began: nothing free
      if (ipEq(this.cur, r.gateway)) continue;
      return { ip: this.cur, range: r };
    }
  }
}
