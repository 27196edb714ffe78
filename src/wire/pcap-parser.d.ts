/** Types for the untyped `pcap-parser` package (0.2.x), only what pcap.ts uses. */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }
  export interface PacketHeader {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }
  export interface Parser extends EventEmitter {
    buffer: Buffer | null;
    /** The state function the parser is in (parseGlobalHeader, parsePacketHeader, parsePacketBody). */
    state: { name: string };
  }
  export function parse(input: string | Readable): Parser;
  const _default: { parse: typeof parse };
  export default _default;
}
