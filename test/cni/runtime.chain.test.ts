/**
 * A bridge + portmap + recording-script chain through cnitool, against the same lab run on Linux:
 * fixtures/chain.linux.out was printed by cnitool built from libcni v1.1.2 with the reference
 * plugins v1.1.1 in an isolated network+mount namespace (the "rec" plugin is the same sh script,
 * saving the stdin libcni gave it). It checks the chained prevResult and runtimeConfig the third
 * plugin gets, the cached result, CHECK/DEL through the cache (DEL in reverse, the cache file gone,
 * a second DEL still fine), and the host's iptables and links after ADD and after DEL.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../../cni-plugins/index.js';
import { runLab } from '../../src/commands/shell/lab.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const normalise = (s: string): string => s.replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, 'MAC').replace(/veth[0-9a-f]{8}/g, 'VETH');

describe('cnitool with bridge + portmap + a script plugin, as on Linux', () => {
  it('prints, caches, chains and cleans up as libcni and the reference plugins do', () => {
    const r = runLab(readFileSync(`${dir}chain.lab`, 'utf8'), { file: 'chain.lab', cwd: dir });
    const podnet = r.steps.map((s) => s.output.map((c) => c.text).join('')).join('');
    // libcni v1.2 (spec 1.1.0) also records the attachment's netns in the cache, for GC.
    const linux = readFileSync(`${dir}chain.linux.out`, 'utf8').replace('"networkName":"chain",', '"networkName":"chain","netns":"/var/run/netns/c1",');
    expect(normalise(podnet)).toBe(normalise(linux));
  });
});
