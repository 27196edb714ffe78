// Expectations from real namespaces (kernel 6.18, iputils 20221126): a veth pair va (10.0.3.2) /
// vb (10.0.3.1) with `ip -n b link set vb mtu 1000`, neighbour resolved by a small ping first, then
// `ping -c 1 -W 1 -s 1400 -M dont 10.0.3.1` prints "ping: sendmsg: No buffer space available" and
// va's TX dropped counter rises by one per attempt; without the first ping (neighbour INCOMPLETE)
// the same probe is queued, dropped later, and ping reports plain loss.
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { must, nl, socks } from './test_topo.js';

function pair() {
  const w = createWorld({ seed: 3 });
  const h = w.addHost('h');
  for (const n of ['a', 'b']) must(h.netnsAdd(n));
  const a = nl(h, 'a');
  const b = nl(h, 'b');
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'vb', peerNetns: 'b' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.3.2', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.3.1', prefixLen: 24 }));
  must(a.linkSet('va', { up: true }));
  must(b.linkSet('vb', { up: true, mtu: 1000 }));
  const p = socks(h, 'a').ping({ pmtudisc: 'dont' });
  must(p.connect('10.0.3.1'));
  return { w, p };
}

describe('veth_xmit NET_XMIT_DROP reaches the sender', () => {
  it('a frame over the peer MTU fails sendmsg with ENOBUFS once the neighbour is resolved', () => {
    const { w, p } = pair();
    expect(p.send(1, 56).ok).toBe(true);
    w.runFor(100);
    const r = p.send(2, 1400);
    expect(r.ok ? undefined : r.error.errno).toBe('ENOBUFS');
  });

  it('a frame parked behind an unresolved neighbour reports success (neigh_resolve_output queues it)', () => {
    const { w, p } = pair();
    expect(p.send(1, 1400).ok).toBe(true);
    w.runFor(100);
  });
});
