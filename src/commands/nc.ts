/**
 * `nc` as netcat-openbsd 1.219 (Debian 12) behaves for IPv4 TCP and UDP: its option checks and
 * their exact refusals, the rules that choose between listening and connecting, port lists and
 * service names, then the listener (world/apps/nc/listener) or the connecting side
 * (world/apps/nc/client) on the world's virtual time. Every refusal exits 1, as errx(1) does.
 */
import { type Command, type ExecContext, type ExecResult, result } from './types.js';
import { getopt } from '../world/apps/getopt.js';
import { strtonum } from '../world/apps/cnum.js';
import { GAI, resolveHost, reverseLookup } from '../world/apps/resolver.js';
import { PORT_BY_SERVICE } from '../kernel/netfilter/netdb.js';
import { runNcClient, NC_IDLE_CAP_MS } from '../world/apps/nc/client.js';
import { NcListener, runListenerForeground } from '../world/apps/nc/listener.js';
import type { RwOptions } from '../world/apps/nc/readwrite.js';

const OPTSTRING = '46bCDdFhI:i:klM:m:NnO:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz';
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

export const NC_USAGE =
  'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n' +
  '\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n' +
  '\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n' +
  '\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n' +
  '\t  [destination] [port]\n';

export const NC_HELP =
  'OpenBSD netcat (Debian patchlevel 1.219-1)\n' +
  NC_USAGE +
  '\tCommand Summary:\n' +
  [
    ['-4', '\tUse IPv4'],
    ['-6', '\tUse IPv6'],
    ['-b', '\tAllow broadcast'],
    ['-C', '\tSend CRLF as line-ending'],
    ['-D', '\tEnable the debug socket option'],
    ['-d', '\tDetach from stdin'],
    ['-F', '\tPass socket fd'],
    ['-h', '\tThis help text'],
    ['-I length', 'TCP receive buffer length'],
    ['-i interval', 'Delay interval for lines sent, ports scanned'],
    ['-k', '\tKeep inbound sockets open for multiple connects'],
    ['-l', '\tListen mode, for inbound connects'],
    ['-M ttl', '\tOutgoing TTL / Hop Limit'],
    ['-m minttl', 'Minimum incoming TTL / Hop Limit'],
    ['-N', '\tShutdown the network socket after EOF on stdin'],
    ['-n', '\tSuppress name/port resolutions'],
    ['-O length', 'TCP send buffer length'],
    ['-P proxyuser', 'Username for proxy authentication'],
    ['-p port', '\tSpecify local port for remote connects'],
    ['-q secs', '\tquit after EOF on stdin and delay of secs'],
    ['-r', '\tRandomize remote ports'],
    ['-S', '\tEnable the TCP MD5 signature option'],
    ['-s sourceaddr', 'Local source address'],
    ['-T keyword', 'TOS value'],
    ['-t', '\tAnswer TELNET negotiation'],
    ['-U', '\tUse UNIX domain socket'],
    ['-u', '\tUDP mode'],
    ['-V rtable', 'Specify alternate routing table'],
    ['-v', '\tVerbose'],
    ['-W recvlimit', 'Terminate after receiving a number of packets'],
    ['-w timeout', 'Timeout for connects and final net reads'],
    ['-X proto', 'Proxy protocol: "4", "5" (SOCKS) or "connect"'],
    ['-x addr[:port]', 'Specify proxy address and port'],
    ['-Z', '\tDCCP mode'],
    ['-z', '\tZero-I/O mode [used for scanning]'],
  ]
    .map(([o, d]) => `\t\t${o}\t${d}\n`)
    .join('') +
  '\tPort numbers can be individual or ranges: lo-hi [inclusive]\n';

export interface NcOptions {
  listen: boolean;
  keep: boolean;
  udp: boolean;
  verbose: boolean;
  numeric: boolean;
  zero: boolean;
  noStdin: boolean;
  shutdownOnEof: boolean;
  crlf: boolean;
  randomize: boolean;
  broadcast: boolean;
  quitAfterS: number;
  timeoutMs: number;
  recvLimit: number;
  source?: string;
  sourcePort?: string;
  /** Listening: the address to bind (from -s or the operand); connecting: the destination. */
  host?: string;
  ports: string[];
}

export type NcParse = { ok: true; opts: NcOptions } | { ok: false; exit: ExecResult };

const UNSUPPORTED: Record<string, string> = {
  '6': 'IPv6',
  U: 'UNIX domain sockets',
  F: 'passing the socket (-F)',
  i: 'line delays (-i)',
  M: 'outgoing TTL (-M)',
  m: 'minimum TTL (-m)',
  P: 'proxies',
  x: 'proxies',
  X: 'proxies',
  S: 'TCP MD5 signatures',
  T: 'TOS (-T)',
  Z: 'DCCP',
};

export function parseNcArgs(argv: readonly string[]): NcParse {
  const errx = (msg: string): NcParse => ({ ok: false, exit: result(1, '', `nc: ${msg}\n`) });
  const usage = (prefix = ''): NcParse => ({ ok: false, exit: result(1, '', prefix + NC_USAGE) });
  const unsupported = (what: string): NcParse => ({ ok: false, exit: result(1, '', `podnet: unsupported: nc: ${what} is not modelled\n`) });
  const g = getopt(argv, OPTSTRING);
  const o: NcOptions = {
    listen: false,
    keep: false,
    udp: false,
    verbose: false,
    numeric: false,
    zero: false,
    noStdin: false,
    shutdownOnEof: false,
    crlf: false,
    randomize: false,
    broadcast: false,
    quitAfterS: -1,
    timeoutMs: -1,
    recvLimit: 0,
    ports: [],
  };
  let unsupportedOpt: string | undefined;
  for (const { opt, arg = '' } of g.opts) {
    const num = (min: number, max: number, what: (errstr: string) => string): number | NcParse => {
      const r = strtonum(arg, min, max);
      return r.ok ? r.value : errx(what(r.errstr));
    };
    switch (opt) {
      case '4':
      case 'D':
      case 't':
        break;
      case 'b':
        o.broadcast = true;
        break;
      case 'C':
        o.crlf = true;
        break;
      case 'd':
        o.noStdin = true;
        break;
      case 'h':
        return { ok: false, exit: result(0, '', NC_HELP) };
      case 'i': {
        const v = num(0, 4294967295, (e) => `interval ${e}: ${arg}`);
        if (typeof v !== 'number') return v;
        if (v > 0) unsupportedOpt ??= 'i';
        break;
      }
      case 'k':
        o.keep = true;
        break;
      case 'l':
        o.listen = true;
        break;
      case 'M': {
        const v = num(0, 255, (e) => `ttl is ${e}`);
        if (typeof v !== 'number') return v;
        unsupportedOpt ??= 'M';
        break;
      }
      case 'm': {
        const v = num(0, 255, (e) => `minttl is ${e}`);
        if (typeof v !== 'number') return v;
        unsupportedOpt ??= 'm';
        break;
      }
      case 'N':
        o.shutdownOnEof = true;
        break;
      case 'n':
        o.numeric = true;
        break;
      case 'p':
        o.sourcePort = arg;
        break;
      case 'q': {
        const v = num(INT_MIN, INT_MAX, (e) => `quit timer ${e}: ${arg}`);
        if (typeof v !== 'number') return v;
        o.quitAfterS = v;
        if (v >= 0) o.shutdownOnEof = true;
        break;
      }
      case 'r':
        o.randomize = true;
        break;
      case 's':
        o.source = arg;
        break;
      case 'u':
        o.udp = true;
        break;
      case 'V':
        return errx('no alternate routing table support available');
      case 'v':
        o.verbose = true;
        break;
      case 'W': {
        const v = num(1, INT_MAX, (e) => `receive limit ${e}: ${arg}`);
        if (typeof v !== 'number') return v;
        o.recvLimit = v;
        break;
      }
      case 'w': {
        const v = num(0, Math.trunc(INT_MAX / 1000), (e) => `timeout ${e}: ${arg}`);
        if (typeof v !== 'number') return v;
        o.timeoutMs = v * 1000;
        break;
      }
      case 'z':
        o.zero = true;
        break;
      case 'I':
      case 'O': {
        const v = num(1, 65536 << 14, (e) => `TCP ${opt === 'I' ? 'receive' : 'send'} window ${e}: ${arg}`);
        if (typeof v !== 'number') return v;
        break;
      }
      case 'X':
        if (arg.toLowerCase() !== 'connect' && arg !== '4' && arg !== '5') return errx('unsupported proxy protocol');
        unsupportedOpt ??= 'X';
        break;
      default:
        unsupportedOpt ??= opt;
    }
  }
  if (!g.ok) return usage(g.message);
  const args = g.operands;
  // main()'s "cruft to make sure options are clean": which operand is the host and which the port.
  if (args.length === 0 && o.listen) {
    if (o.sourcePort !== undefined) o.ports = [o.sourcePort];
    o.host = o.source;
  } else if (args.length === 1 && o.sourcePort === undefined && o.source === undefined) {
    if (o.listen) o.ports = [args[0]!];
  } else if (args.length >= 2) {
    if (o.listen && (o.sourcePort !== undefined || o.source !== undefined || args.length > 2)) return usage();
    o.host = args[0]!;
    o.ports = args.slice(1);
  } else {
    return usage();
  }
  if (o.ports.length === 0) return errx('missing port number');
  if (o.listen && o.zero) return errx('cannot use -z and -l');
  if (!o.listen && o.keep) return errx('must use -l with -k');
  if (unsupportedOpt !== undefined) return unsupported(UNSUPPORTED[unsupportedOpt] ?? `-${unsupportedOpt}`);
  if (!o.listen && !o.udp && o.sourcePort !== undefined) return unsupported('a fixed TCP source port (-p)');
  return { ok: true, opts: o };
}

/** strtoport(): a number 1-65535, else "port number too large: 99999" and friends. */
function strtoport(s: string): { ok: true; port: number } | { ok: false; message: string } {
  const r = strtonum(s, 1, 65535);
  return r.ok ? { ok: true, port: r.value } : { ok: false, message: `port number ${r.errstr}: ${s}` };
}

/** build_ports(): service names, single ports and lo-hi ranges (either order), in command order. */
export function buildPorts(specs: string[], proto: 'tcp' | 'udp'): { ok: true; ports: number[] } | { ok: false; message: string } {
  const ports: number[] = [];
  for (const spec of specs) {
    const svc = PORT_BY_SERVICE[proto]?.[spec];
    if (svc !== undefined) {
      ports.push(svc);
      continue;
    }
    const dash = spec.indexOf('-');
    if (/^[0-9]/.test(spec) && dash >= 0) {
      const hi = strtoport(spec.slice(dash + 1));
      if (!hi.ok) return hi;
      const lo = strtoport(spec.slice(0, dash));
      if (!lo.ok) return lo;
      const [a, b] = lo.port <= hi.port ? [lo.port, hi.port] : [hi.port, lo.port];
      for (let p = a; p <= b; p++) ports.push(p);
      continue;
    }
    const p = strtoport(spec);
    if (!p.ok) return p;
    ports.push(p.port);
  }
  return { ok: true, ports };
}

/** getaddrinfo()'s service for a listener: digits are taken modulo 65536, names per protocol. */
function listenPort(spec: string, proto: 'tcp' | 'udp'): number | undefined {
  if (/^[0-9]+$/.test(spec)) return Number(BigInt(spec) % 65536n);
  return PORT_BY_SERVICE[proto]?.[spec];
}

export const nc: Command = (argv, ctx) => {
  const parsed = parseNcArgs(argv);
  if (!parsed.ok) return parsed.exit;
  const o = parsed.opts;
  const skr = ctx.host.sockets(ctx.netns);
  if (!skr.ok) return result(1, '', `nc: ${skr.error.message}\n`);
  return o.listen ? listen(argv, o, ctx) : connect(o, ctx);
};

function rwOptions(o: NcOptions, ctx: ExecContext): Omit<RwOptions, 'listen' | 'timeoutMs'> {
  return {
    stdin: o.noStdin ? undefined : new TextEncoder().encode(ctx.stdin),
    quitAfterS: o.quitAfterS,
    shutdownOnEof: o.shutdownOnEof,
    recvLimit: o.recvLimit,
    crlf: o.crlf,
  };
}

function connect(o: NcOptions, ctx: ExecContext): ExecResult {
  const proto = o.udp ? 'udp' : 'tcp';
  const host = o.host!;
  const ports = buildPorts(o.ports, proto);
  if (!ports.ok) return result(1, '', `nc: ${ports.message}\n`);
  const list = ports.ports;
  if (o.randomize) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(ctx.world.random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
  const res = resolveHost(host, ctx.fs, ctx.netns, o.numeric);
  if (!res.ok) return result(1, '', `nc: getaddrinfo for host "${host}" port ${list[0]}: ${GAI[res.error]}\n`);
  if (o.source !== undefined) {
    const s = resolveHost(o.source, ctx.fs, ctx.netns, o.numeric);
    if (!s.ok) return result(1, '', `nc: getaddrinfo: ${GAI[s.error]}\n`);
    o.source = s.addr;
  }
  let sourcePort: number | undefined;
  if (o.sourcePort !== undefined) {
    const p = listenPort(o.sourcePort, proto);
    if (p === undefined) return result(1, '', 'nc: getaddrinfo: Servname not supported for ai_socktype\n');
    sourcePort = p;
  }
  const sockets = ctx.host.sockets(ctx.netns);
  if (!sockets.ok) return result(1, '', `nc: ${sockets.error.message}\n`);
  return runNcClient(
    {
      udp: o.udp,
      verbose: o.verbose,
      numeric: o.numeric,
      zero: o.zero,
      timeoutMs: o.timeoutMs,
      ...(o.source !== undefined ? { source: o.source } : {}),
      ...(sourcePort !== undefined ? { sourcePort } : {}),
      rw: rwOptions(o, ctx),
    },
    host,
    res.addr,
    list,
    sockets.value,
    ctx.world,
  );
}

function listen(argv: readonly string[], o: NcOptions, ctx: ExecContext): ExecResult {
  const proto = o.udp ? 'udp' : 'tcp';
  const port = listenPort(o.ports[0]!, proto);
  if (port === undefined) return result(1, '', 'nc: getaddrinfo: Servname not supported for ai_socktype\n');
  let addr = '0.0.0.0';
  if (o.host !== undefined) {
    const r = resolveHost(o.host, ctx.fs, ctx.netns, o.numeric);
    if (!r.ok) return result(1, '', `nc: getaddrinfo: ${GAI[r.error]}\n`);
    addr = r.addr;
  }
  const sockets = ctx.host.sockets(ctx.netns);
  if (!sockets.ok) return result(1, '', `nc: ${sockets.error.message}\n`);
  const started = NcListener.start(
    argv.join(' '),
    { udp: o.udp, verbose: o.verbose, keep: o.keep, addr, port, timeoutMs: o.timeoutMs, rw: rwOptions(o, ctx) },
    {
      sockets: sockets.value,
      clock: ctx.world,
      showHost: (a) => {
        if (o.numeric) return { ok: true, text: a };
        const r = reverseLookup(a, ctx.fs, ctx.netns);
        return r.ok ? { ok: true, text: r.name } : { ok: false, error: GAI[r.error] };
      },
    },
  );
  if (!started.ok) return started.result;
  const job = started.job;
  if (ctx.background) {
    ctx.registerJob(job);
    return result(0);
  }
  const run = runListenerForeground(job, ctx.world, NC_IDLE_CAP_MS);
  const note = run.capped ? `podnet: nc stopped after ${NC_IDLE_CAP_MS / 1000} s of virtual time (the real one would still be waiting)\n` : '';
  return result(job.exitCode(), job.stdout(), job.stderr() + note);
}
