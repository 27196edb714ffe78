/** `ip link add ... type vxlan ...`: vxlan_parse_opt() for the options podnet's vxlan device models. */
import type { VxlanInfo } from '../../kernel/api.js';
import { Args, EXIT_FAIL, EXIT_USAGE, type Out, duparg2, incomplete, invarg, matches, nodev, parseCUnsigned, unsupported } from './args.js';
import { looseIpv4 } from './addrs.js';
import type { IpCtx } from './context.js';

const VXLAN_USAGE =
  'Usage: ... vxlan id VNI\n' +
  [
    '[ { group | remote } IP_ADDRESS ]', '[ local ADDR ]', '[ ttl TTL ]', '[ tos TOS ]', '[ df DF ]', '[ flowlabel LABEL ]', '[ dev PHYS_DEV ]', '[ dstport PORT ]',
    '[ srcport MIN MAX ]', '[ [no]learning ]', '[ [no]proxy ]', '[ [no]rsc ]', '[ [no]l2miss ]', '[ [no]l3miss ]', '[ ageing SECONDS ]', '[ maxaddress NUMBER ]',
    '[ [no]udpcsum ]', '[ [no]udp6zerocsumtx ]', '[ [no]udp6zerocsumrx ]', '[ [no]remcsumtx ] [ [no]remcsumrx ]', '[ [no]external ] [ gbp ] [ gpe ]', '[ [no]vnifilter ]',
  ]
    .map((l) => `\t\t${l}\n`)
    .join('') +
  '\nWhere:\tVNI\t:= 0-16777215\n\tADDR\t:= { IP_ADDRESS | any }\n\tTOS\t:= { NUMBER | inherit }\n\tTTL\t:= { 1..255 | auto | inherit }\n\tDF\t:= { unset | set | inherit }\n\tLABEL := 0-1048575\n';

/** vxlan_parse_opt()'s keyword table in its order: the first keyword a word prefixes wins. */
const KEYWORDS = [
  'id', 'vni', 'group', 'remote', 'local', 'dev', 'ttl', 'hoplimit', 'tos', 'dsfield', 'df', 'label', 'flowlabel', 'ageing', 'maxaddress', 'port', 'srcport', 'dstport',
  'nolearning', 'learning', 'noproxy', 'proxy', 'norsc', 'rsc', 'nol2miss', 'l2miss', 'nol3miss', 'l3miss', 'udpcsum', 'noudpcsum', 'udp6zerocsumtx', 'noudp6zerocsumtx',
  'udp6zerocsumrx', 'noudp6zerocsumrx', 'remcsumtx', 'noremcsumtx', 'remcsumrx', 'noremcsumrx', 'external', 'noexternal', 'gbp', 'gpe',
];

/** get_addr()'s loose IPv4 syntax, as a number for the multicast test. */
function ipv4(s: string): number | undefined {
  const a = looseIpv4(s);
  return a === undefined ? undefined : a.split('.').reduce((acc, x) => ((acc << 8) | Number(x)) >>> 0, 0);
}

const isMulticast = (n: number): boolean => n >>> 28 === 0xe;

export type VxlanOpts = Partial<VxlanInfo> & { id: number };

/** Returns the vxlan fields, or an exit status after printing iproute2's complaint. */
export function parseVxlan(ctx: IpCtx, args: string[]): VxlanOpts | number {
  const o: Out = ctx.out;
  const a = new Args(args);
  const r: Partial<VxlanInfo> = { learning: true };
  const seen = new Set<string>();
  const once = (key: string, attr: string, v: string): number | undefined => {
    if (seen.has(attr)) return duparg2(o, key, v);
    seen.add(attr);
    return undefined;
  };
  let id: number | undefined;
  let dstportGiven = false;
  while (!a.done) {
    const w = a.peek()!;
    const k = matches(w, 'help') && !KEYWORDS.some((kw) => matches(w, kw)) ? 'help' : KEYWORDS.find((kw) => matches(w, kw));
    const value = (): string | number => {
      const v = a.next();
      return v === undefined ? incomplete(o) : v;
    };
    switch (k) {
      case 'id':
      case 'vni': {
        const v = value();
        if (typeof v === 'number') return v;
        const d = once('id', 'id', v);
        if (d !== undefined) return d;
        const n = parseCUnsigned(v);
        if (n === undefined || n >= 1 << 24) return invarg(o, 'invalid id', v);
        id = n;
        break;
      }
      case 'group':
      case 'remote': {
        const other = k === 'group' ? r.remote : r.group;
        if (other !== undefined) {
          o.err('vxlan: both group and remote cannot be specified\n');
          return EXIT_FAIL;
        }
        const v = value();
        if (typeof v === 'number') return v;
        const d = once(k, 'group', v);
        if (d !== undefined) return d;
        if (v.includes(':')) return unsupported(o, 'IPv6 vxlan endpoints');
        const n = ipv4(v);
        if (n === undefined) {
          o.err(`Error: any valid address is expected rather than "${v}".\n`);
          return EXIT_FAIL;
        }
        if (k === 'group' && !isMulticast(n)) return invarg(o, 'invalid group address', v);
        if (k === 'remote' && isMulticast(n)) return invarg(o, 'invalid remote address', v);
        if (k === 'group') r.group = looseIpv4(v)!;
        else r.remote = looseIpv4(v)!;
        break;
      }
      case 'local': {
        const v = value();
        if (typeof v === 'number') return v;
        const d = once('local', 'local', v);
        if (d !== undefined) return d;
        const n = ipv4(v);
        if (n === undefined) {
          if (v.includes(':')) return unsupported(o, 'IPv6 vxlan endpoints');
          o.err(`Error: any valid address is expected rather than "${v}".\n`);
          return EXIT_FAIL;
        }
        if (isMulticast(n)) return invarg(o, 'invalid local address', v);
        r.local = looseIpv4(v)!;
        break;
      }
      case 'dev': {
        const v = value();
        if (typeof v === 'number') return v;
        const d = once('dev', 'dev', v);
        if (d !== undefined) return d;
        if (!ctx.nl.linkGet(v)) {
          // vxlan_parse_opt: exit(nodev(*argv)), and nodev() returns -1, so the status is 255.
          nodev(o, v);
          return EXIT_USAGE;
        }
        r.dev = v;
        break;
      }
      case 'ttl':
      case 'hoplimit': {
        const v = value();
        if (typeof v === 'number') return v;
        if (v === 'inherit') r.ttlInherit = true;
        else if (v === 'auto') r.ttl = 0;
        else {
          const n = parseCUnsigned(v);
          if (n === undefined) return invarg(o, 'invalid TTL', v);
          if (n > 255) return invarg(o, 'TTL must be <= 255', v);
          r.ttl = n;
        }
        break;
      }
      case 'tos':
      case 'dsfield': {
        const v = value();
        if (typeof v === 'number') return v;
        if (v === 'inherit') r.tos = 1;
        else {
          const n = parseCUnsigned(v);
          if (n === undefined || n > 255) return invarg(o, 'bad TOS value', v);
          r.tos = n;
        }
        break;
      }
      case 'dstport': {
        const v = value();
        if (typeof v === 'number') return v;
        const n = parseCUnsigned(v);
        if (n === undefined || n > 0xffff) return invarg(o, 'dst port', v);
        dstportGiven = true;
        // dstport 0 sends nothing: the kernel default (8472) applies.
        if (n !== 0) r.dstport = n;
        break;
      }
      case 'ageing': {
        const v = value();
        if (typeof v === 'number') return v;
        const n = parseCUnsigned(v);
        if (n === undefined || n > 0xffffffff) return invarg(o, 'ageing', v);
        r.ageing = n;
        break;
      }
      case 'df': {
        const v = value();
        if (typeof v === 'number') return v;
        if (v === 'set' || v === 'inherit') r.df = v;
        else if (v === 'unset') delete r.df;
        else return invarg(o, "DF must be 'unset', 'set' or 'inherit'", v);
        break;
      }
      case 'port':
      case 'srcport': {
        const lo = value();
        if (typeof lo === 'number') return lo;
        const min = parseCUnsigned(lo);
        if (min === undefined || min > 0xffff) return invarg(o, 'min port', lo);
        const hi = value();
        if (typeof hi === 'number') return hi;
        const max = parseCUnsigned(hi);
        if (max === undefined || max > 0xffff) return invarg(o, 'max port', hi);
        // Only a non-zero range is sent (IFLA_VXLAN_PORT_RANGE).
        if (min || max) r.srcport = { min, max };
        break;
      }
      case 'nolearning':
        r.learning = false;
        break;
      case 'learning':
        r.learning = true;
        break;
      case 'noproxy':
      case 'proxy':
        r.proxy = k === 'proxy';
        break;
      case 'nol2miss':
      case 'l2miss':
        r.l2miss = k === 'l2miss';
        break;
      case 'nol3miss':
      case 'l3miss':
        r.l3miss = k === 'l3miss';
        break;
      case 'udpcsum':
      case 'noudpcsum':
        r.udpcsum = k === 'udpcsum';
        break;
      case 'help':
        o.err(VXLAN_USAGE);
        return EXIT_FAIL;
      case undefined:
        if (w === 'vnifilter' || w === 'novnifilter') return unsupported(o, `vxlan ${w}`);
        o.err(`vxlan: unknown command "${w}"?\n`);
        o.err(VXLAN_USAGE);
        return EXIT_FAIL;
      default:
        return unsupported(o, `vxlan ${k}`);
    }
    a.advance();
  }
  if (id === undefined) {
    o.err('vxlan: missing virtual network identifier\n');
    return EXIT_FAIL;
  }
  if (r.group !== undefined && r.dev === undefined) {
    o.err("vxlan: 'group' requires 'dev' to be specified\n");
    return EXIT_FAIL;
  }
  if (!dstportGiven) {
    o.err(
      'vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\n' +
        "Use 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n",
    );
  }
  return { ...r, id };
}
