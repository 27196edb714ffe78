/**
 * `podnet exec [--world FILE] [--host H] [--netns NS] -- PROGRAM ARGS...`: runs one command in a
 * saved world the way a process runs on a machine — its output and exit status are the command's —
 * then saves the world back. The world file is locked from load to save, so concurrent runs
 * (shims called by parallel scripts) queue instead of losing each other's changes.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { updateWorld } from '../commands/session/persist.js';

/** Tools that read no environment variable podnet models: their journal entries carry no env. */
const ENV_BLIND = new Set(['ip', 'bridge', 'iptables', 'iptables-save', 'iptables-restore', 'sysctl', 'conntrack', 'ipset', 'ipvsadm']);
/** Programs that read stdin when no file operand is given. */
const FILTERS = new Set(['cat', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'sort', 'tr', 'wc', 'cut', 'tee', 'sh', 'bash']);

/**
 * Whether the program would read its stdin. Reading it when the real tool would not could swallow
 * input meant for the script that called the shim (a plugin's CNI config), so only these do.
 */
export function readsStdin(argv: string[]): boolean {
  const name = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  const args = argv.slice(1);
  if (FILTERS.has(name)) return true;
  if (name === 'iptables-restore') {
    // iptables-restore [options] [file]: -T/-M/-w/-W take a value.
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (/^(-[TMwW]|--table|--modprobe|--wait|--wait-interval)$/.test(a)) i++;
      else if (!a.startsWith('-')) return false;
    }
    return true;
  }
  if (name === 'ip' || name === 'bridge') return args.some((a, i) => /^-{1,2}(b|batch)$/.test(a) && args[i + 1] === '-');
  if (name === 'ipset') return args.includes('restore') && !args.some((a) => a === '-file' || a === '-f');
  return false;
}

function readStdin(): string {
  if (process.stdin.isTTY) return '';
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export interface ExecCliOptions {
  world?: string;
  host?: string;
  netns?: string;
}

export function execCommand(argv: string[], opts: ExecCliOptions): number {
  const file = opts.world ?? process.env['PODNET_WORLD'];
  if (!file) {
    process.stderr.write('podnet exec: no world: pass --world FILE or set PODNET_WORLD (create one with podnet world new FILE)\n');
    return 2;
  }
  const name = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  const env: Record<string, string> = {};
  if (!ENV_BLIND.has(name)) for (const [k, v] of Object.entries(process.env)) if (k.startsWith('CNI_') && v !== undefined) env[k] = v;
  const stdin = readsStdin(argv) ? readStdin() : '';
  const host = opts.host ?? process.env['PODNET_HOST'];
  const netns = opts.netns ?? process.env['PODNET_NETNS'];
  const r = updateWorld(file, (s) => {
    if (host !== undefined && !s.world.host(host)) return { exitCode: 2, stdout: '', stderr: `podnet exec: no host '${host}' in world '${file}' (hosts: ${s.world.hosts().map((h) => h.name).join(', ') || 'none'})\n` };
    return s.exec(argv, { ...(host !== undefined ? { host } : {}), ...(netns ? { netns } : {}), env, stdin, cwd: process.cwd() });
  });
  if (!r.ok) {
    process.stderr.write(`podnet exec: ${r.error.message}\n`);
    return 2;
  }
  process.stdout.write(r.value.stdout);
  process.stderr.write(r.value.stderr);
  return r.value.exitCode;
}

export function registerExec(program: Command, done: (status: number) => void): void {
  // Everything after PROGRAM belongs to it (`podnet exec ip -br link`), as with env(1) or sudo.
  program.enablePositionalOptions();
  program
    .command('exec')
    .description('run one command (ip, bridge, iptables, sysctl, ...) in a saved world, print what it prints, exit with its status, save the world')
    .option('--world <file>', 'world file (default: $PODNET_WORLD)')
    .option('--host <name>', 'host to run on (default: $PODNET_HOST, else the first host)')
    .option('--netns <name>', 'network namespace to run in (default: $PODNET_NETNS, else the root namespace)')
    .argument('<program...>', 'the command and its arguments')
    .passThroughOptions()
    .action((argv: string[], opts: ExecCliOptions) => done(execCommand(argv, opts)));
}
