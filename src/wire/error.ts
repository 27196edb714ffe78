/**
 * The closed set of reasons a byte string is not a valid packet: decoders return one of these as a
 * value so a malformed frame becomes a named drop in the trace, never an exception.
 */

export type WireErrorCode =
  | 'truncated' // fewer bytes than the header or a length field says
  | 'bad-version' // IP version field is not 4
  | 'bad-header-length' // IHL < 5, TCP data offset < 5, or a header longer than the packet
  | 'bad-length' // a total/length field disagrees with the bytes present
  | 'bad-checksum'
  | 'unsupported' // a valid packet of a kind podnet does not model (ARP for non-Ethernet/IPv4, ...)
  | 'malformed'; // any other field that cannot be right (bad option length, ...)

export interface WireError {
  readonly wireError: WireErrorCode;
  readonly message: string;
}

export function wireError(code: WireErrorCode, message: string): WireError {
  return { wireError: code, message };
}

export function isWireError(v: unknown): v is WireError {
  return typeof v === 'object' && v !== null && 'wireError' in v;
}
