/**
 * CNI_ARGS as the reference plugins read it (CNI library v1.0.1 types.LoadArgs): "K=V;K2=V2", each
 * key a field name of the plugin's args struct (exact, case-sensitive, as reflect's FieldByName),
 * each value parsed by that field's UnmarshalText; unknown keys are an error unless
 * IgnoreUnknown=1|true (any case) is among the pairs.
 */

/** A field's UnmarshalText: the parsed value, or its error text. */
export type ArgField = (value: string) => { ok: true; value: unknown } | { ok: false; message: string };

export type LoadedArgs = { ok: true; values: Map<string, unknown> } | { ok: false; message: string };

/** types.UnmarshallableBool. */
export const unmarshallableBool: ArgField = (value) => {
  const s = value.toLowerCase();
  if (s === '1' || s === 'true') return { ok: true, value: true };
  if (s === '0' || s === 'false') return { ok: true, value: false };
  return { ok: false, message: `boolean unmarshal error: invalid input ${s}` };
};

/** Go's %q for a string (strconv.Quote), close enough for argument text. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * FIELDS: the struct's text-unmarshalable fields by Go name; IgnoreUnknown (from the embedded
 * CommonArgs) is always there. NOTTEXT: other field names the struct has (e.g. CommonArgs itself),
 * which exist but cannot take a value.
 */
export function loadArgs(args: string, fields: Record<string, ArgField>, notText: Record<string, string> = { CommonArgs: '*types.CommonArgs' }): LoadedArgs {
  const values = new Map<string, unknown>();
  if (args === '') return { ok: true, values };
  const all: Record<string, ArgField> = { IgnoreUnknown: unmarshallableBool, ...fields };
  const unknown: string[] = [];
  for (const pair of args.split(';')) {
    const kv = pair.split('=');
    if (kv.length !== 2) return { ok: false, message: `ARGS: invalid pair ${goQuote(pair)}` };
    const [key, value] = kv as [string, string];
    if (Object.prototype.hasOwnProperty.call(notText, key)) {
      return { ok: false, message: `ARGS: cannot unmarshal into field '${key}' - type '${notText[key]}' does not implement encoding.TextUnmarshaler` };
    }
    const field = Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
    if (!field) {
      unknown.push(pair);
      continue;
    }
    const parsed = field(value);
    if (!parsed.ok) return { ok: false, message: `ARGS: error parsing value of pair ${goQuote(pair)}: ${parsed.message}` };
    values.set(key, parsed.value);
  }
  if (unknown.length > 0 && values.get('IgnoreUnknown') !== true) {
    return { ok: false, message: `ARGS: unknown args [${unknown.map(goQuote).join(' ')}]` };
  }
  return { ok: true, values };
}
