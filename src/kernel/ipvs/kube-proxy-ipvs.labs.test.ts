// topologies/labs/kube-proxy-ipvs.lab cannot run on the reference kernels (no ip_vs, no dummy), so
// instead of the differential suite it is pinned here, packet by packet, to what the IPVS sources
// (ip_vs_core.c, ip_vs_xmit.c, ip_vs_rr.c) and kube-proxy's pkg/proxy/ipvs document. These are
// documented-semantics tests, not comparisons with a kernel.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLab, type LabResult, type LabStep } from '../../commands/shell/lab.js';
import { lookupCommand } from '../../commands/registry.js';

const LABS = resolve(import.meta.dirname, '../../../topologies/labs');
const file = join(LABS, 'kube-proxy-ipvs.lab');
const r: LabResult = runLab(readFileSync(file, 'utf8'), { file, cwd: LABS, trace: true, lookup: lookupCommand });

function step(command: string, nth = 0): LabStep {
  const s = r.steps.filter((x) => x.command === command)[nth];
  if (!s) throw new Error(`no step ${command}`);
  return s;
}

/** "verdict detail" of every IPVS event of a step. */
const ipvs = (s: LabStep): string[] => (s.trace ?? []).filter((e) => e.stage === 'ipvs').map((e) => `${e.verdict} ${e.detail}`);
const rules = (s: LabStep): string[] => (s.trace ?? []).filter((e) => e.stage === 'netfilter').map((e) => e.detail);

describe('kube-proxy IPVS mode (documented semantics; no ip_vs on the reference kernels)', () => {
  it('sets up without a single failing command', () => {
    const failed = r.steps.filter((s) => s.exitCode !== 0 && !s.command.includes('nc -z'));
    expect(failed.map((s) => `${s.command}: ${s.stderr}`)).toEqual([]);
  });

  it('rr takes the servers in the kernel list order (newest first) and alternates', () => {
    const p1 = step('ip netns exec pod-c nc -z -w 1 10.96.0.10 80', 0);
    const p2 = step('ip netns exec pod-c nc -z -w 1 10.96.0.10 80', 1);
    expect(p1.exitCode).toBe(0);
    expect(p2.exitCode).toBe(0);
    expect(ipvs(p1)[0]).toBe('schedule TCP 10.96.0.10:80 rr -> 10.244.0.3:8080 (masq, weight 1)');
    expect(ipvs(p2)[0]).toBe('schedule TCP 10.96.0.10:80 rr -> 10.244.0.2:8080 (masq, weight 1)');
    // Later packets of the flow follow the connection entry; replies leave with the VIP as source.
    expect(ipvs(p1)).toContain('connection TCP 10.244.0.4:' + /10\.244\.0\.4:(\d+)/.exec(ipvs(p1).join(' '))![1] + ' -> 10.96.0.10:80 belongs to 10.244.0.3:8080');
    expect(ipvs(p1).some((l) => /^reply TCP 10\.244\.0\.3:8080 -> 10\.244\.0\.4:\d+ leaves as 10\.96\.0\.10:80/.test(l))).toBe(true);
    // A pod source is not masqueraded (! -s 10.244.0.0/16), so the server sees the pod.
    expect(rules(p1).some((l) => l.includes('KUBE-MARK-MASQ'))).toBe(false);
  });

  it('hairpin: a pod reaching itself through the VIP is masqueraded by the KUBE-LOOP-BACK rule', () => {
    const h = step('ip netns exec pod-b nc -z -w 1 10.96.0.10 80');
    expect(h.exitCode).toBe(0);
    expect(ipvs(h)[0]).toBe('schedule TCP 10.96.0.10:80 rr -> 10.244.0.3:8080 (masq, weight 1)');
    expect(rules(h)).toContain('nat -A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE');
  });

  it('sessionAffinity: ClientIP is a persistent virtual server: both connections reach the same server', () => {
    const a = step('ip netns exec pod-c nc -z -w 1 10.96.0.20 80', 0);
    const b = step('ip netns exec pod-c nc -z -w 1 10.96.0.20 80', 1);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(ipvs(a)[0]).toBe('schedule TCP 10.96.0.20:80 rr -> 10.244.0.3:8080 (masq, weight 1)');
    expect(ipvs(b)[0]).toBe('schedule TCP 10.96.0.20:80 rr -> 10.244.0.3:8080 (masq, weight 1)');
  });

  it('NodePort from outside: marked by KUBE-NODE-PORT, masqueraded, scheduled, replies leave as the node address', () => {
    const n = step('ip netns exec client nc -z -w 1 192.168.1.10 30080');
    expect(n.exitCode).toBe(0);
    expect(rules(n)).toContain('nat -A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ');
    expect(rules(n)).toContain('nat -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(ipvs(n)[0]).toMatch(/^schedule TCP 192\.168\.1\.10:30080 rr -> 10\.244\.0\.3:8080/);
    expect(ipvs(n).some((l) => /^reply TCP 10\.244\.0\.3:8080 -> 192\.168\.1\.20:\d+ leaves as 192\.168\.1\.10:30080/.test(l))).toBe(true);
  });

  it('a service without endpoints: ip_vs_leave answers ICMP port unreachable', () => {
    const e = step('ip netns exec pod-c nc -z -w 1 10.96.0.30 80');
    expect(e.exitCode).toBe(1);
    expect(ipvs(e)).toContain('no-destination TCP 10.96.0.30:80 rr: no destination available, ICMP port unreachable');
  });

  it('a VIP port no service owns is rejected by KUBE-IPVS-FILTER before IPVS sees it', () => {
    const f = step('ip netns exec pod-c nc -z -w 1 10.96.0.10 81');
    expect(f.exitCode).toBe(1);
    expect(rules(f)).toContain('filter -A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable');
    expect(ipvs(f)).toEqual([]);
  });

  it('ipvsadm -Ln counts the closed connections as inactive; conntrack keeps the real server as the reply source', () => {
    expect(step('ipvsadm -Ln', 1).stdout).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\n' +
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n' +
        'TCP  192.168.1.10:30080 rr\n' +
        '  -> 10.244.0.2:8080              Masq    1      0          0         \n' +
        '  -> 10.244.0.3:8080              Masq    1      0          1         \n' +
        'TCP  10.96.0.10:80 rr\n' +
        '  -> 10.244.0.2:8080              Masq    1      0          1         \n' +
        '  -> 10.244.0.3:8080              Masq    1      0          2         \n' +
        'TCP  10.96.0.20:80 rr persistent 10800\n' +
        '  -> 10.244.0.2:8080              Masq    1      0          0         \n' +
        '  -> 10.244.0.3:8080              Masq    1      0          2         \n' +
        'TCP  10.96.0.30:80 rr\n',
    );
    const ct = step('conntrack -L -p tcp --dport 80').stdout;
    expect(ct).toMatch(/src=10\.244\.0\.4 dst=10\.96\.0\.10 sport=\d+ dport=80 src=10\.244\.0\.3 dst=10\.244\.0\.4 sport=8080/);
    expect(ct).toMatch(/src=10\.244\.0\.3 dst=10\.96\.0\.10 sport=\d+ dport=80 src=10\.244\.0\.3 dst=10\.244\.0\.1 sport=8080/);
  });

  it('the kept iptables rules reference the ipsets, which therefore cannot be destroyed', () => {
    expect(step('ipset list -t KUBE-CLUSTER-IP').stdout).toContain('References: 3\nNumber of entries: 3\n');
  });
});
