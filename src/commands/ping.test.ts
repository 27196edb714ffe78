// Expected texts and exit codes captured from iputils ping 20221126 (Debian 12), run as root
// inside throwaway network namespaces.
import { describe, expect, it } from 'vitest';
import { parsePingArgs, PING_USAGE, PING_VERSION } from './ping.js';

const refused = (argv: string[]) => {
  const r = parsePingArgs(argv);
  if (r.ok) throw new Error(`accepted: ${argv.join(' ')}`);
  return r.exit;
};

describe('ping argument parsing', () => {
  it('reads the modelled options', () => {
    const r = parsePingArgs(['ping', '-c', '3', '-i', '0.2', '-W', '1', '-w', '5', '-s', '100', '-t', '7', '-q', '-n', '-b', '-M', 'do', '-I', 'eth0', '10.0.0.2']);
    expect(r).toMatchObject({
      ok: true,
      opts: { count: 3, intervalMs: 200, lingerMs: 1000, deadlineS: 5, datalen: 100, ttl: 7, quiet: true, numeric: true, broadcast: true, pmtudisc: 'do', device: 'eth0', targets: ['10.0.0.2'] },
    });
    expect(parsePingArgs(['ping', '-I', '10.0.0.1', '10.0.0.2'])).toMatchObject({ ok: true, opts: { sourceAddr: '10.0.0.1' } });
    expect(parsePingArgs(['ping', '10.0.0.2', '-c', '1'])).toMatchObject({ ok: true, opts: { count: 1, targets: ['10.0.0.2'] } });
  });

  it('refuses numbers with strtol_or_err text and status 1', () => {
    expect(refused(['ping', '-c', 'abc', '10.0.0.2'])).toEqual({ exitCode: 1, stdout: '', stderr: "ping: invalid argument: 'abc'\n" });
    expect(refused(['ping', '-c', '0', '10.0.0.2']).stderr).toBe("ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n");
    expect(refused(['ping', '-c', '99999999999999999999', '10.0.0.2']).stderr).toBe(
      "ping: invalid argument: '99999999999999999999': Numerical result out of range\n",
    );
    expect(refused(['ping', '-s', '-1', '-c', '1', '10.0.0.2']).stderr).toBe("ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647\n");
    expect(refused(['ping', '-t', '256', '-c', '1', '10.0.0.2']).stderr).toBe("ping: invalid argument: '256': out of range: 0 <= value <= 255\n");
    expect(refused(['ping', '-w', 'abc', '-c', '1', '10.0.0.2'])).toEqual({ exitCode: 1, stdout: '', stderr: "ping: invalid argument: 'abc'\n" });
    expect(refused(['ping', '-c', '', '10.0.0.2']).stderr).toBe("ping: invalid argument: ''\n");
  });

  it('refuses -W, -i and -M values with status 2', () => {
    expect(refused(['ping', '-W', '-1', '-c', '1', '10.0.0.2'])).toEqual({ exitCode: 2, stdout: '', stderr: 'ping: bad linger time: -1\n' });
    expect(refused(['ping', '-i', '3000000', '-c', '1', '10.0.0.2'])).toEqual({ exitCode: 2, stdout: '', stderr: 'ping: bad timing interval: 3000000\n' });
    expect(refused(['ping', '-M', 'foo', '10.0.0.2'])).toEqual({ exitCode: 2, stdout: '', stderr: 'ping: invalid -M argument: foo\n' });
    expect(refused(['ping', '-4', '-6', '10.0.0.2'])).toEqual({ exitCode: 2, stdout: '', stderr: 'ping: only one -4 or -6 option may be specified\n' });
  });

  it('takes garbage after a -W/-i number with a warning, as iputils 20221126 still does', () => {
    const r = parsePingArgs(['ping', '-W', 'abc', '-c', '1', '10.0.0.2']);
    expect(r).toMatchObject({ ok: true, opts: { lingerMs: 0 } });
    expect(r.ok && r.warnings).toBe('ping: option argument contains garbage: abc\nping: this will become fatal error in the future\n');
  });

  it('usage errors', () => {
    expect(refused(['ping'])).toEqual({ exitCode: 1, stdout: '', stderr: 'ping: usage error: Destination address required\n' });
    expect(refused(['ping', '-z', '10.0.0.2'])).toEqual({ exitCode: 2, stdout: '', stderr: "ping: invalid option -- 'z'\n" + PING_USAGE });
    expect(refused(['ping', '-c'])).toEqual({ exitCode: 2, stdout: '', stderr: "ping: option requires an argument -- 'c'\n" + PING_USAGE });
    expect(refused(['ping', '-h'])).toEqual({ exitCode: 2, stdout: '', stderr: PING_USAGE });
    expect(PING_USAGE.startsWith('\nUsage\n  ping [options] <destination>\n')).toBe(true);
    expect(PING_USAGE.endsWith('For more details see ping(8).\n')).toBe(true);
  });

  it('messages carry argv[0] as typed (real: "/usr/bin/ping: invalid argument: \'abc\'")', () => {
    expect(refused(['/usr/bin/ping', '-c', 'abc', '1.2.3.4']).stderr).toBe("/usr/bin/ping: invalid argument: 'abc'\n");
    expect(refused(['/bin/ping', '-z']).stderr).toBe("/bin/ping: invalid option -- 'z'\n" + PING_USAGE);
  });

  it('-V prints the version and exits 0', () => {
    expect(refused(['ping', '-V'])).toEqual({ exitCode: 0, stdout: PING_VERSION, stderr: '' });
  });

  it('refuses what podnet does not model, saying so', () => {
    expect(refused(['ping', '-m', '3', '10.0.0.2']).stderr).toBe('podnet: unsupported: ping: packet marks is not modelled\n');
    expect(refused(['ping', '-6', '::1']).stderr).toContain('IPv6');
  });
});
