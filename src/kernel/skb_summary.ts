/**
 * One-line, tcpdump-like summaries of a packet buffer for trace events, built from the parsed
 * headers (never from bytes), so tracing does not force an encode.
 */
import type { SkBuff } from './skb.js';
import { ETH_P_ARP, TCP_ACK } from './skb.js';
import { formatIpv4 as ip4 } from '../wire/addr.js';
// The skb keeps TCP flags as the header's flag byte, so wire's tcpdump-ordered rendering applies as is.
import { tcpFlagString as tcpFlags } from '../wire/summary.js';

export function summarize(skb: SkBuff): string {
  if (skb.ethertype === ETH_P_ARP && skb.arp) {
    const a = skb.arp;
    return a.op === 1 ? `ARP, Request who-has ${ip4(a.targetIp)} tell ${ip4(a.senderIp)}, length 28` : `ARP, Reply ${ip4(a.senderIp)} is-at ${a.senderMac}, length 28`;
  }
  const ip = skb.ip;
  if (!ip) return `ethertype 0x${skb.ethertype.toString(16).padStart(4, '0')}`;
  const frag = ip.fragOff || ip.mf ? ` (frag ${ip.id}:${ip.totalLen - 20}@${ip.fragOff}${ip.mf ? '+' : ''})` : '';
  if (ip.fragOff) return `IP ${ip4(ip.src)} > ${ip4(ip.dst)}: ip-proto-${ip.protocol}${frag}`;
  if (skb.icmp) {
    const h = skb.icmp;
    let what: string;
    switch (h.type) {
      case 8:
        what = `ICMP echo request, id ${h.id}, seq ${h.seq}, length ${8 + skb.payload.length}`;
        break;
      case 0:
        what = `ICMP echo reply, id ${h.id}, seq ${h.seq}, length ${8 + skb.payload.length}`;
        break;
      case 3: {
        const q = h.quote?.skb.ip;
        const names = ['net', 'host', 'protocol', 'port'];
        if (h.code === 4) what = `ICMP ${q ? ip4(q.dst) : '?'} unreachable - need to frag (mtu ${h.mtu})`;
        else if (h.code <= 3) what = `ICMP ${q ? ip4(q.dst) : '?'} ${names[h.code]} ${q ? '' : ''}unreachable`;
        else what = `ICMP ${q ? ip4(q.dst) : '?'} unreachable code ${h.code}`;
        break;
      }
      case 11:
        what = `ICMP time exceeded in-transit`;
        break;
      default:
        what = `ICMP type ${h.type} code ${h.code}`;
    }
    return `IP ${ip4(ip.src)} > ${ip4(ip.dst)}: ${what}${frag}`;
  }
  if (skb.udp) return `IP ${ip4(ip.src)}.${skb.udp.sport} > ${ip4(ip.dst)}.${skb.udp.dport}: UDP, length ${skb.payload.length}${frag}`;
  if (skb.tcp) {
    const t = skb.tcp;
    return `IP ${ip4(ip.src)}.${t.sport} > ${ip4(ip.dst)}.${t.dport}: Flags [${tcpFlags(t.flags)}], seq ${t.seq}${t.flags & TCP_ACK ? `, ack ${t.ack}` : ''}, length ${skb.payload.length}`;
  }
  return `IP ${ip4(ip.src)} > ${ip4(ip.dst)}: ip-proto-${ip.protocol}`;
}
