import { describe, expect, it } from 'vitest';
import { fakeWorld } from '../shell/testing.js';
import { createHostFs } from '../../world/hostfs.js';
import type { Command, ExecContext } from '../types.js';
import { grep } from './grep.js';
import { ls } from './ls.js';
import { sort } from './sort.js';
import { wc } from './wc.js';
import { posixToJs } from './regex.js';
import { getopt } from './io.js';

function ctx(stdin = ''): ExecContext {
  const world = fakeWorld();
  const host = world.addHost('h');
  return { world, host, env: {}, fs: createHostFs(host), cwd: '/nonexistent-podnet', stdin, background: false, exec: () => ({ exitCode: 0, stdout: '', stderr: '' }), registerJob: () => {} };
}
const run = (cmd: Command, argv: string[], stdin = '') => cmd(argv, ctx(stdin));

describe('text tools', () => {
  it('refuse real-but-unmodelled options as unsupported, not as invalid', () => {
    expect(run(ls, ['ls', '-l'])).toEqual({ exitCode: 2, stdout: '', stderr: 'podnet: unsupported: ls option -l\n' });
    expect(run(grep, ['grep', '-P', 'x'], 'x\n').stderr).toBe('podnet: unsupported: grep option -P\n');
    expect(run(wc, ['wc', '-x'])).toEqual({ exitCode: 1, stdout: '', stderr: "wc: invalid option -- 'x'\nTry 'wc --help' for more information.\n" });
  });

  it('translate POSIX BRE and ERE into JavaScript', () => {
    expect(posixToJs('a\\(b\\)\\{2\\}\\|c+', false)).toEqual({ ok: true, source: 'a(b){2}|c\\+' });
    expect(posixToJs('(a|b)+[[:digit:]]', true)).toEqual({ ok: true, source: '(a|b)+[0-9]' });
    expect(posixToJs('*a^b$', false)).toEqual({ ok: true, source: '\\*a\\^b$' });
    expect(posixToJs('[abc', false)).toEqual({ ok: false, message: 'Unmatched [, [^, [:, [., or [=' });
    expect(posixToJs('a\\)', false)).toEqual({ ok: false, message: 'Unmatched ) or \\)' });
  });

  it('grep -c and -v exit codes follow GNU grep', () => {
    expect(run(grep, ['grep', '-c', 'z'], 'a\nb\n')).toEqual({ exitCode: 1, stdout: '0\n', stderr: '' });
    expect(run(grep, ['grep', '-vc', 'a'], 'a\nb\n')).toEqual({ exitCode: 0, stdout: '1\n', stderr: '' });
    expect(run(grep, ['grep', '-ow', 'ab'], 'ab abc ab\n')).toEqual({ exitCode: 0, stdout: 'ab\nab\n', stderr: '' });
  });

  it('wc pads to 7 for pipes with several counts and not for one', () => {
    expect(run(wc, ['wc'], 'a b\nc\n').stdout).toBe('      2       3       6\n');
    expect(run(wc, ['wc', '-l'], 'a b\nc\n').stdout).toBe('2\n');
  });

  it('sort keys with a separator, numeric and reverse', () => {
    expect(run(sort, ['sort', '-t:', '-k2,2nr'], 'a:1\nb:10\nc:2\n').stdout).toBe('b:10\nc:2\na:1\n');
    expect(run(sort, ['sort', '-u'], 'b\na\nb\n').stdout).toBe('a\nb\n');
  });

  it('getopt bundles, attaches and permutes like GNU', () => {
    expect(getopt(['-vn5', 'x', '-c', '--', '-y'], 'vc', 'n')).toEqual({
      ok: true,
      value: { opts: [{ name: 'v' }, { name: 'n', arg: '5' }, { name: 'c' }], operands: ['x', '-y'] },
    });
    expect(getopt(['-n'], '', 'n')).toEqual({ ok: false, message: "option requires an argument -- 'n'" });
  });
});
