import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorld } from '../../world/world.js';
import { Session } from './session.js';
import { runExternal } from './external.js';
import { loadWorld, saveWorld } from './persist.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podnet-external-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real sh script that counts its runs in a real file, then uses the ip shim. */
function script(body: string): { path: string; runs: () => number } {
  const path = join(dir, 'prog.sh');
  const counter = join(dir, 'runs');
  writeFileSync(counter, '');
  writeFileSync(path, `#!/bin/sh\necho run >> '${counter}'\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, runs: () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length };
}

const brLink = (s: Session, host = 'h') => s.exec(['ip', '-br', 'link'], { host }).stdout;

describe('runExternal', () => {
  it('a real program changes the live world through the shims, and prints and exits as it did', () => {
    const s = new Session({ seed: 5 });
    s.addHost('h');
    s.exec(['ip', 'netns', 'add', 'pod']);
    const p = script(`ip link add hv type veth peer name pv netns "$1"\nip -n "$1" link set pv up\necho "made in $PODNET_HOST: $CNI_COMMAND"\nread line; echo "stdin: $line"\nip link set nope up\nexit 3`);
    const r = runExternal(s.world, { argv: [p.path, 'pod'], host: 'h', env: { CNI_COMMAND: 'ADD' }, stdin: 'hello\n' });
    expect(r).toEqual({ exitCode: 3, stdout: 'made in h: ADD\nstdin: hello\n', stderr: 'Cannot find device "nope"\n' });
    expect(brLink(s)).toMatch(/^hv@if\d+ +DOWN/m);
    // Linux 6.18 prints DOWN here, not LOWERLAYERDOWN: default_operstate looks the peer's ifindex up in
    // pv's own namespace (checked in real namespaces with the same commands).
    expect(s.exec(['ip', '-n', 'pod', '-br', 'link', 'show', 'pv']).stdout).toMatch(/^pv@if\d+ +DOWN +\S+ <NO-CARRIER,BROADCAST,MULTICAST,UP>/);
    expect(p.runs()).toBe(1);
  }, 120_000);

  it('at the top level its shim calls become journal entries; a reload replays them without running it', () => {
    const s = new Session({ seed: 5 });
    s.addHost('h');
    const p = script('ip link add e0 type veth peer name e1');
    expect(runExternal(s.world, { argv: [p.path], host: 'h' }).exitCode).toBe(0);
    expect(s.journal().map((e) => (e.op === 'exec' ? e.argv.join(' ') : e.op))).toEqual(['host', 'ip link add e0 type veth peer name e1']);
    const file = join(dir, 'w.json');
    saveWorld(s, file);
    const back = loadWorld(file);
    if (!back.ok) throw new Error(back.error.message);
    expect(brLink(back.value)).toBe(brLink(s));
    expect(p.runs()).toBe(1);
  }, 120_000);

  it('called from inside a command, the program sees the world as the command left it, and a reload replays the whole command once', async () => {
    // The command (testdata/mixed-chain.ts) must exist in the shims' podnet processes too.
    const p = script('ip link set mid-a up && ip -br link show mid-a && ip link add mid-b type veth peer name mid-c');
    const fixture = new URL('./testdata/mixed-chain.ts', import.meta.url).href;
    const tsx = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const saved = process.env['NODE_OPTIONS'];
    process.env['NODE_OPTIONS'] = `${saved ?? ''} --import ${tsx} --import ${fixture}`;
    await import('./testdata/mixed-chain.js');
    const s = new Session({ seed: 9 });
    s.addHost('h');
    let r;
    try {
      r = s.exec(['test-mixed-chain'], { env: { PODNET_TEST_PROG: p.path } });
    } finally {
      if (saved === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = saved;
    }
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^mid-a@mid-z +LOWERLAYERDOWN/);
    expect(r.exitCode).toBe(0);
    const live = brLink(s);
    expect(live).toMatch(/^mid-b@mid-c +LOWERLAYERDOWN/m);
    expect(s.journal().length).toBe(3);
    const file = join(dir, 'w.json');
    saveWorld(s, file);
    const back = loadWorld(file);
    if (!back.ok) throw new Error(back.error.message);
    expect(brLink(back.value)).toBe(live);
    expect(p.runs()).toBe(1);
  }, 120_000);

  it('a lab run in a session hands its world, as far as the lab got, to a real program a line runs; a reload replays the lab once', async () => {
    const p = script('ip link set mid-a up && ip link add mid-b type veth peer name mid-c && ip -br link show before');
    const fixture = new URL('./testdata/mixed-chain.ts', import.meta.url).href;
    const tsx = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const saved = process.env['NODE_OPTIONS'];
    process.env['NODE_OPTIONS'] = `${saved ?? ''} --import ${tsx} --import ${fixture}`;
    await import('./testdata/mixed-chain.js');
    const s = new Session({ seed: 3 });
    const lab = ['ip link add before type veth peer name before-p', `PODNET_TEST_PROG=${p.path} test-mixed-chain`, 'ip link add after type veth peer name after-p', 'ip -br link show mid-b'].join('\n');
    let r;
    try {
      r = s.runLab(lab, { file: join(dir, 'x.lab'), cwd: dir });
    } finally {
      if (saved === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = saved;
    }
    expect(r.steps.map((x) => [x.exitCode, x.stdout, x.stderr])).toEqual([
      [0, '', ''],
      [0, expect.stringMatching(/^before@before-p +DOWN/), ''],
      [0, '', ''],
      [0, expect.stringMatching(/^mid-b@mid-c +LOWERLAYERDOWN .*,UP,/), ''],
    ]);
    expect(s.journal().map((e) => e.op)).toEqual(['lab']);
    const file = join(dir, 'w.json');
    saveWorld(s, file);
    const back = loadWorld(file);
    if (!back.ok) throw new Error(back.error.message);
    expect(brLink(back.value, 'host')).toBe(brLink(s, 'host'));
    expect(brLink(s, 'host')).toMatch(/^after@after-p/m);
    expect(p.runs()).toBe(1);
  }, 120_000);

  it('a replay never runs a real program: a recorded command without its recorded run is a divergence', async () => {
    await import('./testdata/mixed-chain.js');
    const p = script('ip link add z0 type veth peer name z1');
    const file = join(dir, 'w.json');
    writeFileSync(file, JSON.stringify({ format: 'podnet-world', version: 1, seed: 1, journal: [{ op: 'host', host: 'h' }, { op: 'exec', host: 'h', argv: ['test-mixed-chain'], env: { PODNET_TEST_PROG: p.path }, cwd: dir, exitCode: 0 }] }));
    const r = loadWorld(file);
    expect(!r.ok && r.error.message).toBe(`world file '${file}': journal entry 2: \`test-mixed-chain\` exited 70 on replay but 0 when recorded (the world file was written by a podnet that behaves differently)`);
    expect(p.runs()).toBe(0);
  });

  it('reports a missing or non-executable program as a shell would, and an unrecorded world plainly', () => {
    const s = new Session({ seed: 1 });
    s.addHost('h');
    expect(runExternal(s.world, { argv: [join(dir, 'nope')], host: 'h' })).toEqual({ exitCode: 127, stdout: '', stderr: `${join(dir, 'nope')}: No such file or directory\n` });
    const f = join(dir, 'plain');
    writeFileSync(f, 'echo hi\n');
    chmodSync(f, 0o644);
    expect(runExternal(s.world, { argv: [f], host: 'h' }).exitCode).toBe(126);
    const bare = createWorld({ seed: 1 });
    bare.addHost('h');
    const r = runExternal(bare, { argv: ['/bin/true'], host: 'h' });
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toMatch(/this world is not recorded/);
  });
});
