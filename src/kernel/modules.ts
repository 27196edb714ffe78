/**
 * The kernel modules of one host as modprobe sees them: which are built in, which are loadable and
 * whether they are loaded, and what loading or removing one does to the host's namespaces.
 *
 * The reference machine builds its networking in (its /sys/module lists bridge, vxlan, nf_conntrack,
 * overlay without an initstate file, and br_netfilter's net.bridge.* sysctls are always present), so
 * everything podnet models is built in except IP-in-IP, which the reference machines lack and podnet
 * offers as a loadable module (net/ipv4/ipip.c) so Calico-style labs can `modprobe ipip`.
 */
import type { KernelModules, ModuleState } from '../world/api.js';
import type { KernelEnv } from './env.js';
import { kerr, kok, type KResult } from './errno.js';
import { ipipModuleLoad, ipipModuleLoaded, ipipModuleUnload } from './ip_tunnel.js';

/** `uname -r` of the reference machine podnet is checked against (modprobe names its module directory). */
export const KERNEL_RELEASE = '6.18.44-fc-v769';

/** Built into the reference kernel: modprobe succeeds without doing anything, `-r` refuses. */
const BUILTIN = new Set([
  'bridge', 'br_netfilter', 'stp', 'llc', 'veth', 'vxlan', 'udp_tunnel', 'ip6_udp_tunnel', 'overlay',
  'nf_conntrack', 'nf_nat', 'nf_tables', 'nft_compat', 'nft_chain_nat', 'nf_reject_ipv4', 'nf_defrag_ipv4',
  'x_tables', 'ip_tables', 'iptable_filter', 'iptable_nat', 'iptable_mangle', 'iptable_raw',
  'xt_conntrack', 'xt_MASQUERADE', 'xt_nat', 'xt_comment', 'xt_mark', 'xt_addrtype', 'xt_multiport',
  'xt_statistic', 'xt_tcpudp', 'ipt_REJECT',
]);

/** Loadable modules podnet models and what their init/exit do to the host. */
const LOADABLE: Record<string, { loaded(env: KernelEnv): boolean; load(env: KernelEnv): void; unload(env: KernelEnv): void }> = {
  ipip: { loaded: ipipModuleLoaded, load: ipipModuleLoad, unload: ipipModuleUnload },
};

/** kmod treats '-' and '_' in module names alike (modname_normalize). */
function normalize(name: string): string {
  return name.replace(/-/g, '_');
}

export function hostModules(env: KernelEnv): KernelModules {
  const state = (name: string): ModuleState => {
    const n = normalize(name);
    if (BUILTIN.has(n)) return 'builtin';
    const m = LOADABLE[n];
    if (!m) return 'unknown';
    return m.loaded(env) ? 'live' : 'absent';
  };
  return {
    release: KERNEL_RELEASE,
    state,
    load(name: string): KResult<void> {
      const n = normalize(name);
      if (BUILTIN.has(n)) return kok(undefined);
      const m = LOADABLE[n];
      if (!m) return kerr('ENOENT');
      m.load(env);
      return kok(undefined);
    },
    unload(name: string): KResult<void> {
      const n = normalize(name);
      const m = LOADABLE[n];
      if (!m) return kerr(BUILTIN.has(n) ? 'EPERM' : 'ENOENT');
      if (!m.loaded(env)) return kerr('ENOENT');
      m.unload(env);
      return kok(undefined);
    },
  };
}
