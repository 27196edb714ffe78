import { describe, expect, it } from 'vitest';
import { fakeWorld } from '../commands/shell/testing.js';
import { createHostFs } from './hostfs.js';

function setup() {
  const w = fakeWorld();
  const host = w.addHost('node1');
  return { host, fs: createHostFs(host) };
}

describe('createHostFs', () => {
  it('keeps ordinary files and folders with coreutils error texts', () => {
    const { fs } = setup();
    expect(fs.read('/etc/hostname')).toEqual({ ok: true, value: 'node1\n' });
    expect(fs.write('/etc/cni/net.d/10-bridge.conf', '{}')).toMatchObject({ ok: false, error: { message: 'No such file or directory' } });
    expect(fs.mkdir('/etc/cni/net.d', { recursive: true }).ok).toBe(true);
    expect(fs.write('/etc/cni/net.d/10-bridge.conf', '{}').ok).toBe(true);
    expect(fs.write('/etc/cni/net.d/10-bridge.conf', '\n', undefined, { append: true }).ok).toBe(true);
    expect(fs.read('/etc/cni/net.d/10-bridge.conf')).toEqual({ ok: true, value: '{}\n' });
    expect(fs.list('/etc/cni')).toEqual({ ok: true, value: [{ name: 'net.d', type: 'dir' }] });
    expect(fs.read('/etc')).toMatchObject({ ok: false, error: { message: 'Is a directory' } });
    expect(fs.read('/etc/hostname/x')).toMatchObject({ ok: false, error: { message: 'Not a directory' } });
    expect(fs.remove('/etc/cni').ok).toBe(false);
    expect(fs.remove('/etc/cni', { recursive: true }).ok).toBe(true);
    expect(fs.stat('/etc/cni/net.d')).toBeUndefined();
  });

  it('shows /proc/sys through the reading namespace', () => {
    const { host, fs } = setup();
    expect(fs.read('/proc/sys/net/ipv4/ip_forward')).toEqual({ ok: true, value: '0\n' });
    expect(fs.write('/proc/sys/net/ipv4/ip_forward', '1\n').ok).toBe(true);
    expect(fs.read('/proc/sys/net/ipv4/ip_forward')).toEqual({ ok: true, value: '1\n' });
    expect(fs.write('/proc/sys/net/ipv4/ip_forward', 'abc\n')).toMatchObject({ ok: false, error: { message: 'Invalid argument' } });
    expect(fs.read('/proc/sys/net/ipv4/nonexist')).toMatchObject({ ok: false, error: { message: 'No such file or directory' } });
    expect(fs.read('/proc/sys/net')).toMatchObject({ ok: false, error: { message: 'Is a directory' } });
    expect(fs.list('/proc/sys/net/ipv4')).toEqual({
      ok: true,
      value: [
        { name: 'ip_forward', type: 'file' },
        { name: 'conf', type: 'dir' },
        { name: 'ip_local_port_range', type: 'file' },
      ],
    });
    expect(fs.read('/proc/sys/net/ipv4/ip_local_port_range')).toEqual({ ok: true, value: '32768\t60999\n' });
    host.netnsAdd('red');
    // A new namespace starts from its own defaults, not the root's changed value.
    expect(fs.read('/proc/sys/net/ipv4/ip_forward', 'red')).toEqual({ ok: true, value: '0\n' });
    expect(fs.read('/proc/sys/net/ipv4/ip_forward', 'blue')).toMatchObject({ ok: false });
  });

  it('keeps dotted device names whole under /proc/sys/net/ipv4/conf', async () => {
    const { runLab } = await import('../commands/shell/lab.js');
    const r = runLab('ip link add d0.5 type veth peer name v1\nls /proc/sys/net/ipv4/conf\necho 1 > /proc/sys/net/ipv4/conf/d0.5/forwarding\ncat /proc/sys/net/ipv4/conf/d0.5/forwarding\n', { file: 'dot.lab', seed: 1 });
    // What Linux printed for the same lines in a fresh network namespace.
    expect(r.steps.map((s) => s.stdout + s.stderr)).toEqual(['', 'all\nd0.5\ndefault\nlo\nv1\n', '', '1\n']);
  });

  it('shows bridge and bridge-port attributes, writable like `bridge link set`', async () => {
    const { runLab } = await import('../commands/shell/lab.js');
    const lab = [
      'ip link add br0 type bridge',
      'ip link add v0 type veth peer name v1',
      'ip link set v0 master br0',
      'ls /sys/class/net/br0/brif',
      'cat /sys/class/net/v0/brport/hairpin_mode /sys/class/net/v0/brport/learning /sys/class/net/v0/brport/path_cost /sys/class/net/v0/brport/priority /sys/class/net/v0/brport/state',
      'cat /sys/class/net/br0/bridge/ageing_time /sys/class/net/br0/bridge/stp_state /sys/class/net/br0/bridge/forward_delay',
      'echo 1 > /sys/class/net/v0/brport/hairpin_mode',
      'bridge -d link show dev v0 | grep -o "hairpin [a-z]*"',
      'echo 1000 > /sys/class/net/br0/bridge/ageing_time; cat /sys/class/net/br0/bridge/ageing_time',
    ].join('\n');
    const r = runLab(lab, { file: 'br.lab', seed: 1 });
    // What Linux 6.1 printed for the same lines in a fresh network namespace.
    expect(r.steps.slice(3).map((s) => s.stdout + s.stderr)).toEqual(['v0\n', '0\n1\n2\n32\n0\n', '30000\n0\n1500\n', '', 'hairpin on\n', '1000\n']);
  });

  it('shows /sys/class/net in the kernel formats', () => {
    const { host, fs } = setup();
    expect(fs.list('/sys/class/net')).toEqual({ ok: true, value: [{ name: 'lo', type: 'dir' }, { name: 'eth0', type: 'dir' }] });
    expect(fs.read('/sys/class/net/lo/mtu')).toEqual({ ok: true, value: '65536\n' });
    expect(fs.read('/sys/class/net/lo/type')).toEqual({ ok: true, value: '772\n' });
    expect(fs.read('/sys/class/net/lo/flags')).toEqual({ ok: true, value: '0x8\n' });
    expect(fs.read('/sys/class/net/eth0/operstate')).toEqual({ ok: true, value: 'down\n' });
    expect(fs.read('/sys/class/net/eth0/flags')).toEqual({ ok: true, value: '0x1002\n' });
    // Reading carrier of a down device fails with EINVAL, as on Linux.
    expect(fs.read('/sys/class/net/eth0/carrier')).toMatchObject({ ok: false, error: { message: 'Invalid argument' } });
    const nl = host.netlink();
    if (nl.ok) nl.value.linkSet('eth0', { up: true });
    expect(fs.read('/sys/class/net/eth0/carrier')).toEqual({ ok: true, value: '1\n' });
    expect(fs.read('/sys/class/net/eth0/flags')).toEqual({ ok: true, value: '0x1003\n' });
    expect(fs.read('/sys/class/net/eth0/address')).toEqual({ ok: true, value: '02:00:00:00:00:02\n' });
    expect(fs.write('/sys/class/net/eth0/mtu', '9000\n').ok).toBe(true);
    expect(fs.read('/sys/class/net/eth0/mtu')).toEqual({ ok: true, value: '9000\n' });
    expect(fs.write('/sys/class/net/eth0/mtu', 'x\n')).toMatchObject({ ok: false, error: { message: 'Invalid argument' } });
    expect(fs.read('/sys/class/net/nope/mtu')).toMatchObject({ ok: false, error: { message: 'No such file or directory' } });
  });

  it('lists named namespaces under /run/netns', () => {
    const { host, fs } = setup();
    expect(fs.list('/run/netns')).toEqual({ ok: true, value: [] });
    host.netnsAdd('red');
    expect(fs.list('/run/netns')).toEqual({ ok: true, value: [{ name: 'red', type: 'file' }] });
    expect(fs.read('/run/netns/red')).toMatchObject({ ok: false, error: { message: 'Invalid argument' } });
  });

  it('opens for writing like open(2): truncates files, never kernel views', () => {
    const { fs } = setup();
    fs.write('/tmp/x', 'old');
    expect(fs.openForWrite!('/tmp/x').ok).toBe(true);
    expect(fs.read('/tmp/x')).toEqual({ ok: true, value: '' });
    expect(fs.openForWrite!('/nonexist/x')).toMatchObject({ ok: false, error: { message: 'No such file or directory' } });
    expect(fs.openForWrite!('/proc/sys')).toMatchObject({ ok: false, error: { message: 'Is a directory' } });
    expect(fs.openForWrite!('/proc/sys/net/ipv4/ip_forward').ok).toBe(true);
    expect(fs.read('/proc/sys/net/ipv4/ip_forward')).toEqual({ ok: true, value: '0\n' });
  });
});
