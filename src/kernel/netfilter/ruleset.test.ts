import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyIpSpec, type Rule } from './rule.js';
import { Ruleset } from './ruleset.js';

const jump = (chain: string): Rule => ({ ip: emptyIpSpec(), matches: [], target: { name: 'jump', chain, goto: false }, counters: { pkts: 0, bytes: 0 } });

describe('NfTable reference counts', () => {
  it('always equal a recount of the jumps, whatever the sequence of operations', () => {
    const names = ['A', 'B', 'C'];
    const op = fc.oneof(
      fc.record({ k: fc.constant('new'), c: fc.constantFrom(...names) }),
      fc.record({ k: fc.constant('append'), c: fc.constantFrom('INPUT', ...names), to: fc.constantFrom(...names) }),
      fc.record({ k: fc.constant('insert'), c: fc.constantFrom('INPUT', ...names), to: fc.constantFrom(...names), pos: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ k: fc.constant('replace'), c: fc.constantFrom('INPUT', ...names), to: fc.constantFrom(...names), pos: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ k: fc.constant('delete'), c: fc.constantFrom('INPUT', ...names), pos: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ k: fc.constant('flush'), c: fc.option(fc.constantFrom('INPUT', ...names), { nil: undefined }) }),
      fc.record({ k: fc.constant('x'), c: fc.option(fc.constantFrom(...names), { nil: undefined }) }),
      fc.record({ k: fc.constant('rename'), c: fc.constantFrom(...names), to: fc.constantFrom(...names) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const t = new Ruleset().table('filter');
        for (const o of ops) {
          if (o.k === 'new') t.newChain(o.c);
          else if (o.k === 'append') t.append(o.c, jump(o.to));
          else if (o.k === 'insert') t.insert(o.c, o.pos, jump(o.to));
          else if (o.k === 'replace') t.replace(o.c, o.pos, jump(o.to));
          else if (o.k === 'delete') t.delete(o.c, o.pos);
          else if (o.k === 'flush') t.flush(o.c);
          else if (o.k === 'x') t.deleteChain(o.c);
          else t.renameChain(o.c, o.to);
        }
        for (const c of t.chains.values()) {
          let n = 0;
          for (const other of t.chains.values()) for (const r of other.rules) if (r.target?.name === 'jump' && r.target.chain === c.name) n++;
          expect(t.references(c.name)).toBe(n);
        }
        // A jump never points at a chain that is gone.
        for (const c of t.chains.values()) for (const r of c.rules) if (r.target?.name === 'jump') expect(t.chains.has(r.target.chain)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
