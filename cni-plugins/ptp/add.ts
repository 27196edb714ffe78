/**
 * ptp ADD (ptp.go cmdAdd, plugins v1.1.1): IPAM first, ip_forward, then the veth pair; inside the
 * container the address's prefix route is replaced by a /32 route to the gateway and a route to the
 * prefix via the gateway, so everything goes through the host end, which gets the gateway as a /32
 * and a host route to the container's address. Masquerading as bridge does.
 *
 * Upstream releases the IPAM address on failure through a deferred check of its outer `err`
 * variable, which two failures do not set (a result without IPs, and ip_forward): those leave the
 * address allocated, and so they do here.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { CmdArgs, PluginOutcome } from '../../src/cni/skel.js';
import { cniError } from '../../src/cni/skel.js';
import type { CniResult } from '../../src/cni/spec.js';
import { CniErrorCode } from '../../src/cni/spec.js';
import type { Netlink } from '../../src/kernel/api.js';
import { delegate } from '../../src/cni/invoke.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { formatIpv4, networkOf, parseCidr, parseIpv4 } from '../../src/wire/addr.js';
import { formatChainName, formatComment } from '../lib/chain-name.js';
import { dnsConfSet, goDns } from '../lib/dns.js';
import { goErrnoText } from '../lib/go-errors.js';
import { configureIface } from '../lib/ipam-apply.js';
import { ipv6NotModelled, orderedIp, toCurrentResult } from '../lib/ipam-result.js';
import { setupIPMasq } from '../lib/ipmasq.js';
import { enableIP4Forward } from '../lib/sysctl.js';
import { setupVeth } from '../lib/veth.js';
import { loadPtpConf, type PtpConf } from './conf.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

type Step = { ok: true } | { ok: false; message: string };

export function ptpAdd(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult> {
  const loaded = loadPtpConf(args.conf);
  if (!loaded.ok) return internal(loaded.message);
  const conf = loaded.conf;

  const ipam = delegate(ctx, conf.ipamType, 'ADD', args.stdinData);
  if (!ipam.ok) return { ok: false, error: ipam.error };
  const releaseAndFail = (msg: string): PluginOutcome<CniResult> => {
    delegate(ctx, conf.ipamType, 'DEL', args.stdinData);
    return internal(msg);
  };

  const converted = toCurrentResult(ipam.value);
  if (!converted.ok) return releaseAndFail(converted.message);
  const result = converted.value;
  if (!result.ips?.length) return internal('IPAM plugin returned missing IP config');
  const v6 = ipv6NotModelled(result);
  if (v6) return releaseAndFail(v6);

  const hostNl = ctx.host.netlink(ctx.netns);
  if (!hostNl.ok) return internal(`Could not enable IP forwarding: ${hostNl.error.message}`);
  const host = hostNl.value;
  // ip.EnableForward: ip_forward for the IPv4 addresses (IPv6 forwarding is not modelled).
  if (result.ips.some((ip) => !ip.address.includes(':'))) {
    const f = enableIP4Forward(host);
    if (!f.ok) return internal(`Could not enable IP forwarding: ${f.message}`);
  }

  const ns = resolveNetns(ctx.host, args.netns);
  if (!ns.ok) return releaseAndFail(`failed to open netns "${args.netns}": ${ns.message}`);
  const contNl = ctx.host.netlink(ns.netns);
  if (!contNl.ok) return releaseAndFail(`failed to open netns "${args.netns}": ${contNl.error.message}`);
  const cont = contNl.value;

  // setupContainerVeth
  const veth = setupVeth(ctx, { host, cont, contNetns: ns.netns, ifName: args.ifName, mtu: conf.mtu, mac: '' });
  if (!veth.ok) return releaseAndFail(veth.message);
  // "All addresses apply to the container veth interface" (current.Int(1)), in field order.
  result.ips = result.ips.map((ipc) => orderedIp({ ...ipc, interface: 1 }));
  result.interfaces = [
    { name: veth.host.name, mac: veth.host.address },
    { name: veth.cont.name, mac: veth.cont.address, sandbox: args.netns },
  ];
  const applied = configureIface(cont, args.ifName, result);
  if (!applied.ok) return releaseAndFail(applied.message);
  const routed = pointToPointRoutes(cont, args.ifName, result);
  if (!routed.ok) return releaseAndFail(routed.message);

  const hostSide = setupHostVeth(host, veth.host.name, result);
  if (!hostSide.ok) return releaseAndFail(hostSide.message);

  if (conf.ipMasq) {
    const m = masquerade(ctx, conf, args.containerID, result);
    if (!m.ok) return releaseAndFail(m.message);
  }

  // "Only override the DNS settings in the previous result if any DNS fields were provided."
  if (dnsConfSet(conf.dns)) result.dns = goDns(conf.dns);
  return { ok: true, value: result };
}

/** vishvananda/netlink Route.String() for the routes ptp adds and deletes. */
function routeString(ifindex: number, dst: string, src: string | undefined, gw: string | undefined): string {
  return `{Ifindex: ${ifindex} Dst: ${dst} Src: ${src ?? '<nil>'} Gw: ${gw ?? '<nil>'} Flags: [] Table: 0}`;
}

/**
 * The container's routes: delete the kernel's prefix route of each address, then add GW/32 (scope
 * link) and the prefix via GW, both with the address as source.
 */
function pointToPointRoutes(cont: Netlink, ifName: string, result: CniResult): Step {
  const ifindex = cont.linkGet(ifName)?.ifindex ?? 0;
  for (const ipc of result.ips ?? []) {
    const c = parseCidr(ipc.address);
    if (!c) continue;
    const net = formatIpv4(networkOf(c.addr, c.len));
    const ip = formatIpv4(c.addr);
    const del = cont.routeDel({ dst: net, dstLen: c.len, dev: ifName });
    if (!del.ok) return { ok: false, message: `failed to delete route ${routeString(ifindex, `${net}/${c.len}`, undefined, undefined)}: ${goErrnoText(del.error.errno)}` };
    const gw = ipc.gateway;
    const routes = [
      { req: { dst: gw ?? '0.0.0.0', dstLen: 32, dev: ifName, scope: 'link' as const, prefsrc: ip }, text: routeString(ifindex, `${gw ?? '<nil>'}/32`, ip, undefined) },
      { req: { dst: net, dstLen: c.len, dev: ifName, ...(gw ? { gateway: gw } : {}), prefsrc: ip }, text: routeString(ifindex, `${net}/${c.len}`, ip, gw) },
    ];
    for (const r of routes) {
      const added = cont.routeAdd(r.req, 'add');
      if (!added.ok) return { ok: false, message: `failed to add route ${r.text}: ${goErrnoText(added.error.errno)}` };
    }
  }
  return { ok: true };
}

/** %#v of the *net.IPNet ptp puts on the host veth: the gateway in its 16-byte form, a 4-byte mask. */
function goIpNetGoString(gw: string): string {
  const n = parseIpv4(gw) ?? 0;
  const bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return `&net.IPNet{IP:net.IP{${bytes.map((b) => `0x${b.toString(16)}`).join(', ')}}, Mask:net.IPMask{0xff, 0xff, 0xff, 0xff}}`;
}

/** setupHostVeth: the gateway as a /32 on the host end and a host-scope route to the container's address. */
function setupHostVeth(host: Netlink, vethName: string, result: CniResult): Step {
  if (!host.linkGet(vethName)) return { ok: false, message: `failed to lookup "${vethName}": Link not found` };
  for (const ipc of result.ips ?? []) {
    const c = parseCidr(ipc.address);
    if (!c) continue;
    const gw = ipc.gateway ?? '0.0.0.0';
    const a = host.addrAdd({ dev: vethName, local: gw, prefixLen: 32 });
    if (!a.ok) return { ok: false, message: `failed to add IP addr (${goIpNetGoString(gw)}) to veth: ${goErrnoText(a.error.errno)}` };
    const r = host.routeAdd({ dst: formatIpv4(c.addr), dstLen: 32, dev: vethName, scope: 'host' }, 'add');
    if (!r.ok && r.error.errno !== 'EEXIST') return { ok: false, message: `failed to add route on host: ${goErrnoText(r.error.errno)}` };
  }
  return { ok: true };
}

function masquerade(ctx: ExecContext, conf: PtpConf, containerID: string, result: CniResult): Step {
  const chain = formatChainName(conf.name, containerID);
  const comment = formatComment(conf.name, containerID);
  for (const ipc of result.ips ?? []) {
    const m = setupIPMasq(ctx, ipc.address, chain, comment);
    if (!m.ok) return m;
  }
  return { ok: true };
}
