/** `podnet shims DIR`: writes the ip/bridge/iptables/... shims that act on $PODNET_WORLD (docs/shims.md). */
import type { Command } from 'commander';
import { writeShims } from '../commands/session/external-shims.js';

export function shimsCommand(dir: string): number {
  const r = writeShims(dir);
  if (!r.ok) {
    process.stderr.write(`podnet shims: ${r.error.message}\n`);
    return 2;
  }
  process.stdout.write(`${r.value.join(' ')}\n`);
  if (!process.env['PODNET_WORLD']) process.stderr.write(`podnet shims: note: PODNET_WORLD is not set; the shims need it to name a world file (podnet world new FILE)\n`);
  return 0;
}

export function registerShims(program: Command, done: (status: number) => void): void {
  program
    .command('shims')
    .description('write ip, bridge, iptables, iptables-save, iptables-restore, sysctl (and conntrack...) shims into DIR that act on the world $PODNET_WORLD names')
    .argument('<dir>', 'folder to write them into (created if missing); put it first on PATH')
    .action((dir: string) => done(shimsCommand(dir)));
}
