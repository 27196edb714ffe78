// The example shell plugin, run by real bash/sh with podnet's shims first on PATH, against a world
// file; then the same driver under real Linux in isolated namespaces, and the two compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeShims } from '../../../src/commands/session/external-shims.js';
import { namespacesUnavailable } from '../../../test/kernel/linux.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const PLUGIN = join(here, 'plugin.sh');
const CONF = join(here, 'conf.json');
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

let dir: string;
let shims: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'podnet-veth-route-'));
  shims = join(dir, 'shims');
  const w = writeShims(shims);
  if (!w.ok) throw new Error(w.error.message);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function podnet(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Each step's output after a "== name" marker, so a difference points at the step. */
const DRIVER = `
P=${PLUGIN}
C=${CONF}
ip netns add c1
export CNI_CONTAINERID=abcdef1234567890 CNI_NETNS=/var/run/netns/c1 CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin
echo "== ADD"; CNI_COMMAND=ADD sh $P < $C; echo "rc=$?"
echo "== CHECK"; CNI_COMMAND=CHECK sh $P < $C; echo "rc=$?"
echo "== host addr"; ip -4 -o addr
echo "== host route"; ip route
echo "== pod addr"; ip -n c1 -4 -o addr
echo "== pod route"; ip -n c1 route
echo "== pod link"; ip -n c1 -o link
echo "== ADD again"; CNI_COMMAND=ADD sh $P < $C; echo "rc=$?"
echo "== DEL"; CNI_COMMAND=DEL sh $P < $C; echo "rc=$?"
echo "== DEL again"; CNI_COMMAND=DEL sh $P < $C; echo "rc=$?"
echo "== CHECK after DEL"; CNI_COMMAND=CHECK sh $P < $C; echo "rc=$?"
echo "== host link"; ip -o link
echo "== host route"; ip route
echo "== pod link"; ip -n c1 -o link
echo "== pod route"; ip -n c1 route
echo "== second pod via CNI_ARGS"; CNI_COMMAND=ADD CNI_CONTAINERID=0123456789 CNI_ARGS="IgnoreUnknown=1;IP=10.22.0.9" sh $P < $C; echo "rc=$?"
echo "== pod addr"; ip -n c1 -4 -o addr
echo "== forwarding and NAT around it"; sysctl -w net.ipv4.ip_forward=1; echo "rc=$?"
iptables -t nat -A POSTROUTING -s 10.22.0.0/24 ! -o veth+ -j MASQUERADE; echo "rc=$?"
printf '*filter\\n:POD-IN - [0:0]\\n-A FORWARD -o veth+ -j POD-IN\\n-A POD-IN -p tcp --dport 22 -j DROP\\nCOMMIT\\n' | iptables-restore --noflush; echo "rc=$?"
iptables-save | grep -v '^#'
echo "== no ifname"; CNI_COMMAND=ADD CNI_IFNAME= sh $P < $C; echo "rc=$?"
echo "== bad version"; echo '{"cniVersion":"9.9"}' | CNI_COMMAND=ADD sh $P; echo "rc=$?"
`;

/** Random MACs become <mac1>, <mac2>, ... in order of first appearance. */
function maskMacs(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(/\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/g, (m) => {
    if (m === '00:00:00:00:00:00' || m === 'ff:ff:ff:ff:ff:ff') return m;
    if (!seen.has(m)) seen.set(m, `<mac${seen.size + 1}>`);
    return seen.get(m)!;
  });
}

function section(out: string, name: string, nth = 1): string {
  const parts = out.split(/^== /m);
  const hits = parts.filter((p) => p.startsWith(`${name}\n`));
  return (hits[nth - 1] ?? '').slice(name.length + 1);
}

describe('cni-plugins/examples/veth-route under podnet shims', () => {
  let podnetOut = '';
  const world = () => join(dir, 'world.json');

  it('runs unchanged against a world file: ADD wires the pod, DEL removes it, errors are CNI errors', () => {
    expect(podnet(['world', 'new', world()]).status).toBe(0);
    const driver = join(dir, 'driver.sh');
    writeFileSync(driver, DRIVER);
    const r = spawnSync('bash', [driver], { encoding: 'utf8', env: { ...process.env, PATH: `${shims}:${process.env['PATH']}`, PODNET_WORLD: world() } });
    podnetOut = r.stdout + r.stderr;
    const add = JSON.parse(section(podnetOut, 'ADD').split('\n')[0]!) as { interfaces: { name: string; mac: string; sandbox?: string }[]; ips: { address: string }[] };
    expect(add.interfaces.map((i) => [i.name, i.sandbox])).toEqual([['vethabcdef12', undefined], ['eth0', '/var/run/netns/c1']]);
    expect(add.ips[0]!.address).toBe('10.22.0.5/24');
    expect(section(podnetOut, 'pod route')).toBe('default via 10.22.0.1 dev eth0 \n10.22.0.0/24 dev eth0 proto kernel scope link src 10.22.0.5 \n');
    expect(section(podnetOut, 'host route')).toBe('10.22.0.5 dev vethabcdef12 scope link \n');
    expect(section(podnetOut, 'ADD again')).toMatch(/"code":100,"msg":"ip link add vethabcdef12 type veth peer name tmpabcdef12 failed: RTNETLINK answers: File exists"}\nrc=1\n$/);
    expect(section(podnetOut, 'DEL again')).toBe('rc=0\n');
    expect(section(podnetOut, 'CHECK after DEL')).toMatch(/"code":100,.*is missing"}\nrc=1\n$/);
    expect(section(podnetOut, 'forwarding and NAT around it')).toContain('-A POSTROUTING -s 10.22.0.0/24 ! -o veth+ -j MASQUERADE\n');
    expect(section(podnetOut, 'forwarding and NAT around it')).toContain('-A POD-IN -p tcp -m tcp --dport 22 -j DROP\n');
    expect(section(podnetOut, 'no ifname')).toBe('{"cniVersion":"1.0.0","code":4,"msg":"required env variables missing: CNI_IFNAME"}\nrc=1\n');

    // The world file holds the result: a fresh process sees the second pod's address.
    const seen = podnet(['exec', '--world', world(), '--netns', 'c1', '--', 'ip', '-4', '-br', 'addr']);
    expect(seen.status).toBe(0);
    expect(seen.stdout).toMatch(/^eth0@if\d+ +UP +10\.22\.0\.9\/24 $/m);
    const show = podnet(['world', 'show', world()]);
    expect(show.stdout).toMatch(/^host host: netns c1$/m);
  }, 600_000);

  it('agrees with the same driver on real Linux (isolated namespaces), up to MAC addresses', (ctx) => {
    const why = namespacesUnavailable();
    if (why) ctx.skip();
    expect(podnetOut).not.toBe('');
    const driver = join(dir, 'driver.sh');
    const r = spawnSync(
      'unshare',
      ['--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', 'bash', '-c', `mkdir -p /run/netns && mount -t tmpfs none /run/netns && mount -t sysfs none /sys && ip link set lo up && bash ${driver}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const linuxOut = r.stdout + r.stderr;
    expect(maskMacs(podnetOut)).toBe(maskMacs(linuxOut));
  }, 120_000);

  it('a shim without PODNET_WORLD says so and fails', () => {
    const env = { ...process.env };
    delete env['PODNET_WORLD'];
    const r = spawnSync(join(shims, 'ip'), ['link'], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ip (podnet shim): PODNET_WORLD is not set; it must name a world file (podnet world new FILE)\n');
  });
});
