/**
 * A battery of frames covering every summary branch and encapsulation podnet produces, built with
 * podnet's own encoders; tests feed them to tcpdump and tshark as oracles.
 */
import { parseIpv4 } from '../addr.js';
import { ARPOP_REPLY, ARPOP_REQUEST, encodeArp } from '../arp.js';
import { encodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../ethernet.js';
import { fragmentIpv4 } from '../fragment.js';
import {
  encodeIcmp, icmpErrorQuote, ICMP_FRAG_NEEDED, ICMP_PORT_UNREACH, ICMP_PROT_UNREACH, ICMP_REDIR_HOST, ICMP_EXC_TTL,
  ICMP_EXC_FRAGTIME, type IcmpRepr,
} from '../icmp.js';
import { encodeIpv4, type Ipv4Repr, IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP } from '../ipv4.js';
import { encodeTcp, tcpFlags, type TcpRepr } from '../tcp.js';
import { encodeUdp } from '../udp.js';
import { DNS_CLASS_IN, DNS_RCODE_NXDOMAIN, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, DNS_TYPE_OPT, DNS_TYPE_PTR, DNS_TYPE_SOA, DNS_TYPE_SRV, DNS_TYPE_TXT, encodeDns, type DnsMessage } from '../dns.js';
import { encodeVxlan, IANA_VXLAN_UDP_PORT, LINUX_VXLAN_UDP_PORT } from '../vxlan.js';

const ip = (s: string) => parseIpv4(s)!;
const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
const POD_A = '0a:58:0a:f4:01:05';
const POD_B = '0a:58:0a:f4:02:07';

const ipv4 = (src: string, dst: string, protocol: number, extra: Partial<Ipv4Repr> = {}): Ipv4Repr => ({
  tos: 0, id: 0x4d2, df: true, mf: false, fragOffset: 0, ttl: 64, protocol, src: ip(src), dst: ip(dst), ...extra,
});
const eth = (payload: Uint8Array, ethertype = ETHERTYPE_IPV4, src = MAC_A, dst = MAC_B) => encodeEthernet({ dst, src, ethertype }, payload);

export function icmpPacket(src: string, dst: string, icmp: IcmpRepr, extra: Partial<Ipv4Repr> = {}): Uint8Array {
  return encodeIpv4(ipv4(src, dst, IPPROTO_ICMP, extra), encodeIcmp(icmp));
}
export function udpPacket(src: string, sport: number, dst: string, dport: number, data: Uint8Array, noChecksum = false): Uint8Array {
  return encodeIpv4(ipv4(src, dst, IPPROTO_UDP, { df: false }), encodeUdp({ sport, dport, noChecksum }, data, ip(src), ip(dst)));
}
export function tcpPacket(src: string, dst: string, t: Partial<TcpRepr> & { sport: number; dport: number }, data = new Uint8Array(0)): Uint8Array {
  const repr: TcpRepr = { seq: 1000, ack: 0, flags: tcpFlags({ syn: true }), window: 64240, urgent: 0, options: {}, ...t };
  return encodeIpv4(ipv4(src, dst, IPPROTO_TCP), encodeTcp(repr, data, ip(src), ip(dst)));
}
const ping = (src: string, dst: string, seq = 1, size = 56) =>
  icmpPacket(src, dst, { kind: 'echo-request', id: 4242, seq, data: Uint8Array.from({ length: size }, (_, i) => i) });

/** A short description and the Ethernet frame. */
export function battery(): { name: string; frame: Uint8Array }[] {
  const out: { name: string; frame: Uint8Array }[] = [];
  const add = (name: string, frame: Uint8Array) => out.push({ name, frame });

  add('arp request', eth(encodeArp({ op: ARPOP_REQUEST, senderMac: MAC_A, senderIp: ip('10.0.0.1'), targetMac: '00:00:00:00:00:00', targetIp: ip('10.0.0.2') }), ETHERTYPE_ARP, MAC_A, 'ff:ff:ff:ff:ff:ff'));
  add('arp reply', eth(encodeArp({ op: ARPOP_REPLY, senderMac: MAC_B, senderIp: ip('10.0.0.2'), targetMac: MAC_A, targetIp: ip('10.0.0.1') }), ETHERTYPE_ARP, MAC_B, MAC_A));
  add('echo request', eth(ping('10.0.0.1', '10.0.0.2')));
  add('echo reply', eth(icmpPacket('10.0.0.2', '10.0.0.1', { kind: 'echo-reply', id: 4242, seq: 1, data: new Uint8Array(56) })));

  const udpOrig = udpPacket('10.244.1.5', 40000, '10.96.0.10', 9999, new TextEncoder().encode('hello'));
  const tcpOrig = tcpPacket('10.244.1.5', '10.244.2.7', { sport: 40000, dport: 8080, options: { mss: 1460, sackPermitted: true, timestamps: { tsval: 1, tsecr: 0 }, wscale: 7 } });
  for (let code = 0; code <= 15; code++) {
    const mtu = code === ICMP_FRAG_NEEDED ? 1450 : undefined;
    const orig = code === ICMP_PORT_UNREACH ? udpOrig : tcpOrig;
    add(`unreachable code ${code}`, eth(icmpPacket('10.0.0.254', '10.244.1.5', { kind: 'dest-unreachable', code, ...(mtu ? { mtu } : {}), original: icmpErrorQuote(orig) }, { df: false })));
  }
  add('port unreachable for tcp', eth(icmpPacket('10.244.2.7', '10.244.1.5', { kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, original: icmpErrorQuote(tcpOrig) })));
  add('protocol unreachable', eth(icmpPacket('10.244.2.7', '10.244.1.5', { kind: 'dest-unreachable', code: ICMP_PROT_UNREACH, original: icmpErrorQuote(tcpOrig) })));
  add('ttl exceeded', eth(icmpPacket('10.0.0.254', '10.244.1.5', { kind: 'time-exceeded', code: ICMP_EXC_TTL, original: icmpErrorQuote(ping('10.244.1.5', '8.8.8.8', 3, 1400)) })));
  add('reassembly time exceeded', eth(icmpPacket('10.244.2.7', '10.244.1.5', { kind: 'time-exceeded', code: ICMP_EXC_FRAGTIME, original: icmpErrorQuote(ping('10.244.1.5', '10.244.2.7')) })));
  add('redirect host', eth(icmpPacket('10.0.0.254', '10.0.0.1', { kind: 'redirect', code: ICMP_REDIR_HOST, gateway: ip('10.0.0.253'), original: icmpErrorQuote(ping('10.0.0.1', '192.168.7.7')) })));

  add('udp', eth(udpOrig));
  add('udp no checksum', eth(udpPacket('10.0.0.1', 41000, '10.0.0.2', 42000, new Uint8Array(20).fill(0x61), true)));
  add('tcp syn', eth(tcpOrig));
  add('tcp syn-ack', eth(tcpPacket('10.244.2.7', '10.244.1.5', { sport: 8080, dport: 40000, seq: 777, ack: 1001, flags: tcpFlags({ syn: true, ack: true }), window: 65160, options: { mss: 1460, sackPermitted: true, timestamps: { tsval: 9, tsecr: 1 }, wscale: 7 } })));
  add('tcp rst', eth(tcpPacket('10.244.2.7', '10.244.1.5', { sport: 8080, dport: 40000, seq: 0, ack: 1001, flags: tcpFlags({ rst: true, ack: true }), window: 0 })));
  add('tcp data', eth(tcpPacket('10.244.1.5', '10.244.2.7', { sport: 40000, dport: 5432, seq: 1001, ack: 778, flags: tcpFlags({ psh: true, ack: true }), window: 502, options: { timestamps: { tsval: 2, tsecr: 9 } } }, new Uint8Array(100))));
  add('tcp http request', eth(tcpPacket('10.244.1.5', '10.244.2.7', { sport: 40000, dport: 80, seq: 1001, ack: 778, flags: tcpFlags({ psh: true, ack: true }), window: 502 }, new TextEncoder().encode('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'))));
  add('tcp sack urg ece cwr', eth(tcpPacket('10.244.1.5', '10.244.2.7', { sport: 40000, dport: 5432, seq: 5, ack: 6, flags: tcpFlags({ ack: true, urg: true, ece: true, cwr: true }), urgent: 3, options: { sack: [{ left: 100, right: 200 }] } })));
  add('tcp fin', eth(tcpPacket('10.244.1.5', '10.244.2.7', { sport: 40000, dport: 5432, seq: 1101, ack: 778, flags: tcpFlags({ fin: true, ack: true }), window: 502 })));

  // Overlays: the inner pod-to-pod frame inside VXLAN (both ports) and IP-in-IP.
  const inner = encodeEthernet({ dst: POD_B, src: POD_A, ethertype: ETHERTYPE_IPV4 }, tcpOrig);
  add('vxlan 4789', eth(udpPacket('192.168.1.10', 51234, '192.168.1.11', IANA_VXLAN_UDP_PORT, encodeVxlan({ vni: 4096 }, inner))));
  add('vxlan 8472', eth(udpPacket('192.168.1.10', 51234, '192.168.1.11', LINUX_VXLAN_UDP_PORT, encodeVxlan({ vni: 1 }, encodeEthernet({ dst: POD_B, src: POD_A, ethertype: ETHERTYPE_IPV4 }, ping('10.244.1.5', '10.244.2.7'))))));
  add('ipip', eth(encodeIpv4(ipv4('192.168.1.10', '192.168.1.11', IPPROTO_IPIP, { df: false }), ping('10.244.1.5', '10.244.2.7'))));

  // Cluster DNS: queries from a pod to the kube-dns service and CoreDNS's answers.
  const hdr = { opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0, answers: [], authorities: [], additionals: [] };
  const dns = (name: string, m: Partial<DnsMessage>, fromServer = false) =>
    add(name, eth(fromServer
      ? udpPacket('10.96.0.10', 53, '10.244.1.5', 45001, encodeDns({ ...hdr, id: 0, qr: true, questions: [], ...m }))
      : udpPacket('10.244.1.5', 45001, '10.96.0.10', 53, encodeDns({ ...hdr, id: 0, qr: false, questions: [], ...m }))));
  const svc = 'kubernetes.default.svc.cluster.local';
  dns('dns query A', { id: 4660, questions: [{ name: svc, type: DNS_TYPE_A, class: DNS_CLASS_IN }] });
  dns('dns query AAAA edns', { id: 4661, questions: [{ name: svc, type: DNS_TYPE_AAAA, class: DNS_CLASS_IN }], additionals: [{ name: '', class: 1232, ttl: 0, data: { type: DNS_TYPE_OPT, raw: new Uint8Array(0) } }] });
  dns('dns answer A', { id: 4660, aa: true, ra: true, questions: [{ name: svc, type: DNS_TYPE_A, class: DNS_CLASS_IN }], answers: [{ name: svc, class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_A, address: ip('10.96.0.1') } }] }, true);
  dns('dns answer cname+a', { id: 7, ra: true, questions: [{ name: 'www.example.com', type: DNS_TYPE_A, class: DNS_CLASS_IN }], answers: [
    { name: 'www.example.com', class: DNS_CLASS_IN, ttl: 30, data: { type: DNS_TYPE_CNAME, target: 'web.example.com' } },
    { name: 'web.example.com', class: DNS_CLASS_IN, ttl: 30, data: { type: DNS_TYPE_A, address: ip('93.184.216.34') } },
  ] }, true);
  dns('dns nxdomain', { id: 8, aa: true, rcode: DNS_RCODE_NXDOMAIN, questions: [{ name: 'nope.default.svc.cluster.local', type: DNS_TYPE_A, class: DNS_CLASS_IN }], authorities: [
    { name: 'cluster.local', class: DNS_CLASS_IN, ttl: 30, data: { type: DNS_TYPE_SOA, raw: new Uint8Array(22) } },
  ] }, true);
  dns('dns srv', { id: 9, aa: true, ra: true, questions: [{ name: '_https._tcp.kubernetes.default.svc.cluster.local', type: DNS_TYPE_SRV, class: DNS_CLASS_IN }], answers: [
    { name: '_https._tcp.kubernetes.default.svc.cluster.local', class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_SRV, priority: 0, weight: 100, port: 443, target: svc } },
  ] }, true);
  dns('dns ptr aaaa txt', { id: 10, ra: true, questions: [{ name: '1.0.96.10.in-addr.arpa', type: DNS_TYPE_PTR, class: DNS_CLASS_IN }], answers: [
    { name: '1.0.96.10.in-addr.arpa', class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_PTR, target: svc } },
    { name: svc, class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_AAAA, address: Uint8Array.from([0xfd, 0, 0x10, 0x96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) } },
    { name: svc, class: DNS_CLASS_IN, ttl: 5, data: { type: DNS_TYPE_TXT, strings: [new TextEncoder().encode('v=1'), new TextEncoder().encode('podnet')] } },
  ] }, true);

  // Fragments of a big UDP datagram: the first shows UDP, later ones only the protocol.
  const big = new Uint8Array(3000).fill(0x61);
  const frags = fragmentIpv4(ipv4('10.0.0.1', '10.0.0.2', IPPROTO_UDP, { df: false, id: 99 }), encodeUdp({ sport: 41000, dport: 42000 }, big, ip('10.0.0.1'), ip('10.0.0.2')), 1000);
  if (Array.isArray(frags)) frags.forEach((f, i) => add(`udp fragment ${i}`, eth(f)));
  return out;
}
