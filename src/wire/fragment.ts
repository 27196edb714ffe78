/**
 * IPv4 fragmentation and reassembly with the kernel's geometry and rules: ip_do_fragment() for
 * splitting, ip_defrag()/inet_frag_queue_insert() for reassembly with the ipfrag_time timeout on
 * virtual time.
 */
import { type WireError, wireError } from './error.js';
import { encodeIpv4, type Ipv4Repr, ipv4HeaderLen, IP_FRAG_UNIT, IPV4_MAX_LEN, writeIpv4Header } from './ipv4.js';

/** net.ipv4.ipfrag_time default: 30 s. */
export const IPFRAG_TIME_MS = 30_000;

/** IP option type byte: the "copied" flag says the option goes into every fragment (RFC 791). */
const IPOPT_COPY = 0x80;
const IPOPT_END = 0;
const IPOPT_NOOP = 1;

/**
 * ip_options_fragment(): options without the copied flag are overwritten with NOPs in every fragment
 * after the first, so the header keeps its length.
 */
function optionsForLaterFragments(options: Uint8Array): Uint8Array {
  const out = options.slice();
  let i = 0;
  while (i < out.length) {
    const type = out[i]!;
    if (type === IPOPT_END) break;
    if (type === IPOPT_NOOP) {
      i++;
      continue;
    }
    const len = out[i + 1] ?? 0;
    if (len < 2 || i + len > out.length) break;
    if ((type & IPOPT_COPY) === 0) out.fill(IPOPT_NOOP, i, i + len);
    i += len;
  }
  return out;
}

/**
 * Splits a datagram for a link of `mtu` bytes as ip_do_fragment() does: each fragment carries
 * floor((mtu - header) / 8) * 8 payload bytes except the last, MF on all but the last (or on all when
 * the datagram was itself a non-last fragment), offsets continuing from the datagram's own offset.
 * DF is cleared in the fragments (state->DF is only set for IPSKB_FRAG_PMTU refragmentation: pass
 * keepDf). This is the mechanism only: the DF test and ICMP frag-needed of ip_fragment() are the
 * caller's. A datagram that already fits comes back as one packet.
 */
export function fragmentIpv4(
  repr: Ipv4Repr,
  payload: Uint8Array,
  mtu: number,
  opts?: { keepDf?: boolean },
): Uint8Array[] | WireError {
  const hlen = ipv4HeaderLen(repr);
  if (hlen + payload.length <= mtu) return [encodeIpv4(repr, payload)];
  const room = mtu - hlen;
  if (room < IP_FRAG_UNIT) return wireError('malformed', `MTU ${mtu} leaves no room for an 8-byte fragment after a ${hlen}-byte header`);
  const df = opts?.keepDf ? repr.df : false;
  const laterOptions = repr.options ? optionsForLaterFragments(repr.options) : undefined;
  const out: Uint8Array[] = [];
  let done = 0;
  let left = payload.length;
  while (left > 0) {
    let len = left;
    if (len > room) len = room;
    if (len < left) len &= ~(IP_FRAG_UNIT - 1);
    left -= len;
    const frag: Ipv4Repr = {
      ...repr,
      df,
      mf: left > 0 || repr.mf,
      fragOffset: repr.fragOffset + done,
      options: done === 0 ? repr.options : laterOptions,
    };
    const pkt = new Uint8Array(hlen + len);
    writeIpv4Header(frag, pkt, 0, pkt.length);
    pkt.set(payload.subarray(done, done + len), hlen);
    out.push(pkt);
    done += len;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------- */

export type DefragResult =
  | { status: 'complete'; repr: Ipv4Repr; payload: Uint8Array }
  | { status: 'queued' }
  /**
   * overlap: the queue was discarded (RFC 5722 policy Linux applies to IPv4 since 4.19);
   * duplicate: this fragment alone was dropped; bad-length: inconsistent end (the queue is
   * discarded, also for a fragment emptied by rounding); too-big: the datagram would exceed 65535 bytes.
   */
  | { status: 'dropped'; reason: 'overlap' | 'duplicate' | 'bad-length' | 'too-big' };

export interface ExpiredQueue {
  src: number;
  dst: number;
  id: number;
  protocol: number;
  /**
   * The first fragment (offset 0) as an IP packet, when it arrived: ip_expire() answers with ICMP
   * time exceeded / fragment reassembly time exceeded quoting it, and sends nothing otherwise.
   */
  firstFragment?: Uint8Array;
}

interface Frag {
  start: number;
  end: number;
  data: Uint8Array;
}

interface FragQueue {
  src: number;
  dst: number;
  id: number;
  protocol: number;
  deadline: number;
  frags: Frag[];
  /** Total length once the last fragment (MF clear) arrived. */
  len?: number;
  /** Header of the offset-0 fragment, the one the reassembled datagram keeps. */
  first?: Ipv4Repr;
  /** ip_frag_queue(): any fragment with DF makes the reassembled datagram DF (q.max_size). */
  df: boolean;
}

/**
 * Reassembly queues of one namespace (one netns_frags "user"), keyed by (src, dst, id, protocol)
 * like ip4_frag_match(). Each queue lives IPFRAG_TIME_MS from its first fragment, however many
 * follow: the timer is armed once, in inet_frag_create().
 */
export class Reassembler {
  private readonly queues = new Map<string, FragQueue>();
  private readonly expired: FragQueue[] = [];

  constructor(private readonly timeoutMs = IPFRAG_TIME_MS) {}

  /** Feeds one fragment (a datagram with MF set or a nonzero offset) received at virtual time `now`. */
  add(repr: Ipv4Repr, payload: Uint8Array, now: number): DefragResult {
    const key = `${repr.src}/${repr.dst}/${repr.id}/${repr.protocol}`;
    let q = this.queues.get(key);
    if (q && now >= q.deadline) {
      this.queues.delete(key);
      this.expired.push(q);
      q = undefined;
    }
    if (!q) {
      q = { src: repr.src, dst: repr.dst, id: repr.id, protocol: repr.protocol, deadline: now + this.timeoutMs, frags: [], df: false };
      this.queues.set(key, q);
    }
    const start = repr.fragOffset;
    let end = start + payload.length;
    const hlen = ipv4HeaderLen(repr);
    if (end + hlen > IPV4_MAX_LEN) {
      this.queues.delete(key);
      return { status: 'dropped', reason: 'too-big' };
    }
    if (!repr.mf) {
      // The last fragment fixes the length; one that disagrees with data already seen is corrupt.
      if (end < (q.len ?? maxEnd(q)) || (q.len !== undefined && end !== q.len)) return this.discard(key, 'bad-length');
      q.len = end;
    } else {
      // ip_frag_queue(): a non-last fragment's length is rounded down to 8 bytes, as the RFC requires.
      end &= ~(IP_FRAG_UNIT - 1);
      if (q.len !== undefined && end > q.len) return this.discard(key, 'bad-length');
    }
    // A fragment left empty by the rounding kills the whole queue (ip_frag_queue: end == offset).
    if (end === start) return this.discard(key, 'bad-length');
    // inet_frag_queue_insert() compares against runs of contiguous fragments: wholly inside a run
    // is a duplicate (dropped alone), any other intersection an overlap (queue discarded).
    for (const r of runs(q.frags)) {
      if (start >= r.end || end <= r.start) continue;
      if (start >= r.start && end <= r.end) return { status: 'dropped', reason: 'duplicate' };
      return this.discard(key, 'overlap');
    }
    q.frags.push({ start, end, data: payload.slice(0, end - start) });
    if (start === 0) q.first = repr;
    if (repr.df) q.df = true;
    if (q.len === undefined || q.first === undefined) return { status: 'queued' };
    let have = 0;
    for (const f of q.frags) have += f.end - f.start;
    if (have !== q.len) return { status: 'queued' };
    this.queues.delete(key);
    const whole = new Uint8Array(q.len);
    for (const f of q.frags) whole.set(f.data, f.start);
    return { status: 'complete', repr: { ...q.first, df: q.df, mf: false, fragOffset: 0 }, payload: whole };
  }

  /** Queues whose timer ran out by `now`, removed; the kernel answers each as ip_expire() does. */
  expire(now: number): ExpiredQueue[] {
    const out: ExpiredQueue[] = this.expired.splice(0).map(describe);
    for (const [key, q] of this.queues) {
      if (now >= q.deadline) {
        this.queues.delete(key);
        out.push(describe(q));
      }
    }
    return out;
  }

  /** When the earliest queue expires, for scheduling a timer event; undefined when none is pending. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const q of this.queues.values()) if (min === undefined || q.deadline < min) min = q.deadline;
    return this.expired.length > 0 ? Math.min(min ?? Infinity, this.expired[0]!.deadline) : min;
  }

  /** Number of datagrams being reassembled. */
  get size(): number {
    return this.queues.size;
  }

  private discard(key: string, reason: 'overlap' | 'bad-length'): DefragResult {
    this.queues.delete(key);
    return { status: 'dropped', reason };
  }
}

function runs(frags: Frag[]): { start: number; end: number }[] {
  const sorted = frags.map((f) => ({ start: f.start, end: f.end })).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && last.end === f.start) last.end = f.end;
    else out.push(f);
  }
  return out;
}

function maxEnd(q: FragQueue): number {
  let m = 0;
  for (const f of q.frags) if (f.end > m) m = f.end;
  return m;
}

function describe(q: FragQueue): ExpiredQueue {
  const e: ExpiredQueue = { src: q.src, dst: q.dst, id: q.id, protocol: q.protocol };
  const head = q.frags.find((f) => f.start === 0);
  if (q.first && head) e.firstFragment = encodeIpv4({ ...q.first }, head.data);
  return e;
}
