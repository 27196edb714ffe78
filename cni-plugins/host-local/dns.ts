/**
 * host-local's resolvConf option (plugins v1.1.1 plugins/ipam/host-local/dns.go): read a resolv.conf
 * from the host's file system into the result's DNS block.
 */
import type { HostFs } from '../../src/world/fs.js';
import type { Dns } from '../../src/cni/spec.js';

export type ParsedDns = { ok: true; value: Dns } | { ok: false; message: string };

export function parseResolvConf(fs: HostFs, path: string): ParsedDns {
  const text = fs.read(path);
  if (!text.ok) return { ok: false, message: `open ${path}: ${text.error.message.charAt(0).toLowerCase()}${text.error.message.slice(1)}` };
  const nameservers: string[] = [];
  const search: string[] = [];
  const options: string[] = [];
  let domain = '';
  for (const raw of text.value.split('\n')) {
    const line = raw.trim();
    // Comments and blank lines are skipped, as is any line with a keyword but no value.
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 2) continue;
    if (fields[0] === 'nameserver') nameservers.push(fields[1]!);
    else if (fields[0] === 'domain') domain = fields[1]!;
    else if (fields[0] === 'search') search.push(...fields.slice(1));
    else if (fields[0] === 'options') options.push(...fields.slice(1));
  }
  // types.DNS field order, each omitted when empty.
  return {
    ok: true,
    value: {
      ...(nameservers.length ? { nameservers } : {}),
      ...(domain ? { domain } : {}),
      ...(search.length ? { search } : {}),
      ...(options.length ? { options } : {}),
    },
  };
}
