/**
 * What the REJECT target sends back (net/ipv4/netfilter/nf_reject_ipv4.c): an ICMP destination
 * unreachable with the chosen code through icmp_send, or a TCP RST built like tcp_v4_send_reset.
 */
import type { Net } from './netns.js';
import type { SkBuff } from './skb.js';
import type { RejectWith } from './netfilter/rule.js';
import { icmpSend, ICMP_DEST_UNREACH } from './icmp.js';
import { ipRouteOutput } from './route.js';
import { ipHeader, ipLocalOut } from './ip_output.js';
import { IPPROTO_TCP, newSkb, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './skb.js';
import { formatIpv4 } from '../wire/addr.js';

const CODES: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

export function sendReject(net: Net, skb: SkBuff, how: RejectWith): void {
  if (!skb.ip) return;
  if (how === 'tcp-reset') {
    // nf_send_reset only answers TCP; anything else is just dropped.
    if (skb.tcp) nfSendReset(net, skb);
    return;
  }
  const local = net.addrOwner(skb.ip.dst) !== undefined;
  icmpSend(net, skb, ICMP_DEST_UNREACH, CODES[how], 0, local);
}

/**
 * nf_send_reset: a RST answering the rejected segment, sent as if by its destination. Unlike
 * tcp_v4_send_reset it works on a router too: the RST takes the rejected packet's addresses swapped,
 * and ip_route_me_harder routes it with FLOWI_FLAG_ANYSRC because that source (the far end) is a
 * unicast address that is not ours. The header is nf_reject_iphdr_put's: id 0, DF, tos 0, the
 * route's hop limit.
 */
function nfSendReset(net: Net, skb: SkBuff): void {
  const h = skb.tcp!;
  const ip = skb.ip!;
  // Never answer a RST, nor a fragment (nf_reject_ip_tcphdr_get).
  if (h.flags & TCP_RST || ip.fragOff !== 0) return;
  const r = ipRouteOutput(net, { daddr: ip.src, saddr: ip.dst, oif: 0, tos: 0, mark: 0, anySrc: true });
  if ('error' in r) return;
  const out = newSkb();
  const segLen = skb.payload.length + (h.flags & TCP_SYN ? 1 : 0) + (h.flags & TCP_FIN ? 1 : 0);
  // nf_reject_ip_tcphdr_put: a segment that carried an ACK is answered at that sequence, any other
  // one acknowledges everything it occupied.
  out.tcp =
    h.flags & TCP_ACK
      ? { sport: h.dport, dport: h.sport, seq: h.ack, ack: 0, flags: TCP_RST, window: 0 }
      : { sport: h.dport, dport: h.sport, seq: 0, ack: (h.seq + segLen) >>> 0, flags: TCP_RST | TCP_ACK, window: 0 };
  ipHeader(net, out, ip.dst, ip.src, IPPROTO_TCP, net.defaultTtl(), 0, true, 0);
  // nf_ct_attach: the RST belongs to the rejected packet's connection (RELATED, other direction),
  // so conntrack neither makes nor confirms an entry for it.
  net.netfilter.attach?.(out, skb);
  net.trace('netfilter', 'reject', `tcp-reset to ${formatIpv4(ip.src)}:${h.sport} from ${formatIpv4(ip.dst)}:${h.dport}`, r.rt.dev, out);
  ipLocalOut(net, out, r.rt);
}
