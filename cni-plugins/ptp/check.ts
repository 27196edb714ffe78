/**
 * ptp CHECK (ptp.go cmdCheck, plugins v1.1.1): IPAM CHECK, then the container interface named in
 * prevResult (a veth in the configured sandbox, with its MAC), its addresses and the routes.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { CmdArgs, PluginOutcome } from '../../src/cni/skel.js';
import { cniError } from '../../src/cni/skel.js';
import type { ResultInterface } from '../../src/cni/spec.js';
import { CniErrorCode } from '../../src/cni/spec.js';
import { delegate } from '../../src/cni/invoke.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { toCurrentResult } from '../lib/ipam-result.js';
import { validateExpectedInterfaceIPs, validateExpectedRoute } from '../lib/validate.js';
import { loadPtpConf } from './conf.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

export function ptpCheck(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const loaded = loadPtpConf(args.conf);
  if (!loaded.ok) return internal(loaded.message);
  const conf = loaded.conf;
  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return internal(`failed to open netns "${args.netns}": ${ns.message}`);
  const ipam = delegate(ctx, conf.ipamType, 'CHECK', args.stdinData);
  if (!ipam.ok) return { ok: false, error: ipam.error };
  const prev = args.conf.prevResult;
  if (prev === undefined || prev === null) return internal('ptp: Required prevResult missing');
  const parsed = toCurrentResult({ ...(prev as Record<string, unknown>), cniVersion: conf.cniVersion });
  if (!parsed.ok) return internal(parsed.message);
  const result = parsed.value;

  let contMap: ResultInterface = { name: '' };
  for (const intf of result.interfaces ?? []) if (intf.name === args.ifName && intf.sandbox === args.netns) contMap = intf;
  if (args.netns !== (contMap.sandbox ?? '')) {
    return internal(`Sandbox in prevResult ${contMap.sandbox ?? ''} doesn't match configured netns: ${args.netns}`);
  }
  const contNl = ctx.host.netlink(ns.netns);
  if (!contNl.ok) return internal(`failed to open netns "${args.netns}"`);
  const cont = contNl.value;

  if (!contMap.name) return internal(`Container interface name missing in prevResult: ${contMap.name}`);
  const link = cont.linkGet(contMap.name);
  if (!link) return internal(`ptp: Container Interface name in prevResult: ${contMap.name} not found`);
  if (!contMap.sandbox) return internal(`ptp: Error: Container interface ${link.name} should not be in host namespace`);
  if (link.kind !== 'veth') return internal(`Error: Container interface ${link.name} not of type veth/p2p`);
  if (contMap.mac && contMap.mac !== link.address) {
    return internal(`ptp: Interface ${contMap.name} Mac ${contMap.mac} doesn't match container Mac: ${link.address}`);
  }

  const ips = validateExpectedInterfaceIPs(cont, args.ifName, result.ips ?? []);
  if (!ips.ok) return internal(ips.message);
  const routes = validateExpectedRoute(cont, result.routes ?? []);
  if (!routes.ok) return internal(routes.message);
  return { ok: true, value: undefined };
}
