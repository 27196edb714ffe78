/**
 * IPv4 headers (RFC 791): a small parsed value (Ipv4Repr) apart from the bytes, with the header
 * checksum computed on encode and verified on decode as ip_rcv_core() does.
 */
import { internetChecksum } from './checksum.js';
import { type WireError, wireError } from './error.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const IPV4_VERSION = 4;
/** Header length without options, and the smallest legal IHL (in 32-bit words). */
export const IPV4_HLEN = 20;
export const IPV4_MIN_IHL = 5;
export const IPV4_MAX_HLEN = 60;
export const IPV4_MAX_LEN = 0xffff;
/** Linux's default TTL (net.ipv4.ip_default_ttl). */
export const IPDEFTTL = 64;

export const IPV4_VER_IHL_OFFSET = 0;
export const IPV4_TOS_OFFSET = 1;
export const IPV4_TOTLEN_OFFSET = 2;
export const IPV4_ID_OFFSET = 4;
export const IPV4_FRAG_OFFSET = 6;
export const IPV4_TTL_OFFSET = 8;
export const IPV4_PROTO_OFFSET = 9;
export const IPV4_CSUM_OFFSET = 10;
export const IPV4_SRC_OFFSET = 12;
export const IPV4_DST_OFFSET = 16;

/** Flag bits in the 16-bit flags/fragment-offset field (IP_CE, IP_DF, IP_MF, IP_OFFSET). */
export const IP_CE = 0x8000;
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_OFFSET = 0x1fff;
/** The fragment offset field counts 8-byte units. */
export const IP_FRAG_UNIT = 8;

export interface Ipv4Repr {
  /** Whole TOS byte (DSCP and ECN). */
  tos: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** Fragment offset in bytes (always a multiple of 8 on the wire). */
  fragOffset: number;
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
  /** Raw option bytes; padded with End-of-Options to a 4-byte boundary on encode. */
  options?: Uint8Array;
}

export function ipv4HeaderLen(repr: Ipv4Repr): number {
  const opt = repr.options?.length ?? 0;
  return IPV4_HLEN + ((opt + 3) & ~3);
}

/**
 * Header then payload, with total length from the payload and a fresh header checksum. The caller
 * keeps the datagram within IPV4_MAX_LEN (the kernel fragments or segments before this point).
 */
export function encodeIpv4(repr: Ipv4Repr, payload: Uint8Array): Uint8Array {
  const hlen = ipv4HeaderLen(repr);
  const out = new Uint8Array(hlen + payload.length);
  writeIpv4Header(repr, out, 0, out.length);
  out.set(payload, hlen);
  return out;
}

/** Writes the header for a datagram of `totalLength` bytes at out[offset]; returns the header length. */
export function writeIpv4Header(repr: Ipv4Repr, out: Uint8Array, offset: number, totalLength: number): number {
  const hlen = ipv4HeaderLen(repr);
  const dv = new DataView(out.buffer, out.byteOffset + offset, hlen);
  dv.setUint8(IPV4_VER_IHL_OFFSET, (IPV4_VERSION << 4) | (hlen >>> 2));
  dv.setUint8(IPV4_TOS_OFFSET, repr.tos & 0xff);
  dv.setUint16(IPV4_TOTLEN_OFFSET, totalLength & IPV4_MAX_LEN);
  dv.setUint16(IPV4_ID_OFFSET, repr.id & 0xffff);
  const frag = (repr.df ? IP_DF : 0) | (repr.mf ? IP_MF : 0) | ((repr.fragOffset / IP_FRAG_UNIT) & IP_OFFSET);
  dv.setUint16(IPV4_FRAG_OFFSET, frag);
  dv.setUint8(IPV4_TTL_OFFSET, repr.ttl & 0xff);
  dv.setUint8(IPV4_PROTO_OFFSET, repr.protocol & 0xff);
  dv.setUint16(IPV4_CSUM_OFFSET, 0);
  dv.setUint32(IPV4_SRC_OFFSET, repr.src >>> 0);
  dv.setUint32(IPV4_DST_OFFSET, repr.dst >>> 0);
  if (repr.options) {
    out.fill(0, offset + IPV4_HLEN, offset + hlen);
    out.set(repr.options, offset + IPV4_HLEN);
  }
  dv.setUint16(IPV4_CSUM_OFFSET, internetChecksum(out, offset, offset + hlen));
  return hlen;
}

/**
 * Checks a datagram the way ip_rcv_core() does (version, IHL >= 5, total length within the bytes
 * and not shorter than the header, header checksum) and splits it. Bytes beyond total length
 * (Ethernet padding) are dropped from the payload, as pskb_trim_rcsum() does.
 */
export function decodeIpv4(bytes: Uint8Array): { repr: Ipv4Repr; payload: Uint8Array } | WireError {
  if (bytes.length < IPV4_HLEN) return wireError('truncated', `IPv4 packet of ${bytes.length} bytes, header needs ${IPV4_HLEN}`);
  const verIhl = bytes[IPV4_VER_IHL_OFFSET]!;
  if (verIhl >>> 4 !== IPV4_VERSION) return wireError('bad-version', `IP version ${verIhl >>> 4}`);
  const ihl = verIhl & 0x0f;
  if (ihl < IPV4_MIN_IHL) return wireError('bad-header-length', `IHL ${ihl} is below ${IPV4_MIN_IHL}`);
  const hlen = ihl * 4;
  if (bytes.length < hlen) return wireError('truncated', `IPv4 header of ${hlen} bytes in ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const totalLength = dv.getUint16(IPV4_TOTLEN_OFFSET);
  if (totalLength < hlen) return wireError('bad-length', `total length ${totalLength} shorter than header ${hlen}`);
  if (totalLength > bytes.length) return wireError('truncated', `total length ${totalLength} but ${bytes.length} bytes present`);
  if (internetChecksum(bytes, 0, hlen) !== 0) return wireError('bad-checksum', 'IPv4 header checksum is wrong');
  const frag = dv.getUint16(IPV4_FRAG_OFFSET);
  const repr: Ipv4Repr = {
    tos: bytes[IPV4_TOS_OFFSET]!,
    id: dv.getUint16(IPV4_ID_OFFSET),
    df: (frag & IP_DF) !== 0,
    mf: (frag & IP_MF) !== 0,
    fragOffset: (frag & IP_OFFSET) * IP_FRAG_UNIT,
    ttl: bytes[IPV4_TTL_OFFSET]!,
    protocol: bytes[IPV4_PROTO_OFFSET]!,
    src: dv.getUint32(IPV4_SRC_OFFSET),
    dst: dv.getUint32(IPV4_DST_OFFSET),
  };
  if (hlen > IPV4_HLEN) repr.options = bytes.subarray(IPV4_HLEN, hlen);
  return { repr, payload: bytes.subarray(hlen, totalLength) };
}

/** Header length (bytes) from the IHL nibble, without validation; for callers that already decoded. */
export function ipv4HeaderLenOf(bytes: Uint8Array): number {
  return (bytes[IPV4_VER_IHL_OFFSET]! & 0x0f) * 4;
}

/**
 * ip_decrease_ttl(): TTL - 1 in place with the checksum patched incrementally (RFC 1624) instead of
 * recomputed. Returns the new TTL. The caller checks TTL <= 1 before forwarding, as ip_forward() does.
 */
export function decrementTtl(bytes: Uint8Array): number {
  const ttl = bytes[IPV4_TTL_OFFSET]! - 1;
  bytes[IPV4_TTL_OFFSET] = ttl;
  // TTL is the high byte of its 16-bit word, so the word drops by 0x0100 and the checksum rises by it.
  let check = ((bytes[IPV4_CSUM_OFFSET]! << 8) | bytes[IPV4_CSUM_OFFSET + 1]!) + 0x0100;
  check = (check & 0xffff) + (check >>> 16);
  bytes[IPV4_CSUM_OFFSET] = check >>> 8;
  bytes[IPV4_CSUM_OFFSET + 1] = check & 0xff;
  return ttl;
}
