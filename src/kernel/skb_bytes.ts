/**
 * Serialises a packet buffer to the bytes that would be on the wire, through the wire/ encoders.
 * Only taps (pcap, onFrame) and ICMP quotes call it, so an untapped hop never pays for encoding.
 */
import { encodeEthernet } from '../wire/ethernet.js';
import { encodeArp } from '../wire/arp.js';
import { encodeIpv4 } from '../wire/ipv4.js';
import { encodeIcmp, type IcmpRepr } from '../wire/icmp.js';
import { ETH_P_ARP, IPV4_HLEN, type IcmpHdr, type SkBuff } from './skb.js';
import { encodeL4Other } from './skb_l4.js';

/** The IP datagram (header + payload) of an skb. */
export function ipBytes(skb: SkBuff): Uint8Array {
  const ip = skb.ip!;
  return encodeIpv4(
    { tos: ip.tos, id: ip.id, df: ip.df, mf: ip.mf, fragOffset: ip.fragOff, ttl: ip.ttl, protocol: ip.protocol, src: ip.src, dst: ip.dst },
    l4Bytes(skb),
  );
}

export function icmpRepr(h: IcmpHdr, payload: Uint8Array): IcmpRepr {
  switch (h.type) {
    case 0:
    case 8:
      return { kind: h.type === 8 ? 'echo-request' : 'echo-reply', id: h.id, seq: h.seq, data: payload };
    case 3: {
      const original = quoteBytes(h);
      return h.code === 4 ? { kind: 'dest-unreachable', code: h.code, mtu: h.mtu, original } : { kind: 'dest-unreachable', code: h.code, original };
    }
    case 11:
      return { kind: 'time-exceeded', code: h.code, original: quoteBytes(h) };
    case 5:
      return { kind: 'redirect', code: h.code, gateway: h.gateway, original: quoteBytes(h) };
    default:
      return { kind: 'other', type: h.type, code: h.code, rest: ((h.id & 0xffff) << 16) | (h.seq & 0xffff), body: payload };
  }
}

function quoteBytes(h: IcmpHdr): Uint8Array {
  if (!h.quote) return new Uint8Array(0);
  return ipBytes(h.quote.skb).subarray(0, h.quote.len);
}

/** L4 header + payload. */
export function l4Bytes(skb: SkBuff): Uint8Array {
  if (skb.ip && skb.ip.fragOff > 0) return skb.payload;
  if (skb.icmp) return encodeIcmp(icmpRepr(skb.icmp, skb.payload));
  return encodeL4Other(skb);
}

/** The whole Ethernet frame. */
export function frameBytes(skb: SkBuff): Uint8Array {
  if (skb.bytes) return skb.bytes;
  let payload: Uint8Array;
  if (skb.ethertype === ETH_P_ARP && skb.arp) payload = encodeArp(skb.arp);
  else if (skb.ip) payload = ipBytes(skb);
  else payload = skb.payload;
  const out = encodeEthernet({ dst: skb.ethDst, src: skb.ethSrc, ethertype: skb.ethertype }, payload);
  skb.bytes = out;
  return out;
}

export { IPV4_HLEN };
