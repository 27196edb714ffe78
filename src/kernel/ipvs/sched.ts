/**
 * IPVS schedulers (net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sh,dh,sed,nq}.c): each picks a real
 * server for a new connection from the service's destination list, in the kernel's list order
 * (newest destination first), skipping weight-0 servers. None of them is random: rr and wrr keep
 * a cursor, lc/wlc/sed/nq compare connection counts, sh/dh hash an address.
 */

export type SchedName = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sh' | 'dh' | 'sed' | 'nq';
export const SCHEDULERS: readonly SchedName[] = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'sed', 'nq'];

export interface SchedDest {
  weight: number;
  activeConns: number;
  inactConns: number;
}

/** Per-service scheduler state (svc->sched_data). */
export interface SchedState {
  /** rr/wrr cursor: the destination last picked (svc->sched_data), undefined = the list head. */
  cl: SchedDest | undefined;
  /** wrr current weight, max weight (less gcd - 1) and gcd. */
  cw: number;
  mw: number;
  di: number;
}

export const newSchedState = (): SchedState => ({ cl: undefined, cw: 0, mw: 0, di: 1 });

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** ip_vs_wrr_dest_changed / init_svc: the cursor goes back to the head; cw is kept when it still fits. */
export function schedDestsChanged(st: SchedState, dests: readonly SchedDest[]): void {
  st.cl = undefined;
  const ws = dests.map((d) => d.weight).filter((w) => w > 0);
  st.di = ws.length ? ws.reduce(gcd) : 1;
  st.mw = (ws.length ? Math.max(...ws) : 0) - (st.di - 1);
  if (st.cw > st.mw || st.cw === 0) st.cw = st.mw;
  else if (st.di > 1) st.cw = Math.floor(st.cw / st.di) * st.di + 1;
}

/** ip_vs_dest_conn_overhead: active connections weigh 256 times an inactive one. */
const overhead = (d: SchedDest): number => d.activeConns * 256 + d.inactConns;

/** The kernel's 32-bit golden-ratio hash of an address (ip_vs_sh_hashkey / ip_vs_dh_hashkey), 256 buckets. */
function hashAddr(addr: number): number {
  return (Math.imul(addr >>> 0, 2654435761) >>> 0) >>> 24;
}

/**
 * The destination index picked for a new connection, or undefined when none is available
 * ("no destination available"). `addrs` carries the client (sh) and original destination (dh).
 */
export function schedule(name: SchedName, st: SchedState, dests: readonly SchedDest[], addrs: { src: number; dst: number }): number | undefined {
  const n = dests.length;
  const ok = (i: number): boolean => dests[i]!.weight > 0;
  switch (name) {
    case 'rr': {
      // ip_vs_rr_schedule: from the entry after the last pick once round the list, skipping the head.
      if (n === 0) return undefined;
      const at = st.cl ? dests.indexOf(st.cl) : -1;
      let q = at + 1 >= n ? -1 : at + 1;
      for (let steps = 0; steps <= n; steps++) {
        if (q === -1) {
          q = 0;
          continue;
        }
        if (ok(q)) {
          st.cl = dests[q];
          return q;
        }
        q = q + 1 >= n ? -1 : q + 1;
      }
      return undefined;
    }
    case 'wrr': {
      // ip_vs_wrr_schedule: walk on from the cursor; passing the head lowers cw by the gcd.
      if (n === 0 || st.mw <= 0) return undefined;
      let cl = st.cl ? dests.indexOf(st.cl) : -1;
      const start = cl;
      for (let guard = 0; guard < 2 * (n + 1) * (Math.ceil(st.mw / st.di) + 1); guard++) {
        if (cl === -1) {
          cl = 0;
          st.cw -= st.di;
          if (st.cw <= 0) st.cw = st.mw;
        } else cl = cl + 1 >= n ? -1 : cl + 1;
        if (cl !== -1 && ok(cl) && dests[cl]!.weight >= st.cw) {
          st.cl = dests[cl];
          return cl;
        }
        if (cl === start && st.cw === st.di) break;
      }
      return undefined;
    }
    case 'lc': {
      // ip_vs_lc_schedule: least overhead, first in list order on ties.
      let best: number | undefined;
      for (let i = 0; i < n; i++) if (ok(i) && (best === undefined || overhead(dests[i]!) < overhead(dests[best]!))) best = i;
      return best;
    }
    case 'wlc':
    case 'sed':
    case 'nq': {
      // wlc: overhead/weight; sed: (active+1)/weight; nq: an idle server first, else sed.
      const cost = (d: SchedDest): number => (name === 'wlc' ? overhead(d) : d.activeConns + 1);
      if (name === 'nq') {
        for (let i = 0; i < n; i++) if (ok(i) && dests[i]!.activeConns === 0) return i;
      }
      let best: number | undefined;
      for (let i = 0; i < n; i++) {
        if (!ok(i)) continue;
        if (best === undefined) {
          best = i;
          continue;
        }
        const a = dests[best]!;
        const b = dests[i]!;
        // loh * dest->weight > doh * least->weight: strictly better only.
        if (cost(a) * b.weight > cost(b) * a.weight) best = i;
      }
      return best;
    }
    case 'sh':
    case 'dh': {
      // A 256-bucket table filled round-robin with the servers by weight; the address hash picks a bucket.
      const live = dests.map((_, i) => i).filter(ok);
      if (!live.length) return undefined;
      const table: number[] = [];
      let i = 0;
      while (table.length < 256) {
        const d = live[i % live.length]!;
        for (let w = 0; w < Math.max(1, dests[d]!.weight) && table.length < 256; w++) table.push(d);
        i++;
      }
      return table[hashAddr(name === 'sh' ? addrs.src : addrs.dst)];
    }
  }
}
