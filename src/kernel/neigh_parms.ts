/**
 * Neighbour table parameters (struct neigh_parms) for ARP: per-device copies of net.ipv4.neigh.default,
 * as /proc/sys/net/ipv4/neigh/DEV prints them.
 */

export const NEIGH_PARMS_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ['anycast_delay', '100'],
  ['app_solicit', '0'],
  ['base_reachable_time_ms', '30000'],
  ['delay_first_probe_time', '5'],
  ['gc_stale_time', '60'],
  ['interval_probe_time_ms', '5000'],
  ['locktime', '100'],
  ['mcast_resolicit', '0'],
  ['mcast_solicit', '3'],
  ['proxy_delay', '80'],
  ['proxy_qlen', '64'],
  ['retrans_time_ms', '1000'],
  ['ucast_solicit', '3'],
  ['unres_qlen', '101'],
  ['unres_qlen_bytes', '212992'],
];

/** Keys only the "default" parms carry (table-wide garbage collection). */
export const NEIGH_DEFAULT_ONLY: ReadonlyArray<readonly [string, string]> = [
  ['gc_interval', '30'],
  ['gc_thresh1', '128'],
  ['gc_thresh2', '512'],
  ['gc_thresh3', '1024'],
];

export class NeighParms {
  values: Map<string, string>;
  constructor(from?: NeighParms) {
    this.values = new Map(from ? [...from.values].filter(([k]) => !NEIGH_DEFAULT_ONLY.some(([d]) => d === k)) : NEIGH_PARMS_DEFAULTS);
  }
  num(key: string): number {
    return Number(this.values.get(key) ?? 0);
  }
  /** neigh->parms->reachable_time is re-drawn in [base/2, 3*base/2) (neigh_rand_reach_time). */
  baseReachableMs(): number {
    return this.num('base_reachable_time_ms');
  }
  retransMs(): number {
    return this.num('retrans_time_ms');
  }
  /** Seconds before a STALE entry in use is probed (DELAY state length). */
  delayFirstProbeMs(): number {
    return this.num('delay_first_probe_time') * 1000;
  }
  ucastProbes(): number {
    return this.num('ucast_solicit');
  }
  mcastProbes(): number {
    return this.num('mcast_solicit');
  }
  appProbes(): number {
    return this.num('app_solicit');
  }
  /** proxy_delay is in USER_HZ (1/100 s) ticks. */
  proxyDelayMs(): number {
    return this.num('proxy_delay') * 10;
  }
}
