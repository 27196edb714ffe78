/**
 * The chains portmap builds (plugins/meta/portmap/portmap.go and utils.go, v1.1.1): the shared
 * CNI-HOSTPORT-DNAT / -SETMARK / -MASQ chains and the per-container CNI-DN-<hash> chain with its
 * multiport entry rules and, per mapping, the hairpin and localhost mark rules and the DNAT.
 */
import { formatChainName } from '../lib/chain-name.js';
import type { Chain } from './chain.js';
import type { PortMapConf } from './conf.js';

export const TOP_LEVEL_DNAT_CHAIN = 'CNI-HOSTPORT-DNAT';
export const SET_MARK_CHAIN = 'CNI-HOSTPORT-SETMARK';
export const MARK_MASQ_CHAIN = 'CNI-HOSTPORT-MASQ';
export const OLD_TOP_LEVEL_SNAT_CHAIN = 'CNI-HOSTPORT-SNAT';

const chain = (c: Partial<Chain> & Pick<Chain, 'name'>): Chain => ({ table: 'nat', entryChains: [], entryRules: [], rules: [], prependEntry: false, ...c });

/** Go's %#x/%#x of 1<<bit. */
function markDef(bit: number): string {
  const v = `0x${(2 ** bit).toString(16)}`;
  return `${v}/${v}`;
}

export function topLevelDnatChain(): Chain {
  return chain({ name: TOP_LEVEL_DNAT_CHAIN, entryRules: [['-m', 'addrtype', '--dst-type', 'LOCAL']], entryChains: ['PREROUTING', 'OUTPUT'] });
}

export function dnatChain(netName: string, containerId: string): Chain {
  return chain({ name: formatChainName(netName, containerId, 'DN-'), entryChains: [TOP_LEVEL_DNAT_CHAIN] });
}

/** Left over by old plugin versions; DEL still tears it down. */
export function oldSnatChain(netName: string, containerId: string): Chain {
  return chain({ name: formatChainName(netName, containerId, 'SN-'), entryChains: [OLD_TOP_LEVEL_SNAT_CHAIN] });
}

export function setMarkChain(bit: number): Chain {
  return chain({
    name: SET_MARK_CHAIN,
    rules: [['-m', 'comment', '--comment', 'CNI portfwd masquerade mark', '-j', 'MARK', '--set-xmark', markDef(bit)]],
  });
}

/** Prepended in POSTROUTING so the bridge and ptp plugins' masquerade rules cannot stomp on it. */
export function markMasqChain(bit: number): Chain {
  return chain({
    name: MARK_MASQ_CHAIN,
    entryChains: ['POSTROUTING'],
    prependEntry: true,
    entryRules: [['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade']],
    rules: [['-m', 'mark', '--mark', markDef(bit), '-j', 'MASQUERADE']],
  });
}

/** trimComment: iptables comments stop at 255 characters. */
function trimComment(v: string): string {
  return v.length <= 255 ? v : v.slice(0, 253) + '...';
}

/** Multiport takes at most 15 ports a rule. */
function splitPortList(ports: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ports.length; i += 15) out.push(ports.slice(i, i + 15).join(','));
  return out;
}

/** net.ParseIP(..).IsUnspecified() for the spellings a hostIP comes in. */
function isUnspecified(ip: string): boolean {
  if (ip.includes(':')) return /^[0:]+$/.test(ip) && ip.includes('::') ? true : /^(0{1,4}:){7}0{1,4}$/.test(ip);
  return ip === '0.0.0.0';
}

/** fmtIpPort: IPv6 literals go in brackets. */
function ipPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** fillDnatRules: the entry rules (per protocol, sorted, 15 ports a rule) and the per-mapping rules. */
export function fillDnatRules(c: Chain, conf: PortMapConf, containerId: string, containerNet: string): void {
  const isV6 = containerNet.includes(':');
  const comment = trimComment(`dnat name: "${conf.name}" id: "${containerId}"`);
  const setMark = conf.externalSetMarkChain ?? SET_MARK_CHAIN;

  // groupByProto, then the protocols in sorted order (upstream sorts for stable output).
  const byProto = new Map<string, number[]>();
  for (const e of conf.portMaps) byProto.set(e.protocol, [...(byProto.get(e.protocol) ?? []), e.hostPort]);
  const protos = [...byProto.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const proto of protos) {
    for (const spec of splitPortList(byProto.get(proto)!)) {
      const r = ['-m', 'comment', '--comment', comment, '-m', 'multiport', '-p', proto, '--destination-ports', spec];
      const cond = isV6 ? conf.conditionsV6 : conf.conditionsV4;
      if (cond && cond.length > 0) r.push(...cond);
      c.entryRules.push(r);
    }
  }

  const containerIp = containerNet.split('/')[0]!;
  c.rules = [];
  for (const entry of conf.portMaps) {
    let withDst = false;
    if (entry.hostIP !== '') {
      // Only mappings whose host address is of the container address's family.
      if (isV6 !== entry.hostIP.includes(':')) continue;
      withDst = !isUnspecified(entry.hostIP);
    }
    const base = ['-p', entry.protocol, '--dport', String(entry.hostPort), ...(withDst ? ['-d', entry.hostIP] : [])];
    if (conf.snat) {
      // Hairpin: the container reaching itself through the host port.
      c.rules.push([...base, '-s', containerNet, '-j', setMark]);
      // Localhost (IPv4 only).
      if (!isV6) c.rules.push([...base, '-s', '127.0.0.1', '-j', setMark]);
    }
    c.rules.push([...base, '-j', 'DNAT', '--to-destination', ipPort(containerIp, entry.containerPort)]);
  }
}
