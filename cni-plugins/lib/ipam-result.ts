/**
 * An IPAM plugin's answer, in whatever version it printed, as the current (1.0.0) result the reference
 * plugins work on (current.NewResultFromResult: types/020 → 040 → 100 conversion in the CNI library).
 */
import { compareVersions } from '../../src/cni/version.js';
import { goDns } from './dns.js';
import type { CniResult, Dns, ResultInterface, ResultIp, ResultRoute } from '../../src/cni/spec.js';

export type Converted = { ok: true; value: CniResult } | { ok: false; message: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function routesOf(v: unknown): ResultRoute[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((r) => {
    // types.ParseCIDR keeps the address as written (host bits too): "10.1.2.3/8" stays so, and
    // the kernel then refuses it as a route, as it does under the real plugin.
    const out: ResultRoute = { dst: String(r['dst'] ?? '') };
    if (typeof r['gw'] === 'string') out.gw = r['gw'];
    return out;
  });
}

/** current.Interface of CNI library v1.0.1 (what plugins v1.1.1 build with): name, mac, sandbox. */
function interfaceOf(i: Obj): ResultInterface {
  return {
    name: String(i['name'] ?? ''),
    ...(typeof i['mac'] === 'string' && i['mac'] !== '' ? { mac: i['mac'] } : {}),
    ...(typeof i['sandbox'] === 'string' && i['sandbox'] !== '' ? { sandbox: i['sandbox'] } : {}),
  };
}

function dnsOf(v: unknown): Dns {
  return goDns(v);
}

/**
 * The 1.0.0 result as CNI library v1.0.1 (vendored by plugins v1.1.1) reads it: routes carry only
 * dst and gw, interfaces only name, mac and sandbox; other fields are dropped.
 */
/** The 1.0.0 result; ImplementedSpecVersion is what the plugins then print from. */
export function toCurrentResult(raw: unknown): Converted {
  if (!isObj(raw)) return { ok: false, message: 'failed to convert result: not a result object' };
  const version = typeof raw['cniVersion'] === 'string' ? raw['cniVersion'] : '0.1.0';
  const out: CniResult = { cniVersion: '1.0.0', dns: dnsOf(raw['dns']) };
  if (compareVersions(version, '0.3.0') < 0) {
    // 0.1.0/0.2.0: one ip4 and one ip6 block; their routes follow each other.
    const ips: ResultIp[] = [];
    const routes: ResultRoute[] = [];
    for (const key of ['ip4', 'ip6']) {
      const block = raw[key];
      if (!isObj(block)) continue;
      ips.push({ address: String(block['ip'] ?? ''), ...(typeof block['gateway'] === 'string' ? { gateway: block['gateway'] } : {}) });
      routes.push(...routesOf(block['routes']));
    }
    if (ips.length) out.ips = ips;
    if (routes.length) out.routes = routes;
    return { ok: true, value: out };
  }
  if (Array.isArray(raw['interfaces'])) out.interfaces = raw['interfaces'].filter(isObj).map(interfaceOf);
  if (Array.isArray(raw['ips'])) {
    out.ips = raw['ips'].filter(isObj).map((ip) => ({
      ...(typeof ip['interface'] === 'number' ? { interface: ip['interface'] } : {}),
      address: String(ip['address'] ?? ''),
      ...(typeof ip['gateway'] === 'string' ? { gateway: ip['gateway'] } : {}),
    }));
  }
  const routes = routesOf(raw['routes']);
  if (routes.length) out.routes = routes;
  return { ok: true, value: out };
}

/** current.IPConfig in its field order (interface, address, gateway), for printing after edits. */
export function orderedIp(ip: ResultIp): ResultIp {
  return { ...(ip.interface !== undefined ? { interface: ip.interface } : {}), address: ip.address, ...(ip.gateway !== undefined ? { gateway: ip.gateway } : {}) };
}

/**
 * podnet's kernel has no IPv6 addresses or routes yet, so an IPAM result with an IPv6 address
 * (host-local's dual-stack ranges) cannot be applied: the plugins refuse it with this message (a
 * podnet limit, not a reference-plugin text) and release the address as after any failure.
 */
export function ipv6NotModelled(result: CniResult): string | undefined {
  const v6 = (result.ips ?? []).find((ip) => ip.address.includes(':'));
  return v6 ? `podnet: IPv6 address ${v6.address} from IPAM cannot be configured (podnet models IPv4 only)` : undefined;
}
