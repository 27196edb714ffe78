/**
 * The two port fields UDP and TCP share at the start of their headers, read without decoding the
 * rest: what conntrack, NAT and IPVS need per packet.
 */

/** Source and destination port, or undefined when fewer than four bytes are present. */
export function readPorts(l4: Uint8Array): { sport: number; dport: number } | undefined {
  if (l4.length < 4) return undefined;
  return { sport: (l4[0]! << 8) | l4[1]!, dport: (l4[2]! << 8) | l4[3]! };
}
