/**
 * A ping left running in the background (`ping 10.0.0.2 &`): the same session as a foreground ping,
 * woken by the world's app timers instead of a loop that owns the clock.
 */
import type { Job } from '../../../commands/types.js';
import type { PingSession } from './session.js';

export interface TimerClock {
  now(): number;
  after(ms: number, fn: () => void): { cancel(): void };
}

export class PingJob implements Job {
  private timer: { cancel(): void } | undefined;
  private killed = false;

  constructor(
    readonly command: string,
    private readonly session: PingSession,
    private readonly clock: TimerClock,
    /** Output printed before the loop started (the PING header, warnings). */
    private readonly head: { stdout: string; stderr: string },
    /** Closes the socket once the process is gone. */
    private readonly onExit: () => void,
  ) {}

  start(): void {
    this.session.start(this.clock.now());
    this.schedule();
  }

  /** An answer or ICMP error arrived: like the real loop, look again once this instant's queue is drained. */
  wake(): void {
    if (!this.session.woken || this.killed || this.session.done) return;
    this.session.woken = false;
    this.timer?.cancel();
    this.timer = this.clock.after(0, () => this.step());
  }

  stdout(): string {
    return this.head.stdout + this.session.stdout;
  }

  stderr(): string {
    return this.head.stderr + this.session.stderr;
  }

  running(): boolean {
    return !this.killed && !this.session.done;
  }

  /** SIGTERM: iputils catches only SIGINT/SIGALRM/SIGQUIT, so it dies without printing statistics. */
  kill(): void {
    if (!this.running()) return;
    this.killed = true;
    this.timer?.cancel();
    this.onExit();
  }

  private step(): void {
    this.timer = undefined;
    if (this.killed) return;
    this.session.loopTop(this.clock.now());
    this.schedule();
  }

  private schedule(): void {
    if (this.session.done) {
      this.onExit();
      return;
    }
    this.timer = this.clock.after(Math.max(0, this.session.nextWake() - this.clock.now()), () => this.step());
  }
}
