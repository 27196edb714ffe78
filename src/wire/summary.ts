/**
 * One-line, tcpdump-like summaries of frames for traces: the text `tcpdump -n -S` prints after the
 * timestamp (stateless, so TCP sequence numbers are absolute), checked against tcpdump itself.
 */
import { formatIpv4, macFromBytes } from './addr.js';
import { ARP_LEN, ARP_OP_OFFSET, ARP_SHA_OFFSET, ARP_SPA_OFFSET, ARP_TPA_OFFSET, ARPOP_REPLY, ARPOP_REQUEST } from './arp.js';
import { ETH_HLEN, ETH_TYPE_OFFSET, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_VLAN, VLAN_HLEN, VLAN_INNER_TYPE_OFFSET } from './ethernet.js';
import {
  ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_FRAG_NEEDED, ICMP_HLEN, ICMP_PORT_UNREACH, ICMP_PROT_UNREACH,
  ICMP_REDIRECT, ICMP_SOURCE_QUENCH, ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB, ICMP_TYPE_OFFSET, ICMP_CODE_OFFSET, ICMP_ID_OFFSET,
  ICMP_SEQ_OFFSET, ICMP_MTU_OFFSET, ICMP_GATEWAY_OFFSET, ICMP_REST_OFFSET, ICMP_EXC_TTL, ICMP_EXC_FRAGTIME,
  ICMP_NET_UNREACH, ICMP_HOST_UNREACH, ICMP_SR_FAILED, ICMP_NET_UNKNOWN, ICMP_HOST_UNKNOWN, ICMP_HOST_ISOLATED, ICMP_NET_ANO,
  ICMP_HOST_ANO, ICMP_NET_UNR_TOS, ICMP_HOST_UNR_TOS, ICMP_PKT_FILTERED, ICMP_PREC_VIOLATION, ICMP_PREC_CUTOFF,
} from './icmp.js';
import {
  IP_OFFSET, IP_FRAG_UNIT, IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP, IPV4_DST_OFFSET,
  IPV4_FRAG_OFFSET, IPV4_HLEN, IPV4_PROTO_OFFSET, IPV4_SRC_OFFSET, IPV4_TOTLEN_OFFSET, IPV4_VERSION, IPV4_VER_IHL_OFFSET,
} from './ipv4.js';
import {
  TCP_FLAG_ACK, TCP_FLAG_CWR, TCP_FLAG_ECE, TCP_FLAG_FIN, TCP_FLAG_PSH, TCP_FLAG_RST, TCP_FLAG_SYN, TCP_FLAG_URG,
  TCP_HLEN, TCP_SPORT_OFFSET, TCP_DPORT_OFFSET, TCP_SEQ_OFFSET, TCP_ACK_OFFSET, TCP_DOFF_OFFSET, TCP_DOFF_SHIFT,
  TCP_FLAGS_OFFSET, TCP_WINDOW_OFFSET, TCP_URG_OFFSET, TCPOPT_EOL, TCPOPT_MSS, TCPOPT_NOP, TCPOPT_SACK, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WINDOW,
} from './tcp.js';
import { UDP_DPORT_OFFSET, UDP_HLEN, UDP_LEN_OFFSET, UDP_SPORT_OFFSET } from './udp.js';
import { IANA_VXLAN_UDP_PORT, LINUX_VXLAN_UDP_PORT, VXLAN_FLAG_VNI, VXLAN_FLAGS_OFFSET, VXLAN_HLEN, VXLAN_VNI_OFFSET, VXLAN_VNI_SHIFT } from './vxlan.js';
import { summarizeDns } from './dns_summary.js';
import { DNS_PORT } from './dns.js';

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const ihlBytes = (ip: Uint8Array) => (ip[IPV4_VER_IHL_OFFSET]! & 0x0f) * 4;

/** Summary of an Ethernet frame (as tcpdump without -e). Encapsulated frames (VXLAN) continue on the same line. */
export function summarizeFrame(frame: Uint8Array): string {
  if (frame.length < ETH_HLEN) return `[|ether]`;
  let type = u16(frame, ETH_TYPE_OFFSET);
  let off = ETH_HLEN;
  if (type === ETHERTYPE_VLAN && frame.length >= ETH_HLEN + VLAN_HLEN) {
    type = u16(frame, VLAN_INNER_TYPE_OFFSET);
    off += VLAN_HLEN;
  }
  const payload = frame.subarray(off);
  if (type === ETHERTYPE_IPV4) return summarizeIpv4(payload);
  if (type === ETHERTYPE_ARP) return summarizeArp(payload);
  if (type === ETHERTYPE_IPV6) return `IP6, length ${payload.length}`;
  return `ethertype Unknown (0x${type.toString(16).padStart(4, '0')}), length ${frame.length}`;
}

/** tcpdump's print-arp.c lines for Ethernet/IPv4 ARP. */
export function summarizeArp(p: Uint8Array): string {
  if (p.length < ARP_LEN) return 'ARP, [|arp]';
  const op = u16(p, ARP_OP_OFFSET);
  const spa = formatIpv4(u32(p, ARP_SPA_OFFSET));
  const tpa = formatIpv4(u32(p, ARP_TPA_OFFSET));
  if (op === ARPOP_REQUEST) return `ARP, Request who-has ${tpa} tell ${spa}, length ${p.length}`;
  if (op === ARPOP_REPLY) return `ARP, Reply ${spa} is-at ${macFromBytes(p, ARP_SHA_OFFSET)}, length ${p.length}`;
  return `ARP, Unknown (${op}), length ${p.length}`;
}

/** Summary of an IPv4 datagram starting at its header, "IP a > b: ...". */
export function summarizeIpv4(p: Uint8Array): string {
  if (p.length < IPV4_HLEN || p[IPV4_VER_IHL_OFFSET]! >>> 4 !== IPV4_VERSION) return 'IP [|ip]';
  const hlen = ihlBytes(p);
  const total = u16(p, IPV4_TOTLEN_OFFSET);
  const src = formatIpv4(u32(p, IPV4_SRC_OFFSET));
  const dst = formatIpv4(u32(p, IPV4_DST_OFFSET));
  if (hlen < IPV4_HLEN || total < hlen) return `IP ${src} > ${dst}: [|ip]`;
  const frag = u16(p, IPV4_FRAG_OFFSET);
  const offset = (frag & IP_OFFSET) * IP_FRAG_UNIT;
  const proto = p[IPV4_PROTO_OFFSET]!;
  const body = p.subarray(hlen, Math.min(total, p.length));
  // print-ip.c: only the first fragment has the upper-layer header; later ones name the protocol.
  if (offset !== 0) return `IP ${src} > ${dst}: ${protoName(proto)}`;
  switch (proto) {
    case IPPROTO_ICMP:
      return `IP ${src} > ${dst}: ICMP ${summarizeIcmp(body)}`;
    case IPPROTO_UDP:
      return summarizeUdp(src, dst, body);
    case IPPROTO_TCP:
      return summarizeTcp(src, dst, body);
    case IPPROTO_IPIP:
      return `IP ${src} > ${dst}: ${summarizeIpv4(body)}`;
    default:
      return `IP ${src} > ${dst}: ${protoName(proto)} ${body.length}`;
  }
}

/** tcpdump without -v names a non-first fragment's protocol by number only. */
function protoName(proto: number): string {
  return `ip-proto-${proto}`;
}

/** The quoted datagram's destination and the port line of a port-unreachable error. */
function quotedDst(q: Uint8Array): string {
  return q.length >= IPV4_HLEN ? formatIpv4(u32(q, IPV4_DST_OFFSET)) : '?';
}

/** print-icmp.c unreach2str: the codes without a special printer. */
const UNREACH: Record<number, string> = {
  [ICMP_NET_UNREACH]: 'net %s unreachable',
  [ICMP_HOST_UNREACH]: 'host %s unreachable',
  [ICMP_SR_FAILED]: '%s unreachable - source route failed',
  [ICMP_NET_UNKNOWN]: 'net %s unreachable - unknown',
  [ICMP_HOST_UNKNOWN]: 'host %s unreachable - unknown',
  [ICMP_HOST_ISOLATED]: '%s unreachable - source host isolated',
  [ICMP_NET_ANO]: 'net %s unreachable - admin prohibited',
  [ICMP_HOST_ANO]: 'host %s unreachable - admin prohibited',
  [ICMP_NET_UNR_TOS]: 'net %s unreachable - tos prohibited',
  [ICMP_HOST_UNR_TOS]: 'host %s unreachable - tos prohibited',
  [ICMP_PKT_FILTERED]: 'host %s unreachable - admin prohibited filter',
  [ICMP_PREC_VIOLATION]: 'host %s unreachable - host precedence violation',
  [ICMP_PREC_CUTOFF]: 'host %s unreachable - precedence cutoff',
};

/** print-icmp.c for the types podnet sends; "length" is the ICMP message length. */
export function summarizeIcmp(m: Uint8Array): string {
  if (m.length < ICMP_HLEN) return '[|icmp]';
  const type = m[ICMP_TYPE_OFFSET]!;
  const code = m[ICMP_CODE_OFFSET]!;
  const len = `, length ${m.length}`;
  const q = m.subarray(ICMP_HLEN);
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      return `echo ${type === ICMP_ECHO ? 'request' : 'reply'}, id ${u16(m, ICMP_ID_OFFSET)}, seq ${u16(m, ICMP_SEQ_OFFSET)}${len}`;
    case ICMP_DEST_UNREACH: {
      const d = quotedDst(q);
      if (code === ICMP_PROT_UNREACH) return `${d} protocol ${q[IPV4_PROTO_OFFSET] ?? 0} unreachable${len}`;
      if (code === ICMP_PORT_UNREACH) {
        const qh = q.length >= IPV4_HLEN ? ihlBytes(q) : IPV4_HLEN;
        const qp = q[IPV4_PROTO_OFFSET];
        const port = q.length >= qh + TCP_DPORT_OFFSET + 2 ? u16(q, qh + TCP_DPORT_OFFSET) : 0;
        const pname = qp === IPPROTO_TCP ? 'tcp' : qp === IPPROTO_UDP ? 'udp' : `proto-${qp}`;
        return `${d} ${pname} port ${port} unreachable${len}`;
      }
      if (code === ICMP_FRAG_NEEDED) {
        const mtu = u16(m, ICMP_MTU_OFFSET);
        return `${d} unreachable - need to frag${mtu ? ` (mtu ${mtu})` : ''}${len}`;
      }
      const fmt = UNREACH[code];
      return fmt ? `${fmt.replace('%s', d)}${len}` : `${d} unreachable - #${code}${len}`;
    }
    case ICMP_TIME_EXCEEDED:
      return `${code === ICMP_EXC_TTL ? 'time exceeded in-transit' : code === ICMP_EXC_FRAGTIME ? 'ip reassembly time exceeded' : `time exceeded-#${code}`}${len}`;
    case ICMP_REDIRECT: {
      const gw = formatIpv4(u32(m, ICMP_GATEWAY_OFFSET));
      const kind = ['redirect %s to net %s', 'redirect %s to host %s', 'redirect-tos %s to net %s', 'redirect-tos %s to host %s'][code];
      return kind ? `${kind.replace('%s', quotedDst(q)).replace('%s', gw)}${len}` : `redirect-#${code} ${quotedDst(q)} to ${gw}${len}`;
    }
    case ICMP_SOURCE_QUENCH:
      return `source quench${len}`;
    case ICMP_PARAMETERPROB:
      return `parameter problem - octet ${m[ICMP_REST_OFFSET]}${len}`;
    default:
      return `type-#${type}${len}`;
  }
}

function summarizeUdp(src: string, dst: string, u: Uint8Array): string {
  if (u.length < UDP_HLEN) return `IP ${src} > ${dst}: [|udp]`;
  const sport = u16(u, UDP_SPORT_OFFSET);
  const dport = u16(u, UDP_DPORT_OFFSET);
  const ulen = u16(u, UDP_LEN_OFFSET);
  const head = `IP ${src}.${sport} > ${dst}.${dport}:`;
  const body = u.subarray(UDP_HLEN, Math.max(UDP_HLEN, Math.min(ulen, u.length)));
  if (dport === IANA_VXLAN_UDP_PORT && body.length >= VXLAN_HLEN) {
    // print-vxlan.c, then the inner frame tcpdump prints with its link-layer header.
    return `${head} VXLAN, ${vxlanFlags(body)}, vni ${vni(body)} ${innerFrame(body.subarray(VXLAN_HLEN))}`;
  }
  if (dport === LINUX_VXLAN_UDP_PORT && body.length >= VXLAN_HLEN) {
    // tcpdump decodes 8472 as Cisco OTV (same header shape: flags, 24-bit instance id).
    return `${head} OTV, ${vxlanFlags(body)}, overlay 0, instance ${vni(body)} ${innerFrame(body.subarray(VXLAN_HLEN))}`;
  }
  if (sport === DNS_PORT || dport === DNS_PORT) return `${head} ${summarizeDns(body)}`;
  return `${head} UDP, length ${ulen - UDP_HLEN}`;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const vxlanFlags = (v: Uint8Array) => `flags [${v[VXLAN_FLAGS_OFFSET]! & VXLAN_FLAG_VNI ? 'I' : '.'}] (0x${hex2(v[VXLAN_FLAGS_OFFSET]!)})`;
const vni = (v: Uint8Array) => u32(v, VXLAN_VNI_OFFSET) >>> VXLAN_VNI_SHIFT;

/**
 * tcpdump prints an encapsulated frame on its own line, in the same form as an outer one; a trace
 * line keeps both, joined by one space.
 */
function innerFrame(f: Uint8Array): string {
  return summarizeFrame(f);
}

/** TCP flags in tcpdump's order (FSRP.UEW), from the header's flag byte. */
export function tcpFlagString(f: number): string {
  let s = '';
  if (f & TCP_FLAG_FIN) s += 'F';
  if (f & TCP_FLAG_SYN) s += 'S';
  if (f & TCP_FLAG_RST) s += 'R';
  if (f & TCP_FLAG_PSH) s += 'P';
  if (f & TCP_FLAG_ACK) s += '.';
  if (f & TCP_FLAG_URG) s += 'U';
  if (f & TCP_FLAG_ECE) s += 'E';
  if (f & TCP_FLAG_CWR) s += 'W';
  return s || 'none';
}

function tcpOptions(t: Uint8Array, start: number, end: number): string {
  const out: string[] = [];
  let i = start;
  while (i < end) {
    const kind = t[i]!;
    if (kind === TCPOPT_NOP) {
      out.push('nop');
      i++;
      continue;
    }
    if (kind === TCPOPT_EOL) {
      out.push('eol');
      i++;
      continue;
    }
    const len = t[i + 1] ?? 0;
    if (len < 2 || i + len > end) {
      out.push(`bad opt`);
      break;
    }
    switch (kind) {
      case TCPOPT_MSS:
        out.push(`mss ${u16(t, i + 2)}`);
        break;
      case TCPOPT_WINDOW:
        out.push(`wscale ${t[i + 2]}`);
        break;
      case TCPOPT_SACK_PERM:
        out.push('sackOK');
        break;
      case TCPOPT_TIMESTAMP:
        out.push(`TS val ${u32(t, i + 2)} ecr ${u32(t, i + 6)}`);
        break;
      case TCPOPT_SACK: {
        const n = (len - 2) / 8;
        let s = `sack ${n} `;
        for (let j = i + 2; j + 8 <= i + len; j += 8) s += `{${u32(t, j)}:${u32(t, j + 4)}}`;
        out.push(s);
        break;
      }
      default:
        out.push(`unknown-${kind}`);
    }
    i += len;
  }
  return out.join(',');
}

/** Ports tcpdump hands to its HTTP printer (print-tcp.c: TCP_PORT_HTTP and the alternates). */
const HTTP_PORTS = new Set([80, 3128, 8000, 8080]);
const HTTP_START = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|TRACE|CONNECT|PATCH|HTTP\/\d\.\d) /;

function summarizeTcp(src: string, dst: string, t: Uint8Array): string {
  if (t.length < TCP_HLEN) return `IP ${src} > ${dst}: [|tcp]`;
  const sport = u16(t, TCP_SPORT_OFFSET);
  const dport = u16(t, TCP_DPORT_OFFSET);
  const head = `IP ${src}.${sport} > ${dst}.${dport}:`;
  const hlen = (t[TCP_DOFF_OFFSET]! >>> TCP_DOFF_SHIFT) * 4;
  if (hlen < TCP_HLEN) return `${head} tcp ${t.length} [bad hdr length ${hlen} - too short, < ${TCP_HLEN}]`;
  if (hlen > t.length) return `${head} Flags [${tcpFlagString(t[TCP_FLAGS_OFFSET]!)}] [bad hdr length ${hlen} - too long, > ${t.length}]`;
  const flags = t[TCP_FLAGS_OFFSET]!;
  const seq = u32(t, TCP_SEQ_OFFSET);
  const len = t.length - hlen;
  let s = `${head} Flags [${tcpFlagString(flags)}]`;
  if (len > 0 || flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST)) s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
  if (flags & TCP_FLAG_ACK) s += `, ack ${u32(t, TCP_ACK_OFFSET)}`;
  s += `, win ${u16(t, TCP_WINDOW_OFFSET)}`;
  if (flags & TCP_FLAG_URG) s += `, urg ${u16(t, TCP_URG_OFFSET)}`;
  if (hlen > TCP_HLEN) s += `, options [${tcpOptions(t, TCP_HLEN, hlen)}]`;
  s += `, length ${len}`;
  if (len > 0 && (HTTP_PORTS.has(sport) || HTTP_PORTS.has(dport))) {
    const payload = t.subarray(hlen);
    const nl = payload.indexOf(0x0a);
    const line = Buffer.from(payload.subarray(0, nl < 0 ? payload.length : nl)).toString('latin1').replace(/\r$/, '');
    s += HTTP_START.test(line) ? `: HTTP: ${line}` : ': HTTP';
  }
  return s;
}
