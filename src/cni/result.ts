/**
 * A plugin's result as libcni holds it (pkg/types/create, 020/040/100): created from the plugin's
 * stdout for a version, converted between versions, and marshalled as Go marshals each version's
 * struct in libcni v1.1 (field order, "dns" always there; v1.2 later sorts 1.x keys and drops an
 * empty "dns" — see docs/cni.md).
 */
import { goJsonKind, goUnmarshal } from './gojson.js';
import { compareVersions } from './version.js';
import type { Dns, ResultRoute } from './spec.js';

export interface Iface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

export interface IpConf {
  /** 0.3.x/0.4.0 only: the "version" field exactly as the plugin gave it (libcni keeps even ""). */
  version?: string;
  interface?: number;
  address: string;
  gateway?: string;
}

/** The result in the current (1.x) shape, with the version it claims. */
export interface Result {
  cniVersion: string;
  interfaces: Iface[];
  ips: IpConf[];
  routes: ResultRoute[];
  dns: Dns;
}

export type Created = { ok: true; value: Result } | { ok: false; message: string };

const V1 = ['1.0.0', '1.1.0'];
const V04 = ['0.3.0', '0.3.1', '0.4.0'];
const V02 = ['0.1.0', '0.2.0'];

/** What create.Create accepts; anything else is "unsupported CNI result version". */
export function knownResultVersion(v: string): boolean {
  return V1.includes(v) || V04.includes(v) || V02.includes(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function dnsOf(v: unknown): Dns {
  const o = obj(v);
  const d: Dns = {};
  if (arr(o['nameservers']).length) d.nameservers = arr(o['nameservers']).map(String);
  if (str(o['domain'])) d.domain = str(o['domain'])!;
  if (arr(o['search']).length) d.search = arr(o['search']).map(String);
  if (arr(o['options']).length) d.options = arr(o['options']).map(String);
  return d;
}

function routeOf(v: unknown): ResultRoute {
  const o = obj(v);
  const r: ResultRoute = { dst: str(o['dst']) ?? '' };
  if (str(o['gw'])) r.gw = str(o['gw'])!;
  for (const k of ['mtu', 'advmss', 'priority', 'table', 'scope'] as const) if (num(o[k])) r[k] = num(o[k])!;
  return r;
}

/** create.Create(version, bytes): the plugin's output read as a result of that version. */
export function createResult(version: string, bytes: string): Created {
  if (!knownResultVersion(version)) return { ok: false, message: `unsupported CNI result version "${version}"` };
  const p = goUnmarshal(bytes);
  if (!p.ok) return { ok: false, message: p.message };
  if (p.value !== null && (typeof p.value !== 'object' || Array.isArray(p.value))) {
    const type = V1.includes(version) ? 'types100.Result' : V04.includes(version) ? 'types040.Result' : 'types020.Result';
    return { ok: false, message: `json: cannot unmarshal ${goJsonKind(p.value)} into Go value of type ${type}` };
  }
  const o = obj(p.value);
  const claimed = str(o['cniVersion']) ?? '';
  const dns = dnsOf(o['dns']);
  if (V02.includes(version)) {
    const ips: IpConf[] = [];
    const routes: ResultRoute[] = [];
    for (const fam of ['ip4', 'ip6']) {
      const ip = obj(o[fam]);
      if (!o[fam]) continue;
      ips.push({ address: str(ip['ip']) ?? '', ...(str(ip['gateway']) ? { gateway: str(ip['gateway'])! } : {}) });
      for (const r of arr(ip['routes'])) routes.push(routeOf(r));
    }
    return { ok: true, value: { cniVersion: claimed || version, interfaces: [], ips, routes, dns } };
  }
  const interfaces = arr(o['interfaces']).map((i): Iface => {
    const io = obj(i);
    const f: Iface = { name: str(io['name']) ?? '' };
    if (str(io['mac'])) f.mac = str(io['mac'])!;
    if (V1.includes(version) && num(io['mtu'])) f.mtu = num(io['mtu'])!;
    if (str(io['sandbox'])) f.sandbox = str(io['sandbox'])!;
    if (V1.includes(version) && str(io['socketPath'])) f.socketPath = str(io['socketPath'])!;
    if (V1.includes(version) && str(io['pciID'])) f.pciID = str(io['pciID'])!;
    return f;
  });
  const ips = arr(o['ips']).map((i): IpConf => {
    const io = obj(i);
    return {
      ...(V04.includes(version) ? { version: str(io['version']) ?? '' } : {}),
      ...(num(io['interface']) !== undefined ? { interface: num(io['interface'])! } : {}),
      address: str(io['address']) ?? '',
      ...(str(io['gateway']) ? { gateway: str(io['gateway'])! } : {}),
    };
  });
  const routes = arr(o['routes']).map(routeOf);
  if (V1.includes(version) && !V1.includes(claimed)) {
    // types100.NewResult insists that the result says a version it creates.
    return { ok: false, message: `result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is "${claimed}"` };
  }
  return { ok: true, value: { cniVersion: claimed || version, interfaces, ips, routes, dns } };
}

/** Result.GetAsVersion: convert.Convert between the registered versions. */
export function resultAsVersion(r: Result, to: string): Created {
  const target = to === '' ? '0.1.0' : to;
  if (r.cniVersion === target) return { ok: true, value: r };
  const from = r.cniVersion;
  const convertible = knownResultVersion(from) && knownResultVersion(target) && !(V1.includes(from) && from === '1.0.0' && target === '1.0.0');
  if (!convertible) return { ok: false, message: `no converter for CNI result version ${from} to ${target}` };
  // Down to 0.x loses what 0.x cannot say (interface mtu, socketPath, pciID); 1.x -> 0.4 computes
  // each IP's "version" from its address (convertIPConfigTo040), 0.4 -> 1.x drops it.
  const interfaces = V1.includes(target) ? r.interfaces : r.interfaces.map((i) => ({ name: i.name, ...(i.mac ? { mac: i.mac } : {}), ...(i.sandbox ? { sandbox: i.sandbox } : {}) }));
  const ips = r.ips.map(({ version, ...ip }) => {
    if (V1.includes(target)) return ip;
    return { version: V1.includes(from) || version === undefined ? (ip.address.includes(':') ? '6' : '4') : version, ...ip };
  });
  return { ok: true, value: { ...r, cniVersion: target, interfaces, ips } };
}

/** The JSON value Go marshals the result as, for its version (libcni v1.1: the structs' field order). */
export function marshalResultValue(r: Result): unknown {
  const v = r.cniVersion;
  if (compareVersions(v, '0.3.0') >= 0) {
    const out: Record<string, unknown> = { cniVersion: v };
    if (r.interfaces.length) out['interfaces'] = r.interfaces;
    if (r.ips.length) {
      out['ips'] = compareVersions(v, '1.0.0') >= 0
        ? r.ips.map(({ version: _v, ...ip }) => ip)
        : r.ips.map((ip) => ({ version: ip.version ?? (ip.address.includes(':') ? '6' : '4'), ...(ip.interface !== undefined ? { interface: ip.interface } : {}), address: ip.address, ...(ip.gateway ? { gateway: ip.gateway } : {}) }));
    }
    if (r.routes.length) out['routes'] = r.routes;
    // DNS is a struct: omitempty never drops it.
    out['dns'] = r.dns;
    return out;
  }
  const out: Record<string, unknown> = { cniVersion: v };
  for (const fam of ['4', '6']) {
    const ip = r.ips.find((i) => (i.address.includes(':') ? '6' : '4') === fam);
    if (!ip) continue;
    const routes = r.routes.filter((rt) => (rt.dst.includes(':') ? '6' : '4') === fam);
    out[`ip${fam}`] = { ip: ip.address, ...(ip.gateway ? { gateway: ip.gateway } : {}), ...(routes.length ? { routes } : {}) };
  }
  out['dns'] = r.dns;
  return out;
}
