/** `bridge link [show]` and `bridge link set`: bridge ports and their flags (brlink_show/brlink_modify). */
import type { BridgePortInfo, LinkInfo } from '../../kernel/api.js';
import { Args, Out, duparg, incomplete, matches, nodev, unsupported } from '../ip/args.js';
import { flagList, formatFlags, jsonLine, nameAndLink, withMdown } from '../ip/linkfmt.js';
import type { BridgeCtx } from './context.js';
import { BR_FAIL } from './fdb.js';
import { BRIDGE_LINK_USAGE } from './usage.js';

function usage(o: Out): number {
  o.err(BRIDGE_LINK_USAGE);
  return BR_FAIL;
}

export function renderBridgeLink(l: LinkInfo, details: number, nl: string): string {
  const p = l.brport!;
  let s = `${l.ifindex}: ${nameAndLink(l)}: ${formatFlags(l.flags)} mtu ${l.mtu} `;
  if (l.master) s += `master ${l.master} `;
  s += `state ${p.state} priority ${p.priority} cost ${p.cost} `;
  if (details) {
    const on = (b: boolean): string => (b ? 'on' : 'off');
    s += `${nl}    hairpin ${on(p.hairpin)} guard off root_block off fastleave off learning ${on(p.learning)} flood ${on(p.flood)} mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off `;
  }
  return s + '\n';
}

/**
 * An AF_BRIDGE link dump carries IFLA_LINK but no IFLA_LINK_NETNSID, so bridge(8) resolves a peer's
 * ifindex in its own namespace: another device with that index lends its name (and its UP flag for
 * M-DOWN); otherwise the peer prints as "ifN" and counts as up.
 */
function asBridgeSees(l: LinkInfo, all: readonly LinkInfo[]): LinkInfo {
  if (!l.link || (l.link.netnsId === undefined && l.link.netnsName === undefined)) return withMdown(l, all);
  const here = all.find((x) => x.ifindex === l.link!.ifindex);
  const view: LinkInfo = { ...l, link: { ifindex: l.link.ifindex, name: here ? here.name : `if${l.link.ifindex}` } };
  return here ? withMdown(view, all) : { ...view, flags: view.flags.filter((f) => f !== 'M-DOWN') };
}

function bridgeLinkJson(l: LinkInfo): Record<string, unknown> {
  const j: Record<string, unknown> = { ifindex: l.ifindex };
  const remote = l.link !== undefined && (l.link.netnsId !== undefined || l.link.netnsName !== undefined);
  if (l.link) {
    if (remote || l.link.name === undefined) j.link_index = l.link.ifindex;
    else j.link = l.link.name;
  }
  j.ifname = l.name;
  j.flags = flagList(l.flags);
  j.mtu = l.mtu;
  if (l.master) j.master = l.master;
  j.state = l.brport!.state;
  j.priority = l.brport!.priority;
  j.cost = l.brport!.cost;
  return j;
}

function show(ctx: BridgeCtx, argv: string[]): number {
  const o = ctx.out;
  const a = new Args(argv);
  let dev: string | undefined;
  while (!a.done) {
    if (a.peek() === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (dev !== undefined) return duparg(o, 'dev', v);
      dev = v;
    }
    a.advance();
  }
  if (dev !== undefined && !ctx.nl.linkGet(dev)) {
    nodev(o, dev);
    return BR_FAIL;
  }
  const nl = ctx.oneline ? '\\' : '\n';
  const all = ctx.nl.linkList();
  const ports = all.filter((l) => l.brport && (dev === undefined || l.name === dev)).map((l) => asBridgeSees(l, all));
  if (ctx.json) {
    o.out(jsonLine(ports.map(bridgeLinkJson), ctx.pretty));
    return 0;
  }
  for (const l of ports) o.out(renderBridgeLink(l, ctx.details, nl));
  return 0;
}

/** parse_on_off() in bridge returns -EINVAL, which main() turns into status 234. */
const EXIT_EINVAL = 234;

function set(ctx: BridgeCtx, argv: string[]): number {
  const o = ctx.out;
  const a = new Args(argv);
  let dev: string | undefined;
  const change: Partial<Pick<BridgePortInfo, 'hairpin' | 'learning' | 'flood' | 'cost' | 'priority'>> = {};
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      dev = v;
    } else if (w === 'hairpin' || w === 'learning' || w === 'flood') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const val = matches(v, 'off') ? false : matches(v, 'on') ? true : undefined;
      if (val === undefined) {
        o.err(`Error: argument of "${w}" must be one of "off", "on", not "${v}"\n`);
        return EXIT_EINVAL;
      }
      change[w] = val;
    } else if (w === 'cost' || w === 'priority') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = Number.parseInt(v, 10);
      if (w === 'cost') {
        // atoi(): garbage reads as 0 and a cost of 0 is simply not sent.
        if (Number.isFinite(n) && n > 0) change.cost = n;
      } else change.priority = Number.isFinite(n) ? n : 0;
    } else if (['guard', 'fastleave', 'root_block', 'learning_sync', 'mcast_router', 'mcast_flood', 'bcast_flood', 'mcast_to_unicast', 'state', 'hwmode', 'self', 'master', 'neigh_suppress', 'vlan_tunnel', 'isolated', 'locked', 'backup_port', 'nobackup_port'].includes(w)) {
      return unsupported(o, `bridge link set ... ${w}`);
    } else {
      return usage(o);
    }
    a.advance();
  }
  if (dev === undefined) {
    o.err('Device is a required argument.\n');
    return BR_FAIL;
  }
  if (!ctx.nl.linkGet(dev)) {
    o.err(`Cannot find bridge device "${dev}"\n`);
    return BR_FAIL;
  }
  const r = ctx.nl.linkSet(dev, { brport: change });
  if (!r.ok) {
    if (r.error.extack) o.err(`Error: ${r.error.extack}${r.error.extack.endsWith('.') ? '' : '.'}\n`);
    else o.err(`RTNETLINK answers: ${r.error.message}\n`);
    return BR_FAIL;
  }
  return 0;
}

export function doBridgeLink(ctx: BridgeCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length === 0) return show(ctx, []);
  const w = argv[0]!;
  if (matches(w, 'set') || matches(w, 'change')) return set(ctx, argv.slice(1));
  if (matches(w, 'show') || matches(w, 'lst') || matches(w, 'list')) return show(ctx, argv.slice(1));
  if (matches(w, 'help')) return usage(o);
  o.err(`Command "${w}" is unknown, try "bridge link help".\n`);
  return BR_FAIL;
}
