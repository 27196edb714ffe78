/**
 * Name resolution as glibc does it for ping and nc on an emulated host: numbers via inet_aton,
 * names via the host's /etc/hosts, and — because no emulated machine has a reachable DNS server —
 * everything else fails with EAI_AGAIN, exactly what the real tools print inside an isolated
 * network namespace ("ping: foo: Temporary failure in name resolution", verified).
 */
import type { HostFs } from '../fs.js';
import { formatIpv4, parseIpv4Aton } from '../../wire/addr.js';

/** gai_strerror() texts for the codes these programs can meet. */
export const GAI = {
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_NONAME: 'Name or service not known',
} as const;
export type GaiError = keyof typeof GAI;

/** inet_aton(3), as ping and nc parse a numeric host: the one implementation lives in wire/addr. */
export const inetAton = parseIpv4Aton;

interface HostsEntry {
  addr: string;
  names: string[];
}

function readHosts(fs: HostFs | undefined, netns: string | undefined): HostsEntry[] {
  const r = fs?.read('/etc/hosts', netns);
  // A missing /etc/hosts still knows localhost in practice (nss "files" then "dns" on Debian); keep that.
  const text = r && r.ok ? r.value : '127.0.0.1\tlocalhost\n';
  const out: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [addr, ...names] = line.split(/\s+/);
    if (addr && inetAton(addr) !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(addr)) out.push({ addr, names });
  }
  return out;
}

export type Resolved = { ok: true; addr: string; canonical: string; numeric: boolean } | { ok: false; error: GaiError };

/** getaddrinfo(name) for AF_INET: `numericOnly` is AI_NUMERICHOST (nc -n). */
export function resolveHost(name: string, fs: HostFs | undefined, netns: string | undefined, numericOnly = false): Resolved {
  const n = inetAton(name);
  if (n !== undefined) return { ok: true, addr: formatIpv4(n), canonical: name, numeric: true };
  if (numericOnly) return { ok: false, error: 'EAI_NONAME' };
  for (const e of readHosts(fs, netns)) {
    if (e.names.includes(name)) return { ok: true, addr: e.addr, canonical: e.names[0]!, numeric: false };
  }
  return { ok: false, error: 'EAI_AGAIN' };
}

/** getnameinfo(addr) without NI_NUMERICHOST: the /etc/hosts name, else the DNS failure. */
export function reverseLookup(addr: string, fs: HostFs | undefined, netns: string | undefined): { ok: true; name: string } | { ok: false; error: GaiError } {
  for (const e of readHosts(fs, netns)) if (e.addr === addr && e.names[0]) return { ok: true, name: e.names[0] };
  return { ok: false, error: 'EAI_AGAIN' };
}
