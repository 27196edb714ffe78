/**
 * Every line iputils ping 20221126 prints, as pure functions of its counters, so the output can be
 * checked byte for byte against captures from the real tool (see format.test.ts).
 */
import { formatFloatG } from '../cnum.js';

/** `PING host (addr) [from src dev: ]56(84) bytes of data.` — the "from" part only with -I. */
export function pingHeader(h: { hostname: string; addr: string; datalen: number; optlen?: number; from?: { src: string; dev?: string } }): string {
  const from = h.from ? `from ${h.from.src} ${h.from.dev ?? ''}: ` : '';
  return `PING ${h.hostname} (${h.addr}) ${from}${h.datalen}(${h.datalen + 8 + (h.optlen ?? 0) + 20}) bytes of data.\n`;
}

/** The " time=..." of a reply line: precision falls as the value grows, exactly as gather_statistics. */
export function formatTripTime(us: number): string {
  const t = Math.max(0, Math.round(us));
  if (t >= 100000 - 50) return ` time=${Math.floor((t + 500) / 1000)} ms`;
  if (t >= 10000 - 5) return ` time=${Math.floor((t + 50) / 1000)}.${Math.floor(((t + 50) % 1000) / 100)} ms`;
  if (t >= 1000) return ` time=${Math.floor((t + 5) / 1000)}.${String(Math.floor(((t + 5) % 1000) / 10)).padStart(2, '0')} ms`;
  return ` time=${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')} ms`;
}

export interface ReplyLine {
  /** ICMP length: header plus payload, what ping calls "bytes". */
  icmpLen: number;
  /** The sender as pr_addr shows it: "10.0.0.2" or "localhost (127.0.0.1)". */
  from: string;
  seq: number;
  ttl: number;
  /** Payload length requested with -s: a shorter reply is "(truncated)". */
  datalen: number;
  /** Undefined when -s is below 16 bytes and ping cannot time the round trip. */
  tripUs?: number;
  dup: boolean;
  /** Broadcast or multicast ping: duplicates are expected there and not marked. */
  multicast: boolean;
  differentAddress: boolean;
}

export function replyLine(r: ReplyLine): string {
  let s = `${r.icmpLen} bytes from ${r.from}: icmp_seq=${r.seq} ttl=${r.ttl}`;
  if (r.icmpLen < r.datalen + 8) return `${s} (truncated)\n`;
  if (r.tripUs !== undefined) s += formatTripTime(r.tripUs);
  if (r.dup && !r.multicast) s += ' (DUP!)';
  if (r.differentAddress) s += ' (DIFFERENT ADDRESS!)';
  return `${s}\n`;
}

/**
 * pr_icmph(): the words for an ICMP error type/code; `info` is the next-hop MTU for code 4 and
 * `gateway` the redirect's new next hop as pr_addr shows it.
 */
export function icmpText(type: number, code: number, info = 0, gateway = '0.0.0.0'): string {
  switch (type) {
    case 0:
      return 'Echo Reply';
    case 3:
      return (
        [
          'Destination Net Unreachable',
          'Destination Host Unreachable',
          'Destination Protocol Unreachable',
          'Destination Port Unreachable',
          `Frag needed and DF set (mtu = ${info})`,
          'Source Route Failed',
          'Destination Net Unknown',
          'Destination Host Unknown',
          'Source Host Isolated',
          'Destination Net Prohibited',
          'Destination Host Prohibited',
          'Destination Net Unreachable for Type of Service',
          'Destination Host Unreachable for Type of Service',
          'Packet filtered',
          'Precedence Violation',
          'Precedence Cutoff',
        ][code] ?? `Dest Unreachable, Bad Code: ${code}`
      );
    case 4:
      return 'Source Quench';
    case 5:
      return `${['Redirect Network', 'Redirect Host', 'Redirect Type of Service and Network', 'Redirect Type of Service and Host'][code] ?? `Redirect, Bad Code: ${code}`}(New nexthop: ${gateway})`;
    case 8:
      return 'Echo Request';
    case 11:
      return code === 0 ? 'Time to live exceeded' : code === 1 ? 'Frag reassembly time exceeded' : `Time exceeded, Bad Code: ${code}`;
    case 12:
      return `Parameter problem: pointer = ${info}`;
    case 13:
      return 'Timestamp';
    case 14:
      return 'Timestamp Reply';
    case 15:
      return 'Information Request';
    case 16:
      return 'Information Reply';
    case 17:
      return 'Address Mask Request';
    case 18:
      return 'Address Mask Reply';
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/** `From 10.0.0.254 icmp_seq=1 Time to live exceeded` — an ICMP error from the socket's error queue. */
export function icmpErrorLine(from: string, seq: number, type: number, code: number, info?: number): string {
  return `From ${from} icmp_seq=${seq} ${icmpText(type, code, info)}\n`;
}

/**
 * `From 10.0.1.1: icmp_seq=1 Redirect Host(New nexthop: 10.0.1.3)` — a redirect or source quench.
 * WHY the colon and no error count: a raw ICMP socket receives these as packets (ICMP_FILTER lets
 * them through; raw_err sends nothing to the error queue for a redirect), so iputils' parse_reply
 * prints them with its "From %s: icmp_seq=%u " prefix and returns "not ours" — no nerrors++, no
 * acknowledge(). The echo request was still forwarded, so its reply is counted as usual.
 */
export function icmpNoticeLine(from: string, seq: number, type: number, code: number, gateway?: string): string {
  return `From ${from}: icmp_seq=${seq} ${icmpText(type, code, 0, gateway)}\n`;
}

export interface PingStats {
  hostname: string;
  ntransmitted: number;
  nreceived: number;
  nrepeats: number;
  nchecksum: number;
  nerrors: number;
  /** From the first to the last probe sent, ms (iputils' cur_time - start_time). */
  elapsedMs: number;
  /** True when the payload is big enough to carry a timestamp (-s >= 16). */
  timing: boolean;
  /** Round-trip accumulators in µs, as iputils keeps them. */
  tmin: number;
  tmax: number;
  tsum: number;
  tsum2: bigint;
  /** Largest number of probes in flight when one was answered (printed as "pipe N" when > 1). */
  pipesize: number;
  /** iputils' rtt EWMA (8x µs), for the ipg/ewma field. */
  rttEwma8: number;
  /** Interval ms; ipg/ewma is printed for -i 0 and for flood pings. */
  interval: number;
  flood?: boolean;
}

const ms3 = (us: number): string => `${Math.trunc(us / 1000)}.${String(Math.abs(Math.trunc(us % 1000))).padStart(3, '0')}`;

/** iputils' llsqrt: Newton's method that returns the last iterate (so llsqrt(3) is 2, as in C). */
function llsqrt(a: bigint): bigint {
  let prev: bigint | undefined;
  let x = a;
  if (x > 0n) {
    while (prev === undefined || x < prev) {
      prev = x;
      x = (x + a / x) / 2n;
    }
  }
  return x;
}

/** finish(): the blank line, the statistics header and counters, and the rtt/pipe/ipg line. */
export function summary(s: PingStats): string {
  let out = `\n--- ${s.hostname} ping statistics ---\n`;
  out += `${s.ntransmitted} packets transmitted, ${s.nreceived} received`;
  if (s.nrepeats) out += `, +${s.nrepeats} duplicates`;
  if (s.nchecksum) out += `, +${s.nchecksum} corrupted`;
  if (s.nerrors) out += `, +${s.nerrors} errors`;
  if (s.ntransmitted) {
    out += `, ${formatFloatG(((s.ntransmitted - s.nreceived) * 100) / s.ntransmitted)}% packet loss`;
    out += `, time ${Math.round(s.elapsedMs)}ms`;
  }
  out += '\n';
  let comma = '';
  if (s.nreceived && s.timing) {
    const total = BigInt(s.nreceived + s.nrepeats);
    const tsum = BigInt(s.tsum);
    const tmavg = tsum / total;
    const tmvar = tsum < 2147483647n ? (s.tsum2 - (tsum * tsum) / total) / total : s.tsum2 / total - tmavg * tmavg;
    const tmdev = Number(llsqrt(tmvar));
    out += `rtt min/avg/max/mdev = ${ms3(s.tmin)}/${ms3(Number(tmavg))}/${ms3(s.tmax)}/${ms3(tmdev)} ms`;
    comma = ', ';
  }
  if (s.pipesize > 1) {
    out += `${comma}pipe ${s.pipesize}`;
    comma = ', ';
  }
  if (s.nreceived && (s.interval === 0 || s.flood) && s.ntransmitted > 1) {
    const ipg = Math.trunc((s.elapsedMs * 1000) / (s.ntransmitted - 1));
    out += `${comma}ipg/ewma ${Math.trunc(ipg / 1000)}.${String(ipg % 1000).padStart(3, '0')}/${Math.trunc(s.rttEwma8 / 8000)}.${String(Math.trunc(s.rttEwma8 / 8) % 1000).padStart(3, '0')} ms`;
  }
  return `${out}\n`;
}
