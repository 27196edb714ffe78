/**
 * Which programs exist on an emulated machine: the name → Command map the shell and `ip netns exec`
 * look programs up in, including the absolute paths scripts use (/usr/sbin/ip, /bin/ping).
 */
import type { Command } from './types.js';
import { ip } from './ip/index.js';
import { bridge } from './bridge/index.js';
import { sysctl } from './sysctl.js';
import { ping } from './ping.js';
import { nc } from './nc.js';
import { iptables, iptablesRestore, iptablesSave } from './iptables/index.js';
import { conntrack } from './conntrack/index.js';
import { ipset } from './ipset/index.js';
import { ipvsadm } from './ipvsadm/index.js';
import { modprobe } from './modprobe.js';
import { cat } from './text/cat.js';
import { cut } from './text/cut.js';
import { grep } from './text/grep.js';
import { head, tail } from './text/headtail.js';
import { ls } from './text/ls.js';
import { sort } from './text/sort.js';
import { tr } from './text/tr.js';
import { wc } from './text/wc.js';
import { mkdir, rm, tee, touch } from './text/files.js';
import { echo, falseCmd, printf, sleep, trueCmd } from './shell/builtins.js';
import { shellCommand } from './shell/sh.js';

/** Layers above (the CNI plugins) make their installed files runnable by path through this hook. */
export { registerProgramResolver, type ProgramResolver } from './shell/exec-file.js';

const programs: Record<string, Command> = {
  ip,
  bridge,
  sysctl,
  ping,
  nc,
  iptables,
  'iptables-save': iptablesSave,
  'iptables-restore': iptablesRestore,
  conntrack,
  ipset,
  ipvsadm,
  modprobe,
  cat,
  cut,
  grep,
  egrep: (argv, ctx) => grep(['grep', '-E', ...argv.slice(1)], ctx),
  fgrep: (argv, ctx) => grep(['grep', '-F', ...argv.slice(1)], ctx),
  head,
  tail,
  ls,
  sort,
  tr,
  wc,
  mkdir,
  rm,
  tee,
  touch,
  echo,
  printf,
  true: trueCmd,
  false: falseCmd,
  sleep,
};
programs['bash'] = shellCommand('bash', lookupCommand);
programs['sh'] = shellCommand('sh', lookupCommand);

/** Where a Debian box keeps programs; `/usr/sbin/ip` and `/sbin/ip` name the same program. */
const PROGRAM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The program NAME names, by bare name or by its path in the usual bin folders. */
export function lookupCommand(name: string): Command | undefined {
  const slash = name.lastIndexOf('/');
  if (slash >= 0) {
    if (!PROGRAM_DIRS.includes(name.slice(0, slash) || '/')) return undefined;
    name = name.slice(slash + 1);
  }
  return Object.prototype.hasOwnProperty.call(programs, name) ? programs[name] : undefined;
}

/** Lets later layers (iptables, ipvsadm, conntrack...) add their programs without editing this file. */
export function registerCommand(name: string, cmd: Command): void {
  programs[name] = cmd;
}

export function commandNames(): string[] {
  return Object.keys(programs).sort();
}
