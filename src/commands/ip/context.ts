/**
 * The state one `ip` invocation carries between its global options and the object handlers:
 * the namespace's Netlink handle, iproute2's display switches, and the output buffer.
 */
import type { Netlink } from '../../kernel/api.js';
import type { ExecContext } from '../types.js';
import type { Out } from './args.js';

export interface IpOptions {
  /** -4 / -f inet; 'link' is -0 / -f link. */
  family: 'any' | 'inet' | 'inet6' | 'link';
  oneline: boolean;
  brief: boolean;
  details: number;
  json: boolean;
  pretty: boolean;
  stats: number;
}

export interface IpCtx {
  out: Out;
  nl: Netlink;
  opts: IpOptions;
  exec: ExecContext;
}

export function defaultOptions(): IpOptions {
  return { family: 'any', oneline: false, brief: false, details: 0, json: false, pretty: false, stats: 0 };
}

/**
 * Optional Netlink extension the command layer uses when the kernel offers it (proposed addition to
 * kernel/api.ts): FIB tables exist from their first route on and are never freed, and a dump of a
 * table that never existed fails ("Error: ipv4: FIB table does not exist."). Absent = every table exists.
 */
export interface NetlinkTables {
  routeTableExists?(table: number): boolean;
}
