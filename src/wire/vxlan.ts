/**
 * The VXLAN header (RFC 7348): eight bytes of flags and a 24-bit VNI in front of an inner Ethernet
 * frame, carried in UDP to port 4789 (IANA) or 8472 (the Linux default, used by flannel).
 */
import { type WireError, wireError } from './error.js';

export const VXLAN_HLEN = 8;
/** IANA-assigned VXLAN port; `ip link add type vxlan dstport 4789`, Calico VXLAN. */
export const IANA_VXLAN_UDP_PORT = 4789;
/** The kernel's historic default when no dstport is given, and flannel's VXLAN port. */
export const LINUX_VXLAN_UDP_PORT = 8472;
/** The "I" flag: the VNI field is valid (VXLAN_HF_VNI). Linux drops frames without it. */
export const VXLAN_FLAG_VNI = 0x08;
export const VXLAN_VNI_MAX = 0xffffff;
export const VXLAN_FLAGS_OFFSET = 0;
export const VXLAN_VNI_OFFSET = 4;
export const VXLAN_VNI_SHIFT = 8;

export interface VxlanRepr {
  vni: number;
  /** Flag byte; VXLAN_FLAG_VNI unless an extension is in use. */
  flags?: number;
}

/** The VXLAN header followed by the inner frame. */
export function encodeVxlan(repr: VxlanRepr, innerFrame: Uint8Array): Uint8Array {
  const out = new Uint8Array(VXLAN_HLEN + innerFrame.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(VXLAN_FLAGS_OFFSET, repr.flags ?? VXLAN_FLAG_VNI);
  dv.setUint32(VXLAN_VNI_OFFSET, ((repr.vni & VXLAN_VNI_MAX) << VXLAN_VNI_SHIFT) >>> 0);
  out.set(innerFrame, VXLAN_HLEN);
  return out;
}

/** Splits a UDP payload into header and inner frame (a view); no I flag is an error, as in vxlan_rcv(). */
export function decodeVxlan(bytes: Uint8Array): { repr: VxlanRepr; payload: Uint8Array } | WireError {
  if (bytes.length < VXLAN_HLEN) return wireError('truncated', `VXLAN header needs ${VXLAN_HLEN} bytes, got ${bytes.length}`);
  const flags = bytes[VXLAN_FLAGS_OFFSET]!;
  if ((flags & VXLAN_FLAG_VNI) === 0) return wireError('malformed', 'VXLAN header without the I (VNI valid) flag');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vni = dv.getUint32(VXLAN_VNI_OFFSET) >>> VXLAN_VNI_SHIFT;
  const repr: VxlanRepr = flags === VXLAN_FLAG_VNI ? { vni } : { vni, flags };
  return { repr, payload: bytes.subarray(VXLAN_HLEN) };
}
