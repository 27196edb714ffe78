// Neighbour facts from real namespaces (kernel 6.18): `ip neigh` after one ping shows REACHABLE on
// the pinging side and DELAY on the answering side; the DELAY side sends a unicast probe after
// delay_first_probe_time (5 s); REACHABLE decays to STALE after base_reachable_time +-50%.
import { describe, expect, it } from 'vitest';
import { createWorld } from '../world/world.js';
import { nl, socks, must } from './test_topo.js';
import { timerWheelExpiry } from './neighbour.js';

function pair(seed = 51) {
  const w = createWorld({ seed });
  const h = w.addHost('h');
  must(h.netnsAdd('a'));
  must(h.netnsAdd('b'));
  const a = nl(h, 'a');
  const b = nl(h, 'b');
  must(a.linkAdd({ kind: 'veth', name: 'va', peerName: 'vb', peerNetns: 'b' }));
  must(a.addrAdd({ dev: 'va', local: '10.0.0.1', prefixLen: 24 }));
  must(b.addrAdd({ dev: 'vb', local: '10.0.0.2', prefixLen: 24 }));
  must(a.linkSet('va', { up: true }));
  must(b.linkSet('vb', { up: true }));
  const p = socks(h, 'a').ping();
  must(p.connect('10.0.0.2'));
  return { w, h, a, b, p };
}

describe('neighbours', () => {
  it('REACHABLE / DELAY after one ping, then the DELAY side probes by unicast at 5 s', () => {
    const { w, a, b, p } = pair();
    const arps: { t: number; dst: string; netns: string }[] = [];
    w.onFrame((f) => {
      if (f.direction === 'out' && f.bytes[12] === 0x08 && f.bytes[13] === 0x06 && f.bytes[21] === 1) arps.push({ t: w.now(), dst: Array.from(f.bytes.subarray(0, 6), (x) => x.toString(16).padStart(2, '0')).join(':'), netns: f.netns });
    });
    p.send(1, 56);
    w.runFor(1);
    expect(a.neighList()[0]?.state).toBe('REACHABLE');
    expect(b.neighList()[0]?.state).toBe('DELAY');
    w.runFor(6000);
    expect(arps).toEqual([
      { t: 0, dst: 'ff:ff:ff:ff:ff:ff', netns: 'a' },
      // delay_first_probe_time 5 s = 1250 jiffies: a level-2 timer (64-jiffy buckets) fires at 1280 jiffies.
      { t: 5120, dst: a.linkGet('va')!.address, netns: 'b' },
    ]);
    expect(b.neighList()[0]?.state).toBe('REACHABLE');
  });

  it('REACHABLE becomes STALE within [15 s, 45 s] without confirmation, and the reachable time depends on the seed', () => {
    const times = [51, 52, 53].map((seed) => {
      const { w, a, p } = pair(seed);
      p.send(1, 56);
      w.runFor(1);
      let t = 0;
      while (a.neighList()[0]?.state === 'REACHABLE' && t < 60_000) {
        w.runFor(500);
        t += 500;
      }
      return t;
    });
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(15_000);
      expect(t).toBeLessThanOrEqual(45_500);
    }
    expect(new Set(times).size).toBeGreaterThan(1);
  });

  // Real 6.18: on lo every key folds to the one 0.0.0.0 entry, but neigh_add's EEXIST check looks
  // the key up as given, so `ip neigh add 10.0.0.1 ... dev lo` succeeds twice (rewriting the shared
  // entry), `ip neigh add 0.0.0.0 ...` twice is "File exists", `ip neigh del 10.0.0.5 dev lo` is
  // "No such file or directory", and with lo's MTU below 68 (no in_device) add is "Invalid argument".
  it('lo: one shared 0.0.0.0 entry, EEXIST only on an exact 0.0.0.0 key, EINVAL without an in_device', () => {
    const { a } = pair();
    must(a.neighAdd({ dst: '10.0.0.1', dev: 'lo', lladdr: '02:00:00:00:00:01' }));
    must(a.neighAdd({ dst: '10.0.0.1', dev: 'lo', lladdr: '02:00:00:00:00:01' }));
    must(a.neighAdd({ dst: '10.0.0.2', dev: 'lo', lladdr: '02:00:00:00:00:02' }));
    must(a.neighAdd({ dst: '10.0.0.3', dev: 'lo', lladdr: '02:00:00:00:00:03' }, 'replace'));
    expect(a.neighList({ dev: 'lo' }).map((n) => [n.dst, n.lladdr, n.state])).toEqual([['0.0.0.0', '02:00:00:00:00:03', 'PERMANENT']]);
    expect(a.neighDel({ dst: '10.0.0.5', dev: 'lo' })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    expect(a.neighAdd({ dst: '0.0.0.0', dev: 'lo', lladdr: '02:00:00:00:00:05' })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    must(a.neighDel({ dst: '0.0.0.0', dev: 'lo' }));
    // A fresh lo entry is NOARP (valid), so no lladdr is needed for a permanent one.
    must(a.neighAdd({ dst: '10.0.0.1', dev: 'lo' }));
    must(a.linkSet('lo', { mtu: 67 }));
    // inetdev_destroy -> arp_ifdown flushes the permanent entry with the in_device.
    expect(a.neighList({ dev: 'lo' })).toEqual([]);
    expect(a.neighAdd({ dst: '10.1.0.7', dev: 'lo', lladdr: '02:00:00:00:00:02' })).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(a.neighAdd({ dst: '10.1.0.7', dev: 'lo', lladdr: '02:00:00:00:00:02' }, 'replace')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
  });

  // Real 6.18: with 10.0.0.1/24 and 10.5.0.1/24 on v0, deleting 10.5.0.1 keeps a permanent entry and
  // a proxy entry; deleting the last address (fib_disable_ip -> arp_ifdown) flushes both.
  it('deleting the last address flushes the device neighbours, permanent and proxy ones too', () => {
    const { a } = pair();
    must(a.addrAdd({ dev: 'va', local: '10.5.0.1', prefixLen: 24 }));
    must(a.neighAdd({ dst: '10.0.0.7', dev: 'va', lladdr: '02:00:00:00:00:03' }));
    must(a.neighAdd({ dst: '10.0.0.8', dev: 'va', proxy: true }));
    must(a.addrDel({ dev: 'va', local: '10.5.0.1', prefixLen: 24 }));
    expect(a.neighList({ dev: 'va' }).filter((n) => n.state === 'PERMANENT').map((n) => n.dst)).toEqual(['10.0.0.7']);
    expect(a.neighList({ proxy: true }).map((n) => n.dst)).toEqual(['10.0.0.8']);
    must(a.addrDel({ dev: 'va', local: '10.0.0.1', prefixLen: 24 }));
    expect(a.neighList({ dev: 'va' })).toEqual([]);
    expect(a.neighList({ proxy: true })).toEqual([]);
  });

  it('static entries: add/replace/del errors as iproute2 reports them', () => {
    const { a } = pair();
    must(a.neighAdd({ dst: '10.0.0.50', dev: 'va', lladdr: '02:00:00:00:00:50' }));
    // "RTNETLINK answers: File exists"
    expect(a.neighAdd({ dst: '10.0.0.50', dev: 'va', lladdr: '02:00:00:00:00:51' })).toMatchObject({ ok: false, error: { errno: 'EEXIST' } });
    must(a.neighAdd({ dst: '10.0.0.51', dev: 'va', lladdr: '02:00:00:00:00:51', state: 'REACHABLE' }, 'replace'));
    // "RTNETLINK answers: No such file or directory"
    expect(a.neighDel({ dst: '10.0.0.52', dev: 'va' })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    expect(a.neighList().map((n) => [n.dst, n.lladdr, n.state]).sort()).toEqual([
      ['10.0.0.50', '02:00:00:00:00:50', 'PERMANENT'],
      ['10.0.0.51', '02:00:00:00:00:51', 'REACHABLE'],
    ]);
    must(a.neighAdd({ dst: '10.0.0.60', dev: 'va', proxy: true }));
    expect(a.neighList({ proxy: true })).toEqual([{ dst: '10.0.0.60', dev: 'va', state: 'NONE', router: false, proxy: true }]);
  });

  it('a permanent entry is used without ARP', () => {
    const { w, a, b, p } = pair();
    must(a.neighAdd({ dst: '10.0.0.2', dev: 'va', lladdr: b.linkGet('vb')!.address }));
    let arps = 0;
    w.onFrame((f) => {
      if (f.netns === 'a' && f.direction === 'out' && f.bytes[13] === 0x06 && f.bytes[21] === 1) arps++;
    });
    let replies = 0;
    p.onReply(() => replies++);
    p.send(1, 56);
    w.runFor(10);
    expect(replies).toBe(1);
    expect(arps).toBe(0);
  });
});

describe('timerWheelExpiry (kernel/time/timer.c at HZ 250)', () => {
  it('never fires early and rounds up to the level granularity', () => {
    // Level 0 (under 63 jiffies): exact to the jiffy.
    expect(timerWheelExpiry(0, 10)).toBe(12);
    expect(timerWheelExpiry(0, 200)).toBe(200);
    // Level 1 (8-jiffy buckets): a 1 s ARP retransmit armed at 2 s fires at 3.008 s; a multiple of the
    // bucket still moves to the next one (calc_index adds one bucket).
    expect(timerWheelExpiry(2000, 3000)).toBe(3008);
    expect(timerWheelExpiry(0, 1000)).toBe(1024);
    // Level 2 (64 jiffies): delay_first_probe_time.
    expect(timerWheelExpiry(0, 5000)).toBe(5120);
  });

  it('three back-to-back ping -W 1 runs behind one INCOMPLETE entry end before it fails (random-path seed 20261128)', () => {
    // Real: a router forwarding to an unresolvable next hop answered no "Destination Host Unreachable"
    // to a ping started 2 s after the first probe (5 of 5 runs); the entry was still INCOMPLETE at 3.03 s.
    let t = 0;
    for (let i = 0; i < 3; i++) t = timerWheelExpiry(t, t + 1000);
    expect(t).toBeGreaterThan(3000);
  });
});
