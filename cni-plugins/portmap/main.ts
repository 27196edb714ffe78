/**
 * The portmap meta plugin (plugins/meta/portmap, containernetworking/plugins v1.1.1): chained after
 * an interface plugin, it forwards host ports to the container address the previous result names,
 * with iptables NAT rules made one iptables call at a time (go-iptables), and passes the previous
 * result through. DEL removes the container's chain and the jumps to it; the shared chains stay.
 */
import type { ExecContext } from '../../src/commands/types.js';
import { cniError, pluginMain, type CmdArgs, type PluginOutcome } from '../../src/cni/skel.js';
import { CniErrorCode, type CniResult } from '../../src/cni/spec.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { goErrnoText } from '../lib/go-errors.js';
import { GoIptables } from '../lib/go-iptables.js';
import { checkChain, setupChain, teardownChain, type Step } from './chain.js';
import { parseConfig, type PortMapConf } from './conf.js';
import { dnatChain, fillDnatRules, markMasqChain, oldSnatChain, setMarkChain, topLevelDnatChain } from './rules.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

/**
 * iptables.NewWithProtocol: the handle runs `iptables --version` first. podnet models no ip6tables,
 * so asking for it fails as a missing executable does, and the IPv6 paths are skipped like on a host
 * without ip6tables.
 */
function openIptables(ctx: ExecContext, v6: boolean): { ok: true; value: GoIptables } | { ok: false; message: string } {
  if (v6) return { ok: false, message: 'exec: "ip6tables": executable file not found in $PATH' };
  const r = GoIptables.create(ctx);
  return r.ok ? r : { ok: false, message: `running [${r.error.args.join(' ')}]: exit status ${r.error.exitStatus}: ${r.error.msg}` };
}

/** maybeGetIptables: a handle only when `-t nat -S OUTPUT` works. */
function maybeIptables(ctx: ExecContext, v6: boolean): GoIptables | undefined {
  const ipt = openIptables(ctx, v6);
  if (!ipt.ok) return undefined;
  return ipt.value.run('-t', 'nat', '-S', 'OUTPUT').ok ? ipt.value : undefined;
}

/** getRoutableHostIF: the device the host routes the container address through, if any. */
function routableHostIf(ctx: ExecContext, ip: string): string | undefined {
  const nl = ctx.host.netlink(ctx.netns);
  if (!nl.ok) return undefined;
  const r = nl.value.routeGet({ dst: ip });
  return r.ok ? r.value.dev : undefined;
}

function forwardPorts(ctx: ExecContext, conf: PortMapConf, containerId: string, containerNet: string): Step {
  const v6 = containerNet.includes(':');
  const opened = openIptables(ctx, v6);
  if (!opened.ok) return { ok: false, message: `failed to open iptables: ${opened.message}` };
  const ipt = opened.value;

  // The mark chains first: the DNAT rules jump to them.
  if (conf.snat) {
    if (conf.externalSetMarkChain === undefined) {
      const sm = setMarkChain(conf.markMasqBit);
      const s1 = setupChain(ipt, sm);
      if (!s1.ok) return { ok: false, message: `unable to create chain ${sm.name}: ${s1.message}` };
      // Upstream names the SETMARK chain in this message too.
      const s2 = setupChain(ipt, markMasqChain(conf.markMasqBit));
      if (!s2.ok) return { ok: false, message: `unable to create chain ${sm.name}: ${s2.message}` };
    }
    if (!v6) {
      // route_localnet on the host interface, so 127/8 may cross a routing boundary.
      const dev = routableHostIf(ctx, containerNet.split('/')[0]!);
      if (dev !== undefined && dev !== '') {
        const nl = ctx.host.netlink(ctx.netns);
        const w = nl.ok ? nl.value.sysctlSet(`net/ipv4/conf/${dev}/route_localnet`, '1') : undefined;
        if (w && !w.ok) return { ok: false, message: `unable to enable route_localnet: open /proc/sys/net/ipv4/conf/${dev}/route_localnet: ${goErrnoText(w.error.errno)}` };
      }
    }
  }

  const top = setupChain(ipt, topLevelDnatChain());
  if (!top.ok) return { ok: false, message: `failed to create top-level DNAT chain: ${top.message}` };

  const dn = dnatChain(conf.name, containerId);
  fillDnatRules(dn, conf, containerId, containerNet);
  const s = setupChain(ipt, dn);
  if (!s.ok) return { ok: false, message: `unable to setup DNAT: ${s.message}` };
  return { ok: true };
}

/**
 * deletePortmapStaleConnections (IPv4): utils.DeleteConntrackEntriesForDstPort deletes every UDP
 * entry whose original destination port is a mapped host port (a ConntrackDeleteFilter on the
 * netlink conntrack table).
 */
function deleteStaleUdpConntrack(ctx: ExecContext, conf: PortMapConf): void {
  const nl = ctx.host.netlink(ctx.netns);
  const ct = nl.ok ? nl.value.conntrack?.() : undefined;
  if (!ct) return;
  const ports = new Set(conf.portMaps.filter((p) => p.protocol.toLowerCase() === 'udp').map((p) => p.hostPort));
  if (ports.size === 0) return;
  for (const e of ct.entries()) if (e.orig.proto === 17 && ports.has(e.orig.dport)) ct.delete(e, true);
}

function add(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult> {
  const p = parseConfig(args);
  if (!p.ok) return internal(`failed to parse config: ${p.message}`);
  const conf = p.value;
  if (!conf.prevResult) return internal('must be called as chained plugin');
  // The previous result, as ParsePrevResult read it in the configuration's version.
  const prev = { ok: true as const, value: conf.prevResult as unknown as CniResult };
  if (conf.portMaps.length === 0) return prev;

  for (const net of [conf.contIPv4, conf.contIPv6]) {
    if (net === undefined) continue;
    const f = forwardPorts(ctx, conf, args.containerID, net);
    if (!f.ok) return internal(f.message);
    // Stale UDP conntrack entries would keep blackholing traffic to the host port; upstream deletes
    // them after the rules are in, and only logs a failure.
    if (!net.includes(':')) deleteStaleUdpConntrack(ctx, conf);
  }
  return prev;
}

function del(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const p = parseConfig(args);
  if (!p.ok) return internal(`failed to parse config: ${p.message}`);
  const conf = p.value;
  if (conf.portMaps.length === 0) return { ok: true, value: undefined };

  // Deletion is idempotent, and which families ADD used is not known here: tear down in both.
  const dn = dnatChain(conf.name, args.containerID);
  const oldSn = oldSnatChain(conf.name, args.containerID);
  const ip4 = maybeIptables(ctx, false);
  const ip6 = maybeIptables(ctx, true);
  if (!ip4 && !ip6) return internal('neither iptables nor ip6tables usable');
  for (const [ipt, fam] of [[ip4, 'ipv4'], [ip6, 'ipv6']] as const) {
    if (!ipt) continue;
    const t = teardownChain(ipt, dn);
    if (!t.ok) return internal(`could not teardown ${fam} dnat: ${t.message}`);
    teardownChain(ipt, oldSn);
  }
  return { ok: true, value: undefined };
}

function check(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  // cmdCheck returns parseConfig's error unwrapped.
  const p = parseConfig(args);
  if (!p.ok) return internal(p.message);
  const conf = p.value;
  if (!conf.prevResult) return internal('Required prevResult missing');
  if (conf.portMaps.length === 0) return { ok: true, value: undefined };
  for (const net of [conf.contIPv4, conf.contIPv6]) {
    if (net === undefined) continue;
    const dn = dnatChain(conf.name, args.containerID);
    fillDnatRules(dn, conf, args.containerID, net);
    const ip4 = maybeIptables(ctx, false);
    const ip6 = maybeIptables(ctx, true);
    if (!ip4 && !ip6) return internal('neither iptables nor ip6tables usable');
    for (const [ipt, fam] of [[ip4, 'ipv4'], [ip6, 'ipv6']] as const) {
      if (!ipt) continue;
      const c = checkChain(ipt, dn);
      if (!c.ok) return internal(`could not check ${fam} dnat: ${c.message}`);
    }
  }
  return { ok: true, value: undefined };
}

export const portmapMain = pluginMain({ add, check, del }, { about: 'CNI portmap plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS });
