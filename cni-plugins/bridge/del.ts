/**
 * bridge DEL (bridge.go cmdDel, plugins v1.1.1): safe to repeat. Without CNI_NETNS, or when the
 * namespace is gone, only the IPAM DEL runs. Otherwise the container interface is deleted first
 * (a missing one is fine), then IPAM DEL, then the masquerade chain of every global address the
 * interface had — so a second DEL, finding no interface, touches no iptables state.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { CmdArgs, PluginOutcome } from '../../src/cni/skel.js';
import { cniError } from '../../src/cni/skel.js';
import { CniErrorCode } from '../../src/cni/spec.js';
import { delegate } from '../../src/cni/invoke.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { formatChainName, formatComment } from '../lib/chain-name.js';
import { teardownIPMasq } from '../lib/ipmasq.js';
import { delLinkByNameAddr } from '../lib/veth.js';
import { loadBridgeConf } from './conf.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

export function bridgeDel(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const loaded = loadBridgeConf(args.conf, args.args);
  if (!loaded.ok) return internal(loaded.message);
  const n = loaded.conf;
  const isLayer3 = n.ipamType !== '';
  const ipamDel = (): PluginOutcome<void> => {
    if (isLayer3) {
      const r = delegate(ctx, n.ipamType, 'DEL', args.stdinData);
      if (!r.ok) return { ok: false, error: r.error };
    }
    return { ok: true, value: undefined };
  };
  if (args.netns === '') return ipamDel();

  // ns.WithNetNSPath: a namespace that no longer exists is NSPathNotExistErr, tolerated.
  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return ipamDel();
  const cont = ctx.host.netlink(ns.netns);
  if (!cont.ok) return ipamDel();
  const deleted = delLinkByNameAddr(cont.value, args.ifName);
  if (!deleted.ok) return internal(deleted.message);

  const released = ipamDel();
  if (!released.ok) return released;

  if (isLayer3 && n.ipMasq && deleted.found) {
    const chain = formatChainName(n.name, args.containerID);
    const comment = formatComment(n.name, args.containerID);
    for (const ipn of deleted.addrs) {
      const t = teardownIPMasq(ctx, ipn, chain, comment);
      if (!t.ok) return internal(t.message);
    }
  }
  return { ok: true, value: undefined };
}
