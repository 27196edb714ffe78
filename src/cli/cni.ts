/**
 * `podnet cni add|check|del|gc|status|version NETWORK [NETNS]`: cnitool against a saved world — the
 * host's /etc/cni/net.d (or $NETCONFPATH), its /opt/cni/bin (or $CNI_PATH), the result cache in its
 * /var/lib/cni. The run is recorded in the world like any `podnet exec`, so plugins' changes stay.
 * Environment as cnitool reads it: CNI_PATH, NETCONFPATH, CNI_IFNAME (default eth0), CNI_ARGS,
 * CAP_ARGS. Unlike cnitool, an unset CNI_PATH means the host's /opt/cni/bin.
 */
import type { Command } from 'commander';
import { updateWorld } from '../commands/session/persist.js';
import './host-programs.js';

const PASSED_ENV = ['CNI_PATH', 'NETCONFPATH', 'CNI_IFNAME', 'CNI_ARGS', 'CAP_ARGS'];
const COMMANDS = ['add', 'check', 'del', 'gc', 'status', 'version'];

export interface CniCliOptions {
  world?: string;
  host?: string;
}

export function cniCommand(command: string, network: string, netns: string | undefined, opts: CniCliOptions): number {
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`podnet cni: unknown command '${command}' (expected one of ${COMMANDS.join(', ')})\n`);
    return 2;
  }
  if (netns === undefined && command !== 'version') {
    process.stderr.write(`podnet cni ${command}: missing NETNS (e.g. /var/run/netns/c1)\n`);
    return 2;
  }
  const file = opts.world ?? process.env['PODNET_WORLD'];
  if (!file) {
    process.stderr.write('podnet cni: no world: pass --world FILE or set PODNET_WORLD (create one with podnet world new FILE)\n');
    return 2;
  }
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  env['CNI_PATH'] ??= '/opt/cni/bin';
  const host = opts.host ?? process.env['PODNET_HOST'];
  const argv = ['cnitool', command, network, ...(netns !== undefined ? [netns] : [])];
  const r = updateWorld(file, (s) => {
    if (host !== undefined && !s.world.host(host)) return { exitCode: 2, stdout: '', stderr: `podnet cni: no host '${host}' in world '${file}'\n` };
    return s.exec(argv, { ...(host !== undefined ? { host } : {}), env, cwd: process.cwd() });
  });
  if (!r.ok) {
    process.stderr.write(`podnet cni: ${r.error.message}\n`);
    return 2;
  }
  process.stdout.write(r.value.stdout);
  process.stderr.write(r.value.stderr);
  return r.value.exitCode;
}

export function registerCni(program: Command, done: (status: number) => void): void {
  program
    .command('cni')
    .description("run a network's CNI plugins in a saved world as cnitool does (add, check, del, gc, status; version lists each plugin's versions)")
    .argument('<command>', COMMANDS.join('|'))
    .argument('<network>', 'network name in the host\'s /etc/cni/net.d (or $NETCONFPATH)')
    .argument('[netns]', 'network namespace path, e.g. /var/run/netns/c1')
    .option('--world <file>', 'world file (default: $PODNET_WORLD)')
    .option('--host <name>', 'host to run on (default: $PODNET_HOST, else the first host)')
    .action((command: string, network: string, netns: string | undefined, opts: CniCliOptions) => done(cniCommand(command, network, netns, opts)));
}
