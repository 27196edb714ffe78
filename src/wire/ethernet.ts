/**
 * Ethernet II frames (IEEE 802.3 with an EtherType), optionally with one 802.1Q VLAN tag: the
 * header every frame in podnet starts with, loopback frames included, as on Linux.
 */
import { MAC_LEN, macFromBytes, macToBytes } from './addr.js';
import { type WireError, wireError } from './error.js';

export const ETH_HLEN = 14;
export const VLAN_HLEN = 4;
export const ETH_DST_OFFSET = 0;
export const ETH_SRC_OFFSET = ETH_DST_OFFSET + MAC_LEN;
export const ETH_TYPE_OFFSET = ETH_SRC_OFFSET + MAC_LEN;
/** 802.1Q: the tag control information follows the TPID that sits where the EtherType would. */
const VLAN_TCI_OFFSET = ETH_TYPE_OFFSET + 2;
export const VLAN_INNER_TYPE_OFFSET = VLAN_TCI_OFFSET + 2;
const VLAN_VID_MASK = 0x0fff;
const VLAN_PCP_SHIFT = 13;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;

/** Minimum frame without FCS; real NICs pad to it, veth and bridges inside a host do not. */
export const ETH_ZLEN = 60;

export interface EthernetRepr {
  /** "aa:bb:cc:dd:ee:ff", lower case. */
  dst: string;
  src: string;
  /** EtherType of the payload (the inner one when tagged). */
  ethertype: number;
  /** 802.1Q VLAN id, when the frame carries a tag. */
  vlan?: number;
  /** 802.1Q priority code point; only meaningful with vlan. */
  pcp?: number;
}

export function ethernetHeaderLen(repr: EthernetRepr): number {
  return repr.vlan === undefined ? ETH_HLEN : ETH_HLEN + VLAN_HLEN;
}

export function encodeEthernet(repr: EthernetRepr, payload: Uint8Array): Uint8Array {
  const hlen = ethernetHeaderLen(repr);
  const out = new Uint8Array(hlen + payload.length);
  macToBytes(repr.dst, out, ETH_DST_OFFSET);
  macToBytes(repr.src, out, ETH_SRC_OFFSET);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (repr.vlan === undefined) {
    dv.setUint16(ETH_TYPE_OFFSET, repr.ethertype);
  } else {
    dv.setUint16(ETH_TYPE_OFFSET, ETHERTYPE_VLAN);
    dv.setUint16(VLAN_TCI_OFFSET, ((repr.pcp ?? 0) << VLAN_PCP_SHIFT) | (repr.vlan & VLAN_VID_MASK));
    dv.setUint16(VLAN_INNER_TYPE_OFFSET, repr.ethertype);
  }
  out.set(payload, hlen);
  return out;
}

/** Header and payload of a frame; the payload is a view into `bytes` (trailing padding included). */
export function decodeEthernet(bytes: Uint8Array): { repr: EthernetRepr; payload: Uint8Array } | WireError {
  if (bytes.length < ETH_HLEN) return wireError('truncated', `ethernet frame of ${bytes.length} bytes, header needs ${ETH_HLEN}`);
  const outer = (bytes[ETH_TYPE_OFFSET]! << 8) | bytes[ETH_TYPE_OFFSET + 1]!;
  const dst = macFromBytes(bytes, ETH_DST_OFFSET);
  const src = macFromBytes(bytes, ETH_SRC_OFFSET);
  if (outer !== ETHERTYPE_VLAN) {
    return { repr: { dst, src, ethertype: outer }, payload: bytes.subarray(ETH_HLEN) };
  }
  if (bytes.length < ETH_HLEN + VLAN_HLEN) return wireError('truncated', '802.1Q tag cut short');
  const tci = (bytes[VLAN_TCI_OFFSET]! << 8) | bytes[VLAN_TCI_OFFSET + 1]!;
  const ethertype = (bytes[VLAN_INNER_TYPE_OFFSET]! << 8) | bytes[VLAN_INNER_TYPE_OFFSET + 1]!;
  return {
    repr: { dst, src, ethertype, vlan: tci & VLAN_VID_MASK, pcp: tci >>> VLAN_PCP_SHIFT },
    payload: bytes.subarray(ETH_HLEN + VLAN_HLEN),
  };
}
