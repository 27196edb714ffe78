/**
 * ipvsadm(8) v1.31 over a namespace's Ipvs: -A/-E/-D services, -a/-e/-d real servers, -C, -L/-l
 * (-n), -S/-R, -Z, with the tool's option rules (commands_v_options), listing and rule formats,
 * sorting (ipvs_cmp_services / ipvs_cmp_dests), ipvs_strerror texts and exit codes: 2 for usage
 * errors (fail(2, ...)), 255 when the kernel refuses (process_options returns -1), 1 for a listing
 * of a missing service.
 */
import type { DestOpts, Ipvs, IpvsDest, IpvsErrno, IpvsService, ServiceKey, ServiceOpts } from '../../kernel/ipvs/ipvs.js';
import { SCHEDULERS, type SchedName } from '../../kernel/ipvs/sched.js';
import { SERVICE_BY_PORT, PORT_BY_SERVICE } from '../../kernel/netfilter/netdb.js';
import { formatIpv4, parseIpv4Aton } from '../../wire/addr.js';
import { result, type ExecResult } from '../types.js';

const MAX_TIMEOUT = 86400 * 31;

type Cmd = 'add-service' | 'edit-service' | 'delete-service' | 'flush' | 'list' | 'add-server' | 'delete-server' | 'edit-server' | 'restore' | 'save' | 'zero' | 'help' | 'version';
type Opt = 'numeric' | 'connection' | 'service-address' | 'scheduler' | 'persistent' | 'netmask' | 'real-server' | 'forwarding-method' | 'weight' | 'u-threshold' | 'l-threshold' | 'nosort' | 'exact' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn';

/** commands_v_options: '+' compulsory, 'x' illegal; options not named are optional. */
const RULES: Partial<Record<Cmd, { need: Opt[]; allow: Opt[] }>> = {
  'add-service': { need: ['service-address'], allow: ['scheduler', 'persistent', 'netmask'] },
  'edit-service': { need: ['service-address'], allow: ['scheduler', 'persistent', 'netmask'] },
  'delete-service': { need: ['service-address'], allow: [] },
  flush: { need: [], allow: [] },
  list: { need: [], allow: ['numeric', 'connection', 'service-address', 'stats', 'rate', 'thresholds', 'persistent-conn', 'nosort', 'exact'] },
  'add-server': { need: ['service-address', 'real-server'], allow: ['forwarding-method', 'weight', 'u-threshold', 'l-threshold'] },
  'delete-server': { need: ['service-address', 'real-server'], allow: [] },
  'edit-server': { need: ['service-address', 'real-server'], allow: ['forwarding-method', 'weight', 'u-threshold', 'l-threshold'] },
  restore: { need: [], allow: [] },
  save: { need: [], allow: ['numeric'] },
  zero: { need: [], allow: ['service-address'] },
};

const ERRORS: Partial<Record<Cmd, Partial<Record<IpvsErrno, string>>>> = {
  'add-service': { EEXIST: 'Service already exists', ENOENT: 'Scheduler or persistence engine not found' },
  'edit-service': { ESRCH: 'No such service', ENOENT: 'Scheduler or persistence engine not found' },
  'delete-service': { ESRCH: 'No such service' },
  zero: { ESRCH: 'No such service' },
  'add-server': { ESRCH: 'Service not defined', EEXIST: 'Destination already exists' },
  'edit-server': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
  'delete-server': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
};
const EINVAL = 'Invalid operation.  Possibly wrong module version, address not unicast, ...';

class Usage extends Error {}
const fail = (msg: string): never => {
  throw new Usage(msg);
};

interface Parsed {
  cmd?: Cmd;
  opts: Set<Opt>;
  svc: ServiceKey;
  svcPortGiven: boolean;
  sched?: string;
  persistent: number;
  netmask: number;
  dest: DestOpts;
  destPortGiven: boolean;
}

function setCmd(p: Parsed, c: Cmd): void {
  if (p.cmd) fail('multiple commands specified');
  p.cmd = c;
}

function setOpt(p: Parsed, o: Opt): void {
  if (p.opts.has(o)) fail(`multiple '${o}' options specified`);
  p.opts.add(o);
}

function toNumber(s: string, min: number, max: number): number | undefined {
  if (!/^[-+]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

/** parse_service: inet_aton address, then an optional :port as a number or a service name. */
function parseService(s: string, proto: number): { addr: number; port?: number } | undefined {
  const colon = s.lastIndexOf(':');
  const host = colon >= 0 ? s.slice(0, colon) : s;
  const addr = parseIpv4Aton(host);
  if (addr === undefined) return undefined;
  if (colon < 0) return { addr: addr >>> 0 };
  const ps = s.slice(colon + 1);
  const port = toNumber(ps, 0, 65535) ?? PORT_BY_SERVICE[proto === 17 ? 'udp' : 'tcp']?.[ps];
  return port === undefined ? undefined : { addr: addr >>> 0, port };
}

const LONG: Record<string, string> = {
  '--add-service': '-A', '--edit-service': '-E', '--delete-service': '-D', '--clear': '-C', '--list': '-L', '--zero': '-Z',
  '--restore': '-R', '--save': '-S', '--add-server': '-a', '--edit-server': '-e', '--delete-server': '-d',
  '--tcp-service': '-t', '--udp-service': '-u', '--fwmark-service': '-f', '--scheduler': '-s', '--persistent': '-p',
  '--netmask': '-M', '--real-server': '-r', '--masquerading': '-m', '--ipip': '-i', '--gatewaying': '-g',
  '--weight': '-w', '--u-threshold': '-x', '--l-threshold': '-y', '--numeric': '-n', '--connection': '-c',
  '--help': '-h', '--version': '-v', '--exact': '-X',
};

export function parseArgs(argv: string[]): Parsed {
  const p: Parsed = {
    opts: new Set(),
    svc: { proto: 0, addr: 0, port: 0, fwmark: 0 },
    svcPortGiven: false,
    persistent: 0,
    netmask: 0xffffffff,
    // ipvsadm's defaults: weight 1, direct routing.
    dest: { addr: 0, port: 0, weight: 1, fwd: 'route', uThreshold: 0, lThreshold: 0 },
    destPortGiven: false,
  };
  const args: string[] = [];
  for (const a of argv) {
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0 && LONG[a.slice(0, eq)]) args.push(LONG[a.slice(0, eq)]!, a.slice(eq + 1));
    else if (a.startsWith('--')) args.push(LONG[a] ?? a);
    else if (/^-[A-Za-z]{2,}$/.test(a) && !/^-[tufsrwxyMp]/.test(a)) args.push(...[...a.slice(1)].map((c) => `-${c}`));
    else args.push(a);
  }
  let svcRaw: { flag: string; v: string } | undefined;
  let destRaw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) fail(`${a}: missing argument`);
      return v!;
    };
    switch (a) {
      case '-A': setCmd(p, 'add-service'); break;
      case '-E': setCmd(p, 'edit-service'); break;
      case '-D': setCmd(p, 'delete-service'); break;
      case '-C': setCmd(p, 'flush'); break;
      case '-L': case '-l': setCmd(p, 'list'); break;
      case '-Z': setCmd(p, 'zero'); break;
      case '-R': setCmd(p, 'restore'); break;
      case '-S': setCmd(p, 'save'); break;
      case '-a': setCmd(p, 'add-server'); break;
      case '-e': setCmd(p, 'edit-server'); break;
      case '-d': setCmd(p, 'delete-server'); break;
      case '-h': setCmd(p, 'help'); break;
      case '-v': case '-V': setCmd(p, 'version'); break;
      case '-t': case '-u': setOpt(p, 'service-address'); svcRaw = { flag: a, v: val() }; break;
      case '-f': {
        setOpt(p, 'service-address');
        const v = val();
        const n = toNumber(v, 1, 0xffffffff);
        if (n === undefined) fail(`invalid fwmark value \`${v}' specified`);
        p.svc = { proto: 6, addr: 0, port: 0, fwmark: n! };
        break;
      }
      case '-s': setOpt(p, 'scheduler'); p.sched = val(); break;
      case '-p': {
        setOpt(p, 'persistent');
        const next = args[i + 1];
        // popt's optional argument: a following number is the timeout, else the default 300.
        if (next !== undefined && /^\d+$/.test(next)) {
          i++;
          const n = toNumber(next, 1, MAX_TIMEOUT);
          if (n === undefined) fail(`invalid timeout value \`${next}' specified`);
          p.persistent = n!;
        } else p.persistent = 300;
        break;
      }
      case '-M': {
        setOpt(p, 'netmask');
        const v = val();
        const m = parseIpv4Aton(v);
        if (m === undefined) fail('illegal virtual server persistent mask specified');
        p.netmask = m! >>> 0;
        break;
      }
      case '-r': setOpt(p, 'real-server'); destRaw = val(); break;
      case '-m': setOpt(p, 'forwarding-method'); p.dest.fwd = 'masq'; break;
      case '-g': setOpt(p, 'forwarding-method'); p.dest.fwd = 'route'; break;
      case '-i': setOpt(p, 'forwarding-method'); p.dest.fwd = 'tunnel'; break;
      case '-w': {
        setOpt(p, 'weight');
        const n = toNumber(val(), 0, 65535);
        if (n === undefined) fail('illegal weight specified');
        p.dest.weight = n!;
        break;
      }
      case '-x': case '-y': {
        setOpt(p, a === '-x' ? 'u-threshold' : 'l-threshold');
        const n = toNumber(val(), 0, 2147483647);
        if (n === undefined) fail(`illegal ${a === '-x' ? 'u' : 'l'}_threshold specified`);
        if (a === '-x') p.dest.uThreshold = n!;
        else p.dest.lThreshold = n!;
        break;
      }
      case '-n': setOpt(p, 'numeric'); break;
      case '-c': setOpt(p, 'connection'); break;
      case '-X': setOpt(p, 'exact'); break;
      case '--stats': setOpt(p, 'stats'); break;
      case '--rate': setOpt(p, 'rate'); break;
      case '--thresholds': setOpt(p, 'thresholds'); break;
      case '--persistent-conn': setOpt(p, 'persistent-conn'); break;
      case '--nosort': setOpt(p, 'nosort'); break;
      case '--sort': break;
      default:
        if (a.startsWith('-')) fail(`invalid option \`${a}'`);
        fail(`unexpected argument ${a}`);
    }
  }
  if (svcRaw) {
    const proto = svcRaw.flag === '-t' ? 6 : 17;
    const s = parseService(svcRaw.v, proto);
    if (!s) fail('illegal virtual server address[:port] specified');
    p.svc = { proto, addr: s!.addr, port: s!.port ?? 0, fwmark: 0 };
    p.svcPortGiven = s!.port !== undefined;
  }
  if (destRaw !== undefined) {
    const s = parseService(destRaw, p.svc.proto || 6);
    if (!s) fail('illegal real server address[:port] specified');
    p.dest.addr = s!.addr;
    // "copy vport to dport if not specified"
    p.dest.port = s!.port ?? p.svc.port;
    p.destPortGiven = s!.port !== undefined;
  }
  return p;
}

function checkRules(p: Parsed): void {
  const r = RULES[p.cmd!];
  if (!r) return;
  for (const o of r.need) if (!p.opts.has(o)) fail(`You need to supply the '${o}' option for the '${p.cmd}' command`);
  for (const o of p.opts) if (!r.need.includes(o) && !r.allow.includes(o)) fail(`Illegal '${o}' option with the '${p.cmd}' command`);
}

/** ipvs_cmp_services / ipvs_cmp_dests: int differences of the host-order values, as C computes them. */
const diff = (a: number, b: number): number => ((a >>> 0) - (b >>> 0)) | 0;
const cmpServices = (a: IpvsService, b: IpvsService): number => diff(a.fwmark, b.fwmark) || a.proto - b.proto || diff(a.addr, b.addr) || a.port - b.port;
const cmpDests = (a: IpvsDest, b: IpvsDest): number => diff(a.addr, b.addr) || a.port - b.port;

const FWD_NAME: Record<IpvsDest['fwd'], string> = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route' };
const FWD_SWITCH: Record<IpvsDest['fwd'], string> = { masq: '-m', local: '-g', tunnel: '-i', route: '-g' };

function addrPort(addr: number, port: number, proto: number, numeric: boolean): string {
  const name = numeric ? undefined : SERVICE_BY_PORT[proto === 17 ? 'udp' : 'tcp']?.[port];
  return `${formatIpv4(addr)}:${name ?? port}`;
}

function formatService(s: IpvsService, rule: boolean, numeric: boolean, sort: boolean): string {
  let name: string;
  if (s.fwmark) name = rule ? `-f ${s.fwmark}` : `FWM  ${s.fwmark}`;
  else {
    const v = addrPort(s.addr, s.port, s.proto, numeric);
    name = rule ? `${s.proto === 6 ? '-t' : '-u'} ${v}` : `${s.proto === 6 ? 'TCP' : 'UDP'}  ${v}`.slice(0, 33);
  }
  let out = '';
  if (rule) {
    out += `-A ${name} -s ${s.sched}`;
    if (s.persistent) {
      out += ` -p ${s.persistent}`;
      if (s.netmask !== 0xffffffff) out += ` -M ${formatIpv4(s.netmask)}`;
    }
  } else {
    out += `${name} ${s.sched}`;
    if (s.persistent) {
      out += ` persistent ${s.persistent}`;
      if (s.netmask !== 0xffffffff) out += ` mask ${formatIpv4(s.netmask)}`;
    }
  }
  out += '\n';
  const dests = sort ? [...s.dests].sort(cmpDests) : s.dests;
  for (const d of dests) {
    const dn = addrPort(d.addr, d.port, s.proto, numeric);
    if (rule) out += `-a ${name} -r ${dn} ${FWD_SWITCH[d.fwd]} -w ${d.weight}\n`;
    else out += `  -> ${dn.slice(0, 28).padEnd(28)} ${FWD_NAME[d.fwd].padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${String(d.inactConns).padEnd(10)}\n`;
  }
  return out;
}

const TITLE = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n';

interface Io {
  out: string;
  err: string;
}

/** One ipvsadm invocation (or one restore line); returns its exit code. */
function runOnce(argv: string[], vs: Ipvs, stdin: string, io: Io, inRestore: boolean): number {
  let p: Parsed;
  try {
    p = parseArgs(argv);
    if (!p.cmd) {
      if (argv.length === 0) p.cmd = 'list';
      else fail('no command specified');
    }
    checkRules(p);
    if ((p.cmd === 'add-service' || p.cmd === 'edit-service') && !p.svc.fwmark && !p.svc.port && !p.persistent) fail('Zero port specified for non-persistent service');
    if ((p.cmd === 'add-server' || p.cmd === 'edit-server') && !p.svc.fwmark && p.dest.fwd !== 'masq') p.dest.port = p.svc.port;
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    io.err += `${e.message}\n`;
    return 2;
  }
  const numeric = p.opts.has('numeric');
  const sort = !p.opts.has('nosort');
  const opts: ServiceOpts = { sched: (p.sched ?? 'wlc') as SchedName, persistent: p.persistent, netmask: p.netmask };
  const schedOk = SCHEDULERS.includes(opts.sched);
  const kernel = (e: IpvsErrno | undefined): number => {
    if (!e) return 0;
    io.err += `${ERRORS[p.cmd!]?.[e] ?? EINVAL}\n`;
    return 255;
  };
  switch (p.cmd!) {
    case 'version':
      io.out += 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n';
      return 0;
    case 'help':
      io.out += 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage:\n  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask]\n  ipvsadm -D virtual-service\n  ipvsadm -C\n  ipvsadm -R\n  ipvsadm -S [-n]\n  ipvsadm -a|e virtual-service -r server-address [options]\n  ipvsadm -d virtual-service -r server-address\n  ipvsadm -L|l [virtual-service] [options]\n  ipvsadm -Z [virtual-service]\n';
      return 0;
    case 'list': {
      if (p.opts.has('connection')) {
        io.out += 'IPVS connection entries\npro expire state       source             virtual            destination\n';
        for (const c of vs.conns()) {
          const left = vs.secondsLeft(c);
          const mmss = `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
          io.out += `${c.proto === 6 ? 'TCP' : 'UDP'} ${mmss}  ${c.state.padEnd(11)} ${addrPort(c.caddr, c.cport, c.proto, numeric).padEnd(18)} ${addrPort(c.vaddr, c.vport, c.proto, numeric).padEnd(18)} ${addrPort(c.daddr, c.dport, c.proto, numeric)}\n`;
        }
        return 0;
      }
      if (p.opts.has('service-address')) {
        const s = vs.getService(p.svc);
        if (!s) {
          io.err += 'No such service\n';
          return 1;
        }
        io.out += TITLE + formatService(s, false, numeric, sort);
        return 0;
      }
      const svcs = sort ? [...vs.list()].sort(cmpServices) : vs.list();
      io.out += HEADER + TITLE + svcs.map((s) => formatService(s, false, numeric, sort)).join('');
      return 0;
    }
    case 'save': {
      const svcs = sort ? [...vs.list()].sort(cmpServices) : vs.list();
      io.out += svcs.map((s) => formatService(s, true, numeric, sort)).join('');
      return 0;
    }
    case 'restore': {
      if (inRestore) {
        io.err += "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n";
        return 255;
      }
      let rc = 0;
      for (const line of stdin.split('\n')) {
        const words = line.trim().split(/\s+/).filter(Boolean);
        if (words.length === 0) continue;
        rc = runOnce(words, vs, '', io, true);
        // fail() exits the whole program at once; kernel refusals only set the result.
        if (rc === 2) return 2;
      }
      return rc;
    }
    case 'flush':
      vs.flush();
      return 0;
    case 'zero':
      if (p.opts.has('service-address') && !vs.getService(p.svc)) return kernel('ESRCH');
      return 0;
    case 'add-service':
      if (vs.getService(p.svc)) return kernel('EEXIST');
      if (!schedOk) return kernel('ENOENT');
      return kernel(vs.addService(p.svc, opts));
    case 'edit-service':
      if (!vs.getService(p.svc)) return kernel('ESRCH');
      if (!schedOk) return kernel('ENOENT');
      return kernel(vs.editService(p.svc, opts));
    case 'delete-service':
      return kernel(vs.delService(p.svc));
    case 'add-server':
      return kernel(vs.addDest(p.svc, p.dest));
    case 'edit-server':
      return kernel(vs.editDest(p.svc, p.dest));
    case 'delete-server':
      return kernel(vs.delDest(p.svc, p.dest.addr, p.dest.port));
  }
}

/** Runs ipvsadm against a namespace's Ipvs (tests, and the Command). */
export function runIpvsadm(argv: string[], vs: Ipvs, stdin = ''): ExecResult {
  const io: Io = { out: '', err: '' };
  const rc = runOnce(argv, vs, stdin, io, false);
  return result(rc, io.out, io.err);
}
