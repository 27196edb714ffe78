// The Calico IPIP labs (topologies/labs/calico-ipip-*.lab) cannot run on the reference kernels,
// which lack ipip, so instead of the differential suite they are pinned here to the behaviour
// net/ipv4/ipip.c and ip_tunnel.c document: protocol 4 with a 20-byte outer header, tunl0's MTU of
// 1480 and TTL inherit, onlink routes via a node address, the fallback device receiving any pair.
// The capture is checked by tshark (the oracle for what is on the wire) where it is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLab, type LabResult, type LabStep } from '../commands/shell/lab.js';
import { lookupCommand } from '../commands/registry.js';
import { writeCapture } from '../cli/capture.js';
import { findScenarios } from '../../test/kernel/harness.js';

const LABS = resolve(import.meta.dirname, '../../topologies/labs');
const hasTshark = spawnSync('tshark', ['--version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'podnet-ipip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(name: string): LabResult {
  const file = join(LABS, name);
  return runLab(readFileSync(file, 'utf8'), { file, cwd: LABS, pcap: true, lookup: lookupCommand });
}

/** The step whose command is exactly `command` (the nth such one, from 0). */
function step(r: LabResult, command: string, nth = 0): LabStep {
  const s = r.steps.filter((x) => x.command === command)[nth];
  if (!s) throw new Error(`no step ${command}`);
  return s;
}

/** tshark's fields for every IP-in-IP packet of the lab's capture; multi-layer fields come comma-separated. */
function ipipPackets(r: LabResult, label: string, fields: string[]): string[][] {
  const file = join(tmp, `${label}.pcapng`);
  const w = writeCapture(file, r.frames);
  expect(w.ok).toBe(true);
  const out = spawnSync('tshark', ['-r', file, '-Y', 'ip.proto == 4', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  return out.stdout.split('\n').filter(Boolean).map((l) => l.split('|'));
}

describe('calico-ipip-always.lab', () => {
  const r = run('calico-ipip-always.lab');

  it('modprobe ipip gives every namespace a down tunl0 with the fallback parameters', () => {
    expect(step(r, 'modprobe ipip')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    const t = step(r, 'ip -n node1 -d link show tunl0').stdout;
    expect(t).toMatch(/^2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN /);
    expect(t).toContain('link/ipip 0.0.0.0 brd 0.0.0.0');
    expect(t).toContain('ipip any remote any local any ttl inherit nopmtudisc');
  });

  it('a route via a node address through tunl0 needs onlink', () => {
    const bad = step(r, 'ip -n node1 route add 10.244.1.64/26 via 192.168.50.12 dev tunl0 proto bird');
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'Error: Nexthop has invalid gateway.\n' });
    expect(step(r, 'ip -n node1 route').stdout).toContain('10.244.1.64/26 via 192.168.50.12 dev tunl0 proto bird onlink \n');
    expect(step(r, 'ip -n node1 route get 10.244.1.66').stdout).toBe('10.244.1.66 via 192.168.50.12 dev tunl0 src 10.244.0.1 uid 0 \n    cache \n');
  });

  it('pods reach each other through the tunnel; 1480 bytes fit, 1481 draw frag-needed from the node', () => {
    expect(step(r, 'ip netns exec pod1 ping -c 2 -i 0.2 10.244.1.66').stdout).toContain('2 packets transmitted, 2 received, 0% packet loss');
    expect(step(r, 'ip netns exec pod1 nc -zv -w 1 10.244.1.66 8080').stderr).toBe('Connection to 10.244.1.66 8080 port [tcp/http-alt] succeeded!\n');
    expect(step(r, 'ip netns exec pod1 ping -c 1 -W 1 -M do -s 1452 10.244.1.66').exitCode).toBe(0);
    const big = step(r, 'ip netns exec pod1 ping -c 1 -W 1 -M do -s 1453 10.244.1.66');
    expect(big.exitCode).toBe(1);
    expect(big.stdout).toContain('From 10.244.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1480)');
  });

  it('with the receiving tunl0 down nothing arrives; back up with its route, it works again', () => {
    expect(step(r, 'ip netns exec pod1 ping -c 1 -W 1 10.244.1.66', 0).exitCode).toBe(1);
    expect(step(r, 'ip netns exec pod1 ping -c 1 -W 1 10.244.1.66', 1).exitCode).toBe(0);
  });

  it.skipIf(!hasTshark)('tshark dissects the tunnel traffic as IP-in-IP: protocol 4, 20 bytes more, TTL inherited', () => {
    const pkts = ipipPackets(r, 'always', ['ip.src', 'ip.dst', 'ip.proto', 'ip.len', 'ip.ttl', 'icmp.type', '_ws.expert']);
    expect(pkts.length).toBeGreaterThan(0);
    const echo = pkts.filter((p) => p[0] === '192.168.50.11,10.244.0.2' && p[5] === '8');
    expect(echo.length).toBeGreaterThan(0);
    for (const p of echo) {
      expect(p[1]).toBe('192.168.50.12,10.244.1.66');
      expect(p[2]).toBe('4,1');
      const [outer, inner] = p[3]!.split(',').map(Number);
      expect(outer! - inner!).toBe(20);
      // tunl0's ttl inherit: the outer TTL is the inner one after node1's forwarding decrement.
      expect(p[4]).toBe('63,63');
      // pcapng packet comments show up as Comment-level expert info; nothing worse may.
      expect(p[6]).not.toMatch(/Malformed|Error|Warning/);
    }
    // The 1480-byte probe travels as a 1500-byte outer datagram.
    expect(pkts.some((p) => p[3] === '1500,1480')).toBe(true);
  });
});

describe('calico-ipip-crosssubnet.lab', () => {
  const r = run('calico-ipip-crosssubnet.lab');

  it('routes the same-subnet block natively and the other subnet through tunl0', () => {
    expect(step(r, 'ip -n node1 route add 10.244.0.128/26 via 192.168.20.13 dev eth0 proto bird')).toMatchObject({ exitCode: 2, stderr: 'Error: Nexthop has invalid gateway.\n' });
    expect(step(r, 'ip -n node1 route get 10.244.0.66').stdout).toBe('10.244.0.66 via 192.168.10.12 dev eth0 src 192.168.10.11 uid 0 \n    cache \n');
    expect(step(r, 'ip -n node1 route get 10.244.0.130').stdout).toBe('10.244.0.130 via 192.168.20.13 dev tunl0 src 10.244.0.1 uid 0 \n    cache \n');
    expect(step(r, 'ip netns exec pod1 ping -c 2 -i 0.2 10.244.0.66').stdout).toContain('2 received');
    expect(step(r, 'ip netns exec pod1 ping -c 2 -i 0.2 10.244.0.130').stdout).toContain('2 received');
    expect(step(r, 'ip netns exec pod2 nc -zv -w 1 10.244.0.130 9090').exitCode).toBe(0);
    expect(step(r, 'ip -n rtr route get 10.244.0.130')).toMatchObject({ exitCode: 2, stderr: 'RTNETLINK answers: Network is unreachable\n' });
    // Routed natively across the router, pod traffic dies there.
    expect(r.steps[r.steps.length - 1]!.stdout).toContain('1 packets transmitted, 0 received');
  });

  it.skipIf(!hasTshark)('only cross-subnet traffic is encapsulated, and the router decrements the outer TTL only', () => {
    const pkts = ipipPackets(r, 'crosssubnet', ['ip.src', 'ip.dst', 'ip.ttl']);
    expect(pkts.length).toBeGreaterThan(0);
    // pod1 <-> pod2 share a subnet: never encapsulated (pod2 -> pod3 is, from node2).
    const inner = (p: string[]) => [p[0]!.split(',')[1], p[1]!.split(',')[1]].sort().join(' ');
    expect(pkts.filter((p) => inner(p) === '10.244.0.2 10.244.0.66')).toEqual([]);
    expect(pkts.some((p) => p[0] === '192.168.10.12,10.244.0.66')).toBe(true);
    const there = pkts.filter((p) => p[0] === '192.168.10.11,10.244.0.2' && p[1] === '192.168.20.13,10.244.0.130');
    // Seen leaving node1 (outer TTL 63 = inherited) and after the router (62), inner TTL untouched.
    expect(new Set(there.map((p) => p[2]))).toEqual(new Set(['63,63', '62,63']));
  });
});

describe('the differential suite', () => {
  it('leaves the ipip labs out (no oracle kernel) and keeps the other overlay labs in', () => {
    const all = findScenarios();
    expect(all).not.toContain('topologies/labs/calico-ipip-always.lab');
    expect(all).not.toContain('topologies/labs/calico-ipip-crosssubnet.lab');
    expect(all).toContain('topologies/labs/calico-vxlan.lab');
  });
});
