/**
 * ICMP for IPv4 (RFC 792, RFC 1191): echo, and the errors the kernel sends and understands
 * (destination unreachable with every code, time exceeded, redirect), with the quoting rule of
 * Linux icmp_send().
 */
import { internetChecksum } from './checksum.js';
import { type WireError, wireError } from './error.js';
import { IPV4_HLEN } from './ipv4.js';

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;

/** Codes for ICMP_DEST_UNREACH (include/uapi/linux/icmp.h). */
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
/** Fragmentation needed and DF set; carries the next-hop MTU (RFC 1191). */
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_SR_FAILED = 5;
export const ICMP_NET_UNKNOWN = 6;
export const ICMP_HOST_UNKNOWN = 7;
export const ICMP_HOST_ISOLATED = 8;
/** Network administratively prohibited (iptables REJECT --reject-with icmp-net-prohibited). */
export const ICMP_NET_ANO = 9;
/** Host administratively prohibited (REJECT icmp-host-prohibited; `ip route add prohibit`). */
export const ICMP_HOST_ANO = 10;
export const ICMP_NET_UNR_TOS = 11;
export const ICMP_HOST_UNR_TOS = 12;
/** Communication administratively prohibited (REJECT icmp-admin-prohibited). */
export const ICMP_PKT_FILTERED = 13;
export const ICMP_PREC_VIOLATION = 14;
export const ICMP_PREC_CUTOFF = 15;

/** Codes for ICMP_TIME_EXCEEDED. */
export const ICMP_EXC_TTL = 0;
export const ICMP_EXC_FRAGTIME = 1;

/** Codes for ICMP_REDIRECT. */
export const ICMP_REDIR_NET = 0;
export const ICMP_REDIR_HOST = 1;
export const ICMP_REDIR_NETTOS = 2;
export const ICMP_REDIR_HOSTTOS = 3;

export const ICMP_HLEN = 8;
export const ICMP_TYPE_OFFSET = 0;
export const ICMP_CODE_OFFSET = 1;
export const ICMP_CSUM_OFFSET = 2;
export const ICMP_ID_OFFSET = 4;
export const ICMP_SEQ_OFFSET = 6;
/** Frag-needed puts the MTU in the low 16 bits of the second word (RFC 1191 section 4). */
export const ICMP_MTU_OFFSET = 6;
export const ICMP_GATEWAY_OFFSET = 4;
export const ICMP_REST_OFFSET = 4;

/** RFC 1812 4.3.2.3 / icmp_send(): an ICMP error datagram is at most 576 bytes. */
export const ICMP_ERROR_MAX_DATAGRAM = 576;

export type IcmpRepr =
  | { kind: 'echo-request' | 'echo-reply'; id: number; seq: number; data: Uint8Array }
  /** `original` is the offending IP header and its leading payload bytes; `mtu` only for ICMP_FRAG_NEEDED. */
  | { kind: 'dest-unreachable'; code: number; mtu?: number; original: Uint8Array }
  | { kind: 'time-exceeded'; code: number; original: Uint8Array }
  | { kind: 'redirect'; code: number; gateway: number; original: Uint8Array }
  /** Any other type, kept verbatim so that decode/encode round-trips. */
  | { kind: 'other'; type: number; code: number; rest: number; body: Uint8Array };

export function icmpType(repr: IcmpRepr): number {
  switch (repr.kind) {
    case 'echo-request':
      return ICMP_ECHO;
    case 'echo-reply':
      return ICMP_ECHOREPLY;
    case 'dest-unreachable':
      return ICMP_DEST_UNREACH;
    case 'time-exceeded':
      return ICMP_TIME_EXCEEDED;
    case 'redirect':
      return ICMP_REDIRECT;
    case 'other':
      return repr.type;
  }
}

function bodyOf(repr: IcmpRepr): Uint8Array {
  switch (repr.kind) {
    case 'echo-request':
    case 'echo-reply':
      return repr.data;
    case 'other':
      return repr.body;
    default:
      return repr.original;
  }
}

export function encodeIcmp(repr: IcmpRepr): Uint8Array {
  const body = bodyOf(repr);
  const out = new Uint8Array(ICMP_HLEN + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(ICMP_TYPE_OFFSET, icmpType(repr));
  switch (repr.kind) {
    case 'echo-request':
    case 'echo-reply':
      dv.setUint16(ICMP_ID_OFFSET, repr.id & 0xffff);
      dv.setUint16(ICMP_SEQ_OFFSET, repr.seq & 0xffff);
      break;
    case 'dest-unreachable':
      dv.setUint8(ICMP_CODE_OFFSET, repr.code);
      if (repr.mtu !== undefined) dv.setUint16(ICMP_MTU_OFFSET, repr.mtu & 0xffff);
      break;
    case 'time-exceeded':
      dv.setUint8(ICMP_CODE_OFFSET, repr.code);
      break;
    case 'redirect':
      dv.setUint8(ICMP_CODE_OFFSET, repr.code);
      dv.setUint32(ICMP_GATEWAY_OFFSET, repr.gateway >>> 0);
      break;
    case 'other':
      dv.setUint8(ICMP_CODE_OFFSET, repr.code);
      dv.setUint32(ICMP_REST_OFFSET, repr.rest >>> 0);
      break;
  }
  out.set(body, ICMP_HLEN);
  dv.setUint16(ICMP_CSUM_OFFSET, internetChecksum(out));
  return out;
}

/** Decodes an ICMP message (the IP payload), verifying its checksum as icmp_rcv() does. */
export function decodeIcmp(bytes: Uint8Array): IcmpRepr | WireError {
  if (bytes.length < ICMP_HLEN) return wireError('truncated', `ICMP message of ${bytes.length} bytes, header needs ${ICMP_HLEN}`);
  if (internetChecksum(bytes) !== 0) return wireError('bad-checksum', 'ICMP checksum is wrong');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[ICMP_TYPE_OFFSET]!;
  const code = bytes[ICMP_CODE_OFFSET]!;
  const body = bytes.subarray(ICMP_HLEN);
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      if (code !== 0) break;
      return {
        kind: type === ICMP_ECHO ? 'echo-request' : 'echo-reply',
        id: dv.getUint16(ICMP_ID_OFFSET),
        seq: dv.getUint16(ICMP_SEQ_OFFSET),
        data: body,
      };
    case ICMP_DEST_UNREACH:
      if (dv.getUint32(ICMP_REST_OFFSET) !== 0 && code !== ICMP_FRAG_NEEDED) break;
      return code === ICMP_FRAG_NEEDED
        ? { kind: 'dest-unreachable', code, mtu: dv.getUint16(ICMP_MTU_OFFSET), original: body }
        : { kind: 'dest-unreachable', code, original: body };
    case ICMP_TIME_EXCEEDED:
      if (dv.getUint32(ICMP_REST_OFFSET) !== 0) break;
      return { kind: 'time-exceeded', code, original: body };
    case ICMP_REDIRECT:
      return { kind: 'redirect', code, gateway: dv.getUint32(ICMP_GATEWAY_OFFSET), original: body };
  }
  // Unusual but legal bits (a nonzero code on echo, unused words set) stay verbatim so re-encoding is exact.
  return { kind: 'other', type, code, rest: dv.getUint32(ICMP_REST_OFFSET), body };
}

/** True for the types that quote an offending datagram (icmp_pointers[].error in the kernel). */
export function isIcmpError(type: number): boolean {
  return (
    type === ICMP_DEST_UNREACH ||
    type === ICMP_SOURCE_QUENCH ||
    type === ICMP_REDIRECT ||
    type === ICMP_TIME_EXCEEDED ||
    type === ICMP_PARAMETERPROB
  );
}

/**
 * How much of the offending datagram (its IP header first) an ICMP error quotes, as icmp_send():
 * room = min(route MTU, 576) - IP header - reply options - ICMP header, and the quote is the whole
 * datagram when it fits, else its first `room` bytes. Returns a view, not a copy.
 */
export function icmpErrorQuote(original: Uint8Array, opts?: { mtu?: number; replyOptionsLen?: number }): Uint8Array {
  const mtu = opts?.mtu ?? ICMP_ERROR_MAX_DATAGRAM;
  const room = Math.min(mtu, ICMP_ERROR_MAX_DATAGRAM) - IPV4_HLEN - (opts?.replyOptionsLen ?? 0) - ICMP_HLEN;
  return original.subarray(0, Math.max(0, Math.min(original.length, room)));
}
