import { describe, expect, it } from 'vitest';
import { inetAton, resolveHost, reverseLookup } from './resolver.js';
import type { HostFs } from '../fs.js';

const fsWith = (hosts: string): HostFs =>
  ({ read: (p: string) => (p === '/etc/hosts' ? { ok: true, value: hosts } : { ok: false, error: { kind: 'io', message: 'No such file or directory' } }) }) as unknown as HostFs;

describe('inetAton', () => {
  it('accepts the short and based forms ping accepts', () => {
    expect(inetAton('10.0.0.2')).toBe(0x0a000002);
    expect(inetAton('10.2')).toBe(0x0a000002);
    expect(inetAton('0x0a000002')).toBe(0x0a000002);
    expect(inetAton('0')).toBe(0);
    expect(inetAton('010.0.0.1')).toBe(0x08000001);
  });
  it('refuses what ping then sends to the resolver', () => {
    expect(inetAton('10.0.0.256')).toBeUndefined();
    expect(inetAton('1.2.3.4.5')).toBeUndefined();
    expect(inetAton('foo')).toBeUndefined();
    expect(inetAton('')).toBeUndefined();
    expect(inetAton('10..1')).toBeUndefined();
  });
});

describe('resolveHost / reverseLookup', () => {
  const fs = fsWith('127.0.0.1\tlocalhost\n127.0.1.1\tnode1\n# comment\n');
  it('reads /etc/hosts and fails like a resolver without a reachable DNS server', () => {
    expect(resolveHost('localhost', fs, undefined)).toEqual({ ok: true, addr: '127.0.0.1', canonical: 'localhost', numeric: false });
    expect(resolveHost('foo', fs, undefined)).toEqual({ ok: false, error: 'EAI_AGAIN' });
    expect(resolveHost('foo', fs, undefined, true)).toEqual({ ok: false, error: 'EAI_NONAME' });
    expect(reverseLookup('127.0.0.1', fs, undefined)).toEqual({ ok: true, name: 'localhost' });
    expect(reverseLookup('10.0.0.1', fs, undefined)).toEqual({ ok: false, error: 'EAI_AGAIN' });
  });
});
