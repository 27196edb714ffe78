/**
 * Every header of a frame in one pass, outer to inner, tunnels included: what analysis and tests
 * need when they hold bytes (from a capture or a tap) rather than the kernel's parsed packet.
 */
import { type ArpRepr, decodeArp } from './arp.js';
import { type DnsMessage, decodeDns, DNS_PORT } from './dns.js';
import { isWireError, type WireError } from './error.js';
import { decodeEthernet, type EthernetRepr, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from './ethernet.js';
import { decodeIcmp, type IcmpRepr } from './icmp.js';
import { decodeIpv4, type Ipv4Repr, IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP } from './ipv4.js';
import { decodeTcp, type TcpRepr } from './tcp.js';
import { readPorts } from './ports.js';
import { decodeUdp, UDP_HLEN, type UdpRepr } from './udp.js';
import { decodeVxlan, IANA_VXLAN_UDP_PORT, LINUX_VXLAN_UDP_PORT, type VxlanRepr } from './vxlan.js';

export interface Dissection {
  eth?: EthernetRepr;
  arp?: ArpRepr;
  ip?: Ipv4Repr;
  icmp?: IcmpRepr;
  udp?: UdpRepr;
  tcp?: TcpRepr;
  vxlan?: VxlanRepr;
  dns?: DnsMessage;
  /** Application bytes above UDP/TCP (or the fragment payload of a non-first fragment). */
  payload?: Uint8Array;
  /** The encapsulated packet of a VXLAN (an Ethernet frame) or IP-in-IP (an IPv4 datagram) tunnel. */
  inner?: Dissection;
  /** The first header that did not decode; the layers above it are absent. */
  error?: { layer: 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'tcp' | 'vxlan' | 'dns'; wire: WireError };
}

export interface DissectOptions {
  /** UDP destination ports read as VXLAN; default 4789 and 8472. */
  vxlanPorts?: readonly number[];
  /** Verify UDP/TCP checksums (default true); captures from hosts with offload carry partial ones. */
  verifyChecksums?: boolean;
}

const DEFAULT_VXLAN_PORTS = [IANA_VXLAN_UDP_PORT, LINUX_VXLAN_UDP_PORT] as const;
/** Tunnels inside tunnels beyond this depth are left undissected (a crafted frame could nest forever). */
const MAX_DEPTH = 8;

export function dissectFrame(frame: Uint8Array, opts?: DissectOptions, depth = 0): Dissection {
  const e = decodeEthernet(frame);
  if (isWireError(e)) return { error: { layer: 'ethernet', wire: e } };
  const d: Dissection = { eth: e.repr };
  if (e.repr.ethertype === ETHERTYPE_ARP) {
    const a = decodeArp(e.payload);
    if (isWireError(a)) d.error = { layer: 'arp', wire: a };
    else d.arp = a;
  } else if (e.repr.ethertype === ETHERTYPE_IPV4) {
    Object.assign(d, dissectIpv4(e.payload, opts, depth));
  } else {
    d.payload = e.payload;
  }
  return d;
}

export function dissectIpv4(bytes: Uint8Array, opts?: DissectOptions, depth = 0): Dissection {
  const ip = decodeIpv4(bytes);
  if (isWireError(ip)) return { error: { layer: 'ipv4', wire: ip } };
  const d: Dissection = { ip: ip.repr };
  const { src, dst, protocol } = ip.repr;
  // Only the first fragment carries the transport header, and no fragment can verify its checksum,
  // which covers the whole datagram: reassemble first (fragment.ts) to see everything.
  if (ip.repr.fragOffset !== 0) {
    d.payload = ip.payload;
    return d;
  }
  const partial = ip.repr.mf;
  const verify = opts?.verifyChecksums !== false && !partial;
  switch (protocol) {
    case IPPROTO_ICMP: {
      const m = partial ? undefined : decodeIcmp(ip.payload);
      if (m === undefined) d.payload = ip.payload;
      else if (isWireError(m)) d.error = { layer: 'icmp', wire: m };
      else d.icmp = m;
      break;
    }
    case IPPROTO_UDP: {
      if (partial) {
        // A first fragment: the UDP length field describes the whole datagram, so only ports are read.
        const ports = readPorts(ip.payload);
        if (ports && ip.payload.length >= UDP_HLEN) {
          d.udp = ports;
          d.payload = ip.payload.subarray(UDP_HLEN);
        } else d.payload = ip.payload;
        break;
      }
      const u = decodeUdp(ip.payload, src, dst, { verifyChecksum: verify });
      if (isWireError(u)) {
        d.error = { layer: 'udp', wire: u };
        break;
      }
      d.udp = u.repr;
      d.payload = u.payload;
      if ((opts?.vxlanPorts ?? DEFAULT_VXLAN_PORTS).includes(u.repr.dport)) {
        const v = decodeVxlan(u.payload);
        if (isWireError(v)) d.error = { layer: 'vxlan', wire: v };
        else {
          d.vxlan = v.repr;
          if (depth < MAX_DEPTH) d.inner = dissectFrame(v.payload, opts, depth + 1);
        }
      } else if (u.repr.sport === DNS_PORT || u.repr.dport === DNS_PORT) {
        const m = decodeDns(u.payload);
        if (isWireError(m)) d.error = { layer: 'dns', wire: m };
        else d.dns = m;
      }
      break;
    }
    case IPPROTO_TCP: {
      const t = decodeTcp(ip.payload, src, dst, { verifyChecksum: verify });
      if (isWireError(t)) d.error = { layer: 'tcp', wire: t };
      else {
        d.tcp = t.repr;
        d.payload = t.payload;
      }
      break;
    }
    case IPPROTO_IPIP:
      if (depth < MAX_DEPTH && !partial) d.inner = dissectIpv4(ip.payload, opts, depth + 1);
      else d.payload = ip.payload;
      break;
    default:
      d.payload = ip.payload;
  }
  return d;
}
