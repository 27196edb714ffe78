import { describe, expect, it } from 'vitest';
import { runLab } from './lab.js';

// The same lab was run under bash in a fresh network namespace on Debian 12 (iproute2 6.1.0); the
// expectations below are what Linux printed there, less ping's wall-clock timings.
const LAB = `# two namespaces joined by a veth pair
ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip -n red addr add 10.0.0.1/24 dev veth-red
ip -n blue addr add 10.0.0.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip netns exec red ping -c 2 10.0.0.2 > /dev/null
ip netns exec red ip neigh | grep -c REACHABLE
cat /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv4/ip_forward
sysctl net.ipv4.ip_forward
ls /run/netns
ip netns exec blue ls /sys/class/net
ip netns exec blue cat /sys/class/net/veth-blue/operstate
ip netns exec blue cat /sys/class/net/veth-blue/mtu
ip netns exec red ping -c 1 -W 1 10.0.0.9 > /dev/null; echo rc=$?
`;

describe('runLab on the real emulated kernel', () => {
  it('runs a two-namespace lab as Linux does', () => {
    const r = runLab(LAB, { file: 'netns.lab', seed: 7 });
    const byLine = new Map(r.steps.map((s) => [s.line, s]));
    for (const s of r.steps) if (s.line < 20) expect([s.line, s.exitCode, s.stderr]).toEqual([s.line, 0, '']);
    expect(byLine.get(12)!.stdout).toBe('1\n');
    expect(byLine.get(13)!.stdout).toBe('0\n');
    expect(byLine.get(15)!.stdout).toBe('net.ipv4.ip_forward = 1\n');
    expect(byLine.get(16)!.stdout).toBe('blue\nred\n');
    expect(byLine.get(17)!.stdout).toBe('lo\nveth-blue\n');
    expect(byLine.get(18)!.stdout).toBe('up\n');
    expect(byLine.get(19)!.stdout).toBe('1500\n');
    expect(byLine.get(20)!.stdout).toBe('rc=1\n');
    expect(r.exitCode).toBe(0);
  });

  it('is deterministic for a seed and records trace events per step when asked', () => {
    const a = runLab(LAB, { file: 'netns.lab', seed: 3, trace: true });
    const b = runLab(LAB, { file: 'netns.lab', seed: 3, trace: true });
    expect(JSON.stringify(a.steps)).toBe(JSON.stringify(b.steps));
    const ping = a.steps.find((s) => s.line === 11)!;
    expect(ping.trace!.length).toBeGreaterThan(0);
    expect(ping.trace!.some((e) => e.netns === 'blue' && e.dev === 'veth-blue')).toBe(true);
    expect(a.steps.find((s) => s.line === 2)!.trace).toEqual([]);
  });
});
