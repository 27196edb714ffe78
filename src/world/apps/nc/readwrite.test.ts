// The end-of-loop rules of netcat-openbsd 1.219's readwrite(), with the real behaviour each mirrors.
import { describe, expect, it } from 'vitest';
import { ReadWrite, type RwOptions } from './readwrite.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function make(over: Partial<RwOptions> = {}) {
  const log: string[] = [];
  const rw = new ReadWrite(
    { stdin: enc('hi\n'), listen: false, quitAfterS: -1, shutdownOnEof: false, timeoutMs: -1, recvLimit: 0, crlf: false, ...over },
    { send: (d) => log.push(`send ${JSON.stringify(new TextDecoder().decode(d))}`), shutdownWrite: () => log.push('shutdown'), close: () => log.push('close') },
  );
  return { rw, log };
}

describe('readwrite', () => {
  it('client: sends stdin, prints what comes back, returns when the peer closes', () => {
    const { rw, log } = make();
    rw.start(0);
    expect(log).toEqual(['send "hi\\n"']);
    expect(rw.ended).toBeUndefined();
    rw.onData(enc('reply\n'), 5);
    rw.onEof(6);
    expect(rw.ended).toBe('return');
    expect(rw.output()).toBe('reply\n');
  });

  it('-N: FIN after stdin (echo hi | nc -N host port ends as soon as the listener closes)', () => {
    const { rw, log } = make({ shutdownOnEof: true });
    rw.start(0);
    expect(log).toEqual(['send "hi\\n"', 'shutdown']);
  });

  it('-w: gives up after that long without network input (echo hi | nc -w 1: 1.006 s)', () => {
    const { rw } = make({ timeoutMs: 1000 });
    rw.start(0);
    expect(rw.deadline()).toBe(1000);
    rw.onData(enc('x'), 600);
    expect(rw.deadline()).toBe(1600);
    rw.onTime(1600);
    expect(rw.ended).toBe('return');
  });

  it('-q 1: closes at stdin EOF and exits 0 a second later (printf | nc -q 1: 1.01 s)', () => {
    const { rw, log } = make({ quitAfterS: 1, shutdownOnEof: true });
    rw.start(0);
    expect(log).toEqual(['send "hi\\n"', 'shutdown', 'close']);
    expect(rw.deadline()).toBe(1000);
    rw.onTime(1000);
    expect(rw.ended).toBe('exit0');
  });

  it('-q 0: exits at once after stdin', () => {
    const { rw } = make({ quitAfterS: 0, shutdownOnEof: true });
    rw.start(0);
    expect(rw.ended).toBe('exit0');
  });

  it('listener with /dev/null stdin: waits for the peer, ends on its FIN, or on a reset', () => {
    const a = make({ listen: true, stdin: enc('') });
    a.rw.start(0);
    expect(a.log).toEqual([]);
    a.rw.onData(enc('hello\n'), 1);
    expect(a.rw.ended).toBeUndefined();
    a.rw.onEof(2);
    expect(a.rw.ended).toBe('return');
    expect(a.rw.output()).toBe('hello\n');
    const b = make({ listen: true, stdin: enc('') });
    b.rw.start(0);
    b.rw.onError(1);
    expect(b.rw.ended).toBe('return');
  });

  it('without -w a silent peer never ends it', () => {
    const { rw } = make();
    rw.start(0);
    expect(rw.deadline()).toBeUndefined();
    rw.onTime(1e9);
    expect(rw.ended).toBeUndefined();
  });

  it('-C sends CRLF line ends; -W stops after that many reads', () => {
    const c = make({ crlf: true, stdin: enc('a\nb\r\n') });
    c.rw.start(0);
    expect(c.log).toEqual(['send "a\\r\\nb\\r\\n"']);
    const w = make({ recvLimit: 1 });
    w.rw.start(0);
    w.rw.onData(enc('one'), 1);
    expect(w.rw.ended).toBe('return');
  });
});
