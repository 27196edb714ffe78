/**
 * ipam.ConfigureIface (pkg/ipam/ipam_linux.go, plugins v1.1.1): put a result's addresses on the
 * interface they name, bring it up, then add the result's routes through it — a route without a
 * gateway goes via the first gateway of its family, and routes are appended (NLM_F_APPEND), so two
 * routes to one destination with different gateways both land.
 */
import type { Netlink } from '../../src/kernel/api.js';
import type { CniResult, ResultIp, ResultRoute } from '../../src/cni/spec.js';
import { parseCidr, formatIpv4, prefixMask } from '../../src/wire/addr.js';
import { goErrnoText } from './go-errors.js';

export type ApplyResult = { ok: true } | { ok: false; message: string };

/** "10.22.0.2/16" as %+v prints a net.IPNet's fields: {IP:10.22.0.2 Mask:ffff0000}. */
function ipNetFields(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) return `{IP:<nil> Mask:<nil>}`;
  return `{IP:${formatIpv4(c.addr)} Mask:${prefixMask(c.len).toString(16).padStart(8, '0')}}`;
}

/** IPConfig.String() = fmt.Sprintf("%+v", *i); the Interface pointer's address is Go's, not reproducible. */
export function ipConfigString(ip: ResultIp): string {
  return `{Interface:0xc000000000 Address:${ipNetFields(ip.address)} Gateway:${ip.gateway ?? '<nil>'}}`;
}

/**
 * Routes whose destination is the default network calcGateways builds (net.IPv4zero with
 * IPMask(net.IPv4zero): a 16-byte mask), which an error message prints in full.
 */
const sixteenByteMask = new WeakSet<ResultRoute>();

export function markV4InV6DefaultNet(route: ResultRoute): void {
  sixteenByteMask.add(route);
}

/** %v of the route's net.IPNet value (String has a pointer receiver): {IP MASKHEX}. */
function ipNetValue(route: ResultRoute): string {
  const c = parseCidr(route.dst);
  if (!c) return `{<nil> }`;
  if (sixteenByteMask.has(route)) return `{${formatIpv4(c.addr)} 00000000000000000000ffff00000000}`;
  return `{${formatIpv4(c.addr)} ${prefixMask(c.len).toString(16).padStart(8, '0')}}`;
}

export function configureIface(nl: Netlink, ifName: string, res: CniResult): ApplyResult {
  const fail = (message: string): ApplyResult => ({ ok: false, message });
  const interfaces = res.interfaces ?? [];
  if (interfaces.length === 0) return fail('no interfaces to configure');
  if (!nl.linkGet(ifName)) return fail(`failed to lookup "${ifName}": Link not found`);

  let v4gw: string | undefined;
  for (const ipc of res.ips ?? []) {
    if (ipc.interface === undefined) continue;
    const idx = ipc.interface;
    if (idx < 0 || idx >= interfaces.length || interfaces[idx]!.name !== ifName) {
      return fail(`failed to add IP addr ${ipConfigString(ipc)} to "${ifName}": invalid interface index`);
    }
    const c = parseCidr(ipc.address);
    if (!c) return fail(`failed to add IP addr ${ipConfigString(ipc)} to "${ifName}": invalid argument`);
    // vishvananda/netlink fills in the broadcast address for IPv4 prefixes shorter than /31.
    const r = nl.addrAdd({ dev: ifName, local: formatIpv4(c.addr), prefixLen: c.len, ...(c.len < 31 ? { broadcast: '+' } : {}) });
    if (!r.ok) return fail(`failed to add IP addr ${ipConfigString(ipc)} to "${ifName}": ${goErrnoText(r.error.errno)}`);
    if (ipc.gateway !== undefined && !ipc.gateway.includes(':') && v4gw === undefined) v4gw = ipc.gateway;
  }

  const up = nl.linkSet(ifName, { up: true });
  if (!up.ok) return fail(`failed to set "${ifName}" UP: ${goErrnoText(up.error.errno)}`);

  for (const route of res.routes ?? []) {
    const isV4 = !route.dst.includes(':');
    const gw = route.gw ?? (isV4 ? v4gw : undefined);
    const d = parseCidr(route.dst);
    if (!d) return fail(`failed to add route '${ipNetValue(route)} via ${gw ?? '<nil>'} dev ${ifName}': invalid argument`);
    const r = nl.routeAdd({ dst: formatIpv4(d.addr), dstLen: d.len, dev: ifName, ...(gw !== undefined ? { gateway: gw } : {}) }, 'append');
    if (!r.ok) return fail(`failed to add route '${ipNetValue(route)} via ${gw ?? '<nil>'} dev ${ifName}': ${goErrnoText(r.error.errno)}`);
  }
  return { ok: true };
}
