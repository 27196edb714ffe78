#!/usr/bin/env node
/** The `podnet` command line: parses options with commander and turns every outcome into text and an exit status. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import './host-programs.js';
import { runAsProgram } from './entry.js';
import { labCommand } from './lab.js';
import { registerExec } from './exec.js';
import { registerShims } from './shims.js';
import { registerCni } from './cni.js';
import { registerWorld } from './world.js';

/** podnet's version from its package.json: two folders up from src/cli, three from dist/src/cli. */
function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'podnet') return pkg.version ?? '0.0.0';
    } catch {
      // not this one; try the next folder up
    }
  }
  return '0.0.0';
}

/** Runs the CLI on argv (without node and script) and returns the exit status; never throws. */
export function main(argv: string[]): number {
  let status = 0;
  const program = new Command();
  program
    .name('podnet')
    .description('Packet-level emulator of the Linux data plane behind Kubernetes networking')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  program
    .command('lab')
    .description('run a script of real commands (ip, bridge, sysctl, ping, nc, text filters) against a fresh emulated host')
    .argument('<file>', 'lab script; the same file runs under bash on a Linux box')
    .option('--json', 'print every command as {line, command, exitCode, stdout, stderr} in a JSON array')
    .option('--trace', 'after each command, list every hop its packets took')
    .option('--pcap <out>', 'write every frame seen to OUT (pcapng, one interface per host/netns/device)')
    .option('--seed <n>', 'seed for everything Linux does at random', '1')
    .option('--all-paths', 'after a command whose packets met a random branch, list every outcome with its probability')
    .option('--world <file>', 'run on the world in FILE (podnet world new) and save it back, instead of a fresh world')
    .action((file: string, opts: { json?: boolean; trace?: boolean; pcap?: string; seed: string; allPaths?: boolean }) => {
      status = labCommand(file, opts);
    });
  registerWorld(program, (s) => (status = s));
  registerExec(program, (s) => (status = s));
  registerShims(program, (s) => (status = s));
  registerCni(program, (s) => (status = s));
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with status 0; usage errors get 2, like most tools.
      return e.exitCode === 0 ? 0 : 2;
    }
    throw e;
  }
  return status;
}

runAsProgram(import.meta.url, main);
