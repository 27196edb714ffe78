/**
 * The CHECK helpers of pkg/ip/utils_linux.go (plugins v1.1.1): every result address is on the
 * interface with a main-table route to its prefix, and every result route is in the main table —
 * a default route by destination only, any other by destination and gateway (so a route the result
 * lists without a gateway, which ConfigureIface installed via the gateway, is reported missing, as
 * upstream reports it).
 */
import type { Netlink, RouteInfo } from '../../src/kernel/api.js';
import type { ResultIp, ResultRoute } from '../../src/cni/spec.js';
import { formatIpv4, networkOf, parseCidr, prefixMask } from '../../src/wire/addr.js';

export type Checked = { ok: true } | { ok: false; message: string };

const MAIN_TABLE = 254;

function mainRoutes(nl: Netlink): RouteInfo[] {
  return nl.routeList({ table: MAIN_TABLE }).filter((r) => r.table === MAIN_TABLE);
}

/** types.Route.String(): %+v of {Dst net.IPNet, GW net.IP}. */
export function goRouteString(r: ResultRoute): string {
  const c = parseCidr(r.dst);
  const dst = c ? `{IP:${formatIpv4(networkOf(c.addr, c.len))} Mask:${prefixMask(c.len).toString(16).padStart(8, '0')}}` : '{IP:<nil> Mask:<nil>}';
  return `{Dst:${dst} GW:${r.gw ?? '<nil>'}}`;
}

export function validateExpectedInterfaceIPs(nl: Netlink, ifName: string, ips: ResultIp[]): Checked {
  for (const ip of ips) {
    if (!nl.linkGet(ifName)) return { ok: false, message: `Cannot find container link ${ifName}` };
    const c = parseCidr(ip.address);
    const match = c !== undefined && nl.addrList({ dev: ifName }).some((a) => a.family === 'inet' && a.local === formatIpv4(c.addr) && a.prefixLen === c.len);
    if (!match || !c) return { ok: false, message: `Failed to match addr ${ip.address} on interface ${ifName}` };
    const net = formatIpv4(networkOf(c.addr, c.len));
    if (!mainRoutes(nl).some((r) => r.dst === net && r.dstLen === c.len)) {
      return { ok: false, message: `Failed to find Gateway ${ip.gateway ?? '<nil>'} for interface ${ifName}` };
    }
  }
  return { ok: true };
}

export function validateExpectedRoute(nl: Netlink, routes: ResultRoute[]): Checked {
  for (const route of routes) {
    const c = parseCidr(route.dst);
    if (!c) return { ok: false, message: `Invalid static route found ${goRouteString(route)}` };
    const net = formatIpv4(networkOf(c.addr, c.len));
    const found = mainRoutes(nl).some((r) =>
      c.len === 0 ? r.dstLen === 0 : r.dst === net && r.dstLen === c.len && (r.gateway ?? undefined) === route.gw,
    );
    if (!found) return { ok: false, message: `Expected Route ${goRouteString(route)} not found in routing table` };
  }
  return { ok: true };
}
