// nc against podnet's World, compared with what netcat-openbsd 1.219 printed for the same steps in
// real network namespaces (a: 10.0.0.1/24, b: 10.0.0.2/24 on a veth pair; no DNS reachable).
import { describe, expect, it } from 'vitest';
import { runLab, type LabStep } from './shell/lab.js';
import { lookupCommand } from './registry.js';
import { VETH_PAIR_SETUP } from './testing/veth_pair_lab.js';
import { createWorld } from '../world/world.js';

const SETUP = VETH_PAIR_SETUP;
const SETUP_STEPS = SETUP.trim().split('\n').length;

/** The steps after the setup, as [command, stdout, stderr, exit]. */
function lab(lines: string): [string, string, string, number][] {
  const r = runLab(SETUP + lines.trim() + '\n', { file: 'nc.lab', cwd: '/tmp', lookup: lookupCommand });
  return r.steps.slice(SETUP_STEPS).map((s: LabStep) => [s.command, s.stdout, s.stderr, s.exitCode]);
}

describe('nc on the emulated kernel vs real Linux captures', () => {
  it('probes a closed port, then an open one; the listener exits after the probe', () => {
    expect(
      lab(`ip netns exec a nc -z 10.0.0.2 8080
ip netns exec a nc -zv 10.0.0.2 8080
ip netns exec b nc -l 8080 &
sleep 0.3
ip netns exec a nc -zv 10.0.0.2 8080
ip netns exec a nc -zv 10.0.0.2 8080`),
    ).toEqual([
      ['ip netns exec a nc -z 10.0.0.2 8080', '', '', 1],
      ['ip netns exec a nc -zv 10.0.0.2 8080', '', 'nc: connect to 10.0.0.2 port 8080 (tcp) failed: Connection refused\n', 1],
      ['ip netns exec b nc -l 8080 &', '', '', 0],
      ['sleep 0.3', '', '', 0],
      ['ip netns exec a nc -zv 10.0.0.2 8080', '', 'Connection to 10.0.0.2 8080 port [tcp/http-alt] succeeded!\n', 0],
      ['ip netns exec a nc -zv 10.0.0.2 8080', '', 'nc: connect to 10.0.0.2 port 8080 (tcp) failed: Connection refused\n', 1],
    ]);
  });

  it('-n prints no service name; -v listener with -n reports where it listens and who came', () => {
    const steps = lab(`ip netns exec b nc -lvn 80 &
sleep 0.3
ip netns exec a nc -zvn 10.0.0.2 80`);
    expect(steps[2]).toEqual(['ip netns exec a nc -zvn 10.0.0.2 80', '', 'Connection to 10.0.0.2 80 port [tcp/*] succeeded!\n', 0]);
    expect(steps[0]![2]).toMatch(/^Listening on 0\.0\.0\.0 80\nConnection received on 10\.0\.0\.1 \d+\n$/);
  });

  it('without -n, the listener cannot name 0.0.0.0 or 10.0.0.1 (no DNS): getnameinfo errors instead', () => {
    const steps = lab(`ip netns exec b nc -lv 8080 &
sleep 0.3
ip netns exec a nc -zv 10.0.0.2 8080`);
    expect(steps[0]![2]).toBe('nc: getnameinfo: Temporary failure in name resolution\nnc: getnameinfo: Temporary failure in name resolution\n');
  });

  it('data: the listener prints what the client sends; -w 1 and -N both end the client', () => {
    expect(
      lab(`ip netns exec b nc -l 8080 &
sleep 0.3
echo hi | ip netns exec a nc -w 1 10.0.0.2 8080
ip netns exec b nc -l 8081 &
sleep 0.3
echo hello from a | ip netns exec a nc -N 10.0.0.2 8081`),
    ).toEqual([
      ['ip netns exec b nc -l 8080 &', 'hi\n', '', 0],
      ['sleep 0.3', '', '', 0],
      ['echo hi | ip netns exec a nc -w 1 10.0.0.2 8080', '', '', 0],
      ['ip netns exec b nc -l 8081 &', 'hello from a\n', '', 0],
      ['sleep 0.3', '', '', 0],
      ['echo hello from a | ip netns exec a nc -N 10.0.0.2 8081', '', '', 0],
    ]);
  });

  it("the listener's stdin goes to the client", () => {
    const steps = lab(`echo reply | ip netns exec b nc -l 8080 &
sleep 0.3
echo hi | ip netns exec a nc -w 1 10.0.0.2 8080`);
    expect(steps[0]).toEqual(['echo reply | ip netns exec b nc -l 8080 &', 'hi\n', '', 0]);
    expect(steps[2]).toEqual(['echo hi | ip netns exec a nc -w 1 10.0.0.2 8080', 'reply\n', '', 0]);
  });

  it('-k serves one client after another', () => {
    const steps = lab(`ip netns exec b nc -lk 8080 &
sleep 0.3
echo one | ip netns exec a nc -N 10.0.0.2 8080
echo two | ip netns exec a nc -w 1 10.0.0.2 8080
ip netns exec a nc -zv 10.0.0.2 8080`);
    expect(steps[0]![1]).toBe('one\ntwo\n');
    expect(steps[4]).toEqual(['ip netns exec a nc -zv 10.0.0.2 8080', '', 'Connection to 10.0.0.2 8080 port [tcp/http-alt] succeeded!\n', 0]);
  });

  it('unreachable: no route at once, an absent neighbour after ARP gives up, -w times out', () => {
    expect(
      lab(`ip netns exec a nc -zv 10.9.9.9 8080
ip netns exec a nc -zv 10.0.0.9 8080
ip netns exec a nc -zv -w 1 10.0.0.9 8080`),
    ).toEqual([
      ['ip netns exec a nc -zv 10.9.9.9 8080', '', 'nc: connect to 10.9.9.9 port 8080 (tcp) failed: Network is unreachable\n', 1],
      ['ip netns exec a nc -zv 10.0.0.9 8080', '', 'nc: connect to 10.0.0.9 port 8080 (tcp) failed: No route to host\n', 1],
      ['ip netns exec a nc -zv -w 1 10.0.0.9 8080', '', 'nc: connect to 10.0.0.9 port 8080 (tcp) timed out: Operation now in progress\n', 1],
    ]);
  });

  it('ranges, names and localhost', () => {
    const steps = lab(`ip netns exec b nc -l 8080 &
sleep 0.3
ip netns exec a nc -zv -w 1 10.0.0.2 8079-8081
ip netns exec a nc -zv localhost 8081
ip netns exec a nc -zv foo 8080
ip netns exec a nc -zvn foo 8080`);
    expect(steps.slice(2)).toEqual([
      [
        'ip netns exec a nc -zv -w 1 10.0.0.2 8079-8081',
        '',
        'nc: connect to 10.0.0.2 port 8079 (tcp) failed: Connection refused\nConnection to 10.0.0.2 8080 port [tcp/http-alt] succeeded!\nnc: connect to 10.0.0.2 port 8081 (tcp) failed: Connection refused\n',
        0,
      ],
      ['ip netns exec a nc -zv localhost 8081', '', 'nc: connect to localhost (127.0.0.1) port 8081 (tcp) failed: Connection refused\n', 1],
      ['ip netns exec a nc -zv foo 8080', '', 'nc: getaddrinfo for host "foo" port 8080: Temporary failure in name resolution\n', 1],
      ['ip netns exec a nc -zvn foo 8080', '', 'nc: getaddrinfo for host "foo" port 8080: Name or service not known\n', 1],
    ]);
  });

  it('UDP: -zu says yes blindly, -zuv notices the port unreachable, and a UDP listener sees the probe', () => {
    expect(
      lab(`ip netns exec a nc -zu 10.0.0.2 5000
ip netns exec a nc -zuv 10.0.0.2 5000
ip netns exec b nc -lu 5000 &
sleep 0.3
ip netns exec a nc -zuv 10.0.0.2 5000
ip netns exec a nc -zv -u 10.9.9.9 80`),
    ).toEqual([
      ['ip netns exec a nc -zu 10.0.0.2 5000', '', '', 0],
      ['ip netns exec a nc -zuv 10.0.0.2 5000', '', '', 1],
      ['ip netns exec b nc -lu 5000 &', 'XXXXX', '', 0],
      ['sleep 0.3', '', '', 0],
      ['ip netns exec a nc -zuv 10.0.0.2 5000', '', 'Connection to 10.0.0.2 5000 port [udp/*] succeeded!\n', 0],
      ['ip netns exec a nc -zv -u 10.9.9.9 80', '', 'nc: connect to 10.9.9.9 port 80 (udp) failed: Network is unreachable\n', 1],
    ]);
  });

  it('UDP data, and bind errors', () => {
    const steps = lab(`ip netns exec b nc -luvn 5000 &
sleep 0.3
echo hello | ip netns exec a nc -u -w 1 10.0.0.2 5000
ip netns exec b nc -l 10.0.0.7 8080
ip netns exec a nc -zv -s 10.0.0.7 10.0.0.2 8080`);
    expect(steps[0]![1]).toBe('hello\n');
    expect(steps[0]![2]).toMatch(/^Bound on 0\.0\.0\.0 5000\nConnection received on 10\.0\.0\.1 \d+\n$/);
    expect(steps[2]).toEqual(['echo hello | ip netns exec a nc -u -w 1 10.0.0.2 5000', '', '', 0]);
    expect(steps[3]).toEqual(['ip netns exec b nc -l 10.0.0.7 8080', '', 'nc: Cannot assign requested address\n', 1]);
    expect(steps[4]).toEqual(['ip netns exec a nc -zv -s 10.0.0.7 10.0.0.2 8080', '', 'nc: bind failed: Cannot assign requested address\n', 1]);
  });
});

describe('nc and REJECT rules on the far side (real: iptables -j REJECT in the target namespace)', () => {
  it('port unreachable reads as refused, admin-prohibited as no route', () => {
    const steps = lab(`ip netns exec b iptables -A INPUT -p tcp --dport 9001 -j REJECT
ip netns exec b iptables -A INPUT -p tcp --dport 9002 -j REJECT --reject-with tcp-reset
ip netns exec b iptables -A INPUT -p tcp --dport 9003 -j REJECT --reject-with icmp-host-prohibited
ip netns exec a nc -zv 10.0.0.2 9001
ip netns exec a nc -zv 10.0.0.2 9002
ip netns exec a nc -zv 10.0.0.2 9003`);
    expect(steps.slice(3).map((s) => s[2])).toEqual([
      'nc: connect to 10.0.0.2 port 9001 (tcp) failed: Connection refused\n',
      'nc: connect to 10.0.0.2 port 9002 (tcp) failed: Connection refused\n',
      'nc: connect to 10.0.0.2 port 9003 (tcp) failed: No route to host\n',
    ]);
  });

  it('a DROP makes -w time out', () => {
    const steps = lab(`ip netns exec b iptables -A INPUT -p tcp --dport 9000 -j DROP
ip netns exec a nc -zv -w 2 10.0.0.2 9000`);
    expect(steps[1]).toEqual(['ip netns exec a nc -zv -w 2 10.0.0.2 9000', '', 'nc: connect to 10.0.0.2 port 9000 (tcp) timed out: Operation now in progress\n', 1]);
  });
});

describe('background jobs with app timers (a World that offers after(), as world/api.ts now allows)', () => {
  const timedWorld = () => {
    const w = createWorld({ seed: 1 });
    return { ...w, after: (ms: number, fn: () => void) => w.engine.after(ms, () => fn()) };
  };
  const run = (lines: string) =>
    runLab(SETUP + lines.trim() + '\n', { file: 'nc.lab', cwd: '/tmp', lookup: lookupCommand, world: timedWorld() })
      .steps.slice(SETUP_STEPS)
      .map((s: LabStep) => [s.command, s.stdout, s.stderr, s.exitCode]);

  it('a UDP listener with -w 1 exits after a quiet second, so a later probe is refused (real: same)', () => {
    expect(
      run(`ip netns exec b nc -lu -w 1 5000 &
sleep 0.3
echo one | ip netns exec a nc -u -q 0 10.0.0.2 5000
sleep 1.5
ip netns exec a nc -zuv 10.0.0.2 5000`),
    ).toEqual([
      ['ip netns exec b nc -lu -w 1 5000 &', 'one\n', '', 0],
      ['sleep 0.3', '', '', 0],
      ['echo one | ip netns exec a nc -u -q 0 10.0.0.2 5000', '', '', 0],
      ['sleep 1.5', '', '', 0],
      ['ip netns exec a nc -zuv 10.0.0.2 5000', '', '', 1],
    ]);
  });

  it('a background ping keeps going while later lines run', () => {
    const steps = run(`ip netns exec a ping -c 3 10.0.0.2 &
sleep 5`);
    expect(steps[0]![1]).toMatch(/^PING 10\.0\.0\.2 \(10\.0\.0\.2\) 56\(84\) bytes of data\.\n(64 bytes from 10\.0\.0\.2: icmp_seq=\d ttl=64 time=[\d.]+ ms\n){3}\n--- 10\.0\.0\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 2000ms\n/);
  });
});
