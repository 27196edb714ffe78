/** The `ipvsadm` program: runIpvsadm over the namespace's IPVS (loading ip_vs on first use, as ipvsadm's modprobe does). */
import { result, type Command } from '../types.js';
import { runIpvsadm } from './ipvsadm.js';

const NO_IPVS = "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n";

export const ipvsadm: Command = (argv, ctx) => {
  const nl = ctx.host.netlink(ctx.netns);
  const vs = nl.ok ? nl.value.ipvs?.() : undefined;
  if (!vs) return result(2, '', NO_IPVS);
  return runIpvsadm(argv.slice(1), vs, ctx.stdin);
};
