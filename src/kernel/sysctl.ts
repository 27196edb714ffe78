/**
 * /proc/sys/net for one namespace: key normalisation (dots or slashes), the per-device conf and
 * neigh trees with "all"/"default", the forwarding propagation rules of devinet_sysctl_forward,
 * value validation, and the exact text /proc prints.
 */
import type { Net } from './netns.js';
import { kerr, kok, type KResult } from './errno.js';

/** sysctl(8) accepts "a.b.c" and "a/b/c"; a leading /proc/sys/ is tolerated too. */
export function normalizeKey(key: string): string {
  let k = key.trim();
  if (k.startsWith('/proc/sys/')) k = k.slice('/proc/sys/'.length);
  if (k.includes('/')) return k.split('/').filter(Boolean).join('.');
  return k;
}

type Slot = { kind: 'global'; key: string } | { kind: 'conf'; target: string; knob: string; map: Map<string, string> } | { kind: 'neigh'; target: string; knob: string; map: Map<string, string> };


function resolve(net: Net, key: string): Slot | undefined {
  const k = normalizeKey(key);
  if (net.sysctl.has(k)) return { kind: 'global', key: k };
  const conf = /^net\.ipv4\.conf\.(.+)\.([a-z0-9_]+)$/.exec(k);
  if (conf) {
    const [, target, knob] = conf as unknown as [string, string, string];
    const map = target === 'all' ? net.confAll : target === 'default' ? net.confDefault : hasInDev(net, target) ? net.devByName(target)?.inDev.conf : undefined;
    if (!map || !map.has(knob)) return undefined;
    return { kind: 'conf', target, knob, map };
  }
  const neigh = /^net\.ipv4\.neigh\.(.+)\.([a-z0-9_]+)$/.exec(k);
  if (neigh) {
    const [, target, knob] = neigh as unknown as [string, string, string];
    const dev = target === 'default' || !hasInDev(net, target) ? undefined : net.devByName(target);
    const parms = target === 'default' ? net.neighDefault : dev ? net.parmsOf(dev) : undefined;
    if (!parms || !parms.values.has(knob)) return undefined;
    return { kind: 'neigh', target, knob, map: parms.values };
  }
  return undefined;
}

/** A device below 68 bytes of MTU has no in_device, hence no conf/ or neigh/ directory. */
function hasInDev(net: Net, name: string): boolean {
  const d = net.devByName(name);
  return d !== undefined && d.mtu >= 68;
}

export function sysctlGet(net: Net, key: string): KResult<string> {
  const s = resolve(net, key);
  if (!s) return kerr('ENOENT');
  if (s.kind === 'global') return kok(net.sysctl.get(s.key)!);
  return kok(s.map.get(s.knob)!);
}

/** proc_dointvec: optional sign and digits, surrounding white space ignored; several ints for vectors. */
function parseInts(value: string, count: number): number[] | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 1 || parts.length > count || parts[0] === '') return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[-+]?\d+$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 2147483647 || n < -2147483648) return undefined;
    out.push(n);
  }
  return out;
}

export function sysctlSet(net: Net, key: string, value: string): KResult<void> {
  const s = resolve(net, key);
  if (!s) return kerr('ENOENT');
  if (s.kind === 'global') {
    const vector = s.key === 'net.ipv4.ip_local_port_range' || s.key === 'net.ipv4.ping_group_range';
    const ints = parseInts(value, vector ? 2 : 1);
    if (!ints) return kerr('EINVAL');
    if (vector) {
      if (ints.length !== 2) return kerr('EINVAL');
      if (s.key === 'net.ipv4.ip_local_port_range' && (ints[0]! > ints[1]! || ints[0]! < 1 || ints[1]! > 65535)) return kerr('EINVAL');
      net.sysctl.set(s.key, `${ints[0]}\t${ints[1]}`);
      return kok(undefined);
    }
    const v = ints[0]!;
    if (s.key === 'net.ipv4.ip_forward') {
      setForwardingAll(net, v ? 1 : 0);
      return kok(undefined);
    }
    if (s.key === 'net.ipv4.ip_default_ttl' && (v < 1 || v > 255)) return kerr('EINVAL');
    net.sysctl.set(s.key, String(v));
    return kok(undefined);
  }
  const ints = parseInts(value, 1);
  if (!ints) return kerr('EINVAL');
  const v = ints[0]!;
  if (s.kind === 'conf' && s.knob === 'forwarding') {
    // devinet_sysctl_forward: "all" flips every device, "default" and ip_forward too.
    if (s.target === 'all') setForwardingAll(net, v ? 1 : 0);
    else s.map.set('forwarding', String(v ? 1 : 0));
    return kok(undefined);
  }
  s.map.set(s.knob, String(v));
  return kok(undefined);
}

function setForwardingAll(net: Net, v: number): void {
  net.sysctl.set('net.ipv4.ip_forward', String(v));
  net.confAll.set('forwarding', String(v));
  net.confDefault.set('forwarding', String(v));
  for (const d of net.byIndex.values()) d.inDev.conf.set('forwarding', String(v));
}

export function sysctlList(net: Net, prefix?: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const [k, v] of net.sysctl) out.push({ key: k, value: v });
  const confTargets: [string, Map<string, string>][] = [
    ['all', net.confAll],
    ['default', net.confDefault],
    ...[...net.byIndex.values()].filter((d) => d.mtu >= 68).map((d) => [d.name, d.inDev.conf] as [string, Map<string, string>]),
  ];
  for (const [t, m] of confTargets) for (const [k, v] of m) out.push({ key: `net.ipv4.conf.${t}.${k}`, value: v });
  out.push(...[...net.neighDefault.values].map(([k, v]) => ({ key: `net.ipv4.neigh.default.${k}`, value: v })));
  for (const d of net.byIndex.values()) if (d.mtu >= 68) for (const [k, v] of net.parmsOf(d).values) out.push({ key: `net.ipv4.neigh.${d.name}.${k}`, value: v });
  const p = prefix ? normalizeKey(prefix) : '';
  return out.filter((e) => !p || e.key === p || e.key.startsWith(p + '.')).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
