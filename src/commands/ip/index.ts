/**
 * The `ip` command: iproute2 6.1.0's global options and object dispatch (ip.c), handing each
 * object to its own module with a Netlink handle for the chosen namespace.
 */
import { type Command, type ExecResult, result } from '../types.js';
import { EXIT_USAGE, Out, invarg, matches, unsupported } from './args.js';
import { doAddr } from './addr.js';
import { defaultOptions, type IpCtx, type IpOptions } from './context.js';
import { doLink } from './link.js';
import { doNeigh } from './neigh.js';
import { doNetns } from './netns.js';
import { doRoute } from './route.js';
import { doRule } from './rule.js';
import { IP_USAGE } from './usage.js';

type Handler = (ctx: IpCtx, argv: string[]) => number;

const notModelled =
  (name: string): Handler =>
  (ctx) =>
    unsupported(ctx.out, `ip ${name}`);

function usage(o: Out): number {
  o.err(IP_USAGE);
  return EXIT_USAGE;
}

const help: Handler = (ctx) => usage(ctx.out);

/** ip.c's cmds[] in its order: the first entry the word prefixes wins. */
const OBJECTS: [string, Handler][] = [
  ['address', doAddr],
  ['addrlabel', notModelled('addrlabel')],
  ['maddress', notModelled('maddress')],
  ['route', doRoute],
  ['rule', doRule],
  ['neighbor', doNeigh],
  ['neighbour', doNeigh],
  ['ntable', notModelled('ntable')],
  ['ntbl', notModelled('ntbl')],
  ['link', doLink],
  ['l2tp', notModelled('l2tp')],
  ['fou', notModelled('fou')],
  ['ila', notModelled('ila')],
  ['macsec', notModelled('macsec')],
  ['tunnel', notModelled('tunnel')],
  ['tunl', notModelled('tunl')],
  ['tuntap', notModelled('tuntap')],
  ['tap', notModelled('tap')],
  ['token', notModelled('token')],
  ['tcpmetrics', notModelled('tcpmetrics')],
  ['tcp_metrics', notModelled('tcp_metrics')],
  ['monitor', notModelled('monitor')],
  ['xfrm', notModelled('xfrm')],
  ['mroute', notModelled('mroute')],
  ['mrule', notModelled('mrule')],
  ['netns', doNetns],
  ['netconf', notModelled('netconf')],
  ['vrf', notModelled('vrf')],
  ['sr', notModelled('sr')],
  ['nexthop', notModelled('nexthop')],
  ['mptcp', notModelled('mptcp')],
  ['ioam', notModelled('ioam')],
  ['help', help],
  ['stats', notModelled('stats')],
];

const FAMILIES: Record<string, IpOptions['family']> = { inet: 'inet', inet6: 'inet6', link: 'link' };

function run(argv: string[], exec: Parameters<Command>[1], o: Out): number {
  const opts = defaultOptions();
  let netns = exec.netns;
  let i = 0;
  while (i < argv.length) {
    let opt = argv[i]!;
    if (opt === '--') {
      i++;
      break;
    }
    if (opt[0] !== '-') break;
    if (opt[1] === '-') opt = opt.slice(1);
    if (matches(opt, '-loops')) {
      return unsupported(o, 'ip -loops');
    } else if (matches(opt, '-family')) {
      const v = argv[++i];
      if (v === undefined || v === 'help') return usage(o);
      if (v === 'bridge' || v === 'mpls') return unsupported(o, `ip -family ${v}`);
      const f = FAMILIES[v];
      if (!f) return invarg(o, 'invalid protocol family', v);
      opts.family = f;
    } else if (opt === '-4') {
      opts.family = 'inet';
    } else if (opt === '-6') {
      opts.family = 'inet6';
    } else if (opt === '-0') {
      opts.family = 'link';
    } else if (opt === '-M' || opt === '-B') {
      return unsupported(o, `ip ${opt}`);
    } else if (matches(opt, '-human') || matches(opt, '-human-readable') || matches(opt, '-iec')) {
      // Only changes how statistics are printed, and podnet prints none.
    } else if (matches(opt, '-stats') || matches(opt, '-statistics')) {
      opts.stats++;
    } else if (matches(opt, '-details')) {
      opts.details++;
    } else if (matches(opt, '-resolve')) {
      // -r turns addresses into host names (127.0.0.1 becomes localhost), which podnet does not do.
      return unsupported(o, 'ip -resolve');
    } else if (matches(opt, '-oneline')) {
      opts.oneline = true;
    } else if (matches(opt, '-timestamp') || matches(opt, '-tshort')) {
      // Only `ip monitor` prints timestamps.
    } else if (matches(opt, '-Version')) {
      o.out('ip utility, iproute2-6.1.0, libbpf 1.1.2\n');
      return 0;
    } else if (matches(opt, '-force')) {
      // Only matters for -batch.
    } else if (matches(opt, '-batch')) {
      return unsupported(o, 'ip -batch');
    } else if (matches(opt, '-brief')) {
      opts.brief = true;
    } else if (matches(opt, '-json')) {
      opts.json = true;
    } else if (matches(opt, '-pretty')) {
      opts.pretty = true;
    } else if (matches(opt, '-rcvbuf')) {
      if (argv[++i] === undefined) return usage(o);
    } else if (/^-c(o(l(o(r)?)?)?)?(=.*)?$/.test(opt)) {
      // auto and never print plain text (podnet's output is never a terminal); a bare -c or
      // =always forces ANSI colours even into a pipe, which podnet does not render.
      const v = opt.includes('=') ? opt.slice(opt.indexOf('=') + 1) : '';
      if (v === '' || v === 'always') return unsupported(o, 'ip -color (ANSI colours)');
      if (v !== 'auto' && v !== 'never') {
        o.err(`Option "${opt}" is unknown, try "ip -help".\n`);
        return EXIT_USAGE;
      }
    } else if (matches(opt, '-help')) {
      return usage(o);
    } else if (matches(opt, '-netns')) {
      const v = argv[++i];
      if (v === undefined) {
        // NEXT_ARG() in main() lets a missing name through as a NULL pointer.
        o.err('Cannot open network namespace "(null)": No such file or directory\n');
        return EXIT_USAGE;
      }
      if (!exec.host.netnsList().some((e) => e.name === v)) {
        o.err(`Cannot open network namespace "${v}": No such file or directory\n`);
        return EXIT_USAGE;
      }
      netns = v;
    } else if (matches(opt, '-Numeric')) {
      // -N prints types, protocols, scopes, tables, groups and link types as numbers.
      return unsupported(o, 'ip -Numeric');
    } else if (matches(opt, '-all')) {
      return unsupported(o, 'ip -all');
    } else if (opt === '-echo') {
      return unsupported(o, 'ip -echo');
    } else {
      o.err(`Option "${opt}" is unknown, try "ip -help".\n`);
      return EXIT_USAGE;
    }
    i++;
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return usage(o);
  if (opts.stats) return unsupported(o, 'ip -statistics');
  if (opts.family === 'inet6') return unsupported(o, 'ip -6 (IPv6 is not modelled)');
  const word = rest[0]!;
  const entry = OBJECTS.find(([name]) => matches(word, name));
  if (!entry) {
    o.err(`Object "${word}" is unknown, try "ip help".\n`);
    return 1;
  }
  const nl = exec.host.netlink(netns);
  if (!nl.ok) {
    o.err(`Cannot open network namespace "${netns ?? ''}": No such file or directory\n`);
    return EXIT_USAGE;
  }
  const ctx: IpCtx = { out: o, nl: nl.value, opts, exec: netns === exec.netns ? exec : { ...exec, netns } };
  return entry[1](ctx, rest.slice(1));
}

export const ip: Command = (argv, ctx): ExecResult => {
  const o = new Out();
  let code: number;
  try {
    code = run(argv.slice(1), ctx, o);
  } catch (e) {
    // A podnet bug must still never surface as a stack trace.
    o.err(`podnet: internal error in ip: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 70;
  }
  return result(code, o.stdout, o.stderr);
};
