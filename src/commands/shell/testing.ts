/**
 * A tiny stand-in world for the shell's own tests: one host whose namespaces have a few links and
 * sysctls, virtual time and trace taps — enough to exercise the runner without the real kernel.
 */
import type { LinkInfo, Netlink } from '../../kernel/api.js';
import { kerr, kok } from '../../kernel/errno.js';
import type { FrameEvent, Host, NetnsEntry, TraceEvent, World } from '../../world/api.js';
import type { HostFs } from '../../world/fs.js';
import { createHostFs } from '../../world/hostfs.js';

function fakeLink(ifindex: number, name: string, over: Partial<LinkInfo> = {}): LinkInfo {
  return {
    ifindex, name, kind: 'veth', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, minMtu: 68, maxMtu: 65535, qdisc: 'noop',
    operstate: 'DOWN', group: 'default', txqlen: 1000, address: `02:00:00:00:00:0${ifindex}`, broadcast: 'ff:ff:ff:ff:ff:ff',
    linkType: 'ether', promiscuity: 0, ...over,
  };
}

function fakeNetlink(netnsName: string | undefined): Netlink {
  const links: LinkInfo[] = [
    fakeLink(1, 'lo', { kind: 'loopback', flags: ['LOOPBACK'], mtu: 65536, address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', linkType: 'loopback', operstate: 'UNKNOWN' }),
  ];
  if (netnsName === undefined) links.push(fakeLink(2, 'eth0', { kind: 'ether' }));
  const sysctls = new Map<string, string>([
    ['net.ipv4.ip_forward', '0'],
    ['net.ipv4.conf.all.forwarding', '0'],
    ['net.ipv4.conf.lo.forwarding', '0'],
    ['net.ipv4.ip_local_port_range', '32768\t60999'],
  ]);
  const norm = (k: string): string => k.replace(/\//g, '.');
  const unsupported = (): never => {
    throw new Error('fake netlink: not modelled');
  };
  const nl: Partial<Netlink> = {
    netnsName,
    linkList: () => links.map((l) => ({ ...l })),
    linkGet: (dev) => links.find((l) => l.name === dev),
    linkSet: (dev, change) => {
      const l = links.find((x) => x.name === dev);
      if (!l) return kerr('ENODEV');
      if (change.up !== undefined) {
        l.flags = change.up ? [...l.flags.filter((f) => f !== 'UP'), 'UP'] : l.flags.filter((f) => f !== 'UP');
        if (l.kind !== 'loopback') l.operstate = change.up ? 'UP' : 'DOWN';
      }
      if (change.mtu !== undefined) {
        if (change.mtu < l.minMtu || change.mtu > l.maxMtu) return kerr('EINVAL');
        l.mtu = change.mtu;
      }
      return kok(undefined);
    },
    sysctlGet: (key) => {
      const v = sysctls.get(norm(key));
      return v === undefined ? kerr('ENOENT') : kok(v);
    },
    sysctlSet: (key, value) => {
      if (!sysctls.has(norm(key))) return kerr('ENOENT');
      if (!/^[0-9]+(\t[0-9]+)?$/.test(value)) return kerr('EINVAL');
      sysctls.set(norm(key), value);
      return kok(undefined);
    },
    sysctlList: (prefix) => [...sysctls].filter(([k]) => !prefix || k === norm(prefix) || k.startsWith(norm(prefix) + '.')).map(([key, value]) => ({ key, value })),
  };
  return new Proxy(nl as Netlink, { get: (t, p) => (p in t ? t[p as keyof Netlink] : unsupported) });
}

export interface FakeWorld extends World {
  /** Emit a trace event now, as the kernel would while a command runs. */
  emitTrace(e: Omit<TraceEvent, 't'>): void;
}

export function fakeWorld(seed = 1): FakeWorld {
  let now = 0;
  const traceCbs = new Set<(e: TraceEvent) => void>();
  const frameCbs = new Set<(f: FrameEvent) => void>();
  const timers: { at: number; fn: () => void }[] = [];
  const hosts = new Map<string, Host>();
  const makeHost = (name: string): Host => {
    const namespaces = new Map<string, Netlink>();
    const root = fakeNetlink(undefined);
    let fs: HostFs | undefined;
    const host: Host = {
      get fs(): HostFs {
        fs ??= createHostFs(host);
        return fs;
      },
      name,
      netlink: (ns) => (ns === undefined ? kok(root) : namespaces.has(ns) ? kok(namespaces.get(ns)!) : kerr('ENOENT')),
      sockets: () => kerr('EOPNOTSUPP'),
      netnsAdd: (ns) => {
        if (namespaces.has(ns)) return kerr('EEXIST');
        namespaces.set(ns, fakeNetlink(ns));
        return kok(undefined);
      },
      netnsDel: (ns) => (namespaces.delete(ns) ? kok(undefined) : kerr('ENOENT')),
      netnsList: (): NetnsEntry[] => [...namespaces.keys()].map((n) => ({ name: n })),
    };
    return host;
  };
  const w: FakeWorld = {
    seed,
    now: () => now,
    addHost: (name) => {
      const h = makeHost(name);
      hosts.set(name, h);
      return h;
    },
    host: (name) => hosts.get(name),
    hosts: () => [...hosts.values()],
    runFor: (ms) => {
      const end = now + ms;
      timers.sort((a, b) => a.at - b.at);
      while (timers.length > 0 && timers[0]!.at <= end) {
        const t = timers.shift()!;
        now = t.at;
        t.fn();
      }
      now = end;
    },
    runUntil: (pred, maxMs) => {
      w.runFor(maxMs);
      return pred();
    },
    runUntilIdle: (maxMs = 60_000) => w.runFor(maxMs),
    onTrace: (cb) => {
      traceCbs.add(cb);
      return () => traceCbs.delete(cb);
    },
    onFrame: (cb) => {
      frameCbs.add(cb);
      return () => frameCbs.delete(cb);
    },
    random: () => 0.5,
    emitTrace: (e) => {
      for (const cb of traceCbs) cb({ ...e, t: now });
    },
  };
  return w;
}
