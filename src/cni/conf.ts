/**
 * Network configuration files as libcni (v1.2.x, the library that speaks spec 1.1.0) reads them:
 * ConfFromBytes / ConfListFromBytes with their exact error texts, ConfFiles (a folder's files with
 * the wanted extensions, name order), LoadConfList (the .conflist of that name, else the .conf/.json
 * of that name up-converted into a one-plugin list). Like libcni, the first file that fails to parse
 * stops the search with its error: a broken file in net.d breaks every network after it in order.
 */
import type { HostFs } from '../world/fs.js';
import { goJsonKind, goUnmarshal, sortKeysDeep } from './gojson.js';
import { goMarshal } from './json.js';
import { ALL_SPEC_VERSIONS, compareVersions } from './version.js';

export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

/** One plugin's configuration: the fields libcni reads, plus its raw JSON object (what InjectConf edits). */
export interface NetworkConfig {
  name: string;
  type: string;
  cniVersion: string;
  capabilities: Record<string, boolean>;
  raw: Record<string, unknown>;
}

export interface NetworkConfigList {
  name: string;
  cniVersion: string;
  disableCheck: boolean;
  disableGC: boolean;
  plugins: NetworkConfig[];
  /** The bytes the list came from (the file, or the up-converted list): cached as "config". */
  bytes: string;
}

/** The newest spec version this runtime implements (version.Current()). */
export const CURRENT_SPEC = ALL_SPEC_VERSIONS[ALL_SPEC_VERSIONS.length - 1]!;

const fail = <T>(message: string): Loaded<T> => ({ ok: false, message });

/** Go's error text for unmarshalling a JSON value of the wrong kind into a typed field of types.NetConf. */
function fieldType(obj: Record<string, unknown>, key: string, goType: string, check: (v: unknown) => boolean): string | undefined {
  if (!(key in obj) || obj[key] === null) return undefined;
  return check(obj[key]) ? undefined : `json: cannot unmarshal ${goJsonKind(obj[key])} into Go struct field NetConf.${key} of type ${goType}`;
}

/** libcni ConfFromBytes: a plugin configuration object with a type. */
export function confFromBytes(bytes: string): Loaded<NetworkConfig> {
  const p = goUnmarshal(bytes);
  if (!p.ok) return fail(`error parsing configuration: ${p.message}`);
  const v = p.value;
  if (v === null) return fail("error parsing configuration: missing 'type'");
  if (typeof v !== 'object' || Array.isArray(v)) return fail(`error parsing configuration: json: cannot unmarshal ${goJsonKind(v)} into Go value of type types.NetConf`);
  const o = v as Record<string, unknown>;
  const str = (x: unknown): boolean => typeof x === 'string';
  const typeErr =
    fieldType(o, 'cniVersion', 'string', str) ??
    fieldType(o, 'name', 'string', str) ??
    fieldType(o, 'type', 'string', str) ??
    fieldType(o, 'capabilities', 'map[string]bool', (x) => typeof x === 'object' && !Array.isArray(x) && Object.values(x as object).every((b) => typeof b === 'boolean' || b === null));
  if (typeErr) return fail(`error parsing configuration: ${typeErr}`);
  const type = typeof o['type'] === 'string' ? o['type'] : '';
  if (type === '') return fail("error parsing configuration: missing 'type'");
  const caps: Record<string, boolean> = {};
  for (const [k, b] of Object.entries((o['capabilities'] as Record<string, unknown> | undefined) ?? {})) caps[k] = b === true;
  return { ok: true, value: { name: typeof o['name'] === 'string' ? o['name'] : '', type, cniVersion: typeof o['cniVersion'] === 'string' ? o['cniVersion'] : '', capabilities: caps, raw: o } };
}

/** version.ParseVersion's errors, for cniVersions entries. */
function parseVersion(v: string): string | undefined {
  if (v === '') return undefined;
  const parts = v.split('.');
  if (parts.length >= 4) return `invalid version "${v}": too many parts`;
  const names = ['major', 'minor', 'micro'];
  for (const [i, part] of parts.entries()) {
    if (!/^[+-]?\d+$/.test(part)) return `failed to convert ${names[i]} version part "${part}": strconv.Atoi: parsing "${part}": invalid syntax`;
  }
  return undefined;
}

/** libcni ConfListFromBytes. */
export function confListFromBytes(bytes: string): Loaded<NetworkConfigList> {
  const p = goUnmarshal(bytes);
  const pre = 'error parsing configuration list';
  if (!p.ok) return fail(`${pre}: ${p.message}`);
  const v = p.value;
  if (v !== null && (typeof v !== 'object' || Array.isArray(v))) return fail(`${pre}: json: cannot unmarshal ${goJsonKind(v)} into Go value of type map[string]interface {}`);
  const raw = (v ?? {}) as Record<string, unknown>;
  if (!('name' in raw)) return fail(`${pre}: no name`);
  const name = raw['name'];
  if (typeof name !== 'string') return fail(`${pre}: invalid name type ${goTypeName(name)}`);
  let cniVersion = '';
  if ('cniVersion' in raw) {
    if (typeof raw['cniVersion'] !== 'string') return fail(`${pre}: invalid cniVersion type ${goTypeName(raw['cniVersion'])}`);
    cniVersion = raw['cniVersion'];
  }
  if ('cniVersions' in raw) {
    // 1.1.0: the newest listed version this runtime implements wins (higher ones are skipped).
    const list = raw['cniVersions'];
    if (!Array.isArray(list)) return fail(`${pre}: invalid type for cniVersions: []interface {}`);
    const usable: string[] = [];
    for (const [i, entry] of list.entries()) {
      if (typeof entry !== 'string') return fail(`${pre}: invalid type for cniVersions index ${i}: ${goTypeName(entry)}`);
      const e = parseVersion(entry);
      if (e) return fail(`${pre}: invalid cniVersions entry ${entry} at index ${i}: ${e}`);
      if (compareVersions(entry, CURRENT_SPEC) <= 0) usable.push(entry);
    }
    if (cniVersion !== '') {
      const e = parseVersion(cniVersion);
      if (e) return fail(`${pre}: invalid cniVersion ${cniVersion}: ${e}`);
      if (compareVersions(cniVersion, CURRENT_SPEC) <= 0) usable.push(cniVersion);
    }
    usable.sort(compareVersions);
    if (usable.length) cniVersion = usable[usable.length - 1]!;
  }
  const readBool = (key: string): Loaded<boolean> => {
    if (!(key in raw)) return { ok: true, value: false };
    const b = raw[key];
    if (typeof b === 'boolean') return { ok: true, value: b };
    if (typeof b !== 'string') return fail(`${pre}: invalid type ${goTypeName(b)} for ${key}`);
    const s = b.toLowerCase();
    if (s === 'true' || s === 'false') return { ok: true, value: s === 'true' };
    return fail(`${pre}: invalid value "${s}" for ${key}`);
  };
  const disableCheck = readBool('disableCheck');
  if (!disableCheck.ok) return disableCheck;
  const disableGC = readBool('disableGC');
  if (!disableGC.ok) return disableGC;
  if (!('plugins' in raw)) return fail(`${pre}: no 'plugins' key`);
  const plugins = raw['plugins'];
  if (!Array.isArray(plugins)) return fail(`${pre}: invalid 'plugins' type ${goTypeName(plugins)}`);
  if (plugins.length === 0) return fail(`${pre}: no plugins in list`);
  const out: NetworkConfig[] = [];
  for (const [i, conf] of plugins.entries()) {
    // Each entry is re-marshalled from a Go map: keys sorted.
    const c = confFromBytes(goMarshal(sortKeysDeep(conf)));
    if (!c.ok) return fail(`failed to parse plugin config ${i}: ${c.message}`);
    out.push(c.value);
  }
  return { ok: true, value: { name, cniVersion, disableCheck: disableCheck.value, disableGC: disableGC.value, plugins: out, bytes } };
}

/** Go's %T of a value decoded into interface{}. */
function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map[string]interface {}';
  }
}

/** libcni ConfListFromConf: a single configuration as a one-plugin list (re-marshalled: keys sorted). */
export function confListFromConf(conf: NetworkConfig): Loaded<NetworkConfigList> {
  return confListFromBytes(goMarshal(sortKeysDeep({ name: conf.name, cniVersion: conf.cniVersion, plugins: [conf.raw] })));
}

/** libcni ConfFiles: regular files in DIR with one of the extensions; a missing folder is no files. */
export function confFiles(fs: HostFs, dir: string, extensions: string[]): Loaded<string[]> {
  const st = fs.stat(dir);
  if (!st) return { ok: true, value: [] };
  const l = fs.list(dir);
  if (!l.ok) return fail(`open ${dir}: ${l.error.message.toLowerCase()}`);
  const files: string[] = [];
  for (const e of l.value) {
    if (e.type === 'dir') continue;
    const dot = e.name.lastIndexOf('.');
    const ext = dot >= 0 ? e.name.slice(dot) : '';
    if (extensions.includes(ext)) files.push(`${dir.replace(/\/+$/, '')}/${e.name}`);
  }
  return { ok: true, value: files };
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function readConf(fs: HostFs, file: string): Loaded<string> {
  const r = fs.read(file);
  return r.ok ? { ok: true, value: r.value } : fail(`error reading ${file}: open ${file}: ${r.error.message.toLowerCase()}`);
}

/** libcni LoadConf: the first .conf/.json (in name order) whose name matches; a bad file before it is an error. */
export function loadConf(fs: HostFs, dir: string, name: string): Loaded<NetworkConfig> & { noConfigs?: boolean } {
  const files = confFiles(fs, dir, ['.conf', '.json']);
  if (!files.ok) return files;
  if (files.value.length === 0) return { ok: false, message: `no net configurations found in ${dir}`, noConfigs: true };
  for (const file of files.value.sort(byteOrder)) {
    const bytes = readConf(fs, file);
    if (!bytes.ok) return bytes;
    const c = confFromBytes(bytes.value);
    if (!c.ok) return c;
    if (c.value.name === name) return c;
  }
  return fail(`no net configuration with name "${name}" in ${dir}`);
}

/** libcni LoadConfList: the .conflist named NAME, else the single .conf/.json of that name as a list. */
export function loadConfList(fs: HostFs, dir: string, name: string): Loaded<NetworkConfigList> {
  const files = confFiles(fs, dir, ['.conflist']);
  if (!files.ok) return files;
  for (const file of files.value.sort(byteOrder)) {
    const bytes = readConf(fs, file);
    if (!bytes.ok) return bytes;
    const l = confListFromBytes(bytes.value);
    if (!l.ok) return l;
    if (l.value.name === name) return l;
  }
  const single = loadConf(fs, dir, name);
  if (!single.ok) {
    // "A little extra logic so the error makes sense": lists exist but no single files.
    if (files.value.length !== 0 && single.noConfigs) return fail(`no net configuration with name "${name}" in ${dir}`);
    return single;
  }
  return confListFromConf(single.value);
}
