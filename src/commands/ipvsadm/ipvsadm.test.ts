/**
 * ipvsadm against its documented behaviour and sources (ipvsadm.c / libipvs.c, v1.26–1.31): IPVS
 * cannot be loaded on the kernels podnet's suite runs on, so these are not differential tests.
 */
import { describe, expect, it } from 'vitest';
import { Ipvs } from '../../kernel/ipvs/ipvs.js';
import { runIpvsadm } from './ipvsadm.js';

const newIpvs = (local: number[] = []): Ipvs => new Ipvs({ now: () => 0, addrType: (a) => (local.includes(a) ? 'local' : 'unicast') });
const run = (vs: Ipvs, line: string, stdin = ''): { exitCode: number; stdout: string; stderr: string } => runIpvsadm(line.split(/\s+/).filter(Boolean), vs, stdin);

describe('ipvsadm (documented semantics, not differential: no ip_vs module here)', () => {
  it('lists services and servers in the -Ln format, sorted like ipvs_cmp_services/ipvs_cmp_dests', () => {
    const vs = newIpvs();
    expect(run(vs, '-A -t 10.96.0.10:80 -s rr').exitCode).toBe(0);
    run(vs, '-a -t 10.96.0.10:80 -r 10.244.2.5:8080 -m -w 1');
    run(vs, '-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 2');
    run(vs, '-A -u 10.96.0.1:53 -s wlc');
    expect(run(vs, '-Ln').stdout).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\n' +
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n' +
        'TCP  10.96.0.10:80 rr\n' +
        '  -> 10.244.1.5:8080              Masq    2      0          0         \n' +
        '  -> 10.244.2.5:8080              Masq    1      0          0         \n' +
        'UDP  10.96.0.1:53 wlc\n',
    );
    expect(run(vs, '-S -n').stdout).toBe(
      '-A -t 10.96.0.10:80 -s rr\n-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 2\n-a -t 10.96.0.10:80 -r 10.244.2.5:8080 -m -w 1\n-A -u 10.96.0.1:53 -s wlc\n',
    );
    // Without -n ports are named from /etc/services.
    expect(run(vs, '-L').stdout).toContain('TCP  10.96.0.10:http rr\n');
  });

  it('compares addresses as C ints: 192.168.x sorts before 10.x (the subtraction wraps)', () => {
    const vs = newIpvs();
    run(vs, '-A -t 10.0.0.1:80');
    run(vs, '-A -t 192.168.0.1:80');
    const out = run(vs, '-Ln').stdout;
    expect(out.indexOf('192.168.0.1:80')).toBeLessThan(out.indexOf('10.0.0.1:80'));
  });

  it('refuses like libipvs (exit 255) and like fail() (exit 2)', () => {
    const vs = newIpvs();
    run(vs, '-A -t 10.96.0.10:80 -s rr');
    expect(run(vs, '-A -t 10.96.0.10:80 -s rr')).toEqual({ exitCode: 255, stdout: '', stderr: 'Service already exists\n' });
    expect(run(vs, '-A -t 10.96.0.11:80 -s nope')).toEqual({ exitCode: 255, stdout: '', stderr: 'Scheduler or persistence engine not found\n' });
    expect(run(vs, '-a -t 10.96.0.99:80 -r 10.0.0.1:80 -m')).toEqual({ exitCode: 255, stdout: '', stderr: 'Service not defined\n' });
    run(vs, '-a -t 10.96.0.10:80 -r 10.0.0.1:80 -m');
    expect(run(vs, '-a -t 10.96.0.10:80 -r 10.0.0.1:80 -m').stderr).toBe('Destination already exists\n');
    expect(run(vs, '-d -t 10.96.0.10:80 -r 10.0.0.2:80').stderr).toBe('No such destination\n');
    expect(run(vs, '-D -t 10.96.0.99:80')).toEqual({ exitCode: 255, stdout: '', stderr: 'No such service\n' });
    expect(run(vs, '-a -t 10.96.0.10:80')).toEqual({ exitCode: 2, stdout: '', stderr: "You need to supply the 'real-server' option for the 'add-server' command\n" });
    expect(run(vs, '-A -t 10.96.0.12 -s rr')).toEqual({ exitCode: 2, stdout: '', stderr: 'Zero port specified for non-persistent service\n' });
    expect(run(vs, '-A -t 300.1.1.1:80')).toEqual({ exitCode: 2, stdout: '', stderr: 'illegal virtual server address[:port] specified\n' });
    expect(run(vs, '-A -t 10.96.0.13:80 -r 10.0.0.1').stderr).toBe("Illegal 'real-server' option with the 'add-service' command\n");
    expect(run(vs, '-a -t 10.96.0.10:80 -r 10.0.0.3:80 -w 70000').stderr).toBe('illegal weight specified\n');
    expect(run(vs, '-A -E -t 10.96.0.10:80').stderr).toBe('multiple commands specified\n');
    expect(run(vs, '-L -t 10.96.0.99:80')).toEqual({ exitCode: 1, stdout: '', stderr: 'No such service\n' });
  });

  it('defaults: scheduler wlc, direct routing with the virtual port, weight 1; a local address forwards as Local', () => {
    const vs = newIpvs([0x0a000005]);
    run(vs, '-A -t 10.96.0.10:80');
    run(vs, '-a -t 10.96.0.10:80 -r 10.0.0.1:8080');
    run(vs, '-a -t 10.96.0.10:80 -r 10.0.0.5:8080 -m');
    expect(run(vs, '-S -n').stdout).toBe('-A -t 10.96.0.10:80 -s wlc\n-a -t 10.96.0.10:80 -r 10.0.0.1:80 -g -w 1\n-a -t 10.96.0.10:80 -r 10.0.0.5:8080 -g -w 1\n');
    expect(run(vs, '-Ln').stdout).toContain('  -> 10.0.0.5:8080                Local   1      0          0         \n');
  });

  it('-R replays -S output; -C clears', () => {
    const vs = newIpvs();
    const rules = '-A -t 10.96.0.10:80 -s rr\n-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1\n-A -u 10.96.0.10:53 -s rr\n-a -u 10.96.0.10:53 -r 10.244.1.5:53 -m -w 1\n';
    expect(run(vs, '-R', rules).exitCode).toBe(0);
    expect(run(vs, '-S -n').stdout).toBe(rules);
    expect(run(vs, '-C').exitCode).toBe(0);
    expect(run(vs, '-S -n').stdout).toBe('');
  });
});
