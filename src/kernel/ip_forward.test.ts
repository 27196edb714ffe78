// Expectations come from the same topology built in real namespaces (kernel 6.18, iputils
// 20221126, tcpdump -vv on va), script in the header of test_topo.ts#routed.
import { describe, expect, it } from 'vitest';
import { routed, socks, must } from './test_topo.js';
import { decodeEthernet } from '../wire/ethernet.js';
import { decodeIpv4 } from '../wire/ipv4.js';
import { isWireError } from '../wire/error.js';
import type { EchoReply, SocketError } from './api.js';
import type { FrameEvent } from '../world/api.js';

function ping(env: ReturnType<typeof routed>, dst: string, opts: Parameters<ReturnType<typeof socks>['ping']>[0] = {}, size = 56) {
  const p = socks(env.h, 'a').ping(opts);
  must(p.connect(dst));
  const replies: EchoReply[] = [];
  const errors: SocketError[] = [];
  p.onReply((r) => replies.push(r));
  p.onError((e) => errors.push(e));
  const sent = p.send(1, size);
  env.w.runFor(5000);
  return { replies, errors, sent };
}

function ipOf(f: FrameEvent) {
  const e = decodeEthernet(f.bytes);
  if (isWireError(e)) throw new Error(e.message);
  const ip = decodeIpv4(e.payload);
  if (isWireError(ip)) throw new Error(ip.message);
  return { ...ip.repr, totalLength: e.payload.length };
}

describe('IPv4 forwarding through a router namespace', () => {
  it('with ip_forward=0 the router drops silently: no reply, no ICMP', () => {
    const env = routed(false);
    const { replies, errors } = ping(env, '10.0.2.2');
    expect(replies).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('an ICMP error about the first fragment of an echo still reaches the ping socket (random-path seed 5034)', () => {
    // Real: ping -M dont -s 600 over a 576-byte link to a net the router cannot route prints
    // "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable" (the error quotes fragment 1).
    const env = routed();
    must(env.a.linkSet('va', { mtu: 576 }));
    const { errors } = ping(env, '10.9.9.9', { pmtudisc: 'dont' }, 600);
    expect(errors.map((e) => [e.from, e.icmpType, e.icmpCode, e.seq])).toEqual([['10.0.1.1', 3, 0, 1]]);
  });

  it('with ip_forward=1 the reply comes back with ttl 63', () => {
    const env = routed();
    const { replies } = ping(env, '10.0.2.2');
    expect(replies.map((r) => [r.from, r.ttl])).toEqual([['10.0.2.2', 63]]);
  });

  it('ttl 1 expires at the router: time exceeded from 10.0.1.1, tos 0xc0, no DF, whole datagram quoted', () => {
    const env = routed();
    const frames: FrameEvent[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'a' && f.direction === 'in' && f.bytes[12] === 0x08 && f.bytes[13] === 0x00) frames.push(f);
    });
    const { errors } = ping(env, '10.0.2.2', { ttl: 1 });
    expect(errors).toMatchObject([{ origin: 'icmp', from: '10.0.1.1', icmpType: 11, icmpCode: 0, errno: 'EHOSTUNREACH', seq: 1 }]);
    const ip = ipOf(frames[0]!);
    expect({ tos: ip.tos, ttl: ip.ttl, df: ip.df, len: ip.totalLength, src: ip.src }).toEqual({ tos: 0xc0, ttl: 64, df: false, len: 112, src: 0x0a000101 });
  });

  it('DF datagram above the next-hop MTU: frag needed (mtu 1400) quoting 548 bytes, PMTU learned, then local EMSGSIZE', () => {
    const env = routed();
    must(env.r.linkSet('rb', { mtu: 1400 }));
    const lens: number[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'a' && f.direction === 'in' && f.bytes[23] === 1) lens.push(ipOf(f).totalLength);
    });
    const first = ping(env, '10.0.2.2', { pmtudisc: 'do' }, 1450);
    expect(first.errors).toMatchObject([{ origin: 'icmp', from: '10.0.1.1', icmpType: 3, icmpCode: 4, mtu: 1400, errno: 'EMSGSIZE' }]);
    expect(lens).toEqual([576]);
    // `ip route get 10.0.2.2` -> "10.0.2.2 via 10.0.1.1 dev va src 10.0.1.2 uid 0 / cache expires 599sec mtu 1400"
    expect(must(env.a.routeGet({ dst: '10.0.2.2' }))).toMatchObject({ gateway: '10.0.1.1', dev: 'va', src: '10.0.1.2', mtu: 1400 });
    const second = ping(env, '10.0.2.2', { pmtudisc: 'do' }, 1450);
    expect(second.sent).toMatchObject({ ok: false, error: { errno: 'EMSGSIZE' } });
    // "ping: local error: message too long, mtu=1400"
    expect(second.errors).toMatchObject([{ origin: 'local', errno: 'EMSGSIZE', mtu: 1400 }]);
  });

  it('the oversize reply of a fragmented request dies at the smaller-MTU veth end (is_skb_forwardable)', () => {
    // Real: after the PMTU is learned, `ping -s 1450` (pmtudisc want) gets no reply and no error.
    const env = routed();
    must(env.r.linkSet('rb', { mtu: 1400 }));
    ping(env, '10.0.2.2', { pmtudisc: 'do' }, 1450);
    const { replies, errors } = ping(env, '10.0.2.2', {}, 1450);
    expect(replies).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fragments a non-DF datagram and the destination reassembles it', () => {
    const env = routed();
    must(env.r.linkSet('rb', { mtu: 1400 }));
    must(env.b.linkSet('vb', { mtu: 1400 }));
    const frags: boolean[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'b' && f.direction === 'in' && f.bytes[12] === 0x08 && f.bytes[13] === 0x00) frags.push(ipOf(f).mf);
    });
    const { replies } = ping(env, '10.0.2.2', { pmtudisc: 'dont' }, 2000);
    // a fragments 2028 bytes for va (1500); r refragments the 1500-byte first piece for rb (1400).
    expect(frags).toEqual([true, true, false]);
    expect(replies.map((r) => r.bytes)).toEqual([2000]);
  });

  it('unreachable, prohibit, blackhole and missing routes answer host unreachable, packet filtered, nothing, net unreachable', () => {
    const env = routed();
    must(env.r.routeAdd({ type: 'unreachable', dst: '10.9.0.0', dstLen: 16 }));
    must(env.r.routeAdd({ type: 'prohibit', dst: '10.8.0.0', dstLen: 16 }));
    must(env.r.routeAdd({ type: 'blackhole', dst: '10.7.0.0', dstLen: 16 }));
    const codes = ['10.9.0.1', '10.8.0.1', '10.7.0.1', '10.6.0.1'].map((d) => ping(env, d).errors.map((e) => `${e.from} ${e.icmpType}/${e.icmpCode}`));
    expect(codes).toEqual([['10.0.1.1 3/1'], ['10.0.1.1 3/13'], [], ['10.0.1.1 3/0']]);
  });
});

describe('transport through the router', () => {
  it('TCP to a closed port is reset: RST|ACK seq 0 ack isn+1, id 0, DF; connect fails ECONNREFUSED', () => {
    const env = routed();
    const segs: { flags: number; id: number; df: boolean }[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'a' && f.direction === 'in' && f.bytes[23] === 6) {
        const ip = ipOf(f);
        segs.push({ flags: f.bytes[14 + 20 + 13]!, id: ip.id, df: ip.df });
      }
    });
    let failed: string | undefined;
    must(socks(env.h, 'a').tcpConnect('10.0.2.2', 9999, { established: () => undefined, failed: (e) => (failed = e) }));
    env.w.runFor(1000);
    expect(failed).toBe('ECONNREFUSED');
    expect(segs).toEqual([{ flags: 0x14, id: 0, df: true }]);
  });

  it('TCP to a listener: handshake, data, FIN both ways', () => {
    const env = routed();
    const got: string[] = [];
    let serverClosed = false;
    must(
      socks(env.h, 'b').tcpListen('0.0.0.0', 8080, (c) => {
        c.onData((d) => got.push(new TextDecoder().decode(d)));
        c.onClose(() => {
          serverClosed = true;
          c.close();
        });
      }),
    );
    let clientClosed = false;
    must(
      socks(env.h, 'a').tcpConnect('10.0.2.2', 8080, {
        established: (c) => {
          c.onClose(() => (clientClosed = true));
          c.send(new TextEncoder().encode('hello\n'));
          c.close();
        },
        failed: (e) => {
          throw new Error(e);
        },
      }),
    );
    env.w.runFor(1000);
    expect(got.join('')).toBe('hello\n');
    expect(serverClosed).toBe(true);
    expect(clientClosed).toBe(true);
  });

  it("TCP carries Linux's options: 60-byte SYN and SYN-ACK (mss,sackOK,TS,nop,wscale 10), then NOP,NOP,TS on 52-byte segments with scaled windows", () => {
    const env = routed();
    // Linux (tcpdump in namespaces): S len 60 win 64240, S. len 60 win 65160, then len 52 win 63 / 64.
    const segs: string[] = [];
    env.w.onFrame((f) => {
      if (f.netns !== 'a' || f.bytes[23] !== 6) return;
      const ip = ipOf(f);
      const t = f.bytes.subarray(14 + 20);
      const opts = Array.from(t.subarray(20, (t[12]! >> 4) * 4)).slice(0, 4).join(',');
      segs.push(`${f.direction} ${t[13]!.toString(16)} len ${ip.totalLength} win ${(t[14]! << 8) | t[15]!} opts ${opts}`);
    });
    must(socks(env.h, 'b').tcpListen('0.0.0.0', 8080, (c) => c.onClose(() => c.close())));
    must(socks(env.h, 'a').tcpConnect('10.0.2.2', 8080, { established: (c) => c.close(), failed: (e) => { throw new Error(e); } }));
    env.w.runFor(1000);
    expect(segs.slice(0, 4)).toEqual([
      'out 2 len 60 win 64240 opts 2,4,5,180',
      'in 12 len 60 win 65160 opts 2,4,5,180',
      'out 10 len 52 win 63 opts 1,1,8,10',
      'out 11 len 52 win 63 opts 1,1,8,10',
    ]);
    expect(segs.filter((s) => s.startsWith('in ')).slice(1)).toEqual(['in 10 len 52 win 64 opts 1,1,8,10', 'in 11 len 52 win 64 opts 1,1,8,10']);
  });

  it('SYNs to a silent host are retried at 1, 3, 7, 15, 31, 63 s and the connect times out at 127 s', () => {
    const env = routed();
    must(env.a.neighAdd({ dst: '10.0.1.1', dev: 'va', lladdr: '02:00:00:00:00:99' }));
    const syns: number[] = [];
    env.w.onFrame((f) => {
      if (f.netns === 'a' && f.direction === 'out' && f.bytes[23] === 6) syns.push(env.w.now());
    });
    let failedAt = -1;
    must(socks(env.h, 'a').tcpConnect('10.0.2.2', 80, { established: () => undefined, failed: (e) => (failedAt = e === 'ETIMEDOUT' ? env.w.now() : -2) }));
    env.w.runFor(200_000);
    expect(syns).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000]);
    expect(failedAt).toBe(127000);
  });

  it('UDP to a closed port: the connected socket gets ECONNREFUSED on its next send', () => {
    const env = routed();
    const u = socks(env.h, 'a').udp();
    must(u.connect('10.0.2.2', 9999));
    must(u.send(new Uint8Array([104, 105, 10])));
    env.w.runFor(100);
    expect(u.pendingError()).toMatchObject({ from: '10.0.2.2', icmpType: 3, icmpCode: 3, errno: 'ECONNREFUSED' });
    expect(u.send(new Uint8Array([1]))).toMatchObject({ ok: false, error: { errno: 'ECONNREFUSED' } });
  });
});

describe('ICMP rate limits (ip_error and icmp_ratelimit on one inet_peer)', () => {
  // Real: `ping -c 10 -i 0.002 10.9.0.1` through r with `unreachable 10.9.0.0/16` prints 2
  // "Destination Host Unreachable"; `ping -c 2 -i 0.002` started ~2.2 s later prints 1.
  it('a burst of 10 unreachable datagrams gets 2 errors, 2 more after 2.2 s get 1', () => {
    const env = routed();
    must(env.r.routeAdd({ type: 'unreachable', dst: '10.9.0.0', dstLen: 16 }));
    const p = socks(env.h, 'a').ping();
    must(p.connect('10.9.0.1'));
    const errs: number[] = [];
    p.onError((e) => errs.push(e.seq ?? -1));
    for (let i = 1; i <= 10; i++) p.send(i, 56);
    env.w.runFor(100);
    expect(errs).toEqual([1, 2]);
    env.w.runFor(2100);
    p.send(11, 56);
    p.send(12, 56);
    env.w.runFor(100);
    expect(errs).toEqual([1, 2, 11]);
  });
});
