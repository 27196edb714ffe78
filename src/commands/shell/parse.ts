/**
 * Turns lab script text into the logical commands bash would run, each with the file line it starts
 * on, recognising the small shell subset labs use and marking everything else as either a bash
 * syntax error (bash stops there) or a real-but-unmodelled construct (podnet refuses it and goes on).
 */

/** A piece of a word: literal text or a `$NAME` / `${NAME}` / `$?` reference; `q` = inside double quotes. */
export type WordPart = { t: 'lit'; s: string; q: boolean } | { t: 'var'; name: string; q: boolean };

export interface Word {
  parts: WordPart[];
  /** The word as written, for messages. */
  raw: string;
}

export type RedirectOp = '<' | '>' | '>>' | '>&' | '&>' | '&>>' | '<<' | '<<<';

export interface Redirect {
  /** File descriptor redirected (0, 1, 2); for `&>` it is 1 (both 1 and 2 are meant). */
  fd: number;
  op: RedirectOp;
  /** File name, or for `>&` the descriptor number as a word ("1", "2"); for `<<` the delimiter. */
  target: Word;
  /** Here-document body, already cut from the script (`<<`). */
  body?: string;
  /** Whether `$VAR` in the body expands (delimiter was not quoted). */
  bodyExpands?: boolean;
  /** `<<-`: leading tabs are removed from body lines and the delimiter line. */
  stripTabs?: boolean;
  /** Bash's warning when the script ended before the delimiter (printed, not fatal). */
  warning?: { line: number; message: string };
}

export interface SimpleCommand {
  /** The line bash names in this command's errors (see parseSimple for how bash counts it). */
  line: number;
  assigns: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  negate: boolean;
  commands: SimpleCommand[];
}

export interface AndOrList {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  /** Ended with `&`. */
  background: boolean;
}

export type ParseItem =
  | { kind: 'command'; line: number; text: string; lists: AndOrList[] }
  /** Bash would refuse to parse this: it prints `messages` (each after its "FILE: line N: " prefix) and stops with status 2. */
  | { kind: 'syntax-error'; line: number; text: string; messages: { line: number; text: string }[] }
  /** Valid bash that podnet does not model; the lab reports it and goes on. */
  | { kind: 'unsupported'; line: number; text: string; reason: string };

type Tok =
  | { k: 'word'; w: Word; line: number; endLine: number; unsupported?: string; start: number; end: number }
  | { k: 'op'; op: string; line: number; start: number; end: number }
  /** `endLine`: where bash's line counter stands after this newline, past any here-document bodies it read. */
  | { k: 'nl'; line: number; start: number; end: number; endLine: number }
  | { k: 'eof'; line: number; start: number; end: number };

/** A fatal lexical error: bash stops reading the script here. */
interface LexError {
  line: number;
  message: string;
}

const OPS = ['&&', '||', ';;', '|&', '<<<', '<<-', '<<', '>>', '>&', '<&', '<>', '>|', '&>>', '&>', '|', '&', ';', '<', '>', '(', ')'];
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLOCK_OPENERS: Record<string, string> = { if: 'fi', for: 'done', while: 'done', until: 'done', select: 'done', case: 'esac', '{': '}' };
/** Reserved words that cannot start a command: bash reports a syntax error on them. */
const MISPLACED = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}', ']]']);

/** Character-level scanner; never throws, always advances. */
class Lexer {
  pos = 0;
  line = 1;
  private pendingHeredocs: Redirect[] = [];
  error: LexError | undefined;

  constructor(private readonly src: string) {}

  private peek(o = 0): string {
    return this.src[this.pos + o] ?? '';
  }

  private advance(): string {
    const c = this.src[this.pos++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }

  /** Skips spaces, tabs, comments and backslash-newline continuations. */
  private skipBlank(): void {
    for (;;) {
      const c = this.peek();
      // A carriage return is an ordinary character to bash (CRLF scripts fail there, so here too).
      if (c === ' ' || c === '\t') this.advance();
      else if (c === '\\' && this.peek(1) === '\n') {
        this.advance();
        this.advance();
      } else if (c === '#') {
        while (this.pos < this.src.length && this.peek() !== '\n') this.advance();
      } else return;
    }
  }

  registerHeredoc(r: Redirect): void {
    this.pendingHeredocs.push(r);
  }

  next(): Tok {
    this.skipBlank();
    const start = this.pos;
    const line = this.line;
    if (this.pos >= this.src.length) return { k: 'eof', line, start, end: start };
    const c = this.peek();
    if (c === '\n') {
      this.advance();
      const hadHeredoc = this.pendingHeredocs.length > 0;
      this.readHeredocBodies();
      return { k: 'nl', line, start, end: this.pos, endLine: hadHeredoc ? this.line - 1 : line };
    }
    // `<(` and `>(` start a process substitution, which is a word, not a redirection.
    if ((c === '<' || c === '>') && this.peek(1) === '(') return this.readWord(line, start);
    for (const op of OPS) {
      if (this.src.startsWith(op, this.pos)) {
        for (let i = 0; i < op.length; i++) this.advance();
        return { k: 'op', op, line, start, end: this.pos };
      }
    }
    return this.readWord(line, start);
  }

  /** After a newline, bash reads the bodies of here-documents opened on the line just ended. */
  private readHeredocBodies(): void {
    while (this.pendingHeredocs.length > 0) {
      const r = this.pendingHeredocs.shift()!;
      const stripTabs = r.stripTabs === true;
      const delim = unquoteLiteral(r.target.raw);
      const lines: string[] = [];
      const openLine = this.line - 1;
      let found = false;
      while (this.pos < this.src.length) {
        const nl = this.src.indexOf('\n', this.pos);
        const endOfLine = nl < 0 ? this.src.length : nl;
        let text = this.src.slice(this.pos, endOfLine);
        if (stripTabs) text = text.replace(/^\t+/, '');
        this.pos = nl < 0 ? this.src.length : nl + 1;
        if (nl >= 0) this.line++;
        if (text === delim) {
          found = true;
          break;
        }
        lines.push(text);
      }
      r.body = lines.length > 0 ? lines.join('\n') + '\n' : '';
      // bash warns and uses what it read; it does not stop.
      if (!found) r.warning = { line: this.line, message: `here-document at line ${openLine} delimited by end-of-file (wanted \`${delim}')` };
    }
  }

  private readWord(line: number, start: number): Tok {
    const parts: WordPart[] = [];
    let unsupported: string | undefined;
    const lit = (s: string, q: boolean): void => {
      const last = parts[parts.length - 1];
      if (last && last.t === 'lit' && last.q === q) last.s += s;
      else parts.push({ t: 'lit', s, q });
    };
    const note = (why: string): void => {
      unsupported ??= why;
    };
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') {
        // A process substitution `<(`/`>(` is one word in bash.
        if ((c === '<' || c === '>') && this.peek(1) === '(' && parts.length === 0) {
          note('process substitution');
          this.advance();
          if (!this.skipParens(line)) return this.errTok(line, start);
          continue;
        }
        break;
      }
      if (c === '\\') {
        this.advance();
        if (this.peek() === '\n') {
          this.advance();
          continue;
        }
        if (this.pos >= this.src.length) {
          lit('\\', false);
          break;
        }
        lit(this.advance(), true);
        continue;
      }
      if (c === "'") {
        const qline = this.line;
        this.advance();
        const end = this.src.indexOf("'", this.pos);
        if (end < 0) {
          this.fail(qline, "unexpected EOF while looking for matching `''");
          return this.errTok(line, start);
        }
        const s = this.src.slice(this.pos, end);
        while (this.pos <= end) this.advance();
        // Even '' leaves a quoted (possibly empty) part, which keeps the word alive through expansion.
        lit(s, true);
        continue;
      }
      if (c === '"') {
        const qline = this.line;
        this.advance();
        let closed = false;
        let any = false;
        while (this.pos < this.src.length) {
          const d = this.peek();
          if (d === '"') {
            this.advance();
            closed = true;
            break;
          }
          any = true;
          if (d === '\\') {
            const e = this.peek(1);
            if (e === '\n') {
              this.advance();
              this.advance();
              continue;
            }
            if (e === '"' || e === '\\' || e === '$' || e === '`') {
              this.advance();
              lit(this.advance(), true);
              continue;
            }
            lit(this.advance(), true);
            continue;
          }
          if (d === '$') {
            const r = this.readDollar(true, note, line);
            if (r === 'error') return this.errTok(line, start);
            if (r) parts.push(r);
            else lit(this.advance(), true);
            continue;
          }
          if (d === '`') {
            note('command substitution');
            if (!this.skipBackquote(line)) return this.errTok(line, start);
            continue;
          }
          lit(this.advance(), true);
        }
        if (!closed) {
          this.fail(qline, 'unexpected EOF while looking for matching `"\'');
          return this.errTok(line, start);
        }
        if (!any) lit('', true);
        continue;
      }
      if (c === '$') {
        if (this.peek(1) === "'") {
          note("ANSI-C quoting $'...'");
        }
        const r = this.readDollar(false, note, line);
        if (r === 'error') return this.errTok(line, start);
        if (r) parts.push(r);
        else lit(this.advance(), false);
        continue;
      }
      if (c === '`') {
        note('command substitution');
        if (!this.skipBackquote(line)) return this.errTok(line, start);
        continue;
      }
      if ((c === '*' || c === '?') && !unsupported) note('pathname expansion (glob)');
      if (c === '{' && /^\{[^ ]*,[^ ]*\}/.test(this.src.slice(this.pos, this.pos + 200))) note('brace expansion');
      lit(this.advance(), false);
    }
    const raw = this.src.slice(start, this.pos);
    return { k: 'word', w: { parts, raw }, line, endLine: this.line, start, end: this.pos, ...(unsupported ? { unsupported } : {}) };
  }

  /** Reads `$NAME`, `${NAME}`, `$?`; returns undefined for a lone `$` (a literal dollar). */
  private readDollar(quoted: boolean, note: (why: string) => void, line: number): WordPart | undefined | 'error' {
    const n = this.peek(1);
    if (n === '(') {
      note(this.peek(2) === '(' ? 'arithmetic expansion $((...))' : 'command substitution $(...)');
      this.advance();
      return this.skipParens(line) ? { t: 'lit', s: '', q: quoted } : 'error';
    }
    if (n === '{') {
      const end = this.src.indexOf('}', this.pos + 2);
      if (end < 0) {
        this.fail(line, "unexpected EOF while looking for matching `}'");
        return 'error';
      }
      const inner = this.src.slice(this.pos + 2, end);
      while (this.pos <= end) this.advance();
      if (NAME_RE.test(inner) || inner === '?' || inner === '!') return { t: 'var', name: inner, q: quoted };
      note(`parameter expansion \${${inner.slice(0, 40)}}`);
      return { t: 'lit', s: '', q: quoted };
    }
    if (n === '?' || n === '!') {
      this.advance();
      this.advance();
      return { t: 'var', name: n, q: quoted };
    }
    if (/[A-Za-z_]/.test(n)) {
      this.advance();
      let name = '';
      while (/[A-Za-z0-9_]/.test(this.peek())) name += this.advance();
      return { t: 'var', name, q: quoted };
    }
    if (/[0-9#@*$-]/.test(n) && n !== '') {
      note(`special parameter $${n}`);
      this.advance();
      this.advance();
      return { t: 'lit', s: '', q: quoted };
    }
    return undefined;
  }

  /** Skips a balanced `( ... )` starting at the current `(`, honouring quotes. */
  private skipParens(line: number): boolean {
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.advance();
      if (c === '\\') this.advance();
      else if (c === "'") {
        const end = this.src.indexOf("'", this.pos);
        if (end < 0) break;
        while (this.pos <= end) this.advance();
      } else if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) return true;
      }
    }
    this.fail(line, "unexpected EOF while looking for matching `)'");
    return false;
  }

  private skipBackquote(line: number): boolean {
    this.advance();
    while (this.pos < this.src.length) {
      const c = this.advance();
      if (c === '\\') this.advance();
      else if (c === '`') return true;
    }
    this.fail(line, 'unexpected EOF while looking for matching ``\'');
    return false;
  }

  private fail(line: number, message: string): void {
    this.error ??= { line, message };
    this.pos = this.src.length;
  }

  private errTok(line: number, start: number): Tok {
    return { k: 'eof', line, start, end: start };
  }
}

/** Removes shell quoting from a here-document delimiter word. */
function unquoteLiteral(raw: string): string {
  return raw.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
}

function isQuotedDelim(raw: string): boolean {
  return /['"\\]/.test(raw);
}

interface LineParse {
  lists: AndOrList[];
  /** Reserved word that opens a compound command, when the line starts one. */
  blockOpener?: string;
  unsupported?: string;
  syntax?: { line: number; token: string };
  /** Unexpected end of file while a `|`, `&&` or `||` waited for its right side. */
  eofInside?: boolean;
}

/** Parses a script into the items bash would run one after another. Pure; never throws. */
export function parseScript(src: string): ParseItem[] {
  try {
    return parseScriptUnsafe(src);
  } catch (e) {
    // A bug here must never become a stack trace for the user; refuse the whole script instead.
    return [{ kind: 'unsupported', line: 1, text: '', reason: `podnet could not parse this script (${String(e)})` }];
  }
}

function parseScriptUnsafe(src: string): ParseItem[] {
  const lx = new Lexer(src);
  const items: ParseItem[] = [];
  let tok = lx.next();
  // Open compound commands (for/if/case/{...}) we skip as one unsupported item.
  let block: { line: number; start: number; stack: string[]; reason: string } | undefined;

  const lineTextAt = (line: number): string => src.split('\n')[line - 1] ?? '';

  for (;;) {
    if (tok.k === 'nl') {
      tok = lx.next();
      continue;
    }
    if (tok.k === 'eof') {
      if (lx.error) {
        items.push({ kind: 'syntax-error', line: lx.error.line, text: lineTextAt(lx.error.line), messages: [{ line: lx.error.line, text: lx.error.message }] });
      } else if (block) {
        items.push({ kind: 'syntax-error', line: lx.line, text: '', messages: [{ line: lx.line, text: 'syntax error: unexpected end of file' }] });
      }
      return items;
    }
    const startTok = tok;
    const toks: Tok[] = [];
    // Collect one logical line: up to a newline that is not after | && || (bash keeps reading then).
    for (;;) {
      if (tok.k === 'eof') break;
      if (tok.k === 'nl') {
        const last = toks[toks.length - 1];
        if (last && last.k === 'op' && (last.op === '|' || last.op === '&&' || last.op === '||')) {
          tok = lx.next();
          continue;
        }
        break;
      }
      toks.push(tok);
      if (tok.k === 'op' && (tok.op === '<<' || tok.op === '<<-')) {
        const op = tok.op;
        tok = lx.next();
        if (tok.k === 'word') {
          const r: Redirect = { fd: 0, op: '<<', target: tok.w, bodyExpands: !isQuotedDelim(tok.w.raw), ...(op === '<<-' ? { stripTabs: true } : {}) };
          (tok as Tok & { heredoc?: Redirect }).heredoc = r;
          lx.registerHeredoc(r);
        }
        continue;
      }
      tok = lx.next();
    }
    const endPos = toks.length > 0 ? toks[toks.length - 1]!.end : startTok.start;
    const text = src.slice(startTok.start, endPos).replace(/\\\n/g, '').replace(/[ \t]+$/, '');
    const line = startTok.line;

    if (lx.error && tok.k === 'eof') {
      // The line never finished lexing: bash reports the lexical error and runs nothing of it.
      continue;
    }

    const endLine = tok.k === 'nl' ? tok.endLine : tok.line;
    const lp = parseLine(toks, endLine);

    if (block) {
      // Inside an unsupported compound command: track nesting until it closes.
      trackBlock(block.stack, toks);
      if (block.stack.length === 0) {
        const text2 = src.slice(block.start, endPos).replace(/\\\n/g, '');
        items.push({ kind: 'unsupported', line: block.line, text: text2, reason: block.reason });
        block = undefined;
      }
      continue;
    }

    if (lp.blockOpener) {
      const stack: string[] = [];
      trackBlock(stack, toks);
      const reason = `compound command '${lp.blockOpener}'`;
      if (stack.length === 0) items.push({ kind: 'unsupported', line, text, reason });
      else block = { line, start: startTok.start, stack, reason };
      continue;
    }
    if (lp.syntax) {
      items.push({
        kind: 'syntax-error',
        line: lp.syntax.line,
        text,
        messages: [
          { line: lp.syntax.line, text: `syntax error near unexpected token \`${lp.syntax.token}'` },
          { line: lp.syntax.line, text: `\`${text}'` },
        ],
      });
      return items;
    }
    if (lp.eofInside) {
      items.push({ kind: 'syntax-error', line: lx.line, text, messages: [{ line: lx.line, text: 'syntax error: unexpected end of file' }] });
      return items;
    }
    if (lp.unsupported) {
      items.push({ kind: 'unsupported', line, text, reason: lp.unsupported });
      continue;
    }
    if (lp.lists.length > 0) items.push({ kind: 'command', line, text, lists: lp.lists });
  }
}

/** Follows reserved words that open and close compound commands, at command positions. */
function trackBlock(stack: string[], toks: Tok[]): void {
  let cmdStart = true;
  let prev: Tok | undefined;
  for (const t of toks) {
    const before = prev;
    prev = t;
    if (t.k === 'op') {
      // `name ()` is a function header: the body's opening brace comes next at a command position.
      const emptyParens = t.op === ')' && before?.k === 'op' && before.op === '(';
      if (t.op === '(' && cmdStart) stack.push(')');
      else if (t.op === ')' && !emptyParens && stack[stack.length - 1] === ')') stack.pop();
      cmdStart = t.op !== ')' || emptyParens;
      continue;
    }
    if (t.k !== 'word') continue;
    const w = t.w.raw;
    if (cmdStart && BLOCK_OPENERS[w]) stack.push(BLOCK_OPENERS[w]!);
    else if (cmdStart && stack.length > 0 && w === stack[stack.length - 1]) stack.pop();
    // After `function NAME` the body's brace stands where a command would.
    const afterFunctionKeyword = before?.k === 'word' && before.w.raw === 'function';
    cmdStart = w === 'then' || w === 'do' || w === 'else' || w === '{' || w === 'elif' || w === '!' || afterFunctionKeyword;
  }
}

function parseLine(toks: Tok[], endLine: number): LineParse {
  const lists: AndOrList[] = [];
  let i = 0;
  let unsupported: string | undefined;
  const peek = (): Tok | undefined => toks[i];

  const syntaxAt = (t: Tok | undefined, fallback: string): LineParse => ({
    lists: [],
    syntax: { line: t?.line ?? toks[toks.length - 1]?.line ?? 1, token: t ? (t.k === 'op' ? t.op : t.k === 'word' ? t.w.raw : fallback) : fallback },
  });

  // A line that starts a compound command is handled as a block by the caller.
  const first = toks[0];
  if (first && first.k === 'word' && (BLOCK_OPENERS[first.w.raw] || first.w.raw === 'function' || /^[A-Za-z_][A-Za-z0-9_-]*\(\)$/.test(first.w.raw))) {
    return { lists: [], blockOpener: first.w.raw };
  }
  if (first && first.k === 'word' && toks[1]?.k === 'op' && (toks[1] as { op: string }).op === '(' && toks[2]?.k === 'op' && (toks[2] as { op: string }).op === ')') {
    return { lists: [], blockOpener: `${first.w.raw}()` };
  }
  if (first && first.k === 'op' && first.op === '(') return { lists: [], blockOpener: '(' };
  // `[[ ... ]]` has its own grammar (`(`, `<`, `&&` mean other things inside), so it is not parsed.
  if (toks.some((t) => t.k === 'word' && t.w.raw === '[[')) return { lists: [], unsupported: 'conditional expression [[ ... ]]' };

  while (i < toks.length) {
    const pipelines: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    let op: '&&' | '||' | undefined;
    let firstPipe: Pipeline | undefined;
    for (;;) {
      let negate = false;
      const t0 = peek();
      if (t0 && t0.k === 'word' && t0.w.raw === '!') {
        negate = true;
        i++;
      }
      const commands: SimpleCommand[] = [];
      for (;;) {
        const sc = parseSimple();
        if ('syntax' in sc) return sc.syntax;
        commands.push(sc.cmd);
        const t = peek();
        if (t && t.k === 'op' && (t.op === '|' || t.op === '|&')) {
          if (t.op === '|&') unsupported ??= "'|&'";
          i++;
          if (!peek()) return { lists: [], eofInside: true };
          continue;
        }
        break;
      }
      const p: Pipeline = { negate, commands };
      if (!firstPipe) firstPipe = p;
      else pipelines.push({ op: op!, pipeline: p });
      const t = peek();
      if (t && t.k === 'op' && (t.op === '&&' || t.op === '||')) {
        op = t.op;
        i++;
        if (!peek()) return { lists: [], eofInside: true };
        continue;
      }
      break;
    }
    let background = false;
    const t = peek();
    if (t) {
      if (t.k === 'op' && (t.op === ';' || t.op === '&')) {
        background = t.op === '&';
        i++;
      } else return syntaxAt(t, 'newline');
    }
    lists.push({ first: firstPipe!, rest: pipelines, background });
  }
  return unsupported ? { lists, unsupported } : { lists };

  /** Where bash's line counter stands once it has read token t (its last line; past here-documents). */
  function tokEnd(t: Tok | undefined): number {
    if (!t) return endLine;
    return t.k === 'word' || t.k === 'nl' ? t.endLine : t.line;
  }

  function parseSimple(): { cmd: SimpleCommand } | { syntax: LineParse } {
    const cmd: SimpleCommand = { line: peek()?.line ?? 0, assigns: [], words: [], redirects: [] };
    let any = false;
    // bash stamps a simple command with its line counter when it builds it: right after an opening
    // assignment or redirection, but only after the lookahead token for an opening plain word.
    let stamped: number | undefined;
    for (;;) {
      const t = peek();
      if (!t) break;
      if (t.k === 'word') {
        // A digit immediately before a redirection operator is its file descriptor.
        const nxt = toks[i + 1];
        if (/^[0-9]$/.test(t.w.raw) && nxt && nxt.k === 'op' && nxt.start === t.end && isRedirOp(nxt.op)) {
          i++;
          const r = redirect(cmd, Number(t.w.raw));
          if ('syntax' in r) return r;
          stamped ??= tokEnd(toks[i - 1]);
          any = true;
          continue;
        }
        if (t.unsupported) unsupported ??= t.unsupported;
        const eq = t.w.raw.indexOf('=');
        if (cmd.words.length === 0 && eq > 0 && NAME_RE.test(t.w.raw.slice(0, eq)) && t.w.parts[0]?.t === 'lit' && !t.w.parts[0].q && t.w.parts[0].s.indexOf('=') === eq) {
          cmd.assigns.push({ name: t.w.raw.slice(0, eq), value: dropPrefix(t.w, eq + 1) });
          stamped ??= tokEnd(t);
        } else {
          const bare = t.w.parts.every((p) => p.t === 'lit' && !p.q);
          if (cmd.words.length === 0 && cmd.assigns.length === 0 && bare) {
            if (BLOCK_OPENERS[t.w.raw] || t.w.raw === 'function') unsupported ??= `compound command '${t.w.raw}'`;
            else if (t.w.raw === 'time' || t.w.raw === 'coproc') unsupported ??= `'${t.w.raw}'`;
            else if (MISPLACED.has(t.w.raw)) return { syntax: syntaxAt(t, t.w.raw) };
          }
          cmd.words.push(t.w);
          stamped ??= tokEnd(toks[i + 1]);
        }
        any = true;
        i++;
        continue;
      }
      if (t.k === 'op' && isRedirOp(t.op)) {
        const fd = t.op.startsWith('<') ? 0 : 1;
        const r = redirect(cmd, fd);
        if ('syntax' in r) return r;
        stamped ??= tokEnd(toks[i - 1]);
        any = true;
        continue;
      }
      if (t.k === 'op' && (t.op === '(' || t.op === ')')) {
        const prev = toks[i - 1];
        if (t.op === '(' && prev?.k === 'word' && prev.end === t.start && prev.w.raw.endsWith('=') && cmd.words.length === 0) {
          // `arr=(a b c)`: skip the list up to its `)`.
          unsupported ??= 'array assignment';
          while (i < toks.length && !(toks[i]!.k === 'op' && (toks[i] as { op: string }).op === ')')) i++;
          i++;
          continue;
        }
        if (t.op === '(' && cmd.words.length === 1 && toks[i + 1]?.k === 'op') {
          unsupported ??= 'function definition';
          i = toks.length;
          return { cmd };
        }
        return { syntax: syntaxAt(t, t.op) };
      }
      break;
    }
    if (!any) return { syntax: syntaxAt(peek(), 'newline') };
    cmd.line = stamped ?? endLine;
    return { cmd };
  }

  function redirect(cmd: SimpleCommand, fd: number): { ok: true } | { syntax: LineParse } {
    const opTok = peek() as Tok & { k: 'op' };
    i++;
    const target = peek();
    if (!target || target.k !== 'word') return { syntax: syntaxAt(target, 'newline') };
    i++;
    if (target.unsupported) unsupported ??= target.unsupported;
    let op: RedirectOp;
    switch (opTok.op) {
      case '<':
      case '>':
      case '>>':
      case '&>':
      case '&>>':
      case '<<<':
        op = opTok.op;
        break;
      case '>|':
        op = '>';
        break;
      case '>&':
        op = /^[0-9-]+$/.test(target.w.raw) ? '>&' : '&>';
        if (op === '&>' && fd !== 1) unsupported ??= `redirection ${fd}>&${target.w.raw}`;
        if (target.w.raw === '-') unsupported ??= 'closing a descriptor (>&-)';
        break;
      case '<<':
      case '<<-': {
        const h = (target as Tok & { heredoc?: Redirect }).heredoc;
        if (h) {
          // The lexer fills the body in after this line is tokenised, so share its object.
          h.fd = fd;
          cmd.redirects.push(h);
        }
        return { ok: true };
      }
      default:
        unsupported ??= `redirection '${opTok.op}'`;
        return { ok: true };
    }
    if (fd > 2) unsupported ??= `redirection of descriptor ${fd}`;
    cmd.redirects.push({ fd, op, target: target.w });
    return { ok: true };
  }
}

function isRedirOp(op: string): boolean {
  return ['<', '>', '>>', '>&', '<&', '<>', '>|', '&>', '&>>', '<<', '<<-', '<<<'].includes(op);
}

/** The value part of `NAME=value`: the same word with its first `eq` characters removed. */
function dropPrefix(w: Word, n: number): Word {
  const parts: WordPart[] = [];
  let skip = n;
  for (const p of w.parts) {
    if (skip > 0 && p.t === 'lit') {
      if (p.s.length <= skip) {
        skip -= p.s.length;
        continue;
      }
      parts.push({ ...p, s: p.s.slice(skip) });
      skip = 0;
      continue;
    }
    parts.push(p);
  }
  return { parts, raw: w.raw.slice(n) };
}
