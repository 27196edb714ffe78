/**
 * ipset(8) v7.17 over a namespace's IpsetStore: create/add/del/test/list/save/restore/flush/
 * destroy/rename/swap with -exist/-!, -n/-name, -t/-terse, -o save|plain, printing exactly what
 * the real tool prints (list and save formats, errcode.c's messages, exit 1 for errors the
 * kernel or the element parser reports, 2 for usage errors).
 */
import { SET_TYPES, type IpSet, type SetOptions, type SetTypeName } from '../../kernel/ipset/set.js';
import type { IpsetStore, SetError } from '../../kernel/ipset/store.js';
import type { ElemError } from '../../kernel/ipset/set.js';
import { result, type ExecResult } from '../types.js';
import { formatElem, parseElem } from './elem.js';

const PROG = 'ipset v7.17';
const TRY = "Try `ipset help' for more information.\n";

/** An error line and the exit code the tool leaves with. */
interface Fail {
  msg: string;
  /** 2: usage (followed by the "Try `ipset help'" line); 1: everything else. */
  exit: 1 | 2;
}

const usage = (msg: string): Fail => ({ msg, exit: 2 });
const err = (msg: string): Fail => ({ msg, exit: 1 });

const SET_ERRORS: Record<SetError, string> = {
  EXIST_SETNAME: 'Set cannot be created: set with the same name already exists',
  NOT_FOUND: 'The set with the given name does not exist',
  NOT_FOUND_SECOND: 'Sets cannot be swapped: the second set does not exist',
  REFERENCED: 'Set cannot be destroyed: it is in use by a kernel component',
  RENAME_REFERENCED: 'Set cannot be renamed: it is in use by another system',
  EXIST_SETNAME2: 'Set cannot be renamed: a set with the new name already exists',
  TYPE_MISMATCH: 'The sets cannot be swapped: their type does not match',
};

const ELEM_ERRORS: Record<ElemError, string> = {
  EXIST: "Element cannot be added to the set: it's already added",
  NOT_EXIST: "Element cannot be deleted from the set: it's not added",
  HASH_FULL: 'Hash is full, cannot add more elements',
  BITMAP_RANGE: 'Element is out of the range of the set',
  TIMEOUT: 'Timeout cannot be used: set was created without timeout support',
  COMMENT: 'Comment cannot be used: set was created without comment support',
  INVALID_CIDR: 'The value of the CIDR parameter of the IP address is invalid',
};

const COMMANDS: Record<string, string> = {
  create: 'create', n: 'create', '-N': 'create',
  add: 'add', '-A': 'add',
  del: 'del', '-D': 'del',
  test: 'test', '-T': 'test',
  destroy: 'destroy', x: 'destroy', '-X': 'destroy',
  list: 'list', '-L': 'list',
  save: 'save', '-S': 'save',
  restore: 'restore', '-R': 'restore',
  flush: 'flush', '-F': 'flush',
  rename: 'rename', e: 'rename', '-E': 'rename',
  swap: 'swap', w: 'swap', '-W': 'swap',
  help: 'help', '-h': 'help', '--help': 'help',
  version: 'version', '-v': 'version', '-V': 'version',
};

interface Flags {
  exist: boolean;
  names: boolean;
  terse: boolean;
  mode: 'plain' | 'save';
  quiet: boolean;
}

export interface Io {
  stdout: string;
  stderr: string;
}

/** A set as `ipset list` shows it (plain) or as create/add lines (save). */
export function formatSet(s: IpSet, refs: number, mode: 'plain' | 'save', terse: boolean): string {
  const o = s.opts;
  const hdr: string[] = [];
  if (s.type.name === 'bitmap:port') hdr.push(`range ${o.range!.first}-${o.range!.last}`);
  else hdr.push(`family inet hashsize ${o.hashsize} maxelem ${o.maxelem}`);
  if (o.timeout !== undefined) hdr.push(`timeout ${o.timeout}`);
  if (o.comment) hdr.push('comment');
  if (s.type.name !== 'bitmap:port') hdr.push(`bucketsize 12 initval 0x${s.initval.toString(16).padStart(8, '0')}`);
  const header = hdr.join(' ');
  const members = terse
    ? []
    : s.members().map((m) => {
        let line = formatElem(s.type.name, m.elem);
        if (o.timeout !== undefined) line += ` timeout ${s.secondsLeft(m)}`;
        if (m.comment !== undefined) line += ` comment "${m.comment}"`;
        return line;
      });
  if (mode === 'save') return `create ${s.name} ${s.type.name} ${header}\n` + members.map((m) => `add ${s.name} ${m}\n`).join('');
  let out = `Name: ${s.name}\nType: ${s.type.name}\nRevision: ${s.type.revision}\nHeader: ${header}\nSize in memory: ${s.memSize()}\nReferences: ${refs}\nNumber of entries: ${s.size()}\n`;
  if (!terse) out += 'Members:\n' + members.map((m) => m + '\n').join('');
  return out;
}

function parseUint(s: string, max = 0xffffffff): number | Fail {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) return err(`Syntax error: '${s}' is invalid as number`);
  const n = Number(s);
  if (n > max) return err(`Syntax error: '${s}' is out of range 0-${max}`);
  return n;
}

/** create NAME TYPE [options]. */
function create(store: IpsetStore, args: string[], f: Flags): Fail | undefined {
  if (args.length < 1) return usage('Missing mandatory argument to command create');
  if (args.length < 2) return usage('Missing second mandatory argument to command create');
  const [name, typeName] = args as [string, string];
  if (name.length > 31) return err(`Syntax error: setname '${name}' is longer than 31 characters`);
  if (!(typeName in SET_TYPES)) return err(`Syntax error: typename '${typeName}' is unknown`);
  const type = typeName as SetTypeName;
  const opts: SetOptions = { hashsize: 1024, maxelem: 65536, comment: false };
  let initval: number | undefined;
  const hash = type !== 'bitmap:port';
  for (let i = 2; i < args.length; i++) {
    const k = args[i]!;
    const v = args[i + 1];
    const needV = (): string | Fail => (v === undefined ? usage(`Missing mandatory value to option ${k}`) : v);
    switch (k) {
      case 'family': {
        if (!hash) return usage(`Unknown argument: \`${k}'`);
        const fam = needV();
        if (typeof fam !== 'string') return fam;
        if (fam === 'inet6') return err('podnet: family inet6 sets are not modelled');
        if (fam !== 'inet') return err(`Syntax error: unknown inet family ${fam}`);
        i++;
        break;
      }
      case 'hashsize':
      case 'maxelem':
      case 'bucketsize':
      case 'initval': {
        if (!hash) return usage(`Unknown argument: \`${k}'`);
        const s = needV();
        if (typeof s !== 'string') return s;
        const n = parseUint(s);
        if (typeof n !== 'number') return n;
        i++;
        // The kernel rounds hashsize up to a power of two, at least 64 (IPSET_MIMINAL_HASHSIZE).
        if (k === 'hashsize') opts.hashsize = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
        else if (k === 'maxelem') opts.maxelem = n;
        else if (k === 'initval') initval = n;
        break;
      }
      case 'timeout': {
        const s = needV();
        if (typeof s !== 'string') return s;
        const n = parseUint(s, 2147483);
        if (typeof n !== 'number') return n;
        opts.timeout = n;
        i++;
        break;
      }
      case 'comment':
        opts.comment = true;
        break;
      case 'range': {
        if (hash) return usage(`Unknown argument: \`${k}'`);
        const s = needV();
        if (typeof s !== 'string') return s;
        const m = /^(?:(?:tcp|udp):)?(\d+)-(?:(?:tcp|udp):)?(\d+)$/.exec(s);
        if (!m || Number(m[1]) > 65535 || Number(m[2]) > 65535) return err(`Syntax error: cannot parse '${s}' as a port range`);
        const a = Number(m[1]);
        const b = Number(m[2]);
        opts.range = { first: Math.min(a, b), last: Math.max(a, b) };
        i++;
        break;
      }
      case 'counters':
      case 'skbinfo':
      case 'forceadd':
      case 'netmask':
      case 'markmask':
        return err(`podnet: ipset create option ${k} is not modelled`);
      default:
        return usage(`Unknown argument: \`${k}'`);
    }
  }
  if (!hash && !opts.range) return usage("Mandatory option `range' is missing");
  const e = store.create(name, type, opts, f.exist, initval);
  return e ? err(SET_ERRORS[e]) : undefined;
}

/** add/del/test NAME ENTRY [timeout N] [comment TEXT]. */
function adt(store: IpsetStore, cmd: 'add' | 'del' | 'test', args: string[], f: Flags, io: Io): Fail | undefined {
  if (args.length < 1) return usage(`Missing mandatory argument to command ${cmd}`);
  if (args.length < 2) return usage(`Missing second mandatory argument to command ${cmd}`);
  const [name, entry] = args as [string, string];
  const set = store.get(name);
  if (!set) return err(SET_ERRORS.NOT_FOUND);
  const ext: { timeout?: number; comment?: string } = {};
  for (let i = 2; i < args.length; i++) {
    const k = args[i]!;
    const v = args[i + 1];
    if ((k === 'timeout' || k === 'comment') && cmd === 'add') {
      if (v === undefined) return usage(`Missing mandatory value to option ${k}`);
      if (k === 'timeout') {
        const n = parseUint(v, 2147483);
        if (typeof n !== 'number') return n;
        ext.timeout = n;
      } else {
        if (v.length > 255) return err('Syntax error: Comment is longer than the maximum allowed 255 characters');
        ext.comment = v;
      }
      i++;
      continue;
    }
    return usage(`Unknown argument: \`${k}'`);
  }
  const parsed = parseElem(set.type.name, entry);
  if (!parsed.ok) return err(parsed.msg);
  if (cmd === 'test') {
    const shown = formatElem(set.type.name, parsed.elems[0]!);
    if (parsed.elems.every((e) => set.test(e))) {
      if (!f.quiet) io.stderr += `Warning: ${shown} is in set ${name}.\n`;
      return undefined;
    }
    io.stderr += `${shown} is NOT in set ${name}.\n`;
    return { msg: '', exit: 1 };
  }
  // A range or net is one kernel request that stops at its first failing element.
  for (const e of parsed.elems) {
    const r = cmd === 'add' ? set.add(e, ext, f.exist) : set.del(e, f.exist);
    if (r) return err(ELEM_ERRORS[r]);
  }
  return undefined;
}

function listCmd(store: IpsetStore, cmd: 'list' | 'save', args: string[], f: Flags, io: Io): Fail | undefined {
  if (args.length > 1) return usage(`Unknown argument ${args[1]}`);
  let sets = store.list();
  if (args[0] !== undefined) {
    const s = store.get(args[0]);
    if (!s) return err(SET_ERRORS.NOT_FOUND);
    sets = [s];
  }
  if (f.names) {
    io.stdout += sets.map((s) => s.name + '\n').join('');
    return undefined;
  }
  const mode = cmd === 'save' ? 'save' : f.mode;
  const parts = sets.map((s) => formatSet(s, store.references(s.name), mode, f.terse));
  io.stdout += mode === 'save' ? parts.join('') : parts.join('\n');
  return undefined;
}

function needName(cmd: string, args: string[], n: number): Fail | undefined {
  if (args.length < 1 && n >= 1) return usage(`Missing mandatory argument to command ${cmd}`);
  if (args.length < 2 && n >= 2) return usage(`Missing second mandatory argument to command ${cmd}`);
  if (args.length > n) return usage(`Unknown argument ${args[n]}`);
  return undefined;
}

/** One command with its arguments, options already taken out. */
function runOne(store: IpsetStore, cmd: string, args: string[], f: Flags, io: Io, stdin: string): Fail | undefined {
  switch (cmd) {
    case 'create':
      return create(store, args, f);
    case 'add':
    case 'del':
    case 'test':
      return adt(store, cmd, args, f, io);
    case 'list':
    case 'save':
      return listCmd(store, cmd, args, f, io);
    case 'flush': {
      if (args.length > 1) return usage(`Unknown argument ${args[1]}`);
      if (args[0] === undefined) {
        for (const s of store.list()) s.flush();
        return undefined;
      }
      const s = store.get(args[0]);
      if (!s) return err(SET_ERRORS.NOT_FOUND);
      s.flush();
      return undefined;
    }
    case 'destroy': {
      if (args.length > 1) return usage(`Unknown argument ${args[1]}`);
      const e = store.destroy(args[0]);
      return e ? err(SET_ERRORS[e]) : undefined;
    }
    case 'rename':
    case 'swap': {
      const bad = needName(cmd, args, 2);
      if (bad) return bad;
      const e = cmd === 'rename' ? store.rename(args[0]!, args[1]!) : store.swap(args[0]!, args[1]!);
      return e ? err(SET_ERRORS[e]) : undefined;
    }
    case 'restore':
      return restore(store, stdin, f, io);
    case 'version':
      io.stdout += `${PROG}, protocol version: 7\n`;
      return undefined;
    case 'help':
      io.stdout += `${PROG}\n\nUsage: ipset [options] COMMAND\n\nCommands:\ncreate SETNAME TYPENAME [type-specific-options]\n        Create a new set\nadd SETNAME ENTRY\n        Add entry to the named set\ndel SETNAME ENTRY\n        Delete entry from the named set\ntest SETNAME ENTRY\n        Test entry in the named set\ndestroy [SETNAME]\n        Destroy a named set or all sets\nlist [SETNAME]\n        List the entries of a named set or all sets\nsave [SETNAME]\n        Save the named set or all sets to stdout\nrestore \n        Restore a saved state\nflush [SETNAME]\n        Flush a named set or all sets\nrename FROM-SETNAME TO-SETNAME\n        Rename two sets\nswap FROM-SETNAME TO-SETNAME\n        Swap the contect of two existing sets\n`;
      return undefined;
  }
  return usage(`No command specified: unknown argument ${cmd}`);
}

type Parsed = { ok: true; cmd: string; args: string[]; f: Flags } | { ok: false; fail: Fail };

/** Options may stand before or after the command (ipset.c parses them wherever they appear). */
function parseArgv(argv: string[], base?: Flags): Parsed {
  const f: Flags = base ? { ...base } : { exist: false, names: false, terse: false, mode: 'plain', quiet: false };
  let cmd: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-exist' || a === '-!' || a === '--exist') f.exist = true;
    else if (a === '-n' || a === '-name' || a === '--name') f.names = true;
    else if (a === '-t' || a === '-terse' || a === '--terse') f.terse = true;
    else if (a === '-q' || a === '-quiet' || a === '--quiet') f.quiet = true;
    else if (a === '-s' || a === '-sorted' || a === '-r' || a === '-resolve') continue;
    else if (a === '-o' || a === '-output') {
      const m = argv[++i];
      if (m === undefined) return { ok: false, fail: usage(`Missing mandatory argument to option ${a}`) };
      if (m === 'xml') return { ok: false, fail: err('podnet: ipset -o xml is not modelled') };
      if (m !== 'plain' && m !== 'save') return { ok: false, fail: err(`Syntax error: Unknown output mode '${m}'`) };
      f.mode = m;
    } else if (cmd === undefined) {
      const c = COMMANDS[a];
      if (!c) return { ok: false, fail: usage(`No command specified: unknown argument ${a}`) };
      cmd = c;
    } else args.push(a);
  }
  if (cmd === undefined) return { ok: false, fail: usage('No command specified.') };
  return { ok: true, cmd, args, f };
}

/** Split a restore line like the tool's tokenizer: blanks separate, double quotes group. */
function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2]!);
  return out;
}

/**
 * ipset restore: line by line, stopping at the first error as "Error in line N: ..." (exit 1);
 * consecutive add/del lines for one set travel as one batch, so a syntax error in a later line of
 * the batch discards the lines before it that were not yet sent (observed on 7.17). Usage errors
 * are reported without a line number and exit 2, as the real tool does.
 */
function restore(store: IpsetStore, stdin: string, base: Flags, io: Io): Fail | undefined {
  const lines = stdin.split('\n');
  let batch: { set: string; run: () => Fail | undefined; line: number }[] = [];
  const flush = (): { fail: Fail; line: number } | undefined => {
    const b = batch;
    batch = [];
    for (const item of b) {
      const r = item.run();
      if (r) return { fail: r, line: item.line };
    }
    return undefined;
  };
  const lineErr = (r: { fail: Fail; line: number }): Fail =>
    r.fail.exit === 2 ? r.fail : { msg: r.fail.msg === '' ? '' : `Error in line ${r.line}: ${r.fail.msg}`, exit: 1 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'COMMIT') {
      const r = flush();
      if (r) return lineErr(r);
      continue;
    }
    const p = parseArgv(tokens(line), base);
    if (!p.ok) {
      const r = flush();
      if (r) return lineErr(r);
      return p.fail.exit === 2 ? p.fail : lineErr({ fail: p.fail, line: i + 1 });
    }
    if (p.cmd === 'restore') return lineErr({ fail: err('Restore command is not supported in restore mode'), line: i + 1 });
    if (p.cmd === 'add' || p.cmd === 'del') {
      const set = p.args[0];
      if (batch.length && batch[0]!.set !== set) {
        const r = flush();
        if (r) return lineErr(r);
      }
      // Syntax is checked as the line is read; the kernel sees the batch later.
      const s = set !== undefined ? store.get(set) : undefined;
      if (s && p.args[1] !== undefined) {
        const pe = parseElem(s.type.name, p.args[1]);
        if (!pe.ok) {
          batch = [];
          return lineErr({ fail: err(pe.msg), line: i + 1 });
        }
      }
      const args = p.args;
      const f = p.f;
      batch.push({ set: set ?? '', line: i + 1, run: () => runOne(store, p.cmd, args, f, io, '') });
      continue;
    }
    const r = flush();
    if (r) return lineErr(r);
    const fail = runOne(store, p.cmd, p.args, p.f, io, '');
    if (fail) return lineErr({ fail, line: i + 1 });
  }
  const r = flush();
  return r ? lineErr(r) : undefined;
}

/** Runs ipset against a store (tests, and the Command). */
export function runIpset(argv: string[], store: IpsetStore, stdin = ''): ExecResult {
  const p = parseArgv(argv);
  const io: Io = { stdout: '', stderr: '' };
  const fail = p.ok ? runOne(store, p.cmd, p.args, p.f, io, stdin) : p.fail;
  if (!fail) return result(0, io.stdout, io.stderr);
  const text = fail.msg === '' ? '' : `${PROG}: ${fail.msg}\n${fail.exit === 2 ? TRY : ''}`;
  return result(fail.exit, io.stdout, io.stderr + text);
}
