/**
 * The ARP neighbour table (net/core/neighbour.c + net/ipv4/arp.c output side): entries with their
 * NUD state machine on virtual time, the unresolved queue, solicitations, proxy entries, and the
 * link-failure report when resolution fails.
 */
// First import on purpose: these constants must exist before the import cycle through icmp.ts
// (neighbour -> icmp -> ip_output -> dev -> vxlan_xmit -> neighbour) reaches modules that read them
// at load time.
import { NUD_INCOMPLETE, NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE, NUD_FAILED, NUD_NOARP, NUD_PERMANENT, NUD_NONE } from './neigh_state.js';
export { NUD_INCOMPLETE, NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE, NUD_FAILED, NUD_NOARP, NUD_PERMANENT, NUD_NONE } from './neigh_state.js';
import type { NeighState } from './api.js';
import type { NetDevice } from './netdevice.js';
import type { Net } from './netns.js';
import type { TimerHandle } from './env.js';
import { ETH_P_ARP, ETH_P_IP, newSkb, type SkBuff } from './skb.js';
import { devQueueXmit } from './dev.js';
import { DROP } from './drops.js';
import { icmpSend, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH } from './icmp.js';
import { formatIpv4 } from '../wire/addr.js';
import { BROADCAST_MAC, ZERO_MAC } from '../wire/addr.js';

/** CONFIG_HZ of the reference kernel (250): a jiffy is 4 ms. */
const JIFFY_MS = 4;
/** The timer wheel's levels: 64 buckets each, every level 8 times coarser (LVL_CLK_SHIFT 3). */
const LVL_BITS = 6;
const LVL_CLK_SHIFT = 3;

/**
 * When a timer armed at `now` for `at` really fires (kernel/time/timer.c calc_wheel_index): the
 * expiry in jiffies lands in the level its distance selects, and calc_index rounds it up to the
 * next boundary of that level's granularity so it never fires early. WHY it matters: a 1 s ARP
 * retransmit (250 jiffies, level 1, 8-jiffy buckets) fires 4-32 ms late, and the lateness adds up
 * over the probes, so resolution fails ~3.05 s after the first probe, not at 3 s (measured: a ping
 * to an absent on-link host reports Destination Host Unreachable after 3.06 s); three back-to-back
 * `ping -W 1` runs behind one INCOMPLETE entry end before it fails.
 */
export function timerWheelExpiry(now: number, at: number): number {
  const clk = Math.floor(now / JIFFY_MS);
  const expires = clk + Math.max(0, Math.ceil((at - now) / JIFFY_MS - 1e-9));
  const delta = expires - clk;
  let lvl = 0;
  while (lvl < 8 && delta >= ((1 << LVL_BITS) - 1) << (lvl * LVL_CLK_SHIFT)) lvl++;
  const shift = lvl * LVL_CLK_SHIFT;
  const bucket = lvl === 0 ? expires : ((expires >> shift) + 1) << shift;
  return Math.max(at, bucket * JIFFY_MS);
}

const NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
const NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
const NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

export const NEIGH_UPDATE_F_OVERRIDE = 1;
export const NEIGH_UPDATE_F_WEAK_OVERRIDE = 2;
export const NEIGH_UPDATE_F_ADMIN = 0x80000000;

export function nudName(s: number): NeighState {
  switch (s) {
    case NUD_INCOMPLETE:
      return 'INCOMPLETE';
    case NUD_REACHABLE:
      return 'REACHABLE';
    case NUD_STALE:
      return 'STALE';
    case NUD_DELAY:
      return 'DELAY';
    case NUD_PROBE:
      return 'PROBE';
    case NUD_FAILED:
      return 'FAILED';
    case NUD_NOARP:
      return 'NOARP';
    case NUD_PERMANENT:
      return 'PERMANENT';
    default:
      return 'NONE';
  }
}

export function nudFromName(s: NeighState): number {
  switch (s) {
    case 'INCOMPLETE':
      return NUD_INCOMPLETE;
    case 'REACHABLE':
      return NUD_REACHABLE;
    case 'STALE':
      return NUD_STALE;
    case 'DELAY':
      return NUD_DELAY;
    case 'PROBE':
      return NUD_PROBE;
    case 'FAILED':
      return NUD_FAILED;
    case 'NOARP':
      return NUD_NOARP;
    case 'PERMANENT':
      return NUD_PERMANENT;
    default:
      return NUD_NONE;
  }
}

export class Neighbour {
  lladdr: string | undefined;
  state = NUD_NONE;
  probes = 0;
  timer: TimerHandle | undefined;
  confirmed = 0;
  updated = 0;
  used = 0;
  router = false;
  queue: SkBuff[] = [];
  queueBytes = 0;
  /** Entries the kernel made for a broadcast/local destination (arp_constructor NOARP). */
  constructor(
    public readonly ip: number,
    public readonly dev: NetDevice,
  ) {}
}

/** Rough skb truesize for unres_qlen_bytes accounting: data plus sk_buff and shared info overhead. */
const SKB_OVERHEAD = 768;

export class NeighTable {
  private byDev = new Map<NetDevice, Map<number, Neighbour>>();
  /** Proxy entries (pneigh): dev null means "any device". */
  readonly proxies: { ip: number; dev: NetDevice | undefined }[] = [];
  private reach = new Map<NetDevice, { value: number; drawnAt: number }>();

  constructor(private readonly net: Net) {}

  lookup(dev: NetDevice, ip: number): Neighbour | undefined {
    return this.byDev.get(dev)?.get(neighKey(dev, ip));
  }

  /** neigh_lookup with the key as given (RTM_DELNEIGH): no loopback folding to 0.0.0.0. */
  lookupExact(dev: NetDevice, ip: number): Neighbour | undefined {
    return this.byDev.get(dev)?.get(ip);
  }

  /** __neigh_create with arp_constructor: broadcast/loopback destinations become NOARP at once. */
  create(dev: NetDevice, ipIn: number): Neighbour {
    const ip = neighKey(dev, ipIn);
    let m = this.byDev.get(dev);
    if (!m) {
      m = new Map();
      this.byDev.set(dev, m);
    }
    let n = m.get(ip);
    if (n) return n;
    n = new Neighbour(ip, dev);
    const now = this.net.env.now();
    n.updated = now;
    n.used = now;
    if (dev.noarp || dev.kind === 'loopback') {
      n.state = NUD_NOARP;
      n.lladdr = dev.kind === 'loopback' ? ZERO_MAC : dev.mac;
    } else if (ip === 0xffffffff || this.isBroadcastFor(dev, ip)) {
      n.state = NUD_NOARP;
      n.lladdr = BROADCAST_MAC;
    } else if (ip >>> 28 === 0xe) {
      n.state = NUD_NOARP;
      n.lladdr = `01:00:5e:${hex((ip >>> 16) & 0x7f)}:${hex((ip >>> 8) & 0xff)}:${hex(ip & 0xff)}`;
    }
    m.set(ip, n);
    return n;
  }

  private isBroadcastFor(dev: NetDevice, ip: number): boolean {
    const local = this.net.tables.get(255)?.find(ip, 32);
    return local?.some((e) => e.type === 'broadcast') ?? false;
  }

  remove(n: Neighbour): void {
    n.timer?.cancel();
    n.timer = undefined;
    this.dropQueue(n);
    this.byDev.get(n.dev)?.delete(n.ip);
  }

  entries(): Neighbour[] {
    const out: Neighbour[] = [];
    for (const m of this.byDev.values()) for (const n of m.values()) out.push(n);
    return out;
  }

  /** neigh_ifdown / neigh_carrier_down: flush a device's entries (keeping permanent ones on carrier loss). */
  ifdown(dev: NetDevice, skipPerm = false): void {
    const m = this.byDev.get(dev);
    if (m) {
      for (const n of [...m.values()]) {
        if (skipPerm && n.state === NUD_PERMANENT) continue;
        this.remove(n);
      }
      if (m.size === 0) this.byDev.delete(dev);
    }
    if (!skipPerm) {
      for (let i = this.proxies.length - 1; i >= 0; i--) if (this.proxies[i]!.dev === dev) this.proxies.splice(i, 1);
    }
  }

  /** neigh->parms->reachable_time: redrawn in [base/2, 3*base/2) every 300 s (neigh_periodic_work). */
  reachableTime(dev: NetDevice): number {
    const now = this.net.env.now();
    let r = this.reach.get(dev);
    if (!r || now - r.drawnAt >= 300_000) {
      const base = this.net.parmsOf(dev).baseReachableMs();
      r = { value: base ? Math.floor(this.net.env.random() * base) + (base >> 1) : 0, drawnAt: now };
      this.reach.set(dev, r);
    }
    return r.value;
  }

  private setTimer(n: Neighbour, at: number): void {
    n.timer?.cancel();
    const now = this.net.env.now();
    n.timer = this.net.env.after(Math.max(0, timerWheelExpiry(now, at) - now), () => this.timerHandler(n));
  }

  /** neigh_timer_handler. */
  private timerHandler(n: Neighbour): void {
    n.timer = undefined;
    const now = this.net.env.now();
    const parms = this.net.parmsOf(n.dev);
    let next = now + 1000;
    const state = n.state;
    if (!(state & NUD_IN_TIMER)) return;
    if (state & NUD_REACHABLE) {
      const reach = this.reachableTime(n.dev);
      if (now <= n.confirmed + reach) {
        next = n.confirmed + reach;
      } else if (now <= n.used + parms.delayFirstProbeMs()) {
        this.setState(n, NUD_DELAY);
        n.updated = now;
        next = now + parms.delayFirstProbeMs();
      } else {
        this.setState(n, NUD_STALE);
      }
    } else if (state & NUD_DELAY) {
      if (now <= n.confirmed + parms.delayFirstProbeMs()) {
        this.setState(n, NUD_REACHABLE);
        n.updated = now;
        next = n.confirmed + this.reachableTime(n.dev);
      } else {
        this.setState(n, NUD_PROBE);
        n.updated = now;
        n.probes = 0;
        next = now + Math.max(parms.retransMs(), 10);
      }
    } else {
      next = now + Math.max(parms.retransMs(), 10);
    }
    if (n.state & (NUD_INCOMPLETE | NUD_PROBE) && n.probes >= this.maxProbes(n)) {
      this.setState(n, NUD_FAILED);
      n.updated = now;
      this.invalidate(n);
      return;
    }
    if (n.state & NUD_IN_TIMER) this.setTimer(n, Math.max(next, now + 10));
    if (n.state & (NUD_INCOMPLETE | NUD_PROBE)) this.probe(n);
  }

  private setState(n: Neighbour, s: number): void {
    if (n.state !== s) {
      const from = nudName(n.state);
      n.state = s;
      this.net.trace('neigh', nudName(s).toLowerCase(), `${formatIpv4(n.ip)} ${from} -> ${nudName(s)}${n.lladdr ? ' lladdr ' + n.lladdr : ''}`, n.dev);
    }
  }

  private maxProbes(n: Neighbour): number {
    const p = this.net.parmsOf(n.dev);
    // MCAST_REPROBES is 0 by default, so a PROBE-state entry gets ucast_solicit tries only.
    return p.ucastProbes() + p.appProbes() + (n.state & NUD_PROBE ? 0 : p.mcastProbes());
  }

  /** neigh_probe -> arp_solicit: broadcast while INCOMPLETE, unicast to the known address in PROBE. */
  private probe(n: Neighbour): void {
    const parms = this.net.parmsOf(n.dev);
    const last = n.queue[n.queue.length - 1];
    const probes = n.probes - parms.ucastProbes();
    n.probes++;
    const dst = probes < 0 && n.lladdr ? n.lladdr : undefined;
    arpSolicit(this.net, n.dev, n.ip, last, dst);
  }

  /** neigh_invalidate: every queued packet is reported as a link failure (ICMP host unreachable). */
  private invalidate(n: Neighbour): void {
    const q = n.queue;
    n.queue = [];
    n.queueBytes = 0;
    for (const skb of q) {
      this.net.trace('drop', DROP.NEIGH_FAILED, `no ARP reply for ${formatIpv4(n.ip)} after ${n.probes} probes`, n.dev, skb);
      linkFailure(this.net, skb);
    }
  }

  private dropQueue(n: Neighbour): void {
    n.queue = [];
    n.queueBytes = 0;
  }

  /** __neigh_event_send: start or continue resolution; true when the skb was queued (or dropped). */
  private eventSend(n: Neighbour, skb: SkBuff): boolean {
    const now = this.net.env.now();
    const parms = this.net.parmsOf(n.dev);
    if (n.state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) return false;
    if (!(n.state & (NUD_STALE | NUD_INCOMPLETE))) {
      if (parms.mcastProbes() + parms.appProbes()) {
        n.probes = parms.ucastProbes();
        this.setState(n, NUD_INCOMPLETE);
        n.updated = now;
        this.setTimer(n, now + Math.max(parms.retransMs(), 10));
        this.enqueue(n, skb);
        this.probe(n);
        return true;
      }
      this.setState(n, NUD_FAILED);
      n.updated = now;
      this.net.trace('drop', DROP.NEIGH_FAILED, `no probes allowed for ${formatIpv4(n.ip)}`, n.dev, skb);
      return true;
    }
    if (n.state === NUD_STALE) {
      this.setState(n, NUD_DELAY);
      n.updated = now;
      this.setTimer(n, now + parms.delayFirstProbeMs());
      return false;
    }
    // INCOMPLETE: queue behind the pending resolution.
    this.enqueue(n, skb);
    return true;
  }

  private enqueue(n: Neighbour, skb: SkBuff): void {
    const limit = this.net.parmsOf(n.dev).num('unres_qlen_bytes');
    const size = (skb.ip?.totalLen ?? 0) + SKB_OVERHEAD;
    while (n.queue.length > 0 && n.queueBytes + size > limit) {
      const old = n.queue.shift()!;
      n.queueBytes -= (old.ip?.totalLen ?? 0) + SKB_OVERHEAD;
      this.net.trace('drop', DROP.NEIGH_QUEUEFULL, `unresolved queue for ${formatIpv4(n.ip)} full`, n.dev, old);
    }
    n.queue.push(skb);
    n.queueBytes += size;
  }

  /** neigh_output / neigh_resolve_output for an IPv4 packet to next hop `nh` on dev. */
  /**
   * Returns dev_queue_xmit's NET_XMIT_* code when the frame went straight out; a frame parked
   * behind an unresolved neighbour reports success (0), as neigh_resolve_output does.
   */
  output(dev: NetDevice, nh: number, skb: SkBuff): number {
    const n = this.lookup(dev, nh) ?? this.create(dev, nh);
    n.used = this.net.env.now();
    if (n.state & NUD_CONNECTED) {
      this.fill(n, skb);
      return devQueueXmit(dev, skb);
    }
    if (this.eventSend(n, skb)) {
      this.net.trace('neigh', 'queue', `waiting for ARP reply from ${formatIpv4(nh)} (${nudName(n.state)})`, dev, skb);
      return 0;
    }
    this.fill(n, skb);
    return devQueueXmit(dev, skb);
  }

  private fill(n: Neighbour, skb: SkBuff): void {
    skb.ethDst = n.lladdr!;
    skb.ethSrc = n.dev.mac;
    skb.ethertype = ETH_P_IP;
    skb.bytes = undefined;
  }

  /** neigh_update (see the kernel's comments for the override rules reproduced here). */
  update(n: Neighbour, lladdr: string | undefined, newState: number, flags: number): void {
    const now = this.net.env.now();
    const old = n.state;
    if (!(flags & NEIGH_UPDATE_F_ADMIN) && old & (NUD_NOARP | NUD_PERMANENT)) return;
    if (!(newState & NUD_VALID)) {
      n.timer?.cancel();
      n.timer = undefined;
      this.setState(n, newState);
      if (old & (NUD_INCOMPLETE | NUD_PROBE) && newState & NUD_FAILED) this.invalidate(n);
      return;
    }
    let ll = lladdr;
    if (ll === undefined) {
      if (!(old & NUD_VALID)) return;
      ll = n.lladdr;
    }
    if (newState & NUD_CONNECTED) n.confirmed = now;
    let state = newState;
    if (old & NUD_VALID) {
      if (ll !== n.lladdr && !(flags & NEIGH_UPDATE_F_OVERRIDE)) {
        if (flags & NEIGH_UPDATE_F_WEAK_OVERRIDE && old & NUD_CONNECTED) {
          ll = n.lladdr;
          state = NUD_STALE;
        } else return;
      } else if (ll === n.lladdr && state === NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN)) {
        state = old;
      }
    }
    if (state !== old || ll !== n.lladdr) n.updated = now;
    if (state !== old) {
      n.timer?.cancel();
      n.timer = undefined;
      if (state & NUD_PROBE) n.probes = 0;
      if (state & NUD_IN_TIMER) this.setTimer(n, now + (state & NUD_REACHABLE ? this.reachableTime(n.dev) : 0));
      this.setState(n, state);
    }
    if (ll !== n.lladdr) {
      n.lladdr = ll;
      if (!(state & NUD_CONNECTED)) n.confirmed = now - 2 * this.net.parmsOf(n.dev).baseReachableMs();
    }
    if (state === old) return;
    if (!(old & NUD_VALID)) {
      const q = n.queue;
      n.queue = [];
      n.queueBytes = 0;
      for (const skb of q) {
        this.fill(n, skb);
        devQueueXmit(n.dev, skb);
      }
    }
  }

  /** Confirmation from an upper layer (TCP ACK progress: dst_confirm_neigh). */
  confirm(dev: NetDevice, ip: number): void {
    const n = this.lookup(dev, ip);
    if (n && n.state & (NUD_REACHABLE | NUD_DELAY | NUD_PROBE | NUD_STALE)) n.confirmed = this.net.env.now();
  }

  isProxied(ip: number, dev: NetDevice): boolean {
    return this.proxies.some((p) => p.ip === ip && (p.dev === undefined || p.dev === dev));
  }
}

/**
 * ip_neigh_gw4 / arp_hashfn: on loopback and point-to-point devices every next hop is the same
 * neighbour, keyed 0.0.0.0 ("0.0.0.0 dev lo lladdr ... PERMANENT" in `ip neigh`).
 */
function neighKey(dev: NetDevice, ip: number): number {
  return dev.kind === 'loopback' || dev.kind === 'ipip' ? 0 : ip;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** arp_solicit: source address per arp_announce, broadcast or unicast request. */
export function arpSolicit(net: Net, dev: NetDevice, target: number, queued: SkBuff | undefined, unicastTo: string | undefined): void {
  let saddr = 0;
  const announce = net.devConf(dev, 'arp_announce');
  if (announce <= 1 && queued?.ip) {
    // With arp_announce 0 the queued packet's source is used whenever it is one of ours.
    const src = queued.ip.src;
    if (net.addrOwner(src) && (announce === 0 || dev.inDev.addrs.some((a) => ((a.address ^ src) & a.mask) === 0))) saddr = src;
  }
  if (!saddr) saddr = net.selectAddr(dev, target, 253);
  arpSend(net, dev, 1, target, saddr, unicastTo ?? BROADCAST_MAC, unicastTo ?? ZERO_MAC);
}

export function arpSend(net: Net, dev: NetDevice, op: 1 | 2, targetIp: number, senderIp: number, ethDst: string, targetMac: string, senderMac = dev.mac): void {
  const skb = newSkb();
  skb.ethDst = ethDst;
  skb.ethSrc = dev.mac;
  skb.ethertype = ETH_P_ARP;
  skb.arp = { op, senderMac, senderIp, targetMac, targetIp };
  net.trace('arp', op === 1 ? 'request' : 'reply', op === 1 ? `who-has ${formatIpv4(targetIp)} tell ${formatIpv4(senderIp)}` : `${formatIpv4(senderIp)} is-at ${senderMac}`, dev, skb);
  devQueueXmit(dev, skb);
}

/** ipv4_link_failure: the queued datagram could not be resolved; the sender learns "host unreachable". */
function linkFailure(net: Net, skb: SkBuff): void {
  icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, false);
}
