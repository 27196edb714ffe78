// br_netfilter on a CNI-style bridge: pod -> ClusterIP DNAT'ed in the root namespace's PREROUTING
// to another pod on the same bridge (bridged DNAT), reply un-NATed. The kernel path is
// br_nf_pre_routing_finish's "bridged_dnat" branch (net/bridge/br_netfilter_hooks.c).
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, socks, must } from './test_topo.js';
import { runIptables } from '../commands/iptables/iptables.js';

function cni(forward: boolean) {
  const w = createWorld({ seed: 61 });
  const h = w.addHost('node');
  const root = nl(h);
  must(root.linkAdd({ kind: 'bridge', name: 'cni0' }));
  must(root.addrAdd({ dev: 'cni0', local: '10.244.0.1', prefixLen: 24 }));
  must(root.linkSet('cni0', { up: true }));
  for (const [i, pod] of [[2, 'a'], [3, 'b']] as const) {
    must(h.netnsAdd(pod));
    must(root.linkAdd({ kind: 'veth', name: `veth${pod}`, peerName: 'eth0', peerNetns: pod }));
    must(root.linkSet(`veth${pod}`, { master: 'cni0', up: true }));
    const n = nl(h, pod);
    must(n.linkSet('lo', { up: true }));
    must(n.addrAdd({ dev: 'eth0', local: `10.244.0.${i}`, prefixLen: 24 }));
    must(n.linkSet('eth0', { up: true }));
    must(n.routeAdd({ dst: '0.0.0.0', dstLen: 0, gateway: '10.244.0.1' }));
  }
  if (forward) must(root.sysctlSet('net.ipv4.ip_forward', '1'));
  const r = runIptables('-t nat -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.244.0.3:8080'.split(' '), root.xtables!());
  expect(r.exitCode).toBe(0);
  return { w, h };
}

describe('br_netfilter', () => {
  // Checked in namespaces (kernel 6.18, br_netfilter, iptables-nft): the same script with
  // `nc -N 10.96.0.10 80` from pod a connects to nc -l 8080 in pod b with ip_forward=1.
  {
    it('pod to ClusterIP DNAT\'ed to a pod on the same bridge works with ip_forward=1', () => {
      const { w, h } = cni(true);
      const seen: string[] = [];
      must(
        socks(h, 'b').tcpListen('0.0.0.0', 8080, (c) => {
          seen.push(`${c.remote.addr} -> ${c.local.addr}:${c.local.port}`);
          c.onData((d) => c.send(d));
        }),
      );
      const echoed: string[] = [];
      let remote = '';
      must(
        socks(h, 'a').tcpConnect('10.96.0.10', 80, {
          established: (c) => {
            remote = `${c.remote.addr}:${c.remote.port}`;
            c.onData((d) => echoed.push(new TextDecoder().decode(d)));
            c.send(new TextEncoder().encode('hi'));
          },
          failed: (e) => {
            throw new Error(e);
          },
        }),
      );
      w.runFor(2000);
      expect(seen).toEqual(['10.244.0.2 -> 10.244.0.3:8080']);
      expect(remote).toBe('10.96.0.10:80');
      expect(echoed.join('')).toBe('hi');
    });
  }

  it('with ip_forward=0 the DNAT\'ed SYN is dropped (the real nc exits 1, b sees nothing)', () => {
    const { w, h } = cni(false);
    let accepted = 0;
    must(socks(h, 'b').tcpListen('0.0.0.0', 8080, () => accepted++));
    let failed = '';
    must(socks(h, 'a').tcpConnect('10.96.0.10', 80, { established: () => undefined, failed: (e) => (failed = e) }, { timeoutMs: 2000 }));
    w.runFor(3000);
    expect(accepted).toBe(0);
    expect(failed).toBe('ETIMEDOUT');
  });

  // Checked in namespaces (kernel 6.18, test/kernel/found/random-net-108.lab): with
  // bridge-nf-call-iptables=1 a REJECT in the bridge owner's FORWARD chain answers a bridged SYN with
  // an ICMP port unreachable from the bridge's address (tcpdump on the client: 10.10.0.1 > 10.10.0.2
  // "tcp port 8080 unreachable"), so the client's connect fails with ECONNREFUSED at once.
  it('REJECT in FORWARD answers a bridged frame from the bridge namespace (ECONNREFUSED)', () => {
    const { w, h } = cni(false);
    const root = nl(h);
    must(root.sysctlSet('net.bridge.bridge-nf-call-iptables', '1'));
    expect(runIptables('-A FORWARD -p tcp -s 10.244.0.0/24 -j REJECT'.split(' '), root.xtables!()).exitCode).toBe(0);
    let accepted = 0;
    must(socks(h, 'b').tcpListen('0.0.0.0', 8080, () => accepted++));
    let failed = '';
    must(socks(h, 'a').tcpConnect('10.244.0.3', 8080, { established: () => undefined, failed: (e) => (failed = e) }, { timeoutMs: 2000 }));
    w.runFor(500);
    expect(accepted).toBe(0);
    expect(failed).toBe('ECONNREFUSED');
  });
});
