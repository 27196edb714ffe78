// sysctl facts from real namespaces (kernel 6.18, procps sysctl): defaults of a fresh namespace,
// forwarding propagation, EINVAL for bad values, ENOENT for unknown keys.
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, must } from './test_topo.js';

function ns() {
  const w = createWorld({ seed: 41 });
  const h = w.addHost('h');
  must(h.netnsAdd('a'));
  const n = nl(h, 'a');
  must(n.linkAdd({ kind: 'veth', name: 'v0', peerName: 'v1' }));
  return n;
}

describe('sysctl', () => {
  it('fresh namespace defaults as /proc prints them', () => {
    const n = ns();
    const get = (k: string) => must(n.sysctlGet(k));
    expect(get('net.ipv4.ip_forward')).toBe('0');
    expect(get('net/ipv4/conf/v0/rp_filter')).toBe('0');
    expect(get('net.ipv4.conf.all.accept_source_route')).toBe('0');
    expect(get('net.ipv4.conf.v0.accept_source_route')).toBe('1');
    expect(get('net.ipv4.neigh.v0.base_reachable_time_ms')).toBe('30000');
    expect(get('net.ipv4.neigh.default.gc_thresh3')).toBe('1024');
    expect(get('net.ipv4.ip_local_port_range')).toBe('32768\t60999');
    expect(get('net.ipv4.ip_default_ttl')).toBe('64');
    expect(get('net.bridge.bridge-nf-call-iptables')).toBe('1');
    expect(n.sysctlGet('net.ipv4.conf.nosuch.rp_filter')).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
  });

  it('forwarding: ip_forward and all.forwarding set every device and default; default alone does not', () => {
    const n = ns();
    must(n.sysctlSet('net.ipv4.ip_forward', ' 1 '));
    expect(['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.ipv4.conf.default.forwarding', 'net.ipv4.conf.v0.forwarding'].map((k) => must(n.sysctlGet(k)))).toEqual(['1', '1', '1', '1']);
    must(n.sysctlSet('net.ipv4.conf.all.forwarding', '0'));
    expect(['net.ipv4.ip_forward', 'net.ipv4.conf.v0.forwarding', 'net.ipv4.conf.default.forwarding'].map((k) => must(n.sysctlGet(k)))).toEqual(['0', '0', '0']);
    must(n.sysctlSet('net.ipv4.conf.default.forwarding', '1'));
    expect(['net.ipv4.ip_forward', 'net.ipv4.conf.v0.forwarding'].map((k) => must(n.sysctlGet(k)))).toEqual(['0', '0']);
  });

  it('bad values are EINVAL', () => {
    const n = ns();
    expect(n.sysctlSet('net.ipv4.ip_forward', 'abc')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(n.sysctlSet('net.ipv4.ip_default_ttl', '0')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(n.sysctlSet('net.ipv4.ip_default_ttl', '256')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
  });

  it('new devices copy conf.default; listing is sorted and filtered by prefix', () => {
    const n = ns();
    must(n.sysctlSet('net.ipv4.conf.default.rp_filter', '2'));
    must(n.linkAdd({ kind: 'dummy', name: 'd0' }));
    expect(must(n.sysctlGet('net.ipv4.conf.d0.rp_filter'))).toBe('2');
    expect(must(n.sysctlGet('net.ipv4.conf.v0.rp_filter'))).toBe('0');
    const keys = n.sysctlList('net.ipv4.conf.d0').map((e) => e.key);
    expect(keys[0]).toBe('net.ipv4.conf.d0.accept_local');
    expect(keys).toEqual([...keys].sort());
  });
});
