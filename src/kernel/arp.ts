/**
 * ARP input (arp_rcv / arp_process): answering requests for local addresses per arp_ignore,
 * proxy ARP (proxy_arp and proxy neighbour entries, with proxy_delay for broadcast requests), and
 * updating the neighbour table from requests and replies.
 */
import type { NetDevice } from './netdevice.js';
import { PktType, type SkBuff } from './skb.js';
import { arpSend, NEIGH_UPDATE_F_OVERRIDE, NUD_REACHABLE, NUD_STALE } from './neighbour.js';
import { ipRouteInput } from './route.js';
import { DROP } from './drops.js';
import { formatIpv4 } from '../wire/addr.js';
import { Scope } from './devinet.js';

const ARPOP_REQUEST = 1;
const ARPOP_REPLY = 2;

export function arpRcv(dev: NetDevice, skb: SkBuff): void {
  const net = dev.net;
  const arp = skb.arp;
  if (!arp) return;
  if (dev.noarp || skb.pktType === PktType.OTHERHOST) {
    net.trace('drop', DROP.OTHERHOST, 'ARP not for this device', dev, skb);
    return;
  }
  const sip = arp.senderIp;
  const tip = arp.targetIp;
  if (tip >>> 28 === 0xe || sip >>> 28 === 0xe) return;
  if (net.env.trace) net.trace('arp', arp.op === ARPOP_REQUEST ? 'rx-request' : 'rx-reply', arp.op === ARPOP_REQUEST ? `who-has ${formatIpv4(tip)} tell ${formatIpv4(sip)}` : `${formatIpv4(sip)} is-at ${arp.senderMac}`, dev, skb);

  // RFC 2131 duplicate address detection probe: sender 0.0.0.0.
  if (sip === 0) {
    if (arp.op === ARPOP_REQUEST && isLocalOn(dev, tip) && !arpIgnore(dev, sip, tip)) arpSend(net, dev, ARPOP_REPLY, sip, tip, arp.senderMac, arp.senderMac);
    return;
  }

  if (arp.op === ARPOP_REQUEST) {
    const r = ipRouteInput(net, tip, sip, 0, dev);
    if (r.kind === 'local') {
      if (arpIgnore(dev, sip, tip)) {
        net.trace('drop', DROP.ARP_IGNORED, `arp_ignore ${net.devConf(dev, 'arp_ignore')} on ${dev.name}`, dev, skb);
        return;
      }
      const n = net.neigh.create(dev, sip);
      net.neigh.update(n, arp.senderMac, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
      arpSend(net, dev, ARPOP_REPLY, sip, tip, arp.senderMac, arp.senderMac);
      return;
    }
    if (r.kind === 'forward' && net.devConf(dev, 'forwarding')) {
      const viaOther = r.rt.dev !== dev;
      const proxy = (viaOther && net.devConf(dev, 'proxy_arp') === 1) || (viaOther && net.neigh.isProxied(tip, dev));
      if (proxy) {
        const n = net.neigh.create(dev, sip);
        net.neigh.update(n, arp.senderMac, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
        const delay = net.parmsOf(dev).proxyDelayMs();
        const reply = (): void => {
          net.trace('arp', 'proxy-reply', `proxy ARP for ${formatIpv4(tip)} on ${dev.name}`, dev, skb);
          arpSend(net, dev, ARPOP_REPLY, sip, tip, arp.senderMac, arp.senderMac);
        };
        // pneigh_enqueue: broadcast requests are answered after a random delay below proxy_delay.
        if (skb.pktType === PktType.HOST || delay === 0) reply();
        else net.env.after(Math.floor(net.env.random() * delay), reply);
        return;
      }
    }
  }

  // Update our ARP tables: only an existing entry (arp_accept = 0), and only replies unicast to us
  // assert reachability; requests and broadcast replies leave it STALE.
  const n = net.neigh.lookup(dev, sip);
  if (n) {
    const state = arp.op !== ARPOP_REPLY || skb.pktType !== PktType.HOST ? NUD_STALE : NUD_REACHABLE;
    const locktime = net.parmsOf(dev).num('locktime') * 10;
    const override = net.env.now() > n.updated + locktime || tip === sip;
    net.neigh.update(n, arp.senderMac, state, override ? NEIGH_UPDATE_F_OVERRIDE : 0);
  }
}

function isLocalOn(dev: NetDevice, ip: number): boolean {
  return dev.net.addrOwner(ip) !== undefined;
}

/** arp_ignore: 0 answers for any local address, 1 only for addresses on the receiving device, 2 also requires the sender in its subnet. */
function arpIgnore(dev: NetDevice, sip: number, tip: number): boolean {
  const mode = dev.net.devConf(dev, 'arp_ignore');
  switch (mode) {
    case 0:
      return false;
    case 1:
      return !dev.inDev.addrs.some((a) => a.local === tip);
    case 2:
      return !dev.inDev.addrs.some((a) => a.local === tip && ((a.address ^ sip) & a.mask) === 0);
    case 8:
      return true;
    default:
      return mode > 8 ? false : !dev.inDev.addrs.some((a) => a.local === tip && a.scope <= Scope.LINK);
  }
}
