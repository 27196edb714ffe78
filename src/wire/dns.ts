/**
 * DNS messages (RFC 1035) as the cluster's resolvers and CoreDNS exchange them over UDP: header,
 * questions and resource records with name compression, A/AAAA/CNAME/PTR/NS/SRV/TXT parsed and any
 * other type kept as raw bytes.
 */
import { type WireError, wireError } from './error.js';

export const DNS_PORT = 53;
export const DNS_HLEN = 12;
/** RFC 1035 2.3.4: labels of at most 63 octets, names of at most 255. */
const MAX_LABEL = 63;
const MAX_NAME = 255;
/** The two top bits of a length octet mark a compression pointer (RFC 1035 4.1.4). */
const POINTER_MASK = 0xc0;
const POINTER_OFFSET_MASK = 0x3fff;
/** Loop guard for pointer chains: more jumps than a 255-octet name could need. */
const MAX_POINTER_JUMPS = 128;

export const DNS_TYPE_A = 1;
export const DNS_TYPE_NS = 2;
export const DNS_TYPE_CNAME = 5;
export const DNS_TYPE_SOA = 6;
export const DNS_TYPE_PTR = 12;
export const DNS_TYPE_MX = 15;
export const DNS_TYPE_TXT = 16;
export const DNS_TYPE_AAAA = 28;
export const DNS_TYPE_SRV = 33;
export const DNS_TYPE_OPT = 41;
export const DNS_TYPE_ANY = 255;
export const DNS_CLASS_IN = 1;

export const DNS_RCODE_NOERROR = 0;
export const DNS_RCODE_FORMERR = 1;
export const DNS_RCODE_SERVFAIL = 2;
export const DNS_RCODE_NXDOMAIN = 3;
export const DNS_RCODE_NOTIMP = 4;
export const DNS_RCODE_REFUSED = 5;

const FLAG_QR = 0x8000;
const OPCODE_SHIFT = 11;
const OPCODE_MASK = 0xf;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const FLAG_AD = 0x0020;
const FLAG_CD = 0x0010;
const RCODE_MASK = 0xf;

export interface DnsQuestion {
  /** Fully qualified, without the trailing dot ("kubernetes.default.svc.cluster.local"); "" is the root. */
  name: string;
  type: number;
  class: number;
}

export type DnsRData =
  | { type: typeof DNS_TYPE_A; address: number }
  | { type: typeof DNS_TYPE_AAAA; address: Uint8Array }
  | { type: typeof DNS_TYPE_CNAME | typeof DNS_TYPE_PTR | typeof DNS_TYPE_NS; target: string }
  | { type: typeof DNS_TYPE_SRV; priority: number; weight: number; port: number; target: string }
  | { type: typeof DNS_TYPE_TXT; strings: Uint8Array[] }
  | { type: number; raw: Uint8Array };

export interface DnsRecord {
  name: string;
  /** For OPT (EDNS) this is the sender's UDP payload size, as RFC 6891 reuses the field. */
  class: number;
  ttl: number;
  data: DnsRData;
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

/* ------------------------------------------------------------------------------------------- */

class Writer {
  private buf = new Uint8Array(512);
  len = 0;
  private readonly names = new Map<string, number>();

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  patch16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }
  /** A name, pointing back at an earlier occurrence of any suffix of it (what BIND and CoreDNS do). */
  name(name: string): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (at !== undefined) {
        this.u16((POINTER_MASK << 8) | at);
        return;
      }
      if (this.len <= POINTER_OFFSET_MASK) this.names.set(suffix, this.len);
      const label = new TextEncoder().encode(labels[i]!);
      this.u8(Math.min(label.length, MAX_LABEL));
      this.bytes(label.subarray(0, MAX_LABEL));
    }
    this.u8(0);
  }
  out(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function writeRecord(w: Writer, r: DnsRecord): void {
  w.name(r.name);
  w.u16(r.data.type);
  w.u16(r.class);
  w.u32(r.ttl >>> 0);
  const lenAt = w.len;
  w.u16(0);
  const start = w.len;
  const d = r.data;
  if ('raw' in d) w.bytes(d.raw);
  else if (d.type === DNS_TYPE_A) w.u32(d.address >>> 0);
  else if (d.type === DNS_TYPE_AAAA) w.bytes(d.address);
  else if (d.type === DNS_TYPE_SRV) {
    w.u16(d.priority);
    w.u16(d.weight);
    w.u16(d.port);
    w.name(d.target);
  } else if (d.type === DNS_TYPE_TXT) {
    for (const s of d.strings) {
      w.u8(s.length);
      w.bytes(s);
    }
  } else w.name(d.target);
  w.patch16(lenAt, w.len - start);
}

export function encodeDns(m: DnsMessage): Uint8Array {
  const w = new Writer();
  w.u16(m.id);
  w.u16(
    (m.qr ? FLAG_QR : 0) | ((m.opcode & OPCODE_MASK) << OPCODE_SHIFT) | (m.aa ? FLAG_AA : 0) | (m.tc ? FLAG_TC : 0) |
      (m.rd ? FLAG_RD : 0) | (m.ra ? FLAG_RA : 0) | (m.ad ? FLAG_AD : 0) | (m.cd ? FLAG_CD : 0) | (m.rcode & RCODE_MASK),
  );
  w.u16(m.questions.length);
  w.u16(m.answers.length);
  w.u16(m.authorities.length);
  w.u16(m.additionals.length);
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const r of m.answers) writeRecord(w, r);
  for (const r of m.authorities) writeRecord(w, r);
  for (const r of m.additionals) writeRecord(w, r);
  return w.out();
}

/* ------------------------------------------------------------------------------------------- */

/** Reads a possibly compressed name at `at`; returns it and the offset just past it in place. */
export function readDnsName(b: Uint8Array, at: number): { name: string; end: number } | WireError {
  const labels: string[] = [];
  let pos = at;
  let end = -1;
  let jumps = 0;
  let total = 0;
  for (;;) {
    if (pos >= b.length) return wireError('truncated', 'DNS name runs past the message');
    const len = b[pos]!;
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= b.length) return wireError('truncated', 'DNS compression pointer cut short');
      if (++jumps > MAX_POINTER_JUMPS) return wireError('malformed', 'DNS compression pointer loop');
      if (end < 0) end = pos + 2;
      pos = ((len << 8) | b[pos + 1]!) & POINTER_OFFSET_MASK;
      continue;
    }
    if ((len & POINTER_MASK) !== 0) return wireError('malformed', `DNS label type 0x${len.toString(16)}`);
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { name: labels.join('.'), end };
    }
    if (pos + 1 + len > b.length) return wireError('truncated', 'DNS label runs past the message');
    total += len + 1;
    if (total > MAX_NAME) return wireError('malformed', 'DNS name longer than 255 octets');
    let label = '';
    for (let i = pos + 1; i <= pos + len; i++) label += String.fromCharCode(b[i]!);
    labels.push(label);
    pos += 1 + len;
  }
}

function readRecord(b: Uint8Array, at: number): { rec: DnsRecord; end: number } | WireError {
  const n = readDnsName(b, at);
  if ('wireError' in n) return n;
  let p = n.end;
  if (p + 10 > b.length) return wireError('truncated', 'DNS record header cut short');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = dv.getUint16(p);
  const klass = dv.getUint16(p + 2);
  const ttl = dv.getUint32(p + 4);
  const rdlen = dv.getUint16(p + 8);
  p += 10;
  if (p + rdlen > b.length) return wireError('truncated', 'DNS rdata runs past the message');
  const rd = b.subarray(p, p + rdlen);
  let data: DnsRData | WireError;
  if (type === DNS_TYPE_A && rdlen === 4) data = { type, address: dv.getUint32(p) };
  else if (type === DNS_TYPE_AAAA && rdlen === 16) data = { type, address: rd };
  else if (type === DNS_TYPE_CNAME || type === DNS_TYPE_PTR || type === DNS_TYPE_NS) {
    const t = readDnsName(b, p);
    data = 'wireError' in t ? t : { type, target: t.name };
  } else if (type === DNS_TYPE_SRV && rdlen >= 7) {
    const t = readDnsName(b, p + 6);
    data = 'wireError' in t ? t : { type, priority: dv.getUint16(p), weight: dv.getUint16(p + 2), port: dv.getUint16(p + 4), target: t.name };
  } else if (type === DNS_TYPE_TXT) {
    const strings: Uint8Array[] = [];
    let i = 0;
    while (i < rd.length) {
      const l = rd[i]!;
      if (i + 1 + l > rd.length) break;
      strings.push(rd.subarray(i + 1, i + 1 + l));
      i += 1 + l;
    }
    data = i === rd.length ? { type, strings } : { type, raw: rd };
  } else data = { type, raw: rd };
  if ('wireError' in data) return data;
  return { rec: { name: n.name, class: klass, ttl, data }, end: p + rdlen };
}

/** Decodes a DNS message (the UDP payload). Bytes after the last record are ignored, as resolvers do. */
export function decodeDns(b: Uint8Array): DnsMessage | WireError {
  if (b.length < DNS_HLEN) return wireError('truncated', `DNS message of ${b.length} bytes, header needs ${DNS_HLEN}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = dv.getUint16(2);
  const counts = [dv.getUint16(4), dv.getUint16(6), dv.getUint16(8), dv.getUint16(10)] as const;
  const m: DnsMessage = {
    id: dv.getUint16(0),
    qr: (flags & FLAG_QR) !== 0,
    opcode: (flags >>> OPCODE_SHIFT) & OPCODE_MASK,
    aa: (flags & FLAG_AA) !== 0,
    tc: (flags & FLAG_TC) !== 0,
    rd: (flags & FLAG_RD) !== 0,
    ra: (flags & FLAG_RA) !== 0,
    ad: (flags & FLAG_AD) !== 0,
    cd: (flags & FLAG_CD) !== 0,
    rcode: flags & RCODE_MASK,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  let p = DNS_HLEN;
  for (let i = 0; i < counts[0]; i++) {
    const n = readDnsName(b, p);
    if ('wireError' in n) return n;
    if (n.end + 4 > b.length) return wireError('truncated', 'DNS question cut short');
    m.questions.push({ name: n.name, type: dv.getUint16(n.end), class: dv.getUint16(n.end + 2) });
    p = n.end + 4;
  }
  const sections = [m.answers, m.authorities, m.additionals];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const r = readRecord(b, p);
      if ('wireError' in r) return r;
      sections[s]!.push(r.rec);
      p = r.end;
    }
  }
  return m;
}
