/**
 * `bash -c 'SCRIPT'` / `sh -c`: the same shell, re-entered in the caller's namespace (what
 * `ip netns exec NS bash -c ...` needs). `sh` is dash on Debian: only its message prefix and its
 * "not found" wording are modelled, not its smaller language.
 */
import { type Command, result } from '../types.js';
import { parseScript } from './parse.js';
import { runItem, type Lookup, type ShellState } from './run.js';

export function shellCommand(name: string, lookup: Lookup): Command {
  return (argv, ctx) => {
    if (argv[1] !== '-c' || argv[2] === undefined) return result(2, '', `podnet: unsupported: ${name} ${argv.slice(1).join(' ')} (only ${name} -c 'SCRIPT')\n`);
    const state: ShellState = { vars: { ...ctx.env }, status: 0, errexit: false };
    let stdout = '';
    let stderr = '';
    let code = 0;
    const env = {
      world: ctx.world,
      host: ctx.host,
      fs: ctx.fs,
      cwd: ctx.cwd,
      ...(ctx.netns !== undefined ? { netns: ctx.netns } : {}),
      ...(name === 'sh'
        ? { prefix: (line: number) => `sh: ${line}: `, notFound: 'not found' }
        : { prefix: (line: number, kind: string) => (kind === 'syntax' ? `bash: -c: line ${line}: ` : 'bash: ') }),
      lookup,
      registerJob: ctx.registerJob,
      // `echo x | sh -c 'cat'`: the shell's stdin is inherited by the first program that reads it.
      stdin: { text: ctx.stdin },
    };
    for (const item of parseScript(argv[2])) {
      const r = runItem(item, state, env);
      stdout += r.stdout;
      stderr += r.stderr;
      code = r.exitCode;
      if (r.stop) break;
    }
    return result(code, stdout, stderr);
  };
}
