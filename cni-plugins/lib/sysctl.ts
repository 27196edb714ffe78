/**
 * The sysctl writes the reference plugins make (pkg/ip/ipforward_linux.go and pkg/utils/sysctl):
 * ip_forward is written only when it is not already "1" (echo1), and best-effort knobs such as
 * accept_ra or arp_notify are set with their errors ignored, as upstream ignores them.
 */
import type { Netlink } from '../../src/kernel/api.js';
import { goErrnoText } from './go-errors.js';

export type SysctlResult = { ok: true } | { ok: false; message: string };

/** ip.EnableIP4Forward: echo1("/proc/sys/net/ipv4/ip_forward"). */
export function enableIP4Forward(nl: Netlink): SysctlResult {
  const cur = nl.sysctlGet('net.ipv4.ip_forward');
  if (cur.ok && cur.value.trim() === '1') return { ok: true };
  const r = nl.sysctlSet('net.ipv4.ip_forward', '1');
  return r.ok ? { ok: true } : { ok: false, message: `open /proc/sys/net/ipv4/ip_forward: ${goErrnoText(r.error.errno)}` };
}

/** sysctl.Sysctl(key, value) whose result the caller drops. */
export function sysctlBestEffort(nl: Netlink, key: string, value: string): void {
  nl.sysctlSet(key, value);
}
