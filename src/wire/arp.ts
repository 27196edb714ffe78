/**
 * ARP (RFC 826) for Ethernet and IPv4, the only hardware/protocol pair the neighbour code speaks.
 */
import { MAC_LEN, macFromBytes, macToBytes } from './addr.js';
import { type WireError, wireError } from './error.js';
import { ETHERTYPE_IPV4 } from './ethernet.js';

export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
const IPV4_ALEN = 4;

export const ARP_HTYPE_OFFSET = 0;
export const ARP_PTYPE_OFFSET = 2;
export const ARP_HLEN_OFFSET = 4;
export const ARP_PLEN_OFFSET = 5;
export const ARP_OP_OFFSET = 6;
export const ARP_SHA_OFFSET = 8;
export const ARP_SPA_OFFSET = ARP_SHA_OFFSET + MAC_LEN;
export const ARP_THA_OFFSET = ARP_SPA_OFFSET + IPV4_ALEN;
export const ARP_TPA_OFFSET = ARP_THA_OFFSET + MAC_LEN;
/** Length of an Ethernet/IPv4 ARP packet (tcpdump prints it as "length 28"). */
export const ARP_LEN = ARP_TPA_OFFSET + IPV4_ALEN;

export interface ArpRepr {
  op: typeof ARPOP_REQUEST | typeof ARPOP_REPLY;
  senderMac: string;
  senderIp: number;
  targetMac: string;
  targetIp: number;
}

export function encodeArp(repr: ArpRepr): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  const dv = new DataView(out.buffer);
  dv.setUint16(ARP_HTYPE_OFFSET, ARPHRD_ETHER);
  dv.setUint16(ARP_PTYPE_OFFSET, ETHERTYPE_IPV4);
  out[ARP_HLEN_OFFSET] = MAC_LEN;
  out[ARP_PLEN_OFFSET] = IPV4_ALEN;
  dv.setUint16(ARP_OP_OFFSET, repr.op);
  macToBytes(repr.senderMac, out, ARP_SHA_OFFSET);
  dv.setUint32(ARP_SPA_OFFSET, repr.senderIp >>> 0);
  macToBytes(repr.targetMac, out, ARP_THA_OFFSET);
  dv.setUint32(ARP_TPA_OFFSET, repr.targetIp >>> 0);
  return out;
}

/** Decodes an ARP packet (the Ethernet payload; trailing padding is ignored). */
export function decodeArp(bytes: Uint8Array): ArpRepr | WireError {
  if (bytes.length < ARP_LEN) return wireError('truncated', `ARP packet of ${bytes.length} bytes, needs ${ARP_LEN}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const htype = dv.getUint16(ARP_HTYPE_OFFSET);
  const ptype = dv.getUint16(ARP_PTYPE_OFFSET);
  if (htype !== ARPHRD_ETHER || ptype !== ETHERTYPE_IPV4) {
    return wireError('unsupported', `ARP for hardware ${htype} protocol 0x${ptype.toString(16)}`);
  }
  // arp_rcv() drops packets whose address lengths do not match the device (dev->addr_len) and IPv4.
  if (bytes[ARP_HLEN_OFFSET] !== MAC_LEN || bytes[ARP_PLEN_OFFSET] !== IPV4_ALEN) {
    return wireError('malformed', 'ARP address lengths are not 6 and 4');
  }
  const op = dv.getUint16(ARP_OP_OFFSET);
  if (op !== ARPOP_REQUEST && op !== ARPOP_REPLY) return wireError('unsupported', `ARP opcode ${op}`);
  return {
    op,
    senderMac: macFromBytes(bytes, ARP_SHA_OFFSET),
    senderIp: dv.getUint32(ARP_SPA_OFFSET),
    targetMac: macFromBytes(bytes, ARP_THA_OFFSET),
    targetIp: dv.getUint32(ARP_TPA_OFFSET),
  };
}
