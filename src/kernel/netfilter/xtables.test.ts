import { describe, expect, it } from 'vitest';
import { runIptables } from '../../commands/iptables/iptables.js';
import { parseIpv4 } from '../../wire/addr.js';
import type { Net } from '../netns.js';
import type { NetDevice } from '../netdevice.js';
import type { SkBuff } from '../skb.js';
import { Ruleset } from './ruleset.js';
import { Xtables } from './xtables.js';

const ip = (s: string): number => parseIpv4(s)!;

/** Only what Xtables touches on a Net: traces, local addresses, source selection (no trace sink, no analysis oracle). */
function fakeNet(traces: string[]): Net {
  return {
    env: { trace: undefined, chance: undefined },
    trace: (_stage: string, verdict: string, detail: string) => traces.push(`${verdict}: ${detail}`),
    addrOwner: (a: number) => (a === ip('192.168.1.10') ? ({} as NetDevice) : undefined),
    selectAddr: () => ip('192.168.1.10'),
  } as unknown as Net;
}
const dev = (name: string): NetDevice => ({ name, master: undefined }) as unknown as NetDevice;

function tcpSkb(src: string, sport: number, dst: string, dport: number): SkBuff {
  return {
    ip: { tos: 0, totalLen: 60, id: 1, df: true, mf: false, fragOff: 0, ttl: 64, protocol: 6, src: ip(src), dst: ip(dst) },
    tcp: { sport, dport, seq: 0, ack: 0, flags: 0x02, window: 65535 },
    udp: undefined,
    icmp: undefined,
    mark: 0,
  } as unknown as SkBuff;
}

describe('Xtables as the kernel Netfilter', () => {
  it('DNATs a service VIP on the first packet, masquerades it out, and reverses both on the reply', () => {
    const rs = new Ruleset();
    for (const c of [
      '-t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.244.1.2:8080',
      '-t nat -A POSTROUTING -o eth0 -j MASQUERADE',
      '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
    ]) expect(runIptables(c.split(' '), rs).exitCode).toBe(0);
    let now = 0;
    const nf = new Xtables(rs, { now: () => now++, random: () => 0.5 });
    const traces: string[] = [];
    const net = fakeNet(traces);
    const eth1 = dev('eth1');
    const eth0 = dev('eth0');
    expect(nf.active()).toBe(true);

    const q = tcpSkb('172.16.0.5', 40000, '10.96.0.10', 80);
    expect(nf.hook(net, 'PREROUTING', q, eth1, undefined)).toEqual({ verdict: 'accept' });
    expect([q.ip!.dst, q.tcp!.dport]).toEqual([ip('10.244.1.2'), 8080]);
    expect(nf.hook(net, 'FORWARD', q, eth1, eth0).verdict).toBe('accept');
    expect(nf.hook(net, 'POSTROUTING', q, undefined, eth0).verdict).toBe('accept');
    expect(q.ip!.src).toBe(ip('192.168.1.10'));
    expect(traces).toContain('rule 1: nat -A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.1.2:8080');

    const r = tcpSkb('10.244.1.2', 8080, '192.168.1.10', 40000);
    nf.hook(net, 'PREROUTING', r, eth0, undefined);
    expect(r.ip!.dst).toBe(ip('172.16.0.5'));
    nf.hook(net, 'FORWARD', r, eth0, eth1);
    nf.hook(net, 'POSTROUTING', r, undefined, eth1);
    expect([r.ip!.src, r.tcp!.sport, r.ip!.dst, r.tcp!.dport]).toEqual([ip('10.96.0.10'), 80, ip('172.16.0.5'), 40000]);
    expect(nf.conntrack.entries()).toHaveLength(1);
  });
});

describe('Xtables traces', () => {
  it('shows each random branch, the conntrack lookup, the NAT binding, the rewrite and the confirmation; an oracle can take the other branch', () => {
    const rs = new Ruleset();
    for (const c of [
      '-t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.244.1.2:8080',
      '-t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.244.1.3:8080',
    ]) expect(runIptables(c.split(' '), rs).exitCode).toBe(0);
    // random 0.25: the draw matches the first rule.
    const nf = new Xtables(rs, { now: () => 0, random: () => 0.25 });
    const traces: string[] = [];
    const net = fakeNet(traces);
    const env = (net as unknown as { env: { trace: unknown; chance: unknown } }).env;
    env.trace = () => undefined;
    const q = tcpSkb('172.16.0.5', 40000, '10.96.0.10', 80);
    nf.hook(net, 'PREROUTING', q, dev('eth1'), undefined);
    nf.hook(net, 'POSTROUTING', q, dev('eth1'), dev('eth0'));
    expect(traces).toEqual([
      'new: original direction of tcp 172.16.0.5:40000 -> 10.96.0.10:80 (new entry)',
      'random: nat PREROUTING rule 1: statistic random probability 0.50000000000 matched',
      'rule 1: nat -A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m statistic --mode random --probability 0.50000000000 -j DNAT --to-destination 10.244.1.2:8080',
      'dnat: destination NAT bound by nat PREROUTING DNAT: replies now tcp 10.244.1.2:8080 -> 172.16.0.5:40000',
      'rewrite: 172.16.0.5:40000 -> 10.96.0.10:80 rewritten to 172.16.0.5:40000 -> 10.244.1.2:8080',
      'policy: nat -P POSTROUTING ACCEPT',
      'nat-none: no source NAT for tcp 172.16.0.5:40000 -> 10.96.0.10:80',
      'confirm: tcp 172.16.0.5:40000 -> 10.96.0.10:80 (reply tcp 10.244.1.2:8080 -> 172.16.0.5:40000) enters the table',
    ]);
    traces.length = 0;
    const asked: [number, string, boolean][] = [];
    env.chance = (p: number, where: string, drawn: boolean) => (asked.push([p, where, drawn]), false);
    const q2 = tcpSkb('172.16.0.5', 40001, '10.96.0.10', 80);
    nf.hook(net, 'PREROUTING', q2, dev('eth1'), undefined);
    expect(asked).toEqual([[0.5, 'nat PREROUTING rule 1', true]]);
    expect(q2.ip!.dst).toBe(ip('10.244.1.3'));
    expect(traces[1]).toBe('random: nat PREROUTING rule 1: statistic random probability 0.50000000000 did not match (branch chosen by analysis)');
  });
});

describe('Xtables with a kube-proxy ruleset', () => {
  it('DNATs to an endpoint, marks traffic from outside the cluster CIDR, masquerades it on the way out', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { runRestore } = await import('../../commands/iptables/restore.js');
    const rs = new Ruleset();
    for (const c of [
      '-t nat -N KUBE-SERVICES',
      '-t nat -N KUBE-POSTROUTING',
      '-t nat -A PREROUTING -j KUBE-SERVICES',
      '-t nat -A OUTPUT -j KUBE-SERVICES',
      '-t nat -A POSTROUTING -j KUBE-POSTROUTING',
    ]) expect(runIptables(c.split(' '), rs).exitCode).toBe(0);
    const payload = readFileSync(fileURLToPath(new URL('../../commands/iptables/testdata/kube-small.rules', import.meta.url)), 'utf8');
    expect(runRestore(['--noflush'], rs, { stdin: payload }).exitCode).toBe(0);
    const nf = new Xtables(rs, { now: () => 0, random: () => 0.99 });
    const traces: string[] = [];
    const net = fakeNet(traces);
    // svc-0 is 10.96.0.0:80/tcp with endpoints 10.244.0.0-2:8080; random 0.99 skips the statistic rules.
    const q = tcpSkb('172.16.0.5', 40000, '10.96.0.0', 80);
    nf.hook(net, 'PREROUTING', q, dev('eth1'), undefined);
    expect([q.ip!.dst, q.tcp!.dport]).toEqual([ip('10.244.0.2'), 8080]);
    expect(q.mark & 0x4000).toBe(0x4000); // KUBE-MARK-MASQ: not from 10.244.0.0/16
    nf.hook(net, 'FORWARD', q, dev('eth1'), dev('eth0'));
    nf.hook(net, 'POSTROUTING', q, undefined, dev('eth0'));
    expect(q.ip!.src).toBe(ip('192.168.1.10'));
    expect(q.mark & 0x4000).toBe(0); // KUBE-POSTROUTING cleared the bit before MASQUERADE
    expect(traces.some((t) => t.includes('-j MASQUERADE --random-fully'))).toBe(true);
  });
});
