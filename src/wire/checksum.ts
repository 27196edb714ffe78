/**
 * The internet checksum (RFC 1071) over byte ranges, plus the IPv4 pseudo-header sum that UDP and
 * TCP fold in (RFC 768, RFC 793).
 */

/**
 * One's-complement sum of 16-bit big-endian words in bytes[start, end), added to `initial`,
 * not folded and not complemented; an odd trailing byte is padded with zero (RFC 1071 4.1).
 */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i === last) sum += bytes[i]! << 8;
  // Fold from time to time is unnecessary: 2^53 / 0xffff words is far beyond any packet size.
  return sum;
}

/** Fold a running sum to 16 bits and complement it: the value that goes into a checksum field. */
export function foldComplement(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Internet checksum of bytes[start, end). Over a range that includes a correct checksum field it is 0. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return foldComplement(sumWords(bytes, start, end, initial));
}

/** Sum of the IPv4 pseudo-header: source, destination, zero + protocol, and upper-layer length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
