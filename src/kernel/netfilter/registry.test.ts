import { describe, expect, it } from 'vitest';
import { getRuleset, rulesetFor } from './registry.js';
import { Ruleset } from './ruleset.js';

describe('rulesetFor', () => {
  it("uses the kernel's own Ruleset when Netlink offers one", () => {
    const own = new Ruleset();
    const host = { netlink: () => ({ ok: true, value: { xtables: () => own } }) };
    expect(rulesetFor(host)).toBe(own);
  });

  it('falls back to one side-table Ruleset per host and namespace', () => {
    const host = { netlink: () => ({ ok: true, value: new Proxy({}, { get: () => () => { throw new Error('not modelled'); } }) }) };
    const a = rulesetFor(host, 'ns1');
    expect(rulesetFor(host, 'ns1')).toBe(a);
    expect(getRuleset(host, 'ns1')).toBe(a);
    expect(rulesetFor(host)).not.toBe(a);
  });
});
