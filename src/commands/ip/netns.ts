/** `ip netns add|delete|list|exec`: named network namespaces of one host, as /run/netns holds them. */
import { ERRNO } from '../../kernel/errno.js';
import { EXIT_FAIL, EXIT_USAGE, matches, unsupported, type Out } from './args.js';
import type { IpCtx } from './context.js';
import { jsonLine } from './linkfmt.js';
import { NETNS_USAGE } from './usage.js';

function usage(o: Out): number {
  o.err(NETNS_USAGE);
  return EXIT_USAGE;
}

/** iproute2's invalid_name(): the name becomes a file under /run/netns. */
function invalidName(s: string): boolean {
  return s.length === 0 || s.length > 255 || s.includes('/') || s === '.' || s === '..';
}

function list(ctx: IpCtx): number {
  // Host.netnsList() already yields /run/netns in readdir() order (newest first on tmpfs).
  const entries = ctx.exec.host.netnsList();
  if (ctx.opts.json) {
    ctx.out.out(jsonLine(entries.map((e) => (e.id !== undefined ? { name: e.name, id: e.id } : { name: e.name })), ctx.opts.pretty));
    return 0;
  }
  for (const e of entries) ctx.out.out(e.id !== undefined ? `${e.name} (id: ${e.id})\n` : `${e.name}\n`);
  return 0;
}

export function doNetns(ctx: IpCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length < 1) return list(ctx);
  if (argv.length > 1 && invalidName(argv[1]!)) {
    o.err(`Invalid netns name "${argv[1]}"\n`);
    return EXIT_USAGE;
  }
  const w = argv[0]!;
  const host = ctx.exec.host;
  if (matches(w, 'list') || matches(w, 'show') || matches(w, 'lst')) return list(ctx);
  if (matches(w, 'list-id')) {
    if (ctx.exec.netns !== undefined) return unsupported(o, 'ip netns list-id inside a named namespace');
    if (argv.length > 1) return unsupported(o, 'ip netns list-id with arguments');
    // RTM_GETNSID dump of the root namespace: the ids it assigned, in id order.
    const ids = ctx.exec.host.netnsList().filter((e) => e.id !== undefined).sort((a, b) => a.id! - b.id!);
    if (ctx.opts.json) {
      o.out(jsonLine(ids.map((e) => ({ nsid: e.id, name: e.name })), ctx.opts.pretty));
      return 0;
    }
    for (const e of ids) o.out(`nsid ${e.id} (iproute2 netns name: ${e.name})\n`);
    return 0;
  }
  if (matches(w, 'help')) return usage(o);
  if (matches(w, 'add')) {
    const name = argv[1];
    if (name === undefined) {
      o.err('No netns name specified\n');
      return EXIT_FAIL;
    }
    if (argv.length > 2) return unsupported(o, 'ip netns add NAME with extra arguments');
    const r = host.netnsAdd(name);
    if (!r.ok) {
      o.err(`Cannot create namespace file "/run/netns/${name}": ${ERRNO[r.error.errno].text}\n`);
      return EXIT_FAIL;
    }
    return 0;
  }
  if (matches(w, 'set')) return unsupported(o, 'ip netns set');
  if (matches(w, 'delete')) {
    const name = argv[1];
    if (name === undefined) {
      o.err('No netns name specified\n');
      return EXIT_FAIL;
    }
    const r = host.netnsDel(name);
    if (!r.ok) {
      o.err(`Cannot remove namespace file "/run/netns/${name}": ${ERRNO[r.error.errno].text}\n`);
      return EXIT_FAIL;
    }
    return 0;
  }
  if (matches(w, 'identify') || matches(w, 'pids')) return unsupported(o, `ip netns ${w} (podnet has no process ids)`);
  if (matches(w, 'exec')) {
    const name = argv[1];
    if (name === undefined) {
      o.err('No netns name specified\n');
      return EXIT_FAIL;
    }
    if (argv.length < 3) {
      o.err('No command specified\n');
      return EXIT_FAIL;
    }
    if (!host.netnsList().some((e) => e.name === name)) {
      o.err(`Cannot open network namespace "${name}": No such file or directory\n`);
      return EXIT_USAGE;
    }
    const child = ctx.exec.exec(argv.slice(2), { ...ctx.exec, netns: name });
    o.out(child.stdout);
    o.err(child.stderr);
    return child.exitCode;
  }
  if (matches(w, 'monitor') || matches(w, 'attach')) return unsupported(o, `ip netns ${w}`);
  o.err(`Command "${w}" is unknown, try "ip netns help".\n`);
  return EXIT_USAGE;
}
