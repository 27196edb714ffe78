// The packet path calls the xtables hooks where the kernel does: REJECT/DROP in INPUT and FORWARD,
// DNAT in PREROUTING before the route lookup, OUTPUT DNAT re-routed. Real-namespace equivalents:
//   ip netns exec b iptables -A INPUT -p icmp -j REJECT  -> "From 10.0.2.2 icmp_seq=1 Destination Port Unreachable"
//   ip netns exec r iptables -A FORWARD -j DROP          -> silence
import { describe, expect, it } from 'vitest';
import { routed, socks, must } from './test_topo.js';
import { runIptables } from '../commands/iptables/iptables.js';
import type { Netlink } from './api.js';

function ipt(n: Netlink, line: string): void {
  const rs = n.xtables!();
  const r = runIptables(line.split(' '), rs);
  if (r.exitCode !== 0) throw new Error(r.stderr);
}

function pingOnce(env: ReturnType<typeof routed>, dst: string) {
  const p = socks(env.h, 'a').ping();
  must(p.connect(dst));
  const out: string[] = [];
  p.onReply((r) => out.push(`reply ${r.from}`));
  p.onError((e) => out.push(`error ${e.from} ${e.icmpType}/${e.icmpCode}`));
  p.send(1, 56);
  env.w.runFor(2000);
  return out;
}

describe('netfilter hooks on the packet path', () => {
  it('REJECT in INPUT answers port unreachable from the destination', () => {
    const env = routed();
    ipt(env.b, '-A INPUT -p icmp -j REJECT');
    expect(pingOnce(env, '10.0.2.2')).toEqual(['error 10.0.2.2 3/3']);
  });

  it('DROP in FORWARD on the router is silent', () => {
    const env = routed();
    ipt(env.r, '-A FORWARD -j DROP');
    expect(pingOnce(env, '10.0.2.2')).toEqual([]);
  });

  it('DNAT in PREROUTING on the router redirects before routing, replies are un-NATed', () => {
    const env = routed();
    ipt(env.r, '-t nat -A PREROUTING -d 10.0.9.9/32 -j DNAT --to-destination 10.0.2.2');
    must(env.a.routeAdd({ dst: '10.0.9.0', dstLen: 24, gateway: '10.0.1.1' }));
    const got: string[] = [];
    const b = socks(env.h, 'b').udp();
    must(b.bind('0.0.0.0', 53));
    b.onMessage((d, from) => {
      got.push(`${from.addr}:${new TextDecoder().decode(d)}`);
      must(b.send(new TextEncoder().encode('pong'), from));
    });
    const a = socks(env.h, 'a').udp();
    must(a.connect('10.0.9.9', 53));
    const back: string[] = [];
    a.onMessage((d, from) => back.push(`${from.addr}:${from.port}:${new TextDecoder().decode(d)}`));
    must(a.send(new TextEncoder().encode('ping')));
    env.w.runFor(100);
    expect(got).toEqual(['10.0.1.2:ping']);
    expect(back).toEqual(['10.0.9.9:53:pong']);
  });
});
