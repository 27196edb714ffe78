import { describe, expect, it } from 'vitest';
import { kok } from '../../../kernel/errno.js';
import { ScriptedClock } from '../testing/clock.js';
import { PingSession } from './session.js';
import { PingJob } from './job.js';

describe('background ping', () => {
  it('keeps probing on app timers and prints its statistics when -c is reached', () => {
    const clock = new ScriptedClock();
    let job!: PingJob;
    let closed = 0;
    const session = new PingSession(
      { prog: 'ping', hostname: '10.0.0.2', dst: '10.0.0.2', count: 3, deadlineS: 0, lingerMs: 10000, intervalMs: 1000, datalen: 56, quiet: false, broadcastPings: false, multicast: false },
      {
        send: (seq) => {
          const sentAt = clock.now();
          clock.after(0.05, () => {
            session.onReply({ from: '10.0.0.2', seq, ttl: 64, bytes: 56, t: clock.now(), sentAt });
            job.wake();
          });
          return kok(undefined);
        },
        showAddr: (a) => a,
      },
    );
    const timers = { now: () => clock.now(), after: (ms: number, fn: () => void) => {
      let live = true;
      clock.after(ms, () => live && fn());
      return { cancel: () => void (live = false) };
    } };
    job = new PingJob('ping -c 3 10.0.0.2', session, timers, { stdout: 'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n', stderr: '' }, () => closed++);
    job.start();
    clock.runFor(1500);
    expect(job.running()).toBe(true);
    expect(job.stdout().match(/icmp_seq=/g)).toHaveLength(2);
    clock.runFor(5000);
    expect(job.running()).toBe(false);
    expect(closed).toBe(1);
    expect(job.stdout()).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2000ms\n');
  });

  it('a kill leaves no statistics (SIGTERM is not caught by iputils)', () => {
    const clock = new ScriptedClock();
    const session = new PingSession(
      { prog: 'ping', hostname: 'h', dst: '10.0.0.2', count: 0, deadlineS: 0, lingerMs: 10000, intervalMs: 1000, datalen: 56, quiet: false, broadcastPings: false, multicast: false },
      { send: () => kok(undefined), showAddr: (a) => a },
    );
    const timers = { now: () => clock.now(), after: (ms: number, fn: () => void) => (clock.after(ms, fn), { cancel: () => undefined }) };
    const job = new PingJob('ping h', session, timers, { stdout: '', stderr: '' }, () => undefined);
    job.start();
    clock.runFor(3000);
    job.kill();
    expect(job.running()).toBe(false);
    expect(job.stdout()).not.toContain('statistics');
  });
});
