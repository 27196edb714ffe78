/**
 * A recorded world: a World plus the journal of everything done to it from outside (hosts created,
 * programs run, files a shell wrote, time let pass), so that persist.ts can save it and a later
 * process can rebuild the same world by replaying the journal under the same seed.
 *
 * Recording rule: only what happens at the top (a program the caller runs, a file the caller
 * writes) is journaled; what a program does inside (its own file writes, the programs it runs via
 * `ip netns exec`) is reproduced by replaying the program itself.
 */
import { err, ok, podnetError, type PodnetError, type Result } from '../../errors.js';
import type { Host, World } from '../../world/api.js';
import type { HostFs } from '../../world/fs.js';
import { dirname, resolve } from 'node:path';
import type { Command, ExecResult, Job } from '../types.js';
import { result } from '../types.js';
import { lookupCommand } from '../registry.js';
import { runItem, type Lookup, type ShellEnv, type ShellState } from '../shell/run.js';
import type { ParseItem } from '../shell/parse.js';
import { createWorld, type WorldInternals } from '../../world/world.js';
import type { ExecEntry, ExternalRun, JournalEntry, LabEntry } from './journal.js';
import { runLab, type LabOptions, type LabResult } from '../shell/lab.js';

export interface SessionOptions {
  seed: number;
  /** Kernel modules loaded on every host beyond the reference machine's (e.g. "ipip"). */
  modules?: readonly string[];
}

export interface ExecOptions {
  host?: string;
  netns?: string;
  /** Variables the program gets on top of the fixed base environment (HOME, PATH, USER). */
  env?: Record<string, string>;
  stdin?: string;
  /** Real folder relative paths resolve from (default: process.cwd()). */
  cwd?: string;
}

/** The environment every recorded program starts from, so a replay does not depend on the caller's. */
const BASE_ENV: Readonly<Record<string, string>> = { HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', USER: 'root' };

/** Thrown (and swallowed) while replaying a command up to the point where it handed the world to an external program. */
class Suspend extends Error {}
const SUSPENDED = Symbol('suspended');

/** What an external program run (external.ts) needs from the session that owns the world. */
export interface ExternalHook {
  /** Entries to hand to the program's world copy: the journal plus, inside a command, that command marked suspended. */
  snapshot(): JournalEntry[];
  /** Called with the program's outcome and the entries it appended; applies them to this world. */
  commit(run: ExternalRun): Result<void>;
  /** During replay: the recorded outcome to return instead of running the program again (throws to stop a suspended command). */
  replayed(argv: string[]): ExternalRun | undefined;
}

const sessions = new WeakMap<World, Session>();

/** The session recording this world, if any (external.ts uses it to hand the world to a real program). */
export function sessionOf(world: World): Session | undefined {
  return sessions.get(world);
}

export class Session {
  readonly world: World & WorldInternals;
  readonly seed: number;
  readonly modules: readonly string[];
  private readonly entries: JournalEntry[] = [];
  private readonly fsByHost = new Map<string, HostFs>();
  private readonly jobs: Job[] = [];
  /** > 0 while a journaled action runs: what happens inside it is not journaled again. */
  private depth = 0;
  /** The top-level command running or being replayed, with its external-run tape position. */
  private current: { entry: ExecEntry | LabEntry; tapePos: number; replay: boolean } | undefined;
  /** True while a suspended command is replayed past its hand-over point: it must change nothing more. */
  private frozen = false;

  constructor(opts: SessionOptions) {
    this.seed = opts.seed;
    this.modules = [...(opts.modules ?? [])];
    this.world = createWorld({ seed: opts.seed, ...(this.modules.length ? { modules: this.modules } : {}) });
    sessions.set(this.world, this);
  }

  journal(): readonly JournalEntry[] {
    return this.entries;
  }

  /** Adds a host (a booted machine: root namespace with lo up, a file system); no-op if it exists. */
  addHost(name: string): Host {
    const have = this.world.host(name);
    if (have) return have;
    this.record({ op: 'host', host: name });
    return this.world.addHost(name);
  }

  /** The host's file system (Host.fs) as the caller sees it: writes made through it at the top level are journaled. */
  fs(hostName: string): HostFs | undefined {
    const have = this.fsByHost.get(hostName);
    if (have) return have;
    const host = this.world.host(hostName);
    if (!host) return undefined;
    const fs = this.recordingFs(hostName, host.fs);
    this.fsByHost.set(hostName, fs);
    return fs;
  }

  /** Lets virtual time pass (timers fire: neighbour expiry, TCP retransmits, job timeouts). */
  advance(ms: number): void {
    this.record({ op: 'advance', ms });
    this.world.runFor(ms);
  }

  /**
   * Runs one program (argv[0] looked up as bash would) on a host, records it, and returns what it
   * printed. Background jobs it started do not outlive it: they are killed when it returns, as
   * when the process that started them exits.
   */
  exec(argv: string[], opts: ExecOptions = {}): ExecResult {
    const hostName = opts.host ?? this.world.hosts()[0]?.name;
    if (hostName === undefined || !this.world.host(hostName)) return result(2, '', `podnet: no such host '${opts.host ?? ''}' in this world\n`);
    if (argv.length === 0) return result(2, '', 'podnet: nothing to run\n');
    const entry: ExecEntry = {
      op: 'exec',
      host: hostName,
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      argv: [...argv],
      ...(opts.env && Object.keys(opts.env).length ? { env: { ...opts.env } } : {}),
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
      cwd: opts.cwd ?? process.cwd(),
      exitCode: 0,
    };
    // Pushed after it ran (so the exit status is known): a world copy taken while it runs holds it as 'suspended'.
    const top = this.depth === 0 && this.replayingDepth === 0;
    const r = this.runExec(entry, false);
    entry.exitCode = r.exitCode;
    if (top) this.entries.push(entry);
    return r;
  }

  /**
   * Runs a lab script on this world (its host "host", added if missing) as one journal entry, so a
   * real program a lab line runs (runExternal) gets this world, and a saved world keeps the lab.
   */
  runLab(text: string, opts: Omit<LabOptions, 'world' | 'lookup'>): LabResult {
    const entry: LabEntry = { op: 'lab', file: opts.file, cwd: opts.cwd ?? dirname(resolve(opts.file)), text, exitCode: 0 };
    const top = this.depth === 0 && this.replayingDepth === 0;
    const r = this.within(entry, false, () => runLab(text, { ...opts, cwd: entry.cwd, world: this.world, lookup: this.lookup }));
    if (r === SUSPENDED) return { steps: [], frames: [], exitCode: 0 };
    entry.exitCode = r.exitCode;
    if (top) this.entries.push(entry);
    return r;
  }

  /** Replays a saved journal on this fresh world and takes it as this session's own history. */
  restore(entries: readonly JournalEntry[]): Result<void> {
    const r = this.replay(entries);
    if (r.ok) this.entries.push(...entries);
    return r;
  }

  /** Replays entries on this world without journaling them (what an external program did is journaled by the caller). */
  replay(entries: readonly JournalEntry[], where = 'journal entry'): Result<void> {
    for (const [i, e] of entries.entries()) {
      const r = this.apply(e, `${where} ${i + 1}`);
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  /** The hook external.ts uses while a program outside this process works on a copy of the world. */
  external(): ExternalHook {
    return {
      snapshot: () => {
        const cur = this.current;
        if (!cur || cur.replay) return [...this.entries];
        return [...this.entries, { ...cur.entry, external: [...(cur.entry.external ?? [])], suspended: true }];
      },
      commit: (run) => {
        const cur = this.current;
        if (!cur || cur.replay) {
          // Outside any command: what the program did is simply more journal.
          const r = this.replay(run.entries, 'external program entry');
          if (r.ok) this.entries.push(...run.entries);
          return r;
        }
        (cur.entry.external ??= []).push(run);
        cur.tapePos++;
        return this.nested(() => this.replay(run.entries, 'external program entry'));
      },
      replayed: (argv) => {
        const cur = this.current;
        if (this.frozen) throw new Suspend();
        if (!cur?.replay) {
          if (this.replayingDepth === 0) return undefined; // recording: run it for real
        } else {
          const run = cur.entry.external?.[cur.tapePos];
          if (run) {
            cur.tapePos++;
            const r = this.nested(() => this.replay(run.entries, 'external program entry'));
            return r.ok ? run : { ...run, exitCode: 70, stderr: `podnet: replaying external program: ${r.error.message}\n` };
          }
          if (cur.entry.suspended) {
            // The hand-over point of the command the world copy was taken in: stop it here.
            this.frozen = true;
            throw new Suspend();
          }
        }
        // A replay never runs a real program: one the recording did not run means the replay diverged.
        return { argv: [...argv], exitCode: 70, stdout: '', stderr: `podnet: replay diverged: '${argv[0] ?? ''}' was not run when this world was recorded\n`, entries: [] };
      },
    };
  }

  /** Runs fn with the current command context cleared, so replayed entries run as their own commands. */
  private nested<T>(fn: () => T): T {
    const saved = { current: this.current, depth: this.depth, frozen: this.frozen };
    this.current = undefined;
    this.depth = 0;
    this.frozen = false;
    const replaying = this.replayingDepth;
    this.replayingDepth++;
    try {
      return fn();
    } finally {
      this.replayingDepth = replaying;
      this.current = saved.current;
      this.depth = saved.depth;
      this.frozen = saved.frozen;
    }
  }

  /** > 0 while replaying: nothing is journaled then. */
  private replayingDepth = 0;

  private record(e: JournalEntry): void {
    if (this.depth === 0 && this.replayingDepth === 0) this.entries.push(e);
  }

  private apply(e: JournalEntry, where: string): Result<void> {
    const fail = (m: string): Result<void> => err(podnetError('parse', `${where}: ${m}`));
    this.replayingDepth++;
    try {
      switch (e.op) {
        case 'host':
          this.world.addHost(e.host);
          return ok(undefined);
        case 'advance':
          this.world.runFor(e.ms);
          return ok(undefined);
        case 'lab': {
          const lab = this.within(e, true, () => runLab(e.text, { file: e.file, cwd: e.cwd, world: this.world, lookup: this.lookup }));
          const code = lab === SUSPENDED ? e.exitCode : lab.exitCode;
          if (!e.suspended && code !== e.exitCode) return fail(`lab ${e.file} exited ${code} on replay but ${e.exitCode} when recorded (the world file was written by a podnet that behaves differently)`);
          return ok(undefined);
        }
        case 'exec': {
          if (!this.world.host(e.host)) return fail(`no host '${e.host}'`);
          const r = this.runExec(e, true);
          if (!e.suspended && r.exitCode !== e.exitCode) {
            return fail(`\`${e.argv.join(' ')}\` exited ${r.exitCode} on replay but ${e.exitCode} when recorded (the world file was written by a podnet that behaves differently)`);
          }
          return ok(undefined);
        }
        default: {
          const fs = this.fs(e.host);
          if (!fs) return fail(`no host '${e.host}'`);
          const opts = { ...(e.op !== 'mkdir' && e.op !== 'remove' && e.append ? { append: true } : {}) };
          const r =
            e.op === 'write'
              ? fs.write(e.path, e.data, e.netns, opts)
              : e.op === 'open'
                ? (fs.openForWrite?.(e.path, e.netns, opts) ?? ok(undefined))
                : e.op === 'mkdir'
                  ? fs.mkdir(e.path, e.recursive ? { recursive: true } : {})
                  : fs.remove(e.path, e.recursive ? { recursive: true } : {});
          // A failed write was journaled too (it failed the same way when recorded).
          void r;
          return ok(undefined);
        }
      }
    } finally {
      this.replayingDepth--;
    }
  }

  /** Programs as the shell finds them; after a suspended command's hand-over point, no-ops. */
  private readonly lookup: Lookup = (name) => (this.frozen ? frozenCommand : lookupCommand(name));

  /** Runs fn as the journaled action `entry`: nothing inside is journaled again; external runs go on its tape. */
  private within<T>(entry: ExecEntry | LabEntry, replay: boolean, fn: () => T): T | typeof SUSPENDED {
    const saved = { current: this.current, frozen: this.frozen };
    this.current = { entry, tapePos: 0, replay };
    this.depth++;
    try {
      return fn();
    } catch (e) {
      if (e instanceof Suspend) return SUSPENDED;
      throw e;
    } finally {
      this.depth--;
      this.current = saved.current;
      this.frozen = saved.frozen;
    }
  }

  /** Runs an exec entry through the shell's program lookup, stdin as a here-document, jobs killed at the end. */
  private runExec(entry: ExecEntry, replay: boolean): ExecResult {
    const host = this.world.host(entry.host)!;
    const fs = this.fs(entry.host)!;
    const started = this.jobs.length;
    const r = this.within(entry, replay, () => {
      const env: ShellEnv = {
        world: this.world,
        host,
        fs,
        cwd: entry.cwd,
        ...(entry.netns !== undefined ? { netns: entry.netns } : {}),
        prefix: () => 'podnet exec: ',
        lookup: this.lookup,
        registerJob: (job) => this.jobs.push(job),
      };
      const state: ShellState = { vars: { ...BASE_ENV, ...(entry.env ?? {}) }, status: 0, errexit: false };
      return runItem(argvItem(entry.argv, entry.stdin), state, env);
    });
    // A process's background children die with it here (see docs/shims.md).
    const jobs = this.jobs.splice(started);
    for (const job of jobs) if (job.running()) job.kill();
    if (r === SUSPENDED) return result(0);
    let stdout = r.stdout;
    let stderr = r.stderr;
    for (const job of jobs) {
      stdout += job.stdout();
      stderr += job.stderr();
    }
    return result(r.exitCode, stdout, stderr);
  }

  private recordingFs(host: string, fs: HostFs): HostFs {
    const refuse = { ok: false as const, error: podnetError('io', 'Read-only file system') };
    const rec = (e: JournalEntry): boolean => {
      if (this.frozen) return false;
      this.record(e);
      return true;
    };
    const wrapped: HostFs = {
      read: (p, n) => fs.read(p, n),
      list: (p, n) => fs.list(p, n),
      stat: (p, n) => fs.stat(p, n),
      write: (path, data, netns, opts) =>
        rec({ op: 'write', host, path, data, ...(netns !== undefined ? { netns } : {}), ...(opts?.append ? { append: true as const } : {}) }) ? fs.write(path, data, netns, opts) : refuse,
      mkdir: (path, opts) => (rec({ op: 'mkdir', host, path, ...(opts?.recursive ? { recursive: true as const } : {}) }) ? fs.mkdir(path, opts) : refuse),
      remove: (path, opts) => (rec({ op: 'remove', host, path, ...(opts?.recursive ? { recursive: true as const } : {}) }) ? fs.remove(path, opts) : refuse),
    };
    const open = fs.openForWrite?.bind(fs);
    if (open) {
      wrapped.openForWrite = (path, netns, opts) =>
        rec({ op: 'open', host, path, ...(netns !== undefined ? { netns } : {}), ...(opts?.append ? { append: true as const } : {}) }) ? open(path, netns, opts) : refuse;
    }
    return wrapped;
  }
}

/** After the hand-over point of a suspended command nothing may run: every program is a no-op. */
const frozenCommand: Command = () => result(0);

/** argv as one parsed simple command (no quoting round trip), stdin fed as an unexpanded here-document. */
function argvItem(argv: string[], stdin: string | undefined): ParseItem {
  const word = (s: string) => ({ parts: [{ t: 'lit' as const, s, q: true }], raw: s });
  return {
    kind: 'command',
    line: 1,
    text: argv.join(' '),
    lists: [
      {
        first: {
          negate: false,
          commands: [
            {
              line: 1,
              assigns: [],
              words: argv.map(word),
              redirects: stdin ? [{ fd: 0, op: '<<', target: word('EOF'), body: stdin, bodyExpands: false }] : [],
            },
          ],
        },
        rest: [],
        background: false,
      },
    ],
  };
}

export type { PodnetError };
