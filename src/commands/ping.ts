/**
 * `ping` as iputils 20221126 behaves for root on IPv4: option parsing with its exact refusals, the
 * setup it does before the first probe (resolve, probe-connect for the source, -I, -b, bind, TTL),
 * then the main loop of world/apps/ping on the world's virtual time.
 *
 * Exit status (verified): 0 when anything answered (and, with -w, at least -c answers), 1 when
 * nothing did, 2 for setup errors (connect, bind, name resolution, -M/-W/-i values, usage), but 1
 * for the strtol-checked numbers (-c -s -t -w) and for a missing destination.
 */
import { type Command, type ExecContext, type ExecResult, result } from './types.js';
import { getopt } from '../world/apps/getopt.js';
import { strtod, strtol, strtolOrErr } from '../world/apps/cnum.js';
import { GAI, resolveHost, reverseLookup } from '../world/apps/resolver.js';
import { PingSession, runPing } from '../world/apps/ping/session.js';
import { PingJob } from '../world/apps/ping/job.js';
import { pingHeader } from '../world/apps/ping/format.js';
import { inPrefix, isMulticast, parseIpv4 } from '../wire/addr.js';
import type { Netlink, PingSocket, PingSocketOptions } from '../kernel/api.js';

const OPTSTRING = 'h?' + '4bRT:' + '6F:N:' + 'aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:';
const LONG_MAX = 2n ** 63n - 1n;
const INT_MAX = 2147483647;
/** A ping that would never stop by itself is interrupted (like ^C) after this much virtual time. */
export const PING_CAP_MS = 3_600_000;

export const PING_VERSION = 'ping from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n';

export const PING_USAGE = `
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
`;

export interface PingOptions {
  count: number;
  deadlineS: number;
  lingerMs: number;
  intervalMs: number;
  datalen: number;
  ttl?: number;
  tos?: number;
  ident?: number;
  quiet: boolean;
  numeric: boolean;
  broadcast: boolean;
  audible: boolean;
  outstanding: boolean;
  flood: boolean;
  preload: number;
  pmtudisc?: 'do' | 'dont' | 'want';
  device?: string;
  sourceAddr?: string;
  pattern?: string;
  targets: string[];
  /** The arguments as given, for naming a background job. */
  argv: string[];
}

/** What parsing decided: run with options, or end now with this status and output. */
export type PingParse = { ok: true; opts: PingOptions; warnings: string } | { ok: false; exit: ExecResult };

/** Options iputils has that podnet does not model; refused openly rather than half-done. */
const UNSUPPORTED: Record<string, string> = {
  '6': 'IPv6',
  F: 'IPv6 flow labels',
  N: 'IPv6 node information queries',
  R: 'record route',
  T: 'IP timestamps',
  A: 'adaptive ping',
  D: 'wall-clock timestamps',
  m: 'packet marks',
  r: 'SO_DONTROUTE',
  v: 'verbose output',
};

export function parsePingArgs(argv: readonly string[]): PingParse {
  const prog = argv[0] ?? 'ping';
  const fail = (code: number, stderr: string, stdout = ''): PingParse => ({ ok: false, exit: result(code, stdout, stderr) });
  const g = getopt(argv, OPTSTRING);
  const o: PingOptions = { count: 0, deadlineS: 0, lingerMs: 10000, intervalMs: 1000, datalen: 56, quiet: false, numeric: false, broadcast: false, audible: false, outstanding: false, flood: false, preload: 1, targets: [], argv: argv.slice(1) };
  let family: 4 | 6 | undefined;
  let warnings = '';
  let intervalGiven = false;
  // Options act in command-line order; a bad option stops parsing where getopt met it.
  for (const { opt, arg = '' } of g.opts) {
    const num = (min: bigint, max: bigint): number | PingParse => {
      const r = strtolOrErr(arg, 'invalid argument', min, max);
      return r.ok ? r.value : fail(1, `${prog}: ${r.message}\n`);
    };
    // iputils' ping_strtod: trailing garbage is only a warning (the number read so far counts).
    const dbl = (what: string): number | PingParse => {
      if (arg === '') return fail(2, `${prog}: ${what}: \n`);
      const r = strtod(arg);
      if (r.end === 0 || r.end !== arg.length) {
        warnings += `${prog}: option argument contains garbage: ${arg.slice(r.end)}\n${prog}: this will become fatal error in the future\n`;
      }
      if (!Number.isFinite(r.value) || (r.value !== 0 && Math.abs(r.value) < 2.2250738585072014e-308)) {
        return fail(2, `${prog}: ${what}: ${arg}: Numerical result out of range\n`);
      }
      return r.value;
    };
    switch (opt) {
      case '4':
      case '6':
        if (family !== undefined && family !== Number(opt)) return fail(2, `${prog}: only one -4 or -6 option may be specified\n`);
        family = opt === '4' ? 4 : 6;
        break;
      case 'b':
        o.broadcast = true;
        break;
      case 'a':
        o.audible = true;
        break;
      case 'O':
        o.outstanding = true;
        break;
      case 'l': {
        const v = num(1n, 65536n);
        if (typeof v !== 'number') return v;
        o.preload = v;
        break;
      }
      case 'f':
        // iputils: flood means no name lookups and, unless -i was given, no interval at all.
        o.flood = true;
        o.numeric = true;
        break;
      case 'c': {
        const v = num(1n, LONG_MAX);
        if (typeof v !== 'number') return v;
        o.count = v;
        break;
      }
      case 'e': {
        const v = num(0n, 65535n);
        if (typeof v !== 'number') return v;
        o.ident = v;
        break;
      }
      case 'i': {
        const v = dbl('bad timing interval');
        if (typeof v !== 'number') return v;
        if (v > INT_MAX / 1000) return fail(2, `${prog}: bad timing interval: ${arg}\n`);
        o.intervalMs = Math.trunc(v * 1000);
        intervalGiven = true;
        break;
      }
      case 'I':
        if (arg.includes(':')) return unsupported(prog, 'IPv6 source addresses');
        if (parseIpv4(arg) !== undefined) o.sourceAddr = arg;
        else o.device = arg;
        break;
      case 'M':
        if (arg !== 'do' && arg !== 'dont' && arg !== 'want') return fail(2, `${prog}: invalid -M argument: ${arg}\n`);
        o.pmtudisc = arg;
        break;
      case 'n':
        o.numeric = true;
        break;
      case 'p':
        o.pattern = arg;
        break;
      case 'q':
        o.quiet = true;
        break;
      case 'Q': {
        const hex = /^0[xX]/.test(arg);
        const body = hex ? arg.slice(2) : arg;
        const ok = hex ? /^[0-9a-fA-F]*$/.test(body) : strtol(body).end === body.length;
        if (!ok) return fail(2, `${prog}: bad TOS value: ${arg}\n`);
        const v = hex ? (body === '' ? 0 : parseInt(body, 16)) : Number(strtol(body).value);
        if (v > 255) return fail(2, `${prog}: the decimal value of TOS bits must be in range 0-255: ${v}\n`);
        o.tos = v;
        break;
      }
      case 's': {
        const v = num(0n, BigInt(INT_MAX));
        if (typeof v !== 'number') return v;
        o.datalen = v;
        break;
      }
      case 't': {
        const v = num(0n, 255n);
        if (typeof v !== 'number') return v;
        o.ttl = v;
        break;
      }
      case 'w': {
        const v = num(0n, BigInt(INT_MAX));
        if (typeof v !== 'number') return v;
        o.deadlineS = v;
        break;
      }
      case 'W': {
        const v = dbl('bad linger time');
        if (typeof v !== 'number') return v;
        if (v < 0 || v > INT_MAX / 1000) return fail(2, `${prog}: bad linger time: ${arg}\n`);
        o.lingerMs = Math.trunc(v * 1000);
        break;
      }
      case 'V':
        return fail(0, warnings, PING_VERSION);
      case 'h':
      case '?':
        return fail(2, warnings + PING_USAGE);
      case 'B':
      case 'C':
      case 'd':
      case 'L':
      case 'S':
      case 'U':
        // Socket tuning with no effect on what an emulated ping prints.
        break;
      default:
        return unsupported(prog, UNSUPPORTED[opt] ?? `-${opt}`);
    }
  }
  if (!g.ok) return fail(2, warnings + g.message + PING_USAGE);
  if (o.flood && !intervalGiven) o.intervalMs = 0;
  if (family === 6) return unsupported(prog, 'IPv6');
  if (o.intervalMs < 0) return unsupported(prog, 'negative intervals');
  o.targets = g.operands;
  if (o.targets.length === 0) return fail(1, `${warnings}${prog}: usage error: Destination address required\n`);
  if (o.targets.length > 1) return unsupported(prog, 'source routing (more than one destination)');
  return { ok: true, opts: o, warnings };
}

function unsupported(prog: string, what: string): PingParse {
  return { ok: false, exit: result(2, '', `podnet: unsupported: ${prog}: ${what} is not modelled\n`) };
}

/** iputils' fill(): "-p ff" prints "PATTERN: 0xff"; anything but hex digits is refused. */
function patternLine(p: string): { ok: true; line: string } | { ok: false; bad: string } {
  const at = p.search(/[^0-9a-fA-F]/);
  if (at >= 0) return { ok: false, bad: p.slice(at) };
  const bytes = (p.match(/.{1,2}/g) ?? []).slice(0, 16);
  return { ok: true, line: `PATTERN: 0x${bytes.map((b) => parseInt(b, 16).toString(16).padStart(2, '0')).join('')}\n` };
}

/** Is `addr` one this namespace may bind to: an address of its own or inside a local route (127/8)? */
function isLocalAddress(nl: Netlink, addr: string): boolean {
  if (nl.addrList().some((a) => a.local === addr)) return true;
  const n = parseIpv4(addr);
  if (n === undefined) return false;
  return nl.routeList({ table: 255 }).some((r) => {
    const net = parseIpv4(r.dst);
    return r.type === 'local' && net !== undefined && inPrefix(n, net, r.dstLen);
  });
}

export const ping: Command = (argv, ctx) => {
  const prog = argv[0] ?? 'ping';
  const parsed = parsePingArgs(argv);
  if (!parsed.ok) return parsed.exit;
  return runPingCommand(prog, parsed.opts, parsed.warnings, ctx);
};

function runPingCommand(prog: string, o: PingOptions, warnings: string, ctx: ExecContext): ExecResult {
  let stdout = '';
  let stderr = warnings;
  const fail = (code: number, msg: string): ExecResult => result(code, stdout, `${stderr}${prog}: ${msg}\n`);

  if (o.pattern !== undefined) {
    const p = patternLine(o.pattern);
    if (!p.ok) return fail(2, `patterns must be specified as hex digits: ${p.bad}`);
    if (!o.quiet) stdout += p.line;
  }

  const target = o.targets[0]!;
  const res = resolveHost(target, ctx.fs, ctx.netns);
  if (!res.ok) return fail(2, `${target}: ${GAI[res.error]}`);
  const numeric = o.numeric || res.numeric;
  const hostname = res.numeric ? target : res.canonical;
  let dst = res.addr;

  const nlr = ctx.host.netlink(ctx.netns);
  const skr = ctx.host.sockets(ctx.netns);
  if (!nlr.ok) return fail(2, `socket: ${nlr.error.message}`);
  if (!skr.ok) return fail(2, `socket: ${skr.error.message}`);
  const nl = nlr.value;
  const sockets = skr.value;
  const dev = o.device;
  if (dev !== undefined && !nl.linkGet(dev)) return fail(2, `SO_BINDTODEVICE ${dev}: No such device`);

  let src: string;
  if (o.sourceAddr === undefined) {
    // iputils learns its source address by connecting a UDP socket; the kernel's answer is ours.
    let probe: PingSocket = sockets.ping({ bindDev: dev });
    let c = probe.connect(dst);
    if (!c.ok && c.error.errno === 'EACCES') {
      probe.close();
      if (!o.broadcast) return fail(2, 'Do you want to ping broadcast? Then -b. If not, check your local firewall rules');
      stderr += 'WARNING: pinging broadcast address\n';
      probe = sockets.ping({ bindDev: dev, broadcast: true });
      c = probe.connect(dst);
    }
    probe.close();
    if (!c.ok) return fail(2, `connect: ${c.error.message}`);
    src = c.value.src;
    if (dev !== undefined && !nl.addrList({ dev }).some((a) => a.local === src)) {
      stderr += `${prog}: Warning: source address might be selected on device other than: ${dev}\n`;
    }
  } else {
    src = o.sourceAddr;
  }
  if (parseIpv4(dst) === 0) dst = src;

  const dstNum = parseIpv4(dst) ?? 0;
  const multicast = o.broadcast || isMulticast(dstNum);
  const pmtudisc = o.pmtudisc ?? (multicast ? 'do' : undefined);
  if (o.sourceAddr !== undefined && !isLocalAddress(nl, src)) return fail(2, 'bind: Cannot assign requested address');
  if (o.ttl === 0) return fail(2, 'cannot set unicast time-to-live: Invalid argument');

  stdout += pingHeader({ hostname, addr: dst, datalen: o.datalen, from: dev !== undefined || o.sourceAddr !== undefined ? { src, dev } : undefined });

  const sockOpts: PingSocketOptions = { bindDev: dev, broadcast: o.broadcast };
  if (o.sourceAddr !== undefined) sockOpts.bindAddr = src;
  if (o.ttl !== undefined) sockOpts.ttl = o.ttl;
  if (o.tos !== undefined) sockOpts.tos = o.tos;
  if (pmtudisc !== undefined) sockOpts.pmtudisc = pmtudisc;
  if (o.ident !== undefined) sockOpts.id = o.ident;
  const sock = sockets.ping(sockOpts);
  // With -I ADDR iputils never connects: an unroutable destination just makes every sendto() fail
  // silently (counted as transmitted). Our socket needs connect() to send, so remember that failure.
  const connected = sock.connect(dst);

  const session = new PingSession(
    {
      prog,
      hostname,
      dst,
      count: o.count,
      deadlineS: o.deadlineS,
      lingerMs: o.lingerMs,
      intervalMs: o.intervalMs,
      datalen: o.datalen,
      quiet: o.quiet,
      broadcastPings: o.broadcast,
      multicast,
      audible: o.audible,
      outstanding: o.outstanding,
      flood: o.flood,
      preload: o.preload,
    },
    {
      send: (seq, size) => (connected.ok ? sock.send(seq, size) : connected),
      showAddr: (addr) => {
        if (numeric) return addr;
        const r = reverseLookup(addr, ctx.fs, ctx.netns);
        return r.ok ? `${r.name} (${addr})` : addr;
      },
    },
  );
  const after = ctx.world.after?.bind(ctx.world);
  if (ctx.background && after) {
    const job = new PingJob([prog, ...o.argv].join(' '), session, { now: () => ctx.world.now(), after }, { stdout, stderr }, () => sock.close());
    sock.onReply((r) => {
      session.onReply(r);
      job.wake();
    });
    sock.onError((e) => {
      session.onError(e);
      job.wake();
    });
    job.start();
    ctx.registerJob(job);
    return result(0);
  }
  if (ctx.background && !o.count && !o.deadlineS) {
    sock.close();
    return result(2, '', `podnet: unsupported: ${prog} without -c or -w in the background needs the world's app timers\n`);
  }
  sock.onReply((r) => session.onReply(r));
  sock.onError((e) => session.onError(e));
  const run = runPing(session, ctx.world, PING_CAP_MS);
  sock.close();
  stdout += session.stdout;
  stderr += session.stderr;
  if (run.capped) stderr += `podnet: ${prog} stopped after ${PING_CAP_MS / 1000} s of virtual time (the real one would still be running)\n`;
  return result(session.exitCode(), stdout, stderr);
}
