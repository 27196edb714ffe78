/**
 * Topology builders shared by the kernel and world tests: small worlds wired through the public
 * Host/Netlink API only, mirroring the shell scripts run against real namespaces.
 */
import { createWorld } from '../world/world.js';
import type { Host, World } from '../world/api.js';
import type { Netlink, Sockets } from './api.js';

export function nl(h: Host, ns?: string): Netlink {
  const r = h.netlink(ns);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function socks(h: Host, ns?: string): Sockets {
  const r = h.sockets(ns);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string; extack?: string } }): T {
  if (!r.ok) throw new Error(r.error.extack ?? r.error.message);
  return r.value;
}

/**
 * a(va 10.0.1.2) -- (ra 10.0.1.1) r (rb 10.0.2.1) -- (vb 10.0.2.2) b, default routes via r,
 * lo up everywhere, ip_forward as given. Same as the real-Linux script:
 *   ip -n a link add va type veth peer name ra netns r; ... ip -n a route add default via 10.0.1.1
 */
export function routed(forward = true, seed = 5): { w: World; h: Host; a: Netlink; r: Netlink; b: Netlink } {
  const w = createWorld({ seed });
  const h = w.addHost('h');
  for (const n of ['a', 'r', 'b']) must(h.netnsAdd(n));
  const a = nl(h, 'a');
  const r = nl(h, 'r');
  const b = nl(h, 'b');
  for (const n of [a, r, b]) must(n.linkSet('lo', { up: true }));
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'ra', peerNetns: 'r' }));
  must(b.linkAdd({ kind: 'veth', name: 'vb', peerName: 'rb', peerNetns: 'r' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.1.2', prefixLen: 24 }));
  must(r.addrAdd({ dev: 'ra', local: '10.0.1.1', prefixLen: 24 }));
  must(r.addrAdd({ dev: 'rb', local: '10.0.2.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.2.2', prefixLen: 24 }));
  for (const [n, d] of [[a, 'va'], [r, 'ra'], [r, 'rb'], [b, 'vb']] as const) must(n.linkSet(d, { up: true }));
  must(a.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '10.0.1.1' }));
  must(b.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '10.0.2.1' }));
  if (forward) must(r.sysctlSet('net.ipv4.ip_forward', '1'));
  return { w, h, a, r, b };
}
