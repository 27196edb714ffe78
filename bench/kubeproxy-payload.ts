/**
 * Generates the iptables-restore payload kube-proxy (iptables mode, v1.28+) writes for N services of
 * E endpoints each — same chain names (sha256/base32 hashes), comments, rule order and option order
 * as pkg/proxy/iptables/proxier.go — for benchmarks and end-to-end tests of netfilter.
 */
import { createHash } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString(sha256(s))[:16], kube-proxy's portProtoHash. */
export function portProtoHash(s: string): string {
  const h = createHash('sha256').update(s).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of h) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= 16) break;
  }
  return out;
}

export interface KubeService {
  ns: string;
  name: string;
  port: string;
  clusterIP: string;
  svcPort: number;
  proto: 'tcp' | 'udp';
  endpoints: { ip: string; port: number }[];
}

export function makeServices(n: number, endpoints: number): KubeService[] {
  const out: KubeService[] = [];
  for (let i = 0; i < n; i++) {
    const vip = `10.96.${(i >> 8) & 255}.${i & 255}`;
    const eps: { ip: string; port: number }[] = [];
    for (let e = 0; e < endpoints; e++) {
      const k = i * endpoints + e;
      eps.push({ ip: `10.${244 + ((k >> 16) & 7)}.${(k >> 8) & 255}.${k & 255}`, port: 8080 });
    }
    out.push({ ns: 'default', name: `svc-${i}`, port: 'http', clusterIP: vip, svcPort: 80, proto: 'tcp', endpoints: eps });
  }
  return out;
}

export const KUBE_JUMPS: string[][] = [
  ['-t', 'nat', '-A', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  ['-t', 'nat', '-A', 'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  ['-t', 'nat', '-A', 'POSTROUTING', '-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  ['-t', 'filter', '-A', 'FORWARD', '-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'],
];

/** The chains kube-proxy jumps to from built-in chains must exist before those jumps are added. */
export const KUBE_BASE_CHAINS: string[][] = [
  ['-t', 'nat', '-N', 'KUBE-SERVICES'],
  ['-t', 'nat', '-N', 'KUBE-POSTROUTING'],
  ['-t', 'filter', '-N', 'KUBE-FORWARD'],
];

export function kubeProxyPayload(services: KubeService[], clusterCIDR = '10.244.0.0/16'): string {
  const filter: string[] = [
    '*filter',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-EXTERNAL-SERVICES - [0:0]',
    ':KUBE-FIREWALL - [0:0]',
    ':KUBE-FORWARD - [0:0]',
    ':KUBE-PROXY-FIREWALL - [0:0]',
    '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'COMMIT',
  ];
  const natChains: string[] = [':KUBE-SERVICES - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-NODEPORTS - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  const natRules: string[] = [
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
  ];
  const svcRules: string[] = [];
  const epRules: string[] = [];
  for (const s of services) {
    const spn = `${s.ns}/${s.name}:${s.port}`;
    const svcChain = 'KUBE-SVC-' + portProtoHash(spn + s.proto);
    natChains.push(`:${svcChain} - [0:0]`);
    natRules.push(`-A KUBE-SERVICES -m comment --comment "${spn} cluster IP" -m ${s.proto} -p ${s.proto} -d ${s.clusterIP}/32 --dport ${s.svcPort} -j ${svcChain}`);
    svcRules.push(`-A ${svcChain} -m comment --comment "${spn} cluster IP" -m ${s.proto} -p ${s.proto} -d ${s.clusterIP}/32 --dport ${s.svcPort} ! -s ${clusterCIDR} -j KUBE-MARK-MASQ`);
    const n = s.endpoints.length;
    s.endpoints.forEach((ep, i) => {
      const epStr = `${ep.ip}:${ep.port}`;
      const sepChain = 'KUBE-SEP-' + portProtoHash(spn + s.proto + epStr);
      natChains.push(`:${sepChain} - [0:0]`);
      const comment = `-m comment --comment "${spn} -> ${epStr}"`;
      if (i < n - 1) svcRules.push(`-A ${svcChain} ${comment} -m statistic --mode random --probability ${(1 / (n - i)).toFixed(10)} -j ${sepChain}`);
      else svcRules.push(`-A ${svcChain} ${comment} -j ${sepChain}`);
      epRules.push(`-A ${sepChain} -m comment --comment ${spn} -s ${ep.ip}/32 -j KUBE-MARK-MASQ`);
      epRules.push(`-A ${sepChain} -m comment --comment ${spn} -m ${s.proto} -p ${s.proto} -j DNAT --to-destination ${epStr}`);
    });
  }
  natRules.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  return [...filter, '*nat', ...natChains, ...natRules, ...svcRules, ...epRules, 'COMMIT', ''].join('\n');
}
