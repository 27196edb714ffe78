/**
 * For plugin tests: a fresh emulated node and a way to run a plugin Command on it with CNI_* env and
 * a configuration on stdin, the way a runtime (or a shell line) would.
 */
import type { Command, ExecContext, ExecResult } from '../../src/commands/types.js';
import { lookupCommand } from '../../src/commands/registry.js';
import { createWorld } from '../../src/world/world.js';
import type { Host, World } from '../../src/world/api.js';

export interface TestHost {
  world: World;
  host: Host;
  run(plugin: Command, env: Record<string, string>, stdin: string): ExecResult;
}

export function testHost(seed = 1): TestHost {
  const world = createWorld({ seed });
  const host = world.addHost('node');
  const exec = (argv: string[], ctx: ExecContext): ExecResult => {
    const cmd = lookupCommand(argv[0] ?? '');
    return cmd ? cmd(argv, ctx) : { exitCode: 127, stdout: '', stderr: `${argv[0]}: command not found\n` };
  };
  return {
    world,
    host,
    run: (plugin, env, stdin) => plugin(['plugin'], { world, host, env, fs: host.fs, cwd: '/', stdin, background: false, exec, registerJob: () => undefined }),
  };
}
