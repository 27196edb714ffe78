/**
 * What every emulated machine has on its disk when it boots, contributed by the layers above the
 * world without the world knowing them (the CNI layer installs its plugins in /opt/cni/bin, as a
 * node image ships the plugins tarball). Hooks run in registration order when a host is added.
 */
import type { Host } from './api.js';

export type HostBootHook = (host: Host) => void;

const hooks: HostBootHook[] = [];

/** Registers a hook run for every host created from now on; registering the same hook twice is a no-op. */
export function onHostBoot(hook: HostBootHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/** Runs every boot hook on a freshly created host. */
export function bootHost(host: Host): void {
  for (const hook of hooks) hook(host);
}
