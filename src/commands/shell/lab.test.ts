import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lookupCommand } from '../registry.js';
import { type Command, type Job, result } from '../types.js';
import { runLab, type LabResult } from './lab.js';
import { fakeWorld } from './testing.js';
import { createHostFs } from '../../world/hostfs.js';

function lab(text: string, extra: Record<string, Command> = {}, opts: { trace?: boolean } = {}): LabResult & { world: ReturnType<typeof fakeWorld> } {
  const world = fakeWorld();
  const lookup = (n: string): Command | undefined => extra[n] ?? lookupCommand(n);
  return { ...runLab(text, { file: 'lab.sh', cwd: '/tmp/podnet-lab-test-nonexistent', lookup, world, ...opts }), world };
}

describe('runLab', () => {
  it('records one step per logical line with its first line and joined text', () => {
    const r = lab('# intro\necho a \\\n  b\n\nfalse; echo c\n');
    expect(r.steps).toEqual([
      { line: 2, command: 'echo a   b', exitCode: 0, stdout: 'a b\n', stderr: '', output: [{ stream: 'stdout', text: 'a b\n' }] },
      { line: 5, command: 'false; echo c', exitCode: 0, stdout: 'c\n', stderr: '', output: [{ stream: 'stdout', text: 'c\n' }] },
    ]);
    expect(r.exitCode).toBe(0);
  });

  it('keeps stdout and stderr in the order the commands of a line wrote them', () => {
    const r = lab('echo a; ls /nope; echo b >&2; echo c | cat /nope - ; echo d\n');
    expect(r.steps[0]!.output).toEqual([
      { stream: 'stdout', text: 'a\n' },
      { stream: 'stderr', text: "ls: cannot access '/nope': No such file or directory\n" },
      { stream: 'stderr', text: 'b\n' },
      { stream: 'stdout', text: 'c\n' },
      { stream: 'stderr', text: 'cat: /nope: No such file or directory\n' },
      { stream: 'stdout', text: 'd\n' },
    ]);
  });

  it('goes on after failures and unsupported constructs, stops at a syntax error', () => {
    const r = lab('foo\necho $(date)\nfor i in 1; do\n echo $i\ndone\necho ok\necho "x\n');
    expect(r.steps.map((s) => [s.line, s.exitCode, s.stdout, s.stderr])).toEqual([
      [1, 127, '', 'lab.sh: line 1: foo: command not found\n'],
      [2, 2, '', 'podnet: unsupported: line 2: command substitution $(...)\n'],
      [3, 2, '', "podnet: unsupported: line 3: compound command 'for'\n"],
      [6, 0, 'ok\n', ''],
      [7, 2, '', "lab.sh: line 7: unexpected EOF while looking for matching `\"'\n"],
    ]);
    expect(r.exitCode).toBe(2);
  });

  it('reports known but unmodelled programs as unsupported, not as missing', () => {
    const r = lab('tcpdump -i eth0\n/usr/sbin/ip -V >/dev/null; /opt/ip\n');
    expect(r.steps[0]!.stderr).toBe('podnet: unsupported: line 1: tcpdump is not modelled\n');
    expect(r.steps[1]!.stderr).toBe('lab.sh: line 2: /opt/ip: No such file or directory\n');
  });

  it('stops under set -e, and exit sets the status', () => {
    expect(lab('set -e\nfalse || true\nfalse\necho no\n').steps.map((s) => s.line)).toEqual([1, 2, 3]);
    const r = lab('exit 3\necho no\n');
    expect(r.steps.length).toBe(1);
    expect(r.exitCode).toBe(3);
  });

  it('reads and writes /proc/sys and /sys/class/net through redirections, with bash error texts', () => {
    const r = lab(
      [
        'cat /proc/sys/net/ipv4/ip_forward',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'cat /proc/sys/net/ipv4/ip_forward',
        'echo abc > /proc/sys/net/ipv4/ip_forward',
        'echo 1 > /proc/sys/net/ipv4/nonexist',
        'cat /proc/sys/net',
        'ls /sys/class/net',
        'echo > /proc/sys',
      ].join('\n'),
    );
    expect(r.steps.map((s) => [s.exitCode, s.stdout, s.stderr])).toEqual([
      [0, '0\n', ''],
      [0, '', ''],
      [0, '1\n', ''],
      [1, '', 'lab.sh: line 4: echo: write error: Invalid argument\n'],
      [1, '', 'lab.sh: line 5: /proc/sys/net/ipv4/nonexist: No such file or directory\n'],
      [1, '', 'cat: /proc/sys/net: Is a directory\n'],
      [0, 'eth0\nlo\n', ''],
      [1, '', 'lab.sh: line 8: /proc/sys: Is a directory\n'],
    ]);
  });

  it('runs programs inside a namespace through ip netns exec, including bash -c', () => {
    const r = lab('ip netns add red\nip netns exec red bash -c "echo 1 > /proc/sys/net/ipv4/ip_forward"\nip netns exec red cat /proc/sys/net/ipv4/ip_forward\ncat /proc/sys/net/ipv4/ip_forward\nip netns exec red ls /sys/class/net\n');
    expect(r.steps.map((s) => s.stdout)).toEqual(['', '', '1\n', '0\n', 'lo\n']);
  });

  it('keeps background jobs running and attaches their output to the step that started them', () => {
    let killed = false;
    const srv: Command = (argv, ctx) => {
      expect(ctx.background).toBe(true);
      const job: Job = {
        command: argv.join(' '),
        stdout: () => 'hello from client\n',
        stderr: () => '',
        running: () => !killed,
        kill: () => {
          killed = true;
        },
      };
      ctx.registerJob(job);
      return result(0);
    };
    const r = lab('srv -l 8080 &\necho next\n', { srv });
    expect(killed).toBe(true);
    expect(r.steps.map((s) => [s.command, s.exitCode, s.stdout])).toEqual([
      ['srv -l 8080 &', 0, 'hello from client\n'],
      ['echo next', 0, 'next\n'],
    ]);
  });

  it('prefixes bash -c and sh -c messages as bash 5.2 and dash do', () => {
    const r = lab(`bash -c 'foo'\nbash -c ')'\nsh -c 'foo'\nbash -c 'echo "a'\n`);
    expect(r.steps.map((s) => [s.exitCode, s.stderr])).toEqual([
      [127, 'bash: foo: command not found\n'],
      [2, "bash: -c: line 1: syntax error near unexpected token `)'\nbash: -c: line 1: `)'\n"],
      [127, 'sh: 1: foo: not found\n'],
      [2, "bash: -c: line 1: unexpected EOF while looking for matching `\"'\n"],
    ]);
  });

  it('writes a background job\'s redirected output into its file before each later line', () => {
    const srv: Command = (_argv, ctx) => {
      ctx.registerJob({ command: 'srv', stdout: () => (ctx.world.now() >= 1000 ? 'got data\n' : ''), stderr: () => 'warn\n', running: () => true, kill: () => {} });
      return result(0);
    };
    const r = lab('srv > /tmp/o &\ncat /tmp/o\nsleep 1\ncat /tmp/o\nsrv 2>/dev/null &\n', { srv });
    expect(r.steps.map((s) => [s.stdout, s.stderr])).toEqual([
      ['', 'warn\n'],
      ['', ''],
      ['', ''],
      ['got data\n', ''],
      ['got data\n', ''],
    ]);
  });

  it('supports $!, kill and wait for background jobs', () => {
    const started: { killed: boolean; until: number }[] = [];
    const srv: Command = (argv, ctx) => {
      const st = { killed: false, until: Number(argv[1] ?? Infinity) };
      started.push(st);
      ctx.registerJob({ command: 'srv', stdout: () => '', stderr: () => '', running: () => !st.killed && ctx.world.now() < st.until, kill: () => void (st.killed = true) });
      return result(0);
    };
    const r = lab('srv &\nP=$!\nsrv 500 &\nwait $!\nkill $P; kill %2; kill 4242\necho $P\n', { srv });
    expect(r.world.now()).toBeGreaterThanOrEqual(500);
    expect(started[0]!.killed).toBe(true);
    expect(r.steps[4]).toMatchObject({ exitCode: 1, stderr: 'lab.sh: line 5: kill: %2: no such job\nlab.sh: line 5: kill: (4242) - No such process\n' });
    expect(r.steps[5]!.stdout).toBe('1000\n');
  });

  it('attaches trace events to the step during which they happened', () => {
    const probe: Command = (_argv, ctx) => {
      (ctx.world as ReturnType<typeof fakeWorld>).emitTrace({ host: 'host', netns: '(root)', dev: 'lo', stage: 'tx', verdict: 'ok', detail: 'sent' });
      ctx.world.runFor(5);
      return result(0, 'probed\n');
    };
    const r = lab('echo a\nprobe\nsleep 2\n', { probe }, { trace: true });
    expect(r.steps.map((s) => s.trace?.length)).toEqual([0, 1, 0]);
    expect(r.steps[1]!.trace![0]).toMatchObject({ t: 0, dev: 'lo', stage: 'tx' });
    expect(r.world.now()).toBe(2005);
  });

  it('turns a crashing command into an internal-error message, never a throw', () => {
    const boom: Command = () => {
      throw new Error('kaboom');
    };
    const r = lab('boom\necho after\n', { boom });
    expect(r.steps[0]).toMatchObject({ exitCode: 70, stderr: 'podnet: internal error in boom: kaboom\n' });
    expect(r.steps[1]!.stdout).toBe('after\n');
  });

  it('refuses a binary file as bash does, and drops NUL bytes after the first line', () => {
    expect(lab('\u007fELF\u0002\u0000\u0000junk\n').steps).toMatchObject([{ line: 1, command: '', exitCode: 126, stdout: '', stderr: 'lab.sh: lab.sh: cannot execute binary file\n' }]);
    expect(lab('echo a\n\u0000echo b\n').steps.map((s) => s.stdout)).toEqual(['a\n', 'b\n']);
  });

  it('turns a failure inside the shell itself into that line\'s internal error', () => {
    const world = fakeWorld();
    const r = runLab('echo a > /proc/sys/net/ipv4/ip_forward\necho next\n', {
      file: 'lab.sh',
      cwd: '/tmp/podnet-lab-test-nonexistent',
      lookup: lookupCommand,
      world: {
        ...world,
        addHost: (name: string) => {
          const h = world.addHost(name);
          let calls = 0;
          // The first call brings lo up; the redirection's sysctl write is the one that fails.
          const wrapped = { ...h, netlink: (ns?: string) => (calls++ === 0 ? h.netlink(ns) : (() => { throw new Error('netlink exploded'); })()) };
          // The host's file system must see the exploding netlink too, as the real one sees its host's.
          return Object.assign(wrapped, { fs: createHostFs(wrapped) });
        },
        host: () => undefined,
      },
    });
    expect(r.steps.map((s) => [s.exitCode, s.stdout, s.stderr])).toEqual([
      [70, '', 'podnet: internal error: line 1: netlink exploded\n'],
      [0, 'next\n', ''],
    ]);
  });

  it('survives arbitrary input', () => {
    for (const junk of ['\u0000\u0001\u0002', '"', "'", '$(', '`', 'a |', '&&', '<', '>', '2>&9 echo', 'echo ' + 'x'.repeat(200_000), '\\', 'cat <<E', '${', 'x=${a:-b}']) {
      expect(() => lab(junk)).not.toThrow();
    }
  });

  it('never throws on random scripts built from shell and command fragments', () => {
    const frag = fc.constantFrom(
      'echo ', 'cat ', 'grep -c ', 'wc -l', 'sort -k', 'cut -d: -f', 'tr a-z A-Z', 'head -n ', 'tail -n +', 'ls ', 'printf %s%d ',
      'sleep 1', 'ip ', 'link ', 'netns exec red ', 'sysctl -w ', 'bash -c ', 'X=', '$X', '${X}', '"', "'", '\\', '\n', ' ', '|', '||', '&&',
      ';', '&', '>', '>>', '<', '2>&1', '<<E\n', 'E\n', '/proc/sys/net/ipv4/ip_forward', '/sys/class/net/lo/mtu', '/tmp/f', '1', '-', '#',
      '(', ')', '{', '}', 'if ', 'done', '$(', '`', '*',
    );
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 40 }), (parts) => {
        const r = lab(parts.join(''));
        for (const s of r.steps) expect(typeof s.exitCode).toBe('number');
      }),
      { numRuns: 1500 },
    );
  });
});
