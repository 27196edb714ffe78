/**
 * Network devices (struct net_device) of the kinds podnet models: their identity, MTU limits,
 * administrative and carrier state, and the per-kind facts `ip link` prints (flags, operstate, qdisc).
 */
import type { LinkFlag, LinkKind, OperState } from './api.js';
import type { Net } from './netns.js';
import type { BridgeState, BridgePort } from './bridge.js';
import type { InDevice } from './devinet.js';
import type { Addrconf } from './addrconf.js';

/** Per-kind MTU defaults and limits (dev->min_mtu / max_mtu) as `ip -d link` reports them on 6.x. */
const MTU: Record<string, { mtu: number; min: number; max: number }> = {
  // loopback: min 0 / max 0 means "no limit": `ip link set lo mtu 100000` and `mtu 0` both succeed.
  loopback: { mtu: 65536, min: 0, max: 0 },
  veth: { mtu: 1500, min: 68, max: 65535 },
  bridge: { mtu: 1500, min: 68, max: 65535 },
  dummy: { mtu: 1500, min: 0, max: 0 },
  vxlan: { mtu: 1450, min: 68, max: 65535 },
  ipip: { mtu: 1480, min: 68, max: 65515 },
  // A cabled NIC of the underlay (virtio-net-like limits).
  ether: { mtu: 1500, min: 68, max: 65535 },
};

export class NetDevice {
  mtu: number;
  readonly minMtu: number;
  readonly maxMtu: number;
  adminUp = false;
  /** IFF_NOARP. */
  noarp: boolean;
  txqlen = 1000;
  alias: string | undefined;
  /** dev->promiscuity: how many users want promiscuous mode (a bridge for each port, the user). */
  promisc = 0;
  /** IFF_PROMISC in dev->gflags: the user's own promisc on/off, counted once however often it is set. */
  promiscFlag = false;
  /** veth peer. */
  peer: NetDevice | undefined;
  /** Bridge this device is a port of. */
  master: NetDevice | undefined;
  /** Set on bridge devices. */
  br: BridgeState | undefined;
  /** Set on bridge ports. */
  brport: BridgePort | undefined;
  /** IPv6 link-local and multicast membership facts (addrconf.ts). */
  addrconf: Addrconf | undefined;
  /** IPv4 configuration (in_device): addresses and conf.* sysctls. */
  inDev!: InDevice;
  /**
   * dev->operstate as linkwatch last computed it on a carrier-off event (rfc2863_policy): an up veth
   * without carrier shows it. It is latched: later changes elsewhere do not recompute it.
   */
  operLatch: OperState = 'DOWN';
  /** A default qdisc was attached (first up) and not shut down since. */
  qdiscAttached = false;
  /** Counters a benchmark or test can read. */
  rxPackets = 0;
  txPackets = 0;

  constructor(
    public net: Net,
    public ifindex: number,
    public name: string,
    public readonly kind: LinkKind,
    public mac: string,
  ) {
    const m = MTU[kind] ?? MTU.ether!;
    this.mtu = m.mtu;
    this.minMtu = m.min;
    this.maxMtu = m.max;
    this.noarp = kind === 'loopback' || kind === 'dummy' || kind === 'ipip';
  }

  /** netif_carrier_ok(). */
  carrier(): boolean {
    switch (this.kind) {
      case 'veth':
      case 'ether':
        // veth_open/veth_close: a veth has carrier only while its peer is administratively up;
        // a cabled NIC likewise sees link only while the far end is up.
        return this.peer !== undefined && this.peer.adminUp;
      case 'bridge':
        return this.br!.carrierOn;
      default:
        return true;
    }
  }

  /**
   * The __LINK_STATE_NOCARRIER bit itself, as default_operstate reads it on another device: a veth
   * has it only while both ends are up (veth_open/veth_close).
   */
  carrierBit(): boolean {
    if (this.kind === 'veth') return this.adminUp && this.carrier();
    return this.carrier();
  }

  /**
   * default_operstate (net/core/link_watch.c, 6.18) for a device without carrier, run when a
   * carrier-off event reaches linkwatch: LOWERLAYERDOWN only when the device's iflink (a veth's peer
   * ifindex, veth_get_iflink) differs from its own ifindex and names a device *in this device's
   * namespace* (__dev_get_by_index(dev_net(dev), iflink)) whose carrier is off. A peer in another
   * namespace is therefore looked up by its index among this namespace's devices.
   */
  latchOperstate(): void {
    const iflink = this.peer ? this.peer.ifindex : 0;
    if (iflink === this.ifindex) {
      this.operLatch = 'DOWN';
      return;
    }
    const lower = this.net.byIndex.get(iflink);
    this.operLatch = lower === undefined || lower.carrierBit() ? 'DOWN' : 'LOWERLAYERDOWN';
  }

  /** netif_running() && netif_carrier_ok(): the device can move frames. */
  isRunning(): boolean {
    return this.adminUp && this.carrier();
  }

  flags(): LinkFlag[] {
    const f: LinkFlag[] = [];
    const up = this.adminUp;
    const carrier = this.carrier();
    // iproute2 prints NO-CARRIER first when IFF_UP is set without IFF_RUNNING.
    if (up && !carrier) f.push('NO-CARRIER');
    if (this.kind === 'loopback') f.push('LOOPBACK');
    else if (this.kind === 'ipip') f.push('POINTOPOINT');
    else f.push('BROADCAST');
    if (this.kind !== 'loopback' && this.kind !== 'dummy' && this.kind !== 'ipip') f.push('MULTICAST');
    if (this.noarp && this.kind !== 'loopback') f.push('NOARP');
    // dev_get_flags reports IFF_PROMISC from gflags: set by the user, not by a bridge taking the port.
    if (this.promiscFlag) f.push('PROMISC');
    if (up) f.push('UP');
    if (up && carrier) f.push('LOWER_UP');
    // M-DOWN is iproute2's rendering of "the IFLA_LINK device (veth peer) is down"; it can only
    // look the peer up when it lives in the same namespace.
    if (this.kind === 'veth' && this.peer && this.peer.net === this.net && !this.peer.adminUp) f.push('M-DOWN');
    return f;
  }

  operstate(): OperState {
    if (!this.adminUp) return 'DOWN';
    if (this.kind === 'loopback' || this.kind === 'dummy') return 'UNKNOWN';
    if (this.kind === 'veth') return this.carrier() ? 'UP' : this.operLatch;
    if (this.kind === 'ether') return this.carrier() ? 'UP' : 'DOWN';
    if (this.kind === 'bridge') {
      // A bridge that never had a port reports UNKNOWN with carrier (6.x); once ports exist its
      // state follows them: UP with a running port, DOWN with none.
      if (!this.br!.hadPorts) return 'UNKNOWN';
      return this.carrier() ? 'UP' : 'DOWN';
    }
    return this.carrier() ? 'UNKNOWN' : 'DOWN';
  }

  qdisc(): string {
    // dev->qdisc is noop_qdisc until the first dev_activate attaches the default one
    // (attach_default_qdiscs); dev_deactivate only swaps the tx queues' qdiscs, so `ip link` keeps
    // printing it after the device goes down. dev_shutdown (a netns move) puts noop back.
    if (!this.adminUp && !this.qdiscAttached) return 'noop';
    // Real NICs get the default qdisc (pfifo_fast on Debian 12); virtual devices have none.
    return this.kind === 'ether' ? 'pfifo_fast' : 'noqueue';
  }

  linkType(): string {
    if (this.kind === 'loopback') return 'loopback';
    if (this.kind === 'ipip') return 'ipip';
    return 'ether';
  }
}
