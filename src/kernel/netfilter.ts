/**
 * The seam where netfilter plugs into the packet path: the five IPv4 hooks and the bridge hooks
 * (br_netfilter) are called at the same places the kernel calls NF_HOOK. Until xtables lands the
 * default implementation accepts everything.
 */
import type { SkBuff } from './skb.js';
import type { NetDevice } from './netdevice.js';
import type { Net } from './netns.js';
import { ipvsHook, ipvsIfAny, type IpvsCtHook } from './ipvs/hooks.js';

export type NfHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export type NfVerdict = { verdict: 'accept' } | { verdict: 'drop'; reason: string } | { verdict: 'stolen' };

export interface Netfilter {
  /** Called for every IPv4 packet at `hook`; may rewrite skb headers (NAT) before accepting. */
  hook(net: Net, hook: NfHook, skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined): NfVerdict;
  /** True when some table has rules at all; lets the hot path skip calls entirely otherwise. */
  active(net: Net): boolean;
  /** nf_ct_attach: `nskb`, built in answer to `skb` (REJECT's RST), joins skb's connection. */
  attach?(nskb: SkBuff, skb: SkBuff): void;
}

const ACCEPT: NfVerdict = { verdict: 'accept' };

/**
 * NF_HOOK at one call site: skipped entirely while no table exists; the verdict's drop is traced
 * with its reason, and since a hook may rewrite headers (NAT, MARK) any cached wire bytes go.
 */
export function nfHook(net: Net, hook: NfHook, skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined, where = ''): boolean {
  const nf = net.netfilter;
  const xt = nf.active(net);
  if (xt) {
    const v = nf.hook(net, hook, skb, indev, outdev);
    skb.bytes = undefined;
    if (v.verdict !== 'accept') {
      if (v.verdict === 'drop') net.trace('drop', 'drop:netfilter-drop', `${where}${hook}: ${v.reason}`, indev ?? outdev, skb);
      return false;
    }
  }
  // IPVS registers its own hook functions (ip_vs_ops), after the filter table at each hook;
  // xtables already ran the LOCAL_IN one at its priority, between filter and nat.
  if (!ipvsIfAny(net)?.active()) return true;
  const v = ipvsHook(net, hook, skb, indev, outdev, xt, nf as Partial<IpvsCtHook> as IpvsCtHook);
  if (v.verdict === 'accept') return true;
  if (v.verdict === 'drop') net.trace('drop', 'drop:ipvs', `${where}${hook}: ${v.reason}`, indev ?? outdev, skb);
  return false;
}

export const acceptAll: Netfilter = {
  hook: () => ACCEPT,
  active: () => false,
};
