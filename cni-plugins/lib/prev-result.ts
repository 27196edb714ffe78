/**
 * A configuration's prevResult as the reference plugins read it (pkg/version ParsePrevResult and the
 * result types of the configuration's version, CNI library v1.0.1): checked against the version the
 * configuration speaks and re-marshalled field by field in the Go structs' order, so a plugin that
 * passes it through (loopback) prints what the real one prints.
 */
import { compareVersions } from '../../src/cni/version.js';

export type PrevResult = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; message: string };

/** Go's name for a JSON value's kind in "cannot unmarshal KIND into ..." messages. */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

/** The versions the result type for CONFVERSION accepts (types/100, types/040, types/020). */
function supportedFor(confVersion: string): string[] | undefined {
  if (confVersion === '1.0.0') return ['1.0.0'];
  if (['0.3.0', '0.3.1', '0.4.0'].includes(confVersion)) return ['0.3.0', '0.3.1', '0.4.0'];
  if (['', '0.1.0', '0.2.0'].includes(confVersion)) return ['', '0.1.0', '0.2.0'];
  return undefined;
}

/**
 * Parses conf.prevResult. Errors carry the reference plugins' text after their own prefix
 * ("failed to parse network config: " for a decoding error is the caller's).
 */
export function parsePrevResult(conf: Record<string, unknown>, confVersion: string): PrevResult | { ok: false; decode: string } {
  const raw = conf['prevResult'];
  if (raw === undefined || raw === null) return { ok: true, value: undefined };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, decode: `json: cannot unmarshal ${goJsonKind(raw)} into Go struct field NetConf.prevResult of type map[string]interface {}` };
  }
  const prev = raw as Record<string, unknown>;
  // ParsePrevResult injects the configuration's version when the result has none.
  const version = typeof prev['cniVersion'] === 'string' && prev['cniVersion'] !== '' ? prev['cniVersion'] : confVersion;
  const supported = supportedFor(confVersion);
  if (!supported) return { ok: false, message: `could not parse prevResult: unsupported CNI result version "${confVersion}"` };
  if (!supported.includes(version)) {
    return { ok: false, message: `could not parse prevResult: result type supports [${supported.join(' ')}] but unmarshalled CNIVersion is "${version}"` };
  }
  return { ok: true, value: compareVersions(confVersion, '0.3.0') >= 0 ? marshalCurrent(prev, version, confVersion !== '1.0.0') : marshal020(prev, version) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function route(v: unknown): Record<string, unknown> {
  const r = obj(v);
  return { dst: r['dst'] ?? '<nil>', ...(str(r['gw']) ? { gw: r['gw'] } : {}) };
}

function dns(v: unknown): Record<string, unknown> {
  const d = obj(v);
  const out: Record<string, unknown> = {};
  if (list(d['nameservers']).length) out['nameservers'] = d['nameservers'];
  if (str(d['domain'])) out['domain'] = d['domain'];
  if (list(d['search']).length) out['search'] = d['search'];
  if (list(d['options']).length) out['options'] = d['options'];
  return out;
}

/** types/100 and types/040 Result: 040's IPConfig also carries "version". */
function marshalCurrent(prev: Record<string, unknown>, version: string, withIpVersion: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { cniVersion: version };
  const ifs = list(prev['interfaces']).map((i) => {
    const o = obj(i);
    return { name: typeof o['name'] === 'string' ? o['name'] : '', ...(str(o['mac']) ? { mac: o['mac'] } : {}), ...(str(o['sandbox']) ? { sandbox: o['sandbox'] } : {}) };
  });
  if (ifs.length) out['interfaces'] = ifs;
  const ips = list(prev['ips']).map((i) => {
    const o = obj(i);
    return {
      ...(withIpVersion ? { version: typeof o['version'] === 'string' ? o['version'] : '' } : {}),
      ...(typeof o['interface'] === 'number' ? { interface: o['interface'] } : {}),
      address: o['address'] ?? '<nil>',
      ...(str(o['gateway']) ? { gateway: o['gateway'] } : {}),
    };
  });
  if (ips.length) out['ips'] = ips;
  const routes = list(prev['routes']).map(route);
  if (routes.length) out['routes'] = routes;
  out['dns'] = dns(prev['dns']);
  return out;
}

/** types/020 Result: ip4/ip6 blocks. */
function marshal020(prev: Record<string, unknown>, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { cniVersion: version };
  for (const fam of ['ip4', 'ip6']) {
    if (prev[fam] === undefined || prev[fam] === null) continue;
    const o = obj(prev[fam]);
    const routes = list(o['routes']).map(route);
    out[fam] = { ip: o['ip'] ?? '<nil>', ...(str(o['gateway']) ? { gateway: o['gateway'] } : {}), ...(routes.length ? { routes } : {}) };
  }
  out['dns'] = dns(prev['dns']);
  return out;
}
