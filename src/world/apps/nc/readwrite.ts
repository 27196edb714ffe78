/**
 * OpenBSD netcat's readwrite() loop as a state machine: stdin goes out, network data comes in, and
 * the rules for when the loop returns (both inputs gone, listener's peer gone), when -N shuts the
 * socket for writing, when -q exits the process, and when -w gives up on a silent peer.
 *
 * Stdin is known in full up front (a lab gives a command its whole stdin), so it is written at
 * once and then reaches EOF; a background job's stdin is empty, as bash gives it /dev/null.
 */

export interface RwOptions {
  /** Bytes on stdin; undefined with -d (stdin never read). */
  stdin: Uint8Array | undefined;
  /** -l: the peer going away ends the loop even while stdin is open. */
  listen: boolean;
  /** -q seconds; -1 when not given. */
  quitAfterS: number;
  /** -N (also implied by -q >= 0): shutdown(SHUT_WR) once stdin is done. */
  shutdownOnEof: boolean;
  /** -w in ms for poll(); -1 waits forever. */
  timeoutMs: number;
  /** -W: stop reading after this many reads; 0 = no limit. */
  recvLimit: number;
  /** -C: send CRLF line endings. */
  crlf: boolean;
}

export interface RwStream {
  send(data: Uint8Array): void;
  /** shutdown(SHUT_WR): FIN, but keep reading. */
  shutdownWrite(): void;
  /** close(fd). */
  close(): void;
}

/** 'return': readwrite() returned (the caller closes and carries on); 'exit0': the process exits 0. */
export type RwEnd = 'return' | 'exit0';

export class ReadWrite {
  ended: RwEnd | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  private text = '';
  private stdinGone = false;
  private netinGone = false;
  private netoutGone = false;
  private ctrldSeen = false;
  private closed = false;
  private reads = 0;
  private idleAt: number | undefined;
  private alarmAt: number | undefined;

  constructor(
    private readonly o: RwOptions,
    private readonly stream: RwStream,
  ) {}

  /** What the loop wrote to stdout so far. */
  output(): string {
    return this.text;
  }

  /** The next moment something happens without any network event (-w idle timeout, -q alarm). */
  deadline(): number | undefined {
    if (this.ended) return undefined;
    if (this.alarmAt === undefined) return this.idleAt;
    if (this.idleAt === undefined) return this.alarmAt;
    return Math.min(this.alarmAt, this.idleAt);
  }

  start(now: number): void {
    const { stdin } = this.o;
    if (stdin === undefined) {
      this.stdinGone = true;
    } else {
      if (stdin.length > 0) this.stream.send(this.o.crlf ? toCrlf(stdin) : stdin);
      this.stdinGone = true;
      // EOF on stdin is "^D seen" only when -q was given.
      if (this.o.quitAfterS >= 0) this.ctrldSeen = true;
    }
    if (!this.netoutGone) {
      if (this.o.shutdownOnEof) this.stream.shutdownWrite();
      this.netoutGone = true;
    }
    this.loopTop(now);
  }

  onData(data: Uint8Array, now: number): void {
    if (this.ended || this.netinGone) return;
    this.text += this.decoder.decode(data, { stream: true });
    if (this.o.recvLimit > 0 && ++this.reads >= this.o.recvLimit) {
      this.netinGone = true;
      this.stdinGone = true;
    }
    this.loopTop(now);
  }

  /** The peer's FIN: read() returned 0. */
  onEof(now: number): void {
    if (this.ended || this.netinGone) return;
    this.netinGone = true;
    this.loopTop(now);
  }

  /** POLLERR (a reset, a queued ICMP error on a UDP socket): the socket is dropped both ways. */
  onError(now: number): void {
    if (this.ended) return;
    this.netinGone = true;
    this.netoutGone = true;
    this.loopTop(now);
  }

  /** Time passed with nothing on the network: the -q alarm or poll()'s -w timeout may fire. */
  onTime(now: number): void {
    if (this.ended) return;
    if (this.alarmAt !== undefined && now >= this.alarmAt) this.end('exit0');
    else if (this.idleAt !== undefined && now >= this.idleAt) this.end('return');
  }

  private loopTop(now: number): void {
    if (this.ended) return;
    const q = this.o.quitAfterS;
    if (this.stdinGone && this.netinGone) {
      if (q <= 0) return this.end('return');
      return this.delayExit(now);
    }
    if ((this.o.listen && this.netinGone) || this.ctrldSeen) {
      if (q < 0 || !this.ctrldSeen) return this.end('return');
      return this.delayExit(now);
    }
    // poll() restarts its timeout each time round the loop.
    this.idleAt = this.o.timeoutMs >= 0 ? now + this.o.timeoutMs : undefined;
  }

  private delayExit(now: number): void {
    if (this.o.quitAfterS === 0) return this.end('exit0');
    if (!this.closed) {
      this.closed = true;
      this.stream.close();
    }
    this.netinGone = true;
    this.alarmAt ??= now + this.o.quitAfterS * 1000;
    this.idleAt = this.o.timeoutMs >= 0 ? now + this.o.timeoutMs : undefined;
  }

  private end(how: RwEnd): void {
    this.ended = how;
    this.text += this.decoder.decode();
  }
}

/** -C: a bare "\n" becomes "\r\n". */
function toCrlf(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  b.forEach((c, i) => {
    if (c === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(c);
  });
  return Uint8Array.from(out);
}
