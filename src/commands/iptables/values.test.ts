import { describe, expect, it } from 'vitest';
import { parseAddrList, parseDottedLoose, parseIcmpType, parsePortRange, parseProtocol } from './values.js';

describe('iptables value parsers', () => {
  it('reads addresses as libxtables does', () => {
    expect(parseDottedLoose('10.1.2.3')).toBe(0x0a010203);
    expect(parseDottedLoose('10.1')).toBe(0x0a010000);
    expect(parseDottedLoose('1.2.3.256')).toBeUndefined();
    expect(parseDottedLoose('1.2.3.4.5')).toBeUndefined();
    expect(parseAddrList('10.1.2.3/24')).toEqual({ ok: true, value: [{ addr: 0x0a010200, mask: 0xffffff00 }] });
    expect(parseAddrList('10.0.0.0/255.255.0.0')).toEqual({ ok: true, value: [{ addr: 0x0a000000, mask: 0xffff0000 }] });
    expect(parseAddrList('10.0.0.0/33')).toEqual({ ok: false, error: { msg: "invalid mask `33' specified", exit: 2 } });
  });

  it('reads protocols, ports and ICMP types with their errors', () => {
    expect(parseProtocol('TCP')).toEqual({ ok: true, value: 6 });
    expect(parseProtocol('gre')).toEqual({ ok: true, value: 47 });
    expect(parseProtocol('256').ok).toBe(false);
    expect(parsePortRange('ssh', 'tcp')).toEqual({ ok: true, value: { lo: 22, hi: 22 } });
    expect(parsePortRange(':1024', 'tcp')).toEqual({ ok: true, value: { lo: 0, hi: 1024 } });
    expect(parsePortRange('2000:1000', 'tcp')).toEqual({ ok: false, error: { msg: 'invalid portrange (min > max)', exit: 2 } });
    expect(parseIcmpType('echo-request')).toEqual({ ok: true, value: { type: 8, codeMin: 0, codeMax: 255 } });
    expect(parseIcmpType('3/4')).toEqual({ ok: true, value: { type: 3, codeMin: 4, codeMax: 4 } });
    expect(parseIcmpType('nope').ok).toBe(false);
  });
});
