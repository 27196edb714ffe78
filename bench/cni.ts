/**
 * CNI benchmark: ADD and DEL per second of podnet's bridge plugin with host-local IPAM (isGateway,
 * ipMasq, as a typical node's pod network) for many containers on one node, run in-process as a
 * runtime would exec them (env + config on stdin; IPAM delegated through CNI_PATH). Times are
 * process CPU time (user + system).
 */
import '../cni-plugins/index.js';
import { lookupCommand } from '../src/commands/registry.js';
import type { ExecContext, ExecResult } from '../src/commands/types.js';
import { cniPlugin, installCniPlugins } from '../src/cni/registry.js';
import { createWorld } from '../src/world/world.js';
import { cpuSeconds, type Row } from './measure.js';

const CONF = JSON.stringify({
  cniVersion: '1.0.0',
  name: 'benchnet',
  type: 'bridge',
  bridge: 'cni0',
  isGateway: true,
  ipMasq: true,
  ipam: { type: 'host-local', subnet: '10.244.0.0/16', routes: [{ dst: '0.0.0.0/0' }] },
});

/** ADD for `pods` containers, then DEL for each, on one fresh node; the "frames" column holds the pod count. */
export function cniRows(scale = 1): Row[] {
  const pods = Math.max(10, Math.round(500 * scale));
  const world = createWorld({ seed: 1 });
  const host = world.addHost('node');
  installCniPlugins(host.fs);
  const bridge = cniPlugin('bridge');
  if (!bridge) throw new Error('bridge plugin not registered');
  const exec = (argv: string[], ctx: ExecContext): ExecResult => {
    const cmd = lookupCommand(argv[0] ?? '');
    return cmd ? cmd(argv, ctx) : { exitCode: 127, stdout: '', stderr: `${argv[0]}: command not found\n` };
  };
  const run = (command: string, id: string): void => {
    const env = { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: `/var/run/netns/${id}`, CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };
    const r = bridge(['bridge'], { world, host, env, fs: host.fs, cwd: '/', stdin: CONF, background: false, exec, registerJob: () => undefined });
    if (r.exitCode !== 0) throw new Error(`${command} ${id}: ${r.stdout}${r.stderr}`);
  };
  const ids = Array.from({ length: pods }, (_, i) => `pod${i}`);
  for (const id of ids) {
    const r = host.netnsAdd(id);
    if (!r.ok) throw new Error(r.error.message);
  }
  const t0 = cpuSeconds();
  for (const id of ids) run('ADD', id);
  const addSeconds = cpuSeconds(t0);
  const t1 = cpuSeconds();
  for (const id of ids) run('DEL', id);
  const delSeconds = cpuSeconds(t1);
  return [
    { name: 'cni bridge+host-local ADD', frames: pods, seconds: addSeconds, unit: 'ADD/s', value: pods / addSeconds },
    { name: 'cni bridge+host-local DEL', frames: pods, seconds: delSeconds, unit: 'DEL/s', value: pods / delSeconds },
  ];
}

// Run alone: `npx tsx bench/cni.ts [pods-scale]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of cniRows(Number(process.argv[2] ?? '1'))) console.log(`${r.name}  ${r.frames} pods  ${r.seconds.toFixed(3)} cpu s  ${r.value.toFixed(1)} ${r.unit}`);
}
