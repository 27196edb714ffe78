import { describe, expect, it } from 'vitest';
import { Conntrack, type CtPacket } from '../../kernel/netfilter/conntrack.js';
import { parseIpv4 } from '../../wire/addr.js';
import { runConntrack } from './index.js';

const ip = (s: string): number => parseIpv4(s)!;
const SUMMARY = 'conntrack v1.4.7 (conntrack-tools)';

/** A table holding what the real tool showed after a ping, an nc -z and an unanswered UDP datagram. */
function table(): { ct: Conntrack; tick(ms: number): void } {
  let now = 0;
  const ct = new Conntrack({ now: () => now, rng: () => 0 });
  const pass = (p: CtPacket): void => {
    const r = ct.in(p);
    if ('entry' in r) ct.confirm(r);
  };
  const a = ip('192.168.15.1');
  const b = ip('192.168.15.5');
  pass({ src: a, dst: b, proto: 1, len: 84, mark: 0, icmpType: 8, icmpId: 4446 });
  pass({ src: b, dst: a, proto: 1, len: 84, mark: 0, icmpType: 0, icmpId: 4446 });
  const tcp = (src: number, dst: number, sport: number, dport: number, flags: number): void =>
    pass({ src, dst, proto: 6, len: 52, mark: 0, sport, dport, tcpFlags: flags });
  tcp(a, b, 48278, 8080, 0x02);
  tcp(b, a, 8080, 48278, 0x12);
  tcp(a, b, 48278, 8080, 0x10);
  tcp(a, b, 48278, 8080, 0x11);
  tcp(b, a, 8080, 48278, 0x11);
  tcp(a, b, 48278, 8080, 0x10);
  pass({ src: a, dst: b, proto: 17, len: 31, mark: 0, sport: 56239, dport: 5353 });
  return { ct, tick: (ms) => (now += ms) };
}

describe('conntrack', () => {
  it('lists entries in conntrack-tools 1.4.7 format with the summary on stderr', () => {
    const { ct, tick } = table();
    tick(500);
    const r = runConntrack(['-L'], ct);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      'icmp     1 29 src=192.168.15.1 dst=192.168.15.5 type=8 code=0 id=4446 src=192.168.15.5 dst=192.168.15.1 type=0 code=0 id=4446 mark=0 use=1\n' +
        'tcp      6 119 TIME_WAIT src=192.168.15.1 dst=192.168.15.5 sport=48278 dport=8080 src=192.168.15.5 dst=192.168.15.1 sport=8080 dport=48278 [ASSURED] mark=0 use=1\n' +
        'udp      17 29 src=192.168.15.1 dst=192.168.15.5 sport=56239 dport=5353 [UNREPLIED] src=192.168.15.5 dst=192.168.15.1 sport=5353 dport=56239 mark=0 use=1\n',
    );
    expect(r.stderr).toBe(`${SUMMARY}: 3 flow entries have been shown.\n`);
    expect(runConntrack(['-L', '-o', 'extended', '-p', 'tcp'], ct).stdout).toMatch(/^ipv4     2 tcp      6 119 TIME_WAIT /);
    expect(runConntrack(['-L', '-d', '192.168.15.9'], ct).stderr).toBe(`${SUMMARY}: 0 flow entries have been shown.\n`);
    expect(runConntrack(['-C'], ct).stdout).toBe('3\n');
  });

  it('-n / -g follow libnetfilter_conntrack: a bare -n lists ICMP entries whose null SNAT binding ran, -n ADDR only real NAT', () => {
    const { ct } = table();
    // Local delivery binds null NAT both ways (nat INPUT and PREROUTING), as with a nat table loaded.
    for (const e of ct.entries()) e.srcNatDone = e.dstNatDone = true;
    const shown = (args: string[]): string[] => runConntrack(args, ct).stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0]!);
    expect(shown(['-L', '-n'])).toEqual(['icmp']);
    expect(shown(['-L', '-g'])).toEqual(['icmp']);
    expect(shown(['-L', '-j'])).toEqual(['icmp']);
    expect(shown(['-L', '-n', '192.168.15.1'])).toEqual([]);
  });

  it('a connect refused by RST leaves no entry (the tracker kills it when the only reply is a RST)', () => {
    const ct = new Conntrack({ now: () => 0, rng: () => 0 });
    for (const p of [
      { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), sport: 40000, dport: 8081, tcpFlags: 0x02 },
      { src: ip('10.0.0.2'), dst: ip('10.0.0.1'), sport: 8081, dport: 40000, tcpFlags: 0x14 },
    ]) {
      const r = ct.in({ ...p, proto: 6, len: 40, mark: 0 });
      if ('entry' in r) ct.confirm(r);
    }
    expect(runConntrack(['-L'], ct).stderr).toBe(`${SUMMARY}: 0 flow entries have been shown.\n`);
  });

  it('deletes matching entries, exit 1 when none matched, and flushes', () => {
    const { ct } = table();
    const d = runConntrack(['-D', '-p', 'icmp'], ct);
    expect([d.exitCode, d.stderr]).toEqual([0, `${SUMMARY}: 1 flow entries have been deleted.\n`]);
    expect(d.stdout).toMatch(/^icmp /);
    const again = runConntrack(['-D', '-p', 'icmp'], ct);
    expect([again.exitCode, again.stdout, again.stderr]).toEqual([1, '', `${SUMMARY}: 0 flow entries have been deleted.\n`]);
    expect(runConntrack(['-F'], ct).stderr).toBe(`${SUMMARY}: connection tracking table has been emptied.\n`);
    expect(runConntrack(['-C'], ct).stdout).toBe('0\n');
  });

  it('words bad options like the real tool (exit 2)', () => {
    const hint = "Try `conntrack -h' or 'conntrack --help' for more information.\n";
    const cases: [string[], string][] = [
      [['-L', '-p', 'bogus'], "`bogus' unsupported protocol"],
      [['-L', '-x'], "unknown option `-x'"],
      [['-L', '-s', 'bad'], "Invalid IP address `bad'"],
      [['-L', '-p'], "option `-p' requires an argument"],
      [['-L', '-D'], 'Invalid commands combination'],
      [['-L', '--dport', '80'], "unknown option `--dport'"],
      [['-F', '-p', 'tcp'], "Illegal option `--protonum' with this command"],
      [['-L', '-o', 'foo'], "Bad parameter `foo'"],
      [['-L', 'bogus'], "unknown type `bogus'"],
    ];
    for (const [args, msg] of cases) expect(runConntrack(args, undefined)).toEqual({ exitCode: 2, stdout: '', stderr: `${SUMMARY}: ${msg}\n${hint}` });
  });
});

describe('conntrack -G and the tcp --state / --status filters', () => {
  it('-G prints the one entry of a full original tuple with the lookup reference in use=2', () => {
    const { ct } = table();
    const r = runConntrack(['-G', '-p', 'tcp', '-s', '192.168.15.1', '-d', '192.168.15.5', '--sport', '48278', '--dport', '8080'], ct);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      'tcp      6 119 TIME_WAIT src=192.168.15.1 dst=192.168.15.5 sport=48278 dport=8080 src=192.168.15.5 dst=192.168.15.1 sport=8080 dport=48278 [ASSURED] mark=0 use=2\n',
    );
    expect(r.stderr).toBe(`${SUMMARY}: 1 flow entries have been shown.\n`);
    const miss = runConntrack(['-G', '-p', 'tcp', '-s', '192.168.15.1', '-d', '192.168.15.5', '--sport', '1', '--dport', '8080'], ct);
    expect([miss.exitCode, miss.stderr]).toEqual([1, `${SUMMARY}: Operation failed: such conntrack doesn't exist\n`]);
    expect(runConntrack(['-G', '-p', 'tcp', '-s', '192.168.15.1', '-d', '192.168.15.5', '--dport', '8080'], ct).stderr).toContain("you have to specify `--sport' and `--dport'");
  });

  it('--state keeps TCP entries in that state; --status needs every bit named', () => {
    const { ct } = table();
    expect(runConntrack(['-L', '-p', 'tcp', '--state', 'TIME_WAIT'], ct).stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(runConntrack(['-L', '-p', 'tcp', '--state', 'ESTABLISHED'], ct).stdout).toBe('');
    expect(runConntrack(['-L', '-u', 'SEEN_REPLY'], ct).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(runConntrack(['-L', '-u', 'SEEN_REPLY,ASSURED'], ct).stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(runConntrack(['-L', '--state', 'TIME_WAIT'], ct).exitCode).toBe(2);
  });
});

describe('conntrack -I', () => {
  it('creates a confirmed entry with the given timeout, state, status and mark; a second one with the same tuple is refused', () => {
    let now = 0;
    const ct = new Conntrack({ now: () => now, rng: () => 0 });
    const args = ['-I', '-p', 'tcp', '-s', '1.1.1.1', '-d', '2.2.2.2', '--sport', '1000', '--dport', '80', '--state', 'ESTABLISHED', '-t', '100', '-u', 'SEEN_REPLY', '-m', '5'];
    expect(runConntrack(args, ct)).toEqual({ exitCode: 0, stdout: '', stderr: `${SUMMARY}: 1 flow entries have been created.\n` });
    expect(runConntrack(['-L'], ct).stdout).toBe('tcp      6 99 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=1000 dport=80 src=2.2.2.2 dst=1.1.1.1 sport=80 dport=1000 mark=5 use=1\n');
    expect(runConntrack(args, ct).stderr).toBe(`${SUMMARY}: Operation failed: Such conntrack exists, try -U to update\n`);
    now = 100_500;
    expect(runConntrack(['-C'], ct).stdout).toBe('0\n');
  });

  it('asks for --protonum, --timeout and the tcp --state in that order', () => {
    const ct = new Conntrack({ now: () => 0, rng: () => 0 });
    expect(runConntrack(['-I', '-s', '1.1.1.1', '-d', '2.2.2.2', '-t', '5'], ct).stderr).toContain("`--protonum'");
    expect(runConntrack(['-I', '-p', 'tcp', '-s', '1.1.1.1', '-d', '2.2.2.2', '--sport', '1', '--dport', '2', '--state', 'SYN_SENT'], ct).stderr).toContain("`--timeout'");
    expect(runConntrack(['-I', '-p', 'tcp', '-s', '1.1.1.1', '-d', '2.2.2.2', '--sport', '1', '--dport', '2', '-t', '5'], ct).stderr).toContain("`--state'");
  });
});

describe('conntrack events', () => {
  it('a handshake reads as Linux printed it: NEW SYN_SENT, UPDATE SYN_RECV, UPDATE ESTABLISHED [ASSURED]', async () => {
    const { formatEvent } = await import('./index.js');
    const ct = new Conntrack({ now: () => 0, rng: () => 0 });
    const lines: string[] = [];
    ct.onEvent((ev) => lines.push(formatEvent(ct, ev, 7)));
    const a = ip('10.0.0.2');
    const b = ip('10.0.0.1');
    const pass = (src: number, dst: number, sport: number, dport: number, flags: number): void => {
      const r = ct.in({ src, dst, proto: 6, len: 60, mark: 0, sport, dport, tcpFlags: flags });
      if ('entry' in r) ct.confirm(r);
    };
    pass(a, b, 37800, 8080, 0x02);
    pass(b, a, 8080, 37800, 0x12);
    pass(a, b, 37800, 8080, 0x10);
    const t = 'src=10.0.0.2 dst=10.0.0.1 sport=37800 dport=8080';
    const r = 'src=10.0.0.1 dst=10.0.0.2 sport=8080 dport=37800';
    expect(lines).toEqual([
      `    [NEW] tcp      6 120 SYN_SENT ${t} [UNREPLIED] ${r}`,
      ` [UPDATE] tcp      6 60 SYN_RECV ${t} ${r}`,
      ` [UPDATE] tcp      6 432000 ESTABLISHED ${t} ${r} [ASSURED]`,
    ]);
    ct.flush();
    expect(lines[3]).toBe(`[DESTROY] tcp      6 431999 ESTABLISHED ${t} ${r} [ASSURED] [USERSPACE] portid=7`);
  });
});
