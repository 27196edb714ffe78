/**
 * Go's encoding/json as the plugins decode their NetConf struct with it: a JSON key names a field
 * by its tag exactly or, failing that, case-insensitively (the last such key wins), and a value of
 * the wrong JSON type fails the load with `json: cannot unmarshal T into Go struct field S.F of
 * type G` — the first such value in document order — which the plugins wrap as "failed to load
 * netconf: ...". Texts checked against /usr/lib/cni/bridge and ptp v1.1.1 (mtu "x", isGateway
 * "yes", IsGateway "x", ipam "x", dns "x", ipam.type 5, args.cni.mac 5, mtu 1.5, ipMasq 1).
 */

/** A Go field's type: scalars, or a struct (by Go type name) with its own fields. */
export type GoFieldType = 'bool' | 'int' | 'string' | { struct: string; fields?: Record<string, GoFieldType> };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v === 'string' ? 'string' : 'object';
}

/** The declared field a JSON key sets: an exact tag match, else the first case-insensitive one. */
function fieldFor(key: string, fields: Record<string, GoFieldType>): string | undefined {
  if (Object.prototype.hasOwnProperty.call(fields, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === lower);
}

/** The value Go stores in field NAME of OBJ: from the last key that names it. */
export function goField(obj: unknown, name: string): unknown {
  if (!isObj(obj)) return undefined;
  let value: unknown;
  for (const [k, v] of Object.entries(obj)) if (k === name || k.toLowerCase() === name.toLowerCase()) value = v;
  return value;
}

function check(obj: Obj, fields: Record<string, GoFieldType>, struct: string, path: string): string | undefined {
  for (const [key, value] of Object.entries(obj)) {
    const field = fieldFor(key, fields);
    if (field === undefined || value === null) continue; // unknown keys are ignored; null leaves a field as it is
    const want = fields[field]!;
    const name = path ? `${path}.${field}` : field;
    if (typeof want === 'object') {
      if (!isObj(value)) return `json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${struct}.${name} of type ${want.struct}`;
      if (want.fields) {
        // Errors inside a nested struct name that struct's Go type and the full path.
        const inner = check(value, want.fields, want.struct.replace(/^.*\./, ''), name);
        if (inner) return inner;
      }
      continue;
    }
    const ok = want === 'bool' ? typeof value === 'boolean' : want === 'string' ? typeof value === 'string' : typeof value === 'number' && Number.isInteger(value);
    if (!ok) {
      const t = want === 'int' && typeof value === 'number' ? `number ${value}` : jsonTypeName(value);
      return `json: cannot unmarshal ${t} into Go struct field ${struct}.${name} of type ${want}`;
    }
  }
  return undefined;
}

/** The decode error for CONF against FIELDS (a struct named STRUCT), if any. */
export function checkFieldTypes(conf: Obj, fields: Record<string, GoFieldType>, struct = 'NetConf'): string | undefined {
  return check(conf, fields, struct, '');
}

/** The fields every plugin's NetConf embeds from types.NetConf that can fail to decode. */
export const BASE_NETCONF_FIELDS: Record<string, GoFieldType> = {
  ipam: { struct: 'types.IPAM', fields: { type: 'string' } },
  dns: { struct: 'types.DNS' },
};
