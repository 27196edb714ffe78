/**
 * `podnet cni` on a saved world: the run is recorded (the world file replays to the same state),
 * the host's /etc/cni/net.d and /opt/cni/bin are used, errors print libcni's text with status 1,
 * and a user's own plugin found on the real disk runs for real through the shims — while a real
 * binary (which would configure this machine) is refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

let out = '';
let err = '';
const saved = { ...process.env };
let dir = '';
let world = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  dir = mkdtempSync(join(tmpdir(), 'podnet-cni-cli-'));
  world = join(dir, 'w.json');
  for (const k of ['CNI_PATH', 'NETCONFPATH', 'CNI_IFNAME', 'CNI_ARGS', 'CAP_ARGS', 'PODNET_WORLD', 'PODNET_HOST']) delete process.env[k];
  process.env['PODNET_WORLD'] = world;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

/** Runs the CLI and returns status, stdout, stderr of that run only. */
function podnet(...argv: string[]): [number, string, string] {
  out = '';
  err = '';
  const code = main(argv);
  return [code, out, err];
}

function prepare(conflist: string): void {
  expect(podnet('world', 'new', world)).toEqual([0, expect.any(String), '']);
  expect(podnet('exec', '--', 'ip', 'netns', 'add', 'c1')[0]).toBe(0);
  expect(podnet('exec', '--', 'mkdir', '-p', '/etc/cni/net.d')[0]).toBe(0);
  expect(podnet('exec', '--', 'bash', '-c', `echo '${conflist}' > /etc/cni/net.d/10-net.conflist`)).toEqual([0, '', '']);
}

describe('podnet cni', () => {
  it('adds, checks and deletes through the saved world, with the cache in its /var/lib/cni', () => {
    prepare('{"cniVersion":"1.0.0","name":"lonet","plugins":[{"type":"loopback"}]}');
    process.env['CNI_IFNAME'] = 'lo';
    const [code, stdout] = podnet('cni', 'add', 'lonet', '/var/run/netns/c1');
    expect(code).toBe(0);
    expect(stdout).toContain('"address": "127.0.0.1/8"');
    expect(podnet('exec', '--', 'ls', '/var/lib/cni/results')[1]).toBe('lonet-cnitool-357cc6fe9c6932998a39-lo\n');
    expect(podnet('exec', '--', 'ip', '-n', 'c1', '-br', 'link')[1]).toBe('lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n');
    expect(podnet('cni', 'check', 'lonet', '/var/run/netns/c1')).toEqual([0, '', '']);
    expect(podnet('cni', 'del', 'lonet', '/var/run/netns/c1')).toEqual([0, '', '']);
    expect(podnet('exec', '--', 'ls', '/var/lib/cni/results')[1]).toBe('');
    expect(podnet('exec', '--', 'ip', '-n', 'c1', '-br', 'link')[1]).toBe('lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n');
  });

  it('prints libcni\'s error and exits 1; refuses bad usage with 2', () => {
    prepare('{"cniVersion":"1.0.0","name":"lonet","plugins":[{"type":"loopback"}]}');
    expect(podnet('cni', 'add', 'other', '/var/run/netns/c1')).toEqual([1, '', 'no net configuration with name "other" in /etc/cni/net.d\n']);
    process.env['CNI_IFNAME'] = 'a-very-long-interface';
    expect(podnet('cni', 'add', 'lonet', '/var/run/netns/c1')[2]).toBe('plugin type="loopback" failed (add): interface name is too long; interface name should be less than 16 characters\n');
    expect(podnet('cni', 'frob', 'lonet', '/var/run/netns/c1')[0]).toBe(2);
    expect(podnet('cni', 'add', 'lonet')[0]).toBe(2);
    delete process.env['PODNET_WORLD'];
    expect(podnet('cni', 'add', 'lonet', '/var/run/netns/c1')[2]).toContain('podnet cni: no world');
  });

  it('runs a user\'s script plugin from the real disk for real, and refuses a real binary', () => {
    prepare('{"cniVersion":"1.0.0","name":"mine","plugins":[{"type":"mine"}]}');
    // A real folder of plugins: the world's host has no such folder, so libcni's lookup finds the real file.
    const plugin = join(dir, 'mine');
    writeFileSync(plugin, '#!/bin/sh\nread conf\nprintf \'{"cniVersion":"1.0.0","interfaces":[{"name":"%s-%s"}]}\' "$CNI_COMMAND" "$CNI_IFNAME"\n');
    chmodSync(plugin, 0o755);
    process.env['CNI_PATH'] = `/opt/cni/bin:${dir}`;
    const [code, stdout, stderr] = podnet('cni', 'add', 'mine', '/var/run/netns/c1');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('"name": "ADD-eth0"');
    // A real ELF binary found on the path is never started.
    const elf = join(dir, 'mine');
    writeFileSync(elf, '\x7fELF\x02\x01\x01\0');
    chmodSync(elf, 0o755);
    const r = podnet('cni', 'add', 'mine', '/var/run/netns/c1');
    expect(r[0]).toBe(1);
    expect(r[2]).toContain('refusing to run the real binary');
  });
});
