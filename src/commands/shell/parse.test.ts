import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScript, type ParseItem, type SimpleCommand, type Word } from './parse.js';

/** Compact rendering of parse results so expectations stay readable. */
function show(items: ParseItem[]): string[] {
  return items.map((it) => {
    if (it.kind === 'syntax-error') return `${it.line} SYNTAX ${it.messages.map((m) => `line ${m.line}: ${m.text}`).join(' | ')}`;
    if (it.kind === 'unsupported') return `${it.line} UNSUPPORTED ${it.reason}`;
    const lists = it.lists.map((l) => {
      const pipe = (p: { negate: boolean; commands: SimpleCommand[] }): string => (p.negate ? '! ' : '') + p.commands.map(cmd).join(' | ');
      return [pipe(l.first), ...l.rest.map((r) => `${r.op} ${pipe(r.pipeline)}`)].join(' ') + (l.background ? ' &' : '');
    });
    return `${it.line} ${lists.join(' ; ')}`;
  });
}
function word(w: Word): string {
  return '[' + w.parts.map((p) => (p.t === 'lit' ? (p.q ? `"${p.s}"` : p.s) : p.q ? `"$${p.name}"` : `$${p.name}`)).join('') + ']';
}
function cmd(c: SimpleCommand): string {
  const a = c.assigns.map((x) => `${x.name}=${word(x.value)}`);
  const r = c.redirects.map((x) => `${x.fd}${x.op}${word(x.target)}${x.body !== undefined ? JSON.stringify(x.body) : ''}`);
  return [...a, ...c.words.map(word), ...r].join(' ');
}

describe('parseScript', () => {
  it('splits lines, skips comments and blank lines, keeps line numbers', () => {
    expect(show(parseScript('# c\n\necho a # trailing\n  ip link add x type dummy\n'))).toEqual(['3 [echo] [a]', '4 [ip] [link] [add] [x] [type] [dummy]']);
  });

  it('joins backslash continuations into one command at its first line', () => {
    const items = parseScript('ip link add \\\n  veth0 type veth \\\n  peer name veth1\necho x\n');
    expect(show(items)).toEqual(['1 [ip] [link] [add] [veth0] [type] [veth] [peer] [name] [veth1]', '4 [echo] [x]']);
    expect(items[0]!.text).toBe('ip link add   veth0 type veth   peer name veth1');
  });

  it('handles quotes, escapes and variables like bash', () => {
    expect(show(parseScript(`echo 'a b' "c $X \\" \\$y \\z" e\\ f a#b '' ""`))).toEqual([`1 [echo] ["a b"] ["c ""$X"" \" $y \\z"] [e" "f] [a#b] [""] [""]`]);
    expect(show(parseScript('echo ${X}y $? "${HOME}"'))).toEqual(['1 [echo] [$Xy] [$?] ["$HOME"]']);
  });

  it('reads assignments, prefixes and redirections', () => {
    expect(show(parseScript('X=1 Y="a b" cmd arg >out 2>&1 < in 2>/dev/null >>log &>all'))).toEqual([
      '1 X=[1] Y=["a b"] [cmd] [arg] 1>[out] 2>&[1] 0<[in] 2>[/dev/null] 1>>[log] 1&>[all]',
    ]);
    expect(show(parseScript('A=1'))).toEqual(['1 A=[1]']);
    expect(show(parseScript('echo A=1'))).toEqual(['1 [echo] [A=1]']);
  });

  it('parses pipelines, lists, negation and background jobs', () => {
    expect(show(parseScript('a | b && ! c || d; e & f'))).toEqual(['1 [a] | [b] && ! [c] || [d] ; [e] & ; [f]']);
    expect(show(parseScript('nc -l 8080 &\necho x'))).toEqual(['1 [nc] [-l] [8080] &', '2 [echo] [x]']);
  });

  it('continues a line after a trailing | && ||, with per-command lines', () => {
    const items = parseScript('echo a |\n  grep a &&\n  foo\n');
    expect(show(items)).toEqual(['1 [echo] [a] | [grep] [a] && [foo]']);
    const it0 = items[0]!;
    expect(it0.kind === 'command' && it0.lists[0]!.rest[0]!.pipeline.commands[0]!.line).toBe(3);
  });

  it('reads here-documents, expanding or not by the delimiter quoting', () => {
    expect(show(parseScript("cat <<EOF > /etc/x\n{\n  \"a\": \"$X\"\n}\nEOF\necho next\ncat <<'E'\n$Y\nE\n"))).toEqual([
      '1 [cat] 0<<[EOF]"{\\n  \\"a\\": \\"$X\\"\\n}\\n" 1>[/etc/x]',
      '6 [echo] [next]',
      '7 [cat] 0<<["E"]"$Y\\n"',
    ]);
    expect(show(parseScript('cat <<-X\n\t\tindented\n\tX\necho after\n'))).toEqual(['1 [cat] 0<<[X]"indented\\n"', '4 [echo] [after]']);
  });

  it('reports bash syntax errors with bash line numbers and stops', () => {
    expect(show(parseScript('echo a\necho "b\nc\n'))).toEqual(['1 [echo] [a]', "2 SYNTAX line 2: unexpected EOF while looking for matching `\"'"]);
    expect(show(parseScript('echo a\necho b |\n'))).toEqual(['1 [echo] [a]', '3 SYNTAX line 3: syntax error: unexpected end of file']);
    expect(show(parseScript('echo a\n| echo b\necho c\n'))).toEqual(['1 [echo] [a]', "2 SYNTAX line 2: syntax error near unexpected token `|' | line 2: `| echo b'"]);
    expect(show(parseScript('echo a;;\n'))).toEqual(["1 SYNTAX line 1: syntax error near unexpected token `;;' | line 1: `echo a;;'"]);
    expect(show(parseScript(')\necho after'))).toEqual(["1 SYNTAX line 1: syntax error near unexpected token `)' | line 1: `)'"]);
    expect(show(parseScript("echo 'x"))).toEqual(["1 SYNTAX line 1: unexpected EOF while looking for matching `''"]);
  });

  it('refuses unmodelled constructs and skips whole compound commands', () => {
    expect(show(parseScript('echo $(ip a | grep x)\necho `id`\necho $((1+2))\nls *.conf\necho ok'))).toEqual([
      '1 UNSUPPORTED command substitution $(...)',
      '2 UNSUPPORTED command substitution',
      '3 UNSUPPORTED arithmetic expansion $((...))',
      '4 UNSUPPORTED pathname expansion (glob)',
      '5 [echo] [ok]',
    ]);
    expect(show(parseScript('diff <(ip a) >(cat)\necho ok'))).toEqual(['1 UNSUPPORTED process substitution', '2 [echo] [ok]']);
    expect(show(parseScript('for i in 1 2; do\n  echo $i\n  if x; then y; fi\ndone\necho after\nf() {\n echo\n}\necho end'))).toEqual([
      "1 UNSUPPORTED compound command 'for'",
      '5 [echo] [after]',
      "6 UNSUPPORTED compound command 'f()'",
      '9 [echo] [end]',
    ]);
    expect(show(parseScript('if true; then echo; fi; echo z'))).toEqual(["1 UNSUPPORTED compound command 'if'"]);
    expect(show(parseScript('[[ (a < b) ]] && echo\nfunction f {\n echo\n}\narr=(a "(" c)\n{ echo; } 2>/dev/null\necho end'))).toEqual([
      '1 UNSUPPORTED conditional expression [[ ... ]]',
      "2 UNSUPPORTED compound command 'function'",
      '5 UNSUPPORTED array assignment',
      "6 UNSUPPORTED compound command '{'",
      '7 [echo] [end]',
    ]);
  });

  it('never throws and always reports lines within the script', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const items = parseScript(s);
        const lines = s.split('\n').length + 1;
        for (const it of items) expect(it.line).toBeGreaterThanOrEqual(1), expect(it.line).toBeLessThanOrEqual(lines);
      }),
      { numRuns: 3000 },
    );
    const alphabet = fc.constantFrom(...'ab $"\'\\|&;<>()\n#`{}=2!*'.split(''), 'EOF', '<<', 'if ', 'done', 'for ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (a) => {
        parseScript(a.join(''));
      }),
      { numRuns: 5000 },
    );
  });

  it('copes with a huge line and binary junk', () => {
    expect(parseScript('echo ' + 'x'.repeat(1_000_000)).length).toBe(1);
    expect(() => parseScript('\u0000\u0001\uffff\ud800 echo \u0007')).not.toThrow();
  });
});
