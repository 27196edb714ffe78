/**
 * The underlay a topology declares: machines cabled into L2 segments (each segment is a switch —
 * a bridge in a host of its own) and routers that forward between segments, built through the
 * public World/Host/Netlink API exactly as an administrator would wire and configure real boxes.
 */
import type { Host, World } from './api.js';
import type { Netlink } from '../kernel/api.js';
import { kerr, kok, type KernelError, type KResult } from '../kernel/errno.js';

export interface SegmentAttachment {
  host: string;
  /** Address with prefix length, e.g. "192.168.50.11/24". */
  ip: string;
  /** NIC name on the host; default eth0, eth1, ... in the order the host is attached. */
  dev?: string;
}

export interface UnderlaySpec {
  segments: { name: string; mtu?: number; attach: SegmentAttachment[] }[];
  /** Default gateway per host (an address on one of its segments). */
  gateways?: Record<string, string>;
  /** Hosts that forward between their segments (net.ipv4.ip_forward=1). */
  routers?: string[];
}

export interface UnderlayNic {
  host: string;
  dev: string;
  ip: string;
  prefixLen: number;
  segment: string;
}

export interface Underlay {
  nics: UnderlayNic[];
  /** Host name of each segment's switch. */
  switches: Record<string, string>;
}

/** The switch of segment S is host "sw-S" whose bridge br0 has one port per attached NIC. */
export const switchHostName = (segment: string): string => `sw-${segment}`;
const SWITCH_BRIDGE = 'br0';

function rootNl(h: Host): KResult<Netlink> {
  return h.netlink();
}

function explain(step: string, e: KernelError): { ok: false; error: KernelError } {
  return { ok: false, error: { ...e, message: `${step}: ${e.extack ?? e.message}` } };
}

/** Build the underlay into `world`; on error, what was built so far stays (as on real machines). */
export function buildUnderlay(world: World, spec: UnderlaySpec): KResult<Underlay> {
  if (!world.connect) return kerr('EOPNOTSUPP', 'this world cannot cable hosts');
  const nics: UnderlayNic[] = [];
  const switches: Record<string, string> = {};
  const nicCount = new Map<string, number>();
  for (const seg of spec.segments) {
    if (!/^[A-Za-z0-9_.-]{1,12}$/.test(seg.name)) return kerr('EINVAL', `segment name "${seg.name}"`);
    const swName = switchHostName(seg.name);
    if (world.host(swName)) return kerr('EEXIST', `segment ${seg.name} declared twice`);
    const sw = world.addHost(swName);
    switches[seg.name] = swName;
    const swNl = rootNl(sw);
    if (!swNl.ok) return swNl;
    let r: KResult<unknown> = swNl.value.linkAdd({ kind: 'bridge', name: SWITCH_BRIDGE });
    if (!r.ok) return explain(`${swName} bridge`, r.error);
    r = swNl.value.linkSet(SWITCH_BRIDGE, { up: true });
    if (!r.ok) return explain(`${swName} bridge up`, r.error);
    for (let i = 0; i < seg.attach.length; i++) {
      const a = seg.attach[i]!;
      const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(a.ip);
      if (!m) return kerr('EINVAL', `address "${a.ip}" of ${a.host} needs a prefix length`);
      const host = world.host(a.host) ?? world.addHost(a.host);
      const k = nicCount.get(a.host) ?? 0;
      nicCount.set(a.host, k + 1);
      const dev = a.dev ?? `eth${k}`;
      const port = `p${i}`;
      const c = world.connect({ host: swName, dev: port }, { host: a.host, dev }, seg.mtu !== undefined ? { mtu: seg.mtu } : undefined);
      if (!c.ok) return explain(`cable ${a.host}/${dev} to ${swName}`, c.error);
      r = swNl.value.linkSet(port, { master: SWITCH_BRIDGE, up: true });
      if (!r.ok) return explain(`${swName} port ${port}`, r.error);
      const nl = rootNl(host);
      if (!nl.ok) return nl;
      r = nl.value.addrAdd({ dev, local: m[1]!, prefixLen: Number(m[2]) });
      if (!r.ok) return explain(`${a.host} ${dev} address ${a.ip}`, r.error);
      r = nl.value.linkSet(dev, { up: true });
      if (!r.ok) return explain(`${a.host} ${dev} up`, r.error);
      r = nl.value.linkSet('lo', { up: true });
      if (!r.ok) return explain(`${a.host} lo up`, r.error);
      nics.push({ host: a.host, dev, ip: m[1]!, prefixLen: Number(m[2]), segment: seg.name });
    }
  }
  for (const name of spec.routers ?? []) {
    const h = world.host(name);
    if (!h) return kerr('ENOENT', `router ${name} is on no segment`);
    const nl = rootNl(h);
    if (!nl.ok) return nl;
    const r = nl.value.sysctlSet('net.ipv4.ip_forward', '1');
    if (!r.ok) return explain(`${name} ip_forward`, r.error);
  }
  for (const [name, gw] of Object.entries(spec.gateways ?? {})) {
    const h = world.host(name);
    if (!h) return kerr('ENOENT', `host ${name} is on no segment`);
    const nl = rootNl(h);
    if (!nl.ok) return nl;
    const r = nl.value.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: gw });
    if (!r.ok) return explain(`${name} default via ${gw}`, r.error);
  }
  return kok({ nics, switches });
}
