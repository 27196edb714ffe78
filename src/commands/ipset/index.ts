/** The `ipset` program: runIpset over the namespace's IP sets. */
import { result, type Command } from '../types.js';
import { runIpset } from './ipset.js';

export const ipset: Command = (argv, ctx) => {
  const nl = ctx.host.netlink(ctx.netns);
  if (!nl.ok) return result(1, '', `ipset v7.17: Cannot open session to kernel.\n`);
  const store = nl.value.ipset?.();
  if (!store) return result(1, '', 'ipset v7.17: Kernel error received: ipset protocol error\n');
  return runIpset(argv.slice(1), store, ctx.stdin);
};
