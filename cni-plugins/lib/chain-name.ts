/**
 * The names and comments the reference plugins give their iptables chains (pkg/utils/utils.go in
 * containernetworking/plugins v1.1.1): "CNI-" plus the hex SHA-512 of NAME+ID, cut to 28
 * characters, and the comment `name: "NAME" id: "ID"` (Go's %q quoting).
 */
import { createHash } from 'node:crypto';

/** utils.maxChainLength: iptables allows 28 usable characters in a chain name. */
const MAX_CHAIN_LENGTH = 28;
const CHAIN_PREFIX = 'CNI-';

/** utils.MustFormatHashWithPrefix(length, prefix, toHash). */
export function formatHashWithPrefix(length: number, prefix: string, toHash: string): string {
  return (prefix + createHash('sha512').update(toHash, 'utf8').digest('hex')).slice(0, length);
}

/** utils.FormatChainName(name, id) = MustFormatChainNameWithPrefix(name, id, ""). */
export function formatChainName(name: string, id: string, prefix = ''): string {
  return formatHashWithPrefix(MAX_CHAIN_LENGTH, CHAIN_PREFIX + prefix, name + id);
}

/** Go's strconv.Quote for the printable strings CNI names and container ids are. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** utils.FormatComment(name, id): `name: %q id: %q`. */
export function formatComment(name: string, id: string): string {
  return `name: ${goQuote(name)} id: ${goQuote(id)}`;
}
