/**
 * The packet buffer that travels the whole path (the kernel's sk_buff): parsed headers that stages
 * read and rewrite, plus metadata (device, packet type, mark, owning socket). Bytes are produced only
 * when a tap needs them (see skb_bytes.ts), so an untapped hop never re-encodes.
 */
import type { NetDevice } from './netdevice.js';
import { optionBytes as tcpOptionBytes } from '../wire/tcp.js';

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPIP = 4;

export const IPV4_HLEN = 20;
export const ICMP_HLEN = 8;
export const UDP_HLEN = 8;
export const TCP_HLEN = 20;

/** PACKET_* classification of a received frame by destination MAC (eth_type_trans). */
export const enum PktType {
  HOST = 0,
  BROADCAST = 1,
  MULTICAST = 2,
  OTHERHOST = 3,
  OUTGOING = 4,
  LOOPBACK = 5,
}

export interface Ipv4Hdr {
  tos: number;
  /** Total length, header included. */
  totalLen: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOff: number;
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
}

export interface ArpHdr {
  op: 1 | 2;
  senderMac: string;
  senderIp: number;
  targetMac: string;
  targetIp: number;
}

/** ICMP header; for errors `quote` is the offending datagram's IP header and first 8 bytes' meaning. */
export interface IcmpHdr {
  type: number;
  code: number;
  /** Echo identifier/sequence. */
  id: number;
  seq: number;
  /** Next-hop MTU for fragmentation-needed. */
  mtu: number;
  /** Gateway for redirects. */
  gateway: number;
  quote?: Quote;
}

/**
 * What an ICMP error carries of the original datagram: icmp_send() copies as much of it as fits in
 * 576 bytes (IP header 20 + ICMP header 8 + 548 of the original), not just header + 8 bytes.
 */
export interface Quote {
  /** Snapshot of the offending datagram (its headers as they were when the error was built). */
  skb: SkBuff;
  /** Bytes of it quoted: min(original total length, 548). */
  len: number;
}

export const ICMP_QUOTE_MAX = 576 - IPV4_HLEN - ICMP_HLEN;

export interface UdpHdr {
  sport: number;
  dport: number;
  /** Sent with checksum 0 ("no checksum"), as a vxlan device with `noudpcsum` does. */
  noChecksum?: boolean;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface TcpHdr {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** MSS option on SYNs. */
  mss?: number;
  /** The other options Linux sends (wire/tcp.ts TcpOptions): SACK-permitted and window scale on SYNs, timestamps on every segment once both ends offered them. */
  sackPermitted?: boolean;
  wscale?: number;
  timestamps?: { tsval: number; tsecr: number };
}

export type L4Hdr = IcmpHdr | UdpHdr | TcpHdr;

export interface SkBuff {
  ethDst: string;
  ethSrc: string;
  ethertype: number;
  arp: ArpHdr | undefined;
  ip: Ipv4Hdr | undefined;
  icmp: IcmpHdr | undefined;
  udp: UdpHdr | undefined;
  tcp: TcpHdr | undefined;
  /** Upper-layer payload (after the L4 header), or the IP payload for protocols we do not parse. */
  payload: Uint8Array;
  /** Current device (input while receiving, output while sending). */
  dev: NetDevice | undefined;
  pktType: PktType;
  mark: number;
  /** Socket that created the packet, for local error reporting (ip_local_error / IP_RECVERR). */
  sk: SocketRef | undefined;
  /** Cached wire bytes of the whole frame; cleared whenever a header changes. */
  bytes: Uint8Array | undefined;
  /** Set by ip_rcv for packets that arrived from outside this namespace (vs. locally generated). */
  iif: number;
  /** The frame went through PREROUTING on the bridge path (br_netfilter), so IP input skips it. */
  nfBridged?: boolean;
  /** Type of the output route a looped-back packet keeps as its skb_dst (local or broadcast). */
  loopDst?: 'local' | 'broadcast';
  /** skb->_nfct: the conntrack entry, shared by clones as skb_clone shares it. */
  nfct?: unknown;
}

/** The minimal face of a socket the stack needs to report errors back to it. */
export interface SocketRef {
  errReport(e: import('./api.js').SocketError, skb: SkBuff): void;
}

export function newSkb(): SkBuff {
  return {
    ethDst: '',
    ethSrc: '',
    ethertype: 0,
    arp: undefined,
    ip: undefined,
    icmp: undefined,
    udp: undefined,
    tcp: undefined,
    payload: EMPTY,
    dev: undefined,
    pktType: PktType.HOST,
    mark: 0,
    sk: undefined,
    bytes: undefined,
    iif: 0,
  };
}

export const EMPTY = new Uint8Array(0);

/** skb_clone + pskb_copy of the headers a later stage may rewrite (TTL, MACs); payload is shared. */
export function cloneSkb(s: SkBuff): SkBuff {
  return {
    ethDst: s.ethDst,
    ethSrc: s.ethSrc,
    ethertype: s.ethertype,
    arp: s.arp,
    ip: s.ip ? { ...s.ip } : undefined,
    // NAT rewrites ports in place: every copy owns its transport header.
    icmp: s.icmp ? { ...s.icmp } : undefined,
    udp: s.udp ? { ...s.udp } : undefined,
    tcp: s.tcp ? { ...s.tcp } : undefined,
    payload: s.payload,
    dev: s.dev,
    pktType: s.pktType,
    mark: s.mark,
    sk: s.sk,
    bytes: s.bytes,
    iif: s.iif,
    ...(s.nfBridged ? { nfBridged: true } : {}),
    ...(s.nfct !== undefined ? { nfct: s.nfct } : {}),
  };
}

/** Length of the L4 header the skb carries. */
export function l4HeaderLen(s: SkBuff): number {
  if (s.icmp) return ICMP_HLEN + (s.icmp.quote ? quoteLen(s.icmp.quote) : 0);
  if (s.udp) return UDP_HLEN;
  if (s.tcp) return TCP_HLEN + tcpOptionBytes(s.tcp).length;
  return 0;
}

export function quoteLen(q: Quote): number {
  return q.len;
}

/** IP total length of a datagram with this L4 content. */
export function ipTotalLen(s: SkBuff): number {
  return IPV4_HLEN + l4HeaderLen(s) + s.payload.length;
}
