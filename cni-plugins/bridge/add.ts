/**
 * bridge ADD (bridge.go cmdAdd, plugins v1.1.1), step by step as upstream: bridge, namespace, veth
 * pair attached to the bridge, IPAM, addresses and routes in the container, gateway address on the
 * bridge and ip_forward, masquerade, result. Upstream's only rollback is releasing the IPAM address
 * when a later step fails; the bridge and the veth pair stay, and so they do here.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { CmdArgs, PluginOutcome } from '../../src/cni/skel.js';
import { cniError } from '../../src/cni/skel.js';
import type { CniError, CniResult, ResultInterface } from '../../src/cni/spec.js';
import { CniErrorCode } from '../../src/cni/spec.js';
import type { Netlink } from '../../src/kernel/api.js';
import { delegate } from '../../src/cni/invoke.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { formatChainName, formatComment } from '../lib/chain-name.js';
import { configureIface } from '../lib/ipam-apply.js';
import { ipv6NotModelled, toCurrentResult } from '../lib/ipam-result.js';
import { setupIPMasq } from '../lib/ipmasq.js';
import { enableIP4Forward, sysctlBestEffort } from '../lib/sysctl.js';
import { setupVeth } from '../lib/veth.js';
import { goErrnoText } from '../lib/go-errors.js';
import { loadBridgeConf, type BridgeConf } from './conf.js';
import { calcGateways } from './gateways.js';
import { attachToBridge, bridgeByName, ensureAddr, ensureBridge } from './links.js';

/** A plain Go error from the plugin: skel prints it as code 999 (types.ErrInternal). */
const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

export function bridgeAdd(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult> {
  const loaded = loadBridgeConf(args.conf, args.args);
  if (!loaded.ok) return internal(loaded.message);
  const n = loaded.conf;
  const isLayer3 = n.ipamType !== '';
  if (n.isDefaultGW) n.isGW = true;
  if (n.hairpinMode && n.promiscMode) return internal('cannot set hairpin mode and promiscuous mode at the same time.');
  if (n.macSpoofChk) return internal('podnet: the bridge plugin\'s macspoofchk option (nftables) is not modelled yet');

  const hostNl = ctx.host.netlink(ctx.netns);
  if (!hostNl.ok) return internal(`failed to open the host namespace: ${hostNl.error.message}`);
  const host = hostNl.value;

  // setupBridge
  const br = ensureBridge(host, n.brName, n.mtu, n.promiscMode, n.vlan !== 0);
  if (!br.ok) return internal(`failed to create bridge "${n.brName}": ${br.message}`);
  const brInterface: ResultInterface = { name: br.value.name, mac: br.value.address };

  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return internal(`failed to open netns "${args.netns}": ${ns.message}`);
  const contNl = ctx.host.netlink(ns.netns);
  if (!contNl.ok) return internal(`failed to open netns "${args.netns}": ${contNl.error.message}`);
  const cont = contNl.value;

  const veth = setupVeth(ctx, { host, cont, contNetns: ns.netns, ifName: args.ifName, mtu: n.mtu, mac: n.mac });
  if (!veth.ok) return internal(veth.message);
  const hostInterface: ResultInterface = { name: veth.host.name, mac: veth.host.address };
  const containerInterface: ResultInterface = { name: veth.cont.name, mac: veth.cont.address, sandbox: args.netns };
  const attached = attachToBridge(host, veth.host.name, n.brName, n.hairpinMode, n.vlan);
  if (!attached.ok) return internal(attached.message);

  const result: CniResult = { cniVersion: '1.0.0', interfaces: [brInterface, hostInterface, containerInterface], dns: {} };

  if (isLayer3) {
    const ipam = delegate(ctx, n.ipamType, 'ADD', args.stdinData);
    if (!ipam.ok) return { ok: false, error: ipam.error };
    const done = configureLayer3(args, ctx, n, result, ipam.value, { host, cont, bridgeMac: br.value.address, hostVeth: veth.host.name });
    if (!done.ok) {
      // "release IP in case of failure": the deferred ipam.ExecDel, its own outcome ignored.
      delegate(ctx, n.ipamType, 'DEL', args.stdinData);
      return { ok: false, error: done.error };
    }
  } else {
    const link = cont.linkGet(args.ifName);
    if (!link) return internal('failed to retrieve link: Link not found');
    const up = cont.linkSet(args.ifName, { up: true });
    if (!up.ok) return internal(`failed to set "${args.ifName}" up: ${goErrnoText(up.error.errno)}`);
  }

  const brNow = bridgeByName(host, n.brName);
  if (!brNow.ok) return internal(brNow.message);
  brInterface.mac = brNow.value.address;
  result.dns = n.dns;
  return { ok: true, value: result };
}

interface Layer3Env {
  host: Netlink;
  cont: Netlink;
  /** The bridge's MAC as ensureBridge read it, before the first port could change it. */
  bridgeMac: string;
  hostVeth: string;
}

/** The isLayer3 branch of cmdAdd after ipam.ExecAdd succeeded; RESULT is completed in place. */
function configureLayer3(args: CmdArgs, ctx: ExecContext, n: BridgeConf, result: CniResult, ipamRaw: unknown, env: Layer3Env): { ok: true } | { ok: false; error: CniError } {
  const err = (msg: string) => ({ ok: false as const, error: { code: CniErrorCode.Internal, msg } });
  const converted = toCurrentResult(ipamRaw);
  if (!converted.ok) return err(converted.message);
  const ipamResult = converted.value;
  if (ipamResult.ips?.length) result.ips = ipamResult.ips;
  if (ipamResult.routes?.length) result.routes = ipamResult.routes;
  if (!result.ips?.length) return err('IPAM plugin returned missing IP config');
  const v6 = ipv6NotModelled(result);
  if (v6) return err(v6);

  const gws = calcGateways(result, n.isGW, n.isDefaultGW);
  if (!gws.ok) return err(gws.message);

  // Inside the container: DAD off and arp_notify on (errors ignored), then ConfigureIface.
  sysctlBestEffort(env.cont, `net/ipv6/conf/${args.ifName}/accept_dad`, '0');
  sysctlBestEffort(env.cont, `net/ipv4/conf/${args.ifName}/arp_notify`, '1');
  const applied = configureIface(env.cont, args.ifName, result);
  if (!applied.ok) return err(applied.message);

  // "check bridge port state": upstream polls up to five times for the host veth to be UP.
  const port = env.host.linkGet(env.hostVeth);
  if (!port) return err(`Link not found`);
  if (port.operstate !== 'UP') return err(`bridge port in error state: ${port.operstate.toLowerCase()}`);

  if (n.isGW) {
    for (const gw of gws.v4.gws) {
      const a = ensureAddr(env.host, n.brName, gw, n.forceAddress, env.bridgeMac);
      if (!a.ok) return err(`failed to set bridge addr: ${a.message}`);
    }
    if (gws.v4.gws.length) {
      const f = enableIP4Forward(env.host);
      if (!f.ok) return err(`failed to enable forwarding: ${f.message}`);
    }
  }

  if (n.ipMasq) {
    const chain = formatChainName(n.name, args.containerID);
    const comment = formatComment(n.name, args.containerID);
    for (const ipc of result.ips) {
      const m = setupIPMasq(ctx, ipc.address, chain, comment);
      if (!m.ok) return err(m.message);
    }
  }
  return { ok: true };
}
