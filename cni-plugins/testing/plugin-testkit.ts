/**
 * For bridge/ptp tests: an emulated node with podnet's plugins in /opt/cni/bin plus a stand-in IPAM
 * plugin ("fake-ipam") that answers ADD with the configuration's ipam.result (a 1.0.0 result,
 * printed in the configuration's version as host-local prints it) and writes every command it gets
 * to /run/fake-ipam.log; every iptables argv the plugins run is logged too, to compare with what the
 * real plugins were recorded running.
 */
import '../index.js';
import type { ExecContext, ExecResult } from '../../src/commands/types.js';
import { lookupCommand } from '../../src/commands/registry.js';
import { installCniPlugins, pluginOfFile, registerCniPlugin } from '../../src/cni/registry.js';
import { cniError, pluginMain } from '../../src/cni/skel.js';
import type { CniResult } from '../../src/cni/spec.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { createWorld } from '../../src/world/world.js';
import type { Host, World } from '../../src/world/api.js';
import type { Netlink } from '../../src/kernel/api.js';

const LOG = '/run/fake-ipam.log';

function logCommand(ctx: ExecContext, command: string): void {
  const prev = ctx.host.fs.read(LOG);
  ctx.host.fs.write(LOG, (prev.ok ? prev.value : '') + `${command} ${ctx.env['CNI_CONTAINERID'] ?? ''}\n`);
}

registerCniPlugin(
  'fake-ipam',
  pluginMain(
    {
      add: (args, ctx) => {
        logCommand(ctx, 'ADD');
        const ipam = (args.conf.ipam ?? {}) as Record<string, unknown>;
        if (ipam['fail']) return cniError(999, String(ipam['fail']));
        // A 1.0.0 result, printed by skel in the configuration's version as host-local's is.
        return { ok: true, value: { cniVersion: '1.0.0', ...(ipam['result'] as object) } as CniResult };
      },
      check: (_args, ctx) => {
        logCommand(ctx, 'CHECK');
        return { ok: true, value: undefined };
      },
      del: (_args, ctx) => {
        logCommand(ctx, 'DEL');
        return { ok: true, value: undefined };
      },
    },
    { about: 'fake ipam', supportedVersions: REFERENCE_PLUGIN_VERSIONS },
  ),
);

export interface PluginNode {
  world: World;
  host: Host;
  root: Netlink;
  ns(name: string): Netlink;
  /** Runs /opt/cni/bin/TYPE with the CNI_* variables of COMMAND for container CID (netns /var/run/netns/CID). */
  cni(type: string, command: string, cid: string, conf: string, extraEnv?: Record<string, string>): ExecResult;
  /** A command line's output (stdout then stderr), run on the node like a shell would. */
  sh(...argv: string[]): string;
  /** The iptables argv lines run since the last call. */
  iptablesCalls(): string[];
  ipamLog(): string;
}

export function pluginNode(seed = 1): PluginNode {
  const world = createWorld({ seed });
  const host = world.addHost('node');
  installCniPlugins(host.fs);
  let calls: string[] = [];
  const exec = (argv: string[], ctx: ExecContext): ExecResult => {
    if (argv[0] === 'iptables') calls.push(argv.join(' '));
    const cmd = lookupCommand(argv[0] ?? '');
    return cmd ? cmd(argv, ctx) : { exitCode: 127, stdout: '', stderr: `${argv[0]}: command not found\n` };
  };
  const ctxFor = (env: Record<string, string>, stdin: string): ExecContext => ({ world, host, env, fs: host.fs, cwd: '/', stdin, background: false, exec, registerJob: () => undefined });
  const root = host.netlink();
  if (!root.ok) throw new Error('no root namespace');
  return {
    world,
    host,
    root: root.value,
    ns: (name) => {
      const nl = host.netlink(name);
      if (!nl.ok) throw new Error(`no netns ${name}`);
      return nl.value;
    },
    cni: (type, command, cid, conf, extraEnv = {}) => {
      const env = { CNI_COMMAND: command, CNI_CONTAINERID: cid, CNI_NETNS: `/var/run/netns/${cid}`, CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', ...extraEnv };
      const path = `/opt/cni/bin/${type}`;
      const file = host.fs.read(path);
      const program = file.ok ? pluginOfFile(file.value) : undefined;
      if (!program) throw new Error(`${path} is not installed`);
      return program([path], ctxFor(env, conf));
    },
    sh: (...argv) => {
      const r = exec(argv, ctxFor({}, ''));
      return r.stdout + r.stderr;
    },
    iptablesCalls: () => {
      const out = calls;
      calls = [];
      return out;
    },
    ipamLog: () => {
      const r = host.fs.read(LOG);
      return r.ok ? r.value : '';
    },
  };
}
