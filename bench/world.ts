/**
 * World-file benchmark: the cost of one shim call — load the file, replay its journal, run one
 * command, save — against journal length, in this process (CPU time), and as a whole process
 * (`podnet exec` started as the shims start it, src/cli/exec-main: node on dist, or tsx on the
 * sources; wall time). The "frames" column holds
 * the journal length.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../src/commands/session/session.js';
import { saveWorld, updateWorld } from '../src/commands/session/persist.js';
import { podnetExecCommand } from '../src/commands/session/external-shims.js';
import { cpuSeconds, type Row } from './measure.js';

/** A world whose journal holds about n entries of what a CNI plugin does: veth, address, up, route. */
function worldFile(dir: string, n: number): string {
  const s = new Session({ seed: 1 });
  s.addHost('node');
  for (let i = 0; s.journal().length < n; i++) {
    const h = `h${i}`;
    s.exec(['ip', 'link', 'add', h, 'type', 'veth', 'peer', 'name', `p${i}`]);
    s.exec(['ip', 'addr', 'add', `10.${(i >> 8) & 255}.${i & 255}.1/32`, 'dev', h]);
    s.exec(['ip', 'link', 'set', h, 'up']);
    s.exec(['ip', 'route', 'add', `10.200.${(i >> 8) & 255}.${i & 255}/32`, 'dev', h]);
  }
  const file = join(dir, `w${n}.json`);
  saveWorld(s, file);
  return file;
}

export function worldRows(scale = 1): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-bench-world-'));
  const rows: Row[] = [];
  try {
    const podnet = podnetExecCommand();
    for (const n of [10, 100, 1000, 4000]) {
      const file = worldFile(dir, n);
      const calls = Math.max(1, Math.round((n >= 1000 ? 5 : 20) * scale));
      const t0 = cpuSeconds();
      for (let i = 0; i < calls; i++) {
        const r = updateWorld(file, (s) => s.exec(['ip', 'link', 'show', 'lo']));
        if (!r.ok || r.value.exitCode !== 0) throw new Error(r.ok ? r.value.stderr : r.error.message);
      }
      const seconds = cpuSeconds(t0);
      rows.push({ name: `world: shim call in-process, journal ${n}`, frames: n + calls, seconds, unit: 'ms/call', value: (seconds * 1000) / calls });
      if (n === 10 || n === 1000) {
        const w0 = performance.now();
        const p = spawnSync(podnet[0]!, [...podnet.slice(1), '--world', file, '--', 'ip', 'link', 'show', 'lo'], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(p.stderr);
        const wall = (performance.now() - w0) / 1000;
        rows.push({ name: `world: shim process (${podnet.length > 2 ? 'tsx' : 'dist'}, wall), journal ${n}`, frames: n + calls, seconds: wall, unit: 'ms/call', value: wall * 1000 });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
