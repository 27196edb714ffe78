/**
 * What a namespace's stack needs from the world it runs in: virtual time, timers, the softirq
 * queue, seeded randomness and the (optional) trace and frame sinks. Injected, never global.
 */
import type { FrameEvent, TraceEvent } from '../world/api.js';

export interface TimerHandle {
  cancel(): void;
}

export interface KernelEnv {
  readonly hostName: string;
  now(): number;
  /** Run fn(arg) at the current virtual time, after the running event (netif_rx / softirq). */
  soon(fn: (arg: unknown) => void, arg?: unknown): void;
  after(delayMs: number, fn: (arg: unknown) => void, arg?: unknown): TimerHandle;
  random(): number;
  u32(): number;
  /**
   * Set only while analysis enumerates every outcome ("all paths"): decides a random branch Linux
   * would draw (`-m statistic --mode random`), given its probability, where it is and what the draw
   * said. The draw is still taken, so everything else a run draws stays the same.
   */
  chance?: ((probability: number, where: string, drawn: boolean) => boolean) | undefined;
  /** Set only while somebody listens, so the hot path tests one field and builds nothing otherwise. */
  trace: ((e: TraceEvent) => void) | undefined;
  frame: ((f: FrameEvent) => void) | undefined;
  /** Kernel modules loaded on the host beyond the defaults, e.g. "ipip" (tunl0 in every namespace). */
  readonly modules?: readonly string[];
}
