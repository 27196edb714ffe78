/**
 * modprobe (kmod 30, tools/modprobe.c): load a kernel module, or remove modules with -r, on the host
 * the lab runs on. Modules are per host, not per namespace: `ip netns exec NS modprobe ipip` loads
 * ipip for every namespace, as on Linux.
 */
import type { Command, ExecResult } from './types.js';
import { result } from './types.js';

const SHORT_FLAGS = new Set(['r', 'a', 'q', 'b', 'i']);
const LONG_FLAGS: Record<string, string> = { '--remove': 'r', '--all': 'a', '--quiet': 'q', '--use-blacklist': 'b', '--ignore-install': 'i', '--ignore-remove': 'i' };

export const modprobe: Command = (argv, ctx) => {
  const flags = new Set<string>();
  const args: string[] = [];
  // getopt_long permutes: options may follow the module name, "--" ends them.
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const f = LONG_FLAGS[a];
      if (!f) return result(1, '', `modprobe: unrecognized option '${a}'\n`);
      flags.add(f);
    } else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (!SHORT_FLAGS.has(c)) return result(1, '', `modprobe: invalid option -- '${c}'\n`);
        flags.add(c);
      }
    } else args.push(a);
  }
  const quiet = flags.has('q');
  // kmod's LOG() messages are FATAL and -q silences them; ERR() ones are not silenced.
  const fatal = (msg: string): string => (quiet ? '' : `modprobe: FATAL: ${msg}\n`);
  if (args.length === 0) return result(1, '', 'modprobe: ERROR: missing parameters. See -h.\n');
  const mods = ctx.world.kernelModules?.(ctx.host.name);
  if (!mods) return result(1, '', 'modprobe: ERROR: kmod_new() failed!\n');

  let stderr = '';
  let failed = false;
  if (flags.has('r')) {
    // rmmod_all: every argument names a module; the status is the last failure's.
    for (const name of args) {
      const state = mods.state(name);
      if (state === 'unknown') stderr += fatal(`Module ${name} not found.`);
      else if (state === 'builtin') stderr += fatal(`Module ${name} is builtin.`);
      else if (state === 'absent') stderr += fatal(`Module ${name} is not in kernel.`);
      else {
        mods.unload(name);
        continue;
      }
      failed = true;
    }
    return finish(failed, stderr);
  }
  // Without -a the first argument is the module and the rest are its parameters (name=value).
  for (const name of flags.has('a') ? args : [args[0]!]) {
    if (!mods.load(name).ok) {
      stderr += fatal(`Module ${name} not found in directory /lib/modules/${mods.release}`);
      failed = true;
    }
  }
  return finish(failed, stderr);
};

function finish(failed: boolean, stderr: string): ExecResult {
  return result(failed ? 1 : 0, '', stderr);
}
