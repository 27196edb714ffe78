/**
 * World files: a recorded world (session.ts) as versioned JSON — seed, modules and journal — read
 * back by replaying the journal; written atomically (temporary file + rename) and guarded by a lock
 * file so that two processes acting on one world (two shims run at once) never lose each other's
 * entries. Every failure is a value naming the file and what is wrong with it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { err, ok, podnetError, type Result } from '../../errors.js';
import { checkEntry, type JournalEntry } from './journal.js';
import { Session } from './session.js';

export const WORLD_FORMAT = 'podnet-world';
export const WORLD_VERSION = 1;

export interface WorldFile {
  format: typeof WORLD_FORMAT;
  version: typeof WORLD_VERSION;
  seed: number;
  modules: string[];
  /** Host names, for readers that do not replay (informative: the journal creates them). */
  hosts: string[];
  journal: JournalEntry[];
}

const NODE_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
};
const ioText = (e: unknown): string => NODE_ERRNO_TEXT[(e as { code?: string }).code ?? ''] ?? (e as Error).message;
const fileErr = (file: string, m: string) => err(podnetError('io', `world file '${file}': ${m}`, { file }));

export function worldFileOf(s: Session): WorldFile {
  return { format: WORLD_FORMAT, version: WORLD_VERSION, seed: s.seed, modules: [...s.modules], hosts: s.world.hosts().map((h) => h.name), journal: [...s.journal()] };
}

/** Checks a world file's text: JSON, format, version, seed, modules and every journal entry. */
export function parseWorldFile(text: string, file: string): Result<WorldFile> {
  const bad = (m: string) => err(podnetError('parse', `world file '${file}': ${m}`, { file }));
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    return bad(text.trim() === '' ? 'empty file' : `not JSON (${(e as Error).message})`);
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return bad('not a podnet world (expected a JSON object)');
  const o = x as Record<string, unknown>;
  if (o['format'] !== WORLD_FORMAT) return bad(`not a podnet world (format is ${JSON.stringify(o['format'])}, expected "${WORLD_FORMAT}")`);
  if (o['version'] !== WORLD_VERSION) return bad(`unsupported version ${JSON.stringify(o['version'])} (this podnet reads version ${WORLD_VERSION})`);
  if (typeof o['seed'] !== 'number' || !Number.isSafeInteger(o['seed']) || o['seed'] < 0) return bad('"seed" must be a non-negative integer');
  const modules = o['modules'] ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) return bad('"modules" must be an array of strings');
  if (!Array.isArray(o['journal'])) return bad('"journal" must be an array');
  for (const [i, e] of o['journal'].entries()) {
    const r = checkEntry(e);
    if (!r.ok) return bad(`journal entry ${i + 1}: ${r.error.message}`);
  }
  const hosts = Array.isArray(o['hosts']) ? o['hosts'].filter((h): h is string => typeof h === 'string') : [];
  return ok({ format: WORLD_FORMAT, version: WORLD_VERSION, seed: o['seed'], modules: modules as string[], hosts, journal: o['journal'] as JournalEntry[] });
}

export function readWorldFile(file: string): Result<WorldFile> {
  let text: string;
  try {
    if (statSync(file).isDirectory()) return fileErr(file, 'Is a directory');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fileErr(file, ioText(e));
  }
  return parseWorldFile(text, file);
}

/** Rebuilds the world a file describes: a fresh world under its seed, then its journal replayed. */
export function sessionFromFile(data: WorldFile, file: string): Result<Session> {
  const s = new Session({ seed: data.seed, modules: data.modules });
  const r = s.restore(data.journal);
  if (!r.ok) return err(podnetError('parse', `world file '${file}': ${r.error.message}`, { file }));
  return ok(s);
}

export function loadWorld(file: string): Result<Session> {
  const data = readWorldFile(file);
  return data.ok ? sessionFromFile(data.value, file) : data;
}

/** Writes FILE so that a reader sees the old world or the new one, never half of either. */
export function saveWorld(s: Session, file: string): Result<void> {
  return writeAtomic(file, JSON.stringify(worldFileOf(s)) + '\n');
}

export function writeAtomic(file: string, text: string): Result<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return ok(undefined);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was created */
    }
    return fileErr(file, `cannot write: ${ioText(e)}`);
  }
}

export interface LockOptions {
  /** Give up waiting after this long (default 60 s). */
  timeoutMs?: number;
  /** A lock older than this is taken to be left by a crashed process even if its pid lives (default 10 min). */
  staleMs?: number;
}

/** Blocks the thread for ms: a lock wait in a synchronous command line program. */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** This process's PID namespace ("pid:[4026531836]"): a pid in a lock only means something inside the same one. */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '?';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Runs fn holding FILE.lock, created with O_EXCL so only one process holds it. A lock whose
 * holder is gone (no such pid) or that is older than staleMs is broken by renaming it away first,
 * so two waiters cannot both break it and both enter.
 */
export function withWorldLock<T>(file: string, fn: () => Result<T>, opts: LockOptions = {}): Result<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const staleMs = opts.staleMs ?? 600_000;
  let wait = 2;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeSync(fd, `${process.pid} ${pidNamespace()}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') return fileErr(file, `cannot create lock '${lock}': ${ioText(e)}`);
    }
    let holder = NaN;
    let holderNs = '';
    let age = 0;
    try {
      const [pid, ns] = readFileSync(lock, 'utf8').trim().split(/\s+/);
      holder = Number(pid);
      holderNs = ns ?? '';
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released between our open and our read: try again at once
    }
    // A half-written lock (no pid yet) is young; only a dead pid or old age makes it stale. A pid
    // from another PID namespace (a shim run in a container) cannot be checked: only age counts.
    const sameNs = holderNs === '' || holderNs === pidNamespace();
    if ((sameNs && Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) || age > staleMs) {
      const aside = `${lock}.${process.pid}.stale`;
      try {
        renameSync(lock, aside);
        unlinkSync(aside);
      } catch {
        /* someone else broke it first */
      }
      continue;
    }
    if (Date.now() >= deadline) return fileErr(file, `timed out waiting for '${lock}' (held by pid ${Number.isNaN(holder) ? '?' : holder})`);
    sleepMs(wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* already gone: nothing to release */
    }
  }
}

/** Load FILE, let fn act on the world, save it back: the unit of work of one `podnet exec`. */
export function updateWorld<T>(file: string, fn: (s: Session) => T, opts?: LockOptions): Result<T> {
  return withWorldLock(
    file,
    () => {
      const s = loadWorld(file);
      if (!s.ok) return s;
      const out = fn(s.value);
      const w = saveWorld(s.value, file);
      return w.ok ? ok(out) : w;
    },
    opts,
  );
}
