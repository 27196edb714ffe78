/**
 * UDP and TCP segments of an skb as bytes, with their pseudo-header checksums; kept apart from
 * skb_bytes.ts so the transport encoders can be swapped for wire/udp.ts and wire/tcp.ts.
 */
import { internetChecksum, pseudoHeaderSum } from '../wire/checksum.js';
import { optionBytes as tcpOptionBytes, parseOptions as parseTcpOptions } from '../wire/tcp.js';
import { IPPROTO_TCP, IPPROTO_UDP, UDP_HLEN, type SkBuff } from './skb.js';

export function encodeL4Other(skb: SkBuff): Uint8Array {
  const ip = skb.ip!;
  if (skb.udp) {
    const len = UDP_HLEN + skb.payload.length;
    const out = new Uint8Array(len);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, skb.udp.sport);
    dv.setUint16(2, skb.udp.dport);
    dv.setUint16(4, len);
    out.set(skb.payload, UDP_HLEN);
    const c = internetChecksum(out, 0, len, pseudoHeaderSum(ip.src, ip.dst, IPPROTO_UDP, len));
    if (!skb.udp.noChecksum) dv.setUint16(6, c === 0 ? 0xffff : c);
    return out;
  }
  if (skb.tcp) {
    const t = skb.tcp;
    // Options in Linux's order and padding (tcp_options_write), as wire/tcp.ts lays them out.
    const opts = tcpOptionBytes(t);
    const hlen = 20 + opts.length;
    const len = hlen + skb.payload.length;
    const out = new Uint8Array(len);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, t.sport);
    dv.setUint16(2, t.dport);
    dv.setUint32(4, t.seq >>> 0);
    dv.setUint32(8, t.ack >>> 0);
    dv.setUint8(12, (hlen / 4) << 4);
    dv.setUint8(13, t.flags);
    dv.setUint16(14, t.window);
    out.set(opts, 20);
    out.set(skb.payload, hlen);
    dv.setUint16(16, internetChecksum(out, 0, len, pseudoHeaderSum(ip.src, ip.dst, IPPROTO_TCP, len)));
    return out;
  }
  return skb.payload;
}

/**
 * Parse a reassembled (or otherwise byte-only) IP payload into the skb's L4 header fields;
 * false when it is malformed (the caller drops it).
 */
export function parseL4Into(skb: SkBuff, data: Uint8Array): boolean {
  const ip = skb.ip!;
  skb.icmp = undefined;
  skb.udp = undefined;
  skb.tcp = undefined;
  if (ip.protocol === IPPROTO_UDP) {
    if (data.length < UDP_HLEN) return false;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    skb.udp = { sport: dv.getUint16(0), dport: dv.getUint16(2) };
    skb.payload = data.subarray(UDP_HLEN);
    return true;
  }
  if (ip.protocol === IPPROTO_TCP) {
    if (data.length < 20) return false;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const hlen = (data[12]! >> 4) * 4;
    if (hlen < 20 || hlen > data.length) return false;
    const o = parseTcpOptions(data, 20, hlen);
    skb.tcp = { sport: dv.getUint16(0), dport: dv.getUint16(2), seq: dv.getUint32(4), ack: dv.getUint32(8), flags: data[13]!, window: dv.getUint16(14) };
    if (o.mss !== undefined) skb.tcp.mss = o.mss;
    if (o.sackPermitted) skb.tcp.sackPermitted = true;
    if (o.wscale !== undefined) skb.tcp.wscale = o.wscale;
    if (o.timestamps) skb.tcp.timestamps = o.timestamps;
    skb.payload = data.subarray(hlen);
    return true;
  }
  if (ip.protocol === 1) {
    if (data.length < 8) return false;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const type = data[0]!;
    const code = data[1]!;
    skb.icmp = { type, code, id: dv.getUint16(4), seq: dv.getUint16(6), mtu: dv.getUint16(6), gateway: dv.getUint32(4) };
    skb.payload = data.subarray(8);
    return true;
  }
  skb.payload = data;
  return true;
}
