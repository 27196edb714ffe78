/**
 * bridge CHECK (bridge.go cmdCheck, plugins v1.1.1): IPAM CHECK, then the prevResult against the
 * host and the container: the bridge (kind, MAC, promiscuity), the container veth (kind, MAC), a
 * host veth that is its peer and a port of the bridge, the addresses and the routes.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { CmdArgs, PluginOutcome } from '../../src/cni/skel.js';
import { cniError } from '../../src/cni/skel.js';
import type { ResultInterface } from '../../src/cni/spec.js';
import { CniErrorCode } from '../../src/cni/spec.js';
import type { LinkInfo, Netlink } from '../../src/kernel/api.js';
import { delegate } from '../../src/cni/invoke.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { toCurrentResult } from '../lib/ipam-result.js';
import { validateExpectedInterfaceIPs, validateExpectedRoute } from '../lib/validate.js';
import { loadBridgeConf } from './conf.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

interface Found {
  found: boolean;
  ifindex: number;
  peerIndex: number;
  masterName?: string;
}

type Validated = { ok: true; found: Found; link: LinkInfo } | { ok: false; message: string };

/** validateInterface: a name, a link of that name, and a sandbox exactly when expected. */
function validateInterface(nl: Netlink, intf: ResultInterface, expectInSandbox: boolean): Validated {
  if (!intf.name) return { ok: false, message: 'Interface name missing ' };
  const link = nl.linkGet(intf.name);
  if (!link) return { ok: false, message: `Interface name ${intf.name} not found` };
  if (expectInSandbox && !intf.sandbox) return { ok: false, message: `Interface ${intf.name} is expected to be in a sandbox` };
  if (!expectInSandbox && intf.sandbox) return { ok: false, message: `Interface ${intf.name} should not be in sandbox` };
  return { ok: true, found: { found: false, ifindex: link.ifindex, peerIndex: link.link?.ifindex ?? -1, ...(link.master ? { masterName: link.master } : {}) }, link };
}

export function bridgeCheck(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const loaded = loadBridgeConf(args.conf, args.args);
  if (!loaded.ok) return internal(loaded.message);
  const n = loaded.conf;
  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return internal(`failed to open netns "${args.netns}": ${ns.message}`);
  const ipam = delegate(ctx, n.ipamType, 'CHECK', args.stdinData);
  if (!ipam.ok) return { ok: false, error: ipam.error };
  const prev = args.conf.prevResult;
  if (prev === undefined || prev === null) return internal('Required prevResult missing');
  const parsed = toCurrentResult({ ...(prev as Record<string, unknown>), cniVersion: n.cniVersion });
  if (!parsed.ok) return internal(parsed.message);
  const result = parsed.value;

  const hostNl = ctx.host.netlink(ctx.netns);
  const contNl = ctx.host.netlink(ns.netns);
  if (!hostNl.ok || !contNl.ok) return internal(`failed to open netns "${args.netns}"`);
  const host = hostNl.value;
  const cont = contNl.value;

  let brMap: ResultInterface = { name: '' };
  let contMap: ResultInterface = { name: '' };
  for (const intf of result.interfaces ?? []) {
    if (intf.name === n.brName) brMap = intf;
    else if (intf.name === args.ifName && intf.sandbox === args.netns) contMap = intf;
  }

  // validateCniBrInterface
  const br = validateInterface(host, brMap, false);
  if (!br.ok) return internal(br.message);
  if (br.link.kind !== 'bridge') return internal(`Interface ${brMap.name} does not have link type of bridge`);
  if (brMap.mac && brMap.mac !== br.link.address) return internal(`Bridge interface ${brMap.name} Mac doesn't match: ${brMap.mac}`);
  const promisc = br.link.flags.includes('PROMISC');
  if (promisc !== n.promiscMode) {
    return internal(`Bridge interface ${brMap.name} configured Promisc Mode ${n.promiscMode} doesn't match current state: ${promisc} `);
  }

  if (args.netns !== (contMap.sandbox ?? '')) {
    return internal(`Sandbox in prevResult ${contMap.sandbox ?? ''} doesn't match configured netns: ${args.netns}`);
  }

  // validateCniContainerInterface, inside the container
  const c = validateInterface(cont, contMap, true);
  if (!c.ok) return internal(c.message);
  if (c.link.kind !== 'veth') return internal(`Error: Container interface ${c.link.name} not of type veth`);
  if (contMap.mac && contMap.mac !== c.link.address) {
    return internal(`Interface ${contMap.name} Mac ${contMap.mac} doesn't match container Mac: ${c.link.address}`);
  }

  // The host veth: the container interface's peer, enslaved to the bridge. Others are skipped.
  let vethFound = false;
  for (const intf of result.interfaces ?? []) {
    if (intf.name === brMap.name || intf.name === contMap.name) continue;
    const v = validateInterface(host, intf, false);
    if (!v.ok) return internal(v.message);
    if (v.link.kind !== 'veth') continue;
    if (v.found.ifindex !== c.found.peerIndex || c.found.ifindex !== v.found.peerIndex || v.found.masterName !== brMap.name) continue;
    if (intf.mac && intf.mac !== v.link.address) return internal(`Interface ${intf.name} Mac doesn't match: ${intf.mac} not found`);
    vethFound = true;
    break;
  }
  if (!vethFound) return internal(`CNI veth created for bridge ${n.brName} was not found`);

  const ips = validateExpectedInterfaceIPs(cont, args.ifName, result.ips ?? []);
  if (!ips.ok) return internal(ips.message);
  const routes = validateExpectedRoute(cont, result.routes ?? []);
  if (!routes.ok) return internal(routes.message);
  return { ok: true, value: undefined };
}
