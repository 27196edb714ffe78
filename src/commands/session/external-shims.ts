/**
 * Shims: tiny sh scripts named like the real tools (ip, bridge, iptables, ...) that run the tool of
 * the same name in the world file $PODNET_WORLD names, through this very podnet install. With
 * their folder first on PATH, a script written for Linux drives the emulated world unchanged.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, ok, podnetError, type Result } from '../../errors.js';
import { lookupCommand } from '../registry.js';

/** The tools a CNI plugin script calls; the optional ones only when this podnet has them. */
const SHIM_TOOLS = ['ip', 'bridge', 'iptables', 'iptables-save', 'iptables-restore', 'sysctl'];
const OPTIONAL_TOOLS = ['conntrack', 'ipset', 'ipvsadm'];

export function shimNames(): string[] {
  return [...SHIM_TOOLS, ...OPTIONAL_TOOLS.filter((n) => lookupCommand(n) !== undefined)];
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * How to start this podnet's `podnet exec` as argv (the shims' entry, src/cli/exec-main.ts, which
 * skips the other subcommands' modules): `node dist/src/cli/exec-main.js` for a built install; from
 * the TypeScript sources (tests, `tsx`), node with tsx's loader on src/cli/exec-main.ts.
 */
export function podnetExecCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    const main = fileURLToPath(new URL('../../cli/exec-main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url));
    return [process.execPath, '--import', `file://${tsx}`, main];
  }
  return [process.execPath, fileURLToPath(new URL('../../cli/exec-main.js', import.meta.url))];
}

export function shimScript(tool: string, podnet: string[] = podnetExecCommand()): string {
  return [
    '#!/bin/sh',
    `# podnet shim: runs \`${tool}\` in the emulated world the file $PODNET_WORLD holds (see podnet's docs/shims.md).`,
    'if [ -z "${PODNET_WORLD:-}" ]; then',
    `  echo "${tool} (podnet shim): PODNET_WORLD is not set; it must name a world file (podnet world new FILE)" >&2`,
    '  exit 2',
    'fi',
    `exec ${podnet.map(shq).join(' ')} -- ${shq(tool)} "$@"`,
    '',
  ].join('\n');
}

/**
 * Writes one executable shim per tool into dir (created if missing); returns the tools written.
 * Each file is replaced atomically (temporary file + rename), so a script running a shim while
 * another process rewrites the folder never executes a half-written one.
 */
export function writeShims(dir: string): Result<string[]> {
  const podnet = podnetExecCommand();
  if (!existsSync(podnet[podnet.length - 1]!)) return err(podnetError('io', `cannot find podnet's own CLI at '${podnet[podnet.length - 1]}' (run npm run build)`));
  try {
    mkdirSync(dir, { recursive: true });
    const names = shimNames();
    for (const name of names) {
      const path = join(dir, name);
      const text = shimScript(name, podnet);
      try {
        if (readFileSync(path, 'utf8') === text && (statSync(path).mode & 0o111) === 0o111) continue;
      } catch {
        // not there yet
      }
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text, { mode: 0o755 });
      chmodSync(tmp, 0o755);
      renameSync(tmp, path);
    }
    return ok(names);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return err(podnetError('io', `cannot write shims into '${dir}': ${code === 'EACCES' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : code === 'EEXIST' ? 'File exists' : (e as Error).message}`));
  }
}

/** The shims of this install in a fixed folder under the temporary directory, one per install (runExternal's PATH). */
export function installShims(): Result<string> {
  const key = createHash('sha256').update(podnetExecCommand().join('\0')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `podnet-shims-${key}`);
  const w = writeShims(dir);
  return w.ok ? ok(dir) : w;
}
