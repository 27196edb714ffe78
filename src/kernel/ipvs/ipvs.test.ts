/**
 * IPVS connection table and persistence against ip_vs_core.c / ip_vs_conn.c (documented semantics;
 * ip_vs cannot be loaded on the reference kernels).
 */
import { describe, expect, it } from 'vitest';
import { Ipvs } from './ipvs.js';

const VIP = 0x0a60000a;
const key = { proto: 6, addr: VIP, port: 80, fwmark: 0 };
const dest = (addr: number) => ({ addr, port: 8080, weight: 1, fwd: 'masq' as const, uThreshold: 0, lThreshold: 0 });

function setup(persistent: number, netmask = 0xffffffff): { vs: Ipvs; clock: { t: number } } {
  const clock = { t: 0 };
  const vs = new Ipvs({ now: () => clock.t, addrType: () => 'unicast' });
  vs.addService(key, { sched: 'rr', persistent, netmask });
  vs.addDest(key, dest(0x0af40002));
  vs.addDest(key, dest(0x0af40003));
  return { vs, clock };
}
const conn = (vs: Ipvs, saddr: number, sport: number) => vs.scheduleConn(vs.getService(key)!, { proto: 6, saddr, sport, daddr: VIP, dport: 80 })!;

describe('IPVS connections and persistence (documented semantics)', () => {
  it('without persistence rr spreads one client over both servers', () => {
    const { vs } = setup(0);
    expect([conn(vs, 1, 1000).daddr, conn(vs, 1, 1001).daddr]).toEqual([0x0af40003, 0x0af40002]);
  });

  it('-p pins a client to its first server until the template expires; -M groups clients by mask', () => {
    const { vs, clock } = setup(10);
    expect(conn(vs, 0x0b000001, 1000).daddr).toBe(0x0af40003);
    // Pinned: the template answers and rr's cursor does not move.
    expect(conn(vs, 0x0b000001, 1001).daddr).toBe(0x0af40003);
    clock.t = 11_000;
    // Template expired: rr decides again and moves on to the other server.
    expect(conn(vs, 0x0b000001, 1002).daddr).toBe(0x0af40002);
    const other = setup(10).vs;
    expect(conn(other, 0x0b000001, 1000).daddr).toBe(0x0af40003);
    expect(conn(other, 0x0b000002, 1000).daddr).toBe(0x0af40002);
    const m = setup(10, 0xffffff00).vs;
    const a = conn(m, 0x0b000001, 1000).daddr;
    expect(conn(m, 0x0b0000fe, 1000).daddr).toBe(a);
  });

  it('a connection entry maps replies back and counts as inactive until the handshake completes', () => {
    const { vs } = setup(0);
    const c = conn(vs, 0x0b000001, 40000);
    expect(vs.connOut4(6, c.daddr, 8080, 0x0b000001, 40000)).toBe(c);
    expect(c.dest.inactConns).toBe(1);
    vs.update(c, 'in', 0x10);
    expect([c.state, c.dest.activeConns, c.dest.inactConns]).toEqual(['ESTABLISHED', 1, 0]);
    vs.update(c, 'in', 0x11);
    expect([c.state, c.dest.activeConns, c.dest.inactConns]).toEqual(['FIN_WAIT', 0, 1]);
  });
});
