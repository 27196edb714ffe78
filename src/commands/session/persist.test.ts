import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { Session } from './session.js';
import { loadWorld, parseWorldFile, saveWorld, withWorldLock, updateWorld } from './persist.js';
import { ok } from '../../errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podnet-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RULES = `*filter
:FOO - [0:0]
-A FORWARD -s 10.1.0.0/16 -j FOO
-A FOO -p tcp --dport 80 -j ACCEPT
COMMIT
*nat
-A POSTROUTING -s 10.1.0.0/16 -o eth0 -j MASQUERADE
COMMIT
`;

/** A world with a bit of everything a journal must bring back: links, bridge, netns, addresses, routes, rules, sysctls, files, time, ARP. */
function busyWorld(): Session {
  const s = new Session({ seed: 42 });
  s.addHost('n1');
  s.addHost('n2');
  const run = (line: string, opts: Parameters<Session['exec']>[1] = {}) => {
    const r = s.exec(line.split(' '), { host: 'n1', ...opts });
    expect(r.exitCode, `${line}: ${r.stderr}`).toBe(0);
  };
  run('ip netns add a');
  run('ip netns add b');
  run('ip link add br0 type bridge');
  run('ip link add va type veth peer name va-p netns a');
  run('ip link add vb type veth peer name vb-p netns b');
  run('ip link set va master br0');
  run('ip link set vb master br0');
  for (const d of ['br0', 'va', 'vb']) run(`ip link set ${d} up`);
  run('ip addr add 10.1.0.1/24 dev br0');
  run('ip -n a addr add 10.1.0.2/24 dev va-p');
  run('ip -n a link set va-p up');
  run('ip -n b addr add 10.1.0.3/24 dev vb-p');
  run('ip -n b link set vb-p up');
  run('ip -n a route add default via 10.1.0.1');
  run('sysctl -w net.ipv4.ip_forward=1');
  run('iptables-restore', { stdin: RULES });
  run('ip netns exec a ping -c 1 -W 1 10.1.0.3');
  s.advance(1500);
  const fs = s.fs('n1')!;
  expect(fs.mkdir('/etc/cni/net.d', { recursive: true }).ok).toBe(true);
  expect(fs.write('/etc/cni/net.d/10-mynet.conf', '{"cniVersion":"1.0.0"}\n').ok).toBe(true);
  expect(fs.write('/proc/sys/net/ipv4/conf/br0/proxy_arp', '1\n').ok).toBe(true);
  s.exec(['ip', 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1'], { host: 'n2' });
  return s;
}

/** What a user can see of a world: the tools' dumps on every host and namespace, files, time. */
function observe(s: Session): Record<string, string> {
  const out: Record<string, string> = { now: String(s.world.now()) };
  for (const h of s.world.hosts()) {
    for (const ns of [undefined, ...h.netnsList().map((n) => n.name)]) {
      for (const cmd of ['ip -d link', 'ip addr', 'ip route', 'ip neigh', 'iptables-save', 'iptables -t nat -S', 'sysctl net.ipv4.ip_forward', 'bridge fdb']) {
        // Both worlds are observed by the same commands in the same order, so whatever looking changes (nsids) changes alike.
        const r = s.exec(cmd.split(' '), { host: h.name, ...(ns ? { netns: ns } : {}) });
        out[`${h.name}/${ns ?? '-'}: ${cmd}`] = `${r.exitCode}\n${r.stdout}${r.stderr}`;
      }
    }
    out[`${h.name}: netns`] = JSON.stringify(h.netnsList());
    out[`${h.name}: conf`] = JSON.stringify(h.fs.read('/etc/cni/net.d/10-mynet.conf'));
    out[`${h.name}: ls`] = JSON.stringify(h.fs.list('/etc/cni/net.d'));
    out[`${h.name}: proxy_arp`] = JSON.stringify(h.fs.read('/proc/sys/net/ipv4/conf/br0/proxy_arp'));
  }
  return out;
}

describe('world files', () => {
  it('a saved world loads back with the same links, addresses, routes, rules, neighbours, files and clock', () => {
    const s = busyWorld();
    const file = join(dir, 'w.json');
    expect(saveWorld(s, file)).toEqual(ok(undefined));
    const before = observe(s);
    const loaded = loadWorld(file);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const after = observe(loaded.value);
    expect(after).toEqual(before);
    expect(before['n1/a: ip route']).toContain('default via 10.1.0.1');
    expect(before['n1/-: iptables-save']).toContain('-A FOO -p tcp -m tcp --dport 80 -j ACCEPT');
    expect(before['n1: conf']).toContain('cniVersion');
    // The random stream is where it was too: the next veth gets the same MACs in both.
    const next = (x: Session) => {
      x.exec(['ip', 'link', 'add', 'y0', 'type', 'veth', 'peer', 'name', 'y1'], { host: 'n1' });
      return x.exec(['ip', '-br', 'link', 'show', 'y0'], { host: 'n1' }).stdout;
    };
    expect(next(loaded.value)).toBe(next(s));
  });

  it('the journal of a loaded world continues where the file ended', () => {
    const file = join(dir, 'w.json');
    const s = new Session({ seed: 1 });
    s.addHost('h');
    s.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    saveWorld(s, file);
    const r = updateWorld(file, (w) => w.exec(['ip', 'link', 'set', 'v0', 'up']));
    expect(r.ok && r.value.exitCode).toBe(0);
    const again = loadWorld(file);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.journal().length).toBe(3);
    expect(again.value.exec(['ip', '-br', 'link', 'show', 'v0']).stdout).toMatch(/^v0@v1 +LOWERLAYERDOWN/);
  });

  it('a failing command is journaled with its status and fails the same way on replay', () => {
    const file = join(dir, 'w.json');
    const s = new Session({ seed: 1 });
    s.addHost('h');
    const r = s.exec(['ip', 'link', 'set', 'nope', 'up']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('Cannot find device "nope"\n');
    saveWorld(s, file);
    expect(loadWorld(file).ok).toBe(true);
  });

  it('corrupt, foreign and unknown-version files are refused with the file named and what is wrong', () => {
    const cases: [string, string, RegExp][] = [
      ['empty.json', '', /empty file/],
      ['trunc.json', '{"format":"podnet-world","vers', /not JSON/],
      ['array.json', '[]', /not a podnet world/],
      ['other.json', '{"format":"something-else","version":1}', /format is "something-else"/],
      ['v2.json', '{"format":"podnet-world","version":2,"seed":1,"journal":[]}', /unsupported version 2 \(this podnet reads version 1\)/],
      ['seed.json', '{"format":"podnet-world","version":1,"seed":-1,"journal":[]}', /"seed" must be a non-negative integer/],
      ['entry.json', '{"format":"podnet-world","version":1,"seed":1,"journal":[{"op":"host","host":"h"},{"op":"exec","host":"h","argv":[],"cwd":"/","exitCode":0}]}', /journal entry 2: exec needs "argv"/],
      ['op.json', '{"format":"podnet-world","version":1,"seed":1,"journal":[{"op":"format-disk"}]}', /journal entry 1: unknown op "format-disk"/],
      ['nohost.json', '{"format":"podnet-world","version":1,"seed":1,"journal":[{"op":"exec","host":"h","argv":["ip","link"],"cwd":"/","exitCode":0}]}', /journal entry 1: no host 'h'/],
      ['diverged.json', '{"format":"podnet-world","version":1,"seed":1,"journal":[{"op":"host","host":"h"},{"op":"exec","host":"h","argv":["ip","link","del","eth9"],"cwd":"/","exitCode":0}]}', /journal entry 2: `ip link del eth9` exited 1 on replay but 0 when recorded/],
    ];
    for (const [name, text, want] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = loadWorld(file);
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      expect(r.error.message, name).toContain(`world file '${file}': `);
      expect(r.error.message, name).toMatch(want);
    }
    const missing = loadWorld(join(dir, 'missing.json'));
    expect(!missing.ok && missing.error.message).toBe(`world file '${join(dir, 'missing.json')}': No such file or directory`);
    mkdirSync(join(dir, 'd.json'));
    const isDir = loadWorld(join(dir, 'd.json'));
    expect(!isDir.ok && isDir.error.message).toMatch(/Is a directory$/);
    expect(parseWorldFile('{"format":"podnet-world","version":1,"seed":3,"journal":[]}', 'x').ok).toBe(true);
  });

  it('a save replaces the file whole: no temporary files are left beside it', () => {
    const s = new Session({ seed: 1 });
    s.addHost('h');
    const file = join(dir, 'w.json');
    saveWorld(s, file);
    saveWorld(s, file);
    expect(JSON.parse(readFileSync(file, 'utf8')).journal).toEqual([{ op: 'host', host: 'h' }]);
    expect(readdir(dir)).toEqual(['w.json']);
  });
});

const readdir = (d: string): string[] => readdirSync(d).sort();

describe('world lock', () => {
  it('waits for a live holder and gives up after the timeout, naming the holder', () => {
    const file = join(dir, 'w.json');
    writeFileSync(`${file}.lock`, `${process.pid}\n`);
    const t0 = Date.now();
    const r = withWorldLock(file, () => ok(1), { timeoutMs: 150 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(!r.ok && r.error.message).toBe(`world file '${file}': timed out waiting for '${file}.lock' (held by pid ${process.pid})`);
    // Our own lock names our pid and PID namespace.
    expect(withWorldLock(join(dir, 'v.json'), () => ok(readFileSync(join(dir, 'v.json.lock'), 'utf8')))).toEqual(ok(`${process.pid} ${readlinkSync('/proc/self/ns/pid')}\n`));
  });

  it('breaks a lock left by a process that no longer exists, and releases its own', () => {
    const file = join(dir, 'w.json');
    // pid_max is at most 2^22: this pid cannot be alive.
    writeFileSync(`${file}.lock`, '4194305\n');
    expect(withWorldLock(file, () => ok('ran'), { timeoutMs: 1000 })).toEqual(ok('ran'));
    expect(readdir(dir)).toEqual([]);
  });

  it('does not judge a pid from another PID namespace: such a lock is waited for until it is old', () => {
    const file = join(dir, 'w.json');
    writeFileSync(`${file}.lock`, '4194305 pid:[1]\n');
    const r = withWorldLock(file, () => ok('ran'), { timeoutMs: 100 });
    expect(!r.ok && r.error.message).toMatch(/timed out waiting for .* \(held by pid 4194305\)$/);
    expect(withWorldLock(file, () => ok('ran'), { timeoutMs: 1000, staleMs: 1 })).toEqual(ok('ran'));
  });

  it('breaks a lock older than staleMs even if its pid lives', () => {
    const file = join(dir, 'w.json');
    writeFileSync(`${file}.lock`, `${process.pid}\n`);
    const r = withWorldLock(file, () => ok('ran'), { timeoutMs: 2000, staleMs: 1 });
    expect(r).toEqual(ok('ran'));
  });

  it('parallel writers each holding the lock lose none of each other\'s entries', async () => {
    const file = join(dir, 'w.json');
    const s = new Session({ seed: 1 });
    s.addHost('h');
    saveWorld(s, file);
    // Six processes each add a namespace to the same file at the same time.
    const script = `
      import { updateWorld } from ${JSON.stringify(new URL('./persist.ts', import.meta.url).pathname)};
      const r = updateWorld(process.argv[2], (w) => w.exec(['ip', 'netns', 'add', process.argv[3]]));
      if (!r.ok || r.value.exitCode !== 0) { console.error(JSON.stringify(r)); process.exit(1); }
    `;
    const scriptFile = join(dir, 'writer.mts');
    writeFileSync(scriptFile, script);
    const tsx = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const names = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
    const codes = await Promise.all(
      names.map(
        (n) =>
          new Promise<number>((resolve) => {
            const p = spawn(process.execPath, ['--import', tsx, scriptFile, file, n], { stdio: ['ignore', 'ignore', 'inherit'] });
            p.on('exit', (c) => resolve(c ?? 1));
          }),
      ),
    );
    expect(codes).toEqual(names.map(() => 0));
    const w = loadWorld(file);
    if (!w.ok) throw new Error(w.error.message);
    expect(w.value.world.host('h')!.netnsList().map((e) => e.name).sort()).toEqual(names);
    expect(w.value.journal().length).toBe(1 + names.length);
  }, 180_000);
});
