// Scenario timings and outputs mirror runs of iputils ping 20221126 in network namespaces
// (wall-clock durations noted per case); the network is scripted here, the loop is the real one.
import { describe, expect, it } from 'vitest';
import { kerr, kok } from '../../../kernel/errno.js';
import type { SocketError } from '../../../kernel/api.js';
import { ScriptedClock } from '../testing/clock.js';
import { PingSession, runPing, type PingConfig } from './session.js';

const cfg = (over: Partial<PingConfig> = {}): PingConfig => ({
  prog: 'ping',
  hostname: '10.0.0.2',
  dst: '10.0.0.2',
  count: 0,
  deadlineS: 0,
  lingerMs: 10000,
  intervalMs: 1000,
  datalen: 56,
  quiet: false,
  broadcastPings: false,
  multicast: false,
  ...over,
});

type Net = (seq: number, clock: ScriptedClock, s: PingSession) => 'sent' | 'refused';

function run(c: PingConfig, net: Net, capMs = 3_600_000) {
  const clock = new ScriptedClock();
  let s!: PingSession;
  s = new PingSession(c, {
    send: (seq) => (net(seq, clock, s) === 'sent' ? kok(undefined) : kerr('EMSGSIZE')),
    showAddr: (a) => a,
  });
  const r = runPing(s, clock, capMs);
  return { out: s.stdout, err: s.stderr, code: s.exitCode(), end: clock.now(), capped: r.capped };
}

const echo =
  (rttMs: number): Net =>
  (seq, clock, s) => {
    const sentAt = clock.now();
    clock.after(rttMs, () => s.onReply({ from: '10.0.0.2', seq, ttl: 64, bytes: 56, t: clock.now(), sentAt }));
    return 'sent';
  };
const silent: Net = () => 'sent';
/** ARP gives up 3 s after the first probe; every probe queued behind it fails at that moment. */
const arpFails: Net = (seq, clock, s) => {
  const failAt = 3000;
  if (clock.now() < failAt) clock.at(failAt, () => s.onError({ origin: 'icmp', from: '10.0.0.1', errno: 'EHOSTUNREACH', icmpType: 3, icmpCode: 1, seq }));
  return 'sent';
};

describe('ping session timing and counters', () => {
  it('-c 2 to a live peer: ends on the second reply, time = last send', () => {
    const r = run(cfg({ count: 2 }), echo(0.05));
    expect(r.out).toBe(
      '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.050 ms\n64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=0.050 ms\n' +
        '\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1000ms\nrtt min/avg/max/mdev = 0.050/0.050/0.050/0.000 ms\n',
    );
    expect(r.code).toBe(0);
    expect(r.end).toBeCloseTo(1000.05);
  });

  it('-c 2 to a silent peer waits the default 10 s after the last probe (real: 11.04 s)', () => {
    const r = run(cfg({ count: 2 }), silent);
    expect(r.out).toBe('\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n');
    expect(r.code).toBe(1);
    expect(r.end).toBe(11000);
  });

  it('-W sets that wait (real: -c 2 -W 2 3.03 s; -c 1 -W 0.5 0.51 s; -c 2 -W 1 -i 3 4.18 s, time 3170ms)', () => {
    expect(run(cfg({ count: 2, lingerMs: 2000 }), silent).end).toBe(3000);
    expect(run(cfg({ count: 1, lingerMs: 500 }), silent).end).toBe(500);
    const r = run(cfg({ count: 2, lingerMs: 1000, intervalMs: 3000 }), silent);
    expect(r.end).toBe(4000);
    expect(r.out).toContain('time 3000ms');
  });

  it('-w 3 keeps sending until the deadline, past -c (real: 3 transmitted with -w 3 -c 1, 3.01 s)', () => {
    for (const count of [0, 1]) {
      const r = run(cfg({ count, deadlineS: 3 }), silent);
      expect(r.out).toContain('3 packets transmitted, 0 received, 100% packet loss, time 2000ms\n');
      expect(r.end).toBe(3000);
      expect(r.code).toBe(1);
    }
  });

  it('-w with replies: exit 1 when fewer than -c came back (real: -w 3 -c 5 → 3/3, rc 1)', () => {
    const r = run(cfg({ count: 5, deadlineS: 3 }), echo(0.04));
    expect(r.out).toContain('3 packets transmitted, 3 received, 0% packet loss');
    expect(r.code).toBe(1);
    expect(run(cfg({ deadlineS: 3 }), echo(0.04)).code).toBe(0);
  });

  it('an absent neighbour: all probes fail together when ARP gives up (real -c 2: 3.06 s, pipe 2)', () => {
    const r = run(cfg({ hostname: '10.0.0.9', dst: '10.0.0.9', count: 2 }), arpFails);
    expect(r.out).toBe(
      'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\nFrom 10.0.0.1 icmp_seq=2 Destination Host Unreachable\n' +
        '\n--- 10.0.0.9 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms\npipe 2\n',
    );
    expect(r.end).toBe(3000);
    expect(r.code).toBe(1);
  });

  it('-W shorter than ARP: the errors never show (real: -c 2 -W 1 → 2.03 s, no From lines)', () => {
    const r = run(cfg({ count: 2, lingerMs: 1000 }), arpFails);
    expect(r.out).toBe('\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n');
    expect(r.end).toBe(2000);
  });

  it('-w and an error: stop at once (real: -w 4 to an absent neighbour → 3 sent, +3 errors, pipe 3, 3.06 s)', () => {
    const r = run(cfg({ deadlineS: 4 }), arpFails);
    expect(r.out).toContain('3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms\npipe 3\n');
    expect(r.end).toBe(3000);
  });

  it('-q hides From lines but still counts ICMP errors', () => {
    const r = run(cfg({ count: 3, quiet: true }), arpFails);
    expect(r.out).toBe('\n--- 10.0.0.2 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms\npipe 3\n');
  });

  it('local EMSGSIZE: stderr lines, counted, and the loop notices only at its next wake (real -c 2: 2.04 s)', () => {
    const tooBig: Net = (seq, clock, s) => {
      const e: SocketError = { origin: 'local', from: '10.0.0.1', errno: 'EMSGSIZE', mtu: 1500, seq };
      clock.after(0, () => s.onError(e));
      return 'refused';
    };
    const r = run(cfg({ count: 2, datalen: 1500 }), tooBig);
    expect(r.err).toBe('ping: local error: message too long, mtu=1500\nping: local error: message too long, mtu=1500\n');
    expect(r.out).toBe('\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms\n\n');
    expect(r.end).toBe(2000);
  });

  it('Frag needed from a router, then the cached PMTU refuses locally (real -c 3 -s 1400 -M do)', () => {
    const pmtu: Net = (seq, clock, s) => {
      if (seq === 1) {
        clock.after(0.1, () => s.onError({ origin: 'icmp', from: '10.1.0.254', errno: 'EMSGSIZE', icmpType: 3, icmpCode: 4, mtu: 1400, seq }));
        return 'sent';
      }
      clock.after(0, () => s.onError({ origin: 'local', from: '10.1.0.1', errno: 'EMSGSIZE', mtu: 1400, seq }));
      return 'refused';
    };
    const r = run(cfg({ hostname: '10.2.0.2', dst: '10.2.0.2', count: 3, datalen: 1400 }), pmtu);
    expect(r.out).toBe(
      'From 10.1.0.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n\n--- 10.2.0.2 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms\n\n',
    );
    expect(r.err).toBe('ping: local error: message too long, mtu=1400\nping: local error: message too long, mtu=1400\n');
    expect(r.end).toBe(3000);
  });

  it('a redirect is a notice, not an error (real h1 -> r1 -> r2 on one segment, -c 1)', () => {
    const redirected: Net = (seq, clock, s) => {
      const sentAt = clock.now();
      clock.after(0.05, () => s.onError({ origin: 'icmp', from: '10.0.1.1', errno: 'EREMOTEIO', icmpType: 5, icmpCode: 1, gateway: '10.0.1.3', seq }));
      clock.after(0.1, () => s.onReply({ from: '10.0.1.9', seq, ttl: 63, bytes: 56, t: clock.now(), sentAt }));
      return 'sent';
    };
    const r = run(cfg({ hostname: '10.0.1.9', dst: '10.0.1.9', count: 1 }), redirected);
    expect(r.out).toBe(
      'From 10.0.1.1: icmp_seq=1 Redirect Host(New nexthop: 10.0.1.3)\n64 bytes from 10.0.1.9: icmp_seq=1 ttl=63 time=0.100 ms\n' +
        '\n--- 10.0.1.9 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 ms\n',
    );
    expect(r.code).toBe(0);
    // -q and -f print nothing for it (parse_reply returns before printing), and nothing is counted.
    expect(run(cfg({ hostname: '10.0.1.9', dst: '10.0.1.9', count: 1, quiet: true }), redirected).out).not.toContain('Redirect');
    // Without an answer the redirect neither ends the run nor counts: -W decides, as for silence.
    const onlyRedirect: Net = (seq, clock, s) => {
      clock.after(0.05, () => s.onError({ origin: 'icmp', from: '10.0.1.1', errno: 'EREMOTEIO', icmpType: 5, icmpCode: 1, gateway: '10.0.1.3', seq }));
      return 'sent';
    };
    const q = run(cfg({ count: 1, lingerMs: 1000 }), onlyRedirect);
    expect(q.out).toContain('1 packets transmitted, 0 received, 100% packet loss');
    expect(q.end).toBe(1000);
  });

  it('-i 0.2 sends every 200 ms (real -c 3 -i 0.2: time 408ms)', () => {
    const r = run(cfg({ count: 3, intervalMs: 200 }), echo(0.03));
    expect(r.out).toContain('3 packets transmitted, 3 received, 0% packet loss, time 400ms\n');
  });

  it('-s below 16: no times and no rtt line', () => {
    const r = run(cfg({ count: 1, datalen: 4 }), (seq, clock, s) => {
      clock.after(0.02, () => s.onReply({ from: '10.0.0.2', seq, ttl: 64, bytes: 4, t: clock.now(), sentAt: 0 }));
      return 'sent';
    });
    expect(r.out).toBe('12 bytes from 10.0.0.2: icmp_seq=1 ttl=64\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\n\n');
  });

  it('a reply from another address is flagged, unless -b', () => {
    const other: Net = (seq, clock, s) => {
      clock.after(0.05, () => s.onReply({ from: '10.0.0.3', seq, ttl: 64, bytes: 56, t: clock.now(), sentAt: clock.now() - 0.05 }));
      return 'sent';
    };
    expect(run(cfg({ count: 1 }), other).out).toContain('64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.050 ms (DIFFERENT ADDRESS!)\n');
    expect(run(cfg({ count: 1, broadcastPings: true, multicast: true }), other).out).toContain('64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.050 ms\n');
  });

  it('broadcast: a second answer to the same probe is a duplicate, unmarked', () => {
    const two: Net = (seq, clock, s) => {
      const sentAt = clock.now();
      clock.after(0.04, () => s.onReply({ from: '10.0.0.2', seq, ttl: 64, bytes: 56, t: clock.now(), sentAt }));
      clock.after(0.06, () => s.onReply({ from: '10.0.0.3', seq, ttl: 64, bytes: 56, t: clock.now(), sentAt }));
      return 'sent';
    };
    const r = run(cfg({ count: 2, broadcastPings: true, multicast: true, hostname: '10.0.0.255', dst: '10.0.0.255' }), two);
    expect(r.out).toContain('2 packets transmitted, 2 received, +1 duplicates, 0% packet loss');
    expect(r.out).not.toContain('DUP!');
  });

  it('-W 0 with a silent peer never ends by itself: podnet stops it at the cap', () => {
    const r = run(cfg({ count: 1, lingerMs: 0 }), silent, 60_000);
    expect(r.capped).toBe(true);
    expect(r.end).toBe(60_000);
    expect(r.out).toContain('1 packets transmitted, 0 received, 100% packet loss, time 0ms');
  });
});

describe('ping -a and -O (real captures)', () => {
  it('-a rings after each reply line', () => {
    expect(run(cfg({ count: 1, audible: true }), echo(0.032)).out).toContain('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.032 ms\x07\n');
  });
  it('-O reports each unanswered probe as the next goes out, even with -q', () => {
    const want = 'no answer yet for icmp_seq=1\nno answer yet for icmp_seq=2\n\n--- 10.0.0.2 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2000ms\n\n';
    expect(run(cfg({ count: 3, lingerMs: 1000, outstanding: true }), silent).out).toBe(want);
    expect(run(cfg({ deadlineS: 3, quiet: true, outstanding: true }), silent).out).toBe(want);
  });
});

describe('ping -f (real captures, stdout not a terminal)', () => {
  it('a dot per probe and a backspace per answer, then the statistics with ipg/ewma', () => {
    const r = run(cfg({ count: 5, intervalMs: 0, flood: true }), echo(0.011));
    expect(r.out).toMatch(/^(\.\x08 \x08){5}\n--- 10\.0\.0\.2 ping statistics ---\n5 packets transmitted, 5 received, 0% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = [\d./]+ ms, ipg\/ewma [\d./]+ ms\n$/);
  });
  it('errors print \\bE; -q prints nothing between header and statistics', () => {
    const r = run(cfg({ hostname: '10.0.0.9', dst: '10.0.0.9', count: 3, intervalMs: 0, flood: true }), arpFails);
    expect(r.out).toBe('...\x08E\x08E\x08E\n--- 10.0.0.9 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 20ms\npipe 3\n');
    expect(run(cfg({ count: 3, intervalMs: 0, flood: true, quiet: true }), echo(0.02)).out).toMatch(/^\n--- 10\.0\.0\.2 ping statistics ---\n3 packets transmitted, 3 received/);
  });
  it('-f -i 0.2 keeps the interval but still reports ipg/ewma', () => {
    expect(run(cfg({ count: 3, intervalMs: 200, flood: true }), echo(0.03)).out).toMatch(/time 400ms\nrtt min\/avg\/max\/mdev = 0\.030\/0\.030\/0\.030\/0\.000 ms, ipg\/ewma 200\.000\/0\.030 ms\n$/);
  });
});

describe('ping -l (real captures)', () => {
  it('-l 3 lets three probes out at once, then one per interval; answers come with pipe 3', () => {
    const three = run(cfg({ count: 3, preload: 3 }), echo(0.005));
    expect(three.out).toMatch(/3 packets transmitted, 3 received, 0% packet loss, time 0ms\nrtt min\/avg\/max\/mdev = [\d./]+ ms, pipe 3\n$/);
    expect(run(cfg({ count: 5, preload: 3 }), echo(0.005)).out).toMatch(/5 packets transmitted, 5 received, 0% packet loss, time 2000ms\n/);
  });
});

describe('ping sendmsg ENOBUFS (real: veth peer MTU 1000, -c 1 -W 1 -s 1400 -M dont, 2.01 s, two TX drops)', () => {
  it('retries the same probe, then counts it transmitted and perror()s once oom_count reaches -W', () => {
    const clock = new ScriptedClock();
    const sends: [number, number][] = [];
    const s = new PingSession(cfg({ count: 1, lingerMs: 1000 }), {
      send: (seq) => {
        sends.push([seq, clock.now()]);
        return kerr('ENOBUFS');
      },
      showAddr: (a) => a,
    });
    runPing(s, clock, 60_000);
    expect(sends).toEqual([
      [1, 0],
      [1, 1000],
    ]);
    expect(s.stderr).toBe('ping: sendmsg: No buffer space available\n');
    expect(s.stdout).toBe('\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n');
    expect(clock.now()).toBe(2000);
  });
});
