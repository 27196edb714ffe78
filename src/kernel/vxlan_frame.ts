/**
 * Turns what a tunnel carried as bytes (an Ethernet frame for VXLAN, a bare IPv4 datagram for
 * IP-in-IP) back into a packet buffer, the way the receiving kernel sees it after decapsulation:
 * ARP or IPv4 with its transport header (and, for ICMP errors, the quoted datagram). Malformed
 * input gives undefined: the caller drops it.
 */
import { decodeEthernet } from '../wire/ethernet.js';
import { decodeArp } from '../wire/arp.js';
import { decodeIpv4 } from '../wire/ipv4.js';
import { isWireError } from '../wire/error.js';
import { ETH_P_ARP, ETH_P_IP, IPPROTO_ICMP, IPV4_HLEN, newSkb, type Ipv4Hdr, type SkBuff } from './skb.js';
import { parseL4Into } from './skb_l4.js';

/** ICMP types whose body quotes the offending datagram. */
const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);
const ICMP_HLEN = 8;

export function skbFromFrame(bytes: Uint8Array): SkBuff | undefined {
  const eth = decodeEthernet(bytes);
  if (isWireError(eth)) return undefined;
  const skb = newSkb();
  skb.ethDst = eth.repr.dst;
  skb.ethSrc = eth.repr.src;
  skb.ethertype = eth.repr.ethertype;
  if (eth.repr.ethertype === ETH_P_ARP) {
    const arp = decodeArp(eth.payload);
    if (isWireError(arp)) return undefined;
    skb.arp = { op: arp.op, senderMac: arp.senderMac, senderIp: arp.senderIp, targetMac: arp.targetMac, targetIp: arp.targetIp };
    return skb;
  }
  if (eth.repr.ethertype !== ETH_P_IP) {
    skb.payload = eth.payload;
    return skb;
  }
  return ipInto(skb, eth.payload, false) ? skb : undefined;
}

/** An IPv4 datagram carried without a link-layer header (IP-in-IP); undefined when malformed. */
export function skbFromIp(bytes: Uint8Array): SkBuff | undefined {
  const skb = newSkb();
  return ipInto(skb, bytes, false) ? skb : undefined;
}

/** Parse an IPv4 datagram (possibly a truncated quote) into skb. */
function ipInto(skb: SkBuff, bytes: Uint8Array, quote: boolean): boolean {
  let hdr: Ipv4Hdr;
  let payload: Uint8Array;
  if (quote) {
    // A quote is cut at 548 bytes, so its total length may exceed what is present: read the header by hand.
    if (bytes.length < IPV4_HLEN) return false;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const hlen = (bytes[0]! & 0x0f) * 4;
    if (hlen < IPV4_HLEN || hlen > bytes.length) return false;
    const frag = dv.getUint16(6);
    hdr = { tos: bytes[1]!, totalLen: dv.getUint16(2), id: dv.getUint16(4), df: (frag & 0x4000) !== 0, mf: (frag & 0x2000) !== 0, fragOff: (frag & 0x1fff) * 8, ttl: bytes[8]!, protocol: bytes[9]!, src: dv.getUint32(12), dst: dv.getUint32(16) };
    payload = bytes.subarray(hlen);
  } else {
    const ip = decodeIpv4(bytes);
    if (isWireError(ip)) return false;
    const r = ip.repr;
    hdr = { tos: r.tos, totalLen: 0, id: r.id, df: r.df, mf: r.mf, fragOff: r.fragOffset, ttl: r.ttl, protocol: r.protocol, src: r.src, dst: r.dst };
    payload = ip.payload;
    hdr.totalLen = IPV4_HLEN + payload.length;
  }
  skb.ip = hdr;
  skb.ethertype = ETH_P_IP;
  // A fragment (first one included) keeps its bytes raw, as the stack's own fragments do, until
  // reassembly parses the whole datagram.
  if (hdr.fragOff > 0 || (hdr.mf && !quote)) {
    skb.payload = payload;
    return true;
  }
  if (!parseL4Into(skb, payload)) return quote;
  if (hdr.protocol === IPPROTO_ICMP && skb.icmp && ICMP_ERROR_TYPES.has(skb.icmp.type) && !quote) {
    const inner = newSkb();
    const body = payload.subarray(ICMP_HLEN);
    if (ipInto(inner, body, true)) {
      skb.icmp.quote = { skb: inner, len: body.length };
      skb.payload = new Uint8Array(0);
    }
  }
  return true;
}
