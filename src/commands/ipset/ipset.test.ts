/**
 * ipset against the real tool: testdata/ipset-7.17-cases.txt was recorded on Debian 12 (ipset
 * 7.17, kernel 6.1 with ip_set loaded) in a fresh network namespace, one command per block with
 * its stdout (OUT:), stderr (ERR:) and exit code (RC:). initval is random per set and hash sets
 * list members in jhash order, so those are compared masked and sorted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IpsetStore } from '../../kernel/ipset/store.js';
import { runIpset } from './ipset.js';

function newStore(refs?: (n: string) => number): { store: IpsetStore; clock: { t: number } } {
  const clock = { t: 0 };
  let seed = 7;
  const store = new IpsetStore({ now: () => clock.t, u32: () => (seed = (seed * 1103515245 + 12345) >>> 0), ...(refs ? { references: refs } : {}) });
  return { store, clock };
}

const norm = (s: string): string => {
  const lines = s.replace(/initval 0x[0-9a-f]{8}/g, 'initval X').split('\n');
  // Members (OUT lines after "Members:" or "add" lines) in sorted order: the kernel's hash order is seeded.
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    out.push(...run.sort());
    run = [];
  };
  let inMembers = false;
  for (const l of lines) {
    if (l === 'OUT:Members:') {
      flush();
      out.push(l);
      inMembers = true;
      continue;
    }
    if (/^OUT:add /.test(l) || (inMembers && /^OUT:\S/.test(l) && !l.startsWith('OUT:Name:'))) {
      run.push(l);
      continue;
    }
    inMembers = false;
    flush();
    out.push(l);
  }
  flush();
  return out.join('\n');
};

describe('ipset command (recorded from real ipset 7.17 / Linux 6.1)', () => {
  const golden = readFileSync(new URL('./testdata/ipset-7.17-cases.txt', import.meta.url), 'utf8');
  const { store } = newStore();
  const blocks = golden.split(/^### /m).filter(Boolean);
  for (const b of blocks) {
    const [cmd, ...rest] = b.split('\n');
    it(`agrees with the real tool: ${cmd}`, () => {
      const argv = (cmd!.match(/"[^"]*"|\S+/g) ?? []).map((s) => s.replace(/^"|"$/g, '')).slice(1);
      const r = runIpset(argv, store);
      const got = [
        ...r.stdout.split('\n').slice(0, -1).map((l) => 'OUT:' + l),
        ...r.stderr.split('\n').slice(0, -1).map((l) => 'ERR:' + l),
        'RC:' + r.exitCode,
      ].join('\n');
      expect(norm(got)).toBe(norm(rest.join('\n').trimEnd()));
    });
  }
});

describe('ipset restore (behaviour observed on ipset 7.17)', () => {
  it('stops at the first kernel error, keeping what came before, and names the line', () => {
    const { store } = newStore();
    const r = runIpset(['restore'], store, 'create A hash:ip\nadd A 10.0.0.1\nadd A 10.0.0.1\nadd A 10.0.0.2\n');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("ipset v7.17: Error in line 3: Element cannot be added to the set: it's already added\n");
    expect(runIpset(['save', 'A'], store).stdout.split('\n').slice(1)).toEqual(['add A 10.0.0.1', '']);
  });

  it('a syntax error drops the unsent batch of adds before it (the create stays)', () => {
    const { store } = newStore();
    const r = runIpset(['restore'], store, 'create B hash:ip\nadd B 10.0.0.1\nadd B bogus\nadd B 10.0.0.3\n');
    expect(r.stderr).toBe('ipset v7.17: Error in line 3: Syntax error: cannot parse bogus: resolving to IPv4 address failed\n');
    expect(runIpset(['list', 'B'], store).stdout).toContain('Number of entries: 0\n');
  });

  it('-exist applies to every line; comments, blank lines and COMMIT are accepted', () => {
    const { store } = newStore();
    expect(runIpset(['restore'], store, '# c\n\ncreate C hash:ip\nadd C 1.1.1.1\nCOMMIT\n').exitCode).toBe(0);
    expect(runIpset(['-exist', 'restore'], store, 'create C hash:ip\nadd C 1.1.1.1\n').exitCode).toBe(0);
    expect(runIpset(['restore'], store, 'foo B\n')).toEqual({ exitCode: 2, stdout: '', stderr: "ipset v7.17: No command specified: unknown argument foo\nTry `ipset help' for more information.\n" });
  });

  it('save output restores to the same sets, initval included', () => {
    const { store } = newStore();
    runIpset(['create', 'S', 'hash:ip,port,net', 'comment', 'timeout', '300'], store);
    runIpset(['add', 'S', '10.0.0.1,udp:53,10.1.0.0/16', 'comment', 'a b'], store);
    const saved = runIpset(['save'], store).stdout;
    const { store: other } = newStore();
    expect(runIpset(['restore'], other, saved).exitCode).toBe(0);
    expect(runIpset(['save'], other).stdout).toBe(saved);
    expect(saved).toMatch(/^create S hash:ip,port,net family inet hashsize 1024 maxelem 65536 timeout 300 comment bucketsize 12 initval 0x[0-9a-f]{8}\nadd S 10.0.0.1,udp:53,10.1.0.0\/16 timeout 300 comment "a b"\n$/);
  });
});

describe('ipset semantics (documented kernel behaviour)', () => {
  it('a referenced set can be neither destroyed nor renamed, but can be flushed and swapped', () => {
    const refs = new Map<string, number>([['A', 1]]);
    const { store } = newStore((n) => refs.get(n) ?? 0);
    runIpset(['create', 'A', 'hash:ip'], store);
    runIpset(['create', 'B', 'hash:ip'], store);
    expect(runIpset(['destroy', 'A'], store).stderr).toBe('ipset v7.17: Set cannot be destroyed: it is in use by a kernel component\n');
    expect(runIpset(['destroy'], store).exitCode).toBe(1);
    expect(store.list().map((s) => s.name)).toEqual(['A', 'B']);
    expect(runIpset(['rename', 'A', 'Z'], store).stderr).toBe('ipset v7.17: Set cannot be renamed: it is in use by another system\n');
    expect(runIpset(['flush', 'A'], store).exitCode).toBe(0);
    runIpset(['add', 'B', '10.0.0.7'], store);
    expect(runIpset(['swap', 'A', 'B'], store).exitCode).toBe(0);
    expect(runIpset(['test', 'A', '10.0.0.7'], store).exitCode).toBe(0);
    expect(runIpset(['test', 'B', '10.0.0.7'], store).exitCode).toBe(1);
  });

  it('element timeouts run on virtual time and list counts down', () => {
    const { store, clock } = newStore();
    runIpset(['create', 'T', 'hash:ip', 'timeout', '10'], store);
    runIpset(['add', 'T', '10.0.0.1'], store);
    runIpset(['add', 'T', '10.0.0.2', 'timeout', '0'], store);
    clock.t = 4000;
    expect(runIpset(['list', 'T'], store).stdout).toContain('10.0.0.1 timeout 6\n');
    clock.t = 10000;
    expect(runIpset(['test', 'T', '10.0.0.1'], store).exitCode).toBe(1);
    expect(runIpset(['test', 'T', '10.0.0.2'], store).exitCode).toBe(0);
  });

  it('-m set dimensions read src/dst per flag; fewer flags than dimensions never match', () => {
    const { store } = newStore();
    runIpset(['create', 'L', 'hash:ip,port,ip'], store);
    runIpset(['add', 'L', '10.244.1.5,tcp:80,10.244.1.5'], store);
    const hairpin = { src: 0x0af40105, dst: 0x0af40105, proto: 6, sport: 40000, dport: 80 };
    expect(store.testPacket('L', hairpin, ['dst', 'dst', 'src'])).toBe(true);
    expect(store.testPacket('L', { ...hairpin, src: 0x0af40106 }, ['dst', 'dst', 'src'])).toBe(false);
    expect(store.testPacket('L', { ...hairpin, proto: 17 }, ['dst', 'dst', 'src'])).toBe(false);
    expect(store.testPacket('L', hairpin, ['dst', 'dst'])).toBe(false);
    runIpset(['create', 'P', 'bitmap:port', 'range', '0-65535'], store);
    runIpset(['add', 'P', '30080'], store);
    expect(store.testPacket('P', { src: 1, dst: 2, proto: 17, sport: 1, dport: 30080 }, ['dst'])).toBe(true);
    expect(store.testPacket('P', { src: 1, dst: 2, proto: 1, icmpType: 8 }, ['dst'])).toBe(false);
    runIpset(['create', 'N', 'hash:net'], store);
    runIpset(['add', 'N', '10.0.0.0/8'], store);
    expect(store.testPacket('N', { src: 0x0a010203, dst: 0, proto: 1 }, ['src'])).toBe(true);
    expect(store.testPacket('N', { src: 0x0b010203, dst: 0, proto: 1 }, ['src'])).toBe(false);
  });
});
