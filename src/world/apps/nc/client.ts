/**
 * nc's connecting side (netcat-openbsd 1.219): connect to each port in turn over TCP or UDP, report
 * the outcome with -v in the real words, probe UDP ports with -z -v, and otherwise run readwrite()
 * with the world's virtual time standing in for poll(), select() and sleep().
 *
 * Verified with the real tool: exit 0 once any port connected; "Connection to H P port [tcp/svc]
 * succeeded!" and "nc: connect to H port P (tcp) failed: Connection refused" on stderr; -w turns a
 * silent SYN into "timed out: Operation now in progress"; an on-link address nobody owns fails
 * "No route to host" after ARP's 3 s; a UDP probe writes "X" twice, then once a second for 3 s
 * (or -w seconds), and fails only on ECONNREFUSED — plain -zu never sends anything and says 0.
 */
import type { Sockets, TcpConnection, UdpSocket } from '../../../kernel/api.js';
import { ERRNO, type Errno } from '../../../kernel/errno.js';
import type { ExecResult } from '../../../commands/types.js';
import { SERVICE_BY_PORT } from '../../../kernel/netfilter/netdb.js';
import { ReadWrite, type RwOptions, type RwStream } from './readwrite.js';

export interface NcClock {
  now(): number;
  runUntil(pred: () => boolean, maxMs: number): boolean;
  runFor(ms: number): void;
}

export interface NcClientOptions {
  udp: boolean;
  verbose: boolean;
  numeric: boolean;
  zero: boolean;
  /** -w in ms, -1 when not given. */
  timeoutMs: number;
  /** -s: the local address to bind. */
  source?: string;
  /** -p: the local port to bind (UDP only here). */
  sourcePort?: number;
  rw: Omit<RwOptions, 'listen' | 'timeoutMs'>;
}

/** How long podnet waits for things real nc would wait on forever (a peer that never closes). */
export const NC_IDLE_CAP_MS = 60_000;
/** Longer than Linux's own connect timeout (6 SYN retries: 127 s), so the kernel decides first. */
export const NC_CONNECT_CAP_MS = 300_000;

const EINPROGRESS_TEXT = 'Operation now in progress';
const UDP_SCAN_TIMEOUT_S = 3;

export function serviceName(port: number, proto: 'tcp' | 'udp', numeric: boolean): string {
  return (!numeric && SERVICE_BY_PORT[proto]?.[port]) || '*';
}

/**
 * Runs readwrite() to its end on virtual time. Returns true when podnet had to stop it because real
 * nc would still be waiting.
 */
export function driveReadWrite(rw: ReadWrite, clock: NcClock, capMs: number): boolean {
  const limit = clock.now() + capMs;
  while (!rw.ended) {
    const dl = rw.deadline();
    const until = dl === undefined ? limit : Math.min(dl, limit);
    clock.runUntil(() => rw.ended !== undefined, Math.max(0, until - clock.now()));
    if (rw.ended) break;
    rw.onTime(clock.now());
    if (!rw.ended && clock.now() >= limit) return true;
  }
  return false;
}

/** `host` as typed, `ip` what it resolved to, `ports` already expanded (build_ports). */
export function runNcClient(o: NcClientOptions, host: string, ip: string, ports: number[], sockets: Sockets, clock: NcClock): ExecResult {
  const proto = o.udp ? 'udp' : 'tcp';
  const showIp = !o.numeric && host !== ip;
  let stdout = '';
  let stderr = '';
  let ret = 1;
  const warnFail = (port: number, how: 'failed' | 'timed out', text: string): void => {
    if (!o.verbose) return;
    stderr += `nc: connect to ${host}${showIp ? ` (${ip})` : ''} port ${port} (${proto}) ${how}: ${text}\n`;
  };
  const info = (port: number): void => {
    stderr += `Connection to ${host}${showIp ? ` (${ip})` : ''} ${port} port [${proto}/${serviceName(port, proto, o.numeric)}] succeeded!\n`;
  };
  const readwrite = (stream: RwStream, hook: (rw: ReadWrite) => void): 'return' | 'exit0' => {
    const rw = new ReadWrite({ ...o.rw, listen: false, timeoutMs: o.timeoutMs }, stream);
    hook(rw);
    rw.start(clock.now());
    const capped = driveReadWrite(rw, clock, NC_IDLE_CAP_MS);
    stdout += rw.output();
    if (capped) {
      stderr += `podnet: nc stopped after ${NC_IDLE_CAP_MS / 1000} s of virtual time (the real one would still be waiting)\n`;
      return 'return';
    }
    return rw.ended ?? 'return';
  };

  for (const port of ports) {
    if (o.udp) {
      const u = sockets.udp();
      if (o.source !== undefined || o.sourcePort !== undefined) {
        const b = u.bind(o.source ?? '0.0.0.0', o.sourcePort ?? 0);
        if (!b.ok) {
          u.close();
          return { exitCode: 1, stdout, stderr: `${stderr}nc: bind failed: ${b.error.message}\n` };
        }
      }
      const c = u.connect(ip, port);
      if (!c.ok) {
        warnFail(port, 'failed', c.error.message);
        u.close();
        continue;
      }
      ret = 0;
      if (o.verbose && o.zero) {
        if (!udpTest(u, o.timeoutMs, clock)) {
          ret = 1;
          u.close();
          continue;
        }
        info(port);
      }
      if (!o.zero) {
        const end = readwrite({ send: (d) => void u.send(d), shutdownWrite: () => undefined, close: () => u.close() }, (rw) => {
          u.onMessage((d) => rw.onData(d, clock.now()));
          u.onError(() => rw.onError(clock.now()));
        });
        u.close();
        if (end === 'exit0') return { exitCode: 0, stdout, stderr };
      } else {
        u.close();
      }
      continue;
    }

    // TCP: a non-blocking connect, then select() for at most -w seconds.
    let outcome: { ok: true; conn: TcpConnection } | { ok: false; errno: Errno } | undefined;
    const started = clock.now();
    const opts: { bindAddr?: string; timeoutMs?: number } = {};
    if (o.source !== undefined) opts.bindAddr = o.source;
    if (o.timeoutMs > 0) opts.timeoutMs = o.timeoutMs;
    const r = sockets.tcpConnect(
      ip,
      port,
      {
        established: (conn) => {
          if (outcome) conn.abort();
          else outcome = { ok: true, conn };
        },
        failed: (errno) => {
          outcome ??= { ok: false, errno };
        },
      },
      opts,
    );
    if (!r.ok) {
      if (o.source !== undefined && r.error.errno === 'EADDRNOTAVAIL') {
        return { exitCode: 1, stdout, stderr: `${stderr}nc: bind failed: ${r.error.message}\n` };
      }
      warnFail(port, 'failed', r.error.message);
      continue;
    }
    clock.runUntil(() => outcome !== undefined, o.timeoutMs > 0 ? o.timeoutMs : NC_CONNECT_CAP_MS);
    const got = outcome as typeof outcome;
    if (!got || !got.ok) {
      // nc closes the socket when it gives up; a handshake that completes later is answered by RST.
      outcome ??= { ok: false, errno: 'ETIMEDOUT' };
      // The kernel enforces -w as the connect deadline; its ETIMEDOUT then is nc's select() timing out.
      if (!got || (got.errno === 'ETIMEDOUT' && o.timeoutMs > 0 && clock.now() - started >= o.timeoutMs)) warnFail(port, 'timed out', EINPROGRESS_TEXT);
      else warnFail(port, 'failed', ERRNO[got.errno].text);
      continue;
    }
    const conn = got.conn;
    ret = 0;
    if (o.verbose) info(port);
    if (o.zero) {
      conn.close();
      continue;
    }
    const end = readwrite({ send: (d) => conn.send(d), shutdownWrite: () => conn.close(), close: () => conn.close() }, (rw) => {
      conn.onData((d) => rw.onData(d, clock.now()));
      conn.onClose((why) => (why === 'fin' ? rw.onEof(clock.now()) : rw.onError(clock.now())));
    });
    conn.close();
    if (end === 'exit0') return { exitCode: 0, stdout, stderr };
  }
  // The kernel finishes what the last close() started (FIN, ACK) before the shell runs the next line.
  clock.runFor(0);
  return { exitCode: ret, stdout, stderr };
}

/**
 * udptest(): two writes, then one a second; only ECONNREFUSED (a port unreachable that came back)
 * fails the probe — after the first write any error does. Between the first two writes the world
 * runs for zero time: on Linux the ICMP answer from a neighbour namespace is already queued then.
 */
function udpTest(u: UdpSocket, timeoutMs: number, clock: NcClock): boolean {
  const x = new Uint8Array([0x58]);
  if (!u.send(x).ok) return false;
  clock.runFor(0);
  const refused = (): boolean => {
    const r = u.send(x);
    return !r.ok && r.error.errno === 'ECONNREFUSED';
  };
  if (refused()) return false;
  const t = timeoutMs === -1 ? UDP_SCAN_TIMEOUT_S : Math.trunc(timeoutMs / 1000);
  for (let i = 0; i < t; i++) {
    clock.runFor(1000);
    if (refused()) return false;
  }
  return true;
}
