import { describe, expect, it } from 'vitest';
import { FakeNetlink, fakeContext } from './testing/fakenl.js';
import { sysctl } from './sysctl.js';

// Expected texts were captured from procps-ng 4.0.2 sysctl in a fresh network namespace on Debian 12.
function setup() {
  const nl = new FakeNetlink(undefined, {
    sysctl: {
      'net.ipv4.ip_forward': '0',
      'net.ipv4.conf.all.proxy_arp': '0',
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.all.forwarding': '0',
      'net.ipv4.ip_local_port_range': '32768\t60999',
      'net.ipv4.conf.eth0.100.rp_filter': '1',
    },
  });
  const { ctx } = fakeContext({ '': nl });
  const run = (...a: string[]) => sysctl(['sysctl', ...a], ctx);
  return { nl, run };
}

describe('sysctl', () => {
  it('reads dotted and slashed keys', () => {
    const { run } = setup();
    expect(run('net.ipv4.ip_forward')).toEqual({ exitCode: 0, stdout: 'net.ipv4.ip_forward = 0\n', stderr: '' });
    expect(run('net/ipv4/conf/all/proxy_arp').stdout).toBe('net.ipv4.conf.all.proxy_arp = 0\n');
    expect(run('-n', 'net.ipv4.ip_local_port_range').stdout).toBe('32768\t60999\n');
    expect(run('-N', 'net.ipv4.ip_forward').stdout).toBe('net.ipv4.ip_forward\n');
  });
  it('writes with -w or KEY=VAL, echoing the value written', () => {
    const { run, nl } = setup();
    expect(run('-w', 'net.ipv4.ip_forward=1').stdout).toBe('net.ipv4.ip_forward = 1\n');
    expect(run('net.ipv4.ip_forward=0').stdout).toBe('net.ipv4.ip_forward = 0\n');
    expect(run('-q', '-w', 'net.ipv4.ip_forward=1')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(run('-w', 'net.ipv4.ip_forward = 1').stdout).toBe('net.ipv4.ip_forward = 1\n');
    expect(run('-n', '-w', 'net.ipv4.ip_forward=1').stdout).toBe('1\n');
    expect(nl.calls.filter((c) => c.op === 'sysctlSet').map((c) => c.args)).toEqual([
      ['net/ipv4/ip_forward', '1'],
      ['net/ipv4/ip_forward', '0'],
      ['net/ipv4/ip_forward', '1'],
      ['net/ipv4/ip_forward', '1'],
      ['net/ipv4/ip_forward', '1'],
    ]);
  });
  it('reports unknown keys and bad syntax like procps', () => {
    const { run } = setup();
    expect(run('net.ipv4.foo')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n' });
    expect(run('-w', 'net.ipv4.foo=1')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n' });
    expect(run('-w', 'net.ipv4.ip_forward')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: command line(0): invalid syntax, continuing...\n' });
    expect(run('-e', 'net.ipv4.foo')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(run('net.ipv4.foo', 'net.ipv4.ip_forward')).toEqual({ exitCode: 1, stdout: 'net.ipv4.ip_forward = 0\n', stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n' });
    expect(run('-x')).toEqual({ exitCode: 1, stdout: '', stderr: "sysctl: no variables specified\nTry `sysctl --help' for more information.\n" });
    expect(run().exitCode).toBe(1);
    expect(run().stderr).toMatch(/^\nUsage:\n sysctl \[options\]/);
  });
  it('stays silent on a bare "=" and a digit-led word, as procps does', () => {
    const { run } = setup();
    expect(run('-w', 'net.ipv4.ip_forward', '=', '1')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: command line(0): invalid syntax, continuing...\n' });
    expect(run('-w', '=', 'net.ipv4.ip_forward=1')).toEqual({ exitCode: 1, stdout: 'net.ipv4.ip_forward = 1\n', stderr: '' });
    expect(run('-w', '=2')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: Path is not under /proc/sys/: /proc/sys/\n' });
  });
  it('puts getopt complaints on stderr and the usage on stdout with status 0, as observed', () => {
    const { run } = setup();
    const r = run('-z');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("sysctl: invalid option -- 'z'\n");
    expect(r.stdout).toMatch(/^\nUsage:\n sysctl \[options\]/);
    expect(run('--foo').stderr).toBe("sysctl: unrecognized option '--foo'\n");
  });
  it('echoes only the value of a write under -N, and reports a trailing separator as not a directory', () => {
    const { run } = setup();
    expect(run('-N', '-w', 'net.ipv4.ip_forward=0')).toEqual({ exitCode: 0, stdout: '0\n', stderr: '' });
    expect(run('net.ipv4.ip_forward.')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/ip_forward/: Not a directory\n' });
  });
  it('prints the kernel refusal of a value', () => {
    const { run, nl } = setup();
    nl.state.failNext = { ok: false, error: { kind: 'kernel', errno: 'EINVAL', message: 'Invalid argument' } };
    expect(run('-w', 'net.ipv4.ip_forward=abc')).toEqual({ exitCode: 1, stdout: '', stderr: 'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n' });
  });
  it('lists a directory and -a with a pattern, sorted', () => {
    const { run } = setup();
    expect(run('net.ipv4.conf.all').stdout).toBe('net.ipv4.conf.all.forwarding = 0\nnet.ipv4.conf.all.proxy_arp = 0\nnet.ipv4.conf.all.rp_filter = 0\n');
    expect(run('-a', '-r', 'ip_forward$').stdout).toBe('net.ipv4.ip_forward = 0\n');
  });
  it('keeps a dot inside a slashed interface name', () => {
    const { run } = setup();
    expect(run('net/ipv4/conf/eth0.100/rp_filter').stdout).toBe('net.ipv4.conf.eth0/100.rp_filter = 1\n');
  });
});
