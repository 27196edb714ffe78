import { describe, expect, it } from 'vitest';
import { runIptables } from '../../commands/iptables/iptables.js';
import { runRestore } from '../../commands/iptables/restore.js';
import { parseIpv4 } from '../../wire/addr.js';
import type { PacketView } from './match.js';
import { enumeratePaths } from './paths.js';
import { Ruleset } from './ruleset.js';
import { traverse } from './traverse.js';
import { formatIpv4 } from '../../wire/addr.js';

describe('enumeratePaths', () => {
  it("lists every endpoint of a kube-proxy Service with kube-proxy's intended 1/n each", () => {
    const rs = new Ruleset();
    runIptables(['-t', 'nat', '-N', 'KUBE-SERVICES'], rs);
    runIptables(['-t', 'nat', '-A', 'PREROUTING', '-j', 'KUBE-SERVICES'], rs);
    const sep = (i: number): string[] => [
      `:KUBE-SEP-${i} - [0:0]`,
      `-A KUBE-SEP-${i} -m tcp -p tcp -j DNAT --to-destination 10.244.0.${i}:8080`,
    ];
    const payload = [
      '*nat',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-SVC-A - [0:0]',
      ...sep(1).slice(0, 1), ...sep(2).slice(0, 1), ...sep(3).slice(0, 1),
      sep(1)[1]!, sep(2)[1]!, sep(3)[1]!,
      '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A',
      '-A KUBE-SVC-A -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1',
      '-A KUBE-SVC-A -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2',
      '-A KUBE-SVC-A -j KUBE-SEP-3',
      'COMMIT',
      '',
    ].join('\n');
    expect(runRestore(['--noflush'], rs, { stdin: payload }).exitCode).toBe(0);
    const pkt = (): PacketView => ({ src: parseIpv4('10.0.0.5')!, dst: parseIpv4('10.96.0.1')!, proto: 6, sport: 1234, dport: 80, len: 60, mark: 0 });
    const branches = enumeratePaths((chance) => {
      const r = traverse(rs, 'PREROUTING', pkt(), { rng: () => 0, chance, dryRun: true, natAllowed: true });
      return r.nat?.kind === 'DNAT' && r.nat.range.minIp !== undefined ? formatIpv4(r.nat.range.minIp) : 'none';
    });
    expect(branches.map((b) => [b.result, Number(b.probability.toFixed(4))]).sort()).toEqual([
      ['10.244.0.1', 0.3333],
      ['10.244.0.2', 0.3333],
      ['10.244.0.3', 0.3333],
    ]);
    expect(branches.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 9);
    // A dry run leaves counters alone.
    expect(rs.table('nat').chain('KUBE-SVC-A')!.rules.every((r) => r.counters.pkts === 0)).toBe(true);
  });
});
