/**
 * CNI_NETNS is a path (/var/run/netns/NAME, /run/netns/NAME as `ip netns add` makes them); a plugin
 * opens it. In podnet a host's named namespaces live under /run/netns, and /var/run is /run.
 */
import type { Host } from '../world/api.js';

export type NetnsRef = { ok: true; netns: string } | { ok: false; message: string };

/**
 * The namespace CNI_NETNS names, or the reference plugins' error text
 * (ns.GetNS: `failed to Statfs "PATH": no such file or directory`) when there is none.
 */
export function resolveNetns(host: Host, path: string): NetnsRef {
  const m = /^(?:\/var)?\/run\/netns\/([^/]+)$/.exec(path.replace(/\/+/g, '/'));
  if (m && host.netnsList().some((e) => e.name === m[1])) return { ok: true, netns: m[1]! };
  return { ok: false, message: `failed to Statfs "${path}": no such file or directory` };
}
