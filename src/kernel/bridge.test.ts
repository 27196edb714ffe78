// Bridge facts from real namespaces (kernel 6.18): br0 in the root with ports p1..p3 whose veth
// peers are eth0 in n1..n3 (10.0.0.N/24); `bridge fdb show br br0`, `ip -d link show p1`, ping.
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, socks, must } from './test_topo.js';
import type { FrameEvent } from '../world/api.js';

function lan(n = 3) {
  const w = createWorld({ seed: 31 });
  const h = w.addHost('h');
  const root = nl(h);
  must(root.linkAdd({ kind: 'bridge', name: 'br0' }));
  must(root.linkSet('br0', { up: true }));
  for (let i = 1; i <= n; i++) {
    must(h.netnsAdd(`n${i}`));
    must(root.linkAdd({ kind: 'veth', name: `p${i}`, peerName: 'eth0', peerNetns: `n${i}` }));
    must(root.linkSet(`p${i}`, { master: 'br0', up: true }));
    const ns = nl(h, `n${i}`);
    must(ns.linkSet('lo', { up: true }));
    must(ns.addrAdd({ dev: 'eth0', local: `10.0.0.${i}`, prefixLen: 24 }));
    must(ns.linkSet('eth0', { up: true }));
  }
  return { w, h, root, mac: (i: number) => nl(h, `n${i}`).linkGet('eth0')!.address };
}

function ping(env: ReturnType<typeof lan>, from: string, dst: string): number {
  const p = socks(env.h, from).ping();
  must(p.connect(dst));
  let n = 0;
  p.onReply(() => n++);
  p.send(1, 56);
  // Long enough for an unanswered ARP to fail (~3.07 s: its 1 s timers fire late on the timer wheel).
  env.w.runFor(3500);
  return n;
}

describe('bridge', () => {
  it('learns source MACs, floods the ARP broadcast, forwards the unicast echo to one port only', () => {
    const env = lan();
    const seen: FrameEvent[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'n3' && f.direction === 'in') seen.push(f);
    });
    expect(ping(env, 'n1', '10.0.0.2')).toBe(1);
    // n3 saw the broadcast ARP request only.
    expect(seen.map((f) => (f.bytes[12]! << 8) | f.bytes[13]!)).toEqual([0x0806]);
    const fdb = env.root.fdbList({ br: 'br0' });
    expect(fdb.filter((e) => e.state === 'dynamic').map((e) => [e.mac, e.dev])).toEqual(
      expect.arrayContaining([
        [env.mac(1), 'p1'],
        [env.mac(2), 'p2'],
      ]),
    );
    // Each port's own MAC is a permanent local entry: "ee:cb:... dev p1 master br0 permanent".
    const p1mac = env.root.linkGet('p1')!.address;
    expect(fdb.find((e) => e.mac === p1mac)).toMatchObject({ dev: 'p1', master: 'br0', state: 'permanent', local: true });
    // "10.0.0.2 dev eth0 lladdr ... REACHABLE" in n1, "10.0.0.1 ... DELAY" in n2 right after one ping.
    expect(nl(env.h, 'n1').neighList()[0]).toMatchObject({ dst: '10.0.0.2', state: 'REACHABLE' });
    env.w.runFor(0);
  });

  it('dynamic entries age out after 300 s of silence', () => {
    const env = lan(2);
    ping(env, 'n1', '10.0.0.2');
    expect(env.root.fdbList({ br: 'br0' }).some((e) => e.mac === env.mac(1))).toBe(true);
    // n1 was last heard at 5 s (its ARP reply to n2's DELAY->PROBE unicast probe).
    env.w.runFor(301_000);
    expect(env.root.fdbList({ br: 'br0' }).some((e) => e.mac === env.mac(1))).toBe(true);
    env.w.runFor(2_000);
    expect(env.root.fdbList({ br: 'br0' }).some((e) => e.mac === env.mac(1))).toBe(false);
  });

  it('an address on the bridge device answers ARP and ping from a port', () => {
    const env = lan(2);
    must(env.root.addrAdd({ dev: 'br0', local: '10.0.0.254', prefixLen: 24 }));
    expect(ping(env, 'n1', '10.0.0.254')).toBe(1);
    expect(env.root.neighList()).toMatchObject([{ dst: '10.0.0.1', dev: 'br0', state: 'DELAY' }]);
  });

  it('hairpin: a frame for a MAC behind its own ingress port goes back only when hairpin is on', () => {
    const env = lan(2);
    const fake = '02:00:00:00:00:99';
    must(env.root.fdbAdd({ mac: fake, dev: 'p1', master: true, state: 'static' }));
    must(nl(env.h, 'n1').neighAdd({ dst: '10.0.0.99', dev: 'eth0', lladdr: fake }));
    const back: number[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'n1' && f.direction === 'in') back.push(f.bytes.length);
    });
    ping(env, 'n1', '10.0.0.99');
    expect(back).toEqual([]);
    must(env.root.linkSet('p1', { brport: { hairpin: true } }));
    ping(env, 'n1', '10.0.0.99');
    expect(back).toEqual([98]);
  });

  it('proxy_arp on the bridge answers for a subnet routed elsewhere, with the bridge MAC', () => {
    const env = lan(2);
    const root = env.root;
    must(env.h.netnsAdd('c'));
    const c = nl(env.h, 'c');
    must(root.addrAdd({ dev: 'br0', local: '10.0.0.254', prefixLen: 24 }));
    must(root.linkAdd({ kind: 'veth', name: 'pc', peerName: 'eth0', peerNetns: 'c' }));
    must(root.linkSet('pc', { up: true }));
    must(root.addrAdd({ dev: 'pc', local: '192.168.5.1', prefixLen: 24 }));
    must(c.addrAdd({ dev: 'eth0', local: '192.168.5.2', prefixLen: 24 }));
    must(c.linkSet('eth0', { up: true }));
    must(c.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '192.168.5.1' }));
    const n1 = nl(env.h, 'n1');
    must(n1.routeAdd({ dst: '192.168.5.0', dstLen: 24, dev: 'eth0' }));
    must(root.sysctlSet('net.ipv4.ip_forward', '1'));
    expect(ping(env, 'n1', '192.168.5.2')).toBe(0);
    expect(n1.neighList().find((n) => n.dst === '192.168.5.2')?.state).toBe('FAILED');
    must(root.sysctlSet('net.ipv4.conf.br0.proxy_arp', '1'));
    must(n1.neighFlush({ dev: 'eth0' }));
    expect(ping(env, 'n1', '192.168.5.2')).toBe(1);
    expect(n1.neighList().find((n) => n.dst === '192.168.5.2')).toMatchObject({ lladdr: root.linkGet('br0')!.address, state: 'REACHABLE' });
  });
});
