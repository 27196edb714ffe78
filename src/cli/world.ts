/**
 * `podnet world new FILE` and `podnet world show FILE`: create a world file (hosts booted, nothing
 * configured) and summarise one (hosts, their namespaces, virtual time, journal length).
 *
 * `world show --json` schema (stable):
 *   { file: string, seed: number, modules: string[], timeMs: number, journalLength: number,
 *     hosts: [{ name: string, netns: string[] }] }
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadWorld, saveWorld, withWorldLock } from '../commands/session/persist.js';
import { Session } from '../commands/session/session.js';
import { ok, type Result } from '../errors.js';

export interface WorldNewOptions {
  seed: string;
  host?: string[];
  modules?: string;
  force?: boolean;
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function worldNew(file: string, opts: WorldNewOptions): number {
  if (!/^[0-9]+$/.test(opts.seed) || !Number.isSafeInteger(Number(opts.seed))) {
    process.stderr.write(`podnet world new: invalid --seed '${opts.seed}': expected a non-negative integer\n`);
    return 2;
  }
  const hosts = opts.host?.length ? opts.host : ['host'];
  const badHost = hosts.find((h) => !HOST_NAME.test(h));
  if (badHost !== undefined) {
    process.stderr.write(`podnet world new: invalid host name '${badHost}'\n`);
    return 2;
  }
  const modules = (opts.modules ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  if (existsSync(file) && !opts.force) {
    process.stderr.write(`podnet world new: world file '${file}': File exists (use --force to replace it)\n`);
    return 2;
  }
  const s = new Session({ seed: Number(opts.seed), modules });
  for (const h of hosts) s.addHost(h);
  const r = withWorldLock(file, () => saveWorld(s, file));
  if (!r.ok) {
    process.stderr.write(`podnet world new: ${r.error.message}\n`);
    return 2;
  }
  return 0;
}

export function worldShow(file: string, opts: { json?: boolean }): number {
  const r = withWorldLock(file, () => {
    const s = loadWorld(file);
    return s.ok ? ok(s.value) : s;
  });
  if (!r.ok) {
    process.stderr.write(`podnet world show: ${r.error.message}\n`);
    return 2;
  }
  const s = r.value;
  const summary = {
    file,
    seed: s.seed,
    modules: [...s.modules],
    timeMs: s.world.now(),
    journalLength: s.journal().length,
    hosts: s.world.hosts().map((h) => ({ name: h.name, netns: h.netnsList().map((n) => n.name).reverse() })),
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `world ${file}: seed ${summary.seed}, modules ${summary.modules.join(',') || '(none)'}, virtual time ${summary.timeMs} ms, ${summary.journalLength} journal entries`,
    ...summary.hosts.map((h) => `host ${h.name}: netns ${h.netns.join(' ') || '(none)'}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/**
 * Runs fn on a recorded world: a fresh one under `seed` when no file is given, else FILE's world,
 * locked from load to save and saved back after fn (`podnet lab FILE --world W`).
 */
export function withSessionWorld<T>(file: string | undefined, seed: number, fn: (s: Session) => T): Result<T> {
  if (file === undefined) return ok(fn(new Session({ seed })));
  return withWorldLock(file, () => {
    const s = loadWorld(file);
    if (!s.ok) return s;
    const out = fn(s.value);
    const w = saveWorld(s.value, file);
    return w.ok ? ok(out) : w;
  });
}

export function registerWorld(program: Command, done: (status: number) => void): void {
  const world = program.command('world').description('create and inspect world files (a saved emulated system that podnet exec and the shims act on)');
  world
    .command('new')
    .description('create a world file with freshly booted hosts')
    .argument('<file>', 'world file to create')
    .option('--seed <n>', 'seed for everything Linux does at random', '1')
    .option('--host <name...>', 'hosts to boot (default: one host named "host")')
    .option('--modules <list>', 'extra kernel modules loaded on every host, comma-separated (e.g. ipip)')
    .option('--force', 'replace FILE if it exists')
    .action((file: string, opts: WorldNewOptions) => done(worldNew(file, opts)));
  world
    .command('show')
    .description('summarise a world file: hosts, namespaces, virtual time, journal length')
    .argument('<file>', 'world file')
    .option('--json', 'print the documented JSON summary')
    .action((file: string, opts: { json?: boolean }) => done(worldShow(file, opts)));
}
