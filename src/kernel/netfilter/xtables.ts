/**
 * The packet path's Netfilter implemented by xtables: at each hook, the tables in kernel priority
 * order with conntrack (-200), NAT (DST at PREROUTING/OUTPUT -100, SRC at INPUT/POSTROUTING +100)
 * and confirmation at the last hook, reading and rewriting the skb the kernel passes in.
 */
import type { Net } from '../netns.js';
import type { NetDevice } from '../netdevice.js';
import type { Scope } from '../devinet.js';
import type { NfHook, NfVerdict, Netfilter } from '../netfilter.js';
import type { SkBuff } from '../skb.js';
import { Conntrack, type CtPacket, type CtRef } from './conntrack.js';
import { RecentTables } from './recent.js';
import type { RejectWith } from './rule.js';
import type { Ruleset } from './ruleset.js';
import type { TableName } from './tables.js';
import { ipsetIfAny } from '../ipset/store.js';
import { traverse, type HookResult, type RuleHit, type TraverseEnv } from './traverse.js';

export interface XtablesOptions {
  /** REJECT's answer (ICMP unreachable via icmp_send, or a TCP RST); the packet itself is dropped. */
  sendReject?(net: Net, skb: SkBuff, rejectWith: RejectWith): void;
  /** net.ipv4.ip_local_port_range for SNAT port choice. */
  portRange?: [number, number];
}

const ACCEPT: NfVerdict = { verdict: 'accept' };

/** ICMP destination-unreachable codes REJECT sends (ipt_REJECT / nf_send_unreach); tcp-reset sends a RST instead. */
export const REJECT_ICMP_CODE: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};
const RT_SCOPE_UNIVERSE = 0 as Scope;

export class Xtables implements Netfilter {
  readonly conntrack: Conntrack;
  /** xt_recent's per-namespace address lists. */
  readonly recent: RecentTables;
  /** The skb's conntrack entry between hooks (skb->_nfct). */
  private readonly refs = new WeakMap<SkBuff, CtRef>();
  /** Answers nf_ct_attach tied to a connection before they reached conntrack. */
  private readonly attached = new WeakSet<SkBuff>();

  constructor(
    readonly ruleset: Ruleset,
    private readonly env: { now(): number; random(): number },
    private readonly opts: XtablesOptions = {},
  ) {
    this.recent = new RecentTables(() => env.now());
    this.conntrack = new Conntrack({ now: () => env.now(), rng: () => env.random(), ...(opts.portRange ? { portRange: opts.portRange } : {}) });
  }

  /**
   * nf_conntrack_attach: the answer travels the other way on the same entry as RELATED, so
   * nf_conntrack_in leaves it alone and __nf_conntrack_confirm (original direction only) never
   * puts the still-unconfirmed entry of a rejected packet into the table.
   */
  attach(nskb: SkBuff, skb: SkBuff): void {
    const ref = this.refs.get(skb);
    if (!ref) return;
    this.refs.set(nskb, { entry: ref.entry, dir: ref.dir === 'orig' ? 'reply' : 'orig', state: 'RELATED' });
    this.attached.add(nskb);
  }

  active(): boolean {
    return this.ruleset.existingTables().length > 0;
  }

  hook(net: Net, hook: NfHook, skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined): NfVerdict {
    const iph = skb.ip;
    if (!iph) return ACCEPT;
    const p = packetView(skb, indev, outdev);
    // xt_recent compares the TTL a forwarded packet arrived with (ttl++ when out is set and no socket owns it).
    if (hook === 'FORWARD' || (hook === 'POSTROUTING' && indev)) p.ttl = iph.ttl + 1;
    const trace = (h: RuleHit): void => net.trace('netfilter', h.num === 0 ? 'policy' : 'rule', `${h.table} ${h.text}`, indev ?? outdev, skb);
    const env: TraverseEnv = {
      rng: () => this.env.random(),
      addrType: (addr) => (net.addrOwner(addr) ? 'LOCAL' : addr === 0xffffffff ? 'BROADCAST' : addr >>> 28 === 0xe ? 'MULTICAST' : 'UNICAST'),
      onRule: trace,
      recent: this.recent,
      ipsetTest: (name, pv, flags) => ipsetIfAny(net)?.testPacket(name, pv, flags) ?? false,
    };
    const run = (tables: TableName[], natAllowed = false): HookResult => traverse(this.ruleset, hook, p, { ...env, natAllowed }, tables);
    const stop = (r: HookResult): NfVerdict | undefined => {
      const v = r.verdict;
      if (v.verdict === 'ACCEPT') return undefined;
      if (v.verdict === 'REJECT') {
        this.opts.sendReject?.(net, skb, v.with);
        return { verdict: 'drop', reason: `${v.table} ${v.chain} rule ${v.num}: REJECT --reject-with ${v.with}` };
      }
      return { verdict: 'drop', reason: v.policy ? `${v.table} ${v.chain} policy DROP` : `${v.table} ${v.chain} rule ${v.num}: DROP` };
    };

    let ref = this.refs.get(skb);
    if (hook === 'PREROUTING' || hook === 'OUTPUT') {
      const raw = run(['raw']);
      const d1 = stop(raw);
      if (d1) return d1;
      if (ref && this.attached.has(skb)) {
        // Already attached to a connection (nf_ct_attach): nf_conntrack_in skips it.
        p.ct = this.conntrack.view(ref);
      } else {
        const res = this.conntrack.in(p, { notrack: raw.notrack, ...(raw.zone !== undefined ? { zone: raw.zone } : {}) });
        ref = 'entry' in res ? res : undefined;
        if (ref) this.refs.set(skb, ref);
      }
      const mangleNat = run(['mangle', 'nat'], ref !== undefined && this.conntrack.needsNatLookup(ref, 'DST'));
      const d2 = stop(mangleNat);
      if (d2) return d2;
      if (ref) this.conntrack.nat(ref, 'DST', p, mangleNat.nat);
      if (hook === 'OUTPUT') {
        const d3 = stop(run(['filter']));
        if (d3) return d3;
      }
    } else {
      if (ref) p.ct = this.conntrack.view(ref);
      const natAllowed = hook !== 'FORWARD' && ref !== undefined && this.conntrack.needsNatLookup(ref, 'SRC');
      const res = run(['mangle', 'filter', 'nat'], natAllowed);
      const d = stop(res);
      if (d) return d;
      if (ref && hook !== 'FORWARD') {
        const masq = res.nat?.kind === 'MASQUERADE' ? net.selectAddr(outdev, p.dst, RT_SCOPE_UNIVERSE) : undefined;
        this.conntrack.nat(ref, 'SRC', p, res.nat, masq);
        this.conntrack.confirm(ref);
      }
    }
    if (ref?.entry) ref.entry.mark = p.ct?.mark ?? ref.entry.mark;
    writeBack(skb, p);
    return ACCEPT;
  }
}

/** The PacketView of an skb at a hook; bridged frames (br_netfilter) report bridge and port names. */
export function packetView(skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined): CtPacket {
  const iph = skb.ip!;
  const l4 = skb.tcp ?? skb.udp;
  const p: CtPacket = { src: iph.src, dst: iph.dst, proto: iph.protocol, len: iph.totalLen, ttl: iph.ttl, mark: skb.mark };
  if (l4) {
    p.sport = l4.sport;
    p.dport = l4.dport;
  }
  if (skb.tcp) p.tcpFlags = skb.tcp.flags;
  if (skb.icmp) {
    p.icmpType = skb.icmp.type;
    p.icmpCode = skb.icmp.code;
    p.icmpId = skb.icmp.id;
    const q = skb.icmp.quote?.skb;
    if (q?.ip) {
      const ql4 = q.tcp ?? q.udp;
      p.quote = { src: q.ip.src, dst: q.ip.dst, proto: q.ip.protocol };
      if (ql4) {
        p.quote.sport = ql4.sport;
        p.quote.dport = ql4.dport;
      }
      if (q.icmp) {
        p.quote.icmpType = q.icmp.type;
        p.quote.icmpId = q.icmp.id;
      }
    }
  }
  const inBr = indev?.master?.kind === 'bridge' ? indev.master : undefined;
  const outBr = outdev?.master?.kind === 'bridge' ? outdev.master : undefined;
  if (indev) p.iif = inBr ? inBr.name : indev.name;
  if (outdev) p.oif = outBr ? outBr.name : outdev.name;
  if (inBr || outBr) p.bridge = { ...(inBr ? { physIn: indev!.name } : {}), ...(outBr ? { physOut: outdev!.name } : {}) };
  return p;
}

/** NAT and MARK results back into the skb (its bytes are re-encoded lazily by the taps). */
function writeBack(skb: SkBuff, p: CtPacket): void {
  skb.mark = p.mark;
  const iph = skb.ip!;
  iph.src = p.src;
  iph.dst = p.dst;
  const l4 = skb.tcp ?? skb.udp;
  if (l4 && p.sport !== undefined && p.dport !== undefined) {
    l4.sport = p.sport;
    l4.dport = p.dport;
  }
  const q = skb.icmp?.quote?.skb;
  if (q?.ip && p.quote) {
    q.ip.src = p.quote.src;
    q.ip.dst = p.quote.dst;
    const ql4 = q.tcp ?? q.udp;
    if (ql4 && p.quote.sport !== undefined && p.quote.dport !== undefined) {
      ql4.sport = p.quote.sport;
      ql4.dport = p.quote.dport;
    }
  }
}
