import { describe, expect, it } from 'vitest';
import { IP_LIST_TOT, RecentTables } from './recent.js';
import type { RecentMatch } from './rule.js';

const rule = (over: Partial<RecentMatch>): RecentMatch => ({
  name: 'recent',
  op: 'rcheck',
  inv: false,
  seconds: 0,
  hitcount: 0,
  reap: false,
  rttl: false,
  list: 'L',
  mask: 0xffffffff,
  maskGiven: false,
  side: 'source',
  ...over,
});

describe('xt_recent lists', () => {
  it('--rcheck --seconds only counts stamps younger than the window; --set refreshes', () => {
    let now = 0;
    const t = new RecentTables(() => now);
    expect(t.match(rule({ op: 'rcheck' }), 1, 2, 64)).toBe(false);
    expect(t.match(rule({ op: 'set' }), 1, 2, 64)).toBe(true);
    now = 5000;
    expect(t.match(rule({ op: 'rcheck', seconds: 10 }), 1, 2, 64)).toBe(true);
    expect(t.match(rule({ op: 'rcheck', seconds: 4 }), 1, 2, 64)).toBe(false);
    expect(t.match(rule({ op: 'set' }), 1, 2, 64)).toBe(true);
    expect(t.match(rule({ op: 'rcheck', seconds: 4, hitcount: 1 }), 1, 2, 64)).toBe(true);
    expect(t.match(rule({ op: 'rcheck', seconds: 4, hitcount: 2 }), 1, 2, 64)).toBe(false);
    expect(t.match(rule({ op: 'rcheck', hitcount: 2 }), 1, 2, 64)).toBe(true);
  });

  it('--reap forgets only the oldest entry, and only when it is stale', () => {
    let now = 0;
    const t = new RecentTables(() => now);
    t.match(rule({ op: 'set' }), 1, 0, 64);
    now = 1000;
    t.match(rule({ op: 'set' }), 2, 0, 64);
    now = 20_000;
    t.match(rule({ op: 'set' }), 3, 0, 64);
    t.match(rule({ op: 'rcheck', seconds: 10, reap: true }), 3, 0, 64);
    expect(t.list('L')!.map((e) => e.addr)).toEqual([2, 3]);
  });

  it('a full list drops its least recently seen address; dry runs record nothing', () => {
    const t = new RecentTables(() => 0);
    for (let a = 1; a <= IP_LIST_TOT; a++) t.match(rule({ op: 'set' }), a, 0, 64);
    t.match(rule({ op: 'set' }), 1, 0, 64);
    t.match(rule({ op: 'set' }), 1000, 0, 64);
    const addrs = t.list('L')!.map((e) => e.addr);
    expect(addrs).toHaveLength(IP_LIST_TOT);
    expect(addrs).not.toContain(2);
    expect(addrs.at(-1)).toBe(1000);
    expect(t.match(rule({ op: 'set' }), 5000, 0, 64, true)).toBe(true);
    expect(t.list('L')!.map((e) => e.addr)).not.toContain(5000);
  });

  it('--rdest --mask keys on the masked destination; --remove forgets; ! inverts', () => {
    const t = new RecentTables(() => 0);
    t.match(rule({ op: 'set', side: 'dest', mask: 0xffffff00 }), 9, 0x0a000002, 64);
    expect(t.match(rule({ op: 'rcheck', mask: 0xffffff00 }), 0x0a0000fe, 0, 64)).toBe(true);
    expect(t.match(rule({ op: 'remove', mask: 0xffffff00, inv: true }), 0x0a000001, 0, 64)).toBe(false);
    expect(t.match(rule({ op: 'rcheck', mask: 0xffffff00 }), 0x0a000001, 0, 64)).toBe(false);
  });
});
