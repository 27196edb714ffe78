// Facts checked in real namespaces (kernel 6.18, iproute2 6.1) with
// `unshare --net --mount ... ip netns add a; ip link add ...` scripts; see each test.
import { describe, expect, it } from 'vitest';
import { createWorld } from './world.js';
import type { Host } from './api.js';
import type { Netlink, Sockets } from '../kernel/api.js';

function nl(h: Host, ns?: string): Netlink {
  const r = h.netlink(ns);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function socks(h: Host, ns?: string): Sockets {
  const r = h.sockets(ns);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Two namespaces a/b joined by veth va<->vb with 10.0.0.1/24 and 10.0.0.2/24, all up. */
function pair(seed = 1) {
  const w = createWorld({ seed });
  const h = w.addHost('h');
  h.netnsAdd('a');
  h.netnsAdd('b');
  const a = nl(h, 'a');
  const b = nl(h, 'b');
  expect(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'vb', peerNetns: 'b' }).ok).toBe(true);
  a.addrAdd({ dev: 'va', local: '10.0.0.1', prefixLen: 24 });
  b.addrAdd({ dev: 'vb', local: '10.0.0.2', prefixLen: 24 });
  for (const [n, d] of [[a, 'va'], [b, 'vb'], [a, 'lo'], [b, 'lo']] as const) n.linkSet(d, { up: true });
  return { w, h, a, b };
}

describe('world', () => {
  it('netns list is newest first and a fresh namespace has only lo, down', () => {
    const w = createWorld({ seed: 7 });
    const h = w.addHost('h');
    h.netnsAdd('a');
    h.netnsAdd('b');
    expect(h.netnsList().map((e) => e.name)).toEqual(['b', 'a']);
    expect(h.netnsAdd('a').ok).toBe(false);
    const links = nl(h, 'a').linkList();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ ifindex: 1, name: 'lo', flags: ['LOOPBACK'], operstate: 'DOWN', qdisc: 'noop', mtu: 65536 });
  });

  it('moving a veth end to a namespace gives that namespace an nsid in the root', () => {
    // Real: `ip link add v0 type veth peer name v1; ip link set v1 netns a` -> "a (id: 0)", b without id.
    const w = createWorld({ seed: 7 });
    const h = w.addHost('h');
    h.netnsAdd('a');
    h.netnsAdd('b');
    const root = nl(h);
    root.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' });
    expect(root.linkGet('v1')?.ifindex).toBe(2);
    expect(root.linkGet('v0')?.ifindex).toBe(3);
    expect(root.linkSet('v1', { netns: 'a' }).ok).toBe(true);
    expect(h.netnsList()).toEqual([{ name: 'b' }, { name: 'a', id: 0 }]);
    expect(nl(h, 'a').linkGet('v1')).toMatchObject({ ifindex: 2, link: { ifindex: 3, netnsId: 0 } });
  });

  it('ping across a veth pair resolves ARP and gets a reply', () => {
    const { w, h } = pair();
    const p = socks(h, 'a').ping();
    expect(p.connect('10.0.0.2')).toEqual({ ok: true, value: { src: '10.0.0.1', dev: 'va' } });
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.seq));
    expect(p.send(1, 56).ok).toBe(true);
    w.runFor(10);
    expect(replies).toEqual([1]);
    expect(nl(h, 'a').neighList()).toEqual([{ dst: '10.0.0.2', dev: 'va', lladdr: nl(h, 'b').linkGet('vb')!.address, state: 'REACHABLE', router: false, proxy: false }]);
  });

  it('an unanswered ARP fails after 3 probes 1 s apart and reports host unreachable from the own address', () => {
    // Real: ping 10.0.0.9 on a connected /24 prints "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable" at ~3 s
    // (3.06 s measured): each 1 s retransmit timer fires late by the timer wheel's rounding (HZ 250, 32 ms buckets).
    const { w, h } = pair();
    const p = socks(h, 'a').ping();
    p.connect('10.0.0.9');
    const errs: { t: number; seq?: number; from: string; errno: string }[] = [];
    p.onError((e) => errs.push({ t: w.now(), seq: e.seq, from: e.from, errno: e.errno }));
    const arps: number[] = [];
    w.onFrame((f) => {
      if (f.dev === 'va' && f.direction === 'out' && f.bytes[12] === 0x08 && f.bytes[13] === 0x06) arps.push(w.now());
    });
    p.send(1, 56);
    w.runFor(3500);
    expect(arps).toEqual([0, 1024, 2048]);
    expect(errs).toEqual([{ t: 3072, seq: 1, from: '10.0.0.1', errno: 'EHOSTUNREACH' }]);
    expect(nl(h, 'a').neighList().find((n) => n.dst === '10.0.0.9')?.state).toBe('FAILED');
  });
});

describe('underlay', () => {
  it('connect() cables two hosts; the NICs come up like physical ones and carry traffic', () => {
    const w = createWorld({ seed: 9 });
    const n1 = w.addHost('node1');
    const n2 = w.addHost('node2');
    expect(w.connect!({ host: 'node1', dev: 'eth0' }, { host: 'node2', dev: 'eth0' }).ok).toBe(true);
    expect(w.connect!({ host: 'node1', dev: 'eth0' }, { host: 'node2', dev: 'eth1' })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    expect(w.connect!({ host: 'nope', dev: 'eth0' }, { host: 'node2', dev: 'eth1' })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    const a = nl(n1);
    const b = nl(n2);
    expect(a.linkGet('eth0')).toMatchObject({ ifindex: 2, kind: 'ether', operstate: 'DOWN', qdisc: 'noop' });
    expect(a.linkGet('eth0')?.link).toBeUndefined();
    a.addrAdd({ dev: 'eth0', local: '192.168.0.1', prefixLen: 24 });
    b.addrAdd({ dev: 'eth0', local: '192.168.0.2', prefixLen: 24 });
    a.linkSet('eth0', { up: true });
    expect(a.linkGet('eth0')).toMatchObject({ flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN' });
    b.linkSet('eth0', { up: true });
    expect(a.linkGet('eth0')).toMatchObject({ flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', qdisc: 'pfifo_fast' });
    const p = socks(n1).ping();
    p.connect('192.168.0.2');
    let replies = 0;
    p.onReply(() => replies++);
    p.send(1, 56);
    w.runFor(10);
    expect(replies).toBe(1);
    // A physical NIC cannot be deleted.
    expect(a.linkDel('eth0')).toMatchObject({ ok: false, error: { errno: 'EOPNOTSUPP' } });
  });

  it('a NIC moved into a namespace returns to the root namespace when that namespace is deleted', () => {
    const w = createWorld({ seed: 9 });
    const h = w.addHost('node1');
    w.addHost('node2');
    w.connect!({ host: 'node1', dev: 'eth1' }, { host: 'node2', dev: 'eth0' });
    h.netnsAdd('x');
    expect(nl(h).linkSet('eth1', { netns: 'x' }).ok).toBe(true);
    expect(nl(h).linkGet('eth1')).toBeUndefined();
    h.netnsDel('x');
    expect(nl(h).linkGet('eth1')).toMatchObject({ kind: 'ether' });
  });
});
