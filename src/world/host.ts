/**
 * A host (machine): its root network namespace, the named namespaces `ip netns` manages, and the
 * nsid tables that make `ip netns list` print "(id: N)" once a namespace has been referenced.
 */
import type { Host, NetnsEntry } from './api.js';
import type { KResult } from '../kernel/errno.js';
import { kerr, kok } from '../kernel/errno.js';
import type { Netlink, Sockets } from '../kernel/api.js';
import type { KernelEnv } from '../kernel/env.js';
import { Net } from '../kernel/netns.js';
import { NetlinkImpl, type NetlinkDeps } from '../kernel/netlink.js';
import { createSockets } from '../kernel/sockets/index.js';
import type { HostFs } from './fs.js';
import { createHostFs } from './hostfs.js';

/** Internal name for "the root namespace" when a device must move back there. */
const ROOT_ALIAS = '\u0000root';

export class HostImpl implements Host {
  readonly root: Net;
  /** Named namespaces in creation order. */
  private readonly named = new Map<string, Net>();
  private readonly deps: NetlinkDeps;
  private readonly netlinks = new WeakMap<Net, Netlink>();
  private readonly socketApis = new WeakMap<Net, Sockets>();

  constructor(
    readonly name: string,
    private readonly env: KernelEnv,
  ) {
    const ref = { name, netnsByName: (n: string | undefined) => (n === undefined ? this.root : this.named.get(n)) };
    this.root = new Net(undefined, ref, env);
    this.deps = {
      randomMac: () => randomMac(env),
      netnsByName: (n) => (n === ROOT_ALIAS ? this.root : this.named.get(n)),
      ensureNsid: (from, to) => ensureNsid(from, to),
      nsidOf: (from, to) => from.nsids.get(to),
    };
    // The root namespace's loopback is up from boot, as on any running machine.
    this.root.devUp(this.root.lo);
  }

  private hostFs: HostFs | undefined;

  get fs(): HostFs {
    this.hostFs ??= createHostFs(this);
    return this.hostFs;
  }

  ns(netns?: string): Net | undefined {
    return netns === undefined ? this.root : this.named.get(netns);
  }

  netlink(netns?: string): KResult<Netlink> {
    const net = this.ns(netns);
    if (!net) return kerr('ENOENT');
    let nl = this.netlinks.get(net);
    if (!nl) {
      nl = new NetlinkImpl(net, this.deps);
      this.netlinks.set(net, nl);
    }
    return kok(nl);
  }

  sockets(netns?: string): KResult<Sockets> {
    const net = this.ns(netns);
    if (!net) return kerr('ENOENT');
    let s = this.socketApis.get(net);
    if (!s) {
      s = createSockets(net);
      this.socketApis.set(net, s);
    }
    return kok(s);
  }

  netnsAdd(name: string): KResult<void> {
    if (!name || name === '.' || name === '..' || name.includes('/')) return kerr('EINVAL');
    if (this.named.has(name)) return kerr('EEXIST');
    const ref = { name: this.name, netnsByName: (n: string | undefined) => (n === undefined ? this.root : this.named.get(n)) };
    this.named.set(name, new Net(name, ref, this.env));
    return kok(undefined);
  }

  netnsDel(name: string): KResult<void> {
    const net = this.named.get(name);
    if (!net) return kerr('ENOENT');
    const nl = this.netlink(name);
    if (nl.ok) {
      // cleanup_net: virtual devices die with the namespace (taking veth peers along); physical
      // NICs fall back to the root namespace (default_device_exit), renamed "devN" on a clash.
      for (const dev of [...net.byIndex.values()]) {
        if (dev.kind === 'loopback' || !net.byIndex.has(dev.ifindex)) continue;
        if (dev.kind === 'ether') {
          const clash = this.root.devs.has(dev.name);
          nl.value.linkSet(dev.name, { netns: ROOT_ALIAS, ...(clash ? { name: `dev${dev.ifindex}` } : {}) });
          continue;
        }
        nl.value.linkDel(dev.name);
      }
    }
    this.named.delete(name);
    for (const other of [this.root, ...this.named.values()]) other.nsids.delete(net);
    return kok(undefined);
  }

  /** `ip netns list` reads /run/netns, a tmpfs directory: newest entries come first. */
  netnsList(): NetnsEntry[] {
    return [...this.named.entries()].reverse().map(([name, net]) => {
      const id = this.root.nsids.get(net);
      return id === undefined ? { name } : { name, id };
    });
  }

  namespaces(): Net[] {
    return [this.root, ...this.named.values()];
  }
}

/** peernet2id_alloc: the lowest free id in `from`'s table. */
export function ensureNsid(from: Net, to: Net): number {
  const have = from.nsids.get(to);
  if (have !== undefined) return have;
  const used = new Set(from.nsids.values());
  let id = 0;
  while (used.has(id)) id++;
  from.nsids.set(to, id);
  return id;
}

/** eth_random_addr: random bytes, multicast bit cleared, locally-administered bit set. */
export function randomMac(env: KernelEnv): string {
  const a = env.u32();
  const b = env.u32();
  const bytes = [((a >>> 24) & 0xfe) | 0x02, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, (b >>> 24) & 0xff, (b >>> 16) & 0xff];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
