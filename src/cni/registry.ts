/**
 * podnet's own CNI plugin programs, by type name, and how they are installed on an emulated host:
 * as files in a plugin folder (/opt/cni/bin) whose first line names the program, so `ls` shows them,
 * CNI_PATH lookup finds them exactly as FindInPath finds real binaries, and deleting one removes it.
 */
import type { Command } from '../commands/types.js';
import { registerCommand, registerProgramResolver } from '../commands/registry.js';
import type { HostFs } from '../world/fs.js';
import { onHostBoot } from '../world/boot.js';
import { cnitool } from './cnitool.js';

const plugins = new Map<string, Command>();

/** The first line of an installed podnet plugin file: what it runs, in place of an ELF header. */
export const PLUGIN_MAGIC = '#!podnet-cni-plugin ';

export function registerCniPlugin(type: string, main: Command): void {
  plugins.set(type, main);
}

export function cniPlugin(type: string): Command | undefined {
  return plugins.get(type);
}

export function cniPluginTypes(): string[] {
  return [...plugins.keys()].sort();
}

/** The podnet plugin a host file stands for, if it is one of ours. */
export function pluginOfFile(content: string): Command | undefined {
  if (!content.startsWith(PLUGIN_MAGIC)) return undefined;
  const type = content.slice(PLUGIN_MAGIC.length).split('\n', 1)[0]!.trim();
  return plugins.get(type);
}

/** Writes every registered plugin into DIR on the host (mkdir -p DIR first), like unpacking the plugins tarball. */
export function installCniPlugins(fs: HostFs, dir = '/opt/cni/bin'): void {
  fs.mkdir(dir, { recursive: true });
  for (const type of cniPluginTypes()) fs.write(`${dir}/${type}`, `${PLUGIN_MAGIC}${type}\n`);
}

// An installed plugin file runs its plugin when executed by path (`/opt/cni/bin/bridge < conf`),
// and every host boots with the registered plugins in /opt/cni/bin.
registerProgramResolver((_path, content) => pluginOfFile(content));
onHostBoot((host) => installCniPlugins(host.fs));
// The runtime's own front end, as a program on every host (cnitool has no Debian package).
registerCommand('cnitool', cnitool);
