/**
 * A scripted stand-in for the World's clock in app tests: callbacks scheduled at virtual times,
 * run by runUntil exactly as the world's event loop runs its events.
 */
export class ScriptedClock {
  private t = 0;
  private seq = 0;
  private queue: { at: number; n: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  at(time: number, fn: () => void): void {
    this.queue.push({ at: time, n: this.seq++, fn });
    this.queue.sort((a, b) => a.at - b.at || a.n - b.n);
  }

  after(ms: number, fn: () => void): void {
    this.at(this.t + ms, fn);
  }

  runUntil(pred: () => boolean, maxMs: number): boolean {
    const end = this.t + maxMs;
    if (pred()) return true;
    while (this.queue.length && this.queue[0]!.at <= end) {
      const ev = this.queue.shift()!;
      this.t = Math.max(this.t, ev.at);
      ev.fn();
      if (pred()) return true;
    }
    this.t = end;
    return pred();
  }

  runFor(ms: number): void {
    this.runUntil(() => false, ms);
  }
}
