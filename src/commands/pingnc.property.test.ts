// No command line may crash ping or nc: every input ends in an exit status and text.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePingArgs } from './ping.js';
import { parseNcArgs } from './nc.js';
import { ping } from './ping.js';
import { nc } from './nc.js';
import { createWorld } from '../world/world.js';
import { createHostFs } from '../world/hostfs.js';
import type { ExecContext } from './types.js';

const word = fc.oneof(
  fc.constantFrom('-c', '-w', '-W', '-i', '-I', '-s', '-t', '-M', '-q', '-n', '-b', '-l', '-k', '-u', '-v', '-z', '-p', '-N', '-d', '-C', '-e', '-Q', '-V', '-h', '--', '-', '-cq'),
  fc.constantFrom('1', '0', '-1', '0.2', 'abc', '', '65536', '99999999999999999999', 'do', 'lo', 'eth0', '10.0.0.2', '127.0.0.1', '0', 'localhost', 'http', '80-82', 'inf', 'nan', '1e400'),
  fc.string({ maxLength: 6 }),
);

describe('argument parsing never throws', () => {
  it('ping', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (args) => {
        const r = parsePingArgs(['ping', ...args]);
        if (!r.ok) expect(typeof r.exit.exitCode).toBe('number');
      }),
      { numRuns: 2000 },
    );
  });
  it('nc', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (args) => {
        const r = parseNcArgs(['nc', ...args]);
        if (!r.ok) expect(typeof r.exit.exitCode).toBe('number');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('running them never throws', () => {
  it('ping and nc against a host with only loopback (bounded with -w 1)', () => {
    const world = createWorld({ seed: 7 });
    const host = world.addHost('h');
    const nl = host.netlink();
    if (nl.ok) nl.value.linkSet('lo', { up: true });
    const ctx: ExecContext = {
      world,
      host,
      env: {},
      fs: createHostFs(host),
      cwd: '/tmp',
      stdin: 'hi\n',
      background: false,
      exec: () => ({ exitCode: 127, stdout: '', stderr: '' }),
      registerJob: () => undefined,
    };
    fc.assert(
      fc.property(fc.boolean(), fc.array(word, { maxLength: 6 }), (isPing, args) => {
        const r = isPing ? ping(['ping', '-w', '1', ...args.filter((a) => a !== '-w')], ctx) : nc(['nc', '-w', '1', ...args.filter((a) => a !== '-w' && a !== '-l')], ctx);
        expect(typeof r.exitCode).toBe('number');
      }),
      { numRuns: 150 },
    );
  });
});
