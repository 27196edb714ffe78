/**
 * The one-line DNS text tcpdump's ns_print() prints without -v ("4660+ A? example.com. (29)",
 * "4660* 1/0/0 A 10.96.0.1 (45)"), for trace summaries of cluster DNS traffic.
 */
import { formatIpv4 } from './addr.js';
import {
  decodeDns, DNS_CLASS_IN, DNS_HLEN, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, DNS_TYPE_NS, DNS_TYPE_PTR, DNS_TYPE_SRV,
  DNS_TYPE_TXT, type DnsRecord,
} from './dns.js';

/** tcpdump's ns_type2str for the types a cluster meets; others print as "Type<n>". */
const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS',
  252: 'AXFR', 251: 'IXFR', 255: 'ANY', 257: 'CAA',
};
const CLASS_NAMES: Record<number, string> = { 1: 'IN', 3: 'CHAOS', 4: 'HS', 255: 'ANY' };
const OPS = ['', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7', ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef'];
const RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone'];
/** Header flag bits tcpdump reports as "weirdness" in a query: AA, TC, RA, Z and RCODE. */
const QUERY_ODD_BITS = 0x6cf;

const typeName = (t: number) => TYPE_NAMES[t] ?? `Type${t}`;
const fqdn = (n: string) => `${n}.`.replace(/^\.$/, '.');

/** RFC 5952 text of an IPv6 address (longest run of two or more zero groups becomes "::"). */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function rdataText(r: DnsRecord): string {
  const d = r.data;
  const cls = r.class !== DNS_CLASS_IN ? ` ${CLASS_NAMES[r.class] ?? `(Class ${r.class})`}` : '';
  const head = `${cls} ${typeName(d.type)}`;
  if ('raw' in d) return head;
  switch (d.type) {
    case DNS_TYPE_A:
      return `${head} ${formatIpv4((d as { address: number }).address)}`;
    case DNS_TYPE_AAAA:
      return `${head} ${formatIpv6((d as { address: Uint8Array }).address)}`;
    case DNS_TYPE_CNAME:
    case DNS_TYPE_PTR:
    case DNS_TYPE_NS:
      return `${head} ${fqdn((d as { target: string }).target)}`;
    case DNS_TYPE_SRV: {
      const s = d as { target: string; port: number; priority: number; weight: number };
      return `${head} ${fqdn(s.target)}:${s.port} ${s.priority} ${s.weight}`;
    }
    case DNS_TYPE_TXT:
      return head + (d as { strings: Uint8Array[] }).strings.map((x) => ` "${Buffer.from(x).toString('latin1')}"`).join('');
    default:
      return head;
  }
}

/** ns_print() without -v for one DNS message (the UDP payload). */
export function summarizeDns(b: Uint8Array): string {
  if (b.length < DNS_HLEN) return `[|domain]`;
  const m = decodeDns(b);
  if ('wireError' in m) return `[|domain]`;
  const flags = (b[2]! << 8) | b[3]!;
  let s: string;
  if (m.qr) {
    s = `${m.id}${OPS[m.opcode]}${RCODES[m.rcode] ?? ` Resp${m.rcode}`}${m.aa ? '*' : ''}${m.ra ? '' : '-'}${m.tc ? '|' : ''}`;
    if (m.questions.length !== 1) s += ` [${m.questions.length}q]`;
    s += ` ${m.answers.length}/${m.authorities.length}/${m.additionals.length}`;
    if (m.answers.length > 0) s += m.answers.map(rdataText).join(',');
  } else {
    s = `${m.id}${OPS[m.opcode]}${m.rd ? '+' : ''}${m.cd ? '%' : ''}`;
    if (flags & QUERY_ODD_BITS) s += ` [b2&3=0x${flags.toString(16)}]`;
    if (m.questions.length !== 1) s += ` [${m.questions.length}q]`;
    if (m.answers.length) s += ` [${m.answers.length}a]`;
    if (m.authorities.length) s += ` [${m.authorities.length}n]`;
    if (m.additionals.length) s += ` [${m.additionals.length}au]`;
    const q = m.questions[0];
    if (q) s += ` ${typeName(q.type)}${q.class !== DNS_CLASS_IN ? ` ${CLASS_NAMES[q.class] ?? `(Class ${q.class})`}` : ''}? ${fqdn(q.name)}`;
  }
  return `${s} (${b.length})`;
}
