/**
 * Runs a bash script on a throwaway real host for the plugins' differential tests: fresh network,
 * mount and PID namespaces, /opt/cni/bin = the reference plugins (read-only), private tmpfs
 * /run/netns and /var/lib/cni. Nothing on this machine is touched; everything dies with unshare.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL_CNI_DIR } from '../../test/kernel/linux.js';

/** What the script printed on stdout; throws when the isolated host could not run it. */
export function runOnIsolatedCniHost(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-cni-'));
  try {
    const file = join(dir, 'ops.sh');
    writeFileSync(file, script);
    const prelude = [
      'mkdir -p /run/netns /opt/cni/bin /var/lib/cni',
      'mount -t tmpfs none /run/netns',
      `mount --bind -o ro ${REAL_CNI_DIR} /opt/cni/bin`,
      'mount -t tmpfs none /var/lib/cni',
    ].join(' && ');
    const r = spawnSync('unshare', ['--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', 'bash', '-c', `${prelude} && bash ${file}`], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.error || r.stdout === '') throw new Error(`isolated run failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
