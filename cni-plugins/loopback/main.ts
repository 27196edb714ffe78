/**
 * The loopback plugin (containernetworking/plugins v1.1.1 plugins/main/loopback): ADD brings `lo` up
 * in the container's namespace and reports its addresses (or passes a prevResult through), DEL sets
 * it down and is satisfied when the namespace is already gone, CHECK wants it up.
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { Netlink } from '../../src/kernel/api.js';
import { cniError, pluginMain, type CmdArgs, type PluginOutcome } from '../../src/cni/skel.js';
import { resolveNetns } from '../../src/cni/netns.js';
import { CniErrorCode, type CniResult, type ResultIp } from '../../src/cni/spec.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { parsePrevResult } from '../lib/prev-result.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

type InNetns<T> = { ok: true; value: T } | { ok: false; msg: string; notExist: boolean };

/** ns.WithNetNSPath: run F with the namespace CNI_NETNS names; "failed to Statfs" when it does not exist. */
function withNetns<T>(ctx: ExecContext, path: string, f: (nl: Netlink) => InNetns<T>): InNetns<T> {
  const ref = resolveNetns(ctx.host, path);
  if (!ref.ok) return { ok: false, msg: ref.message, notExist: true };
  const nl = ctx.host.netlink(ref.netns);
  if (!nl.ok) return { ok: false, msg: `failed to Statfs "${path}": no such file or directory`, notExist: true };
  return f(nl.value);
}

/** net.IP.IsLoopback: 127/8 for IPv4, ::1 for IPv6. */
function isLoopback(addr: string): boolean {
  return addr.includes(':') ? /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(addr) : addr.startsWith('127.');
}

function add(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult> {
  const version = args.conf.cniVersion ?? '';
  const prev = parsePrevResult(args.conf as Record<string, unknown>, version);
  if (!prev.ok) return internal('decode' in prev ? `failed to parse network config: ${prev.decode}` : `failed to parse prevResult: ${prev.message}`);

  // The plugin ignores CNI_IFNAME: it only ever works on lo.
  const found = withNetns(ctx, args.netns, (nl) => {
    if (!nl.linkGet('lo')) return { ok: false, msg: 'Link not found', notExist: false };
    const up = nl.linkSet('lo', { up: true });
    if (!up.ok) return { ok: false, msg: up.error.message, notExist: false };
    const addrs: Record<'inet' | 'inet6', string[]> = { inet: [], inet6: [] };
    for (const a of nl.addrList({ dev: 'lo' })) addrs[a.family].push(`${a.local}/${a.prefixLen}`);
    for (const fam of ['inet', 'inet6'] as const) {
      const bad = addrs[fam].find((a) => !isLoopback(a.split('/')[0]!));
      if (bad) return { ok: false, msg: `loopback interface found with non-loopback address "${bad.split('/')[0]}"`, notExist: false };
    }
    return { ok: true, value: [addrs.inet[0], addrs.inet6[0]].filter((a): a is string => a !== undefined) };
  });
  if (!found.ok) return internal(found.msg);

  if (prev.value) return { ok: true, value: prev.value as unknown as CniResult };
  // The result is built with the configuration's own version, so it is printed in the 1.x shape
  // whatever that version is (see convertResult's same-version shortcut).
  const ips: ResultIp[] = found.value.map((address) => ({ interface: 0, address }));
  return { ok: true, value: { cniVersion: version, interfaces: [{ name: 'lo', mac: '00:00:00:00:00:00', sandbox: args.netns }], ips, dns: {} } };
}

function del(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  if (args.netns === '') return { ok: true, value: undefined };
  const r = withNetns(ctx, args.netns, (nl) => {
    if (!nl.linkGet('lo')) return { ok: false, msg: 'Link not found', notExist: false };
    const down = nl.linkSet('lo', { up: false });
    return down.ok ? { ok: true, value: undefined } : { ok: false, msg: down.error.message, notExist: false };
  });
  // A namespace that is already gone is fine (kubernetes/kubernetes#43014): DEL may be repeated.
  if (!r.ok && !r.notExist) return internal(r.msg);
  return { ok: true, value: undefined };
}

function check(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const r = withNetns(ctx, args.netns, (nl) => {
    const lo = nl.linkGet('lo');
    if (!lo) return { ok: false, msg: 'Link not found', notExist: false };
    return lo.flags.includes('UP') ? { ok: true, value: undefined } : { ok: false, msg: 'loopback interface is down', notExist: false };
  });
  return r.ok ? r : internal(r.msg);
}

export const loopbackMain = pluginMain({ add, check, del }, { about: 'CNI loopback plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS });
