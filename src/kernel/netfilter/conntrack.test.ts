import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../wire/addr.js';
import { Conntrack, type CtPacket, type CtRef } from './conntrack.js';
import type { NatAction } from './traverse.js';

const ip = (s: string): number => parseIpv4(s)!;
const ct = (): Conntrack => new Conntrack({ now: () => 0, rng: () => 0.5 });
const tcp = (src: string, sport: number, dst: string, dport: number): CtPacket => ({ src: ip(src), dst: ip(dst), proto: 6, sport, dport, len: 60, mark: 0 });
const dnat = (to: string, port: number): NatAction => ({ kind: 'DNAT', range: { minIp: ip(to), maxIp: ip(to), minPort: port, maxPort: port }, random: false, randomFully: false, persistent: false, table: 'nat', chain: 'KUBE-SEP-X' });

/** One packet through PREROUTING(conntrack, DST nat) ... POSTROUTING(SRC nat, confirm), as the kernel orders them. */
function forward(c: Conntrack, p: CtPacket, dstAction?: NatAction, srcAction?: NatAction, masq?: number): CtRef {
  const r = c.in(p);
  if (!('entry' in r)) throw new Error('untracked');
  c.nat(r, 'DST', p, c.needsNatLookup(r, 'DST') ? dstAction : undefined);
  c.nat(r, 'SRC', p, c.needsNatLookup(r, 'SRC') ? srcAction : undefined, masq);
  c.confirm(r);
  return r;
}

describe('conntrack', () => {
  it('NEW on the first packet, ESTABLISHED for the reply and for the original direction after it', () => {
    const c = ct();
    const a = forward(c, tcp('10.0.0.1', 40000, '10.0.0.2', 80));
    expect(a.state).toBe('NEW');
    const b = forward(c, tcp('10.0.0.2', 80, '10.0.0.1', 40000));
    expect([b.state, b.dir]).toEqual(['ESTABLISHED', 'reply']);
    const again = tcp('10.0.0.1', 40000, '10.0.0.2', 80);
    expect(forward(c, again).state).toBe('ESTABLISHED');
    expect(again.ct?.state).toBe('ESTABLISHED');
    expect(c.entries()).toHaveLength(1);
  });

  it('DNAT on the first packet, replayed on later packets and reversed on replies', () => {
    const c = ct();
    const p1 = tcp('10.244.0.5', 40000, '10.96.0.10', 80);
    forward(c, p1, dnat('10.244.1.2', 8080));
    expect([p1.dst, p1.dport]).toEqual([ip('10.244.1.2'), 8080]);
    expect(p1.ct?.dnat).toBe(false); // the view was taken before the binding, as for the rules that ran
    const reply = tcp('10.244.1.2', 8080, '10.244.0.5', 40000);
    const r = forward(c, reply);
    expect(r.dir).toBe('reply');
    expect([reply.src, reply.sport]).toEqual([ip('10.96.0.10'), 80]);
    const p2 = tcp('10.244.0.5', 40000, '10.96.0.10', 80);
    const r2 = forward(c, p2, dnat('9.9.9.9', 1)); // the nat table is not consulted again
    expect([r2.state, p2.dst, p2.dport]).toEqual(['ESTABLISHED', ip('10.244.1.2'), 8080]);
    expect(p2.ct?.dnat).toBe(true);
  });

  it('MASQUERADE takes the egress address and moves the port when the reply tuple is taken', () => {
    const c = ct();
    const masq: NatAction = { kind: 'MASQUERADE', random: false, randomFully: false, table: 'nat', chain: 'POSTROUTING' };
    const a = tcp('10.244.0.5', 40000, '8.8.8.8', 53);
    forward(c, a, undefined, masq, ip('192.168.1.10'));
    expect([a.src, a.sport]).toEqual([ip('192.168.1.10'), 40000]);
    const b = tcp('10.244.0.6', 40000, '8.8.8.8', 53);
    forward(c, b, undefined, masq, ip('192.168.1.10'));
    expect(b.src).toBe(ip('192.168.1.10'));
    expect(b.sport).not.toBe(40000);
    const reply = tcp('8.8.8.8', 53, '192.168.1.10', b.sport!);
    forward(c, reply);
    expect([reply.dst, reply.dport]).toEqual([ip('10.244.0.6'), 40000]);
  });

  it('ICMP echo replies match their request; errors quoting a connection are RELATED, others INVALID', () => {
    const c = ct();
    const echo: CtPacket = { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), proto: 1, icmpType: 8, icmpCode: 0, icmpId: 7, len: 84, mark: 0 };
    forward(c, echo);
    const reply: CtPacket = { src: ip('10.0.0.2'), dst: ip('10.0.0.1'), proto: 1, icmpType: 0, icmpCode: 0, icmpId: 7, len: 84, mark: 0 };
    expect(forward(c, reply).state).toBe('ESTABLISHED');
    forward(c, tcp('10.0.0.1', 40000, '10.0.0.3', 80));
    const err: CtPacket = { src: ip('10.0.0.254'), dst: ip('10.0.0.1'), proto: 1, icmpType: 3, icmpCode: 3, len: 56, mark: 0, quote: { src: ip('10.0.0.1'), dst: ip('10.0.0.3'), proto: 6, sport: 40000, dport: 80 } };
    const r = c.in(err);
    expect('entry' in r && r.state).toBe('RELATED');
    const stray: CtPacket = { ...err, quote: { src: ip('10.0.0.1'), dst: ip('10.0.0.9'), proto: 6, sport: 1, dport: 2 } };
    expect(c.in(stray)).toEqual({ invalid: true });
    expect(stray.ct).toBeUndefined();
  });

  it('NOTRACK leaves the packet UNTRACKED and out of the table', () => {
    const c = ct();
    const p = tcp('10.0.0.1', 1, '10.0.0.2', 2);
    expect(c.in(p, { notrack: true })).toEqual({ untracked: true });
    expect(p.ct?.state).toBe('UNTRACKED');
    expect(c.entries()).toHaveLength(0);
  });
});

describe('conntrack timeouts', () => {
  it('forgets a one-way UDP flow after 30 s, a stream (answered, active past 2 s) after 120 s', () => {
    let now = 0;
    const c = new Conntrack({ now: () => now, rng: () => 0.5 });
    const udp = (src: string, sport: number, dst: string, dport: number): CtPacket => ({ src: ip(src), dst: ip(dst), proto: 17, sport, dport, len: 40, mark: 0 });
    forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53));
    now = 29_000;
    expect(forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53)).state).toBe('NEW');
    now = 60_000;
    expect(forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53)).state).toBe('NEW');
    expect(c.entries()).toHaveLength(1);
    forward(c, udp('10.0.0.2', 53, '10.0.0.1', 5000));
    now = 63_000;
    forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53));
    expect(c.entries()[0]!.assured).toBe(true);
    now = 63_000 + 119_000;
    expect(forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53)).state).toBe('ESTABLISHED');
    now += 121_000;
    expect(forward(c, udp('10.0.0.1', 5000, '10.0.0.2', 53)).state).toBe('NEW');
  });
});

describe('conntrack TCP states', () => {
  it('walks the handshake to ESTABLISHED [ASSURED] and the close to TIME_WAIT; RST closes', () => {
    const c = ct();
    const seg = (fromClient: boolean, flags: number): CtPacket => ({ ...(fromClient ? tcp('10.0.0.1', 40000, '10.0.0.2', 80) : tcp('10.0.0.2', 80, '10.0.0.1', 40000)), tcpFlags: flags });
    const state = (): string | undefined => c.entries()[0]?.tcpState;
    forward(c, seg(true, 0x02));
    expect(state()).toBe('SYN_SENT');
    forward(c, seg(false, 0x12));
    expect(state()).toBe('SYN_RECV');
    forward(c, seg(true, 0x10));
    expect([state(), c.entries()[0]!.assured]).toEqual(['ESTABLISHED', true]);
    forward(c, seg(true, 0x11));
    expect(state()).toBe('FIN_WAIT');
    forward(c, seg(false, 0x10));
    expect(state()).toBe('CLOSE_WAIT');
    forward(c, seg(false, 0x11));
    expect(state()).toBe('LAST_ACK');
    forward(c, seg(true, 0x10));
    expect(state()).toBe('TIME_WAIT');
    forward(c, seg(true, 0x04));
    expect(state()).toBe('CLOSE');
  });
});
