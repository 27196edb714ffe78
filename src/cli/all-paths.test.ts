import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../commands/registry.js';
import { runLab } from '../commands/shell/lab.js';
import { allPaths, renderStepPaths } from './all-paths.js';

// Two DNAT rules behind a 1/4 statistic branch: one target listens, the other does not.
const LAB = `ip netns add c
ip link add veth-c type veth peer name h-c
ip link set veth-c netns c
ip -n c addr add 10.0.0.2/24 dev veth-c
ip addr add 10.0.0.1/24 dev h-c
ip -n c link set veth-c up
ip link set h-c up
ip -n c route add 10.9.9.9 via 10.0.0.1
iptables -t nat -A PREROUTING -d 10.9.9.9 -p tcp --dport 80 -m statistic --mode random --probability 0.25 -j DNAT --to-destination 10.0.0.1:8080
iptables -t nat -A PREROUTING -d 10.9.9.9 -p tcp --dport 80 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.0.0.1:8081
iptables -t nat -A PREROUTING -d 10.9.9.9 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8082
nc -lk 8080 &
ip netns exec c nc -z -w 1 10.9.9.9 80
echo after
`;

describe('lab --all-paths', () => {
  const opts = { file: 'all-paths.lab', cwd: '/tmp', seed: 7, lookup: lookupCommand };
  const lab = runLab(LAB, { ...opts, trace: true });
  const paths = allPaths(LAB, opts, lab);

  it('lists every outcome of the step that met random branches, with probabilities summing to 1', () => {
    expect(paths.map((p) => p.line)).toEqual([13]);
    const [sp] = paths;
    expect(sp!.complete).toBe(true);
    expect(sp!.outcomes.map((o) => o.probability)).toEqual([0.25, 0.375, 0.375]);
    expect(sp!.outcomes.map((o) => o.exitCode)).toEqual([0, 1, 1]);
    expect(sp!.outcomes.map((o) => /10\.0\.0\.1:(\d+)/.exec(o.nat[0]!)?.[1])).toEqual(['8080', '8081', '8082']);
    expect(sp!.outcomes[1]!.decisions).toEqual([
      'nat PREROUTING rule 1: statistic random probability 0.25000000000 did not match',
      'nat PREROUTING rule 2: statistic random probability 0.50000000000 matched',
    ]);
  });

  it('the outcome the run itself drew is one of them, and later steps are left alone', () => {
    const drawn = lab.steps[12]!;
    expect(paths[0]!.outcomes.some((o) => o.exitCode === drawn.exitCode && o.stdout === drawn.stdout)).toBe(true);
    expect(lab.steps[13]!.stdout).toBe('after\n');
  });

  it('renders one numbered block per outcome', () => {
    const text = renderStepPaths(paths[0]!);
    expect(text.split('\n')[0]).toBe('all paths of line 13: 3 outcomes');
    expect(text).toContain('  1. probability 0.25 (25.00%), exit 0\n');
    expect(text).toContain('  3. probability 0.375 (37.50%), exit 1\n');
  });

  it('a lab without random branches has no paths to list', () => {
    const plain = 'echo hi\n';
    expect(allPaths(plain, opts, runLab(plain, { ...opts, trace: true }))).toEqual([]);
  });
});
