/** The `bridge` command of iproute2 6.1.0: global options and the link/fdb objects podnet models. */
import { type Command, type ExecResult, result } from '../types.js';
import { Out, matches, unsupported } from '../ip/args.js';
import type { BridgeCtx } from './context.js';
import { BR_FAIL, doFdb } from './fdb.js';
import { doBridgeLink } from './link.js';
import { BRIDGE_USAGE } from './usage.js';

type Handler = (ctx: BridgeCtx, argv: string[]) => number;

const notModelled =
  (name: string): Handler =>
  (ctx) =>
    unsupported(ctx.out, `bridge ${name}`);

function printUsage(o: Out): number {
  o.err(BRIDGE_USAGE);
  return BR_FAIL;
}

const help: Handler = (ctx) => printUsage(ctx.out);

/** bridge.c's cmds[] order decides abbreviations. */
const OBJECTS: [string, Handler][] = [
  ['link', doBridgeLink],
  ['fdb', doFdb],
  ['mdb', notModelled('mdb')],
  ['vlan', notModelled('vlan')],
  ['vni', notModelled('vni')],
  ['monitor', notModelled('monitor')],
  ['help', help],
];

function run(argv: string[], exec: Parameters<Command>[1], o: Out): number {
  let netns = exec.netns;
  let details = 0;
  let stats = 0;
  let oneline = false;
  let json = false;
  let pretty = false;
  let i = 0;
  const usage = (): number => printUsage(o);
  while (i < argv.length) {
    let opt = argv[i]!;
    if (opt === '--') {
      i++;
      break;
    }
    if (opt[0] !== '-') break;
    if (opt[1] === '-') opt = opt.slice(1);
    if (matches(opt, '-help')) return usage();
    if (matches(opt, '-Version')) {
      o.out('bridge utility, 6.1.0\n');
      return 0;
    } else if (matches(opt, '-stats') || matches(opt, '-statistics')) stats++;
    else if (matches(opt, '-details')) details++;
    else if (matches(opt, '-oneline')) oneline = true;
    else if (matches(opt, '-timestamp')) {
      // Only `bridge monitor` prints timestamps.
    } else if (matches(opt, '-family')) {
      const v = argv[++i];
      if (v === undefined || v === 'help') return usage();
      if (v !== 'inet' && v !== 'inet6') {
        o.err(`Error: argument "${v}" is wrong: invalid protocol family\n`);
        return 255;
      }
    } else if (opt === '-4' || opt === '-6') {
      // The family only narrows mdb/vlan output, which podnet does not model.
    } else if (matches(opt, '-netns')) {
      const v = argv[++i];
      if (v === undefined) {
        o.err('Command line is not complete. Try option "help"\n');
        return 255;
      }
      if (!exec.host.netnsList().some((e) => e.name === v)) {
        o.err(`Cannot open network namespace "${v}": No such file or directory\n`);
        return 255;
      }
      netns = v;
    } else if (/^-c(o(l(o(r)?)?)?)?(=.*)?$/.test(opt)) {
      // As for ip: auto/never print plain text, a bare -c or =always would force ANSI colours.
      const v = opt.includes('=') ? opt.slice(opt.indexOf('=') + 1) : '';
      if (v === '' || v === 'always') return unsupported(o, 'bridge -color (ANSI colours)');
      if (v !== 'auto' && v !== 'never') {
        o.err(`Option "${opt}" is unknown, try "bridge help".\n`);
        return 255;
      }
    } else if (matches(opt, '-compressvlans') || matches(opt, '-force')) {
      // VLAN compression and batch forcing do not change what podnet prints.
    } else if (matches(opt, '-json')) {
      json = true;
    } else if (matches(opt, '-pretty')) {
      pretty = true;
    } else if (matches(opt, '-batch')) {
      return unsupported(o, 'bridge -batch');
    } else {
      o.err(`Option "${opt}" is unknown, try "bridge help".\n`);
      return 255;
    }
    i++;
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return usage();
  if (stats) return unsupported(o, 'bridge -statistics');
  if (json && details) return unsupported(o, 'bridge -json -details');
  const word = rest[0]!;
  const entry = OBJECTS.find(([name]) => matches(word, name));
  if (!entry) {
    o.err(`Object "${word}" is unknown, try "bridge help".\n`);
    return BR_FAIL;
  }
  const nl = exec.host.netlink(netns);
  if (!nl.ok) {
    o.err(`Cannot open network namespace "${netns ?? ''}": No such file or directory\n`);
    return 255;
  }
  return entry[1]({ out: o, nl: nl.value, details, stats, oneline, json, pretty }, rest.slice(1));
}

export const bridge: Command = (argv, ctx): ExecResult => {
  const o = new Out();
  let code: number;
  try {
    code = run(argv.slice(1), ctx, o);
  } catch (e) {
    // A podnet bug must still never surface as a stack trace.
    o.err(`podnet: internal error in bridge: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 70;
  }
  return result(code, o.stdout, o.stderr);
};
