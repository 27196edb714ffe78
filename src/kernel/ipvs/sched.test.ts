/**
 * IPVS schedulers against the algorithms in ip_vs_rr.c, ip_vs_wrr.c, ip_vs_lc.c, ip_vs_wlc.c,
 * ip_vs_sed.c and ip_vs_nq.c (documented semantics; ip_vs cannot be loaded on the reference kernels).
 */
import { describe, expect, it } from 'vitest';
import { newSchedState, schedDestsChanged, schedule, type SchedDest, type SchedName } from './sched.js';

const d = (weight: number, activeConns = 0, inactConns = 0): SchedDest => ({ weight, activeConns, inactConns });

function picks(name: SchedName, dests: SchedDest[], n: number): number[] {
  const st = newSchedState();
  schedDestsChanged(st, dests);
  return Array.from({ length: n }, () => schedule(name, st, dests, { src: 0x0a000001, dst: 0x0a600001 }) ?? -1);
}

describe('IPVS schedulers (documented semantics)', () => {
  it('rr: from the list head round, skipping weight 0', () => {
    expect(picks('rr', [d(1), d(1), d(1)], 5)).toEqual([0, 1, 2, 0, 1]);
    expect(picks('rr', [d(1), d(0), d(1)], 4)).toEqual([0, 2, 0, 2]);
    expect(picks('rr', [d(0), d(0)], 1)).toEqual([-1]);
  });

  it('wrr: the current-weight countdown of ip_vs_wrr_schedule, gcd steps included', () => {
    // cw starts at the max weight and drops by the gcd each time the cursor passes the list head,
    // which it does before the first pick: 3 -> A,B; 2 -> A,B,C; 1 -> A,B,C; back to 4 -> A.
    expect(picks('wrr', [d(4), d(3), d(2)], 9)).toEqual([0, 1, 0, 1, 2, 0, 1, 2, 0]);
    // gcd 2: mw = 4 - (2 - 1) = 3; cw 3 -> 1 -> A,B; -1 wraps to 3 -> A; 1 -> A,B.
    expect(picks('wrr', [d(4), d(2)], 6)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('lc and wlc: least (weighted) overhead, active connections 256 times an inactive one, first on ties', () => {
    expect(picks('lc', [d(1, 1), d(1, 0, 5), d(1, 0, 5)], 1)).toEqual([1]);
    // wlc compares overhead/weight: (256*1)/4 = 64 beats 0+100/1 = 100.
    expect(picks('wlc', [d(1, 0, 100), d(4, 1)], 1)).toEqual([1]);
  });

  it('sed and nq: (active + 1) / weight; nq takes an idle server first', () => {
    expect(picks('sed', [d(1, 0), d(3, 1)], 1)).toEqual([1]);
    expect(picks('nq', [d(1, 5), d(3, 0), d(9, 1)], 1)).toEqual([1]);
  });

  it('sh and dh: the same address always lands on the same server', () => {
    const dests = [d(1), d(1), d(1)];
    const a = picks('sh', dests, 3);
    expect(new Set(a).size).toBe(1);
    expect(picks('dh', dests, 2)[0]).toBe(picks('dh', dests, 2)[1]);
  });
});
