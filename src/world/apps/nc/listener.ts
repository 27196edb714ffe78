/**
 * `nc -l` (netcat-openbsd 1.219) as a process on virtual time: bind, accept one peer (or one after
 * another with -k), print what it sends, and exit when that peer is done — usable as a background
 * Job (`nc -l 8080 &`) or run to its end in the foreground.
 *
 * Verified with the real tool: TCP ends when the peer closes (exit 0); a second peer that connects
 * meanwhile completes its handshake in the backlog and is reset when nc exits; UDP "connects" to
 * the first sender and ignores everyone else; -v prints "Listening on"/"Bound on" and "Connection
 * received on HOST PORT" on stderr, and without -n a failed reverse lookup prints
 * "nc: getnameinfo: Temporary failure in name resolution" instead (and nc carries on).
 */
import type { Sockets, TcpConnection } from '../../../kernel/api.js';
import type { ExecResult, Job } from '../../../commands/types.js';
import { ReadWrite, type RwOptions } from './readwrite.js';
import type { NcClock } from './client.js';

export interface NcListenOptions {
  udp: boolean;
  verbose: boolean;
  keep: boolean;
  /** Local address to bind, "0.0.0.0" for any. */
  addr: string;
  port: number;
  timeoutMs: number;
  rw: Omit<RwOptions, 'listen' | 'timeoutMs'>;
}

export interface NcListenEnv {
  sockets: Sockets;
  clock: NcClock & { after?(ms: number, fn: () => void): { cancel(): void } };
  /** report_sock's host: the address with -n, else its name, else the getnameinfo error text. */
  showHost(addr: string): { ok: true; text: string } | { ok: false; error: string };
}

type Pending = { conn: TcpConnection; events: ({ kind: 'data'; data: Uint8Array } | { kind: 'fin' } | { kind: 'rst' })[] };

export class NcListener implements Job {
  private out = '';
  private err = '';
  private alive = true;
  private served = 0;
  private closeListener: () => void = () => undefined;
  private queue: Pending[] = [];
  private current: { p: Pending; rw: ReadWrite } | undefined;
  private udpRw: ReadWrite | undefined;
  private udpPeer: { addr: string; port: number } | undefined;
  private timer: { cancel(): void } | undefined;
  private timerAt: number | undefined;

  private constructor(
    readonly command: string,
    private readonly o: NcListenOptions,
    private readonly env: NcListenEnv,
  ) {}

  /** Binds and starts listening; a refusal (port in use, foreign address) ends the process at once. */
  static start(command: string, o: NcListenOptions, env: NcListenEnv): { ok: true; job: NcListener } | { ok: false; result: ExecResult } {
    const job = new NcListener(command, o, env);
    const started = o.udp ? job.startUdp() : job.startTcp();
    if (!started.ok) return { ok: false, result: { exitCode: 1, stdout: '', stderr: `nc: ${started.message}\n` } };
    return { ok: true, job };
  }

  stdout(): string {
    this.tick();
    return this.out + (this.current?.rw.output() ?? '') + (this.udpRw?.output() ?? '');
  }

  stderr(): string {
    this.tick();
    return this.err;
  }

  running(): boolean {
    this.tick();
    return this.alive;
  }

  exitCode(): number {
    return 0;
  }

  /** When the process next acts on its own (-w, -q), for a foreground run. */
  nextDeadline(): number | undefined {
    return this.current?.rw.deadline() ?? this.udpRw?.deadline();
  }

  kill(): void {
    if (!this.alive) return;
    // The kernel closes a killed process's sockets: FIN to the peer, queued handshakes reset.
    this.current?.p.conn.close();
    this.exit();
  }

  /** Lets timers that were due act (used when the world has no timer service for apps). */
  tick(): void {
    if (!this.alive) return;
    const now = this.env.clock.now();
    const rw = this.current?.rw ?? this.udpRw;
    const dl = rw?.deadline();
    if (rw && dl !== undefined && now >= dl) {
      rw.onTime(now);
      this.afterEvent();
    }
  }

  private report(msg: string, addr: string, port: number): void {
    if (!this.o.verbose) return;
    const h = this.env.showHost(addr);
    this.err += h.ok ? `${msg} ${h.text} ${port}\n` : `nc: getnameinfo: ${h.error}\n`;
  }

  private startTcp(): { ok: true } | { ok: false; message: string } {
    const r = this.env.sockets.tcpListen(this.o.addr, this.o.port, (conn) => this.onAccept(conn));
    if (!r.ok) return { ok: false, message: r.error.message };
    this.closeListener = () => r.value.close();
    this.report('Listening on', this.o.addr, this.o.port);
    return { ok: true };
  }

  private onAccept(conn: TcpConnection): void {
    this.tick();
    if (!this.alive) {
      conn.abort();
      return;
    }
    const p: Pending = { conn, events: [] };
    const deliver = (e: Pending['events'][number]): void => {
      this.tick();
      if (!this.alive) return;
      if (this.current?.p !== p) {
        p.events.push(e);
        return;
      }
      this.feed(this.current.rw, e);
      this.afterEvent();
    };
    conn.onData((data) => deliver({ kind: 'data', data }));
    conn.onClose((why) => deliver({ kind: why === 'fin' ? 'fin' : 'rst' }));
    this.queue.push(p);
    if (!this.current) this.serveNext();
  }

  private feed(rw: ReadWrite, e: Pending['events'][number]): void {
    const now = this.env.clock.now();
    if (e.kind === 'data') rw.onData(e.data, now);
    else if (e.kind === 'fin') rw.onEof(now);
    else rw.onError(now);
  }

  private serveNext(): void {
    const p = this.queue.shift();
    if (!p) return;
    this.report('Connection received on', p.conn.remote.addr, p.conn.remote.port);
    const rw = new ReadWrite({ ...this.o.rw, stdin: this.stdinFor(), listen: true, timeoutMs: this.o.timeoutMs }, {
      send: (d) => p.conn.send(d),
      shutdownWrite: () => p.conn.close(),
      close: () => p.conn.close(),
    });
    this.current = { p, rw };
    rw.start(this.env.clock.now());
    for (const e of p.events.splice(0)) this.feed(rw, e);
    this.afterEvent();
  }

  /** Only the first peer gets stdin; later ones (-k) find it at EOF already. */
  private stdinFor(): Uint8Array | undefined {
    const s = this.o.rw.stdin;
    return this.served++ === 0 || s === undefined ? s : new Uint8Array(0);
  }

  private startUdp(): { ok: true } | { ok: false; message: string } {
    const u = this.env.sockets.udp();
    const b = u.bind(this.o.addr, this.o.port);
    if (!b.ok) {
      u.close();
      return { ok: false, message: b.error.message };
    }
    this.closeListener = () => u.close();
    this.report('Bound on', this.o.addr, this.o.port);
    u.onError(() => {
      this.udpRw?.onError(this.env.clock.now());
      this.afterEvent();
    });
    u.onMessage((data, from) => {
      this.tick();
      if (!this.alive) return;
      const now = this.env.clock.now();
      if (!this.udpRw) {
        this.report('Connection received on', from.addr, from.port);
        // Without -k nc connect()s to its first caller; the kernel then delivers nobody else's datagrams.
        if (!this.o.keep) u.connect(from.addr, from.port);
        const peer = { ...from };
        this.udpPeer = peer;
        this.udpRw = new ReadWrite(
          { ...this.o.rw, stdin: this.stdinFor(), listen: true, timeoutMs: this.o.timeoutMs },
          { send: (d) => void (this.o.keep ? u.send(d, this.udpPeer ?? peer) : u.send(d)), shutdownWrite: () => undefined, close: () => u.close() },
        );
        this.udpRw.start(now);
      } else if (this.udpPeer && (this.udpPeer.addr !== from.addr || this.udpPeer.port !== from.port)) {
        if (!this.o.keep) return;
        this.report('Connection received on', from.addr, from.port);
        this.udpPeer = { ...from };
      }
      this.udpRw.onData(data, now);
      this.afterEvent();
    });
    return { ok: true };
  }

  /** After anything happened: finish a peer whose readwrite() returned, and re-arm the timer. */
  private afterEvent(): void {
    if (!this.alive) return;
    if (this.current?.rw.ended) {
      const { p, rw } = this.current;
      this.out += rw.output();
      this.current = undefined;
      p.conn.close();
      if (rw.ended === 'exit0' || !this.o.keep) return this.exit();
      this.serveNext();
      return;
    }
    if (this.udpRw?.ended) {
      const rw = this.udpRw;
      this.out += rw.output();
      this.udpRw = undefined;
      this.udpPeer = undefined;
      if (rw.ended === 'exit0' || !this.o.keep) return this.exit();
    }
    this.arm();
  }

  private arm(): void {
    const at = this.nextDeadline();
    const after = this.env.clock.after;
    if (!after || at === this.timerAt) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    this.timer = after.call(this.env.clock, Math.max(0, at - this.env.clock.now()), () => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.tick();
      this.arm();
    });
  }

  private exit(): void {
    this.alive = false;
    this.timer?.cancel();
    this.timer = undefined;
    if (this.current) {
      this.out += this.current.rw.output();
      this.current = undefined;
    }
    if (this.udpRw) {
      this.out += this.udpRw.output();
      this.udpRw = undefined;
    }
    this.closeListener();
    for (const p of this.queue.splice(0)) p.conn.abort();
  }
}

/** Runs a listener in the foreground until it exits (or podnet's cap for a wait that never ends). */
export function runListenerForeground(job: NcListener, clock: NcClock, capMs: number): { capped: boolean } {
  const limit = clock.now() + capMs;
  while (job.running()) {
    if (clock.now() >= limit) {
      job.kill();
      return { capped: true };
    }
    const dl = job.nextDeadline();
    const until = dl === undefined ? limit : Math.min(dl, limit);
    clock.runUntil(() => !job.running(), Math.max(0, until - clock.now()));
  }
  return { capped: false };
}
