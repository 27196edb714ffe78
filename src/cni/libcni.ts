/**
 * The CNI runtime (libcni v1.2.x, which implements spec 1.1.0): ADD a network list plugin by plugin
 * with each result chained in as the next one's prevResult, cache the final result under
 * /var/lib/cni/results, CHECK and DEL (in reverse order) with the cached result, GC stale cached
 * attachments, STATUS, and plugin VERSION — on one emulated host, with libcni's texts.
 *
 * Like libcni, a failed ADD is NOT rolled back here: the caller (kubelet / containerd, or the user
 * of `podnet cni`) must call DEL, which every plugin accepts for a half-made attachment.
 */
import { posix } from 'node:path';
import type { ExecContext } from '../commands/types.js';
import type { NetworkConfig, NetworkConfigList } from './conf.js';
import { CURRENT_SPEC } from './conf.js';
import {
  cniErrorText,
  execWithoutResult,
  execWithResult,
  findPlugin,
  getVersionInfo,
  pluginEnv,
  rtErr,
  type Outcome,
  type PluginInfo,
  type RuntimeError,
} from './exec.js';
import { goQuote, goUnmarshal, sortKeysDeep } from './gojson.js';
import { goMarshal } from './json.js';
import { createResult, marshalResultValue, resultAsVersion, type Result } from './result.js';
import { CniErrorCode, type CniError } from './spec.js';

export const CNI_CACHE_V1 = 'cniCacheV1';
export const DEFAULT_CACHE_DIR = '/var/lib/cni';

/** RuntimeConf: one invocation's arguments apart from the configuration. */
export interface RuntimeConf {
  containerID: string;
  netns: string;
  ifName: string;
  args?: [string, string][];
  capabilityArgs?: Record<string, unknown>;
}

export interface GcAttachment {
  containerID: string;
  ifname: string;
}

/** The runtime on one host: plugin folders, the cache folder, and what plugins wrote to stderr on success. */
export class CniRuntime {
  /** RawExec copies a successful plugin's stderr to the runtime's stderr; collected here for the caller. */
  stderr = '';

  constructor(
    private readonly ctx: ExecContext,
    readonly path: string[],
    readonly cacheDir = DEFAULT_CACHE_DIR,
  ) {}

  private env(command: string, rt: RuntimeConf): Record<string, string> {
    return pluginEnv(this.ctx, {
      command,
      containerID: rt.containerID,
      netns: rt.netns,
      pluginArgs: (rt.args ?? []).map(([k, v]) => `${k}=${v}`).join(';'),
      ifName: rt.ifName,
      path: this.path.join(':'),
    });
  }

  // ---- the result cache ------------------------------------------------------------------------

  cacheFile(netName: string, rt: RuntimeConf): Outcome<string> {
    if (netName === '' || rt.containerID === '' || rt.ifName === '') {
      return rtErr(`cache file path requires network name (${goQuote(netName)}), container ID (${goQuote(rt.containerID)}), and interface name (${goQuote(rt.ifName)})`);
    }
    return { ok: true, value: posix.join(this.cacheDir, 'results', `${netName}-${rt.containerID}-${rt.ifName}`) };
  }

  /** cacheAdd: libcni's cachedInfo, compact, fields in struct order, config as base64 (a Go []byte). */
  private cacheAdd(result: Result, config: string, netName: string, rt: RuntimeConf): Outcome<void> {
    const cached: Record<string, unknown> = {
      kind: CNI_CACHE_V1,
      containerId: rt.containerID,
      config: Buffer.from(config, 'utf8').toString('base64'),
      ifName: rt.ifName,
      networkName: netName,
    };
    if (rt.netns) cached['netns'] = rt.netns;
    if (rt.args?.length) cached['cniArgs'] = rt.args;
    if (rt.capabilityArgs && Object.keys(rt.capabilityArgs).length) cached['capabilityArgs'] = sortKeysDeep(rt.capabilityArgs);
    // The result goes through a map[string]interface{}: keys sorted at every level.
    cached['result'] = sortKeysDeep(marshalResultValue(result));
    const file = this.cacheFile(netName, rt);
    if (!file.ok) return file;
    const fs = this.ctx.fs;
    const mk = fs.mkdir(posix.dirname(file.value), { recursive: true });
    if (!mk.ok) return rtErr(`mkdir ${posix.dirname(file.value)}: ${mk.error.message.toLowerCase()}`);
    const w = fs.write(file.value, goMarshal(cached));
    return w.ok ? { ok: true, value: undefined } : rtErr(`open ${file.value}: ${w.error.message.toLowerCase()}`);
  }

  private cacheDel(netName: string, rt: RuntimeConf): void {
    const file = this.cacheFile(netName, rt);
    if (file.ok && this.ctx.fs.stat(file.value)) this.ctx.fs.remove(file.value);
  }

  /** getCachedResult: the cached ADD result converted to the configuration's version; none is not an error. */
  cachedResult(netName: string, cniVersion: string, rt: RuntimeConf): Outcome<Result | undefined> {
    const file = this.cacheFile(netName, rt);
    if (!file.ok) return file;
    const data = this.ctx.fs.read(file.value);
    if (!data.ok) return { ok: true, value: undefined };
    const p = goUnmarshal(data.value);
    const info = p.ok && p.value !== null && typeof p.value === 'object' && !Array.isArray(p.value) ? (p.value as Record<string, unknown>) : undefined;
    // Not a cniCacheV1 record: a legacy cache file holds the bare result.
    const bytes = info && info['kind'] === CNI_CACHE_V1 ? goMarshal(info['result'] ?? null) : data.value;
    const version = decodeResultVersion(bytes);
    if (!version.ok) return version;
    const created = createResult(version.value, bytes);
    if (!created.ok) return rtErr(created.message);
    const converted = resultAsVersion(created.value, cniVersion);
    if (!converted.ok) return rtErr(`failed to convert cached result to config version ${goQuote(cniVersion)}: ${converted.message}`);
    return { ok: true, value: converted.value };
  }

  /** GetCachedAttachments: every cniCacheV1 record (for one container, if given), in file name order. */
  cachedAttachments(containerID = ''): (RuntimeConf & { network: string; config: string })[] {
    const dir = posix.join(this.cacheDir, 'results');
    const l = this.ctx.fs.list(dir);
    if (!l.ok) return [];
    const out: (RuntimeConf & { network: string; config: string })[] = [];
    for (const name of l.value.map((e) => e.name).sort()) {
      if (containerID) {
        const part = `-${containerID}-`;
        const pos = name.indexOf(part);
        if (pos <= 0 || pos + part.length >= name.length) continue;
      }
      const data = this.ctx.fs.read(posix.join(dir, name));
      if (!data.ok) continue;
      const p = goUnmarshal(data.value);
      if (!p.ok || p.value === null || typeof p.value !== 'object') continue;
      const c = p.value as Record<string, unknown>;
      if (c['kind'] !== CNI_CACHE_V1) continue;
      if (containerID && c['containerId'] !== containerID) continue;
      if (!c['ifName'] || !c['networkName']) continue;
      out.push({
        containerID: String(c['containerId'] ?? ''),
        network: String(c['networkName']),
        ifName: String(c['ifName']),
        config: typeof c['config'] === 'string' ? Buffer.from(c['config'], 'base64').toString('utf8') : '',
        netns: typeof c['netns'] === 'string' ? c['netns'] : '',
        ...(Array.isArray(c['cniArgs']) ? { args: c['cniArgs'] as [string, string][] } : {}),
        ...(c['capabilityArgs'] && typeof c['capabilityArgs'] === 'object' ? { capabilityArgs: c['capabilityArgs'] as Record<string, unknown> } : {}),
      });
    }
    return out;
  }

  // ---- one plugin ------------------------------------------------------------------------------

  /**
   * buildOneConfig: the plugin's configuration with the list's name and version (and prevResult)
   * injected, then runtimeConfig with the capability arguments the plugin advertises. Each
   * injection re-marshals the configuration from a Go map, so its keys come out sorted.
   */
  buildOneConfig(name: string, cniVersion: string, net: NetworkConfig, prevResult: Result | undefined, rt: RuntimeConf | undefined): string {
    const first: Record<string, unknown> = { ...(sortKeysDeep(net.raw) as Record<string, unknown>), name, cniVersion };
    if (prevResult) first['prevResult'] = marshalResultValue(prevResult);
    let bytes = goMarshal(sortTopLevel(first));
    if (rt) {
      const rc: Record<string, unknown> = {};
      for (const [cap, supported] of Object.entries(net.capabilities)) {
        if (supported && rt.capabilityArgs && Object.prototype.hasOwnProperty.call(rt.capabilityArgs, cap)) rc[cap] = rt.capabilityArgs[cap];
      }
      if (Object.keys(rc).length) bytes = goMarshal(sortKeysDeep({ ...(JSON.parse(bytes) as Record<string, unknown>), runtimeConfig: rc }));
    }
    return bytes;
  }

  private validate(name: string, rt: RuntimeConf): RuntimeError | undefined {
    const e = validateContainerId(rt.containerID) ?? validateNetworkName(name) ?? validateIfName(rt.ifName);
    return e ? { message: cniErrorText(e), cni: e } : undefined;
  }

  private addNetwork(name: string, cniVersion: string, net: NetworkConfig, prev: Result | undefined, rt: RuntimeConf): Outcome<Result> {
    const found = findPlugin(this.ctx, net.type, this.path);
    if (!found.ok) return found;
    const invalid = this.validate(name, rt);
    if (invalid) return { ok: false, error: invalid };
    const conf = this.buildOneConfig(name, cniVersion, net, prev, rt);
    const r = execWithResult(this.ctx, found.value, conf, this.env('ADD', rt));
    if (!r.ok) return r;
    this.stderr += r.value.stderr;
    return { ok: true, value: r.value.result };
  }

  private runWithoutResult(command: 'CHECK' | 'DEL', name: string, cniVersion: string, net: NetworkConfig, prev: Result | undefined, rt: RuntimeConf): Outcome<void> {
    const found = findPlugin(this.ctx, net.type, this.path);
    if (!found.ok) return found;
    const conf = this.buildOneConfig(name, cniVersion, net, prev, rt);
    const r = execWithoutResult(this.ctx, found.value, conf, this.env(command, rt));
    if (!r.ok) return r;
    this.stderr += r.value.stderr;
    return { ok: true, value: undefined };
  }

  // ---- network lists ---------------------------------------------------------------------------

  /** AddNetworkList: each plugin in order, chaining results; the last result is cached and returned. */
  addNetworkList(list: NetworkConfigList, rt: RuntimeConf): Outcome<Result> {
    let result: Result | undefined;
    for (const net of list.plugins) {
      const r = this.addNetwork(list.name, list.cniVersion, net, result, rt);
      if (!r.ok) return wrap(r.error, `plugin ${pluginDescription(net)} failed (add): `);
      result = r.value;
    }
    const c = this.cacheAdd(result!, list.bytes, list.name, rt);
    if (!c.ok) return wrap(c.error, `failed to set network ${goQuote(list.name)} cached result: `);
    return { ok: true, value: result! };
  }

  /** CheckNetworkList: 0.4.0+ only; nothing when disableCheck; each plugin with the cached result. */
  checkNetworkList(list: NetworkConfigList, rt: RuntimeConf): Outcome<void> {
    const ge = versionAtLeast(list.cniVersion, '0.4.0');
    if (!ge.ok) return ge;
    if (!ge.value) return rtErr(`configuration version ${goQuote(list.cniVersion)} does not support the CHECK command`);
    if (list.disableCheck) return { ok: true, value: undefined };
    const cached = this.cachedResult(list.name, list.cniVersion, rt);
    if (!cached.ok) return wrap(cached.error, `failed to get network ${goQuote(list.name)} cached result: `);
    for (const net of list.plugins) {
      const r = this.runWithoutResult('CHECK', list.name, list.cniVersion, net, cached.value, rt);
      if (!r.ok) return r;
    }
    return { ok: true, value: undefined };
  }

  /** DelNetworkList: plugins in reverse, with the cached result from 0.4.0 on (an unreadable cache is dropped); then the cache goes. */
  delNetworkList(list: NetworkConfigList, rt: RuntimeConf): Outcome<void> {
    let cached: Result | undefined;
    const ge = versionAtLeast(list.cniVersion, '0.4.0');
    if (!ge.ok) return ge;
    if (ge.value) {
      const c = this.cachedResult(list.name, list.cniVersion, rt);
      if (c.ok) cached = c.value;
      else this.cacheDel(list.name, rt);
    }
    for (let i = list.plugins.length - 1; i >= 0; i--) {
      const net = list.plugins[i]!;
      const r = this.runWithoutResult('DEL', list.name, list.cniVersion, net, cached, rt);
      if (!r.ok) return wrap(r.error, `plugin ${pluginDescription(net)} failed (delete): `);
    }
    this.cacheDel(list.name, rt);
    return { ok: true, value: undefined };
  }

  /**
   * GCNetworkList: DEL every cached attachment of this network that is not in VALID (all of them
   * when VALID is undefined, as cnitool calls it), then from 1.1.0 on send GC to each plugin with
   * cni.dev/valid-attachments. Errors are collected and joined with newlines (errors.Join).
   */
  gcNetworkList(list: NetworkConfigList, valid?: GcAttachment[]): Outcome<void> {
    if (list.disableGC) return { ok: true, value: undefined };
    const errs: string[] = [];
    const keep = new Set((valid ?? []).map((a) => `${a.containerID}\0${a.ifname}`));
    for (const a of this.cachedAttachments()) {
      if (a.network !== list.name) continue;
      if (valid && keep.has(`${a.containerID}\0${a.ifName}`)) continue;
      const rt: RuntimeConf = { containerID: a.containerID, netns: a.netns, ifName: a.ifName, ...(a.args ? { args: a.args } : {}), ...(a.capabilityArgs ? { capabilityArgs: a.capabilityArgs } : {}) };
      const r = this.delNetworkList(list, rt);
      if (!r.ok) errs.push(`failed to delete stale attachment ${rt.containerID} ${rt.ifName}: ${r.error.message}`);
    }
    const ge = versionAtLeast(list.cniVersion, '1.1.0');
    if (ge.ok && ge.value) {
      for (const plugin of list.plugins) {
        const inject: Record<string, unknown> = { name: list.name, cniVersion: list.cniVersion };
        if (valid) {
          inject['cni.dev/valid-attachments'] = valid;
          // cni#1101: the spec first named it cni.dev/attachments; libcni sends both.
          inject['cni.dev/attachments'] = valid;
        }
        const conf = goMarshal(sortKeysDeep({ ...plugin.raw, ...inject }));
        const found = findPlugin(this.ctx, plugin.type, this.path);
        const r = found.ok ? execWithoutResult(this.ctx, found.value, conf, this.env('GC', { containerID: '', netns: '', ifName: '' })) : found;
        if (!r.ok) errs.push(`failed to GC plugin ${plugin.type}: ${r.error.message}`);
        else this.stderr += r.value.stderr;
      }
    }
    return errs.length ? rtErr(errs.join('\n')) : { ok: true, value: undefined };
  }

  /** GetStatusNetworkList: nothing before 1.1.0; else STATUS to each plugin, stopping at the first error. */
  statusNetworkList(list: NetworkConfigList): Outcome<void> {
    const ge = versionAtLeast(list.cniVersion, '1.1.0');
    if (!ge.ok || !ge.value) return { ok: true, value: undefined };
    for (const plugin of list.plugins) {
      const conf = goMarshal(sortKeysDeep({ ...plugin.raw, name: list.name, cniVersion: list.cniVersion }));
      const found = findPlugin(this.ctx, plugin.type, this.path);
      if (!found.ok) return found;
      const r = execWithoutResult(this.ctx, found.value, conf, this.env('STATUS', { containerID: '', netns: '', ifName: '' }));
      if (!r.ok) return r;
      this.stderr += r.value.stderr;
    }
    return { ok: true, value: undefined };
  }

  /** GetVersionInfo of the plugin TYPE found on the path. */
  versionInfo(type: string): Outcome<PluginInfo> {
    const found = findPlugin(this.ctx, type, this.path);
    if (!found.ok) return found;
    return getVersionInfo(this.ctx, found.value, CURRENT_SPEC);
  }

  /** ValidateNetworkList: every plugin exists and supports the list's version; the capabilities they advertise. */
  validateNetworkList(list: NetworkConfigList): Outcome<string[]> {
    const errs: string[] = [];
    const caps = new Set<string>();
    for (const net of list.plugins) {
      const v = this.versionInfo(net.type);
      const want = list.cniVersion === '' ? '0.1.0' : list.cniVersion;
      if (!v.ok) errs.push(v.error.message);
      else if (!v.value.supportedVersions.includes(want)) errs.push(`plugin ${net.type} does not support config version ${goQuote(want)}`);
      for (const [c, on] of Object.entries(net.capabilities)) if (on) caps.add(c);
    }
    return errs.length ? rtErr(`[${errs.join(' ')}]`) : { ok: true, value: [...caps] };
  }
}

/** Go's fmt.Errorf("...: %w", err): the text grows a prefix, the plugin's error object stays. */
function wrap(e: RuntimeError, prefix: string): { ok: false; error: RuntimeError } {
  return { ok: false, error: { ...e, message: prefix + e.message } };
}

/** The configuration with its top-level keys sorted (a Go map) but prevResult marshalled as its own type. */
function sortTopLevel(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/** pluginDescription: type="T" and, when the plugin's own config has one, name="N". */
function pluginDescription(net: NetworkConfig): string {
  return `type=${goQuote(net.type)}${net.name ? ` name=${goQuote(net.name)}` : ''}`;
}

/** version.GreaterThanOrEqualTo with ParseVersion's errors. */
export function versionAtLeast(v: string, than: string): Outcome<boolean> {
  if (v !== '') {
    const parts = v.split('.');
    if (parts.length >= 4) return rtErr(`invalid version ${goQuote(v)}: too many parts`);
    const names = ['major', 'minor', 'micro'];
    for (const [i, part] of parts.entries()) {
      if (!/^[+-]?\d+$/.test(part)) return rtErr(`failed to convert ${names[i]} version part ${goQuote(part)}: strconv.Atoi: parsing ${goQuote(part)}: invalid syntax`);
    }
  }
  const norm = v === '' ? '0.1.0' : v;
  const a = norm.split('.').map((x) => Number.parseInt(x, 10));
  const b = than.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return { ok: true, value: d > 0 };
  }
  return { ok: true, value: true };
}

/** create.DecodeVersion for a result. */
function decodeResultVersion(bytes: string): Outcome<string> {
  const p = goUnmarshal(bytes);
  if (!p.ok) return rtErr(`decoding version from network config: ${p.message}`);
  const o = (p.value ?? {}) as Record<string, unknown>;
  return { ok: true, value: typeof o['cniVersion'] === 'string' && o['cniVersion'] !== '' ? o['cniVersion'] : '0.1.0' };
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** pkg/utils ValidateContainerID / ValidateNetworkName / ValidateInterfaceName. */
export function validateContainerId(id: string): CniError | undefined {
  if (id === '') return { code: CniErrorCode.UnknownContainer, msg: 'missing containerID' };
  if (!NAME_RE.test(id)) return { code: CniErrorCode.InvalidEnvironmentVariables, msg: 'invalid characters in containerID', details: id };
  return undefined;
}

export function validateNetworkName(name: string): CniError | undefined {
  if (name === '') return { code: CniErrorCode.InvalidNetworkConfig, msg: 'missing network name:' };
  if (!NAME_RE.test(name)) return { code: CniErrorCode.InvalidNetworkConfig, msg: 'invalid characters found in network name', details: name };
  return undefined;
}

export function validateIfName(name: string): CniError | undefined {
  const bad = (msg: string, details?: string): CniError => ({ code: CniErrorCode.InvalidEnvironmentVariables, msg, ...(details ? { details } : {}) });
  if (name === '') return bad('interface name is empty');
  if (Buffer.byteLength(name) > 15) return bad('interface name is too long', 'interface name should be less than 16 characters');
  if (name === '.' || name === '..') return bad('interface name is . or ..');
  if (/[/:\s\u0085\u00a0]/u.test(name)) return bad('interface name contains / or : or whitespace characters');
  return undefined;
}
