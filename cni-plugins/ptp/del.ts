/**
 * ptp DEL (ptp.go cmdDel, plugins v1.1.1): IPAM DEL first (its error stops everything), then, when
 * there is a namespace, the container interface; a missing interface or namespace is fine. The
 * masquerade chain is torn down for each global address the interface had, and only the last
 * teardown's error is reported, as upstream's loop overwrites it.
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
import { loadPtpConf } from './conf.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

export function ptpDel(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const loaded = loadPtpConf(args.conf);
  if (!loaded.ok) return internal(loaded.message);
  const conf = loaded.conf;
  const released = delegate(ctx, conf.ipamType, 'DEL', args.stdinData);
  if (!released.ok) return { ok: false, error: released.error };
  if (args.netns === '') return { ok: true, value: undefined };

  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return { ok: true, value: undefined };
  const cont = ctx.host.netlink(ns.netns);
  if (!cont.ok) return { ok: true, value: undefined };
  const deleted = delLinkByNameAddr(cont.value, args.ifName);
  if (!deleted.ok) return internal(deleted.message);

  let last: string | undefined;
  if (deleted.found && deleted.addrs.length && conf.ipMasq) {
    const chain = formatChainName(conf.name, args.containerID);
    const comment = formatComment(conf.name, args.containerID);
    for (const ipn of deleted.addrs) {
      const t = teardownIPMasq(ctx, ipn, chain, comment);
      last = t.ok ? undefined : t.message;
    }
  }
  return last === undefined ? { ok: true, value: undefined } : internal(last);
}
