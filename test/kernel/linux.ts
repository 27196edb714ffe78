/**
 * Runs a lab under bash with the real tools on a throwaway host of its own: fresh network, mount and
 * PID namespaces, so the lab's names never collide with anything and everything it started dies with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogicalCommand } from './split.js';

export interface Step {
  line: number;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LinuxRun {
  steps: Step[];
  /** True when the wall-clock budget ran out; the command that was running is the last step. */
  timedOut: boolean;
  /** Set when the isolated host could not be built at all. */
  error?: string;
}

/** Exit code recorded for a command the budget cut short (bash uses 124 for timeout(1) too). */
export const TIMED_OUT = 124;

/**
 * The fresh host: the lab's root namespace is a new netns whose lo is up (as podnet's lab host),
 * /run/netns is private so `ip netns add red` never meets the machine's own red, /sys is remounted
 * so /sys/class/net shows this netns, /proc is remounted for the new PID namespace.
 * --kill-child plus the PID namespace means that when unshare dies every process of the lab dies,
 * and with the last process and mount gone, every namespace the lab made is freed.
 */
const UNSHARE = ['--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private'];
/**
 * Where the reference CNI plugins are installed (Debian's containernetworking-plugins). When they
 * are, the host gets them as /opt/cni/bin (a read-only view of the package's folder) and empty,
 * private /var/lib/cni and /etc/cni, as podnet's lab host has its own plugins there and a fresh store.
 */
export const REAL_CNI_DIR = '/usr/lib/cni';
const CNI_PRELUDE =
  `if [ -d ${REAL_CNI_DIR} ]; then mkdir -p /opt/cni/bin /var/lib/cni /etc/cni && ` +
  `mount --bind -o ro ${REAL_CNI_DIR} /opt/cni/bin && mount -t tmpfs none /var/lib/cni && mount -t tmpfs none /etc/cni; fi`;
const PRELUDE = `mkdir -p /run/netns && mount -t tmpfs none /run/netns && mount -t sysfs none /sys && ip link set lo up && ${CNI_PRELUDE}`;

/**
 * The kernel's compiled-in IPv4 per-device defaults (conf/all, conf/default), read from a fresh netns
 * of a host with no sysctl.d changes. A new netns copies conf/all and conf/default from the machine's
 * init_net, so on a host whose sysctl.d sets e.g. promote_secondaries=1 or rp_filter=2 (systemd's
 * 50-default.conf does), or ip_forward=1 (Docker does), namespaces would not start fresh; writing
 * these back makes the oracle the same fresh host everywhere, as podnet's lab host is.
 */
const FRESH_ALL = [
  'accept_local=0', 'accept_redirects=1', 'accept_source_route=0', 'arp_accept=0', 'arp_announce=0',
  'arp_evict_nocarrier=1', 'arp_filter=0', 'arp_ignore=0', 'arp_notify=0', 'bc_forwarding=0',
  'bootp_relay=0', 'disable_policy=0', 'disable_xfrm=0', 'drop_gratuitous_arp=0',
  'drop_unicast_in_l2_multicast=0', 'force_igmp_version=0', 'forwarding=0',
  'igmpv2_unsolicited_report_interval=10000', 'igmpv3_unsolicited_report_interval=1000',
  'ignore_routes_with_linkdown=0', 'log_martians=0', 'medium_id=0', 'promote_secondaries=0', 'proxy_arp=0',
  'proxy_arp_pvlan=0', 'route_localnet=0', 'rp_filter=0', 'secure_redirects=1', 'send_redirects=1',
  'shared_media=1', 'src_valid_mark=0', 'tag=0',
];
const FRESH_DEFAULT = [
  'accept_local=0', 'accept_redirects=1', 'accept_source_route=1', 'arp_accept=0', 'arp_announce=0',
  'arp_evict_nocarrier=1', 'arp_filter=0', 'arp_ignore=0', 'arp_notify=0', 'bc_forwarding=0',
  'bootp_relay=0', 'disable_policy=0', 'disable_xfrm=0', 'drop_gratuitous_arp=0',
  'drop_unicast_in_l2_multicast=0', 'force_igmp_version=0', 'forwarding=0',
  'igmpv2_unsolicited_report_interval=10000', 'igmpv3_unsolicited_report_interval=1000',
  'ignore_routes_with_linkdown=0', 'log_martians=0', 'medium_id=0', 'promote_secondaries=0', 'proxy_arp=0',
  'proxy_arp_pvlan=0', 'route_localnet=0', 'rp_filter=0', 'secure_redirects=1', 'send_redirects=1',
  'shared_media=1', 'src_valid_mark=0', 'tag=0',
];
/** lo is made before anything could be reset, from the copied defaults; the kernel exempts it from IPsec policy. */
const FRESH_LO = FRESH_DEFAULT.map((s) => s.replace(/^(disable_policy|disable_xfrm)=0$/, '$1=1'));
export const FRESH_IPV4_CONF = [
  ...FRESH_ALL.map((s) => `net.ipv4.conf.all.${s}`),
  ...FRESH_DEFAULT.map((s) => `net.ipv4.conf.default.${s}`),
  ...FRESH_LO.map((s) => `net.ipv4.conf.lo.${s}`),
];
const FRESHEN = `sysctl -q -e -w ${FRESH_IPV4_CONF.join(' ')} >/dev/null 2>&1`;

let probed: string | undefined | null = null;

/** Why this machine cannot build isolated hosts, or undefined if it can. Probed once. */
export function namespacesUnavailable(): string | undefined {
  if (probed !== null) return probed;
  const r = spawnSync('unshare', [...UNSHARE, 'bash', '-c', PRELUDE], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) probed = `unshare: ${r.error.message}`;
  else if (r.status !== 0) probed = (r.stderr || `unshare exited ${r.status}`).trim();
  else probed = undefined;
  return probed;
}

export interface Wrapped {
  script: string;
  /** Wrapper line -> the lab line it was copied from, to translate bash's "FILE: line N:" back. */
  lines: Map<number, number>;
}

/**
 * Wraps every logical command in a brace group (same shell, so variables and `cd` persist) whose
 * output and $? go to numbered files. Background jobs inherit the redirection, so what `nc -l &`
 * prints lands in its own step's files. At the end jobs are killed, as the podnet lab runner does.
 */
export function wrapScript(commands: LogicalCommand[], labDir: string, outDir: string): Wrapped {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const out: string[] = [
    'exec </dev/null',
    'export LANG=C LC_ALL=C',
    // The lab sees its folder through an overlay: it reads the real files, and what it writes
    // (`> file`) stays in the throwaway upper layer, as podnet keeps writes in its emulated fs.
    `mkdir -p ${q(join(outDir, 'upper'))} ${q(join(outDir, 'work'))} ${q(join(outDir, 'cwd'))}`,
    `if mount -t overlay overlay -o ${q(`lowerdir=${labDir},upperdir=${join(outDir, 'upper')},workdir=${join(outDir, 'work')}`)} ${q(join(outDir, 'cwd'))} 2>/dev/null; then`,
    `  cd ${q(join(outDir, 'cwd'))} || exit 99`,
    'else',
    `  cd ${q(labDir)} || exit 99`,
    'fi',
    // Every namespace starts fresh too: `ip netns add` is followed by the same reset, invisibly.
    `${FRESHEN}`,
    'ip() {',
    '  command ip "$@"; local rc=$?',
    '  if [ $rc -eq 0 ] && [ "${1-}" = netns ] && [ -n "${2-}" ] && [[ add == "$2"* ]] && [ -n "${3-}" ]; then',
    `    command ip netns exec "$3" ${FRESHEN}`,
    '  fi',
    '  return $rc',
    '}',
  ];
  const lines = new Map<number, number>();
  commands.forEach((c, i) => {
    out.push('{');
    c.raw.split('\n').forEach((l, k) => {
      out.push(l);
      lines.set(out.length, c.line + k);
    });
    // The blank line ends a stray trailing `\` continuation before it could swallow the `}`.
    // The status is recorded, then handed back to the shell, so the next command's $? is this
    // command's status as in plain bash (not the recording echo's 0). Under `set -e` a failing
    // command has already ended the shell, and re-raising a status could only end it wrongly.
    out.push(
      '',
      `} >${q(join(outDir, `${i}.out`))} 2>${q(join(outDir, `${i}.err`))}; __podnet_rc=$?; echo $__podnet_rc >${q(join(outDir, `${i}.rc`))}; ` +
        'case $- in *e*) ;; *) (exit $__podnet_rc) ;; esac',
    );
  });
  out.push(
    // Give background jobs' last output a moment to land before they are killed.
    'if [ -n "$(jobs -p)" ]; then sleep 0.2; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; fi',
    // Unmount the overlay here, so its work directory can be removed as soon as the run ends.
    `cd / && umount ${q(join(outDir, 'cwd'))} 2>/dev/null`,
    'exit 0',
    '',
  );
  return { script: out.join('\n'), lines };
}

/** bash names the script and the wrapper's line in its own errors; say what it would have said of the lab. */
export function relabel(stderr: string, wrapperPath: string, file: string, lines: Map<number, number>): string {
  const prefix = `${wrapperPath}: line `;
  return stderr
    .split('\n')
    .map((l) => {
      if (!l.startsWith(prefix)) return l;
      const m = /^(\d+): /.exec(l.slice(prefix.length));
      if (!m) return l;
      const orig = lines.get(Number(m[1]));
      return `${file}: line ${orig ?? m[1]}: ${l.slice(prefix.length + m[0].length)}`;
    })
    .join('\n');
}

export interface LinuxOptions {
  /** Folder the lab's relative paths resolve from. */
  labDir: string;
  /** The lab's name as a user would pass it to bash; bash prefixes its own errors with it. */
  file?: string;
  timeoutMs?: number;
}

export function runOnLinux(commands: LogicalCommand[], opts: LinuxOptions): Promise<LinuxRun> {
  const dir = mkdtempSync(join(tmpdir(), 'podnet-kernel-'));
  const script = join(dir, 'lab.sh');
  const wrapped = wrapScript(commands, opts.labDir, dir);
  writeFileSync(script, wrapped.script);
  const timeoutMs = opts.timeoutMs ?? 60_000;

  return new Promise((resolve) => {
    let timedOut = false;
    let stderr = '';
    // detached = its own process group, so the kill below reaches unshare and everything under it.
    const child = spawn('unshare', [...UNSHARE, 'bash', '-c', `${PRELUDE} && exec bash ${script}`], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, timeoutMs);
    const finish = (spawnError?: string, status: number | null = null) => {
      clearTimeout(timer);
      killAll();
      const shellStderr = relabel(stderr, script, opts.file ?? 'lab', wrapped.lines);
      const steps = collect(commands, dir, timedOut, status, shellStderr).map((st) => ({
        ...st,
        stderr: relabel(st.stderr, script, opts.file ?? 'lab', wrapped.lines),
      }));
      removeSoon(dir);
      const run: LinuxRun = { steps, timedOut };
      if (spawnError) run.error = spawnError;
      else if (steps.length === 0 && commands.length > 0) run.error = stderr.trim() || 'isolated host did not start';
      resolve(run);
    };
    child.on('error', (e) => finish(`unshare: ${e.message}`));
    child.on('close', (code) => finish(undefined, code));
  });
}

/**
 * The overlay's work directory stays busy until the kernel has torn down the lab's mount namespace,
 * which can lag the last process's exit; retry for a few seconds instead of leaving it behind.
 */
function removeSoon(dir: string, delays = [100, 500, 2000, 5000]): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // retried below
  }
  const [wait, ...rest] = delays;
  if (!existsSync(dir) || wait === undefined) return;
  setTimeout(() => removeSoon(dir, rest), wait).unref();
}

/**
 * Reads the numbered files back. A command that started but left no status ended the shell: `exit`,
 * `set -e`, or the time budget; one that never started after the shell stopped with its own error
 * on stderr is where bash refused the script (a syntax error), and gets that error and status.
 */
function collect(commands: LogicalCommand[], dir: string, timedOut: boolean, status: number | null, shellStderr: string): Step[] {
  const steps: Step[] = [];
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    const rc = read(join(dir, `${i}.rc`));
    const stdout = read(join(dir, `${i}.out`));
    if (stdout === undefined) {
      if (!timedOut && status !== null && status !== 0 && shellStderr !== '')
        steps.push({ line: c.line, command: c.command, exitCode: status, stdout: '', stderr: shellStderr });
      break;
    }
    const stderr = read(join(dir, `${i}.err`)) ?? '';
    if (rc === undefined) {
      if (timedOut) steps.push({ line: c.line, command: c.command, exitCode: TIMED_OUT, stdout, stderr: stderr + '(timed out)\n' });
      else if (status !== null) steps.push({ line: c.line, command: c.command, exitCode: status, stdout, stderr });
      else steps.push({ line: c.line, command: c.command, exitCode: TIMED_OUT, stdout, stderr: stderr + '(killed)\n' });
      break;
    }
    steps.push({ line: c.line, command: c.command, exitCode: Number(rc.trim()), stdout, stderr });
  }
  return steps;
}
