// Expected texts captured from netcat-openbsd 1.219-1 (Debian 12) in throwaway network namespaces.
import { describe, expect, it } from 'vitest';
import { buildPorts, NC_HELP, NC_USAGE, parseNcArgs } from './nc.js';

const refused = (argv: string[]) => {
  const r = parseNcArgs(argv);
  if (r.ok) throw new Error(`accepted: ${argv.join(' ')}`);
  return r.exit;
};

describe('nc argument rules', () => {
  it('listener forms: -l PORT, -l -p PORT, -l ADDR PORT, -l -s ADDR -p PORT', () => {
    expect(parseNcArgs(['nc', '-l', '8080'])).toMatchObject({ ok: true, opts: { listen: true, ports: ['8080'] } });
    expect(parseNcArgs(['nc', '-l', '-p', '8080'])).toMatchObject({ ok: true, opts: { listen: true, ports: ['8080'] } });
    expect(parseNcArgs(['nc', '-l', '10.0.0.2', '8080'])).toMatchObject({ ok: true, opts: { listen: true, host: '10.0.0.2', ports: ['8080'] } });
    expect(parseNcArgs(['nc', '-l', '-s', '10.0.0.2', '-p', '8080'])).toMatchObject({ ok: true, opts: { host: '10.0.0.2', ports: ['8080'] } });
    expect(parseNcArgs(['nc', '-lku', '5000'])).toMatchObject({ ok: true, opts: { listen: true, keep: true, udp: true } });
  });

  it('client forms and flags', () => {
    expect(parseNcArgs(['nc', '-zv', '-w', '2', '10.0.0.2', '80', '443'])).toMatchObject({
      ok: true,
      opts: { zero: true, verbose: true, timeoutMs: 2000, host: '10.0.0.2', ports: ['80', '443'] },
    });
    // -q implies -N.
    expect(parseNcArgs(['nc', '-q', '1', 'h', '1'])).toMatchObject({ ok: true, opts: { quitAfterS: 1, shutdownOnEof: true } });
  });

  it('usage errors (all exit 1)', () => {
    expect(refused(['nc'])).toEqual({ exitCode: 1, stdout: '', stderr: NC_USAGE });
    expect(refused(['nc', '10.0.0.2'])).toEqual({ exitCode: 1, stdout: '', stderr: 'nc: missing port number\n' });
    expect(refused(['nc', '-l'])).toEqual({ exitCode: 1, stdout: '', stderr: 'nc: missing port number\n' });
    expect(refused(['nc', '-z', '-l', '8080']).stderr).toBe('nc: cannot use -z and -l\n');
    expect(refused(['nc', '-k', '10.0.0.2', '8080']).stderr).toBe('nc: must use -l with -k\n');
    expect(refused(['nc', '-l', '-p', '8080', '9090']).stderr).toBe(NC_USAGE);
    expect(refused(['nc', '-l', '1.2.3.4', '5', '6']).stderr).toBe(NC_USAGE);
    expect(refused(['nc', '-x'])).toEqual({ exitCode: 1, stdout: '', stderr: "nc: option requires an argument -- 'x'\n" + NC_USAGE });
    expect(refused(['nc', '-y', '10.0.0.2', '80']).stderr).toBe("nc: invalid option -- 'y'\n" + NC_USAGE);
  });

  it('getopt names argv[0] as typed, nc\'s own errors say "nc" (real: /bin/nc -y)', () => {
    expect(refused(['/bin/nc', '-y']).stderr).toBe("/bin/nc: invalid option -- 'y'\n" + NC_USAGE);
    expect(refused(['/bin/nc', '10.0.0.2']).stderr).toBe('nc: missing port number\n');
  });

  it('number checks', () => {
    expect(refused(['nc', '-w', 'abc', '10.0.0.2', '80']).stderr).toBe('nc: timeout invalid: abc\n');
    expect(refused(['nc', '-q', 'abc', '10.0.0.2', '80']).stderr).toBe('nc: quit timer invalid: abc\n');
    expect(refused(['nc', '-M', '300', '10.0.0.2', '80']).stderr).toBe('nc: ttl is too large\n');
  });

  it('-h prints the help on stderr and exits 0', () => {
    expect(refused(['nc', '-h'])).toEqual({ exitCode: 0, stdout: '', stderr: NC_HELP });
    expect(NC_HELP).toContain('\t\t-w timeout\tTimeout for connects and final net reads\n');
    expect(NC_HELP).toContain('\t\t-4\t\tUse IPv4\n');
    expect(NC_HELP).toContain('\t\t-P proxyuser\tUsername for proxy authentication\n');
    expect(NC_HELP.endsWith('\tPort numbers can be individual or ranges: lo-hi [inclusive]\n')).toBe(true);
  });
});

describe('port lists', () => {
  it('service names, ranges in either order, and the refusals', () => {
    expect(buildPorts(['http', '8080-8082', '90-88'], 'tcp')).toEqual({ ok: true, ports: [80, 8080, 8081, 8082, 88, 89, 90] });
    expect(buildPorts(['99999'], 'tcp')).toEqual({ ok: false, message: 'port number too large: 99999' });
    expect(buildPorts(['0'], 'tcp')).toEqual({ ok: false, message: 'port number too small: 0' });
    expect(buildPorts(['nosuchsvc'], 'tcp')).toEqual({ ok: false, message: 'port number invalid: nosuchsvc' });
    expect(buildPorts(['abc-80'], 'tcp')).toEqual({ ok: false, message: 'port number invalid: abc-80' });
    expect(buildPorts(['80-abc'], 'tcp')).toEqual({ ok: false, message: 'port number invalid: abc' });
  });
});
