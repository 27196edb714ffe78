import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../commands/registry.js';
import { createWorld } from '../world/world.js';
// Only the shims' entry point, as a shim process loads it: nothing else of the CLI.
import './exec-main.js';

describe('the shims entry point (exec-main)', () => {
  // A world recorded by `podnet cni add` must replay in a shim's process: before this, the shims
  // lacked the plugins and cnitool, and replay stopped with "exited 127 on replay but 0 when recorded".
  it('has what `podnet` has on every host: cnitool and the CNI plugins in /opt/cni/bin', () => {
    expect(lookupCommand('cnitool')).toBeDefined();
    const host = createWorld({ seed: 1 }).addHost('node');
    for (const plugin of ['bridge', 'host-local', 'loopback', 'portmap', 'ptp']) expect(host.fs.stat(`/opt/cni/bin/${plugin}`)?.type).toBe('file');
  });
});
