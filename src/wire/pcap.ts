/**
 * Classic libpcap capture files: a writer that builds one in memory from frames stamped with
 * virtual time, and a reader (over the pcap-parser package) for captures podnet or tcpdump wrote.
 */
import { Readable } from 'node:stream';
import pcapParser, { type GlobalHeader, type PacketHeader } from 'pcap-parser';
import { err, ok, podnetError, type Result } from '../errors.js';

/** pcap-savefile(5): magic for microsecond timestamps, format version 2.4. */
export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
/** tcpdump's default snapshot length (MAXIMUM_SNAPLEN). */
export const PCAP_SNAPLEN = 262144;
export const LINKTYPE_ETHERNET = 1;
const PCAP_GLOBAL_HLEN = 24;
const PCAP_RECORD_HLEN = 16;
const USEC_PER_MS = 1000;
const USEC_PER_SEC = 1_000_000;

/** Virtual milliseconds to whole seconds and microseconds, rounding to the nearest microsecond. */
export function msToSecUsec(ms: number): { sec: number; usec: number } {
  const total = Math.max(0, Math.round(ms * USEC_PER_MS));
  return { sec: Math.floor(total / USEC_PER_SEC), usec: total % USEC_PER_SEC };
}

/** Accumulates frames and renders a little-endian pcap file (what tcpdump -w writes on x86). */
export class PcapWriter {
  private readonly chunks: Buffer[] = [];
  private count = 0;

  constructor(private readonly snaplen = PCAP_SNAPLEN, private readonly linkType = LINKTYPE_ETHERNET) {
    const h = Buffer.alloc(PCAP_GLOBAL_HLEN);
    h.writeUInt32LE(PCAP_MAGIC_USEC, 0);
    h.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
    h.writeUInt16LE(PCAP_VERSION_MINOR, 6);
    h.writeInt32LE(0, 8); // thiszone: timestamps are UTC
    h.writeUInt32LE(0, 12); // sigfigs: always 0 in practice
    h.writeUInt32LE(this.snaplen, 16);
    h.writeUInt32LE(this.linkType, 20);
    this.chunks.push(h);
  }

  /** Adds one frame seen at virtual time `tMs`; frames longer than the snaplen are cut, as a capture would. */
  add(tMs: number, frame: Uint8Array): void {
    const incl = Math.min(frame.length, this.snaplen);
    const { sec, usec } = msToSecUsec(tMs);
    const r = Buffer.alloc(PCAP_RECORD_HLEN);
    r.writeUInt32LE(sec >>> 0, 0);
    r.writeUInt32LE(usec, 4);
    r.writeUInt32LE(incl, 8);
    r.writeUInt32LE(frame.length, 12);
    // A copy: the packet path rewrites frames in place (TTL, NAT), and a capture must keep what was seen.
    this.chunks.push(r, Buffer.from(frame.subarray(0, incl)));
    this.count++;
  }

  get frames(): number {
    return this.count;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const PCAPNG_SHB_MAGIC = 0x0a0d0d0a;
const PCAP_MAGIC_NSEC = 0xa1b23c4d;

/** Formats a user may well hand us that pcap-parser cannot read, named so they know what to do. */
function unsupportedFormat(buf: Uint8Array): string | undefined {
  if (buf.length < 4) return undefined;
  const be = ((buf[0]! << 24) | (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) >>> 0;
  const le = ((buf[3]! << 24) | (buf[2]! << 16) | (buf[1]! << 8) | buf[0]!) >>> 0;
  if (be === PCAPNG_SHB_MAGIC) return 'is pcapng, only classic pcap is read (convert with `editcap -F pcap IN OUT`)';
  if (be === PCAP_MAGIC_NSEC || le === PCAP_MAGIC_NSEC) return 'has nanosecond timestamps, only microsecond pcap is read (convert with `editcap -F pcap IN OUT`)';
  return undefined;
}

export interface PcapRecord {
  /** Capture time in ms (from the file's seconds and microseconds). */
  t: number;
  bytes: Uint8Array;
  /** Length of the frame on the wire, larger than bytes.length when the capture was cut. */
  origLen: number;
}

export interface PcapFile {
  linkType: number;
  snaplen: number;
  records: PcapRecord[];
}

/**
 * Reads a classic pcap (either byte order, microsecond timestamps) from memory. A file that is not
 * pcap, or ends inside a record, is a 'parse' error naming `name`.
 */
export function readPcap(buf: Uint8Array, name = 'capture'): Promise<Result<PcapFile>> {
  const unsupported = unsupportedFormat(buf);
  if (unsupported) return Promise.resolve(err(podnetError('parse', `${name}: ${unsupported}`, { file: name })));
  return new Promise((resolve) => {
    const records: PcapRecord[] = [];
    let header: GlobalHeader | undefined;
    let failed = false;
    // One chunk, so the parser never takes its deprecated `new Buffer` path for joining chunks.
    const parser = pcapParser.parse(Readable.from([Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]));
    parser.on('globalHeader', (h: GlobalHeader) => {
      header = h;
    });
    parser.on('packet', (p: { header: PacketHeader; data: Buffer }) => {
      records.push({
        t: p.header.timestampSeconds * 1000 + p.header.timestampMicroseconds / USEC_PER_MS,
        bytes: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength),
        origLen: p.header.originalLength,
      });
    });
    parser.on('error', (e: Error) => {
      failed = true;
      resolve(err(podnetError('parse', `${name}: not a pcap file (${e.message})`, { file: name })));
    });
    parser.on('end', () => {
      if (failed) return;
      if (!header) return resolve(err(podnetError('parse', `${name}: too short for a pcap header`, { file: name })));
      if ((parser.buffer && parser.buffer.length > 0) || parser.state.name === 'parsePacketBody') {
        return resolve(err(podnetError('parse', `${name}: truncated after ${records.length} records`, { file: name })));
      }
      resolve(ok({ linkType: header.linkLayerType, snaplen: header.snapshotLength, records }));
    });
  });
}
