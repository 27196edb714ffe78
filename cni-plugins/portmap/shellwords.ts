/**
 * github.com/mattn/go-shellwords Parse with its defaults, for the one use portmap makes of it: splitting
 * an `iptables -S` line back into arguments ("double quotes" with \" escapes, 'single quotes',
 * backslash escapes, blanks between words).
 */
export type Words = { ok: true; value: string[] } | { ok: false; message: string };

export function shellwordsParse(line: string): Words {
  const out: string[] = [];
  let buf = '';
  let inWord = false;
  let quote: '"' | "'" | '' = '';
  let escaped = false;
  for (const ch of line) {
    if (escaped) {
      buf += ch;
      escaped = false;
      inWord = true;
      continue;
    }
    if (ch === '\\' && quote !== "'") {
      // Outside single quotes a backslash takes the next character literally (quotes included).
      escaped = true;
      continue;
    }
    if (quote === '' && /\s/.test(ch)) {
      if (inWord) out.push(buf);
      buf = '';
      inWord = false;
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (quote === '') {
        quote = ch;
        inWord = true;
        continue;
      }
      if (quote === ch) {
        quote = '';
        continue;
      }
    }
    buf += ch;
    inWord = true;
  }
  if (quote !== '' || escaped) return { ok: false, message: 'invalid command line string' };
  if (inWord) out.push(buf);
  return { ok: true, value: out };
}
