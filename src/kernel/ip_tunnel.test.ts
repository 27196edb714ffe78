// IP-in-IP cannot be loaded on the reference machines, so these tests pin the behaviour documented
// in net/ipv4/ipip.c and ip_tunnel.c (see ip_tunnel.ts) rather than captures.
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { must, nl, socks } from './test_topo.js';
import { decodeEthernet } from '../wire/ethernet.js';
import { decodeIpv4 } from '../wire/ipv4.js';
import { isWireError } from '../wire/error.js';

/** Calico IPIP between two node namespaces n1 (10.0.0.1) and n2 (10.0.0.2) over a veth. */
function calico(modules: string[] = ['ipip']) {
  const w = createWorld({ seed: 9, modules });
  const h = w.addHost('h');
  must(h.netnsAdd('n1'));
  must(h.netnsAdd('n2'));
  const a = nl(h, 'n1');
  const b = nl(h, 'n2');
  must(a.linkAdd({ kind: 'veth', name: 'eth0', peerName: 'eth0', peerNetns: 'n2' }));
  must(a.addrAdd({ dev: 'eth0', local: '10.0.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'eth0', local: '10.0.0.2', prefixLen: 24 }));
  for (const [n, d] of [[a, 'eth0'], [b, 'eth0'], [a, 'lo'], [b, 'lo']] as const) must(n.linkSet(d, { up: true }));
  return { w, h, a, b };
}

describe('ipip module', () => {
  it('gives every namespace tunl0 (ifindex 2, NOARP, mtu 1480, @NONE) only when loaded', () => {
    const { h, a } = calico();
    const t = a.linkGet('tunl0');
    expect(t).toMatchObject({ ifindex: 2, kind: 'ipip', mtu: 1480, flags: ['NOARP'], linkType: 'ipip', address: '0.0.0.0', broadcast: '0.0.0.0', link: { ifindex: 0, name: 'NONE' } });
    expect(t?.ipip).toEqual({ proto: 'any', ttl: 0, tos: 0, pmtudisc: false });
    expect(nl(h).linkGet('tunl0')).toBeDefined();
    // tunl0 cannot be deleted: the request is accepted and ignored.
    expect(a.linkDel('tunl0').ok).toBe(true);
    expect(a.linkGet('tunl0')).toBeDefined();
    const plain = calico([]);
    expect(plain.a.linkGet('tunl0')).toBeUndefined();
  });

  it('is loaded on demand by the first ipip link: tunl0 appears in every namespace first', () => {
    const { h, a, b } = calico([]);
    expect(a.linkGet('tunl0')).toBeUndefined();
    must(a.linkAdd({ kind: 'ipip', name: 'tun1', remote: '10.0.0.2', local: '10.0.0.1' }));
    const t0 = a.linkGet('tunl0')!;
    expect(t0).toBeDefined();
    expect(a.linkGet('tun1')!.ifindex).toBeGreaterThan(t0.ifindex);
    expect(b.linkGet('tunl0')).toBeDefined();
    expect(nl(h).linkGet('tunl0')).toBeDefined();
    must(h.netnsAdd('n3'));
    expect(nl(h, 'n3').linkGet('tunl0')?.ifindex).toBe(2);
  });

  it('creates point-to-point tunnels whose MTU follows the lower device', () => {
    const { a } = calico();
    must(a.linkAdd({ kind: 'ipip', name: 'tun1', remote: '10.0.0.2', local: '10.0.0.1', dev: 'eth0' }));
    expect(a.linkGet('tun1')).toMatchObject({ mtu: 1480, flags: ['POINTOPOINT', 'NOARP'], address: '10.0.0.1', broadcast: '10.0.0.2', link: { name: 'eth0' }, ipip: { proto: 'ipip', remote: '10.0.0.2', local: '10.0.0.1', dev: 'eth0', pmtudisc: true } });
    expect(a.linkAdd({ kind: 'ipip', name: 'tun2', remote: '10.0.0.2', local: '10.0.0.1', dev: 'eth0' })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
  });

  it('carries Calico pod traffic through tunl0 to the route gateway, TTL inherited, protocol 4', () => {
    const { w, h, a, b } = calico();
    must(a.addrAdd({ dev: 'tunl0', local: '10.244.0.1', prefixLen: 32 }));
    must(b.addrAdd({ dev: 'tunl0', local: '10.244.1.1', prefixLen: 32 }));
    must(a.linkSet('tunl0', { up: true }));
    must(b.linkSet('tunl0', { up: true }));
    must(a.routeAdd({ dst: '10.244.1.0', dstLen: 24, gateway: '10.0.0.2', dev: 'tunl0', onlink: true }));
    must(b.routeAdd({ dst: '10.244.0.0', dstLen: 24, gateway: '10.0.0.1', dev: 'tunl0', onlink: true }));
    const outer: Uint8Array[] = [];
    w.onFrame((f) => {
      if (f.netns === 'n1' && f.dev === 'eth0' && f.direction === 'out') outer.push(f.bytes);
    });
    const p = socks(h, 'n1').ping();
    expect(p.connect('10.244.1.1')).toEqual({ ok: true, value: { src: '10.244.0.1', dev: 'tunl0' } });
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.seq));
    must(p.send(1, 56));
    w.runFor(100);
    expect(replies).toEqual([1]);
    const ips = outer.flatMap((bytes) => {
      const e = decodeEthernet(bytes);
      if (isWireError(e) || e.repr.ethertype !== 0x0800) return [];
      const ip = decodeIpv4(e.payload);
      return isWireError(ip) ? [] : [ip];
    });
    const tunnelled = ips.find((ip) => ip.repr.protocol === 4)!;
    expect(tunnelled.repr).toMatchObject({ src: 0x0a000001, dst: 0x0a000002, ttl: 64, df: true });
    const inner = decodeIpv4(tunnelled.payload);
    if (isWireError(inner)) throw new Error(inner.message);
    expect(inner.repr).toMatchObject({ src: 0x0af40001, dst: 0x0af40101, protocol: 1 });
  });

  it('answers port unreachable for a protocol-4 datagram no tunnel takes (tunnel4_rcv)', () => {
    const { w, h, a } = calico();
    // n1 sends IP-in-IP to n2 over a point-to-point tunnel; n2's only tunnel, tunl0, is down.
    must(a.linkAdd({ kind: 'ipip', name: 'tun1', remote: '10.0.0.2', local: '10.0.0.1', dev: 'eth0' }));
    must(a.linkSet('tun1', { up: true }));
    must(a.addrAdd({ dev: 'tun1', local: '10.9.0.1', prefixLen: 32 }));
    must(a.routeAdd({ dst: '10.9.0.2', dstLen: 32, dev: 'tun1' }));
    const codes: number[] = [];
    w.onFrame((f) => {
      if (f.netns !== 'n2' || f.dev !== 'eth0' || f.direction !== 'out') return;
      const e = decodeEthernet(f.bytes);
      if (isWireError(e) || e.repr.ethertype !== 0x0800) return;
      const ip = decodeIpv4(e.payload);
      if (!isWireError(ip) && ip.repr.protocol === 1) codes.push(ip.payload[0]! * 100 + ip.payload[1]!);
    });
    const p = socks(h, 'n1').ping();
    must(p.connect('10.9.0.2'));
    must(p.send(1, 20));
    w.runFor(100);
    expect(codes).toEqual([303]);
  });
});
