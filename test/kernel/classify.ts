/**
 * Decides, from a command's text, whether its output is a fact about the network worth comparing
 * with the kernel's, or only its exit code is (sleeping, counters that tick, tools outside the subset).
 */

export type Compare = 'output' | 'exit';

/** Programs whose whole output (stdout and stderr) is deterministic on Linux and in scope. */
const OUTPUT_PROGRAMS = new Set([
  'ip', 'bridge', 'ping', 'nc', 'sysctl', 'cat', 'echo', 'ls',
  'grep', 'head', 'tail', 'wc', 'sort', 'cut', 'iptables', 'iptables-save', 'ipset',
]);

/** Rough word split: good enough to find the program name, not a shell parser. */
function words(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

/** Strips what only chooses where a command runs (`VAR=x`, `ip netns exec NS`) to find the real program. */
export function innerProgram(command: string): string[] {
  const firstStage = command.split(/\|(?!\|)/)[0] ?? '';
  let w = words(firstStage);
  for (;;) {
    while (w.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0]!)) w = w.slice(1);
    if (w[0] === 'ip' && w[1] === 'netns' && w[2] === 'exec' && w.length > 4) {
      w = w.slice(4);
      continue;
    }
    return w;
  }
}

export function classify(command: string): Compare {
  const w = innerProgram(command);
  const prog = w[0];
  if (prog === 'conntrack') return w.some((a) => a === '-L' || a === '--dump' || a === '-C' || a === '--count') ? 'output' : 'exit';
  // A CNI plugin's result or error JSON is its whole output (differential CNI scenarios run them by path).
  if (prog !== undefined && prog.startsWith('/opt/cni/bin/')) return 'output';
  if (prog === undefined || !OUTPUT_PROGRAMS.has(prog)) return 'exit';
  if (prog === 'ip' || prog === 'bridge') {
    // Statistics count every frame Linux sends on its own (IPv6 RS/MLD): not comparable.
    if (w.some((a) => /^-s(tat(istic)?s?)?$/.test(a))) return 'exit';
    if (w.includes('monitor')) return 'exit';
  }
  return 'output';
}
