/**
 * iproute2's json_writer (lib/json_writer.c) as a serializer: compact by default, and with -p its
 * exact pretty layout ("[ {", four-space indents, inline arrays "[ "a","b" ]"), plus the final newline.
 */

/** Only the escapes jsonw_puts() performs; other characters pass through as they are. */
function puts(s: string): string {
  return `"${s.replace(/[\t\n\r\f\b\\"]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\b': '\\b', '\\': '\\\\', '"': '\\"' })[c]!)}"`;
}

export function jsonw(value: unknown, pretty = false): string {
  let out = '';
  let depth = 0;
  let sep = '';
  const eol = (): void => {
    if (pretty) out += `\n${'    '.repeat(depth)}`;
  };
  const eor = (): void => {
    out += sep;
    sep = ',';
  };
  const emit = (v: unknown): void => {
    if (Array.isArray(v)) {
      eor();
      out += '[';
      depth++;
      sep = '';
      if (pretty) out += ' ';
      for (const el of v) emit(el);
      if (pretty && sep) out += ' ';
      sep = '';
      depth--;
      out += ']';
      sep = ',';
    } else if (v !== null && typeof v === 'object') {
      eor();
      out += '{';
      depth++;
      sep = '';
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        eor();
        eol();
        sep = '';
        out += `${puts(k)}:${pretty ? ' ' : ''}`;
        emit(x);
      }
      depth--;
      if (sep) eol();
      out += '}';
      sep = ',';
    } else {
      eor();
      out += typeof v === 'string' ? puts(v) : v === null ? 'null' : String(v);
    }
  };
  emit(value);
  return `${out}\n`;
}
