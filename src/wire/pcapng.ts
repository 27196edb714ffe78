/**
 * pcapng capture files (draft-ietf-opsawg-pcapng) written in memory: one Interface Description
 * Block per (host, netns, device), so a capture of a whole emulated cluster keeps where each frame
 * was seen, with the direction in each Enhanced Packet Block's flags and comment.
 */
import type { FrameEvent } from '../world/api.js';
import { LINKTYPE_ETHERNET, msToSecUsec, PCAP_SNAPLEN } from './pcap.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_VERSION_MAJOR = 1;
const PCAPNG_VERSION_MINOR = 0;
/** Section length unknown (-1 as a 64-bit value): we never seek. */
const SECTION_LENGTH_UNSPECIFIED = -1n;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;
/** epb_flags bits 0-1: direction (1 inbound, 2 outbound). */
const EPB_FLAG_INBOUND = 1;
const EPB_FLAG_OUTBOUND = 2;
/** if_tsresol 6: timestamps count microseconds (also the default, written for clarity). */
const TSRESOL_USEC = 6;
const USEC_PER_SEC = 1_000_000n;

const BLOCK_OVERHEAD = 12; // type + total length + trailing total length
const SHB_BODY = 16; // magic, versions, section length
const IDB_BODY = 8; // linktype, reserved, snaplen
const EPB_BODY = 20; // interface id, ts high, ts low, captured len, original len

const pad4 = (n: number) => (n + 3) & ~3;

function optionsSize(opts: { code: number; value: Uint8Array }[]): number {
  if (opts.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const o of opts) n += 4 + pad4(o.value.length);
  return n;
}

function writeOptions(b: Buffer, at: number, opts: { code: number; value: Uint8Array }[]): number {
  if (opts.length === 0) return at;
  let p = at;
  for (const o of opts) {
    b.writeUInt16LE(o.code, p);
    b.writeUInt16LE(o.value.length, p + 2);
    b.set(o.value, p + 4);
    p += 4 + pad4(o.value.length);
  }
  b.writeUInt16LE(OPT_ENDOFOPT, p);
  b.writeUInt16LE(0, p + 2);
  return p + 4;
}

function block(type: number, bodyLen: number, fill: (b: Buffer, at: number) => void): Buffer {
  const total = BLOCK_OVERHEAD + bodyLen;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  fill(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** Where a frame was seen, as the interface name tshark shows in frame.interface_name. */
export function interfaceName(host: string, netns: string, dev: string): string {
  return `${host}/${netns}/${dev}`;
}

export class PcapngWriter {
  private readonly chunks: Buffer[] = [];
  private readonly interfaces = new Map<string, number>();
  private count = 0;

  constructor(private readonly snaplen = PCAP_SNAPLEN, application = 'podnet') {
    const opts = [{ code: SHB_USERAPPL, value: text(application) }];
    this.chunks.push(
      block(BT_SHB, SHB_BODY + optionsSize(opts), (b, at) => {
        b.writeUInt32LE(BYTE_ORDER_MAGIC, at);
        b.writeUInt16LE(PCAPNG_VERSION_MAJOR, at + 4);
        b.writeUInt16LE(PCAPNG_VERSION_MINOR, at + 6);
        b.writeBigInt64LE(SECTION_LENGTH_UNSPECIFIED, at + 8);
        writeOptions(b, at + SHB_BODY, opts);
      }),
    );
  }

  /** Interface id for a (host, netns, dev), writing its Interface Description Block the first time. */
  private interfaceId(host: string, netns: string, dev: string): number {
    const name = interfaceName(host, netns, dev);
    const known = this.interfaces.get(name);
    if (known !== undefined) return known;
    const id = this.interfaces.size;
    this.interfaces.set(name, id);
    const opts = [
      { code: IF_NAME, value: text(name) },
      { code: IF_DESCRIPTION, value: text(`${dev} in netns ${netns} on host ${host}`) },
      { code: IF_TSRESOL, value: Uint8Array.of(TSRESOL_USEC) },
    ];
    this.chunks.push(
      block(BT_IDB, IDB_BODY + optionsSize(opts), (b, at) => {
        b.writeUInt16LE(LINKTYPE_ETHERNET, at);
        b.writeUInt16LE(0, at + 2);
        b.writeUInt32LE(this.snaplen, at + 4);
        writeOptions(b, at + IDB_BODY, opts);
      }),
    );
    return id;
  }

  /** Adds one frame as the world reported it; `comment` is appended to the direction note. */
  add(f: FrameEvent, comment?: string): void {
    const ifId = this.interfaceId(f.host, f.netns, f.dev);
    const incl = Math.min(f.bytes.length, this.snaplen);
    const { sec, usec } = msToSecUsec(f.t);
    const ts = BigInt(sec) * USEC_PER_SEC + BigInt(usec);
    const note = `${f.direction === 'in' ? 'received on' : 'sent from'} ${interfaceName(f.host, f.netns, f.dev)}${comment ? `: ${comment}` : ''}`;
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(f.direction === 'in' ? EPB_FLAG_INBOUND : EPB_FLAG_OUTBOUND);
    const opts = [
      { code: EPB_FLAGS, value: new Uint8Array(flags) },
      { code: OPT_COMMENT, value: text(note) },
    ];
    this.chunks.push(
      block(BT_EPB, EPB_BODY + pad4(incl) + optionsSize(opts), (b, at) => {
        b.writeUInt32LE(ifId, at);
        b.writeUInt32LE(Number(ts >> 32n), at + 4);
        b.writeUInt32LE(Number(ts & 0xffffffffn), at + 8);
        b.writeUInt32LE(incl, at + 12);
        b.writeUInt32LE(f.bytes.length, at + 16);
        b.set(f.bytes.subarray(0, incl), at + EPB_BODY);
        writeOptions(b, at + EPB_BODY + pad4(incl), opts);
      }),
    );
    this.count++;
  }

  get frames(): number {
    return this.count;
  }

  /** Interface names in id order. */
  interfaceNames(): string[] {
    return [...this.interfaces.keys()];
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
