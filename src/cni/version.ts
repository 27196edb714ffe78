/**
 * CNI versions: which a plugin speaks, comparing them, and turning a current (1.x) result into the
 * shape an older configuration expects (pkg/types/040, 020 in the CNI library).
 */
import type { CniResult } from './spec.js';

/** What the reference plugins v1.1.1 (Debian 12's containernetworking-plugins) support. */
export const REFERENCE_PLUGIN_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;

/** Every version the spec has had, oldest first; the runtime (libcni) speaks all of them. */
export const ALL_SPEC_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** semver-style compare of "a.b.c"; NaN-safe: a malformed part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The result as printed for a configuration of version `to`: field order as the Go structs declare it. */
export function convertResult(result: CniResult, to: string): Record<string, unknown> {
  // convert.Convert's shortcut: a result already of the requested version is printed as it is
  // (loopback builds its result with the configuration's version, so a 0.3.1 configuration gets the
  // 1.x shape back, without "version" fields; checked against /usr/lib/cni/loopback v1.1.1).
  if (result.cniVersion === to) return omitEmpty(result as unknown as Record<string, unknown>);
  if (compareVersions(to, '1.0.0') >= 0) {
    return { cniVersion: to, ...withoutVersion(result) };
  }
  if (compareVersions(to, '0.3.0') >= 0) {
    const out: Record<string, unknown> = { cniVersion: to };
    if (result.interfaces?.length) out['interfaces'] = result.interfaces;
    if (result.ips?.length) {
      out['ips'] = result.ips.map((ip) => ({
        version: ip.address.includes(':') ? '6' : '4',
        ...(ip.interface !== undefined ? { interface: ip.interface } : {}),
        address: ip.address,
        ...(ip.gateway !== undefined ? { gateway: ip.gateway } : {}),
      }));
    }
    if (result.routes?.length) out['routes'] = result.routes.map((r) => ({ dst: r.dst, ...(r.gw !== undefined ? { gw: r.gw } : {}) }));
    out['dns'] = result.dns;
    return out;
  }
  // 0.1.0 / 0.2.0: one ip4 (and ip6) block carrying every route of that family.
  const out: Record<string, unknown> = { cniVersion: to };
  for (const family of ['4', '6'] as const) {
    const ip = result.ips?.find((i) => (i.address.includes(':') ? '6' : '4') === family);
    if (!ip) continue;
    const routes = (result.routes ?? []).filter((r) => (r.dst.includes(':') ? '6' : '4') === family).map((r) => ({ dst: r.dst, ...(r.gw !== undefined ? { gw: r.gw } : {}) }));
    out[`ip${family}`] = { ip: ip.address, ...(ip.gateway !== undefined ? { gateway: ip.gateway } : {}), ...(routes.length ? { routes } : {}) };
  }
  out['dns'] = result.dns;
  return out;
}

function withoutVersion(r: CniResult): Omit<CniResult, 'cniVersion'> {
  const { cniVersion: _v, ...rest } = r;
  const out: Record<string, unknown> = {};
  // omitempty: the 1.0.0 struct drops empty interfaces/ips/routes.
  if (rest.interfaces?.length) out['interfaces'] = rest.interfaces;
  if (rest.ips?.length) out['ips'] = rest.ips;
  if (rest.routes?.length) out['routes'] = rest.routes;
  out['dns'] = rest.dns;
  return out as Omit<CniResult, 'cniVersion'>;
}

/** The result structs' field order (types/100, types/040 and types/020 alike). */
const RESULT_FIELD_ORDER = ['cniVersion', 'interfaces', 'ips', 'routes', 'ip4', 'ip6', 'dns'];

/** Go's marshalling of a result struct: fields in declaration order, absent and empty lists omitted. */
function omitEmpty(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = [...RESULT_FIELD_ORDER.filter((k) => k in r), ...Object.keys(r).filter((k) => !RESULT_FIELD_ORDER.includes(k))];
  for (const k of keys) {
    const v = r[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  }
  return out;
}
