import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import { readsStdin } from './exec.js';
import { parseExecArgs } from './exec-main.js';

let out = '';
let err = '';
let dir: string;
const savedEnv = { ...process.env };
beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'podnet-cli-world-'));
  for (const k of ['PODNET_WORLD', 'PODNET_HOST', 'PODNET_NETNS']) delete process.env[k];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

describe('podnet world / exec / shims', () => {
  it('world new boots the hosts asked for; world show lists them with namespaces and journal length', () => {
    const w = join(dir, 'w.json');
    expect(main(['world', 'new', w, '--host', 'n1', 'n2', '--seed', '7'])).toBe(0);
    expect(main(['exec', '--world', w, '--host', 'n2', '--', 'ip', 'netns', 'add', 'pod'])).toBe(0);
    expect(main(['world', 'show', w])).toBe(0);
    expect(out).toBe(`world ${w}: seed 7, modules (none), virtual time 0 ms, 3 journal entries\nhost n1: netns (none)\nhost n2: netns pod\n`);
    out = '';
    expect(main(['world', 'show', w, '--json'])).toBe(0);
    expect(JSON.parse(out)).toEqual({ file: w, seed: 7, modules: [], timeMs: 0, journalLength: 3, hosts: [{ name: 'n1', netns: [] }, { name: 'n2', netns: ['pod'] }] });
    expect(main(['world', 'new', w])).toBe(2);
    expect(err).toBe(`podnet world new: world file '${w}': File exists (use --force to replace it)\n`);
    expect(main(['world', 'new', w, '--force', '--modules', 'ipip'])).toBe(0);
    expect(JSON.parse(readFileSync(w, 'utf8')).modules).toEqual(['ipip']);
  });

  it('exec prints what the command prints and exits with its status; the world keeps what it did', () => {
    const w = join(dir, 'w.json');
    main(['world', 'new', w]);
    process.env['PODNET_WORLD'] = w;
    expect(main(['exec', 'ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'])).toBe(0);
    expect(main(['exec', 'ip', '-br', 'link', 'show', 'v0'])).toBe(0);
    expect(out).toMatch(/^v0@v1 +DOWN +[0-9a-f:]{17} <BROADCAST,MULTICAST,M-DOWN> \n$/);
    expect(main(['exec', 'ip', 'link', 'set', 'nope', 'up'])).toBe(1);
    expect(err).toBe('Cannot find device "nope"\n');
    err = '';
    expect(main(['exec', '--', 'no-such-program'])).toBe(127);
    expect(err).toBe('podnet exec: no-such-program: command not found\n');
    err = '';
    expect(main(['exec', '--host', 'nohost', 'ip', 'link'])).toBe(2);
    expect(err).toBe(`podnet exec: no host 'nohost' in world '${w}' (hosts: host)\n`);
    err = '';
    process.env['PODNET_NETNS'] = 'missing';
    expect(main(['exec', 'ip', 'link'])).toBe(255);
    expect(err).toBe('Cannot open network namespace "missing": No such file or directory\n');
  });

  it('exec without a world, or with a broken one, says what is wrong and exits 2 without a stack', () => {
    expect(main(['exec', 'ip', 'link'])).toBe(2);
    expect(err).toBe('podnet exec: no world: pass --world FILE or set PODNET_WORLD (create one with podnet world new FILE)\n');
    err = '';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"podnet-world","version":99}');
    expect(main(['exec', '--world', bad, 'ip', 'link'])).toBe(2);
    expect(err).toBe(`podnet exec: world file '${bad}': unsupported version 99 (this podnet reads version 1)\n`);
    expect(readFileSync(bad, 'utf8')).toBe('{"format":"podnet-world","version":99}');
  });

  it('shims DIR writes executable sh scripts for the tools podnet models', () => {
    const d = join(dir, 'shims');
    expect(main(['shims', d])).toBe(0);
    expect(out.trim().split(' ')).toEqual(expect.arrayContaining(['ip', 'bridge', 'iptables', 'iptables-save', 'iptables-restore', 'sysctl']));
    for (const n of out.trim().split(' ')) {
      expect(statSync(join(d, n)).mode & 0o111).toBe(0o111);
      expect(readFileSync(join(d, n), 'utf8')).toMatch(new RegExp(`exec-main\\.ts' -- '${n}' "\\$@"\\n$`));
    }
    writeFileSync(join(dir, 'file'), '');
    err = '';
    expect(main(['shims', join(dir, 'file')])).toBe(2);
    expect(err).toMatch(/^podnet shims: cannot write shims into '.*file': /);
  });

  it('passes stdin only to programs that read it (iptables-restore) through a real process', () => {
    const w = join(dir, 'w.json');
    main(['world', 'new', w]);
    const cli = [process.execPath, '--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('./main.ts', import.meta.url))];
    const run = (args: string[], input: string) => spawnSync(cli[0]!, [...cli.slice(1), 'exec', '--world', w, '--', ...args], { input, encoding: 'utf8' });
    const restore = run(['iptables-restore'], '*filter\n:KUBE-X - [0:0]\n-A INPUT -j KUBE-X\nCOMMIT\n');
    expect([restore.status, restore.stderr]).toEqual([0, '']);
    const save = run(['iptables', '-S'], 'this is not read\n');
    expect(save.stdout).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N KUBE-X\n-A INPUT -j KUBE-X\n');
    const bad = run(['iptables-restore'], '*filter\n-A NOPE -j ACCEPT\nCOMMIT\n');
    // As iptables-restore (nf_tables) 1.8.9 in a fresh namespace: status 1.
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^iptables-restore: line 2 failed/);
  }, 120_000);
});

describe('podnet lab --world', () => {
  it('runs the lab on the saved world (host "host") and saves what it did back', () => {
    const w = join(dir, 'w.json');
    main(['world', 'new', w]);
    process.env['PODNET_WORLD'] = w;
    expect(main(['exec', 'ip', 'link', 'add', 'pre', 'type', 'veth', 'peer', 'name', 'pre-p'])).toBe(0);
    const lab = join(dir, 'x.lab');
    writeFileSync(lab, 'ip link set pre up\nip -br link show pre\nip netns add from-lab\n');
    expect(main(['lab', lab, '--world', w])).toBe(0);
    expect(out).toMatch(/^pre@pre-p +LOWERLAYERDOWN /);
    out = '';
    expect(main(['exec', 'ip', 'netns'])).toBe(0);
    expect(out).toBe('from-lab\n');
    expect(JSON.parse(readFileSync(w, 'utf8')).journal.map((e: { op: string }) => e.op)).toEqual(['host', 'exec', 'lab', 'exec']);
    expect(main(['lab', lab, '--world', join(dir, 'none.json')])).toBe(2);
    expect(err).toBe(`podnet lab: world file '${join(dir, 'none.json')}': No such file or directory\n`);
  });
});

describe('the shims\' exec entry (exec-main)', () => {
  it('takes --world/--host/--netns before the program and leaves everything after it alone', () => {
    expect(parseExecArgs(['--world', 'w.json', '--host=n1', '--', 'ip', '-n', 'x', 'link'])).toEqual({ argv: ['ip', '-n', 'x', 'link'], opts: { world: 'w.json', host: 'n1' } });
    expect(parseExecArgs(['ip', '--world', 'x'])).toEqual({ argv: ['ip', '--world', 'x'], opts: {} });
    expect(parseExecArgs(['--netns', 'a', 'sysctl', '-a'])).toEqual({ argv: ['sysctl', '-a'], opts: { netns: 'a' } });
    expect(parseExecArgs(['-x', 'ip'])).toEqual({ error: "error: unknown option '-x'" });
    expect(parseExecArgs(['--world'])).toEqual({ error: "error: option '--world <file>' argument missing" });
    expect(parseExecArgs(['--'])).toEqual({ error: "error: missing required argument 'program'" });
  });
});

describe('readsStdin', () => {
  it('is true for programs that read stdin, and false where the real tool would leave it unread', () => {
    expect(readsStdin(['iptables-restore'])).toBe(true);
    expect(readsStdin(['iptables-restore', '-w', '5', '--noflush'])).toBe(true);
    expect(readsStdin(['iptables-restore', 'rules.txt'])).toBe(false);
    expect(readsStdin(['/usr/sbin/iptables-restore', '-T', 'nat', 'rules'])).toBe(false);
    expect(readsStdin(['ip', '-batch', '-'])).toBe(true);
    expect(readsStdin(['ip', '-b', 'cmds.txt'])).toBe(false);
    expect(readsStdin(['ip', 'link', 'add', 'x', 'type', 'dummy'])).toBe(false);
    expect(readsStdin(['iptables', '-A', 'INPUT', '-j', 'ACCEPT'])).toBe(false);
    expect(readsStdin(['sysctl', '-w', 'net.ipv4.ip_forward=1'])).toBe(false);
    expect(readsStdin(['cat'])).toBe(true);
  });
});
