/**
 * Masquerading for a container address (pkg/ip/ipmasq_linux.go, plugins v1.1.1), used by bridge and
 * ptp with ipMasq: a per-container nat chain that ACCEPTs the container's own subnet and
 * MASQUERADEs everything else but multicast, jumped to from POSTROUTING for the container's source
 * address. IPv4 only in podnet (the IPv6 variant runs ip6tables with ff00::/8).
 */
import type { ExecContext } from '../../src/commands/types.js';
import { GoIptables, iptablesErrorText, isNotExist } from './go-iptables.js';

export type MasqResult = { ok: true } | { ok: false; message: string };

const OK: MasqResult = { ok: true };
const fail = (message: string): MasqResult => ({ ok: false, message });

/** "10.22.0.2/16" → its IP part, as net.IPNet.IP.String() prints it. */
function ipOf(cidr: string): string {
  return cidr.split('/')[0]!;
}

/** ip.SetupIPMasq(ipn, chain, comment); `cidr` is the container address as net.IPNet.String() prints it (host bits kept). */
export function setupIPMasq(ctx: ExecContext, cidr: string, chain: string, comment: string): MasqResult {
  const h = GoIptables.create(ctx);
  if (!h.ok) return fail(`failed to locate iptables: ${iptablesErrorText(h.error)}`);
  const ipt = h.value;
  const chains = ipt.listChains('nat');
  if (!chains.ok) return fail(`failed to list chains: ${iptablesErrorText(chains.error)}`);
  if (!chains.value.includes(chain)) {
    const r = ipt.newChain('nat', chain);
    if (!r.ok) return fail(iptablesErrorText(r.error));
  }
  // Packets to this network are not touched; multicast is not masqueraded either; then the jump
  // for the container's own source address. The argument order is the plugin's, comment last.
  const rules: [string, string[]][] = [
    [chain, ['-d', cidr, '-j', 'ACCEPT', '-m', 'comment', '--comment', comment]],
    [chain, ['!', '-d', '224.0.0.0/4', '-j', 'MASQUERADE', '-m', 'comment', '--comment', comment]],
    ['POSTROUTING', ['-s', ipOf(cidr), '-j', chain, '-m', 'comment', '--comment', comment]],
  ];
  for (const [c, spec] of rules) {
    const r = ipt.appendUnique('nat', c, spec);
    if (!r.ok) return fail(iptablesErrorText(r.error));
  }
  return OK;
}

/** ip.TeardownIPMasq: each step tolerates "does not exist", so it can be repeated. */
export function teardownIPMasq(ctx: ExecContext, cidr: string, chain: string, comment: string): MasqResult {
  const h = GoIptables.create(ctx);
  if (!h.ok) return fail(`failed to locate iptables: ${iptablesErrorText(h.error)}`);
  const ipt = h.value;
  const steps = [
    () => ipt.delete('nat', 'POSTROUTING', ['-s', ipOf(cidr), '-j', chain, '-m', 'comment', '--comment', comment]),
    // "for downward compatibility": the jump older plugin versions wrote with the prefix length.
    () => ipt.delete('nat', 'POSTROUTING', ['-s', cidr, '-j', chain, '-m', 'comment', '--comment', comment]),
    () => ipt.clearChain('nat', chain),
    () => ipt.deleteChain('nat', chain),
  ];
  for (const step of steps) {
    const r = step();
    if (!r.ok && !isNotExist(r.error)) return fail(iptablesErrorText(r.error));
  }
  return OK;
}
