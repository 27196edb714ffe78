// Facts checked in real namespaces (kernel 6.18, iproute2 6.1) with `unshare --net --mount` scripts;
// the same scripts live as test/kernel/scenarios/overlay/*.lab and are compared by the harness.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWorld } from '../world/world.js';
import { must, nl, socks } from './test_topo.js';
import { decodeEthernet } from '../wire/ethernet.js';
import { decodeIpv4 } from '../wire/ipv4.js';
import { decodeUdp } from '../wire/udp.js';
import { decodeVxlan } from '../wire/vxlan.js';
import { isWireError } from '../wire/error.js';
import { skbFromFrame, skbFromIp } from './vxlan_frame.js';
import { frameBytes } from './skb_bytes.js';

/** n1(u1 10.0.0.1) -- veth -- n2(u2 10.0.0.2), each with vx0 (VNI 42, port 4789) over it. */
function tunnel(opts: { learning?: boolean; remote?: boolean } = {}) {
  const w = createWorld({ seed: 3 });
  const h = w.addHost('h');
  must(h.netnsAdd('n1'));
  must(h.netnsAdd('n2'));
  const a = nl(h, 'n1');
  const b = nl(h, 'n2');
  must(a.linkAdd({ kind: 'veth', name: 'u1', peerName: 'u2', peerNetns: 'n2' }));
  must(a.addrAdd({ dev: 'u1', local: '10.0.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'u2', local: '10.0.0.2', prefixLen: 24 }));
  const learning = opts.learning ?? false;
  must(a.linkAdd({ kind: 'vxlan', name: 'vx0', id: 42, dstport: 4789, dev: 'u1', learning, address: '02:00:00:00:00:01', ...(opts.remote ? { remote: '10.0.0.2' } : {}) }));
  must(b.linkAdd({ kind: 'vxlan', name: 'vx0', id: 42, dstport: 4789, dev: 'u2', learning, address: '02:00:00:00:00:02', ...(opts.remote ? { remote: '10.0.0.1' } : {}) }));
  must(a.addrAdd({ dev: 'vx0', local: '172.16.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vx0', local: '172.16.0.2', prefixLen: 24 }));
  for (const [n, d] of [[a, 'u1'], [b, 'u2'], [a, 'vx0'], [b, 'vx0'], [a, 'lo'], [b, 'lo']] as const) must(n.linkSet(d, { up: true }));
  return { w, h, a, b };
}

describe('vxlan devices', () => {
  it('take the lower MTU minus 50, 1500 without a lower device, and clamp a requested MTU', () => {
    // Real: `ip link add vx0 type vxlan id 1 dev eth0` -> mtu 1450; without dev -> 1500;
    // `ip link add vx5 mtu 1451 type vxlan ... dev eth0` -> mtu 1450.
    const w = createWorld({ seed: 1 });
    const root = nl(w.addHost('h'));
    must(root.linkAdd({ kind: 'veth', name: 'eth0', peerName: 'p0' }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 1, dev: 'eth0' }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx1', id: 2 }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx5', id: 5, dev: 'eth0', mtu: 1451 }));
    expect(root.linkGet('vx0')).toMatchObject({ mtu: 1450, vxlan: { id: 1, dev: 'eth0', dstport: 8472, learning: true, udpcsum: true, ttl: 0 } });
    expect(root.linkGet('vx1')?.mtu).toBe(1500);
    expect(root.linkGet('vx5')?.mtu).toBe(1450);
    expect(root.linkSet('vx0', { mtu: 1451 })).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(root.linkAdd({ kind: 'vxlan', name: 'vx9', id: 9, mtu: 65536 })).toMatchObject({ ok: false, error: { extack: 'MTU must be between 68 and 65535' } });
  });

  it('refuse a second device with the same VNI and port, whatever the local address', () => {
    // Real: "Error: A VXLAN device with the specified VNI already exists." (exit 2).
    const w = createWorld({ seed: 1 });
    const root = nl(w.addHost('h'));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 1 }));
    expect(root.linkAdd({ kind: 'vxlan', name: 'vx1', id: 1, local: '10.9.9.9' })).toMatchObject({ ok: false, error: { errno: 'EEXIST', extack: 'A VXLAN device with the specified VNI already exists' } });
    expect(root.linkAdd({ kind: 'vxlan', name: 'vx1', id: 1, dstport: 4789 }).ok).toBe(true);
  });

  it('go away with their lower device', () => {
    const w = createWorld({ seed: 1 });
    const root = nl(w.addHost('h'));
    must(root.linkAdd({ kind: 'veth', name: 'eth0', peerName: 'p0' }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 1, dev: 'eth0' }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx1', id: 2 }));
    must(root.linkDel('p0'));
    expect(root.linkList().map((l) => l.name)).toEqual(['lo', 'vx1']);
  });
});

describe('vxlan FDB', () => {
  it('keeps remote lists only on the all-zeros entry and lists newest first', () => {
    const w = createWorld({ seed: 1 });
    const root = nl(w.addHost('h'));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 1 }));
    const z = '00:00:00:00:00:00';
    must(root.fdbAdd({ mac: z, dev: 'vx0', dst: '192.168.1.2', self: true }, 'append'));
    must(root.fdbAdd({ mac: z, dev: 'vx0', dst: '192.168.1.3', self: true }, 'append'));
    must(root.fdbAdd({ mac: z, dev: 'vx0', dst: '192.168.1.3', self: true }, 'append'));
    expect(root.fdbAdd({ mac: z, dev: 'vx0', dst: '192.168.1.4', self: true }, 'add')).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    must(root.fdbAdd({ mac: '0a:00:00:00:00:01', dev: 'vx0', dst: '192.168.1.5', self: true }, 'add'));
    must(root.fdbAdd({ mac: '0a:00:00:00:00:01', dev: 'vx0', dst: '192.168.1.6', self: true }, 'replace'));
    must(root.fdbAdd({ mac: '0a:00:00:00:00:01', dev: 'vx0', dst: '192.168.1.7', self: true }, 'append'));
    expect(root.fdbAdd({ mac: '0a:00:00:00:00:02', dev: 'vx0', self: true }, 'add')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(root.fdbList({ dev: 'vx0' }).map((f) => `${f.mac} ${f.dst}`)).toEqual(['0a:00:00:00:00:01 192.168.1.6', `${z} 192.168.1.2`, `${z} 192.168.1.3`]);
    must(root.fdbDel({ mac: z, dev: 'vx0', dst: '192.168.1.9' }));
    must(root.fdbDel({ mac: z, dev: 'vx0', dst: '192.168.1.3' }));
    expect(root.fdbDel({ mac: '0a:00:00:00:00:aa', dev: 'vx0' })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    expect(root.fdbList({ dev: 'vx0' })).toHaveLength(2);
  });

  it('starts with the remote as a permanent all-zeros entry via the lower device', () => {
    // Real: "00:00:00:00:00:00 dst 10.0.0.2 via u1 self permanent".
    const w = createWorld({ seed: 1 });
    const root = nl(w.addHost('h'));
    must(root.linkAdd({ kind: 'veth', name: 'u1', peerName: 'u2' }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 1, remote: '10.0.0.2', dev: 'u1' }));
    expect(root.fdbList({ dev: 'vx0' })).toEqual([{ mac: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.2', via: 'u1', state: 'permanent', self: true, local: false }]);
  });
});

describe('vxlan packet path', () => {
  it('encapsulates in UDP to the FDB remote with DF clear and a source port from the local port range', () => {
    const { w, h, a, b } = tunnel();
    must(a.neighAdd({ dst: '172.16.0.2', dev: 'vx0', lladdr: '02:00:00:00:00:02' }));
    must(b.neighAdd({ dst: '172.16.0.1', dev: 'vx0', lladdr: '02:00:00:00:00:01' }));
    must(a.fdbAdd({ mac: '02:00:00:00:00:02', dev: 'vx0', dst: '10.0.0.2', self: true }, 'append'));
    must(b.fdbAdd({ mac: '02:00:00:00:00:01', dev: 'vx0', dst: '10.0.0.1', self: true }, 'append'));
    const outer: Uint8Array[] = [];
    w.onFrame((f) => {
      if (f.netns === 'n1' && f.dev === 'u1' && f.direction === 'out') outer.push(f.bytes);
    });
    const p = socks(h, 'n1').ping();
    must(p.connect('172.16.0.2'));
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.seq));
    must(p.send(1, 56));
    w.runFor(100);
    expect(replies).toEqual([1]);
    const udpFrames = outer.map((bytes) => decodeEthernet(bytes)).flatMap((e) => (isWireError(e) ? [] : [decodeIpv4(e.payload)])).flatMap((ip) => (isWireError(ip) || ip.repr.protocol !== 17 ? [] : [ip]));
    expect(udpFrames).toHaveLength(1);
    const ip = udpFrames[0]!;
    expect(ip.repr).toMatchObject({ df: false, ttl: 64 });
    const udp = decodeUdp(ip.payload, ip.repr.src, ip.repr.dst);
    if (isWireError(udp)) throw new Error(udp.message);
    expect(udp.repr.dport).toBe(4789);
    expect(udp.repr.sport).toBeGreaterThanOrEqual(32768);
    expect(udp.repr.sport).toBeLessThan(60999);
    const vx = decodeVxlan(udp.payload);
    if (isWireError(vx)) throw new Error(vx.message);
    expect(vx.repr.vni).toBe(42);
  });

  it('sends a zero UDP checksum with noudpcsum, a computed one by default', () => {
    for (const udpcsum of [true, false]) {
      const w = createWorld({ seed: 2 });
      const h = w.addHost('h');
      const root = nl(h);
      must(root.linkAdd({ kind: 'veth', name: 'u1', peerName: 'u2' }));
      must(root.addrAdd({ dev: 'u1', local: '10.0.0.1', prefixLen: 24 }));
      must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 5, dstport: 4789, remote: '10.0.0.2', dev: 'u1', udpcsum }));
      must(root.addrAdd({ dev: 'vx0', local: '172.16.0.1', prefixLen: 24 }));
      for (const d of ['u1', 'u2', 'vx0']) must(root.linkSet(d, { up: true }));
      must(root.neighAdd({ dst: '10.0.0.2', dev: 'u1', lladdr: '02:00:00:00:00:99' }));
      const sums: number[] = [];
      w.onFrame((f) => {
        if (f.dev !== 'u1' || f.direction !== 'out') return;
        const e = decodeEthernet(f.bytes);
        if (isWireError(e)) return;
        const ip = decodeIpv4(e.payload);
        if (!isWireError(ip) && ip.repr.protocol === 17) sums.push((ip.payload[6]! << 8) | ip.payload[7]!);
      });
      const p = socks(h).ping();
      must(p.connect('172.16.0.9'));
      must(p.send(1, 8));
      w.runFor(10);
      expect(sums.length).toBeGreaterThan(0);
      expect(sums.every((c) => (c === 0) === !udpcsum)).toBe(true);
    }
  });

  it('copies the inner TTL to the outer header with ttl inherit', () => {
    const w = createWorld({ seed: 2 });
    const h = w.addHost('h');
    const root = nl(h);
    must(root.linkAdd({ kind: 'veth', name: 'u1', peerName: 'u2' }));
    must(root.addrAdd({ dev: 'u1', local: '10.0.0.1', prefixLen: 24 }));
    must(root.linkAdd({ kind: 'vxlan', name: 'vx0', id: 5, dstport: 4789, remote: '10.0.0.2', dev: 'u1', ttlInherit: true }));
    expect(root.linkGet('vx0')?.vxlan?.ttlInherit).toBe(true);
    must(root.addrAdd({ dev: 'vx0', local: '172.16.0.1', prefixLen: 24 }));
    for (const d of ['u1', 'u2', 'vx0']) must(root.linkSet(d, { up: true }));
    must(root.neighAdd({ dst: '10.0.0.2', dev: 'u1', lladdr: '02:00:00:00:00:99' }));
    must(root.neighAdd({ dst: '172.16.0.9', dev: 'vx0', lladdr: '02:00:00:00:00:98' }));
    const ttls: number[] = [];
    w.onFrame((f) => {
      if (f.dev !== 'u1' || f.direction !== 'out') return;
      const e = decodeEthernet(f.bytes);
      if (isWireError(e)) return;
      const ip = decodeIpv4(e.payload);
      if (!isWireError(ip) && ip.repr.protocol === 17) ttls.push(ip.repr.ttl);
    });
    const p = socks(h).ping({ ttl: 7 });
    must(p.connect('172.16.0.9'));
    must(p.send(1, 8));
    w.runFor(10);
    expect(ttls).toEqual([7]);
  });

  it('drops frames without an FDB entry or default destination', () => {
    const { w, h, a } = tunnel();
    must(a.neighAdd({ dst: '172.16.0.2', dev: 'vx0', lladdr: '02:00:00:00:00:02' }));
    const p = socks(h, 'n1').ping();
    must(p.connect('172.16.0.2'));
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.seq));
    let udp = 0;
    w.onFrame((f) => {
      if (f.dev === 'u1' && f.direction === 'out') udp++;
    });
    must(p.send(1, 56));
    w.runFor(2000);
    expect(replies).toEqual([]);
    expect(udp).toBe(0);
  });

  it('learns the remote inner MAC from decapsulated frames when learning is on', () => {
    // Real: after one ping over a `remote` tunnel, n2 lists "02:00:00:00:00:01 dst 10.0.0.1 self".
    const { w, h, b } = tunnel({ learning: true, remote: true });
    const p = socks(h, 'n1').ping();
    must(p.connect('172.16.0.2'));
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.seq));
    must(p.send(1, 56));
    w.runFor(100);
    expect(replies).toEqual([1]);
    expect(b.fdbList({ dev: 'vx0' })).toContainEqual(expect.objectContaining({ mac: '02:00:00:00:00:01', dst: '10.0.0.1', state: 'dynamic', self: true }));
  });
});

describe('skbFromFrame', () => {
  it('gives back the headers of an encoded frame, and undefined for garbage', () => {
    const { w, h } = tunnel({ remote: true });
    const seen: Uint8Array[] = [];
    w.onFrame((f) => {
      if (f.netns === 'n1' && f.dev === 'vx0' && f.direction === 'out') seen.push(f.bytes);
    });
    const p = socks(h, 'n1').ping();
    must(p.connect('172.16.0.2'));
    must(p.send(7, 20));
    w.runFor(100);
    const echo = seen.find((bytes) => skbFromFrame(bytes)?.icmp !== undefined)!;
    const skb = skbFromFrame(echo)!;
    expect(skb.icmp).toMatchObject({ type: 8, seq: 7 });
    expect(skb.arp).toBeUndefined();
    // Re-encoding the parsed buffer gives the very same bytes.
    skb.bytes = undefined;
    expect(Buffer.from(frameBytes(skb))).toEqual(Buffer.from(echo));
    const arp = seen.map((bytes) => skbFromFrame(bytes)).find((x) => x?.arp);
    expect(arp?.arp).toMatchObject({ op: 1, targetIp: 0xac100002 });
    expect(skbFromFrame(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  it('keeps a first fragment raw: its transport header is only parsed after reassembly', () => {
    const { w, h } = tunnel({ remote: true });
    const seen: Uint8Array[] = [];
    w.onFrame((f) => {
      if (f.netns === 'n1' && f.dev === 'vx0' && f.direction === 'out') seen.push(f.bytes);
    });
    const p = socks(h, 'n1').ping({ pmtudisc: 'dont' });
    must(p.connect('172.16.0.2'));
    const replies: number[] = [];
    p.onReply((r) => replies.push(r.bytes));
    must(p.send(1, 2000));
    w.runFor(100);
    const frags = seen.map((bytes) => skbFromFrame(bytes)!).filter((s) => s.ip && (s.ip.mf || s.ip.fragOff));
    expect(frags.length).toBeGreaterThanOrEqual(2);
    expect(frags[0]!.ip!.mf && frags[0]!.ip!.fragOff === 0).toBe(true);
    expect(frags[0]!.icmp).toBeUndefined();
    expect(replies).toEqual([2000]);
  });
});

describe('decapsulation input', () => {
  it('never throws on arbitrary bytes, and a VXLAN datagram of garbage is dropped without a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        skbFromFrame(bytes);
        skbFromIp(bytes);
        // An Ethernet header in front of random IPv4-ish bytes exercises the deeper parsers.
        const frame = new Uint8Array(14 + bytes.length);
        frame.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
        frame.set(bytes, 14);
        if (bytes.length > 0) frame[14] = 0x45;
        skbFromFrame(frame);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('takes random datagrams on the VXLAN port without throwing', () => {
    const { w, h } = tunnel();
    const u = socks(h, 'n1').udp();
    must(u.bind('0.0.0.0', 0));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, withHeader) => {
        const data = withHeader ? new Uint8Array([0x08, 0, 0, 0, 0, 0, 42, 0, ...bytes]) : bytes;
        must(u.send(data, { addr: '10.0.0.2', port: 4789 }));
        w.runFor(5);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
