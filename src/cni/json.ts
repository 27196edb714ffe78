/**
 * JSON exactly as the reference plugins and libcni print it: Go's encoding/json, which indents with
 * the given prefix, escapes <, > and & as \u003c, \u003e, \u0026 and U+2028/U+2029 too (HTMLEscape),
 * and keeps struct field order (so callers build objects in the Go structs' field order).
 */

function goEscape(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.MarshalIndent(v, "", "    "). */
export function goMarshalIndent(value: unknown): string {
  return goEscape(JSON.stringify(value, null, 4));
}

/** json.Marshal(v): compact. */
export function goMarshal(value: unknown): string {
  return goEscape(JSON.stringify(value));
}
