import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLab } from '../shell/lab.js';

/**
 * labs/iproute2.lab run in podnet (real World, real kernel model) against the same lab captured on
 * Debian 12 (fixtures/iproute2-lab.json). MAC addresses are random on both sides, so each is renamed
 * <macN> in order of first appearance. Steps listed in KERNEL_DISAGREES differ because of the kernel
 * model, not the command layer; they are skipped (not asserted either way) so a kernel fix never
 * breaks this file — delete the entry once the kernel agrees.
 */
type Fixture = { steps: { line: number; command: string; exitCode: number; stdout: string; stderr: string }[] };

/** line -> why podnet's kernel answers differently (see the report of the iproute2 work). */
const IPROUTE2_KERNEL: Record<number, string> = {
  48: 'neighbour dump order: Linux walks its hash table, podnet lists in insertion order',
  51: 'neighbour dump order: Linux walks its hash table, podnet lists in insertion order',
  72: 'bridge FDB dump order: Linux walks its hash table, podnet lists the local entry first',
};

function normaliser(): (s: string) => string {
  const seen = new Map<string, string>();
  // Bridge ids print MACs unpadded ("8000.62:55:e0:c6:81:7"): pad them so they map like any MAC.
  const pad = (s: string): string =>
    s.replace(/\b8000\.([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})\b/g, (_m, mac: string) => `8000.${mac.split(':').map((b) => b.padStart(2, '0')).join(':')}`);
  return (s) =>
    pad(s).replace(/\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/g, (m) => {
      if (/^(00:00:00:00:00:00|ff:ff:ff:ff:ff:ff)$/.test(m) || m.startsWith('02:00:00:00:00:') || m.startsWith('aa:bb:cc')) return m;
      if (!seen.has(m)) seen.set(m, `<mac${seen.size + 1}>`);
      return seen.get(m)!;
    });
}

const MORE_KERNEL: Record<number, string> = {
  50: 'route get does not report the route\'s mtu metric in the cache line (RouteGetResult.mtu unset)',
};

const ERRORS_KERNEL: Record<number, string> = {
  12: 'EINVAL without the extack "ipv4: Invalid scope value"',
  24: 'route get oif lo for a remote address: Linux answers a <local> cache entry',
  27: 'EINVAL without the extack "No link layer address given"',
  28: 'Linux keeps the entry the failed noarp add created, so this add meets EEXIST',
  33: 'ELOOP instead of the extack "Can not enslave a bridge to a bridge"',
};

const SYSCTL_KERNEL: Record<number, string> = {
  13: 'IPv6 sysctls (net.ipv6.*) are not modelled',
};

const BRIDGE_KERNEL: Record<number, string> = {};

const LONG_LABEL = 'a 17-character IFA_LABEL is accepted; Linux refuses it by netlink policy ("Attribute failed policy validation")';

const LABS: [string, string, Record<number, string>][] = [
  [
    'misc.lab',
    'misc-lab.json',
    {
      11: 'IPv6 link-local addresses embed the random MACs (and DAD may still be tentative), so they never normalise alike',
      26: 'after a rename Linux relabels the second address "v9:2" (inetdev_changename) and a veth keeps qdisc noqueue once down',
    },
  ],
  ['labels.lab', 'labels-lab.json', { 6: LONG_LABEL, 7: LONG_LABEL, 10: LONG_LABEL }],
  ['neigh.lab', 'neigh-lab.json', {}],
  [
    'details.lab',
    'details-lab.json',
    {
      9: 'the bridge gc_timer runs on wall time in Linux; podnet prints it idle',
      13: 'ip -s needs per-link counters, which the Netlink contract does not carry (podnet: unsupported)',
    },
  ],
  ['vxlan.lab', 'vxlan-lab.json', {}],
  ['bridge.lab', 'bridge-lab.json', BRIDGE_KERNEL],
  ['sysctl.lab', 'sysctl-lab.json', SYSCTL_KERNEL],
  ['iproute2-errors.lab', 'iproute2-errors-lab.json', ERRORS_KERNEL],
  ['iproute2.lab', 'iproute2-lab.json', IPROUTE2_KERNEL],
  ['iproute2-more.lab', 'iproute2-more-lab.json', MORE_KERNEL],
];

for (const [lab, json, KERNEL_DISAGREES] of LABS) describe(`${lab} against real Linux`, () => {
  const text = readFileSync(new URL(`./labs/${lab}`, import.meta.url), 'utf8');
  const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${json}`, import.meta.url), 'utf8')) as Fixture;
  const podnet = runLab(text, { file: lab, seed: 1 });
  const normReal = normaliser();
  const normPod = normaliser();
  const real = fixture.steps.map((s) => ({ ...s, stdout: normReal(s.stdout), stderr: normReal(s.stderr) }));
  const mine = new Map(podnet.steps.map((s) => [s.line, { exitCode: s.exitCode, stdout: normPod(s.stdout), stderr: normPod(s.stderr) }]));
  for (const r of real) {
    const why = KERNEL_DISAGREES[r.line];
    const title = `line ${r.line}: ${r.command}${why ? ` (kernel: ${why})` : ''}`;
    (why ? it.skip : it)(title, () => {
      expect(mine.get(r.line)).toEqual({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });
    });
  }
});
