/**
 * TCP segments over IPv4 (RFC 9293): header, flags, the options Linux sends and parses (MSS,
 * window scale, SACK-permitted, SACK, timestamps), and the checksum over the IPv4 pseudo-header.
 */
import { foldComplement, pseudoHeaderSum, sumWords } from './checksum.js';
import { type WireError, wireError } from './error.js';
import { IPPROTO_TCP } from './ipv4.js';

export const TCP_HLEN = 20;
export const TCP_MAX_HLEN = 60;
export const TCP_SPORT_OFFSET = 0;
export const TCP_DPORT_OFFSET = 2;
export const TCP_SEQ_OFFSET = 4;
export const TCP_ACK_OFFSET = 8;
export const TCP_DOFF_OFFSET = 12;
export const TCP_FLAGS_OFFSET = 13;
export const TCP_WINDOW_OFFSET = 14;
export const TCP_CSUM_OFFSET = 16;
export const TCP_URG_OFFSET = 18;
export const TCP_DOFF_SHIFT = 4;
const TCP_MIN_DOFF = 5;

export const TCP_FLAG_FIN = 0x01;
export const TCP_FLAG_SYN = 0x02;
export const TCP_FLAG_RST = 0x04;
export const TCP_FLAG_PSH = 0x08;
export const TCP_FLAG_ACK = 0x10;
export const TCP_FLAG_URG = 0x20;
export const TCP_FLAG_ECE = 0x40;
export const TCP_FLAG_CWR = 0x80;

/** Option kinds and lengths (TCPOPT_* / TCPOLEN_* in include/net/tcp.h). */
export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;
const TCPOLEN_MSS = 4;
const TCPOLEN_WINDOW = 3;
const TCPOLEN_SACK_PERM = 2;
const TCPOLEN_SACK_BASE = 2;
const TCPOLEN_SACK_PERBLOCK = 8;
const TCPOLEN_TIMESTAMP = 10;

export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
}

export interface TcpOptions {
  mss?: number;
  wscale?: number;
  sackPermitted?: boolean;
  timestamps?: { tsval: number; tsecr: number };
  /** SACK blocks as [left, right) sequence pairs. */
  sack?: { left: number; right: number }[];
}

export interface TcpRepr {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: TcpFlags;
  /** The raw 16-bit window field (before window scaling). */
  window: number;
  urgent: number;
  options: TcpOptions;
}

const NO_FLAGS: TcpFlags = { fin: false, syn: false, rst: false, psh: false, ack: false, urg: false, ece: false, cwr: false };

/** A full flag set from the flags that are on: tcpFlags({ syn: true, ack: true }). */
export function tcpFlags(on: Partial<TcpFlags>): TcpFlags {
  return { ...NO_FLAGS, ...on };
}

export function tcpFlagsByte(f: TcpFlags): number {
  return (
    (f.fin ? TCP_FLAG_FIN : 0) | (f.syn ? TCP_FLAG_SYN : 0) | (f.rst ? TCP_FLAG_RST : 0) | (f.psh ? TCP_FLAG_PSH : 0) |
    (f.ack ? TCP_FLAG_ACK : 0) | (f.urg ? TCP_FLAG_URG : 0) | (f.ece ? TCP_FLAG_ECE : 0) | (f.cwr ? TCP_FLAG_CWR : 0)
  );
}

export function tcpFlagsFromByte(b: number): TcpFlags {
  return {
    fin: (b & TCP_FLAG_FIN) !== 0, syn: (b & TCP_FLAG_SYN) !== 0, rst: (b & TCP_FLAG_RST) !== 0, psh: (b & TCP_FLAG_PSH) !== 0,
    ack: (b & TCP_FLAG_ACK) !== 0, urg: (b & TCP_FLAG_URG) !== 0, ece: (b & TCP_FLAG_ECE) !== 0, cwr: (b & TCP_FLAG_CWR) !== 0,
  };
}

/**
 * Option bytes in the order and with the NOP padding of Linux tcp_options_write(): MSS; timestamps
 * (preceded by SACK-permitted when both, else by two NOPs); SACK-permitted alone after two NOPs;
 * NOP + window scale; two NOPs + SACK blocks. So a SYN reads "mss,sackOK,TS,nop,wscale" like Linux's.
 */
export function optionBytes(o: TcpOptions): number[] {
  const b: number[] = [];
  const u32 = (v: number) => b.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (o.mss !== undefined) b.push(TCPOPT_MSS, TCPOLEN_MSS, (o.mss >>> 8) & 0xff, o.mss & 0xff);
  if (o.timestamps) {
    if (o.sackPermitted) b.push(TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM);
    else b.push(TCPOPT_NOP, TCPOPT_NOP);
    b.push(TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
    u32(o.timestamps.tsval);
    u32(o.timestamps.tsecr);
  } else if (o.sackPermitted) {
    b.push(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM);
  }
  if (o.wscale !== undefined) b.push(TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW, o.wscale & 0xff);
  // Like tcp_established_options(), send only the SACK blocks that fit in the 40 option bytes.
  const sackRoom = Math.floor((TCP_MAX_HLEN - TCP_HLEN - b.length - 2 - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK);
  const sack = o.sack?.slice(0, Math.max(0, sackRoom)) ?? [];
  if (sack.length > 0) {
    b.push(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * sack.length);
    for (const blk of sack) {
      u32(blk.left);
      u32(blk.right);
    }
  }
  while (b.length % 4 !== 0) b.push(TCPOPT_EOL);
  return b;
}

export function encodeTcp(repr: TcpRepr, payload: Uint8Array, srcIp: number, dstIp: number): Uint8Array {
  const opts = optionBytes(repr.options);
  const hlen = TCP_HLEN + opts.length;
  const len = hlen + payload.length;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint16(TCP_SPORT_OFFSET, repr.sport & 0xffff);
  dv.setUint16(TCP_DPORT_OFFSET, repr.dport & 0xffff);
  dv.setUint32(TCP_SEQ_OFFSET, repr.seq >>> 0);
  dv.setUint32(TCP_ACK_OFFSET, repr.ack >>> 0);
  dv.setUint8(TCP_DOFF_OFFSET, (hlen >>> 2) << TCP_DOFF_SHIFT);
  dv.setUint8(TCP_FLAGS_OFFSET, tcpFlagsByte(repr.flags));
  dv.setUint16(TCP_WINDOW_OFFSET, repr.window & 0xffff);
  dv.setUint16(TCP_URG_OFFSET, repr.urgent & 0xffff);
  for (let i = 0; i < hlen - TCP_HLEN; i++) out[TCP_HLEN + i] = opts[i]!;
  out.set(payload, hlen);
  dv.setUint16(TCP_CSUM_OFFSET, foldComplement(sumWords(out, 0, len, pseudoHeaderSum(srcIp, dstIp, IPPROTO_TCP, len))));
  return out;
}

/**
 * Parses options like tcp_parse_options(): a malformed option ends parsing without failing the
 * segment; unknown kinds are skipped.
 */
export function parseOptions(bytes: Uint8Array, start: number, end: number): TcpOptions {
  const o: TcpOptions = {};
  const u32 = (i: number) => ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === TCPOPT_EOL) break;
    if (kind === TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) break;
    const olen = bytes[i + 1]!;
    if (olen < 2 || i + olen > end) break;
    if (kind === TCPOPT_MSS && olen === TCPOLEN_MSS) o.mss = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    else if (kind === TCPOPT_WINDOW && olen === TCPOLEN_WINDOW) o.wscale = bytes[i + 2]!;
    else if (kind === TCPOPT_SACK_PERM && olen === TCPOLEN_SACK_PERM) o.sackPermitted = true;
    else if (kind === TCPOPT_TIMESTAMP && olen === TCPOLEN_TIMESTAMP) o.timestamps = { tsval: u32(i + 2), tsecr: u32(i + 6) };
    else if (kind === TCPOPT_SACK && olen > TCPOLEN_SACK_BASE && (olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK === 0) {
      o.sack = [];
      for (let j = i + TCPOLEN_SACK_BASE; j < i + olen; j += TCPOLEN_SACK_PERBLOCK) o.sack.push({ left: u32(j), right: u32(j + 4) });
    }
    i += olen;
  }
  return o;
}

/**
 * Splits a segment (the IP payload) as tcp_v4_rcv() checks it: data offset at least 5 words and
 * within the bytes, checksum correct unless the caller opts out.
 */
export function decodeTcp(
  bytes: Uint8Array,
  srcIp: number,
  dstIp: number,
  opts?: { verifyChecksum?: boolean },
): { repr: TcpRepr; payload: Uint8Array } | WireError {
  if (bytes.length < TCP_HLEN) return wireError('truncated', `TCP segment of ${bytes.length} bytes, header needs ${TCP_HLEN}`);
  const doff = bytes[TCP_DOFF_OFFSET]! >>> TCP_DOFF_SHIFT;
  if (doff < TCP_MIN_DOFF) return wireError('bad-header-length', `TCP data offset ${doff} is below ${TCP_MIN_DOFF}`);
  const hlen = doff * 4;
  if (hlen > bytes.length) return wireError('truncated', `TCP header of ${hlen} bytes in ${bytes.length}`);
  if (opts?.verifyChecksum !== false) {
    if (foldComplement(sumWords(bytes, 0, bytes.length, pseudoHeaderSum(srcIp, dstIp, IPPROTO_TCP, bytes.length))) !== 0) {
      return wireError('bad-checksum', 'TCP checksum is wrong');
    }
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    repr: {
      sport: dv.getUint16(TCP_SPORT_OFFSET),
      dport: dv.getUint16(TCP_DPORT_OFFSET),
      seq: dv.getUint32(TCP_SEQ_OFFSET),
      ack: dv.getUint32(TCP_ACK_OFFSET),
      flags: tcpFlagsFromByte(bytes[TCP_FLAGS_OFFSET]!),
      window: dv.getUint16(TCP_WINDOW_OFFSET),
      urgent: dv.getUint16(TCP_URG_OFFSET),
      options: parseOptions(bytes, TCP_HLEN, hlen),
    },
    payload: bytes.subarray(hlen),
  };
}
