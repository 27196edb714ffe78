/**
 * The type checks Go's encoding/json makes while decoding a plugin's NetConf struct: a field of the
 * wrong JSON type fails the load with `json: cannot unmarshal T into Go struct field NetConf.F of
 * type G` (the first such field in document order), which the plugins wrap as "failed to load
 * netconf: ...". Checked against /usr/lib/cni/bridge v1.1.1 (mtu "x", isGateway "yes").
 */

export type GoFieldType = 'bool' | 'int' | 'string';

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return `number ${v}`;
  return typeof v === 'string' ? 'string' : 'object';
}

/** The decode error for the first field of CONF whose JSON type FIELDS does not accept, if any. */
export function checkFieldTypes(conf: Record<string, unknown>, fields: Record<string, GoFieldType>, struct = 'NetConf'): string | undefined {
  for (const [key, value] of Object.entries(conf)) {
    const want = fields[key];
    if (want === undefined || value === null) continue; // null leaves a Go field untouched
    const ok =
      want === 'bool' ? typeof value === 'boolean' : want === 'string' ? typeof value === 'string' : typeof value === 'number' && Number.isInteger(value);
    if (!ok) {
      const t = jsonTypeName(value);
      return `json: cannot unmarshal ${want === 'int' && typeof value === 'number' ? t : t.split(' ')[0]} into Go struct field ${struct}.${key} of type ${want}`;
    }
  }
  return undefined;
}
