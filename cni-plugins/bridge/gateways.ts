/**
 * bridge.go calcGateways (plugins v1.1.1): every IPAM address belongs to the container interface
 * (result index 2); with isGateway an address without a gateway gets the subnet's first address;
 * with isDefaultGateway a default route via that gateway is appended unless the IPAM result already
 * has a default route with a gateway; and the gateway addresses to put on the bridge are collected
 * (gateway IP with the container address's prefix length).
 */
import type { CniResult } from '../../src/cni/spec.js';
import { orderedIp } from '../lib/ipam-result.js';
import { markV4InV6DefaultNet } from '../lib/ipam-apply.js';
import { formatIpv4, networkOf, parseCidr, parseIpv4 } from '../../src/wire/addr.js';

export interface Gateways {
  /** "10.22.0.1/16": the gateway IP with the container address's prefix length. */
  gws: string[];
  defaultRouteFound: boolean;
}

export type CalcResult = { ok: true; v4: Gateways } | { ok: false; message: string };

/** calcGatewayIP: the network address plus one. */
export function calcGatewayIP(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  return c ? formatIpv4((networkOf(c.addr, c.len) + 1) >>> 0) : undefined;
}

/** Mutates RESULT as the real function does (interface index, gateways, default route). */
export function calcGateways(result: CniResult, isGW: boolean, isDefaultGW: boolean): CalcResult {
  const v4: Gateways = { gws: [], defaultRouteFound: false };
  for (const ipc of result.ips ?? []) {
    const c = parseCidr(ipc.address);
    // podnet models IPv4 only (IPv6 results are refused before this); the real function keeps a
    // second gateway list for IPv6 and answers "Unknown IP object" only for malformed addresses.
    if (!c) return { ok: false, message: `Unknown IP object: ${JSON.stringify(ipc)}` };
    // "All IPs currently refer to the container interface" (current.Int(2)).
    ipc.interface = 2;
    if (ipc.gateway === undefined && isGW) {
      const gw = calcGatewayIP(ipc.address);
      if (gw !== undefined) ipc.gateway = gw;
    }
    if (isDefaultGW && !v4.defaultRouteFound) {
      for (const route of result.routes ?? []) {
        if (route.gw !== undefined && route.dst === '0.0.0.0/0') {
          v4.defaultRouteFound = true;
          break;
        }
      }
      if (!v4.defaultRouteFound) {
        const route = { dst: '0.0.0.0/0', ...(ipc.gateway !== undefined ? { gw: ipc.gateway } : {}) };
        markV4InV6DefaultNet(route);
        result.routes = [...(result.routes ?? []), route];
        v4.defaultRouteFound = true;
      }
    }
    if (isGW && ipc.gateway !== undefined && parseIpv4(ipc.gateway) !== undefined) v4.gws.push(`${ipc.gateway}/${c.len}`);
  }
  // Rebuilt in the Go struct's field order (interface, address, gateway) for printing.
  if (result.ips) result.ips = result.ips.map(orderedIp);
  return { ok: true, v4 };
}
