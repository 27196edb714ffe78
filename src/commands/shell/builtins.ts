/** The shell builtins labs use: echo (-n -e -E), true, false, sleep (advances virtual time), printf (%s %d %b and escapes). */
import { type Command, type ExecResult, result } from '../types.js';

const ECHO_ESC: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Backslash escapes as `echo -e` and printf's %b read them; `stop` reports a `\c`. */
function unescape(s: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n === 'c') return { text: out, stop: true };
    if (ECHO_ESC[n] !== undefined) {
      out += ECHO_ESC[n];
      i++;
      continue;
    }
    if (n === 'x') {
      const m = /^[0-9A-Fa-f]{1,2}/.exec(s.slice(i + 2));
      if (m) {
        out += String.fromCharCode(parseInt(m[0], 16));
        i += 1 + m[0].length;
        continue;
      }
    }
    if (n === '0' || (!octalNeedsZero && /[1-7]/.test(n))) {
      const start = n === '0' && octalNeedsZero ? i + 2 : i + 1;
      const m = /^[0-7]{0,3}/.exec(s.slice(start))!;
      out += String.fromCharCode(parseInt(m[0] || '0', 8) & 0xff);
      i = start + m[0].length - 1;
      continue;
    }
    out += c;
  }
  return { text: out, stop: false };
}

export const echo: Command = (argv) => {
  let i = 1;
  let newline = true;
  let escapes = false;
  // bash's echo takes only arguments made purely of n, e, E as options.
  while (i < argv.length && /^-[neE]+$/.test(argv[i]!)) {
    for (const c of argv[i]!.slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
    i++;
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const u = unescape(text, true);
    if (u.stop) return result(0, u.text);
    text = u.text;
  }
  return result(0, newline ? text + '\n' : text);
};

export const trueCmd: Command = () => result(0);
export const falseCmd: Command = () => result(1);

/** sleep N[smhd]...: advances the world's virtual time so timers, ARP ageing and background jobs move. */
export const sleep: Command = (argv, ctx) => {
  if (argv.length < 2) return result(1, '', "sleep: missing operand\nTry 'sleep --help' for more information.\n");
  let ms = 0;
  for (const a of argv.slice(1)) {
    const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(a);
    if (!m) return result(1, '', `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
    ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  }
  ctx.world.runFor(ms);
  return result(0);
};

/** printf FORMAT [ARG]...: the format is reused until the arguments run out, as bash does. */
export const printf: Command = (argv): ExecResult => {
  if (argv.length < 2) return result(2, '', 'printf: usage: printf [-v var] format [arguments]\n');
  const fmt = argv[1]!;
  const args = argv.slice(2);
  let out = '';
  let errs = '';
  let code = 0;
  let ai = 0;
  do {
    let usedArg = false;
    for (let i = 0; i < fmt.length; i++) {
      const c = fmt[i]!;
      if (c === '\\') {
        const m = /^\\([0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)/.exec(fmt.slice(i));
        const len = m ? m[0].length : 1;
        out += unescape(fmt.slice(i, i + len), false).text;
        i += len - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      const m = /^%([-+ 0#]*)([0-9]*)(?:\.([0-9]+))?([sdibxXoucf%])/.exec(fmt.slice(i));
      if (!m) {
        out += c;
        continue;
      }
      i += m[0].length - 1;
      const conv = m[4]!;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const arg = args[ai++];
      usedArg = true;
      let s: string;
      if (conv === 's' || conv === 'c') s = (arg ?? '').slice(0, conv === 'c' ? 1 : m[3] !== undefined ? Number(m[3]) : undefined);
      else if (conv === 'b') s = unescape(arg ?? '', true).text;
      else if (conv === 'f') s = Number(arg ?? 0).toFixed(m[3] !== undefined ? Number(m[3]) : 6);
      else {
        const n = arg === undefined || arg === '' ? 0 : Number(arg);
        if (Number.isNaN(n)) {
          errs += `printf: ${arg}: invalid number\n`;
          code = 1;
        }
        const v = Number.isNaN(n) ? 0 : Math.trunc(n);
        s = conv === 'x' ? v.toString(16) : conv === 'X' ? v.toString(16).toUpperCase() : conv === 'o' ? v.toString(8) : String(v);
      }
      const width = Number(m[2] || 0);
      const left = m[1]!.includes('-');
      const pad = m[1]!.includes('0') && !left && conv !== 's' ? '0' : ' ';
      out += left ? s.padEnd(width) : s.padStart(width, pad);
    }
    if (!usedArg) break;
  } while (ai < args.length);
  return result(code, out, errs);
};
