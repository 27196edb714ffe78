/**
 * IPVS on the packet path (ip_vs_core.c ip_vs_ops): ip_vs_in at LOCAL_IN for packets to a local
 * VIP (so a service address must sit on a local device such as kube-ipvs0) and at LOCAL_OUT for
 * locally generated ones; ip_vs_out at LOCAL_IN and FORWARD un-NATs real servers' replies. The
 * masquerading transmitter (ip_vs_nat_xmit) rewrites the destination, re-routes and sends the
 * packet through LOCAL_OUT and POSTROUTING as IPVS-owned (skb->ipvs_property), telling
 * conntrack that replies now come from the real server (ip_vs_update_conntrack, vs.conntrack=1).
 */
import type { Net } from '../netns.js';
import type { NetDevice } from '../netdevice.js';
import type { NfHook, NfVerdict } from '../netfilter.js';
import type { SkBuff } from '../skb.js';
import { PktType } from '../skb.js';
import { ipRouteOutput } from '../route.js';
import { ipLocalOut } from '../ip_output.js';
import { icmpSend, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH } from '../icmp.js';
import { formatIpv4 } from '../../wire/addr.js';
import { Ipvs, type IpvsConn } from './ipvs.js';

const ipvsByNet = new WeakMap<Net, Ipvs>();
/** skb->ipvs_property: packets IPVS itself sent on; its hooks leave them alone. */
const owned = new WeakSet<SkBuff>();

/** /proc/sys/net/ipv4/vs/ entries that appear when ip_vs loads in a namespace (defaults of 6.1). */
const VS_SYSCTLS: [string, string][] = [
  ['net.ipv4.vs.conntrack', '0'],
  ['net.ipv4.vs.expire_nodest_conn', '0'],
  ['net.ipv4.vs.expire_quiescent_template', '0'],
  ['net.ipv4.vs.conn_reuse_mode', '1'],
];

/** The namespace's IPVS, made on first use (loading ip_vs), with its sysctls. */
export function ipvsOf(net: Net): Ipvs {
  let v = ipvsByNet.get(net);
  if (!v) {
    for (const [k, val] of VS_SYSCTLS) if (!net.sysctl.has(k)) net.sysctl.set(k, val);
    v = new Ipvs({
      now: () => net.env.now(),
      addrType: (a) => (net.addrOwner(a) || a >>> 24 === 127 ? 'local' : a === 0 || a === 0xffffffff || a >>> 28 >= 0xe ? 'other' : 'unicast'),
    });
    ipvsByNet.set(net, v);
  }
  return v;
}

export function ipvsIfAny(net: Net): Ipvs | undefined {
  return ipvsByNet.get(net);
}

export function ipvsOwned(skb: SkBuff): boolean {
  return owned.has(skb);
}

/** What IPVS needs from conntrack: nf_conntrack_alter_reply on the skb's still unconfirmed entry. */
export interface IpvsCtHook {
  ipvsAlterReply(skb: SkBuff, reply: { src: number; dst: number; proto: number; sport: number; dport: number }): void;
}

const ACCEPT: NfVerdict = { verdict: 'accept' };
const STOLEN: NfVerdict = { verdict: 'stolen' };

const PROTO = (p: number): string => (p === 6 ? 'TCP' : 'UDP');
const ep = (a: number, p: number): string => `${formatIpv4(a)}:${p}`;

function ports(skb: SkBuff): { sport: number; dport: number } | undefined {
  const l4 = skb.tcp ?? skb.udp;
  return l4 ? { sport: l4.sport, dport: l4.dport } : undefined;
}

/** ip_vs_out: a real server's reply of a masqueraded flow leaves with the VIP as its source. */
function out(net: Net, vs: Ipvs, skb: SkBuff, dev: NetDevice | undefined): void {
  const ip = skb.ip!;
  const pp = ports(skb);
  if (!pp) return;
  const c = vs.connOut4(ip.protocol, ip.src, pp.sport, ip.dst, pp.dport);
  if (!c || (c.dest.fwd !== 'masq' && c.dest.fwd !== 'local')) return;
  vs.update(c, 'out', skb.tcp?.flags);
  ip.src = c.vaddr;
  (skb.tcp ?? skb.udp)!.sport = c.vport;
  skb.bytes = undefined;
  if (net.env.trace) net.trace('ipvs', 'reply', `${PROTO(c.proto)} ${ep(c.daddr, c.dport)} -> ${ep(c.caddr, c.cport)} leaves as ${ep(c.vaddr, c.vport)} (ip_vs_out, masq)`, dev, skb);
}

/**
 * ip_vs_in: find the packet's flow or schedule a new one (TCP only on a SYN), then forward it.
 * Returns undefined when IPVS lets the packet continue on its way unchanged.
 */
function vsIn(net: Net, vs: Ipvs, skb: SkBuff, dev: NetDevice | undefined, local: boolean, ct: IpvsCtHook | undefined): NfVerdict | undefined {
  const ip = skb.ip!;
  if (ip.protocol !== 6 && ip.protocol !== 17) return undefined;
  if (!local && skb.pktType !== PktType.HOST) return undefined;
  const pp = ports(skb);
  if (!pp) return undefined;
  let c = vs.connIn4(ip.protocol, ip.src, pp.sport, ip.dst, pp.dport);
  if (!c) {
    const svc = vs.serviceFor(ip.protocol, ip.dst, pp.dport, skb.mark);
    if (!svc) return undefined;
    const flags = skb.tcp?.flags ?? 0;
    // tcp_conn_schedule: only a SYN (without RST) opens a connection; anything else passes on.
    if (ip.protocol === 6 && !(flags & 0x02 && !(flags & 0x04))) {
      if (net.env.trace) net.trace('ipvs', 'not-scheduled', `${PROTO(ip.protocol)} ${ep(ip.dst, pp.dport)}: no connection and not a SYN, left to the local stack`, dev, skb);
      return undefined;
    }
    c = vs.scheduleConn(svc, { proto: ip.protocol, saddr: ip.src, sport: pp.sport, daddr: ip.dst, dport: pp.dport });
    if (!c) {
      // ip_vs_leave: no server to take it — ICMP port unreachable whatever the protocol.
      if (net.env.trace) net.trace('ipvs', 'no-destination', `${PROTO(svc.proto)} ${ep(svc.addr, svc.port)} ${svc.sched}: no destination available, ICMP port unreachable`, dev, skb);
      icmpSend(net, skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, true);
      return { verdict: 'drop', reason: `IPVS ${PROTO(svc.proto)} ${ep(svc.addr, svc.port)}: no destination available` };
    }
    if (net.env.trace) net.trace('ipvs', 'schedule', `${PROTO(svc.proto)} ${ep(svc.addr, svc.port)} ${svc.sched} -> ${ep(c.daddr, c.dport)} (${c.dest.fwd}, weight ${c.dest.weight})`, dev, skb);
  } else {
    if (c.dest.removed) {
      net.trace('drop', 'drop:ipvs-no-dest', `IPVS connection to removed server ${ep(c.daddr, c.dport)}`, dev, skb);
      return { verdict: 'drop', reason: `IPVS server ${ep(c.daddr, c.dport)} was removed` };
    }
    if (net.env.trace) net.trace('ipvs', 'connection', `${PROTO(c.proto)} ${ep(c.caddr, c.cport)} -> ${ep(c.vaddr, c.vport)} belongs to ${ep(c.daddr, c.dport)}`, dev, skb);
  }
  vs.update(c, 'in', skb.tcp?.flags);
  return xmit(net, vs, skb, c, local, ct, dev);
}

/** ip_vs_nat_xmit (and the local-node case): rewrite the destination and send on. */
function xmit(net: Net, vs: Ipvs, skb: SkBuff, c: IpvsConn, local: boolean, ct: IpvsCtHook | undefined, dev: NetDevice | undefined): NfVerdict {
  const ip = skb.ip!;
  if (c.dest.fwd === 'route' || c.dest.fwd === 'tunnel') {
    net.trace('drop', 'drop:ipvs-unmodelled', `IPVS ${c.dest.fwd} forwarding is not modelled by podnet`, dev, skb);
    return { verdict: 'drop', reason: `IPVS ${c.dest.fwd} forwarding is not modelled` };
  }
  ip.dst = c.daddr;
  (skb.tcp ?? skb.udp)!.dport = c.dport;
  skb.bytes = undefined;
  if (net.sysctl.get('net.ipv4.vs.conntrack') === '1') ct?.ipvsAlterReply(skb, { src: c.daddr, dst: c.caddr, proto: c.proto, sport: c.dport, dport: c.cport });
  // A local real server: the rewritten packet carries on to local delivery.
  if (c.dest.fwd === 'local') return ACCEPT;
  const r = ipRouteOutput(net, { daddr: c.daddr, saddr: 0, oif: 0, tos: 0, mark: skb.mark });
  if ('error' in r) {
    net.trace('drop', 'drop:ipvs-no-route', `IPVS: no route to real server ${formatIpv4(c.daddr)} (${r.error})`, dev, skb);
    return { verdict: 'drop', reason: `IPVS: no route to ${formatIpv4(c.daddr)}` };
  }
  // Forwarded, not locally generated: the hop costs a TTL (decrement_ttl in ip_vs_xmit.c).
  if (!local) {
    if (ip.ttl <= 1) return { verdict: 'drop', reason: 'IPVS: ttl expired' };
    ip.ttl--;
  }
  owned.add(skb);
  ipLocalOut(net, skb, r.rt);
  return STOLEN;
}

/**
 * IPVS's hooks at one netfilter hook. `localInDone` is set when xtables already ran IPVS's
 * LOCAL_IN step at its priority (between filter and nat); then nothing is left to do there.
 */
export function ipvsHook(
  net: Net,
  hook: NfHook,
  skb: SkBuff,
  indev: NetDevice | undefined,
  outdev: NetDevice | undefined,
  localInDone: boolean,
  ct: IpvsCtHook | undefined,
): NfVerdict {
  const vs = ipvsByNet.get(net);
  if (!vs || !skb.ip || owned.has(skb)) return ACCEPT;
  if (hook === 'INPUT') return localInDone ? ACCEPT : (ipvsLocalIn(net, skb, indev, undefined) ?? ACCEPT);
  if (hook === 'FORWARD') {
    out(net, vs, skb, indev);
    return ACCEPT;
  }
  if (hook === 'OUTPUT') {
    // ip_vs_local_reply4 then ip_vs_local_request4.
    out(net, vs, skb, outdev);
    return vsIn(net, vs, skb, outdev, true, ct) ?? ACCEPT;
  }
  return ACCEPT;
}

/** LOCAL_IN: ip_vs_reply4 (NF_IP_PRI_NAT_SRC - 2) then ip_vs_remote_request4 (- 1). */
export function ipvsLocalIn(net: Net, skb: SkBuff, dev: NetDevice | undefined, ct: IpvsCtHook | undefined): NfVerdict | undefined {
  const vs = ipvsByNet.get(net);
  if (!vs || !skb.ip || owned.has(skb)) return undefined;
  out(net, vs, skb, dev);
  return vsIn(net, vs, skb, dev, false, ct);
}
