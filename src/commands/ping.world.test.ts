// ping against podnet's World, compared with what iputils 20221126 printed for the same lab in real
// network namespaces (two namespaces a/b on a veth pair, 10.0.0.1/24 and 10.0.0.2/24). Round-trip
// and elapsed times are masked the way the differential suite masks them.
import { describe, expect, it } from 'vitest';
import { runLab } from './shell/lab.js';
import { lookupCommand } from './registry.js';
import { VETH_PAIR_SETUP } from './testing/veth_pair_lab.js';

const SETUP = VETH_PAIR_SETUP;

const mask = (s: string): string =>
  s
    .replace(/time=\d+(?:\.\d+)? ms/g, 'time=<t> ms')
    .replace(/, time \d+ms/g, ', time <t>ms')
    .replace(/^rtt min\/avg\/max\/mdev = [^\n]*$/gm, 'rtt <rtt>');

/** Runs the setup plus `cmd` in namespace a; returns that last step's result, masked. */
function inA(cmd: string, extra = ''): { out: string; err: string; code: number } {
  const lab = `${SETUP}${extra}ip netns exec a ${cmd}\n`;
  const r = runLab(lab, { file: 'ping.lab', cwd: '/tmp', lookup: lookupCommand });
  const last = r.steps[r.steps.length - 1]!;
  return { out: mask(last.stdout), err: last.stderr, code: last.exitCode };
}

describe('ping on the emulated kernel vs real Linux captures', () => {
  it('a live neighbour', () => {
    expect(inA('ping -c 2 10.0.0.2')).toMatchObject({
      out:
        'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=<t> ms\n64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=<t> ms\n' +
        '\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
      err: '',
      code: 0,
    });
  });

  it('-q and a local address', () => {
    expect(inA('ping -c 2 -q 10.0.0.2').out).toBe(
      'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
    );
    expect(inA('ping -c 1 10.0.0.1').out).toBe(
      'PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=<t> ms\n\n--- 10.0.0.1 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
    );
  });

  it('an absent address on the subnet: ARP fails, Destination Host Unreachable', () => {
    expect(inA('ping -c 2 10.0.0.9')).toMatchObject({
      out:
        'PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\nFrom 10.0.0.1 icmp_seq=1 Destination Host Unreachable\nFrom 10.0.0.1 icmp_seq=2 Destination Host Unreachable\n' +
        '\n--- 10.0.0.9 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time <t>ms\npipe 2\n',
      code: 1,
    });
    expect(inA('ping -c 2 -W 1 10.0.0.9')).toMatchObject({
      out: 'PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n\n--- 10.0.0.9 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time <t>ms\n\n',
      code: 1,
    });
  });

  it('no route, unknown device, name resolution', () => {
    expect(inA('ping -c 2 10.9.0.9')).toEqual({ out: '', err: 'ping: connect: Network is unreachable\n', code: 2 });
    expect(inA('ping -I nosuch -c 1 10.0.0.2')).toMatchObject({ out: '', err: 'ping: SO_BINDTODEVICE nosuch: No such device\n', code: 2 });
    expect(inA('ping -c 2 foo')).toMatchObject({ out: '', err: 'ping: foo: Temporary failure in name resolution\n', code: 2 });
    expect(inA('ping -I 10.0.0.7 -c 1 10.0.0.2')).toMatchObject({ out: '', err: 'ping: bind: Cannot assign requested address\n', code: 2 });
  });

  it('-I with a device and with an address', () => {
    expect(inA('ping -I va -c 1 10.0.0.2').out).toMatch(/^PING 10\.0\.0\.2 \(10\.0\.0\.2\) from 10\.0\.0\.1 va: 56\(84\) bytes of data\.\n64 bytes from 10\.0\.0\.2: icmp_seq=1/);
    expect(inA('ping -I 10.0.0.1 -c 1 10.0.0.2').out).toMatch(/^PING 10\.0\.0\.2 \(10\.0\.0\.2\) from 10\.0\.0\.1 : 56\(84\) bytes of data\.\n64 bytes from/);
  });

  it('-I ADDR still hears the host-unreachable Linux raises when ARP fails', () => {
    expect(inA('ping -c 1 -I 10.0.0.1 10.0.0.9')).toMatchObject({
      out: 'PING 10.0.0.9 (10.0.0.9) from 10.0.0.1 : 56(84) bytes of data.\nFrom 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n\n--- 10.0.0.9 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time <t>ms\n\n',
      code: 1,
    });
  });

  // KERNEL DISAGREEMENT: with SO_BINDTODEVICE (-I DEV) Linux never reports that error — it is
  // generated locally and arrives on lo, and a raw socket bound to va only hears va — so the real
  // ping waits out -W silently (10.04 s). podnet's ping socket gets it whatever it is bound to.
  it.skip('-I DEV does not hear the locally generated host-unreachable', () => {
    expect(inA('ping -c 1 -I va 10.0.0.9')).toMatchObject({
      out: 'PING 10.0.0.9 (10.0.0.9) from 10.0.0.1 va: 56(84) bytes of data.\n\n--- 10.0.0.9 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time <t>ms\n\n',
      code: 1,
    });
  });

  it('-M do above the link MTU: local error', () => {
    expect(inA('ping -c 2 -s 1500 -M do 10.0.0.2')).toMatchObject({
      out: 'PING 10.0.0.2 (10.0.0.2) 1500(1528) bytes of data.\n\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time <t>ms\n\n',
      err: 'ping: local error: message too long, mtu=1500\nping: local error: message too long, mtu=1500\n',
      code: 1,
    });
  });

  it('-s 70000: the kernel refuses outright and nothing reaches the error queue (real: 0 errors, 10 s)', () => {
    expect(inA('ping -c 1 -W 1 -s 70000 10.0.0.2')).toMatchObject({
      out: 'PING 10.0.0.2 (10.0.0.2) 70000(70028) bytes of data.\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time <t>ms\n\n',
      err: '',
      code: 1,
    });
  });

  // KERNEL DISAGREEMENT: an ICMP message up to 65535 bytes passes raw_sendmsg, and only
  // ip_append_data finds the IP datagram too long — it queues a local error with the route MTU, so
  // real ping prints "local error: message too long, mtu=1500" and counts +1 errors. podnet's
  // ping socket refuses every datagram over 65535 bytes synchronously, without queueing anything.
  it.skip('-s 65508: local error with the route MTU', () => {
    expect(inA('ping -c 1 -s 65508 10.0.0.2')).toMatchObject({
      out: 'PING 10.0.0.2 (10.0.0.2) 65508(65536) bytes of data.\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time <t>ms\n\n',
      err: 'ping: local error: message too long, mtu=1500\n',
      code: 1,
    });
  });

  it('broadcast needs -b', () => {
    expect(inA('ping -c 1 10.0.0.255')).toMatchObject({ err: 'ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n', code: 2 });
  });

  // KERNEL DISAGREEMENT: kernel/sockets/table.ts pingRcv only hands a reply to a socket whose
  // connected remote equals the reply's source, so answers to 10.0.0.255 from 10.0.0.2 are dropped
  // ("no ping socket"); Linux's raw socket (and ping_lookup) match the identifier alone.
  it.skip('-b: the broadcast is answered by the neighbour', () => {
    const r = inA('ping -c 2 -b 10.0.0.255', 'ip netns exec b sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0\n');
    expect(r.err).toBe('WARNING: pinging broadcast address\n');
    expect(r.out).toBe(
      'PING 10.0.0.255 (10.0.0.255) 56(84) bytes of data.\n64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=<t> ms\n64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=<t> ms\n' +
        '\n--- 10.0.0.255 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
    );
  });

  it('routes that refuse: blackhole, prohibit, unreachable, throw', () => {
    const routes = 'ip -n a route add blackhole 10.9.1.0/24\nip -n a route add prohibit 10.9.2.0/24\nip -n a route add unreachable 10.9.3.0/24\nip -n a route add throw 10.9.4.0/24\n';
    expect(inA('ping -c 1 10.9.1.1', routes).err).toBe('ping: connect: Invalid argument\n');
    expect(inA('ping -c 1 10.9.2.1', routes).err).toBe('ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n');
    expect(inA('ping -c 1 10.9.3.1', routes).err).toBe('ping: connect: No route to host\n');
    expect(inA('ping -c 1 10.9.4.1', routes).err).toBe('ping: connect: Network is unreachable\n');
  });

  it('REJECT in the peer: Packet filtered, Destination Port Unreachable, Destination Host Prohibited', () => {
    const filtered = inA('ping -c 1 10.0.0.2', 'ip netns exec b iptables -A INPUT -p icmp -j REJECT --reject-with icmp-admin-prohibited\n');
    expect(filtered).toEqual({
      out: 'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\nFrom 10.0.0.2 icmp_seq=1 Packet filtered\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time <t>ms\n\n',
      err: '',
      code: 1,
    });
    expect(inA('ping -c 1 10.0.0.2', 'ip netns exec b iptables -A INPUT -p icmp -j REJECT\n').out).toContain('From 10.0.0.2 icmp_seq=1 Destination Port Unreachable\n');
    expect(inA('ping -c 1 10.0.0.2', 'ip netns exec b iptables -A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited\n').out).toContain(
      'From 10.0.0.2 icmp_seq=1 Destination Host Prohibited\n',
    );
  });

  it('localhost by name is printed with its name', () => {
    expect(inA('ping -c 1 localhost').out).toBe(
      'PING localhost (127.0.0.1) 56(84) bytes of data.\n64 bytes from localhost (127.0.0.1): icmp_seq=1 ttl=64 time=<t> ms\n\n--- localhost ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
    );
    expect(inA('ping -c 1 -n localhost').out).toContain('64 bytes from 127.0.0.1: icmp_seq=1 ttl=64');
  });

  it('a silent peer: -w deadline counts', () => {
    const r = inA('ping -w 3 10.0.0.2', 'ip netns exec b sysctl -qw net.ipv4.icmp_echo_ignore_all=1\n');
    expect(r.out).toContain('3 packets transmitted, 0 received, 100% packet loss, time <t>ms\n\n');
    expect(r.code).toBe(1);
  });
});

// Through a router: a (10.1.0.1) -- r (10.1.0.254 | 10.2.0.254, mtu 1400 towards c) -- c (10.2.0.2).
const ROUTED = `ip netns add a
ip netns add r
ip netns add c
ip link add ar type veth peer name ra
ip link set ar netns a
ip link set ra netns r
ip link add rc type veth peer name cr
ip link set rc netns r
ip link set cr netns c
ip -n a addr add 10.1.0.1/24 dev ar
ip -n r addr add 10.1.0.254/24 dev ra
ip -n r addr add 10.2.0.254/24 dev rc
ip -n c addr add 10.2.0.2/24 dev cr
ip -n r link set rc mtu 1400
ip -n c link set cr mtu 1400
ip -n a link set ar up
ip -n r link set ra up
ip -n r link set rc up
ip -n c link set cr up
ip -n a route add 10.2.0.0/24 via 10.1.0.254
ip -n a route add 10.3.0.0/24 via 10.1.0.254
ip -n c route add default via 10.2.0.254
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
sleep 1
`;

function routed(cmd: string, extra = ''): { out: string; err: string; code: number } {
  const r = runLab(`${ROUTED}${extra}ip netns exec a ${cmd}\n`, { file: 'ping.lab', cwd: '/tmp', lookup: lookupCommand });
  const last = r.steps[r.steps.length - 1]!;
  return { out: mask(last.stdout), err: last.stderr, code: last.exitCode };
}

describe('ping through a router vs real Linux captures', () => {
  it('one hop more: ttl 63', () => {
    expect(routed('ping -c 2 10.2.0.2').out).toContain('64 bytes from 10.2.0.2: icmp_seq=2 ttl=63 time=<t> ms\n');
    expect(routed('ping -c 2 -s 2000 10.2.0.2').out).toContain('2008 bytes from 10.2.0.2: icmp_seq=1 ttl=63 time=<t> ms\n');
  });

  it('-t 1: Time to live exceeded from the router', () => {
    expect(routed('ping -c 2 -t 1 10.2.0.2')).toEqual({
      out:
        'PING 10.2.0.2 (10.2.0.2) 56(84) bytes of data.\nFrom 10.1.0.254 icmp_seq=1 Time to live exceeded\nFrom 10.1.0.254 icmp_seq=2 Time to live exceeded\n' +
        '\n--- 10.2.0.2 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time <t>ms\n\n',
      err: '',
      code: 1,
    });
  });

  it('-M do over the 1400-byte hop: Frag needed, then the cached PMTU refuses locally', () => {
    expect(routed('ping -c 3 -s 1400 -M do 10.2.0.2')).toEqual({
      out:
        'PING 10.2.0.2 (10.2.0.2) 1400(1428) bytes of data.\nFrom 10.1.0.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n' +
        '\n--- 10.2.0.2 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time <t>ms\n\n',
      err: 'ping: local error: message too long, mtu=1400\nping: local error: message too long, mtu=1400\n',
      code: 1,
    });
  });

  it('the router has no route: Destination Net Unreachable; a REJECT: Destination Net Prohibited', () => {
    expect(routed('ping -c 2 10.3.0.9').out).toBe(
      'PING 10.3.0.9 (10.3.0.9) 56(84) bytes of data.\nFrom 10.1.0.254 icmp_seq=1 Destination Net Unreachable\nFrom 10.1.0.254 icmp_seq=2 Destination Net Unreachable\n' +
        '\n--- 10.3.0.9 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time <t>ms\n\n',
    );
    expect(routed('ping -c 1 10.2.0.2', 'ip netns exec r iptables -A FORWARD -p icmp -j REJECT --reject-with icmp-net-prohibited\n').out).toContain(
      'From 10.1.0.254 icmp_seq=1 Destination Net Prohibited\n',
    );
  });

  it('-I ADDR never connects: an unroutable destination just goes unanswered', () => {
    expect(routed('ping -I 10.1.0.1 -c 1 -W 1 10.9.9.9')).toEqual({
      out: 'PING 10.9.9.9 (10.9.9.9) from 10.1.0.1 : 56(84) bytes of data.\n\n--- 10.9.9.9 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time <t>ms\n\n',
      err: '',
      code: 1,
    });
  });

  it('ping 0 pings the source address it would use', () => {
    expect(routed('ping -c 1 0', 'ip -n a link set lo up\n').out).toBe(
      'PING 0 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=<t> ms\n\n--- 0 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time <t>ms\nrtt <rtt>\n',
    );
  });
});
