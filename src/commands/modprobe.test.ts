// modprobe against the emulated host. The reference machines cannot load ipip, so what loading it
// does is pinned to net/ipv4/ipip.c (register_pernet_device gives every namespace, existing and
// new, a down tunl0; module exit unregisters every ipip device) and kmod's tools/modprobe.c messages.
import { describe, expect, it } from 'vitest';
import { runLab } from './shell/lab.js';
import { lookupCommand } from './registry.js';

function lab(text: string) {
  const r = runLab(text, { file: 'm.lab', cwd: '/tmp', lookup: lookupCommand });
  return r.steps.map((s) => ({ code: s.exitCode, out: s.stdout, err: s.stderr }));
}

describe('modprobe', () => {
  it('ipip gives every namespace, existing and later ones, a down tunl0', () => {
    const s = lab(
      [
        'ip netns add a',
        'ip -n a link show tunl0',
        'modprobe ipip',
        'ip -n a link show tunl0',
        'ip netns add b',
        'ip -n b -d link show tunl0',
        'ip link show tunl0',
        'modprobe ipip',
      ].join('\n'),
    );
    expect(s[1]).toEqual({ code: 1, out: '', err: 'Device "tunl0" does not exist.\n' });
    expect(s[2]).toEqual({ code: 0, out: '', err: '' });
    expect(s[3]!.out).toBe('2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n    link/ipip 0.0.0.0 brd 0.0.0.0\n');
    expect(s[5]!.out).toContain('ipip any remote any local any ttl inherit nopmtudisc');
    expect(s[6]!.code).toBe(0);
    // Loading a loaded module again is silent success.
    expect(s[7]).toEqual({ code: 0, out: '', err: '' });
  });

  it('works from inside a namespace: modules belong to the host', () => {
    const s = lab(['ip netns add a', 'ip netns exec a modprobe ipip', 'ip link show tunl0'].join('\n'));
    expect(s[2]!.code).toBe(0);
  });

  it('-r ipip unregisters tunl0 and every ipip tunnel, with their routes', () => {
    const s = lab(
      [
        'modprobe ipip',
        'ip link add ipip1 type ipip remote 192.0.2.1',
        'ip link set tunl0 up',
        'ip addr add 10.9.0.1/32 dev tunl0',
        'ip route add 10.10.0.0/24 via 192.0.2.9 dev tunl0 onlink',
        'modprobe -r ipip',
        'ip link show tunl0',
        'ip link show ipip1',
        'ip route',
        'modprobe -r ipip',
        'modprobe -rq ipip',
      ].join('\n'),
    );
    expect(s[4]!.code).toBe(0);
    expect(s[5]).toEqual({ code: 0, out: '', err: '' });
    expect(s[6]!.code).toBe(1);
    expect(s[7]!.code).toBe(1);
    expect(s[8]!.out).toBe('');
    expect(s[9]).toEqual({ code: 1, out: '', err: 'modprobe: FATAL: Module ipip is not in kernel.\n' });
    expect(s[10]).toEqual({ code: 1, out: '', err: '' });
  });

  it('built-in modules load silently and refuse removal; unknown ones are not found', () => {
    const s = lab(
      [
        'modprobe br_netfilter',
        'modprobe vxlan',
        'modprobe -a bridge veth',
        'sysctl net.bridge.bridge-nf-call-iptables',
        'modprobe -r vxlan',
        'modprobe foo',
        'modprobe -q foo',
        'modprobe -r foo',
        'modprobe',
        'modprobe -z ipip',
        'modprobe --bogus ipip',
        'ip link show tunl0',
      ].join('\n'),
    );
    for (const i of [0, 1, 2]) expect(s[i]).toEqual({ code: 0, out: '', err: '' });
    expect(s[3]!.out).toBe('net.bridge.bridge-nf-call-iptables = 1\n');
    expect(s[4]).toEqual({ code: 1, out: '', err: 'modprobe: FATAL: Module vxlan is builtin.\n' });
    expect(s[5]).toEqual({ code: 1, out: '', err: 'modprobe: FATAL: Module foo not found in directory /lib/modules/6.18.44-fc-v769\n' });
    expect(s[6]).toEqual({ code: 1, out: '', err: '' });
    expect(s[7]).toEqual({ code: 1, out: '', err: 'modprobe: FATAL: Module foo not found.\n' });
    expect(s[8]).toEqual({ code: 1, out: '', err: 'modprobe: ERROR: missing parameters. See -h.\n' });
    expect(s[9]).toEqual({ code: 1, out: '', err: "modprobe: invalid option -- 'z'\n" });
    expect(s[10]).toEqual({ code: 1, out: '', err: "modprobe: unrecognized option '--bogus'\n" });
    // Nothing above loaded ipip.
    expect(s[11]!.code).toBe(1);
  });
});
