/**
 * The device layer between the protocols and the links: dev_queue_xmit (per-kind transmit: veth to
 * its peer, loopback to itself, bridge into its forwarding path) and netif_receive_skb (frame taps,
 * eth_type_trans, the bridge rx_handler, then protocol dispatch to ARP or IPv4).
 */
import type { NetDevice } from './netdevice.js';
import { ETH_P_ARP, ETH_P_IP, PktType, type SkBuff } from './skb.js';
import { DROP } from './drops.js';
import { frameBytes } from './skb_bytes.js';
import { brDevXmit, brHandleFrame } from './bridge.js';
import { arpRcv } from './arp.js';
import { ipRcv } from './ip_input.js';
import { vxlanXmit } from './vxlan_xmit.js';

const VLAN_HLEN = 4;

function tap(dev: NetDevice, skb: SkBuff, direction: 'in' | 'out'): void {
  const env = dev.net.env;
  const sink = env.frame;
  if (sink) sink({ t: env.now(), host: env.hostName, netns: dev.net.label(), dev: dev.name, direction, bytes: frameBytes(skb) });
}

/** dev_queue_xmit's positive return codes (NET_XMIT_*). */
export const NET_XMIT_SUCCESS = 0;
export const NET_XMIT_DROP = 1;
export const NET_XMIT_CN = 2;

/**
 * dev_queue_xmit: the frame leaves `dev`. Returns the NET_XMIT_* code the driver reported, which
 * travels back up through neighbour output and ip_local_out to the sending socket.
 */
export function devQueueXmit(dev: NetDevice, skb: SkBuff): number {
  const net = dev.net;
  if (!dev.adminUp) {
    net.trace('drop', DROP.DEV_DOWN, `${dev.name} is down`, dev, skb);
    return NET_XMIT_SUCCESS;
  }
  skb.dev = dev;
  // br_netfilter's "already saw PREROUTING" mark belongs to this namespace's bridge path only.
  if (skb.nfBridged) skb.nfBridged = false;
  dev.txPackets++;
  if (net.env.frame) tap(dev, skb, 'out');
  if (net.env.trace) net.trace('tx', 'xmit', `${dev.name} transmits`, dev, skb);
  switch (dev.kind) {
    case 'ether':
    case 'veth': {
      const peer = dev.peer;
      // veth_xmit drops when the peer is not up (the carrier of this end is off then too).
      if (!peer || !peer.adminUp) {
        net.trace('drop', DROP.NO_CARRIER, `veth peer of ${dev.name} is down`, dev, skb);
        return NET_XMIT_SUCCESS;
      }
      // is_skb_forwardable on the peer: the frame may exceed its MTU by a VLAN tag at most.
      if (skb.ip && skb.ip.totalLen > peer.mtu + VLAN_HLEN) {
        net.trace('drop', DROP.MTU_EXCEEDED, `${skb.ip.totalLen} bytes exceed ${peer.name} mtu ${peer.mtu}`, peer, skb);
        // WHY: veth_xmit answers a failed veth_forward_skb (here __dev_forward_skb's
        // is_skb_forwardable) with NET_XMIT_DROP, and on a noqueue device dev_queue_xmit hands
        // that straight back; ip_send_skb turns it into -ENOBUFS (net_xmit_errno), so a raw or
        // ping socket's sendmsg fails ("ping: sendmsg: No buffer space available").
        return NET_XMIT_DROP;
      }
      skb.dev = peer;
      peer.net.env.soon(netifReceive as (a: unknown) => void, skb);
      return NET_XMIT_SUCCESS;
    }
    case 'loopback':
      net.env.soon(netifReceive as (a: unknown) => void, skb);
      return NET_XMIT_SUCCESS;
    case 'bridge':
      brDevXmit(dev, skb);
      return NET_XMIT_SUCCESS;
    case 'vxlan':
      // Overlay hook: FDB lookup and UDP encapsulation into the underlay (vxlan_xmit.ts).
      vxlanXmit(dev, skb);
      return NET_XMIT_SUCCESS;
    default:
      // dummy and unmodelled kinds swallow what they are given.
      return NET_XMIT_SUCCESS;
  }
}

/** eth_type_trans: classify by destination MAC. */
function pktTypeOf(dev: NetDevice, dst: string): PktType {
  if (dst === dev.mac) return PktType.HOST;
  if (dst === 'ff:ff:ff:ff:ff:ff') return PktType.BROADCAST;
  if ((parseInt(dst.slice(0, 2), 16) & 1) === 1) return PktType.MULTICAST;
  return PktType.OTHERHOST;
}

/** netif_receive_skb on skb.dev. */
export function netifReceive(skb: SkBuff): void {
  const dev = skb.dev!;
  const net = dev.net;
  if (!dev.adminUp) {
    net.trace('drop', DROP.DEV_DOWN, `${dev.name} is down`, dev, skb);
    return;
  }
  dev.rxPackets++;
  if (net.env.frame) tap(dev, skb, 'in');
  if (net.env.trace) net.trace('rx', 'receive', `${dev.name} receives`, dev, skb);
  skb.pktType = pktTypeOf(dev, skb.ethDst);
  if (dev.master) {
    brHandleFrame(dev, skb);
    return;
  }
  deliverToProtocols(dev, skb);
}

/** The protocol handlers (ptype_base) for a frame the device itself receives. */
export function deliverToProtocols(dev: NetDevice, skb: SkBuff): void {
  skb.dev = dev;
  if (skb.ethertype === ETH_P_IP) ipRcv(dev, skb);
  else if (skb.ethertype === ETH_P_ARP) arpRcv(dev, skb);
}
