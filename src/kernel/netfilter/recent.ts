/**
 * xt_recent's address lists: one namespace's named tables of recently seen addresses, each entry
 * a ring of last-seen timestamps, and recent_mt() deciding --set / --rcheck / --update / --remove
 * against them (net/netfilter/xt_recent.c).
 */
import type { RecentMatch } from './rule.js';

/** Module parameters and their defaults (xt_recent ip_list_tot, ip_pkt_list_tot). */
export const IP_LIST_TOT = 100;
export const IP_PKT_LIST_TOT = 20;

interface RecentEntry {
  addr: number;
  ttl: number;
  /** Ring of jiffies-like stamps (virtual ms here); `index` is the next slot, `nstamps` how many are valid. */
  stamps: number[];
  index: number;
  nstamps: number;
}

interface RecentTable {
  /** Map insertion order is the LRU list: the first entry is the oldest. */
  entries: Map<number, RecentEntry>;
  /** nstamps_max_mask + 1: roundup_pow_of_two(max(ip_pkt_list_tot, hitcount)) of the creating rule. */
  slots: number;
}

function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** One listed entry, as /proc/net/xt_recent/NAME describes it. */
export interface RecentEntryView {
  addr: number;
  ttl: number;
  lastSeen: number;
  /** Oldest first. */
  stamps: number[];
}

export class RecentTables {
  private readonly tables = new Map<string, RecentTable>();

  constructor(private readonly now: () => number) {}

  private table(m: RecentMatch): RecentTable {
    let t = this.tables.get(m.list);
    if (!t) {
      t = { entries: new Map(), slots: roundupPow2(Math.max(IP_PKT_LIST_TOT, m.hitcount)) };
      this.tables.set(m.list, t);
    }
    return t;
  }

  /**
   * recent_mt(): the verdict for one packet. `ttl` is the IP TTL as seen before forwarding;
   * with `dryRun` nothing is recorded (analysis walks).
   */
  match(m: RecentMatch, src: number, dst: number, ttl: number, dryRun = false): boolean {
    const addr = ((m.side === 'dest' ? dst : src) & m.mask) >>> 0;
    const t = this.table(m);
    const now = this.now();
    let ret = m.inv;
    let e = t.entries.get(addr);
    // recent_entry_lookup: with --rttl the entry must also carry this TTL (0 = any).
    if (e && m.rttl && ttl !== 0 && e.ttl !== 0 && e.ttl !== ttl) e = undefined;
    if (!e) {
      if (m.op !== 'set') return ret;
      if (!dryRun) {
        // recent_entry_init: a full table forgets its least recently seen entry first.
        if (t.entries.size >= IP_LIST_TOT) t.entries.delete(t.entries.keys().next().value as number);
        t.entries.set(addr, { addr, ttl, stamps: [now], index: 1, nstamps: 1 });
      }
      return !ret;
    }
    if (m.op === 'set') ret = !ret;
    else if (m.op === 'remove') {
      if (!dryRun) t.entries.delete(addr);
      ret = !ret;
    } else {
      const oldest = now - m.seconds * 1000;
      let hits = 0;
      for (let i = 0; i < e.nstamps; i++) {
        // time_after(time, stamp): a stamp older than --seconds does not count.
        if (m.seconds && oldest > e.stamps[i]!) continue;
        if (!m.hitcount || ++hits >= m.hitcount) {
          ret = !ret;
          break;
        }
      }
      // recent_entry_reap: only the list's oldest entry is looked at, and never the one in hand.
      if (m.reap && !dryRun) {
        const first = t.entries.values().next().value as RecentEntry;
        if (first !== e && oldest > first.stamps[(first.index - 1 + t.slots) % t.slots]!) t.entries.delete(first.addr);
      }
    }
    if (!dryRun && (m.op === 'set' || (m.op === 'update' && ret))) {
      // recent_entry_update: next ring slot, and the entry becomes the most recently seen.
      e.index %= t.slots;
      e.stamps[e.index++] = now;
      if (e.index > e.nstamps) e.nstamps = e.index;
      e.ttl = ttl;
      t.entries.delete(addr);
      t.entries.set(addr, e);
    }
    return ret;
  }

  /** A list's entries, least recently seen first; undefined when no such list exists. */
  list(name: string): RecentEntryView[] | undefined {
    const t = this.tables.get(name);
    if (!t) return undefined;
    return [...t.entries.values()].map((e) => {
      const stamps: number[] = [];
      // The ring from its oldest valid slot.
      const start = e.nstamps < t.slots ? 0 : e.index % t.slots;
      for (let i = 0; i < e.nstamps; i++) stamps.push(e.stamps[(start + i) % t.slots]!);
      return { addr: e.addr, ttl: e.ttl, lastSeen: e.stamps[(e.index - 1 + t.slots) % t.slots]!, stamps };
    });
  }

  names(): string[] {
    return [...this.tables.keys()];
  }
}
