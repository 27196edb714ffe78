/**
 * What the REJECT target sends back (net/ipv4/netfilter/nf_reject_ipv4.c): an ICMP destination
 * unreachable with the chosen code through icmp_send, or a TCP RST built like tcp_v4_send_reset.
 */
import type { Net } from './netns.js';
import type { SkBuff } from './skb.js';
import type { RejectWith } from './netfilter/rule.js';
import { icmpSend, ICMP_DEST_UNREACH } from './icmp.js';
import { sendReset } from './sockets/tcp.js';

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
    if (skb.tcp) sendReset(net, skb);
    return;
  }
  const local = net.addrOwner(skb.ip.dst) !== undefined;
  icmpSend(net, skb, ICMP_DEST_UNREACH, CODES[how], 0, local);
}
