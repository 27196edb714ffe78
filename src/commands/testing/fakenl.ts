/**
 * A scripted stand-in for one namespace's Netlink, for command-layer tests: it returns the objects a
 * test hands it (copied from real Linux output) and records every request the command made.
 */
import type { AddrInfo, FdbInfo, LinkInfo, Netlink, NeighInfo, RouteGetResult, RouteInfo, RuleInfo } from '../../kernel/api.js';
import { type KResult, kok } from '../../kernel/errno.js';
import type { Host, NetnsEntry, World } from '../../world/api.js';
import type { ExecContext, ExecResult } from '../types.js';

export interface FakeState {
  links: LinkInfo[];
  addrs: AddrInfo[];
  routes: RouteInfo[];
  neighs: NeighInfo[];
  rules: RuleInfo[];
  fdb: FdbInfo[];
  sysctl: Record<string, string>;
  routeGet?: KResult<RouteGetResult>;
  /** Make the next mutating call fail with this result. */
  failNext?: KResult<never>;
}

export class FakeNetlink implements Netlink {
  readonly calls: { op: string; args: unknown[] }[] = [];
  readonly state: FakeState;
  constructor(
    readonly netnsName: string | undefined,
    init: Partial<FakeState> = {},
  ) {
    this.state = { links: [], addrs: [], routes: [], neighs: [], rules: [], fdb: [], sysctl: {}, ...init };
  }
  private mut<T>(op: string, args: unknown[], v: T): KResult<T> {
    this.calls.push({ op, args });
    const f = this.state.failNext;
    if (f) {
      this.state.failNext = undefined;
      return f;
    }
    return kok(v);
  }
  linkAdd(req: Parameters<Netlink['linkAdd']>[0]) {
    return this.mut('linkAdd', [req], this.state.links[0]!);
  }
  linkSet(dev: string, change: Parameters<Netlink['linkSet']>[1]) {
    return this.mut('linkSet', [dev, change], undefined);
  }
  linkDel(dev: string) {
    return this.mut('linkDel', [dev], undefined);
  }
  linkList() {
    return this.state.links;
  }
  linkGet(dev: string) {
    return this.state.links.find((l) => l.name === dev);
  }
  addrAdd(req: Parameters<Netlink['addrAdd']>[0], opts?: { replace?: boolean }) {
    return this.mut('addrAdd', opts ? [req, opts] : [req], undefined);
  }
  addrDel(req: Parameters<Netlink['addrDel']>[0]) {
    return this.mut('addrDel', [req], undefined);
  }
  addrList(filter?: { dev?: string }) {
    return this.state.addrs.filter((a) => !filter?.dev || a.dev === filter.dev);
  }
  addrFlush(filter: Parameters<Netlink['addrFlush']>[0]) {
    return this.mut('addrFlush', [filter], 0);
  }
  routeAdd(req: Parameters<Netlink['routeAdd']>[0], mode?: Parameters<Netlink['routeAdd']>[1]) {
    return this.mut('routeAdd', [req, mode], undefined);
  }
  routeDel(req: Parameters<Netlink['routeDel']>[0]) {
    return this.mut('routeDel', [req], undefined);
  }
  routeList(filter?: { table?: number | 'all' }) {
    const t = filter?.table ?? 254;
    return this.state.routes.filter((r) => t === 'all' || r.table === t);
  }
  routeGet(req: Parameters<Netlink['routeGet']>[0]) {
    this.calls.push({ op: 'routeGet', args: [req] });
    return this.state.routeGet ?? { ok: false as const, error: { kind: 'kernel' as const, errno: 'ENETUNREACH' as const, message: 'Network is unreachable' } };
  }
  ruleAdd(rule: Parameters<Netlink['ruleAdd']>[0]) {
    return this.mut('ruleAdd', [rule], undefined);
  }
  ruleDel(rule: Partial<RuleInfo>) {
    return this.mut('ruleDel', [rule], undefined);
  }
  ruleList() {
    return this.state.rules;
  }
  neighAdd(req: Parameters<Netlink['neighAdd']>[0], mode?: Parameters<Netlink['neighAdd']>[1]) {
    return this.mut('neighAdd', [req, mode], undefined);
  }
  neighDel(req: Parameters<Netlink['neighDel']>[0]) {
    return this.mut('neighDel', [req], undefined);
  }
  neighList(filter?: { dev?: string; proxy?: boolean }) {
    return this.state.neighs.filter((n) => (!filter?.dev || n.dev === filter.dev) && !!n.proxy === !!filter?.proxy);
  }
  neighFlush(filter: Parameters<Netlink['neighFlush']>[0]) {
    return this.mut('neighFlush', [filter], 0);
  }
  fdbAdd(req: Parameters<Netlink['fdbAdd']>[0], mode?: Parameters<Netlink['fdbAdd']>[1]) {
    return this.mut('fdbAdd', [req, mode], undefined);
  }
  fdbDel(req: Parameters<Netlink['fdbDel']>[0]) {
    return this.mut('fdbDel', [req], undefined);
  }
  fdbList(filter?: { dev?: string; br?: string }) {
    // As the kernel's dump with NDA_MASTER: the bridge's own entries and every entry on its ports.
    const onBridge = (f: FdbInfo) => f.dev === filter?.br || f.master === filter?.br || this.linkGet(f.dev)?.master === filter?.br;
    return this.state.fdb.filter((f) => (!filter?.dev || f.dev === filter.dev) && (!filter?.br || onBridge(f)));
  }
  sysctlGet(key: string): KResult<string> {
    const k = key.replace(/\//g, '.');
    const v = this.state.sysctl[k];
    if (v === undefined) return { ok: false, error: { kind: 'kernel', errno: 'ENOENT', message: 'No such file or directory' } };
    return kok(v);
  }
  sysctlSet(key: string, value: string) {
    const k = key.replace(/\//g, '.');
    if (this.state.sysctl[k] === undefined) return { ok: false as const, error: { kind: 'kernel' as const, errno: 'ENOENT' as const, message: 'No such file or directory' } };
    this.state.sysctl[k] = value;
    return this.mut('sysctlSet', [key, value], undefined);
  }
  sysctlList(prefix?: string) {
    return Object.entries(this.state.sysctl)
      .filter(([k]) => !prefix || k.startsWith(prefix))
      .map(([key, value]) => ({ key, value }));
  }
}

/** A host whose namespaces are FakeNetlinks; `exec` is recorded, not run. */
export function fakeContext(nss: Record<string, FakeNetlink>, netnsIds: Record<string, number> = {}): { ctx: ExecContext; execs: { argv: string[]; netns?: string }[] } {
  const execs: { argv: string[]; netns?: string }[] = [];
  const root = nss[''] ?? new FakeNetlink(undefined);
  const names = Object.keys(nss).filter((n) => n !== '');
  const host: Host = {
    name: 'h',
    netlink: (ns?: string) => {
      if (ns === undefined) return kok(root);
      const n = nss[ns];
      return n ? kok(n) : { ok: false, error: { kind: 'kernel', errno: 'ENOENT', message: 'No such file or directory' } };
    },
    sockets: () => ({ ok: false, error: { kind: 'kernel', errno: 'EOPNOTSUPP', message: 'Operation not supported' } }),
    netnsAdd: (name: string) => {
      if (nss[name]) return { ok: false, error: { kind: 'kernel', errno: 'EEXIST', message: 'File exists' } };
      nss[name] = new FakeNetlink(name);
      names.push(name);
      return kok(undefined);
    },
    netnsDel: (name: string) => {
      if (!nss[name]) return { ok: false, error: { kind: 'kernel', errno: 'ENOENT', message: 'No such file or directory' } };
      delete nss[name];
      names.splice(names.indexOf(name), 1);
      return kok(undefined);
    },
    // Newest first, as readdir() of the tmpfs /run/netns and the real Host.netnsList() return them.
    netnsList: (): NetnsEntry[] => [...names].reverse().map((name) => (netnsIds[name] !== undefined ? { name, id: netnsIds[name] } : { name })),
    fs: {} as Host['fs'],
  };
  const ctx: ExecContext = {
    world: {} as World,
    host,
    env: {},
    fs: {} as ExecContext['fs'],
    cwd: '/',
    stdin: '',
    background: false,
    exec: (argv, c): ExecResult => {
      execs.push({ argv, ...(c.netns !== undefined ? { netns: c.netns } : {}) });
      return { exitCode: 0, stdout: `ran ${argv.join(' ')}\n`, stderr: '' };
    },
    registerJob: () => undefined,
  };
  return { ctx, execs };
}
