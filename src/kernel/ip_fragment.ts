/**
 * IPv4 reassembly (net/ipv4/ip_fragment.c): fragments queue by (src, dst, id, protocol) until the
 * datagram is whole; an incomplete queue expires after ipfrag_time (30 s) with an ICMP time exceeded
 * (fragment reassembly) when its first fragment had arrived.
 */
import type { Net } from './netns.js';
import { IPV4_HLEN, type SkBuff } from './skb.js';
import { parseL4Into } from './skb_l4.js';
import { DROP } from './drops.js';
import { icmpSend, ICMP_TIME_EXCEEDED } from './icmp.js';

const IPFRAG_TIME_MS = 30_000;

interface FragQueue {
  frags: SkBuff[];
  total: number | undefined;
  timer: { cancel(): void };
}

const queues = new WeakMap<Net, Map<string, FragQueue>>();

export function ipDefrag(net: Net, skb: SkBuff): SkBuff | undefined {
  const ip = skb.ip!;
  let m = queues.get(net);
  if (!m) {
    m = new Map();
    queues.set(net, m);
  }
  const key = `${ip.src}/${ip.dst}/${ip.id}/${ip.protocol}`;
  let q = m.get(key);
  if (!q) {
    const k = key;
    const mm = m;
    q = {
      frags: [],
      total: undefined,
      timer: net.env.after(IPFRAG_TIME_MS, () => {
        const dead = mm.get(k);
        mm.delete(k);
        const first = dead?.frags.find((f) => f.ip!.fragOff === 0);
        net.trace('drop', DROP.REASM_TIMEOUT, 'fragment reassembly timed out', skb.dev, first ?? skb);
        if (first) reasmTimeout(net, first);
      }),
    };
    m.set(key, q);
  }
  q.frags.push(skb);
  if (!ip.mf) q.total = ip.fragOff + ip.totalLen - IPV4_HLEN;
  if (q.total === undefined) return undefined;
  const sorted = [...q.frags].sort((a, b) => a.ip!.fragOff - b.ip!.fragOff);
  let have = 0;
  for (const f of sorted) {
    if (f.ip!.fragOff > have) return undefined;
    have = Math.max(have, f.ip!.fragOff + f.payload.length);
  }
  if (have < q.total) return undefined;
  q.timer.cancel();
  m.delete(key);
  const data = new Uint8Array(q.total);
  for (const f of sorted) data.set(f.payload.subarray(0, Math.max(0, Math.min(f.payload.length, q.total - f.ip!.fragOff))), f.ip!.fragOff);
  const whole: SkBuff = { ...sorted[0]!, ip: { ...ip, fragOff: 0, mf: false, totalLen: IPV4_HLEN + q.total }, bytes: undefined };
  if (!parseL4Into(whole, data)) return undefined;
  return whole;
}

/** ip_expire: ICMP time exceeded, fragment reassembly time exceeded, to the sender. */
function reasmTimeout(net: Net, first: SkBuff): void {
  icmpSend(net, first, ICMP_TIME_EXCEEDED, 1, 0, true);
}
