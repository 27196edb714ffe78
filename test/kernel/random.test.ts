import { expect, test } from 'vitest';
import { FAMILIES, family, generateLab, generatePathLab, prng } from './random.js';
import { generateNetLab, NET_SETUP } from './random-net.js';
import { splitLab } from './split.js';

test('prng is a pure function of its seed', () => {
  const a = prng(42);
  const b = prng(42);
  const xs = Array.from({ length: 100 }, () => a());
  expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
  expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  expect(new Set(xs).size).toBeGreaterThan(95);
});

test('a seed always gives the same lab, and different seeds different labs', () => {
  expect(generateLab(7)).toBe(generateLab(7));
  expect(new Set([1, 2, 3, 4, 5].map((s) => generateLab(s))).size).toBe(5);
});

test('the random part never changes link state and pings stay within budget', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const cmds = splitLab(generateLab(seed, { commands: 40, maxPings: 2 })).map((c) => c.command);
    const afterSetup = cmds.slice(cmds.indexOf('sleep 1') + 1);
    expect(afterSetup.filter((c) => / (up|down)$/.test(c))).toEqual([]);
    expect(afterSetup.filter((c) => c.includes('ping')).length).toBeLessThanOrEqual(2);
    // Neighbour dumps come in kernel hash order, so every one must be sorted.
    expect(afterSetup.filter((c) => c.startsWith('ip neigh show') && !c.endsWith('| sort'))).toEqual([]);
  }
});

test('the data-path family: deterministic per seed, few pings, only present or off-link targets', () => {
  expect(generatePathLab(3)).toBe(generatePathLab(3));
  expect(new Set([1, 2, 3, 4, 5, 6].map((s) => generatePathLab(s))).size).toBe(6);
  for (let seed = 1; seed <= 200; seed++) {
    const pings = splitLab(generatePathLab(seed)).map((c) => c.command).filter((c) => c.includes(' ping '));
    expect(pings.length).toBe(4);
    for (const p of pings) expect(p).toMatch(/ (10\.0\.[123]\.[12]|10\.0\.2\.[12]|10\.9\.1\.1)$/);
  }
});

test('random-net (fast-check): a seed always gives the same lab, different seeds different labs', () => {
  expect(generateNetLab(11)).toBe(generateNetLab(11));
  expect(new Set([1, 2, 3, 4, 5, 6].map((s) => generateNetLab(s))).size).toBe(6);
});

test('random-net: fixed setup first, few probes, only present or off-link targets, one listener at most', () => {
  const setup = NET_SETUP.split('\n');
  for (let seed = 1; seed <= 200; seed++) {
    const text = generateNetLab(seed);
    const lines = text.split('\n');
    expect(lines.slice(1, 1 + setup.length)).toEqual(setup);
    const cmds = splitLab(text).map((c) => c.command);
    const probes = cmds.filter((c) => / (ping|nc -zv) /.test(c));
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes.length).toBeLessThanOrEqual(5);
    for (const p of probes) expect(p).toMatch(/ (10\.10\.0\.[123]|10\.20\.0\.[12]|10\.99\.0\.1)( 808[01])?$/);
    expect(cmds.filter((c) => c.includes('nc -lk')).length).toBeLessThanOrEqual(1);
    expect(cmds.slice(setup.length).filter((c) => / (up|down)$/.test(c))).toEqual([]);
  }
});

test('every family keeps its header and setup out of shrinking', () => {
  for (const f of FAMILIES) {
    const lines = f.generate(3).split('\n');
    expect(lines[0]).toMatch(/^# Random/);
    // The protected prefix ends where the random part starts: for every family, a settle or setup line.
    expect(lines.length).toBeGreaterThan(f.keepPrefix);
    expect(family(f.name)).toBe(f);
  }
});
