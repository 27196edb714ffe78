import { expect, test } from 'vitest';
import { compareRuns, describeVerdict, tally } from './compare.js';
import type { Step } from './linux.js';

const step = (line: number, command: string, exitCode: number, stdout = '', stderr = ''): Step => ({ line, command, exitCode, stdout, stderr });

test('agreement modulo MACs and times counts as agreement', () => {
  const linux = [
    step(1, 'ip link show veth0', 0, 'link/ether 12:7a:de:9f:55:84 brd ff:ff:ff:ff:ff:ff\n'),
    step(2, 'ping -c 1 10.0.0.2', 0, 'rtt min/avg/max/mdev = 0.047/0.074/0.101/0.027 ms\n'),
  ];
  const podnet = [
    step(1, 'ip link show veth0', 0, 'link/ether 02:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff\n'),
    step(2, 'ping -c 1 10.0.0.2', 0, 'rtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms\n'),
  ];
  const v = compareRuns(linux, podnet);
  expect(tally(v)).toEqual({ commands: 2, exitAgree: 2, outputs: 2, outputAgree: 2 });
});

test('a different exit code, a different output and a missing step are each disagreements', () => {
  const linux = [
    step(1, 'ip route add 10.0.0.0/8 via 1.2.3.4', 2, '', 'Error: Nexthop has invalid gateway.\n'),
    step(2, 'ip route', 0, '10.0.0.0/8 dev x\n'),
    step(3, 'ip link', 0, ''),
    step(4, 'sleep 1', 0, 'anything'),
  ];
  const podnet = [
    step(1, 'ip route add 10.0.0.0/8 via 1.2.3.4', 0),
    step(2, 'ip route', 0, '10.0.0.0/8 dev y\n'),
    step(4, 'sleep 1', 0, 'other'),
  ];
  const v = compareRuns(linux, podnet);
  expect(v.map((x) => [x.exitAgrees, x.outputAgrees])).toEqual([
    [false, false],
    [true, false],
    [false, false],
    [true, undefined], // sleep: exit code only
  ]);
  expect(tally(v)).toEqual({ commands: 4, exitAgree: 2, outputs: 3, outputAgree: 0 });
  expect(describeVerdict(v[0]!)).toContain('exit code: linux 2, podnet 0');
  expect(describeVerdict(v[0]!)).toContain('Error: Nexthop has invalid gateway.');
  expect(describeVerdict(v[2]!)).toContain('podnet ran no command at this line');
});

test('MAC tokens are per side, so a MAC that moves between commands is caught', () => {
  // Linux: the neighbour is the MAC shown by the link; podnet shows a different one.
  const linux = [step(1, 'ip link', 0, 'aa:aa:aa:aa:aa:01\n'), step(2, 'ip neigh', 0, 'aa:aa:aa:aa:aa:01\n')];
  const podnet = [step(1, 'ip link', 0, '02:00:00:00:00:01\n'), step(2, 'ip neigh', 0, '02:00:00:00:00:02\n')];
  expect(compareRuns(linux, podnet).map((x) => x.outputAgrees)).toEqual([true, false]);
});

test('a command podnet ran after bash stopped is a disagreement', () => {
  const linux = [step(1, 'echo a', 0, 'a\n'), step(2, 'exit 3', 3)];
  const podnet = [step(1, 'echo a', 0, 'a\n'), step(2, 'exit 3', 3), step(3, 'echo b', 0, 'b\n')];
  const v = compareRuns(linux, podnet);
  expect(v.map((x) => [x.line, x.exitAgrees])).toEqual([
    [1, true],
    [2, true],
    [3, false],
  ]);
  expect(tally(v)).toEqual({ commands: 3, exitAgree: 2, outputs: 1, outputAgree: 1 });
  expect(describeVerdict(v[2]!)).toContain('bash had stopped before this line');
});
