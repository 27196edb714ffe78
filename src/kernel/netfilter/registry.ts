/**
 * Where a namespace's Ruleset lives until the kernel's namespace object owns one: a side table keyed
 * by the Host object and the namespace name, so commands reach the same state the packet path will.
 */
import { Ruleset } from './ruleset.js';

const ROOT = '\0root';
const byHost = new WeakMap<object, Map<string, Ruleset>>();

/** The Ruleset of `netns` on `host` (undefined = root namespace), created empty on first use. */
export function getRuleset(host: object, netns?: string): Ruleset {
  let m = byHost.get(host);
  if (!m) {
    m = new Map();
    byHost.set(host, m);
  }
  const key = netns ?? ROOT;
  let rs = m.get(key);
  if (!rs) {
    rs = new Ruleset();
    m.set(key, rs);
  }
  return rs;
}

/**
 * The Ruleset a command in (host, netns) acts on: the kernel's own (Netlink.xtables) once it keeps
 * one, else the side table above.
 */
export function rulesetFor(host: { netlink(netns?: string): { ok: boolean; value?: unknown } }, netns?: string): Ruleset {
  try {
    const nl = host.netlink(netns);
    const x = nl.ok ? (nl.value as { xtables?: () => Ruleset }).xtables : undefined;
    if (typeof x === 'function') {
      const rs = x.call(nl.value);
      if (rs instanceof Ruleset) return rs;
    }
  } catch {
    // A Netlink without xtables (or a test double that refuses unknown calls): use the side table.
  }
  return getRuleset(host, netns);
}

/** Forget a namespace's rules (`ip netns del` drops its tables with it). */
export function dropRuleset(host: object, netns?: string): void {
  byHost.get(host)?.delete(netns ?? ROOT);
}
