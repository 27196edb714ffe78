import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import { renderTrace } from './trace.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('podnet CLI', () => {
  it('prints its version and help with status 0', () => {
    expect(main(['--version'])).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(main(['lab', '--help'])).toBe(0);
    expect(out).toContain('Usage: podnet lab [options] <file>');
  });

  it('names an unreadable lab file and exits 2', () => {
    expect(main(['lab', '/nonexistent/x.lab'])).toBe(2);
    expect(err).toBe("podnet: cannot read lab file '/nonexistent/x.lab': No such file or directory\n");
    err = '';
    expect(main(['lab', '/'])).toBe(2);
    expect(err).toBe("podnet: cannot read lab file '/': Is a directory\n");
  });

  it('refuses bad usage with status 2', () => {
    expect(main(['lab'])).toBe(2);
    expect(main(['nosuch'])).toBe(2);
    expect(main(['lab', 'x', '--seed', 'abc'])).toBe(2);
    expect(err).toContain("podnet: invalid --seed 'abc'");
  });
});

describe('renderTrace', () => {
  it('lines up one event per line with the packet beneath', () => {
    const text = renderTrace([
      { t: 0, host: 'host', netns: '(root)', dev: 'veth0', stage: 'tx', verdict: 'ok', detail: 'echo request', packet: 'IP 10.0.0.1 > 10.0.0.2: ICMP echo request' },
      { t: 1.5, host: 'host', netns: 'red', stage: 'route', verdict: 'local', detail: 'local table' },
    ]);
    expect(text).toBe(
      [
        '  trace (2 events):',
        '    0.000ms  host/(root)  veth0  tx     ok     echo request',
        '             IP 10.0.0.1 > 10.0.0.2: ICMP echo request',
        '    1.500ms  host/red     -      route  local  local table',
        '',
      ].join('\n'),
    );
  });
});

describe('podnet lab --pcap', () => {
  it('writes a pcapng file with one interface per device where frames were seen', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'podnet-cli-'));
    writeFileSync(
      join(d, 'p.lab'),
      'ip link add veth0 type veth peer name veth1\nip addr add 10.1.0.1/24 dev veth0\nip link set veth0 up\nip link set veth1 up\nping -c 1 -W 1 10.1.0.2 >/dev/null\n',
    );
    expect(main(['lab', join(d, 'p.lab'), '--pcap', join(d, 'out.pcapng')])).toBe(1);
    const buf = readFileSync(join(d, 'out.pcapng'));
    // Section Header Block magic, then at least one frame (the ARP request ping sent).
    expect(buf.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(buf.length).toBeGreaterThan(100);
    expect(main(['lab', join(d, 'p.lab'), '--pcap', join(d, 'nodir', 'x.pcapng')])).toBe(2);
    expect(err).toContain(`podnet: cannot write capture '${join(d, 'nodir', 'x.pcapng')}': No such file or directory`);
  });
});
