/**
 * The host-local IPAM plugin (containernetworking/plugins v1.1.1 plugins/ipam/host-local/main.go):
 * ADD gives the container one address from each range set (a requested one where asked), DEL
 * releases every address of the container and interface, CHECK asks that one exists. Its state is
 * the store under dataDir on the host's file system.
 */
import type { Command, ExecContext } from '../../src/commands/types.js';
import { result } from '../../src/commands/types.js';
import { cniError, pluginMain, type CmdArgs, type PluginOutcome } from '../../src/cni/skel.js';
import { CniErrorCode, type CniResult, type Dns, type ResultIp } from '../../src/cni/spec.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { formatIp, ipEq } from './ip.js';
import { IpAllocator } from './allocator.js';
import { loadIpamConfig, type IpamConfig } from './config.js';
import { parseResolvConf } from './dns.js';
import { rangeFor } from './range.js';
import { Store } from './store.js';

const internal = (msg: string) => cniError(CniErrorCode.Internal, msg);

/** Thrown out of the plugin funcs when the Go plugin would panic; the Command turns it into exit 2. */
class Panic {
  constructor(readonly text: string) {}
}

function load(args: CmdArgs): { ok: true; conf: IpamConfig } | { ok: false; error: ReturnType<typeof internal> } {
  const loaded = loadIpamConfig(args.stdinData, args.args);
  if (!loaded.ok) {
    if ('panic' in loaded) throw new Panic(loaded.message);
    return { ok: false, error: internal(loaded.message) };
  }
  return { ok: true, conf: loaded.value };
}

function add(args: CmdArgs, ctx: ExecContext): PluginOutcome<CniResult> {
  const l = load(args);
  if (!l.ok) return l.error;
  const { conf } = l;
  let dns: Dns = {};
  if (conf.resolvConf !== '') {
    const parsed = parseResolvConf(ctx.fs, conf.resolvConf);
    if (!parsed.ok) return internal(parsed.message);
    dns = parsed.value;
  }
  const opened = Store.open(ctx.fs, conf.name, conf.dataDir);
  if (!opened.ok) return internal(opened.message);
  const store = opened.store;

  // Requested addresses are handed to the first range set holding them; any left over fail the ADD.
  // (Go keeps them in a map, so with two requests in one set which one wins is random; podnet takes
  // the first given.)
  const requested = conf.ipArgs.filter((ip, i) => conf.ipArgs.findIndex((o) => ipEq(o, ip)) === i);
  const allocs: IpAllocator[] = [];
  const ips: ResultIp[] = [];
  const rollback = () => allocs.forEach((a) => a.release(args.containerID, args.ifName));
  for (let idx = 0; idx < conf.ranges.length; idx++) {
    const rangeset = conf.ranges[idx]!;
    const alloc = new IpAllocator(rangeset, store, idx);
    const pick = requested.findIndex((ip) => rangeFor(rangeset, ip) !== undefined);
    const want = pick >= 0 ? requested.splice(pick, 1)[0] : undefined;
    const got = alloc.get(args.containerID, args.ifName, want);
    if (!got.ok) {
      rollback();
      return internal(`failed to allocate for range ${idx}: ${got.message}`);
    }
    allocs.push(alloc);
    ips.push(got.value);
  }
  if (requested.length > 0) {
    rollback();
    return internal(`failed to allocate all requested IPs: ${requested.map(formatIp).join(' ')}`);
  }
  return { ok: true, value: { cniVersion: '1.0.0', ips, routes: conf.routes, dns } };
}

function del(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const l = load(args);
  if (!l.ok) return l.error;
  const opened = Store.open(ctx.fs, l.conf.name, l.conf.dataDir);
  if (!opened.ok) return internal(opened.message);
  // Every range set releases (the same files, so all but the first find nothing): DEL is repeatable.
  l.conf.ranges.forEach((rangeset, idx) => new IpAllocator(rangeset, opened.store, idx).release(args.containerID, args.ifName));
  return { ok: true, value: undefined };
}

function check(args: CmdArgs, ctx: ExecContext): PluginOutcome<void> {
  const l = load(args);
  if (!l.ok) return l.error;
  const opened = Store.open(ctx.fs, l.conf.name, l.conf.dataDir);
  if (!opened.ok) return internal(opened.message);
  if (!opened.store.findById(args.containerID, args.ifName)) return internal(`host-local: Failed to find address added by container ${args.containerID}`);
  return { ok: true, value: undefined };
}

const skelMain = pluginMain({ add, check, del }, { about: 'CNI host-local plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS });

export const hostLocalMain: Command = (argv, ctx) => {
  try {
    return skelMain(argv, ctx);
  } catch (e) {
    // A Go panic: the runtime's message and a stack on stderr, exit status 2, nothing on stdout.
    if (e instanceof Panic) return result(2, '', `${e.text}\ngoroutine 1 [running]:\n`);
    throw e;
  }
};
