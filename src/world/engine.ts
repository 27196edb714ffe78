/**
 * The event engine: a virtual clock, a binary-heap timer queue and a FIFO "softirq" queue for work
 * due now (frame hand-offs between devices), so a frame's hops never recurse and never read wall time.
 */

export type Task = (arg: unknown) => void;

interface Timer {
  t: number;
  seq: number;
  fn: Task;
  arg: unknown;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

export class Engine {
  private clock = 0;
  private seq = 0;
  private heap: Timer[] = [];
  // The softirq queue is two parallel arrays used as a ring-less FIFO with a read cursor: no
  // allocation per hop on the hot path.
  private qFn: Task[] = [];
  private qArg: unknown[] = [];
  private qHead = 0;
  private running = false;

  now(): number {
    return this.clock;
  }

  /** Run fn(arg) as soon as the current event finishes, at the same virtual time. */
  soon(fn: Task, arg?: unknown): void {
    this.qFn.push(fn);
    this.qArg.push(arg);
  }

  /** Run fn(arg) after delayMs of virtual time. */
  after(delayMs: number, fn: Task, arg?: unknown): TimerHandle {
    const timer: Timer = { t: this.clock + Math.max(0, delayMs), seq: this.seq++, fn, arg, cancelled: false };
    this.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  pending(): boolean {
    if (this.qHead < this.qFn.length) return true;
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap.length > 0;
  }

  /** Run every event due up to `until`, then set the clock to `until`; stops early when stop() holds. */
  runUntil(until: number, stop?: () => boolean): void {
    if (this.running) return; // re-entrant calls from a callback would reorder time
    this.running = true;
    try {
      this.drainSoftirq();
      if (stop?.()) return;
      for (;;) {
        const top = this.heap[0];
        if (!top || top.t > until) break;
        this.pop();
        if (top.cancelled) continue;
        this.clock = top.t;
        top.fn(top.arg);
        this.drainSoftirq();
        if (stop?.()) return;
      }
      if (until > this.clock && until !== Infinity) this.clock = until;
    } finally {
      this.running = false;
    }
  }

  /** Time of the next timer, or undefined. */
  nextTime(): number | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0]?.t;
  }

  private drainSoftirq(): void {
    const fns = this.qFn;
    const args = this.qArg;
    while (this.qHead < fns.length) {
      const i = this.qHead++;
      const fn = fns[i]!;
      const arg = args[i];
      args[i] = undefined;
      fn(arg);
      // Compact now and then so the arrays do not grow without bound in long runs.
      if (this.qHead > 4096 && this.qHead * 2 > fns.length) {
        fns.splice(0, this.qHead);
        args.splice(0, this.qHead);
        this.qHead = 0;
      }
    }
    fns.length = 0;
    args.length = 0;
    this.qHead = 0;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
