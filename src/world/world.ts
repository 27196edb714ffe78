/**
 * The world: hosts on one virtual clock driven by the event engine, with seeded randomness and the
 * trace and frame taps that cost nothing while nobody listens.
 */
import type { FrameEvent, Host, TraceEvent, WireEnd, World } from './api.js';
import { kerr, kok, type KResult } from '../kernel/errno.js';
import type { KernelEnv } from '../kernel/env.js';
import { Engine } from './engine.js';
import { createRng } from './rng.js';
import { HostImpl, randomMac } from './host.js';
import { hostModules } from '../kernel/modules.js';
import { bootHost } from './boot.js';

export interface WorldInternals {
  engine: Engine;
  hostImpl(name: string): HostImpl | undefined;
}

/** `modules`: kernel modules loaded on every host beyond the reference machine's (e.g. "ipip"). */
export function createWorld(opts: { seed: number; modules?: readonly string[] }): World & WorldInternals {
  const engine = new Engine();
  const rng = createRng(opts.seed);
  const hosts = new Map<string, HostImpl>();
  const envs: KernelEnv[] = [];
  const envOf = new Map<string, KernelEnv>();
  const traceSubs = new Set<(e: TraceEvent) => void>();
  const frameSubs = new Set<(f: FrameEvent) => void>();

  const traceFan = (e: TraceEvent): void => {
    for (const cb of traceSubs) cb(e);
  };
  const frameFan = (f: FrameEvent): void => {
    for (const cb of frameSubs) cb(f);
  };
  let chance: KernelEnv['chance'];
  const refreshSinks = (): void => {
    for (const env of envs) {
      env.trace = traceSubs.size ? traceFan : undefined;
      env.frame = frameSubs.size ? frameFan : undefined;
      env.chance = chance;
    }
  };

  const world: World & WorldInternals = {
    seed: opts.seed,
    engine,
    now: () => engine.now(),
    addHost(name: string): Host {
      const existing = hosts.get(name);
      if (existing) return existing;
      const env: KernelEnv = {
        hostName: name,
        now: () => engine.now(),
        soon: (fn, arg) => engine.soon(fn, arg),
        after: (ms, fn, arg) => engine.after(ms, fn, arg),
        random: () => rng.next(),
        u32: () => rng.u32(),
        trace: undefined,
        frame: undefined,
        ...(opts.modules ? { modules: opts.modules } : {}),
      };
      envs.push(env);
      envOf.set(name, env);
      refreshSinks();
      const h = new HostImpl(name, env);
      hosts.set(name, h);
      bootHost(h);
      return h;
    },
    host: (name) => hosts.get(name),
    hostImpl: (name) => hosts.get(name),
    hosts: () => [...hosts.values()],
    runFor(ms: number): void {
      engine.runUntil(engine.now() + Math.max(0, ms));
    },
    runUntil(pred: () => boolean, maxMs: number): boolean {
      if (pred()) return true;
      engine.runUntil(engine.now() + Math.max(0, maxMs), pred);
      return pred();
    },
    runUntilIdle(maxMs = 60_000): void {
      engine.runUntil(engine.now() + maxMs, () => !engine.pending());
    },
    onTrace(cb) {
      traceSubs.add(cb);
      refreshSinks();
      return () => {
        traceSubs.delete(cb);
        refreshSinks();
      };
    },
    onFrame(cb) {
      frameSubs.add(cb);
      refreshSinks();
      return () => {
        frameSubs.delete(cb);
        refreshSinks();
      };
    },
    random: () => rng.next(),
    setChance(oracle) {
      chance = oracle;
      refreshSinks();
    },
    after: (ms: number, fn: () => void) => engine.after(ms, () => fn()),
    connect(a: WireEnd, b: WireEnd, o?: { mtu?: number }): KResult<void> {
      const ha = hosts.get(a.host);
      const hb = hosts.get(b.host);
      if (!ha || !hb) return kerr('ENOENT');
      const na = ha.ns(a.netns);
      const nb = hb.ns(b.netns);
      if (!na || !nb) return kerr('ENOENT');
      if (!/^[^/:\s]{1,15}$/.test(a.dev) || !/^[^/:\s]{1,15}$/.test(b.dev)) return kerr('EINVAL');
      if (na.devs.has(a.dev) || nb.devs.has(b.dev) || (na === nb && a.dev === b.dev)) return kerr('EEXIST');
      if (o?.mtu !== undefined && (o.mtu < 68 || o.mtu > 65535)) return kerr('EINVAL');
      const da = na.createDevice(a.dev, 'ether', randomMac(na.env));
      const db = nb.createDevice(b.dev, 'ether', randomMac(nb.env));
      da.peer = db;
      db.peer = da;
      if (o?.mtu !== undefined) da.mtu = db.mtu = o.mtu;
      return kok(undefined);
    },
    kernelModules(host: string) {
      const env = envOf.get(host);
      return env ? hostModules(env) : undefined;
    },
  };
  return world;
}
