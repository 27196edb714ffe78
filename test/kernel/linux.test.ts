import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FRESH_IPV4_CONF, namespacesUnavailable, runOnLinux, TIMED_OUT, wrapScript } from './linux.js';
import { splitLab } from './split.js';

test('wrapScript gives every command its own files and a trailing backslash cannot eat the brace', () => {
  const { script: s } = wrapScript(splitLab('echo a \\\nb\necho c \\'), '/lab', '/out');
  expect(s).toContain(`} >'/out/0.out' 2>'/out/0.err'; __podnet_rc=$?; echo $__podnet_rc >'/out/0.rc'; `);
  expect(s).toContain(`} >'/out/1.out' 2>'/out/1.err'; __podnet_rc=$?; echo $__podnet_rc >'/out/1.rc'; `);
  expect(s).toContain(`cd '/lab'`);
});

const why = namespacesUnavailable();

test.skipIf(why !== undefined)('$? carries from one command to the next as in plain bash, and set -e still stops at a failure', async () => {
  const lab = 'false\necho rc=$?\n(exit 3)\necho rc=$?\ntrue\necho rc=$?\nset -e\nfalse\necho never';
  const r = await runOnLinux(splitLab(lab), { labDir: tmpdir() });
  expect(r.steps.map((s) => s.stdout)).toEqual(['', 'rc=1\n', '', 'rc=3\n', '', 'rc=0\n', '', '']);
  expect(r.steps.map((s) => s.exitCode)).toEqual([1, 0, 3, 0, 0, 0, 0, 1]);
});
const NS = why === undefined;

/** Processes on this machine whose command line contains marker, or that live in netns `ns`. */
function leftovers(marker: string, ns?: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) found.push(`${pid}: ${cmd}`);
      else if (ns && readlinkSync(`/proc/${pid}/ns/net`) === ns) found.push(`${pid} in ${ns}: ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function eventually(pred: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pred();
}

describe.skipIf(!NS)('runOnLinux on an isolated host', () => {
  test('captures each command: exit code, stdout, stderr, line; state and cwd persist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-kernel-test-'));
    writeFileSync(join(dir, 'input.txt'), 'b\na\n');
    const lab = [
      '# comment',
      'X=hello',
      'echo $X',
      'sort < input.txt',
      'ip link add dummy-x type veth \\',
      '   peer name dummy-y',
      'ip link show nosuchdev',
      'false',
      'ip -o link | wc -l',
      'nosuchcommand',
      'echo written > out.txt',
    ].join('\n');
    const r = await runOnLinux(splitLab(lab), { labDir: dir, file: 'labs/x.lab' });
    expect(r.error).toBeUndefined();
    expect(r.timedOut).toBe(false);
    expect(r.steps.map((s) => [s.line, s.exitCode, s.stdout, s.stderr])).toEqual([
      [2, 0, '', ''],
      [3, 0, 'hello\n', ''],
      [4, 0, 'a\nb\n', ''],
      [5, 0, '', ''],
      [7, 1, '', 'Device "nosuchdev" does not exist.\n'],
      [8, 1, '', ''],
      [9, 0, '3\n', ''], // lo and the veth pair: the host is fresh
      [10, 127, '', 'labs/x.lab: line 10: nosuchcommand: command not found\n'], // as `bash labs/x.lab` says it
      [11, 0, '', ''],
    ]);
    // The lab saw its folder through an overlay: the original is untouched.
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test('exit and set -e end the lab with their status; a syntax error is a step with bash\'s message', async () => {
    const a = await runOnLinux(splitLab('echo a\nexit 3\necho b'), { labDir: '/' });
    expect(a.steps.map((s) => [s.line, s.exitCode, s.stdout, s.stderr])).toEqual([[1, 0, 'a\n', ''], [2, 3, '', '']]);
    const b = await runOnLinux(splitLab('set -e\nfalse\necho b'), { labDir: '/' });
    expect(b.steps.map((s) => [s.line, s.exitCode])).toEqual([[1, 0], [2, 1]]);
    const c = await runOnLinux(splitLab('echo a\necho )\necho b'), { labDir: '/', file: 'x.lab' });
    expect(c.steps.map((s) => [s.line, s.exitCode, s.stderr])).toEqual([
      [1, 0, ''],
      [2, 2, "x.lab: line 2: syntax error near unexpected token `)'\nx.lab: line 2: `echo )'\n"],
    ]);
  });

  test('two runs at once can both create red: each has its own /run/netns', async () => {
    const lab = splitLab('ip netns add red\nip netns list');
    const [a, b] = await Promise.all([runOnLinux(lab, { labDir: '/' }), runOnLinux(lab, { labDir: '/' })]);
    for (const r of [a, b]) expect(r.steps.map((s) => [s.exitCode, s.stdout])).toEqual([[0, ''], [0, 'red\n']]);
  });

  test('background jobs: their output is kept, they are killed at the end', async () => {
    const marker = `987.${process.pid}${Date.now() % 1000}`;
    const r = await runOnLinux(splitLab(`(echo started; exec sleep ${marker}) &\necho done`), { labDir: '/', timeoutMs: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.steps.map((s) => [s.exitCode, s.stdout])).toEqual([[0, 'started\n'], [0, 'done\n']]);
    expect(await eventually(() => leftovers(`sleep ${marker}`).length === 0)).toBe(true);
  });

  test('on timeout everything the lab started is gone, and so is its namespace', async () => {
    const marker = `876.${process.pid}${Date.now() % 1000}`;
    const lab = [
      'ip netns add red',
      'ip netns exec red readlink /proc/self/ns/net',
      `ip netns exec red sleep ${marker} &`,
      `sleep ${marker}`,
      'echo never',
    ].join('\n');
    const r = await runOnLinux(splitLab(lab), { labDir: '/', timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.steps.map((s) => s.exitCode)).toEqual([0, 0, 0, TIMED_OUT]);
    expect(r.steps[3]!.stderr).toContain('(timed out)');
    const ns = r.steps[1]!.stdout.trim();
    expect(ns).toMatch(/^net:\[\d+\]$/);
    expect(await eventually(() => leftovers(`sleep ${marker}`, ns).length === 0)).toBe(true);
    // The namespace's only other anchor was its bind mount in the lab's private mount namespace.
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('/run/netns/red');
  });
});

test.skipIf(NS)('without namespaces the runner says why', () => {
  expect(why).toBeTruthy();
});

describe.skipIf(!NS)('the isolated host starts fresh', () => {
  test('root and every new namespace carry exactly the kernel defaults for IPv4 conf (all, default, lo)', async () => {
    const dump = `sysctl -a 2>/dev/null | grep -E '^net\\.ipv4\\.conf\\.(all|default|lo)\\.' | grep -v mc_forwarding | sed 's/ = /=/' | sort`;
    const r = await runOnLinux(splitLab(`${dump}\nip netns add red\nip netns exec red bash -c "${dump.replace(/"/g, '\\"')}"`), { labDir: '/' });
    // Older kernels lack some keys; every key this kernel has must hold the fresh value.
    const fresh = new Set(FRESH_IPV4_CONF);
    for (const out of [r.steps[0]!.stdout, r.steps[2]!.stdout]) {
      const got = out.trim().split('\n');
      expect(got.length).toBeGreaterThan(60);
      expect(got.filter((kv) => !fresh.has(kv))).toEqual([]);
    }
  });
});
