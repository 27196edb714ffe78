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

/** Forget a namespace's rules (`ip netns del` drops its tables with it). */
export function dropRuleset(host: object, netns?: string): void {
  byHost.get(host)?.delete(netns ?? ROOT);
}
