/**
 * iputils ping's main loop as a state machine on virtual time: when probes go out, when it stops
 * (count, -w deadline, -W linger), what it counts and prints — driven by a clock passed in, so the
 * rules can be tested without a network and run on the world's event loop with one.
 *
 * Timing rules (ping_common.c main_loop/pinger/__schedule_exit, confirmed on a silent peer):
 *  - probes leave at t0, t0+i, t0+2i, ...; the summary's "time" is the last send minus t0;
 *  - the loop re-checks its exit conditions whenever an answer or ICMP error arrives, and otherwise
 *    at least every max(i, 10 ms) (its SO_RCVTIMEO): count reached, or -w given and an error seen;
 *  - with -c N and no -w, sending stops after N probes and an alarm is armed once, at the last
 *    send: 2*max-rtt but at least i if anything was answered, else -W (default 10 s; -W 0 arms none);
 *  - with -w D, probes keep going past -c until D seconds from start (the alarm wins a tie);
 *  - local errors (EMSGSIZE) are read while sending and do not wake the loop; with -q they are not
 *    even counted (iputils returns before nerrors++).
 */
import type { KResult } from '../../../kernel/errno.js';
import { ERRNO } from '../../../kernel/errno.js';
import type { EchoReply, SocketError } from '../../../kernel/api.js';
import { icmpErrorLine, icmpNoticeLine, replyLine, summary } from './format.js';

export interface PingConfig {
  /** argv[0] as typed: error(3) prefixes messages with it. */
  prog: string;
  /** The destination as the user wrote it (printed in the statistics header). */
  hostname: string;
  dst: string;
  count: number;
  deadlineS: number;
  lingerMs: number;
  intervalMs: number;
  datalen: number;
  quiet: boolean;
  /** -b given: replies from other addresses are expected. */
  broadcastPings: boolean;
  /** -b or a multicast destination: duplicates are not marked. */
  multicast: boolean;
  /** -a: a bell after each reply line. */
  audible?: boolean;
  /** -O: report the previous probe as unanswered when the next one goes out (even with -q). */
  outstanding?: boolean;
  /** -f: a dot per probe, a backspace per answer, "E" per error, instead of lines. */
  flood?: boolean;
  /** -l: probes sent at once before settling to one per interval (default 1). */
  preload?: number;
}

export interface PingIo {
  /** Send echo request `seq` (16-bit) with `size` payload bytes. */
  send(seq: number, size: number): KResult<void>;
  /** pr_addr(): "10.0.0.2", or "localhost (127.0.0.1)" when names are looked up. */
  showAddr(addr: string): string;
}

const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
const MININTERVAL = 10;
const SCHINT = (a: number): number => (a <= MININTERVAL ? MININTERVAL : a);
const u16 = (n: number): number => ((n % 65536) + 65536) % 65536;
/** Times in the world are ms as floats; a probe due "now" must not miss by a rounding error. */
const EPS = 1e-6;

export class PingSession {
  stdout = '';
  stderr = '';
  done = false;
  /** Set by an arrival that real ping would wake up for; the driver clears it before waiting. */
  woken = false;

  private ntransmitted = 0;
  private nreceived = 0;
  private nrepeats = 0;
  private nerrors = 0;
  private acked = 0;
  private pipesize = -1;
  private tmin = Number.MAX_SAFE_INTEGER;
  private tmax = 0;
  private tsum = 0;
  private tsum2 = 0n;
  private rtt = 0;
  private readonly rcvd = new Set<number>();
  private readonly sentAt = new Map<number, number>();
  private startAt = 0;
  private lastSendAt: number | undefined;
  private exiting = false;
  private deadlineAt: number | undefined;
  private lingerAt: number | undefined;
  private waittimeUs = 0;
  private wakeAt = 0;
  private tokens = 0;
  /** pinger()'s static oom_count: consecutive ENOBUFS sends, reset by a successful one. */
  private oomCount = 0;
  private readonly timing: boolean;

  constructor(
    private readonly cfg: PingConfig,
    private readonly io: PingIo,
  ) {
    // A timestamp (struct timeval, 16 bytes) must fit in the payload to time the round trip.
    this.timing = cfg.datalen >= 16;
  }

  start(now: number): void {
    this.startAt = now;
    if (this.cfg.deadlineS > 0) this.deadlineAt = now + this.cfg.deadlineS * 1000;
    this.loopTop(now);
  }

  /** Absolute time of the next moment the loop would run without any arrival. */
  nextWake(): number {
    return this.wakeAt;
  }

  /** SIGINT: what happens when the user (or podnet's safety cap) stops a ping that would not end. */
  interrupt(now: number): void {
    this.exiting = true;
    this.loopTop(now);
  }

  exitCode(): number {
    return !this.nreceived || (this.cfg.deadlineS > 0 && this.nreceived < this.cfg.count) ? 1 : 0;
  }

  /** One pass of main_loop: exit checks, then every probe due now, then when to look again. */
  loopTop(now: number): void {
    if (this.done) return;
    if ((this.deadlineAt !== undefined && now >= this.deadlineAt - EPS) || (this.lingerAt !== undefined && now >= this.lingerAt - EPS)) this.exiting = true;
    const { count, deadlineS, intervalMs } = this.cfg;
    if (this.exiting || (count && this.nreceived + this.nerrors >= count) || (deadlineS && this.nerrors)) {
      this.finish();
      return;
    }
    let next: number;
    let guard = 0;
    do {
      next = this.scheduleExit(this.pinger(now), now);
    } while (next <= 0 && ++guard < 1000);
    let wake = now + (next < SCHINT(intervalMs) ? Math.max(next, 0) : SCHINT(intervalMs));
    if (this.deadlineAt !== undefined) wake = Math.min(wake, this.deadlineAt);
    if (this.lingerAt !== undefined) wake = Math.min(wake, this.lingerAt);
    this.wakeAt = wake;
  }

  onReply(r: EchoReply): void {
    if (this.done) return;
    const seq = u16(r.seq);
    this.nreceived++;
    this.acknowledge(seq);
    let tripUs: number | undefined;
    if (this.timing) {
      const sent = r.sentAt ?? this.sentAt.get(seq) ?? r.t;
      tripUs = Math.max(0, Math.round((r.t - sent) * 1000));
      this.tsum += tripUs;
      this.tsum2 += BigInt(tripUs) * BigInt(tripUs);
      if (tripUs < this.tmin) this.tmin = tripUs;
      if (tripUs > this.tmax) this.tmax = tripUs;
      this.rtt = this.rtt ? this.rtt + tripUs - Math.trunc(this.rtt / 8) : tripUs * 8;
    }
    let dup = false;
    if (this.rcvd.has(seq)) {
      this.nrepeats++;
      this.nreceived--;
      dup = true;
    } else {
      this.rcvd.add(seq);
    }
    if (!this.cfg.quiet && this.cfg.flood) {
      this.stdout += '\b \b';
    } else if (!this.cfg.quiet) {
      const line = replyLine({
        icmpLen: r.bytes + 8,
        from: this.io.showAddr(r.from),
        seq,
        ttl: r.ttl,
        datalen: this.cfg.datalen,
        tripUs,
        dup,
        multicast: this.cfg.multicast,
        differentAddress: !this.cfg.broadcastPings && !this.cfg.multicast && r.from !== this.cfg.dst,
      });
      // The bell is written after the line but before its newline; a truncated reply never gets there.
      this.stdout += this.cfg.audible && !line.endsWith(' (truncated)\n') ? `${line.slice(0, -1)}\x07\n` : line;
    }
    this.woken = true;
  }

  onError(e: SocketError): void {
    if (this.done) return;
    if (e.icmpType === ICMP_SOURCE_QUENCH || e.icmpType === ICMP_REDIRECT) {
      // ping4_parse_reply: not an error (see icmpNoticeLine); silent with -q or -f, and the arrival
      // still ends the blocking recvmsg like any packet would.
      if (e.seq !== undefined && !this.cfg.quiet && !this.cfg.flood) {
        this.stdout += icmpNoticeLine(this.io.showAddr(e.from), u16(e.seq), e.icmpType, e.icmpCode ?? 0, e.gateway === undefined ? undefined : this.io.showAddr(e.gateway));
      }
      this.woken = true;
      return;
    }
    const net = netError(e);
    if (net) {
      if (e.seq === undefined) return;
      const seq = u16(e.seq);
      this.acknowledge(seq);
      this.nerrors++;
      if (!this.cfg.quiet) this.stdout += this.cfg.flood ? '\bE' : icmpErrorLine(this.io.showAddr(e.from), seq, net.type, net.code, e.mtu ?? 0);
      this.woken = true;
      return;
    }
    if (this.cfg.quiet) return;
    if (this.cfg.flood) {
      this.stdout += 'E';
      this.nerrors++;
      return;
    }
    this.stderr +=
      e.errno === 'EMSGSIZE' ? `${this.cfg.prog}: local error: message too long, mtu=${e.mtu ?? 0}\n` : `${this.cfg.prog}: local error: ${ERRNO[e.errno].text}\n`;
    this.nerrors++;
  }

  /** iputils' token bucket: -l N lets N probes out at once, then one per interval. */
  private pinger(now: number): number {
    const { count, deadlineS, intervalMs, datalen } = this.cfg;
    const preload = this.cfg.preload ?? 1;
    if (this.exiting || (count && this.ntransmitted >= count && !deadlineS)) return 1000;
    if (this.lastSendAt === undefined) {
      this.tokens = intervalMs * (preload - 1);
    } else {
      let ntokens = now - this.lastSendAt;
      // -i 0: as fast as answers come back, but never more than `preload` unanswered per 10 ms.
      if (intervalMs === 0 && ntokens < MININTERVAL - EPS && this.inFlight() >= preload) return MININTERVAL - ntokens;
      ntokens = Math.min(ntokens + this.tokens, intervalMs * preload);
      if (ntokens < intervalMs - EPS) return intervalMs - ntokens;
      this.tokens = Math.max(0, ntokens - intervalMs);
    }
    this.lastSendAt = now;
    if (this.cfg.outstanding && this.ntransmitted > 0 && !this.rcvd.has(u16(this.ntransmitted))) {
      this.stdout += `no answer yet for icmp_seq=${u16(this.ntransmitted)}\n`;
    }
    const seq = u16(this.ntransmitted + 1);
    this.rcvd.delete(seq);
    this.sentAt.set(seq, now);
    const r = this.io.send(seq, datalen);
    if (r.ok) this.oomCount = 0;
    else if (r.error.errno === 'ENOBUFS') {
      // WHY: iputils treats ENOBUFS as "device queue overflow, packet not sent": it retries the
      // same probe after min(SCHINT(interval/2), 500) ms and only once oom_count * that reaches
      // -W's linger time falls through to the hard error, which counts the probe as transmitted
      // and perror()s "ping: sendmsg: No buffer space available".
      this.tokens = 0;
      const nores = Math.min(SCHINT(intervalMs / 2), 500);
      this.oomCount++;
      if (this.oomCount * nores < this.cfg.lingerMs) return nores;
      this.advanceNtransmitted();
      if (!this.cfg.quiet) {
        if (this.cfg.flood) this.stdout += 'E';
        else this.stderr += `ping: sendmsg: ${r.error.message}\n`;
      }
      return SCHINT(intervalMs);
    }
    this.advanceNtransmitted();
    if (r.ok && this.cfg.flood && !this.cfg.quiet) this.stdout += '.';
    if (r.ok) return intervalMs - this.tokens;
    // A refused send counts as transmitted; what went wrong (if anything) arrives as a local error.
    this.tokens = 0;
    return SCHINT(intervalMs);
  }

  private scheduleExit(next: number, now: number): number {
    const { count, deadlineS, intervalMs, lingerMs } = this.cfg;
    if (!(count && this.ntransmitted >= count && !deadlineS)) return next;
    if (this.waittimeUs) return next;
    this.waittimeUs = this.nreceived ? Math.max(2 * this.tmax, 1000 * intervalMs) : lingerMs * 1000;
    if (next < 0 || next < this.waittimeUs / 1000) next = this.waittimeUs / 1000;
    if (this.waittimeUs) this.lingerAt = now + this.waittimeUs / 1000;
    return next;
  }

  inFlight(): number {
    const diff = u16(this.ntransmitted - this.acked);
    return diff <= 0x7fff ? diff : this.ntransmitted - this.nreceived - this.nerrors;
  }

  private acknowledge(seq: number): void {
    const diff = u16(this.ntransmitted - seq);
    if (diff <= 0x7fff) {
      if (diff + 1 > this.pipesize) this.pipesize = diff + 1;
      const ahead = u16(seq - this.acked);
      if ((ahead > 0 && ahead < 0x8000) || u16(this.ntransmitted - this.acked) > 0x7fff) this.acked = seq;
    }
  }

  private advanceNtransmitted(): void {
    this.ntransmitted++;
    if (u16(this.ntransmitted - this.acked) > 0x7fff) this.acked = u16(this.ntransmitted + 1);
  }

  private finish(): void {
    this.done = true;
    this.stdout += summary({
      hostname: this.cfg.hostname,
      ntransmitted: this.ntransmitted,
      nreceived: this.nreceived,
      nrepeats: this.nrepeats,
      nchecksum: 0,
      nerrors: this.nerrors,
      elapsedMs: this.lastSendAt === undefined ? 0 : this.lastSendAt - this.startAt,
      timing: this.timing,
      tmin: this.tmin,
      tmax: this.tmax,
      tsum: this.tsum,
      tsum2: this.tsum2,
      pipesize: this.pipesize,
      rttEwma8: this.rtt,
      interval: this.cfg.intervalMs,
      flood: this.cfg.flood ?? false,
    });
  }
}

/**
 * Which errors ping reports as "From X icmp_seq=N ...": every ICMP error, and the host-unreachable
 * Linux raises itself when ARP fails (it sends that ICMP to its own socket, so iputils sees an ICMP
 * origin from the local address). Only EMSGSIZE and the like are "local error:" lines.
 */
function netError(e: SocketError): { type: number; code: number } | undefined {
  if (e.icmpType !== undefined) return { type: e.icmpType, code: e.icmpCode ?? 0 };
  if (e.origin === 'local' && e.errno !== 'EHOSTUNREACH') return undefined;
  const byErrno: Partial<Record<SocketError['errno'], { type: number; code: number }>> = {
    ENETUNREACH: { type: 3, code: 0 },
    EHOSTUNREACH: { type: 3, code: 1 },
    ECONNREFUSED: { type: 3, code: 3 },
    EMSGSIZE: { type: 3, code: 4 },
    EACCES: { type: 3, code: 13 },
  };
  return byErrno[e.errno] ?? { type: 3, code: 1 };
}

/** The clock part of the World a session runs on. */
export type Clock = { now(): number; runUntil(pred: () => boolean, maxMs: number): boolean };

/**
 * Runs a started session to its end on the world's virtual time. `capMs` bounds a ping that would
 * never end by itself (no -c/-w, or -W 0 with a silent peer): it is then stopped like ^C, and the
 * return value says so.
 */
export function runPing(session: PingSession, clock: Clock, capMs: number): { capped: boolean } {
  const start = clock.now();
  const limit = start + capMs;
  session.start(start);
  while (!session.done) {
    session.woken = false;
    const budget = Math.max(0, Math.min(session.nextWake(), limit) - clock.now());
    if (clock.runUntil(() => session.woken, budget)) {
      // ping's inner recvmsg loop drains whatever is already queued while probes are in flight.
      clock.runUntil(() => session.inFlight() === 0, 0);
    }
    if (!session.done && clock.now() >= limit) {
      session.interrupt(clock.now());
      return { capped: true };
    }
    session.loopTop(clock.now());
  }
  return { capped: false };
}
