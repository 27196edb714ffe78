// Expected strings are copied from iputils ping 20221126 runs in throwaway network namespaces.
import { describe, expect, it } from 'vitest';
import { formatTripTime, icmpErrorLine, icmpNoticeLine, pingHeader, replyLine, summary, type PingStats } from './format.js';

const base: PingStats = {
  hostname: '10.0.0.2',
  ntransmitted: 2,
  nreceived: 2,
  nrepeats: 0,
  nchecksum: 0,
  nerrors: 0,
  elapsedMs: 1031,
  timing: true,
  tmin: 48,
  tmax: 95,
  tsum: 143,
  tsum2: 95n * 95n + 48n * 48n,
  pipesize: 1,
  rttEwma8: 0,
  interval: 1000,
};

describe('ping header', () => {
  it('prints the payload and packet sizes, and the source with -I', () => {
    expect(pingHeader({ hostname: '10.0.0.2', addr: '10.0.0.2', datalen: 56 })).toBe('PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n');
    expect(pingHeader({ hostname: '10.2.0.2', addr: '10.2.0.2', datalen: 1400 })).toBe('PING 10.2.0.2 (10.2.0.2) 1400(1428) bytes of data.\n');
    expect(pingHeader({ hostname: '10.0.0.2', addr: '10.0.0.2', datalen: 56, from: { src: '10.0.0.1', dev: 'va' } })).toBe(
      'PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 va: 56(84) bytes of data.\n',
    );
    // -I with an address: an empty device name leaves "from 10.0.0.1 : ".
    expect(pingHeader({ hostname: '10.0.0.2', addr: '10.0.0.2', datalen: 56, from: { src: '10.0.0.1' } })).toBe(
      'PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 : 56(84) bytes of data.\n',
    );
    expect(pingHeader({ hostname: 'localhost', addr: '127.0.0.1', datalen: 0 })).toBe('PING localhost (127.0.0.1) 0(28) bytes of data.\n');
  });
});

describe('reply lines', () => {
  const r = { icmpLen: 64, from: '10.0.0.2', seq: 1, ttl: 64, datalen: 56, tripUs: 95, dup: false, multicast: false, differentAddress: false };
  it('prints the round trip with precision falling as it grows', () => {
    expect(replyLine(r)).toBe('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.095 ms\n');
    expect(formatTripTime(1234)).toBe(' time=1.23 ms');
    expect(formatTripTime(12345)).toBe(' time=12.3 ms');
    expect(formatTripTime(123456)).toBe(' time=123 ms');
  });
  it('omits the time when -s is too small to carry a timestamp', () => {
    expect(replyLine({ ...r, icmpLen: 12, datalen: 4, tripUs: undefined })).toBe('12 bytes from 10.0.0.2: icmp_seq=1 ttl=64\n');
    expect(replyLine({ ...r, icmpLen: 1508, datalen: 1500, ttl: 63 })).toBe('1508 bytes from 10.0.0.2: icmp_seq=1 ttl=63 time=0.095 ms\n');
  });
  it('marks duplicates, except for broadcast pings', () => {
    expect(replyLine({ ...r, dup: true })).toBe('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.095 ms (DUP!)\n');
    expect(replyLine({ ...r, dup: true, multicast: true })).toBe('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.095 ms\n');
  });
});

describe('ICMP error lines', () => {
  it('names each error as pr_icmph does', () => {
    expect(icmpErrorLine('10.0.0.1', 1, 3, 1)).toBe('From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n');
    expect(icmpErrorLine('10.1.0.254', 2, 3, 0)).toBe('From 10.1.0.254 icmp_seq=2 Destination Net Unreachable\n');
    expect(icmpErrorLine('10.1.0.254', 1, 11, 0)).toBe('From 10.1.0.254 icmp_seq=1 Time to live exceeded\n');
    expect(icmpErrorLine('10.1.0.254', 1, 3, 4, 1400)).toBe('From 10.1.0.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n');
    expect(icmpErrorLine('10.0.0.2', 1, 3, 13)).toBe('From 10.0.0.2 icmp_seq=1 Packet filtered\n');
    expect(icmpErrorLine('10.0.0.2', 1, 3, 3)).toBe('From 10.0.0.2 icmp_seq=1 Destination Port Unreachable\n');
    expect(icmpErrorLine('10.0.0.2', 1, 3, 10)).toBe('From 10.0.0.2 icmp_seq=1 Destination Host Prohibited\n');
    // pr_icmph's redirect words, after parse_reply's "From %s: " prefix (iputils 20221126).
    expect(icmpNoticeLine('10.0.1.1', 1, 5, 1, '10.0.1.3')).toBe('From 10.0.1.1: icmp_seq=1 Redirect Host(New nexthop: 10.0.1.3)\n');
    expect(icmpNoticeLine('10.0.1.1', 2, 5, 0, '10.0.1.3')).toBe('From 10.0.1.1: icmp_seq=2 Redirect Network(New nexthop: 10.0.1.3)\n');
    expect(icmpNoticeLine('10.0.1.1', 2, 5, 7, '10.0.1.3')).toBe('From 10.0.1.1: icmp_seq=2 Redirect, Bad Code: 7(New nexthop: 10.0.1.3)\n');
    expect(icmpNoticeLine('10.0.1.1', 3, 4, 0)).toBe('From 10.0.1.1: icmp_seq=3 Source Quench\n');
  });
});

describe('summary', () => {
  it('all answered', () => {
    expect(summary(base)).toBe(
      '\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1031ms\nrtt min/avg/max/mdev = 0.048/0.071/0.095/0.023 ms\n',
    );
    // Three samples 45/44/43 µs: mdev rounds down to 0.
    expect(summary({ ...base, ntransmitted: 3, nreceived: 3, tmin: 43, tmax: 45, tsum: 132, tsum2: 45n * 45n + 44n * 44n + 43n * 43n })).toContain(
      'rtt min/avg/max/mdev = 0.043/0.044/0.045/0.000 ms\n',
    );
  });
  it('nothing answered: a blank last line', () => {
    expect(summary({ ...base, nreceived: 0, elapsedMs: 1023 })).toBe(
      '\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1023ms\n\n',
    );
  });
  it('errors, and the pipe when answers came for older probes', () => {
    expect(summary({ ...base, hostname: '10.0.0.9', nreceived: 0, nerrors: 2, elapsedMs: 1008, pipesize: 2 })).toBe(
      '\n--- 10.0.0.9 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1008ms\npipe 2\n',
    );
  });
  it('partial loss prints %g of a float', () => {
    expect(summary({ ...base, ntransmitted: 3, nreceived: 1, tmin: 50, tmax: 50, tsum: 50, tsum2: 2500n })).toContain(', 66.6667% packet loss, ');
  });
  it('-i 0 adds ipg/ewma; -s below 16 prints no rtt line', () => {
    expect(summary({ ...base, interval: 0, ntransmitted: 3, nreceived: 3, elapsedMs: 0, tmin: 5, tmax: 26, tsum: 39, tsum2: 26n * 26n + 8n * 8n + 5n * 5n, rttEwma8: 168 })).toContain(
      'rtt min/avg/max/mdev = 0.005/0.013/0.026/0.009 ms, ipg/ewma 0.000/0.021 ms\n',
    );
    expect(summary({ ...base, timing: false })).toBe('\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1031ms\n\n');
  });
  it('duplicates from a broadcast ping', () => {
    expect(summary({ ...base, nrepeats: 1, tsum: 190, tsum2: 3n * 95n * 95n, tmin: 95 })).toContain('2 packets transmitted, 2 received, +1 duplicates, 0% packet loss');
  });
});
