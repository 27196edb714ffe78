/** types.DNS as Go marshals it back: nameservers, domain, search, options, each omitted when empty. */
import type { Dns } from '../../src/cni/spec.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function goDns(d: unknown): Dns {
  if (!isObj(d)) return {};
  const out: Dns = {};
  if (Array.isArray(d['nameservers']) && d['nameservers'].length) out.nameservers = d['nameservers'] as string[];
  if (typeof d['domain'] === 'string' && d['domain'] !== '') out.domain = d['domain'];
  if (Array.isArray(d['search']) && d['search'].length) out.search = d['search'] as string[];
  if (Array.isArray(d['options']) && d['options'].length) out.options = d['options'] as string[];
  return out;
}

/** ptp's dnsConfSet: any field given (a JSON list, even empty, or a non-empty domain). */
export function dnsConfSet(d: unknown): boolean {
  if (!isObj(d)) return false;
  return Array.isArray(d['nameservers']) || Array.isArray(d['search']) || Array.isArray(d['options']) || (typeof d['domain'] === 'string' && d['domain'] !== '');
}
