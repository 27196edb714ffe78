import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ruleset } from '../../kernel/netfilter/ruleset.js';
import { runIptables } from './iptables.js';
import { runRestore } from './restore.js';
import { runSave } from './save-command.js';

const WORDS = [
  '-A', '-I', '-D', '-R', '-C', '-N', '-X', '-F', '-Z', '-P', '-E', '-S', '-L', '-t', 'nat', 'raw', 'filter', 'mangle', 'INPUT', 'FORWARD',
  'OUTPUT', 'PREROUTING', 'POSTROUTING', 'X', 'Y', '1', '2', '0', '-p', 'tcp', 'udp', 'icmp', 'all', '!', '-s', '-d', '10.0.0.1/8', '1.2.3',
  '-i', '-o', 'eth+', '-j', '-g', 'ACCEPT', 'DROP', 'RETURN', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'MARK', 'LOG', 'CT', 'NOTRACK', '-m',
  'tcp', 'comment', 'multiport', 'mark', 'conntrack', 'state', 'addrtype', 'statistic', 'physdev', 'set', '--dport', '--sport', '80', '1:2',
  '--comment', 'x y', '--dports', '--mark', '0x1/0x1', '--ctstate', 'NEW', '--state', '--dst-type', 'LOCAL', '--mode', 'random', 'nth',
  '--probability', '0.5', '--every', '--packet', '--to-destination', '1.2.3.4:80', '--to-source', '--to-ports', '--set-xmark', '--or-mark',
  '--reject-with', 'tcp-reset', '--icmp-type', 'echo-request', '-v', '-n', '-x', '--line-numbers', '-w', '-c', '--random-fully', '',
];

describe('no input crashes iptables', () => {
  it('random command lines give an exit code, never an exception', () => {
    const rs = new Ruleset();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 14 }), (argv) => {
        const r = runIptables(argv, rs);
        expect([0, 1, 2, 3, 4]).toContain(r.exitCode);
        if (r.exitCode !== 0) expect(r.stderr.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
    expect(runSave([], rs, new Date(0)).exitCode).toBe(0);
  });

  it('random restore payloads give an exit code, never an exception', () => {
    const line = fc.oneof(
      fc.constantFrom('*filter', '*nat', '*raw', '*bogus', 'COMMIT', ':X - [0:0]', ':INPUT DROP [1:2]', ':INPUT', '# c', '', '-F', '-X', '[1:2] -A INPUT -j ACCEPT'),
      fc.array(fc.constantFrom(...WORDS), { maxLength: 10 }).map((w) => w.join(' ')),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, noflush) => {
        const rs = new Ruleset();
        const r = runRestore(noflush ? ['-n'] : [], rs, { stdin: lines.join('\n') + '\n' });
        expect([0, 1, 2, 4]).toContain(r.exitCode);
      }),
      { numRuns: 2000 },
    );
  });
});
