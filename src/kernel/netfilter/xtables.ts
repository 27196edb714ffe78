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
import { formatIpv4 } from '../../wire/addr.js';
import { Conntrack, invert, type CtEntry, type CtPacket, type CtRef, type Tuple } from './conntrack.js';
import { RecentTables } from './recent.js';
import type { RejectWith } from './rule.js';
import type { Ruleset } from './ruleset.js';
import type { TableName } from './tables.js';
import { ipsetIfAny } from '../ipset/store.js';
import { ipvsIfAny, ipvsLocalIn, ipvsOwned } from '../ipvs/hooks.js';
import { traverse, type HookResult, type NatAction, type RuleHit, type TraverseEnv } from './traverse.js';

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
  /**
   * conntrack.nat() with the trace of what it decided: the binding made on a connection's first
   * packet (nf_nat_setup_info), and every later rewrite of a packet by it.
   */
  private natTraced(net: Net, ref: CtRef, manip: 'SRC' | 'DST', p: CtPacket, skb: SkBuff, dev: NetDevice | undefined, action?: NatAction, masq?: number): void {
    const e = ref.entry;
    const wasDone = manip === 'SRC' ? e.srcNatDone : e.dstNatDone;
    const before = net.env.trace ? endpoints(p) : '';
    this.conntrack.nat(ref, manip, p, action, masq);
    if (!net.env.trace) return;
    const after = endpoints(p);
    const nowDone = manip === 'SRC' ? e.srcNatDone : e.dstNatDone;
    if (!wasDone && nowDone) {
      const changed = manip === 'SRC' ? e.srcNat : e.dstNat;
      const by = action && (manip === 'DST') === (action.kind === 'DNAT') ? ` by ${action.table} ${action.chain} ${action.kind}` : '';
      net.trace('conntrack', changed ? (manip === 'SRC' ? 'snat' : 'dnat') : 'nat-none', changed ? `${manip === 'SRC' ? 'source' : 'destination'} NAT bound${by}: replies now ${tupleText(e.reply)}` : `no ${manip === 'SRC' ? 'source' : 'destination'} NAT for ${tupleText(e.orig)}`, dev, skb);
    }
    if (before !== after) net.trace('conntrack', 'rewrite', `${before} rewritten to ${after}`, dev, skb);
  }

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

  /** IPVS rewrote this packet's destination: conntrack expects replies from the real server. */
  ipvsAlterReply(skb: SkBuff, reply: Tuple): void {
    const ref = this.refs.get(skb);
    if (ref && ref.dir === 'orig') this.conntrack.alterReply(ref.entry, reply);
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
    // Every rule that matched: its number as -L --line-numbers counts it in the verdict ("rule 3"),
    // table and -S text (which names the chain) in the detail.
    const trace = (h: RuleHit): void => net.trace('netfilter', h.num === 0 ? 'policy' : `rule ${h.num}`, `${h.table} ${h.text}`, indev ?? outdev, skb);
    const env: TraverseEnv = {
      rng: () => this.env.random(),
      addrType: (addr) => (net.addrOwner(addr) ? 'LOCAL' : addr === 0xffffffff ? 'BROADCAST' : addr >>> 28 === 0xe ? 'MULTICAST' : 'UNICAST'),
      onRule: trace,
      recent: this.recent,
      ipsetTest: (name, pv, flags) => ipsetIfAny(net)?.testPacket(name, pv, flags) ?? false,
    };
    const kenv = net.env;
    if (kenv.chance || kenv.trace) {
      // A random branch (-m statistic --mode random): the draw as statistic_mt makes it, then the
      // analysis oracle may take the other branch; either way the trace says which rule drew what.
      const where = { table: 'raw' as TableName, chain: '', num: 0 };
      env.where = where;
      env.chance = (prob) => {
        const drawn = Math.floor(this.env.random() * 0x80000000) < prob * 0x80000000;
        const label = `${where.table} ${where.chain} rule ${where.num}`;
        const taken = kenv.chance ? kenv.chance(prob, label, drawn) : drawn;
        net.trace('netfilter', 'random', `${label}: statistic random probability ${prob.toFixed(11)} ${taken ? 'matched' : 'did not match'}${taken !== drawn ? ' (branch chosen by analysis)' : ''}`, indev ?? outdev, skb);
        return taken;
      };
    }
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
      if (ref && (this.attached.has(skb) || ipvsOwned(skb))) {
        // Already attached to a connection (nf_ct_attach): nf_conntrack_in skips it.
        p.ct = this.conntrack.view(ref);
      } else {
        const res = this.conntrack.in(p, { notrack: raw.notrack, ...(raw.zone !== undefined ? { zone: raw.zone } : {}) });
        ref = 'entry' in res ? res : undefined;
        if (ref) this.refs.set(skb, ref);
        if (kenv.trace) {
          const what = 'untracked' in res ? 'untracked' : 'invalid' in res ? 'invalid' : res.state.toLowerCase();
          const detail = ref ? `${ref.dir === 'orig' ? 'original' : 'reply'} direction of ${ctText(ref.entry)}${ref.entry.confirmed ? '' : ' (new entry)'}` : 'invalid' in res ? 'no connection matches' : 'NOTRACK: not tracked';
          net.trace('conntrack', what, detail, indev ?? outdev, skb);
        }
      }
      const mangleNat = run(['mangle', 'nat'], ref !== undefined && this.conntrack.needsNatLookup(ref, 'DST'));
      const d2 = stop(mangleNat);
      if (d2) return d2;
      if (ref) this.natTraced(net, ref, 'DST', p, skb, indev ?? outdev, mangleNat.nat);
      if (hook === 'OUTPUT') {
        const d3 = stop(run(['filter']));
        if (d3) return d3;
      }
    } else {
      if (ref) p.ct = this.conntrack.view(ref);
      const natAllowed = hook !== 'FORWARD' && ref !== undefined && this.conntrack.needsNatLookup(ref, 'SRC');
      let res: HookResult;
      if (hook === 'INPUT' && ipvsIfAny(net)?.active()) {
        // IPVS's LOCAL_IN hooks (NF_IP_PRI_NAT_SRC - 2 and - 1) run after filter, before nat and
        // confirmation; a packet it schedules leaves through LOCAL_OUT and is confirmed there.
        const pre = run(['mangle', 'filter']);
        const d0 = stop(pre);
        if (d0) return d0;
        writeBack(skb, p);
        const v = ipvsLocalIn(net, skb, indev, this);
        if (v) return v;
        Object.assign(p, packetView(skb, indev, outdev), { ct: p.ct });
        res = run(['nat'], natAllowed);
      } else res = run(['mangle', 'filter', 'nat'], natAllowed);
      const d = stop(res);
      if (d) return d;
      if (ref && hook !== 'FORWARD') {
        const masq = res.nat?.kind === 'MASQUERADE' ? net.selectAddr(outdev, p.dst, RT_SCOPE_UNIVERSE) : undefined;
        this.natTraced(net, ref, 'SRC', p, skb, outdev ?? indev, res.nat, masq);
        const wasConfirmed = ref.entry.confirmed;
        this.conntrack.confirm(ref);
        if (kenv.trace && !wasConfirmed && ref.entry.confirmed) net.trace('conntrack', 'confirm', `${ctText(ref.entry)} enters the table`, outdev, skb);
      }
    }
    if (ref?.entry) ref.entry.mark = p.ct?.mark ?? ref.entry.mark;
    writeBack(skb, p);
    return ACCEPT;
  }
}

/** A conntrack entry as the trace shows it: the original tuple, and the reply tuple when NAT made it differ. */
function tupleText(t: Tuple): string {
  const proto = t.proto === 6 ? 'tcp' : t.proto === 17 ? 'udp' : t.proto === 1 ? 'icmp' : t.proto === 132 ? 'sctp' : `proto ${t.proto}`;
  return t.proto === 1 ? `${proto} ${formatIpv4(t.src)} -> ${formatIpv4(t.dst)} id ${t.sport}` : `${proto} ${formatIpv4(t.src)}:${t.sport} -> ${formatIpv4(t.dst)}:${t.dport}`;
}

function endpoints(p: CtPacket): string {
  const at = (a: number, port: number | undefined): string => (port === undefined ? formatIpv4(a) : `${formatIpv4(a)}:${port}`);
  return `${at(p.src, p.sport)} -> ${at(p.dst, p.dport)}`;
}

function ctText(e: CtEntry): string {
  const expected = invert(e.orig);
  const same = e.reply.src === expected.src && e.reply.dst === expected.dst && e.reply.sport === expected.sport && e.reply.dport === expected.dport;
  return tupleText(e.orig) + (same ? '' : ` (reply ${tupleText(e.reply)})`);
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
