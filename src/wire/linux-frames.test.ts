import { describe, expect, it } from 'vitest';
import * as F from './testdata/linux-frames.js';
import { formatIpv4 } from './addr.js';
import { decodeArp, encodeArp } from './arp.js';
import { isWireError, type WireError } from './error.js';
import { decodeEthernet, encodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from './ethernet.js';
import { decodeIcmp, encodeIcmp, icmpErrorQuote, ICMP_PORT_UNREACH } from './icmp.js';
import { decodeIpv4, encodeIpv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from './ipv4.js';
import { decodeTcp, encodeTcp } from './tcp.js';
import { decodeUdp, encodeUdp } from './udp.js';
import { decodeVxlan, encodeVxlan, IANA_VXLAN_UDP_PORT } from './vxlan.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
function must<T extends object>(v: T | WireError): T {
  if (isWireError(v)) throw new Error(`${v.wireError}: ${v.message}`);
  return v;
}

/** Decode every layer podnet knows, then build the frame again from the parsed values only. */
function reencode(frame: Uint8Array): Uint8Array {
  const eth = must(decodeEthernet(frame));
  if (eth.repr.ethertype === ETHERTYPE_ARP) return encodeEthernet(eth.repr, encodeArp(must(decodeArp(eth.payload))));
  expect(eth.repr.ethertype).toBe(ETHERTYPE_IPV4);
  const ip = must(decodeIpv4(eth.payload));
  const { src, dst } = ip.repr;
  let l4: Uint8Array;
  if (ip.repr.protocol === IPPROTO_ICMP) {
    l4 = encodeIcmp(must(decodeIcmp(ip.payload)));
  } else if (ip.repr.protocol === IPPROTO_UDP) {
    const udp = must(decodeUdp(ip.payload, src, dst));
    const inner = udp.repr.dport === IANA_VXLAN_UDP_PORT ? must(decodeVxlan(udp.payload)) : undefined;
    const payload = inner ? encodeVxlan(inner.repr, reencode(inner.payload)) : udp.payload;
    l4 = encodeUdp(udp.repr, payload, src, dst);
  } else if (ip.repr.protocol === IPPROTO_TCP) {
    const tcp = must(decodeTcp(ip.payload, src, dst));
    l4 = encodeTcp(tcp.repr, tcp.payload, src, dst);
  } else {
    throw new Error(`unexpected protocol ${ip.repr.protocol}`);
  }
  return encodeEthernet(eth.repr, encodeIpv4(ip.repr, l4));
}

const all: [string, string][] = Object.entries(F).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : []));

describe('frames captured from real Linux re-encode byte for byte', () => {
  it.each(all)('%s', (_name, h) => {
    const frame = hex(h);
    expect(Buffer.from(reencode(frame)).toString('hex')).toBe(h);
  });
  it.each(F.pingFragments.map((h, i) => [i, h] as const))('fragment %i', (_i, h) => {
    const frame = hex(h);
    const eth = must(decodeEthernet(frame));
    const ip = must(decodeIpv4(eth.payload));
    expect(Buffer.from(encodeEthernet(eth.repr, encodeIpv4(ip.repr, ip.payload))).toString('hex')).toBe(h);
  });
});

describe('decoded values match what tcpdump printed for the same frames', () => {
  it('ARP request', () => {
    const arp = must(decodeArp(must(decodeEthernet(hex(F.arpRequest))).payload));
    expect(arp.op).toBe(1);
    expect(formatIpv4(arp.targetIp)).toBe('10.0.0.2');
    expect(formatIpv4(arp.senderIp)).toBe('10.0.0.1');
    expect(arp.senderMac).toBe('02:00:00:00:00:0a');
  });
  it('TCP SYN options: mss 1460, sackOK, TS val ... ecr 0, wscale 10', () => {
    const ip = must(decodeIpv4(must(decodeEthernet(hex(F.tcpSyn))).payload));
    const tcp = must(decodeTcp(ip.payload, ip.repr.src, ip.repr.dst));
    expect(tcp.repr.flags).toMatchObject({ syn: true, ack: false });
    expect(tcp.repr.window).toBe(64240);
    expect(tcp.repr.options).toMatchObject({ mss: 1460, sackPermitted: true, wscale: 10, timestamps: { tsecr: 0 } });
  });
  it('ICMP port unreachable quotes the whole short UDP datagram', () => {
    const ip = must(decodeIpv4(must(decodeEthernet(hex(F.icmpPortUnreachable))).payload));
    const icmp = must(decodeIcmp(ip.payload));
    expect(icmp.kind).toBe('dest-unreachable');
    if (icmp.kind !== 'dest-unreachable') return;
    expect(icmp.code).toBe(ICMP_PORT_UNREACH);
    const quoted = must(decodeIpv4(icmp.original));
    expect(quoted.repr.protocol).toBe(IPPROTO_UDP);
    // The quoted UDP header must still verify: Linux quotes the datagram unchanged.
    expect(must(decodeUdp(quoted.payload, quoted.repr.src, quoted.repr.dst)).repr.dport).toBe(9999);
  });
  it('VXLAN vni 42 carries the inner ARP', () => {
    const ip = must(decodeIpv4(must(decodeEthernet(hex(F.vxlanArpRequest))).payload));
    const udp = must(decodeUdp(ip.payload, ip.repr.src, ip.repr.dst));
    // Linux 6.1 vxlan defaults to udpcsum for IPv4 (`ip -d link` prints "udpcsum").
    expect(udp.repr.noChecksum).toBeUndefined();
    const vx = must(decodeVxlan(udp.payload));
    expect(vx.repr.vni).toBe(42);
    const inner = must(decodeEthernet(vx.payload));
    expect(inner.repr.ethertype).toBe(ETHERTYPE_ARP);
  });
  it('a corrupted TCP payload byte fails the checksum', () => {
    const ip = must(decodeIpv4(must(decodeEthernet(hex(F.tcpPshData))).payload));
    const seg = ip.payload.slice();
    seg[seg.length - 1] ^= 0x20;
    expect(decodeTcp(seg, ip.repr.src, ip.repr.dst)).toMatchObject({ wireError: 'bad-checksum' });
    expect(isWireError(decodeTcp(seg, ip.repr.src, ip.repr.dst, { verifyChecksum: false }))).toBe(false);
  });
});

describe('ICMP errors quote like Linux icmp_send()', () => {
  const ipOf = (h: string) => must(decodeEthernet(hex(h))).payload;
  const icmpOf = (h: string) => must(decodeIpv4(ipOf(h))).payload;
  it.each([
    ['frag needed, mtu 1200', F.bigPingDf, F.icmpFragNeeded, undefined],
    ['time exceeded', F.ttl1Ping, F.icmpTimeExceeded, undefined],
    ['time exceeded, route back has mtu 400', F.ttl1PingSmallMtuRoute, F.icmpTimeExceededMtu400, 400],
  ])('%s', (_name, cause, error, mtu) => {
    const got = must(decodeIcmp(icmpOf(error)));
    if (got.kind !== 'dest-unreachable' && got.kind !== 'time-exceeded') throw new Error('not an error');
    const original = icmpErrorQuote(ipOf(cause), mtu === undefined ? undefined : { mtu });
    const rebuilt = encodeIcmp({ ...got, original });
    expect(Buffer.from(rebuilt).toString('hex')).toBe(Buffer.from(icmpOf(error)).toString('hex'));
  });
  it('frag needed carries the next-hop MTU', () => {
    expect(decodeIcmp(icmpOf(F.icmpFragNeeded))).toMatchObject({ kind: 'dest-unreachable', code: 4, mtu: 1200 });
  });
});
