import { describe, expect, it } from 'vitest';
import { createWorld } from './world.js';
import { buildUnderlay, switchHostName } from './underlay.js';
import { must, nl, socks } from '../kernel/test_topo.js';

/** node1 (10.1.0.11) on segment a, node2 (10.2.0.12) on segment b, router r between them. */
function routedNodes() {
  const w = createWorld({ seed: 4 });
  const u = must(
    buildUnderlay(w, {
      segments: [
        { name: 'a', attach: [{ host: 'node1', ip: '10.1.0.11/24' }, { host: 'r', ip: '10.1.0.1/24' }] },
        { name: 'b', attach: [{ host: 'node2', ip: '10.2.0.12/24' }, { host: 'r', ip: '10.2.0.1/24' }] },
      ],
      routers: ['r'],
      gateways: { node1: '10.1.0.1', node2: '10.2.0.1' },
    }),
  );
  return { w, u };
}

function ping(w: ReturnType<typeof createWorld>, host: string, dst: string): number[] {
  const p = socks(w.host(host)!).ping();
  must(p.connect(dst));
  const replies: number[] = [];
  p.onReply((r) => replies.push(r.ttl));
  must(p.send(1, 56));
  w.runFor(200);
  return replies;
}

describe('underlay', () => {
  it('cables hosts into switched segments with eth0, eth1 ... in attachment order', () => {
    const { w, u } = routedNodes();
    expect(u.switches).toEqual({ a: 'sw-a', b: 'sw-b' });
    expect(u.nics.map((n) => `${n.host}/${n.dev} ${n.ip}`)).toEqual(['node1/eth0 10.1.0.11', 'r/eth0 10.1.0.1', 'node2/eth0 10.2.0.12', 'r/eth1 10.2.0.1']);
    expect(nl(w.host(switchHostName('a'))!).linkList().map((l) => `${l.name}${l.master ? ' master ' + l.master : ''}`)).toEqual(['lo', 'br0', 'p0 master br0', 'p1 master br0']);
  });

  it('routes between segments through the router (TTL drops by one)', () => {
    const { w } = routedNodes();
    expect(ping(w, 'node1', '10.2.0.12')).toEqual([63]);
  });

  it('carries a vxlan overlay between nodes on different subnets', () => {
    const { w } = routedNodes();
    const a = nl(w.host('node1')!);
    const b = nl(w.host('node2')!);
    must(a.linkAdd({ kind: 'vxlan', name: 'flannel.1', id: 1, local: '10.1.0.11', dev: 'eth0', dstport: 8472, learning: false, address: '0e:00:00:00:00:01' }));
    must(b.linkAdd({ kind: 'vxlan', name: 'flannel.1', id: 1, local: '10.2.0.12', dev: 'eth0', dstport: 8472, learning: false, address: '0e:00:00:00:00:02' }));
    must(a.addrAdd({ dev: 'flannel.1', local: '10.244.0.0', prefixLen: 32 }));
    must(b.addrAdd({ dev: 'flannel.1', local: '10.244.1.0', prefixLen: 32 }));
    must(a.linkSet('flannel.1', { up: true }));
    must(b.linkSet('flannel.1', { up: true }));
    must(a.neighAdd({ dst: '10.244.1.0', dev: 'flannel.1', lladdr: '0e:00:00:00:00:02' }));
    must(b.neighAdd({ dst: '10.244.0.0', dev: 'flannel.1', lladdr: '0e:00:00:00:00:01' }));
    must(a.fdbAdd({ mac: '0e:00:00:00:00:02', dev: 'flannel.1', dst: '10.2.0.12', self: true }, 'append'));
    must(b.fdbAdd({ mac: '0e:00:00:00:00:01', dev: 'flannel.1', dst: '10.1.0.11', self: true }, 'append'));
    must(a.routeAdd({ dst: '10.244.1.0', dstLen: 24, gateway: '10.244.1.0', dev: 'flannel.1', onlink: true }));
    must(b.routeAdd({ dst: '10.244.0.0', dstLen: 24, gateway: '10.244.0.0', dev: 'flannel.1', onlink: true }));
    // The inner TTL is untouched by the router: it only decrements the outer header.
    expect(ping(w, 'node1', '10.244.1.0')).toEqual([64]);
  });

  it('carries Calico IPIP through tunl0 across the routed underlay when the module is loaded', () => {
    const w = createWorld({ seed: 4, modules: ['ipip'] });
    must(
      buildUnderlay(w, {
        segments: [
          { name: 'a', attach: [{ host: 'node1', ip: '10.1.0.11/24' }, { host: 'r', ip: '10.1.0.1/24' }] },
          { name: 'b', attach: [{ host: 'node2', ip: '10.2.0.12/24' }, { host: 'r', ip: '10.2.0.1/24' }] },
        ],
        routers: ['r'],
        gateways: { node1: '10.1.0.1', node2: '10.2.0.1' },
      }),
    );
    const a = nl(w.host('node1')!);
    const b = nl(w.host('node2')!);
    must(a.addrAdd({ dev: 'tunl0', local: '10.244.0.1', prefixLen: 32 }));
    must(b.addrAdd({ dev: 'tunl0', local: '10.244.1.1', prefixLen: 32 }));
    must(a.linkSet('tunl0', { up: true }));
    must(b.linkSet('tunl0', { up: true }));
    // Calico's bird routes: the remote block via the remote node's address, onlink over tunl0.
    must(a.routeAdd({ dst: '10.244.1.0', dstLen: 26, gateway: '10.2.0.12', dev: 'tunl0', onlink: true, proto: 'bird' }));
    must(b.routeAdd({ dst: '10.244.0.0', dstLen: 26, gateway: '10.1.0.11', dev: 'tunl0', onlink: true, proto: 'bird' }));
    // tunl0 inherits the inner TTL for the outer header; the router decrements the outer one only.
    expect(ping(w, 'node1', '10.244.1.1')).toEqual([64]);
  });

  it('reports a bad declaration as a value', () => {
    const w = createWorld({ seed: 1 });
    expect(buildUnderlay(w, { segments: [{ name: 'a', attach: [{ host: 'x', ip: '10.0.0.1' }] }] })).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(buildUnderlay(w, { segments: [{ name: 'a/b', attach: [] }] })).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
  });
});
