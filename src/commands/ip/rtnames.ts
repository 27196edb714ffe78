/**
 * iproute2's name tables (rt_tables, rt_protos, rt_scopes, route types) and their a2n/n2a rules:
 * names as Debian 12 ships them in /etc/iproute2 and lib/rt_names.c, numbers accepted in C syntax.
 */
import type { RouteProto, RouteScope, RouteType } from '../../kernel/api.js';
import { parseCUnsigned } from './args.js';

export const TABLE_MAIN = 254;
export const TABLE_LOCAL = 255;
export const TABLE_DEFAULT = 253;

const TABLES: Record<string, number> = { unspec: 0, default: TABLE_DEFAULT, main: TABLE_MAIN, local: TABLE_LOCAL };

export function tableA2n(s: string): number | undefined {
  if (s in TABLES) return TABLES[s];
  return parseCUnsigned(s);
}

export function tableN2a(n: number): string {
  const name = Object.keys(TABLES).find((k) => TABLES[k] === n && k !== 'unspec');
  return name ?? String(n);
}

const PROTOS: Record<string, number> = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16,
  keepalived: 18, babel: 42, openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
};

/** A protocol name or number, normalised to the name iproute2 would print back. */
export function protoA2n(s: string): RouteProto | undefined {
  if (s in PROTOS) return s;
  const n = parseCUnsigned(s);
  if (n === undefined || n > 255) return undefined;
  return Object.keys(PROTOS).find((k) => PROTOS[k] === n) ?? String(n);
}

const SCOPES: Record<string, RouteScope> = { global: 'global', universe: 'global', site: 'site', link: 'link', host: 'host', nowhere: 'nowhere' };
const SCOPE_NUMS: Record<number, RouteScope> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

export function scopeA2n(s: string): RouteScope | undefined {
  if (s in SCOPES) return SCOPES[s];
  const n = parseCUnsigned(s);
  return n === undefined ? undefined : SCOPE_NUMS[n];
}

const TYPES: Record<string, RouteType> = {
  local: 'local', nat: 'nat', broadcast: 'broadcast', brd: 'broadcast', anycast: 'anycast', multicast: 'multicast', prohibit: 'prohibit',
  unreachable: 'unreachable', blackhole: 'blackhole', unicast: 'unicast', throw: 'throw',
};

/** rtnl_rtntype_a2n() for the types podnet models ("xresolve" and numbers are not). */
export function typeA2n(s: string): RouteType | undefined {
  return TYPES[s];
}
