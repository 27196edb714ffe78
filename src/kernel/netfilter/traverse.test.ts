import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runIptables } from '../../commands/iptables/iptables.js';
import { runRestore } from '../../commands/iptables/restore.js';
import { parseIpv4 } from '../../wire/addr.js';
import { ruleMatches, type PacketView } from './match.js';
import { Ruleset } from './ruleset.js';
import { traverse, traverseTable, type RuleHit } from './traverse.js';

const ip = (s: string): number => parseIpv4(s)!;

function rs(...cmds: string[]): Ruleset {
  const r = new Ruleset();
  for (const c of cmds) {
    const out = runIptables(c.split(' '), r);
    if (out.exitCode !== 0) throw new Error(`${c}: ${out.stderr}`);
  }
  return r;
}

function pkt(over: Partial<PacketView> = {}): PacketView {
  return { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), proto: 6, sport: 40000, dport: 80, len: 60, mark: 0, iif: 'eth0', ...over };
}

const never = (): number => 0.999999;

describe('traverse', () => {
  it('first match wins, counters count, policy decides when nothing matches', () => {
    const r = rs('-A INPUT -p tcp --dport 22 -j DROP', '-A INPUT -p tcp --dport 80 -j ACCEPT', '-P INPUT DROP');
    expect(traverse(r, 'INPUT', pkt(), { rng: never }).verdict).toEqual({ verdict: 'ACCEPT' });
    expect(traverse(r, 'INPUT', pkt({ dport: 22 }), { rng: never }).verdict).toMatchObject({ verdict: 'DROP', chain: 'INPUT', num: 1, policy: false });
    expect(traverse(r, 'INPUT', pkt({ dport: 23 }), { rng: never }).verdict).toMatchObject({ verdict: 'DROP', num: 0, policy: true });
    const input = r.table('filter').chain('INPUT')!;
    expect(input.rules.map((x) => x.counters)).toEqual([
      { pkts: 1, bytes: 60 },
      { pkts: 1, bytes: 60 },
    ]);
    expect(input.counters).toEqual({ pkts: 1, bytes: 60 });
  });

  it('jump returns after the calling rule; goto returns to the caller of the caller', () => {
    const r = rs(
      '-N A',
      '-N B',
      '-A A -j RETURN',
      '-A A -j DROP',
      '-A INPUT -j A',
      '-A INPUT -g B',
      '-A INPUT -j DROP',
      '-A B -j RETURN',
      '-P INPUT ACCEPT',
    );
    const hits: RuleHit[] = [];
    const out = traverse(r, 'INPUT', pkt(), { rng: never, onRule: (h) => hits.push(h) });
    // A returns at once; goto B then RETURN ends INPUT itself (the goto pushed no return point),
    // so the policy decides and the DROP after the goto is never reached.
    expect(out.verdict).toEqual({ verdict: 'ACCEPT' });
    expect(hits.map((h) => h.text)).toEqual(['-A INPUT -j A', '-A A -j RETURN', '-A INPUT -g B', '-A B -j RETURN', '-P INPUT ACCEPT']);
  });

  it('reports REJECT with its type, MARK changes the mark and continues', () => {
    const r = rs('-A INPUT -j MARK --set-xmark 0x4000/0x4000', '-A INPUT -m mark --mark 0x4000/0x4000 -p tcp -j REJECT --reject-with tcp-reset');
    const p = pkt();
    expect(traverse(r, 'INPUT', p, { rng: never }).verdict).toMatchObject({ verdict: 'REJECT', with: 'tcp-reset', num: 2 });
    expect(p.mark).toBe(0x4000);
  });

  it('statistic random draws from the injected rng, nth counts packets per rule', () => {
    const r = rs('-N X', '-A INPUT -m statistic --mode random --probability 0.25 -j DROP', '-A FORWARD -m statistic --mode nth --every 3 --packet 0 -j DROP');
    expect(traverse(r, 'INPUT', pkt(), { rng: () => 0.2 }).verdict.verdict).toBe('DROP');
    expect(traverse(r, 'INPUT', pkt(), { rng: () => 0.3 }).verdict.verdict).toBe('ACCEPT');
    const seq = [1, 2, 3, 4, 5, 6].map(() => traverse(r, 'FORWARD', pkt(), { rng: never }).verdict.verdict);
    expect(seq).toEqual(['DROP', 'ACCEPT', 'ACCEPT', 'DROP', 'ACCEPT', 'ACCEPT']);
  });

  it('nat is skipped unless the packet starts a connection; DNAT ends the nat table', () => {
    const r = rs('-t nat -A PREROUTING -p tcp -d 10.96.0.1/32 --dport 443 -j DNAT --to-destination 10.0.0.9:6443', '-t nat -A PREROUTING -j DNAT --to-destination 1.1.1.1');
    const p = pkt({ dst: ip('10.96.0.1'), dport: 443 });
    expect(traverse(r, 'PREROUTING', p, { rng: never }).nat).toBeUndefined();
    const out = traverse(r, 'PREROUTING', p, { rng: never, natAllowed: true });
    expect(out.nat).toMatchObject({ kind: 'DNAT', range: { minIp: ip('10.0.0.9'), minPort: 6443 } });
  });

  it('walks a kube-proxy payload to a DNAT, choosing the endpoint by the rng', () => {
    const r = new Ruleset();
    runIptables(['-t', 'nat', '-N', 'KUBE-SERVICES'], r);
    runIptables(['-t', 'nat', '-A', 'PREROUTING', '-j', 'KUBE-SERVICES'], r);
    const payload = [
      '*nat',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-MARK-MASQ - [0:0]',
      ':KUBE-SVC-A - [0:0]',
      ':KUBE-SEP-1 - [0:0]',
      ':KUBE-SEP-2 - [0:0]',
      '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
      '-A KUBE-SERVICES -m comment --comment "ns/a:http cluster IP" -m tcp -p tcp -d 10.96.0.10/32 --dport 80 -j KUBE-SVC-A',
      '-A KUBE-SVC-A -m comment --comment "ns/a:http cluster IP" -m tcp -p tcp -d 10.96.0.10/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-A -m comment --comment "ns/a:http -> 10.244.1.2:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-1',
      '-A KUBE-SVC-A -m comment --comment "ns/a:http -> 10.244.2.2:8080" -j KUBE-SEP-2',
      '-A KUBE-SEP-1 -m comment --comment ns/a:http -s 10.244.1.2/32 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-1 -m comment --comment ns/a:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080',
      '-A KUBE-SEP-2 -m comment --comment ns/a:http -s 10.244.2.2/32 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-2 -m comment --comment ns/a:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.2:8080',
      'COMMIT',
      '',
    ].join('\n');
    expect(runRestore(['--noflush'], r, { stdin: payload }).exitCode).toBe(0);
    const p1 = pkt({ src: ip('192.168.1.5'), dst: ip('10.96.0.10') });
    const hits: string[] = [];
    const a = traverse(r, 'PREROUTING', p1, { rng: () => 0.1, natAllowed: true, onRule: (h) => hits.push(`${h.table}/${h.num} ${h.text}`) });
    expect(a.nat).toMatchObject({ kind: 'DNAT', range: { minIp: ip('10.244.1.2'), minPort: 8080 }, chain: 'KUBE-SEP-1' });
    expect(p1.mark).toBe(0x4000); // from outside the cluster CIDR: marked for masquerade
    expect(hits[0]).toBe('nat/1 -A PREROUTING -j KUBE-SERVICES');
    expect(hits[1]).toBe('nat/1 -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "ns/a:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-A');
    const b = traverse(r, 'PREROUTING', pkt({ src: ip('10.244.0.7'), dst: ip('10.96.0.10') }), { rng: () => 0.9, natAllowed: true });
    expect(b.nat).toMatchObject({ range: { minIp: ip('10.244.2.2') }, chain: 'KUBE-SEP-2' });
  });

  it('the chain index visits exactly the rules a linear walk would, in order', () => {
    const vips = ['10.96.0.1', '10.96.0.2', '10.96.0.3'];
    const ruleArb = fc.oneof(
      fc.record({ kind: fc.constant('svc'), vip: fc.constantFrom(...vips), port: fc.constantFrom(53, 80, 443), proto: fc.constantFrom('tcp', 'udp') }),
      fc.record({ kind: fc.constant('other'), text: fc.constantFrom('-p tcp', '-d 10.96.0.0/24', '-s 10.0.0.1', '-p udp --dport 53', '-m mark --mark 0x1', '! -d 10.96.0.1') }),
    );
    const pktArb = fc.record({ vip: fc.constantFrom(...vips, '10.1.1.1'), port: fc.constantFrom(53, 80, 443, 8080), proto: fc.constantFrom(6, 17), mark: fc.constantFrom(0, 1) });
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 40, maxLength: 90 }), pktArb, (specs, pk) => {
        const r = new Ruleset();
        runIptables(['-N', 'SVC'], r);
        runIptables(['-A', 'INPUT', '-j', 'SVC'], r);
        specs.forEach((s, i) => {
          runIptables(['-N', `T${i}`], r);
          const spec = s.kind === 'svc' ? `-d ${s.vip}/32 -p ${s.proto} -m ${s.proto} --dport ${s.port}` : s.text;
          const res = runIptables(['-A', 'SVC', ...spec.split(' '), '-j', `T${i}`], r);
          if (res.exitCode !== 0) throw new Error(res.stderr);
          runIptables(['-A', `T${i}`, '-j', 'DROP'], r);
        });
        const p = pkt({ dst: ip(pk.vip), dport: pk.port, proto: pk.proto, mark: pk.mark });
        const chain = r.table('filter').chain('SVC')!;
        const expected = chain.rules.findIndex((rule) => ruleMatches(rule, { ...p }, { rng: never }));
        const out = traverseTable(r.table('filter'), 'INPUT', { ...p }, { rng: never });
        if (expected < 0) return out.kind === 'accept';
        return out.kind === 'drop' && out.chain === `T${expected}`;
      }),
      { numRuns: 300 },
    );
  });
});

describe('-m set', () => {
  it('is refused until the set exists, then parses, prints and asks the ipset hook', () => {
    const r = new Ruleset();
    expect(runIptables(['-A', 'INPUT', '-m', 'set', '--match-set', 'KUBE-CLUSTER-IP', 'dst,dst', '-j', 'ACCEPT'], r).stderr).toContain("Set KUBE-CLUSTER-IP doesn't exist.");
    r.ipsets.add('KUBE-CLUSTER-IP');
    expect(runIptables(['-A', 'INPUT', '-m', 'set', '!', '--match-set', 'KUBE-CLUSTER-IP', 'dst,dst', '-j', 'DROP'], r).exitCode).toBe(0);
    expect(runIptables(['-S', 'INPUT'], r).stdout).toBe('-P INPUT ACCEPT\n-A INPUT -m set ! --match-set KUBE-CLUSTER-IP dst,dst -j DROP\n');
    const member = traverse(r, 'INPUT', pkt(), { rng: never, ipsetTest: () => true });
    expect(member.verdict.verdict).toBe('ACCEPT');
    expect(traverse(r, 'INPUT', pkt(), { rng: never }).verdict.verdict).toBe('DROP');
  });
});

describe('policy counters (iptables-nft base chains)', () => {
  it('count only once -Z, -P or a restored policy line gave the chain counters', () => {
    const r = rs('-A INPUT -p udp -j ACCEPT');
    const input = r.table('filter').chain('INPUT')!;
    traverse(r, 'INPUT', pkt(), { rng: never });
    expect(input.counters).toEqual({ pkts: 0, bytes: 0 });
    runIptables(['-Z'], r);
    traverse(r, 'INPUT', pkt(), { rng: never });
    expect(input.counters).toEqual({ pkts: 1, bytes: 60 });
    runIptables(['-P', 'INPUT', 'ACCEPT'], r);
    expect(input.counters).toEqual({ pkts: 0, bytes: 0 });
  });
});
