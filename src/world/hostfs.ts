/**
 * One emulated machine's file system: ordinary in-memory files and folders, plus the kernel's
 * per-namespace views a process sees — /proc/sys (sysctls), /sys/class/net (links) and /run/netns —
 * generated on every access from the namespace's Netlink, so they can never disagree with it.
 */
import { posix } from 'node:path';
import { err, ok, podnetError, type Result } from '../errors.js';
import type { BridgeInfo, BridgePortInfo, LinkChange, LinkInfo, Netlink } from '../kernel/api.js';
import type { Host } from './api.js';
import type { DirEntry, HostFs } from './fs.js';

const ioErr = (message: string): { ok: false; error: ReturnType<typeof podnetError> } => err(podnetError('io', message));
const ENOENT = 'No such file or directory';
const EISDIR = 'Is a directory';
const ENOTDIR = 'Not a directory';
const EINVAL = 'Invalid argument';
const EACCES = 'Permission denied';

/** IFF_* bits as /sys/class/net/DEV/flags prints them (dev->flags: no RUNNING/LOWER_UP). */
const IFF: Record<string, number> = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOARP: 0x80, PROMISC: 0x100, MULTICAST: 0x1000 };
const IFF_ALLMULTI = 0x200;
/** ARPHRD_* numbers for /sys/class/net/DEV/type. */
const ARPHRD: Record<string, number> = { ether: 1, loopback: 772, ipip: 768, none: 65534 };

/** What a virtual node under /proc/sys, /sys or /run/netns resolves to. */
type Virtual =
  | { kind: 'dir'; entries: () => DirEntry[]; child?: (name: string) => Virtual | undefined }
  | { kind: 'file'; read: () => Result<string>; write?: (data: string) => Result<void> };

/** A folder of named nodes, listed in name order. */
function folder(nodes: Record<string, Virtual>): Virtual {
  return {
    kind: 'dir',
    entries: () => Object.keys(nodes).sort().map((name) => ({ name, type: nodes[name]!.kind })),
    child: (name) => (Object.prototype.hasOwnProperty.call(nodes, name) ? nodes[name] : undefined),
  };
}

const dir = (names: string[], type: 'file' | 'dir' = 'dir'): Virtual => ({ kind: 'dir', entries: () => names.map((name) => ({ name, type })) });

export function createHostFs(host: Host): HostFs {
  const files = new Map<string, string>();
  const dirs = new Set<string>(['/', '/etc', '/tmp', '/root', '/var', '/var/lib', '/var/run', '/run', '/opt', '/home', '/usr', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/dev', '/proc', '/sys']);
  files.set('/etc/hostname', `${host.name}\n`);
  files.set('/etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n`);

  const nl = (netns?: string): Netlink | undefined => {
    const r = host.netlink(netns);
    return r.ok ? r.value : undefined;
  };

  function sysctlNode(n: Netlink, rel: string[]): Virtual | undefined {
    const key = rel.join('.');
    const all = n.sysctlList(rel.length ? key : undefined);
    // Keys use dots; device names in conf/DEV may not, so match by path components.
    const devices = new Set(n.linkList().map((l) => l.name));
    const comps = all.map((e) => ({ parts: splitKey(e.key, devices), value: e.value }));
    const exact = comps.find((c) => c.parts.length === rel.length && c.parts.every((p, i) => p === rel[i]));
    if (exact) {
      return {
        kind: 'file',
        read: () => {
          const v = n.sysctlGet(rel.join('/'));
          return v.ok ? ok(v.value.endsWith('\n') ? v.value : v.value + '\n') : ioErr(v.error.message);
        },
        write: (data) => {
          const v = n.sysctlSet(rel.join('/'), data.replace(/\n+$/, ''));
          return v.ok ? ok(undefined) : ioErr(v.error.message);
        },
      };
    }
    const below = new Map<string, 'file' | 'dir'>();
    for (const c of comps) {
      if (c.parts.length <= rel.length || !rel.every((p, i) => c.parts[i] === p)) continue;
      below.set(c.parts[rel.length]!, c.parts.length === rel.length + 1 ? 'file' : 'dir');
    }
    if (below.size === 0 && rel.length > 0) return undefined;
    return { kind: 'dir', entries: () => [...below].map(([name, type]) => ({ name, type })) };
  }

  function linkNode(n: Netlink, rel: string[]): Virtual | undefined {
    if (rel.length === 0) return { kind: 'dir', entries: () => n.linkList().map((l) => ({ name: l.name, type: 'dir' as const })) };
    const link = n.linkGet(rel[0]!);
    if (!link) return undefined;
    let node: Virtual | undefined = folder(linkAttrs(n, link));
    for (const name of rel.slice(1)) node = node?.kind === 'dir' ? node.child?.(name) : undefined;
    return node;
  }

  /** Resolves a path inside one of the kernel's views; undefined = not a virtual path. */
  function virtual(path: string, netns?: string): Virtual | 'enoent' | undefined {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'proc') {
      if (parts.length === 1) return dir(['sys']);
      if (parts[1] !== 'sys') return 'enoent';
      const n = nl(netns);
      if (!n) return 'enoent';
      return sysctlNode(n, parts.slice(2)) ?? 'enoent';
    }
    if (parts[0] === 'sys') {
      if (parts.length === 1) return dir(['class']);
      if (parts[1] !== 'class') return 'enoent';
      if (parts.length === 2) return dir(['net']);
      if (parts[2] !== 'net') return 'enoent';
      const n = nl(netns);
      if (!n) return 'enoent';
      return linkNode(n, parts.slice(3)) ?? 'enoent';
    }
    if (parts[0] === 'run' && parts[1] === 'netns') {
      const names = host.netnsList().map((e) => e.name);
      if (parts.length === 2) return dir(names, 'file');
      if (parts.length === 3 && names.includes(parts[2]!)) return { kind: 'file', read: () => ioErr(EINVAL), write: () => ioErr(EINVAL) };
      return 'enoent';
    }
    return undefined;
  }

  const norm = (p: string): string => {
    const n = posix.normalize('/' + p);
    return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
  };

  const fs: HostFs = {
    read(path, netns) {
      const p = norm(path);
      const v = virtual(p, netns);
      if (v === 'enoent') return ioErr(ENOENT);
      if (v) return v.kind === 'dir' ? ioErr(EISDIR) : v.read();
      if (dirs.has(p)) return ioErr(EISDIR);
      const f = files.get(p);
      if (f !== undefined) return ok(f);
      return ioErr(parentIsFile(p) ? ENOTDIR : ENOENT);
    },
    write(path, data, netns, opts) {
      const p = norm(path);
      const v = virtual(p, netns);
      if (v === 'enoent') return ioErr(p.startsWith('/run/netns/') ? EACCES : ENOENT);
      if (v) {
        if (v.kind === 'dir') return ioErr(EISDIR);
        return v.write ? v.write(data) : ioErr(EACCES);
      }
      if (dirs.has(p)) return ioErr(EISDIR);
      if (!dirs.has(posix.dirname(p))) return ioErr(parentIsFile(p) ? ENOTDIR : ENOENT);
      files.set(p, opts?.append ? (files.get(p) ?? '') + data : data);
      return ok(undefined);
    },
    list(path, netns) {
      const p = norm(path);
      const v = virtual(p, netns);
      if (v === 'enoent') return ioErr(ENOENT);
      if (v) return v.kind === 'dir' ? ok(v.entries()) : ioErr(ENOTDIR);
      if (!dirs.has(p)) return ioErr(files.has(p) ? ENOTDIR : ENOENT);
      const out: DirEntry[] = [];
      const prefix = p === '/' ? '/' : p + '/';
      for (const d of dirs) if (d !== p && d.startsWith(prefix) && !d.slice(prefix.length).includes('/')) out.push({ name: d.slice(prefix.length), type: 'dir' });
      for (const f of files.keys()) if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) out.push({ name: f.slice(prefix.length), type: 'file' });
      return ok(out);
    },
    stat(path, netns) {
      const p = norm(path);
      const v = virtual(p, netns);
      if (v === 'enoent') return undefined;
      if (v) return { type: v.kind };
      if (dirs.has(p)) return { type: 'dir' };
      if (files.has(p)) return { type: 'file' };
      return undefined;
    },
    mkdir(path, opts) {
      const p = norm(path);
      if (virtual(p) !== undefined) return ioErr(p.startsWith('/run/netns') && p === '/run/netns' ? 'File exists' : EACCES);
      if (dirs.has(p) || files.has(p)) return opts?.recursive && dirs.has(p) ? ok(undefined) : ioErr('File exists');
      const parent = posix.dirname(p);
      if (!dirs.has(parent)) {
        if (!opts?.recursive || files.has(parent)) return ioErr(files.has(parent) ? ENOTDIR : ENOENT);
        const r = fs.mkdir(parent, opts);
        if (!r.ok) return r;
      }
      dirs.add(p);
      return ok(undefined);
    },
    remove(path, opts) {
      const p = norm(path);
      if (virtual(p) !== undefined || p === '/') return ioErr(EACCES);
      if (files.delete(p)) return ok(undefined);
      if (!dirs.has(p)) return ioErr(ENOENT);
      const prefix = p + '/';
      const children = [...dirs, ...files.keys()].filter((x) => x.startsWith(prefix));
      if (children.length > 0 && !opts?.recursive) return ioErr('Directory not empty');
      for (const c of children) {
        dirs.delete(c);
        files.delete(c);
      }
      dirs.delete(p);
      return ok(undefined);
    },
    openForWrite(path, netns, opts) {
      const p = norm(path);
      const v = virtual(p, netns);
      if (v === 'enoent') return ioErr(p.startsWith('/run/netns/') ? EACCES : ENOENT);
      if (v) return v.kind === 'dir' ? ioErr(EISDIR) : v.write ? ok(undefined) : ioErr(EACCES);
      if (dirs.has(p)) return ioErr(EISDIR);
      if (!dirs.has(posix.dirname(p))) return ioErr(parentIsFile(p) ? ENOTDIR : ENOENT);
      if (!opts?.append || !files.has(p)) files.set(p, opts?.append ? files.get(p) ?? '' : '');
      return ok(undefined);
    },
  };

  function parentIsFile(p: string): boolean {
    for (let d = posix.dirname(p); d !== '/'; d = posix.dirname(d)) if (files.has(d)) return true;
    return false;
  }

  return fs;
}

/**
 * "net.ipv4.conf.all.forwarding" or "net/ipv4/conf/all/forwarding" as path components. A device
 * name may hold dots (eth0.100), so under conf/ and neigh/ the longest known device name wins.
 */
function splitKey(key: string, devices: Set<string>): string[] {
  if (key.includes('/') && !key.includes('.')) return key.split('/').filter(Boolean);
  const parts = key.split('.').map((p) => p.replace(/\//g, '.'));
  if (parts.length > 4 && (parts[2] === 'conf' || parts[2] === 'neigh')) {
    for (let end = parts.length - 1; end > 4; end--) {
      const dev = parts.slice(3, end).join('.');
      if (devices.has(dev)) return [...parts.slice(0, 3), dev, ...parts.slice(end)];
    }
  }
  return parts;
}

/** The attribute files of /sys/class/net/DEV, in the kernel's formats. */
function linkAttrs(n: Netlink, link: LinkInfo): Record<string, Virtual> {
  const text = (s: string): Virtual => ({ kind: 'file', read: () => ok(s + '\n') });
  const up = link.flags.includes('UP');
  // The kernel keeps IFF_PROMISC set while the promiscuity count is non-zero, and a bridge puts
  // every port in all-multicast mode (br_add_if -> dev_set_allmulti).
  let flags = link.flags.reduce((acc, f) => acc | (IFF[f] ?? 0), 0);
  if (link.promiscuity > 0) flags |= IFF['PROMISC']!;
  if (link.master !== undefined && link.brport !== undefined) flags |= IFF_ALLMULTI;
  const attrs: Record<string, Virtual> = {
    address: text(link.address),
    addr_len: text(link.linkType === 'ipip' ? '4' : '6'),
    broadcast: text(link.broadcast),
    carrier: { kind: 'file', read: () => (up ? ok(link.flags.includes('NO-CARRIER') ? '0\n' : '1\n') : ioErr(EINVAL)) },
    flags: text('0x' + flags.toString(16)),
    ifalias: text(link.alias ?? ''),
    ifindex: text(String(link.ifindex)),
    // A veth's iflink is its peer's ifindex; other devices point at themselves (or their lower device).
    iflink: text(String(link.link?.ifindex ?? link.ifindex)),
    mtu: {
      kind: 'file',
      read: () => ok(`${link.mtu}\n`),
      write: (data) => {
        const v = data.trim();
        if (!/^[0-9]+$/.test(v)) return ioErr(EINVAL);
        const r = n.linkSet(link.name, { mtu: Number(v) });
        return r.ok ? ok(undefined) : ioErr(r.error.message);
      },
    },
    operstate: text(link.operstate.toLowerCase()),
    tx_queue_len: text(String(link.txqlen)),
    type: text(String(ARPHRD[link.linkType] ?? 1)),
  };
  if (link.master) attrs['master'] = { kind: 'dir', entries: () => [] };
  if (link.brport) attrs['brport'] = folder(brportAttrs(n, link.name, link.brport));
  if (link.bridge) {
    attrs['bridge'] = folder(bridgeAttrs(n, link.name, link.bridge));
    attrs['brif'] = folder(Object.fromEntries(n.linkList().filter((l) => l.master === link.name).map((l) => [l.name, { kind: 'dir', entries: () => [] } as Virtual])));
  }
  return attrs;
}

/** A sysfs number file that writes back through linkSet; `parse` maps the written text to the change. */
function numberFile(n: Netlink, dev: string, value: number, change?: (v: number) => LinkChange): Virtual {
  return {
    kind: 'file',
    read: () => ok(`${value}\n`),
    ...(change
      ? {
          write: (data: string): Result<void> => {
            const v = data.trim();
            if (!/^[0-9]+$/.test(v)) return ioErr(EINVAL);
            const r = n.linkSet(dev, change(Number(v)));
            return r.ok ? ok(undefined) : ioErr(r.error.message);
          },
        }
      : {}),
  };
}

/** BR_STATE_* as brport/state prints them. */
const BR_STATE: Record<BridgePortInfo['state'], number> = { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 };

/** /sys/class/net/PORT/brport: the bridge port options, writable like `bridge link set`. */
function brportAttrs(n: Netlink, dev: string, p: BridgePortInfo): Record<string, Virtual> {
  const flag = (v: boolean, key: 'hairpin' | 'learning' | 'flood'): Virtual => numberFile(n, dev, v ? 1 : 0, (x) => ({ brport: { [key]: x !== 0 } }));
  return {
    hairpin_mode: flag(p.hairpin, 'hairpin'),
    learning: flag(p.learning, 'learning'),
    unicast_flood: flag(p.flood, 'flood'),
    path_cost: numberFile(n, dev, p.cost, (x) => ({ brport: { cost: x } })),
    priority: numberFile(n, dev, p.priority, (x) => ({ brport: { priority: x } })),
    state: numberFile(n, dev, BR_STATE[p.state]),
  };
}

/** /sys/class/net/BRIDGE/bridge: times in centiseconds (USER_HZ), as the kernel prints them. */
function bridgeAttrs(n: Netlink, dev: string, b: BridgeInfo): Record<string, Virtual> {
  return {
    ageing_time: numberFile(n, dev, Math.round(b.ageingTime * 100), (x) => ({ bridge: { ageingTime: x / 100 } })),
    // BridgeInfo keeps ageingTime in seconds but forwardDelay already in centiseconds.
    forward_delay: numberFile(n, dev, b.forwardDelay),
    stp_state: numberFile(n, dev, b.stpState),
  };
}
