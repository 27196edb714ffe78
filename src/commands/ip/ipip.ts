/** `ip link add ... type ipip ...`: iptunnel_parse_opt() for the IPv4-in-IPv4 options podnet models. */
import { Args, EXIT_FAIL, EXIT_USAGE, type Out, incomplete, invarg, matches, nodev, parseCUnsigned, unsupported } from './args.js';
import { looseIpv4 } from './addrs.js';
import type { IpCtx } from './context.js';

const IPIP_USAGE =
  'Usage: ... ipip  \t[ remote ADDR ]\n' +
  ['[ local ADDR ]', '[ ttl TTL ]', '[ tos TOS ]', '[ [no]pmtudisc ]', '[ 6rd-prefix ADDR ]', '[ 6rd-relay_prefix ADDR ]', '[ 6rd-reset ]', '[ dev PHYS_DEV ]', '[ fwmark MARK ]',
    '[ external ]', '[ noencap ]', '[ encap { fou | gue | none } ]', '[ encap-sport PORT ]', '[ encap-dport PORT ]', '[ [no]encap-csum ]', '[ [no]encap-csum6 ]',
    '[ [no]encap-remcsum ]', '[ mode { ipip | mplsip | any } ]']
    .map((l) => `\t\t\t${l}\n`)
    .join('') +
  '\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tMARK := { 0x0..0xffffffff }\n';

export interface IpipOpts {
  local?: string;
  remote?: string;
  dev?: string;
  ttl?: number;
}

/** get_addr(..., AF_INET) where "any" means unset. */
function endpoint(o: Out, v: string): string | null | number {
  if (v === 'any') return null;
  const a = looseIpv4(v);
  if (a === undefined) {
    o.err(`Error: inet address is expected rather than "${v}".\n`);
    return EXIT_FAIL;
  }
  return a === '0.0.0.0' ? null : a;
}

export function parseIpip(ctx: IpCtx, args: string[]): IpipOpts | number {
  const o = ctx.out;
  const a = new Args(args);
  const r: IpipOpts = {};
  let pmtudisc = true;
  while (!a.done) {
    const w = a.peek()!;
    const next = (): string | number => a.next() ?? incomplete(o);
    if (w === 'mode') {
      const v = next();
      if (typeof v === 'number') return v;
      if (v === 'ipv4/ipv4' || v === 'ipip' || v === 'ip4ip4') {
        // The default for a created ipip tunnel.
      } else if (v === 'mpls/ipv4' || v === 'mplsip' || v === 'any/ipv4' || v === 'any') {
        return unsupported(o, `ipip mode ${v}`);
      } else return invarg(o, 'Cannot guess tunnel mode.', v);
    } else if (w === 'remote' || w === 'local') {
      const v = next();
      if (typeof v === 'number') return v;
      const e = endpoint(o, v);
      if (typeof e === 'number') return e;
      if (e === null) delete r[w];
      else r[w] = e;
    } else if (matches(w, 'dev')) {
      const v = next();
      if (typeof v === 'number') return v;
      if (!ctx.nl.linkGet(v)) {
        nodev(o, v);
        return EXIT_FAIL;
      }
      r.dev = v;
    } else if (w === 'ttl' || w === 'hoplimit' || w === 'hlim') {
      const v = next();
      if (typeof v === 'number') return v;
      if (v === 'inherit') r.ttl = 0;
      else {
        const n = parseCUnsigned(v);
        if (n === undefined || n > 255) return invarg(o, 'invalid TTL\n', v);
        r.ttl = n;
      }
    } else if (w === 'nopmtudisc') {
      pmtudisc = false;
    } else if (w === 'pmtudisc') {
      pmtudisc = true;
    } else if (w === 'tos' || w === 'tclass' || w === 'tc' || matches(w, 'dsfield') || w === 'noencap' || w === 'encap' || w.startsWith('encap-') || w.startsWith('noencap-') || w === 'external' || w === 'fwmark' || w.startsWith('6rd-')) {
      return unsupported(o, `ipip ${w}`);
    } else {
      o.err(IPIP_USAGE);
      return EXIT_FAIL;
    }
    a.advance();
  }
  if (r.ttl && !pmtudisc) {
    o.err('ttl != 0 and nopmtudisc are incompatible\n');
    return EXIT_USAGE;
  }
  if (!pmtudisc) return unsupported(o, 'ipip nopmtudisc');
  return r;
}
