/**
 * What every benchmark shares: the row it reports, CPU time (user + system, so a busy shared machine
 * skews figures less than wall time would), and unwrapping the kernel API's results.
 */
import type { Host } from '../src/world/api.js';
import type { Netlink, Sockets } from '../src/kernel/api.js';

export interface Row {
  name: string;
  frames: number;
  seconds: number;
  unit: string;
  value: number;
}

/** CPU seconds consumed by this process since `since` (a previous cpuSeconds()). */
export function cpuSeconds(since = 0): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6 - since;
}

/** The value of an API call a benchmark's setup cannot do without. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export const nl = (h: Host, ns?: string): Netlink => must(h.netlink(ns));
export const sk = (h: Host, ns?: string): Sockets => must(h.sockets(ns));
