/**
 * Differential test against the real plugin: random sequences of namespace creation/removal and
 * loopback ADD/DEL/CHECK (several cniVersions, CNI_NETNS spellings, a missing namespace), run once
 * through /usr/lib/cni/loopback (v1.1.1, Debian 12) in an isolated host and once through podnet's
 * loopback; every output, exit status and lo's flags after each step must agree.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { namespacesUnavailable, REAL_CNI_DIR } from '../../test/kernel/linux.js';
import { loopbackMain } from './main.js';
import { testHost } from '../testing/test-host.js';
import { prng } from '../../test/kernel/random.js';
import { runOnIsolatedCniHost } from '../testing/isolated-host.js';

type Op = { kind: 'netns-add' } | { kind: 'netns-del' } | { kind: 'cni'; command: 'ADD' | 'DEL' | 'CHECK'; netns: string; conf: string };

const VERSIONS = ['', '"cniVersion":"0.3.1",', '"cniVersion":"0.4.0",', '"cniVersion":"1.0.0",'];
const NETNS = ['/var/run/netns/c1', '/run/netns/c1', '/var/run/netns/nope'];

function sequence(seed: number, length: number): Op[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  let exists = false;
  const ops: Op[] = [];
  for (let i = 0; i < length; i++) {
    const x = r();
    if (x < 0.15) {
      ops.push(exists ? { kind: 'netns-del' } : { kind: 'netns-add' });
      exists = !exists;
    } else {
      const y = r();
      const command = y < 0.45 ? 'ADD' : y < 0.75 ? 'DEL' : 'CHECK';
      ops.push({ kind: 'cni', command, netns: r() < 0.85 ? pick(NETNS.slice(0, 2)) : NETNS[2]!, conf: `{${pick(VERSIONS)}"name":"lo","type":"loopback"}` });
    }
  }
  return ops;
}

const label = (op: Op, i: number) => (op.kind === 'cni' ? `=== ${i} ${op.command} ${op.netns} ${op.conf}` : `=== ${i} ${op.kind}`);

function bashScript(ops: Op[]): string {
  const lines = ['cd /'];
  ops.forEach((op, i) => {
    lines.push(`echo '${label(op, i)}'`);
    if (op.kind === 'netns-add') lines.push('ip netns add c1');
    else if (op.kind === 'netns-del') lines.push('ip netns del c1');
    else {
      lines.push(`CNI_COMMAND=${op.command} CNI_CONTAINERID=c1 CNI_NETNS=${op.netns} CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin /opt/cni/bin/loopback <<'JSON'`, op.conf, 'JSON', 'rc=$?; echo; echo "rc=$rc"');
    }
    // lo's flags as ip prints them, when the namespace exists.
    lines.push(`[ -e /run/netns/c1 ] && ip -n c1 -o link show lo | grep -o '<[^>]*>'`);
  });
  return lines.join('\n') + '\n';
}

function runReal(ops: Op[]): string {
  return runOnIsolatedCniHost(bashScript(ops));
}

function runPodnet(ops: Op[]): string {
  const t = testHost();
  let out = '';
  ops.forEach((op, i) => {
    out += `${label(op, i)}\n`;
    if (op.kind === 'netns-add') t.host.netnsAdd('c1');
    else if (op.kind === 'netns-del') t.host.netnsDel('c1');
    else {
      const r = t.run(loopbackMain, { CNI_COMMAND: op.command, CNI_CONTAINERID: 'c1', CNI_NETNS: op.netns, CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' }, `${op.conf}\n`);
      out += `${r.stdout}\nrc=${r.exitCode}\n`;
    }
    const nl = t.host.netlink('c1');
    if (nl.ok && t.host.netnsList().some((e) => e.name === 'c1')) out += `<${nl.value.linkGet('lo')!.flags.join(',')}>\n`;
  });
  return out;
}

const skip =
  (typeof process.getuid === 'function' && process.getuid() !== 0 ? 'not root' : undefined) ??
  (existsSync(`${REAL_CNI_DIR}/loopback`) ? undefined : `${REAL_CNI_DIR}/loopback missing`) ??
  namespacesUnavailable();

describe('loopback against /usr/lib/cni/loopback (random sequences)', () => {
  it.skipIf(skip !== undefined)('agrees on every output, exit status and lo\'s flags', () => {
    for (const seed of [1, 2, 3]) {
      const ops = sequence(seed, 40);
      expect(runPodnet(ops), `seed ${seed}`).toBe(runReal(ops));
    }
  }, 240_000);
});
