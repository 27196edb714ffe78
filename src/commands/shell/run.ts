/**
 * Executes parsed shell items the way bash runs a script without -e: variables and expansion,
 * pipelines, && / ||, redirections into the emulated host fs, and bash's own error texts, calling
 * emulated programs through a lookup so the shell knows nothing of any particular command.
 */
import type { Host, World } from '../../world/api.js';
import type { HostFs } from '../../world/fs.js';
import type { Command, ExecContext, ExecResult, Job } from '../types.js';
import { result } from '../types.js';
import { emulatedPath, readPath } from '../text/io.js';
import type { AndOrList, ParseItem, Pipeline, Redirect, SimpleCommand, Word } from './parse.js';
import { parseScript } from './parse.js';
import { classifyFile } from './exec-file.js';
import { runTest } from './test-builtin.js';

export type Lookup = (name: string) => Command | undefined;

export interface ShellEnv {
  world: World;
  host: Host;
  fs: HostFs;
  cwd: string;
  netns?: string;
  /**
   * What the shell puts before its own messages: "lab.sh: line 3: " for a script; `bash -c` says
   * "bash: " at run time but "bash: -c: line 1: " for syntax errors; dash (`sh -c`) says "sh: 1: ".
   */
  prefix(line: number, kind: 'run' | 'syntax' | 'warning'): string;
  lookup: Lookup;
  registerJob(job: Job): void;
  /** The words after "NAME: " when a program is missing; dash says "not found". */
  notFound?: string;
  /** A script file's inherited stdin: the first command line that runs gets it, then it is used up. */
  stdin?: { text: string };
}

export interface ShellState {
  vars: Record<string, string>;
  status: number;
  errexit: boolean;
  /** Background jobs this shell started, with the pid `$!` gave for them and where their output goes. */
  jobs?: JobEntry[];
  /** Set by `exit`: the script stops with this status. */
  exited?: number;
}

/** A piece of output in the order the shell produced it, so a terminal shows both streams interleaved. */
export interface Chunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ItemResult extends ExecResult {
  /** True when the script must stop after this item (syntax error, exit, set -e). */
  stop: boolean;
  /** stdout and stderr as one ordered sequence (within one program: its stdout, then its stderr). */
  output: Chunk[];
}

/** Collected output of a piece of a command line; stdout/stderr are derived from the ordered chunks. */
class Output {
  readonly chunks: Chunk[] = [];
  add(stream: Chunk['stream'], text: string): this {
    if (text !== '') this.chunks.push({ stream, text });
    return this;
  }
  append(o: Output): this {
    this.chunks.push(...o.chunks);
    return this;
  }
  get stdout(): string {
    return this.chunks.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
  }
  get stderr(): string {
    return this.chunks.filter((c) => c.stream === 'stderr').map((c) => c.text).join('');
  }
}

const itemResult = (exitCode: number, o: Output, stop: boolean): ItemResult => ({ exitCode, stdout: o.stdout, stderr: o.stderr, output: o.chunks, stop });

/** Builtins that print bash-prefixed errors ("FILE: line N: echo: write error: ..."). */
const BASH_BUILTINS = new Set(['echo', 'printf', 'true', 'false', ':', 'export', 'unset', 'set', 'exit', 'cd', 'wait', 'kill', 'test', '[']);
/** `wait` for a job that never ends would hang bash; podnet gives up after this much virtual time. */
const WAIT_LIMIT_MS = 60_000;
/** Pids `$!` hands out; real ones differ, so labs should not print them. */
const FIRST_PID = 1000;
const PROGRAM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Commands a Linux lab box really has but podnet does not model: refusing them beats "command not found". */
const KNOWN_UNMODELLED = new Set([
  'ip6tables', 'nft', 'tcpdump', 'tshark',
  'curl', 'wget', 'arp', 'route', 'ifconfig', 'brctl', 'ethtool', 'ss', 'netstat', 'modprobe', 'lsmod', '[[',
  'awk', 'sed', 'xargs', 'cp', 'mv', 'ln', 'chmod', 'chown', 'find', 'seq', 'uniq', 'nslookup', 'dig', 'host', 'traceroute',
  'tracepath', 'arping', 'socat', 'python3', 'python', 'perl', 'docker', 'kubectl', 'crictl', 'systemctl', 'ps',
  'source', '.', 'cd', 'read', 'eval', 'exec', 'trap', 'timeout', 'env', 'which', 'type', 'hostname', 'date', 'id',
  'jq', 'dd', 'od', 'hexdump', 'xxd', 'base64', 'md5sum', 'sha256sum', 'stat', 'readlink', 'basename', 'dirname', 'tac',
  'rev', 'paste', 'join', 'comm', 'diff', 'expr', 'bc', 'nsenter', 'unshare', 'mount', 'umount', 'bpftool', 'tc',
  // bash builtins podnet's shell does not have
  'declare', 'local', 'readonly', 'typeset', 'let', 'shift', 'return', 'break', 'continue', 'alias', 'unalias', 'umask',
  'ulimit', 'pushd', 'popd', 'dirs', 'getopts', 'jobs', 'fg', 'bg', 'disown', 'shopt', 'hash', 'command', 'builtin',
  'enable', 'mapfile', 'readarray', 'caller', 'times', 'yes', 'uname', 'whoami', 'pwd', 'printenv',
]);

type Sink = { k: 'out' } | { k: 'err' } | { k: 'null' } | { k: 'file'; path: string };

export interface JobEntry {
  pid: number;
  job: Job;
  /** The job's stdout and stderr as its command line redirected them. */
  fds: { 1: Sink; 2: Sink };
  /** How much of each stream has been delivered so far. */
  sent: { out: number; err: number };
  netns?: string;
}

/**
 * Delivers what background jobs printed since the last call: into files their redirections named
 * (so a later `cat out.txt` sees it), dropped for /dev/null, and returned for the terminal.
 */
export function drainJobs(state: ShellState, env: Pick<ShellEnv, 'fs'>): { job: Job; stdout: string; stderr: string }[] {
  const out: { job: Job; stdout: string; stderr: string }[] = [];
  for (const e of state.jobs ?? []) {
    const o = e.job.stdout();
    const r = e.job.stderr();
    const newOut = o.slice(e.sent.out);
    const newErr = r.slice(e.sent.err);
    e.sent = { out: o.length, err: r.length };
    const term = { job: e.job, stdout: '', stderr: '' };
    for (const [sink, data] of [[e.fds[1], newOut], [e.fds[2], newErr]] as const) {
      if (data === '') continue;
      if (sink.k === 'out') term.stdout += data;
      else if (sink.k === 'err') term.stderr += data;
      else if (sink.k === 'file') env.fs.write(sink.path, data, e.netns, { append: true });
    }
    out.push(term);
  }
  return out;
}

/**
 * Runs one parsed item (a logical line) and returns what it printed. A podnet bug anywhere below
 * (a redirection into a kernel view, a program) becomes this line's internal error, not the lab's end.
 */
export function runItem(item: ParseItem, state: ShellState, env: ShellEnv): ItemResult {
  try {
    return runItemUnsafe(item, state, env);
  } catch (e) {
    state.status = 70;
    const detail = process.env['PODNET_DEBUG'] ? `\n${(e as Error)?.stack ?? String(e)}` : '';
    return itemResult(70, new Output().add('stderr', `podnet: internal error: line ${item.line}: ${(e as Error)?.message ?? String(e)}${detail}\n`), false);
  }
}

function runItemUnsafe(item: ParseItem, state: ShellState, env: ShellEnv): ItemResult {
  const where = (line: number): string => env.prefix(line, 'run');
  if (item.kind === 'syntax-error') {
    state.status = 2;
    return itemResult(2, new Output().add('stderr', item.messages.map((m) => `${env.prefix(m.line, 'syntax')}${m.text}\n`).join('')), true);
  }
  if (item.kind === 'unsupported') {
    state.status = 2;
    return itemResult(2, new Output().add('stderr', `podnet: unsupported: line ${item.line}: ${item.reason}\n`), false);
  }
  const out = new Output();
  for (const list of item.lists) {
    const r = runAndOr(list, state, env, where);
    out.append(r.out);
    if (state.exited !== undefined) return itemResult(state.exited, out, true);
    if (state.errexit && r.exitCode !== 0 && !r.exempt) return itemResult(r.exitCode, out, true);
  }
  return itemResult(state.status, out, false);
}

function runAndOr(list: AndOrList, state: ShellState, env: ShellEnv, where: (l: number) => string): { exitCode: number; out: Output; exempt: boolean } {
  const out = new Output();
  // `set -e` ignores failures of commands before the last && / || and of negated pipelines.
  let exempt = false;
  const run = (p: Pipeline, last: boolean): void => {
    const r = runPipeline(p, state, env, where, list.background);
    out.append(r.out);
    state.status = r.exitCode;
    exempt = !last || p.negate;
  };
  run(list.first, list.rest.length === 0);
  list.rest.forEach((step, i) => {
    if (state.exited !== undefined) return;
    if ((step.op === '&&') === (state.status === 0)) run(step.pipeline, i === list.rest.length - 1);
    else exempt = true;
  });
  if (list.background) {
    // `cmd &` always succeeds at once in bash; the job's own output is collected by the lab.
    state.status = 0;
    state.vars['!'] = String(FIRST_PID + (state.jobs?.length ?? 0) - 1);
    return { exitCode: 0, out, exempt: true };
  }
  return { exitCode: state.status, out, exempt };
}

function runPipeline(p: Pipeline, state: ShellState, env: ShellEnv, where: (l: number) => string, background: boolean): { exitCode: number; out: Output } {
  // A script's inherited stdin goes to the first program that can read it (not echo, printf, ...).
  const first = p.commands[0]?.words[0]?.raw ?? '';
  const reads = env.stdin !== undefined && first !== '' && !BASH_BUILTINS.has(first);
  let stdin = reads ? env.stdin!.text : '';
  if (reads) env.stdin!.text = '';
  const out = new Output();
  let exitCode = 0;
  p.commands.forEach((c, i) => {
    const isLast = i === p.commands.length - 1;
    const r = runSimple(c, state, env, where, stdin, background && isLast);
    // Inside a pipe, a program's stdout is the next one's stdin; only the last one reaches the step.
    if (isLast) out.append(r.out);
    else for (const ch of r.out.chunks) if (ch.stream === 'stderr') out.chunks.push(ch);
    stdin = r.out.stdout;
    exitCode = r.exitCode;
  });
  return { exitCode: p.negate ? (exitCode === 0 ? 1 : 0) : exitCode, out };
}

/** Field splitting of unquoted expansions on default IFS; quoted parts never split, and "" keeps a word. */
export function expandWord(w: Word, vars: Record<string, string>, status: number): string[] {
  const fields: string[] = [];
  let cur = '';
  let live = false;
  for (const p of w.parts) {
    if (p.t === 'lit') {
      cur += p.s;
      if (p.q || p.s !== '') live = true;
      continue;
    }
    const v = special(p.name, vars, status);
    if (p.q) {
      cur += v;
      live = true;
      continue;
    }
    const pieces = v.split(/[ \t\n]+/);
    pieces.forEach((piece, i) => {
      if (i > 0 && (live || cur !== '')) {
        fields.push(cur);
        cur = '';
        live = false;
      }
      if (piece !== '') {
        cur += piece;
        live = true;
      }
    });
  }
  if (live || cur !== '') fields.push(cur);
  return fields;
}

/** A variable's value; `$?` is the last status, `$!` the last background pid. */
function special(name: string, vars: Record<string, string>, status: number): string {
  return name === '?' ? String(status) : (vars[name] ?? '');
}

/** A word where bash allows exactly one field (assignment values, redirection targets): no splitting. */
function expandOne(w: Word, vars: Record<string, string>, status: number): string {
  return w.parts.map((p) => (p.t === 'lit' ? p.s : special(p.name, vars, status))).join('');
}

/** Here-document bodies expand $NAME, ${NAME}, $? and honour \$ \\ \` unless the delimiter was quoted. */
function expandHeredoc(body: string, vars: Record<string, string>, status: number): string {
  return body.replace(/\\([$`\\])|\\\n|\$\{([A-Za-z_][A-Za-z0-9_]*|[?!])\}|\$([A-Za-z_][A-Za-z0-9_]*|[?!])/g, (m, esc: string, braced: string, bare: string) => {
    if (esc) return esc;
    if (m === '\\\n') return '';
    return special(braced ?? bare, vars, status);
  });
}

function runSimple(
  c: SimpleCommand,
  state: ShellState,
  env: ShellEnv,
  where: (l: number) => string,
  stdinIn: string,
  background: boolean,
): { exitCode: number; out: Output } {
  const at = where(c.line);
  const argv = c.words.flatMap((w) => expandWord(w, state.vars, state.status));
  // Assignments expand left to right, each seeing the ones before it (`X=1 Y=$X`).
  const scope = { ...state.vars };
  const assigns = c.assigns.map((a) => {
    const v = expandOne(a.value, scope, state.status);
    scope[a.name] = v;
    return [a.name, v] as const;
  });

  // Redirections, left to right, as bash opens them before the program starts.
  // 'out' is the next command's stdin inside a pipeline, the step's stdout at its end.
  const fds: Record<number, Sink> = { 1: { k: 'out' }, 2: { k: 'err' } };
  let stdin = stdinIn;
  const out = new Output();
  for (const r of c.redirects) {
    const opened = openRedirect(r, fds, state, env, at);
    if (!opened.ok) return { exitCode: 1, out: out.add('stderr', opened.message) };
    if (opened.stdin !== undefined) stdin = opened.stdin;
    if (opened.warning) out.add('stderr', opened.warning);
  }

  if (argv.length === 0) {
    for (const [k, v] of assigns) state.vars[k] = v;
    return { exitCode: 0, out };
  }

  const name = argv[0]!;
  const builtin =
    name === 'test' || name === '['
      ? runTest(argv, makeContext(env, state.vars, stdin, false, state), at)
      : runBuiltin(argv, state, env, at);
  let r: ExecResult;
  if (builtin) r = builtin;
  else {
    const cmd = resolveCommand(name, env.lookup);
    const file = cmd === 'not-found' && name.includes('/') ? classifyFile(name, env) : undefined;
    if (file && file.kind !== 'error') {
      const ctx = makeContext(env, { ...state.vars, ...Object.fromEntries(assigns) }, stdin, background, state, { 1: fds[1]!, 2: fds[2]! });
      r = file.kind === 'program' ? safeRun(file.cmd, argv, ctx) : runScriptFile(file.text, file.shell, argv, ctx, env.lookup);
    } else if (file) {
      r = file.unsupported ? result(file.code, '', `podnet: unsupported: line ${c.line}: ${file.message}\n`) : result(file.code, '', `${at}${name}: ${file.message}\n`);
    } else if (cmd === 'not-found') {
      r = name.includes('/') ? result(127, '', `${at}${name}: No such file or directory\n`) : result(127, '', `${at}${name}: ${env.notFound ?? 'command not found'}\n`);
    } else if (cmd === 'unmodelled') {
      r = result(127, '', `podnet: unsupported: line ${c.line}: ${name} is not modelled\n`);
    } else {
      const ctx = makeContext(env, { ...state.vars, ...Object.fromEntries(assigns) }, stdin, background, state, { 1: fds[1]!, 2: fds[2]! });
      r = safeRun(cmd, argv, ctx);
      // printf is a bash builtin: its errors carry the script's "FILE: line N: " (its usage line does not).
      if (name === 'printf' && r.stderr) r = { ...r, stderr: r.stderr.replace(/^printf: (?!usage:)/gm, `${at}printf: `) };
    }
  }

  // Route the two streams to where the redirections pointed them.
  const pending = new Map<string, string>();
  const deliver = (sink: Sink, data: string): void => {
    if (data === '') return;
    if (sink.k === 'out') out.add('stdout', data);
    else if (sink.k === 'err') out.add('stderr', data);
    else if (sink.k === 'file') pending.set(sink.path, (pending.get(sink.path) ?? '') + data);
  };
  deliver(fds[1]!, r.stdout);
  deliver(fds[2]!, r.stderr);
  let exitCode = r.exitCode;
  for (const [path, data] of pending) {
    const w = env.fs.write(path, data, env.netns, { append: true });
    if (!w.ok) {
      const who = BASH_BUILTINS.has(name) ? `${at}${name}` : name;
      out.add('stderr', `${who}: write error: ${w.error.message}\n`);
      exitCode = 1;
    }
  }
  return { exitCode, out };
}

type Opened = { ok: true; stdin?: string; warning?: string } | { ok: false; message: string };

function openRedirect(r: Redirect, fds: Record<number, Sink>, state: ShellState, env: ShellEnv, at: string): Opened {
  if (r.op === '<<') {
    const body = r.body ?? '';
    const warning = r.warning ? `${env.prefix(r.warning.line, 'warning')}warning: ${r.warning.message}\n` : undefined;
    return { ok: true, stdin: r.bodyExpands ? expandHeredoc(body, state.vars, state.status) : body, ...(warning ? { warning } : {}) };
  }
  const target = expandOne(r.target, state.vars, state.status);
  if (r.op === '<<<') return { ok: true, stdin: target + '\n' };
  if (r.op === '>&') {
    const from = fds[Number(target)];
    if (!from) return { ok: false, message: `${at}${target}: Bad file descriptor\n` };
    fds[r.fd] = from;
    return { ok: true };
  }
  if (target === '') return { ok: false, message: `${at}${r.target.raw}: ambiguous redirect\n` };
  if (r.op === '<') {
    const ctx = makeContext(env, state.vars, '', false);
    const rd = readPath(target, ctx);
    if (!rd.ok) return { ok: false, message: `${at}${target}: ${rd.message}\n` };
    return { ok: true, stdin: rd.text };
  }
  // Output: > >> &> &>>
  let sink: Sink;
  if (target === '/dev/null') sink = { k: 'null' };
  else if (target === '/dev/stdout') sink = fds[1]!;
  else if (target === '/dev/stderr') sink = fds[2]!;
  else {
    const path = emulatedPath(target, env);
    const append = r.op === '>>' || r.op === '&>>';
    const open = env.fs.openForWrite ? env.fs.openForWrite(path, env.netns, { append }) : append ? { ok: true as const, value: undefined } : env.fs.write(path, '', env.netns);
    if (!open.ok) return { ok: false, message: `${at}${target}: ${open.error.message}\n` };
    sink = { k: 'file', path };
  }
  if (r.op === '&>' || r.op === '&>>') {
    fds[1] = sink;
    fds[2] = sink;
  } else fds[r.fd] = sink;
  return { ok: true };
}

function resolveCommand(name: string, lookup: Lookup): Command | 'not-found' | 'unmodelled' {
  const found = lookup(name);
  if (found) return found;
  const base = name.slice(name.lastIndexOf('/') + 1);
  const inBin = !name.includes('/') || PROGRAM_DIRS.includes(name.slice(0, name.lastIndexOf('/')) || '/');
  return inBin && KNOWN_UNMODELLED.has(base) ? 'unmodelled' : 'not-found';
}

export function makeContext(
  env: ShellEnv,
  vars: Record<string, string>,
  stdin: string,
  background: boolean,
  state?: ShellState,
  fds: { 1: Sink; 2: Sink } = { 1: { k: 'out' }, 2: { k: 'err' } },
): ExecContext {
  const ctx: ExecContext = {
    world: env.world,
    host: env.host,
    ...(env.netns !== undefined ? { netns: env.netns } : {}),
    env: vars,
    fs: env.fs,
    cwd: env.cwd,
    stdin,
    background,
    exec: (argv, inner) => execArgv(argv, inner, env.lookup),
    registerJob: (job) => {
      if (state) (state.jobs ??= []).push({ pid: FIRST_PID + state.jobs.length, job, fds, sent: { out: 0, err: 0 }, ...(env.netns !== undefined ? { netns: env.netns } : {}) });
      env.registerJob(job);
    },
  };
  return ctx;
}

/** `ip netns exec NS CMD...` and friends: run a program by argv in another context, as execvp would. */
export function execArgv(argv: string[], ctx: ExecContext, lookup: Lookup): ExecResult {
  const name = argv[0];
  if (name === undefined) return result(255, '', 'exec of "" failed: No such file or directory\n');
  const cmd = resolveCommand(name, lookup);
  if (cmd === 'not-found' && name.includes('/')) {
    const file = classifyFile(name, ctx);
    if (file?.kind === 'program') return safeRun(file.cmd, argv, ctx);
    if (file?.kind === 'script') return runScriptFile(file.text, file.shell, argv, ctx, lookup);
    if (file) return result(255, '', file.unsupported ? `podnet: unsupported: ${file.message}\n` : `exec of "${name}" failed: ${file.message}\n`);
  }
  if (cmd === 'not-found') return result(255, '', `exec of "${name}" failed: No such file or directory\n`);
  if (cmd === 'unmodelled') return result(255, '', `podnet: unsupported: ${name} is not modelled\n`);
  return safeRun(cmd, argv, ctx);
}

/**
 * A script file run by path (execve of a `#!/bin/sh` or `#!/bin/bash` file, or a text file bash
 * runs itself): a fresh shell with the caller's environment and stdin; its messages name the
 * script as bash ("PATH: line N: ") or dash ("PATH: N: ") would.
 */
export function runScriptFile(text: string, shell: 'bash' | 'sh', argv: string[], ctx: ExecContext, lookup: Lookup): ExecResult {
  const path = argv[0] ?? '';
  const state: ShellState = { vars: { ...ctx.env }, status: 0, errexit: false };
  const env: ShellEnv = {
    world: ctx.world,
    host: ctx.host,
    fs: ctx.fs,
    cwd: ctx.cwd,
    ...(ctx.netns !== undefined ? { netns: ctx.netns } : {}),
    ...(shell === 'sh' ? { prefix: (line: number) => `${path}: ${line}: `, notFound: 'not found' } : { prefix: (line: number) => `${path}: line ${line}: ` }),
    lookup,
    registerJob: ctx.registerJob,
    stdin: { text: ctx.stdin },
  };
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const item of parseScript(text.replace(/\0/g, ''))) {
    const r = runItem(item, state, env);
    stdout += r.stdout;
    stderr += r.stderr;
    code = r.exitCode;
    if (r.stop) break;
  }
  return result(code, stdout, stderr);
}

/** A command's bug must never surface as a stack trace; it becomes an internal-error message. */
function safeRun(cmd: Command, argv: string[], ctx: ExecContext): ExecResult {
  try {
    return cmd(argv, ctx);
  } catch (e) {
    const detail = process.env['PODNET_DEBUG'] ? `\n${(e as Error)?.stack ?? String(e)}` : '';
    return result(70, '', `podnet: internal error in ${argv[0]}: ${(e as Error)?.message ?? String(e)}${detail}\n`);
  }
}

/** The few builtins that change the shell itself; undefined = not one of them. */
function runBuiltin(argv: string[], state: ShellState, env: ShellEnv, at: string): ExecResult | undefined {
  const [name, ...args] = argv;
  switch (name) {
    case ':':
      return result(0);
    case 'wait': {
      const all = state.jobs ?? [];
      const jobs = all.filter((j, i) => args.length === 0 || args.includes(String(j.pid)) || args.includes(`%${i + 1}`));
      env.world.runUntil(() => jobs.every((j) => !j.job.running()), WAIT_LIMIT_MS);
      return result(0);
    }
    case 'kill': {
      let errs = '';
      for (const a of args) {
        if (a.startsWith('-')) continue;
        const all = state.jobs ?? [];
        const j = a.startsWith('%') ? all[Number(a.slice(1)) - 1] : all.find((x) => String(x.pid) === a);
        if (!j || !j.job.running()) errs += a.startsWith('%') ? `${at}kill: ${a}: no such job\n` : `${at}kill: (${a}) - No such process\n`;
        else j.job.kill();
      }
      return result(errs ? 1 : 0, '', errs);
    }
    case 'export':
      for (const a of args) {
        const eq = a.indexOf('=');
        if (eq > 0) state.vars[a.slice(0, eq)] = a.slice(eq + 1);
        else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a) && a !== '-n' && a !== '-p') return result(1, '', `${at}export: \`${a}': not a valid identifier\n`);
      }
      return result(0);
    case 'unset':
      for (const a of args) delete state.vars[a];
      return result(0);
    case 'exit': {
      const n = args[0] === undefined ? state.status : Number(args[0]);
      if (!Number.isInteger(n)) {
        state.exited = 2;
        return result(2, '', `${at}exit: ${args[0]}: numeric argument required\n`);
      }
      state.exited = ((n % 256) + 256) % 256;
      return result(state.exited);
    }
    case 'set': {
      // Only errexit changes what a lab does; -u and pipefail would too, so they are refused.
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === '-e' || a === '+e') state.errexit = a === '-e';
        else if ((a === '-o' || a === '+o') && args[i + 1] === 'errexit') {
          state.errexit = a === '-o';
          i++;
        } else return result(2, '', `podnet: unsupported: set ${args.join(' ')}\n`);
      }
      return result(0);
    }
    default:
      return undefined;
  }
}
