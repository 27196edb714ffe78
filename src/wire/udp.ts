/**
 * UDP over IPv4 (RFC 768): ports, length, and the checksum over the IPv4 pseudo-header, where a
 * zero checksum means "none" (as VXLAN senders use by default).
 */
import { foldComplement, pseudoHeaderSum, sumWords } from './checksum.js';
import { type WireError, wireError } from './error.js';
import { IPPROTO_UDP } from './ipv4.js';

export const UDP_HLEN = 8;
export const UDP_SPORT_OFFSET = 0;
export const UDP_DPORT_OFFSET = 2;
export const UDP_LEN_OFFSET = 4;
export const UDP_CSUM_OFFSET = 6;
/** RFC 768: a computed checksum of zero is sent as all ones, because zero means "no checksum". */
const CSUM_MANGLED_0 = 0xffff;

export interface UdpRepr {
  sport: number;
  dport: number;
  /** Send (or was received with) checksum 0: no checksum, e.g. VXLAN without `udpcsum`. */
  noChecksum?: boolean;
}

export function encodeUdp(repr: UdpRepr, payload: Uint8Array, srcIp: number, dstIp: number): Uint8Array {
  const len = UDP_HLEN + payload.length;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint16(UDP_SPORT_OFFSET, repr.sport & 0xffff);
  dv.setUint16(UDP_DPORT_OFFSET, repr.dport & 0xffff);
  dv.setUint16(UDP_LEN_OFFSET, len & 0xffff);
  out.set(payload, UDP_HLEN);
  if (!repr.noChecksum) {
    const c = foldComplement(sumWords(out, 0, len, pseudoHeaderSum(srcIp, dstIp, IPPROTO_UDP, len)));
    dv.setUint16(UDP_CSUM_OFFSET, c === 0 ? CSUM_MANGLED_0 : c);
  }
  return out;
}

/**
 * Splits a datagram (the IP payload) as udp_rcv() checks it: the length field must cover the header
 * and fit the bytes present (bytes after it are trimmed); a nonzero checksum must verify.
 */
export function decodeUdp(
  bytes: Uint8Array,
  srcIp: number,
  dstIp: number,
  opts?: { verifyChecksum?: boolean },
): { repr: UdpRepr; payload: Uint8Array } | WireError {
  if (bytes.length < UDP_HLEN) return wireError('truncated', `UDP datagram of ${bytes.length} bytes, header needs ${UDP_HLEN}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint16(UDP_LEN_OFFSET);
  if (len < UDP_HLEN || len > bytes.length) return wireError('bad-length', `UDP length ${len} with ${bytes.length} bytes present`);
  const csum = dv.getUint16(UDP_CSUM_OFFSET);
  if (csum !== 0 && opts?.verifyChecksum !== false) {
    if (foldComplement(sumWords(bytes, 0, len, pseudoHeaderSum(srcIp, dstIp, IPPROTO_UDP, len))) !== 0) {
      return wireError('bad-checksum', 'UDP checksum is wrong');
    }
  }
  const repr: UdpRepr = { sport: dv.getUint16(UDP_SPORT_OFFSET), dport: dv.getUint16(UDP_DPORT_OFFSET) };
  if (csum === 0) repr.noChecksum = true;
  return { repr, payload: bytes.subarray(UDP_HLEN, len) };
}
