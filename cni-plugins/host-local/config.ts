/**
 * host-local's configuration (plugins v1.1.1 backend/allocator/config.go LoadIPAMConfig): the "ipam"
 * section decoded with encoding/json's rules and messages (keys matched case-insensitively, the
 * first wrong JSON type remembered while decoding goes on, a bad address text stopping it at once),
 * requested IPs from CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips, the legacy single range and
 * runtimeConfig.ipRanges prepended to "ranges", every range set canonicalised, overlaps refused.
 */
import { loadArgs } from '../lib/cni-args.js';
import { compareVersions } from '../../src/cni/version.js';
import { canonicalizeRangeSet, rangeSetOverlaps, type RangeConfig, type RangeSet } from './range.js';
import { formatCidr, formatIp, goParseCidr, goParseIp, pluginParseIp, type Cidr, type Ip } from './ip.js';

export interface IpamRoute {
  /** The destination as written ("10.1.2.3/8" keeps its host bits), or "<nil>" when missing. */
  dst: string;
  gw?: string;
}

export interface IpamConfig {
  /** The network's name (the store's folder under dataDir). */
  name: string;
  routes: IpamRoute[];
  dataDir: string;
  resolvConf: string;
  ranges: RangeSet[];
  /** Requested addresses, in the order CNI_ARGS, args.cni.ips, runtimeConfig.ips give them. */
  ipArgs: Ip[];
}

export type Loaded =
  | { ok: true; value: IpamConfig; confVersion: string }
  | { ok: false; message: string }
  /** What the Go plugin does with a null entry in an IP list: dereference it and crash. */
  | { ok: false; panic: true; message: string };

/** The message a Go decode ends with: a bad address text at once, else the first wrong JSON type. */
class Abort {
  constructor(readonly message: string) {}
}

class GoDecoder {
  saved: string | undefined;

  typeError(value: unknown, struct: string, field: string, type: string): void {
    this.saved ??= `json: cannot unmarshal ${kind(value)} into Go struct field ${struct}.${field} of type ${type}`;
  }
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The struct fields KEYS of OBJ maps to, in document order (exact name first, else case-insensitive). */
function fields(obj: Record<string, unknown>, names: string[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const name = names.includes(k) ? k : names.find((n) => n.toLowerCase() === k.toLowerCase());
    if (name !== undefined) out.push([name, v]);
  }
  return out;
}


/** net.IP's UnmarshalText, reached through a JSON string. */
function netIp(d: GoDecoder, v: unknown, struct: string, field: string): Ip | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'string') {
    d.typeError(v, struct, field, 'net.IP');
    return undefined;
  }
  if (v === '') return undefined;
  const ip = goParseIp(v);
  if (!ip) throw new Abort(`invalid IP address: ${v}`);
  return ip;
}

/** types.IPNet's UnmarshalJSON: a string holding a CIDR. */
function ipNet(v: unknown, struct: string, field: string): Cidr {
  if (typeof v !== 'string') throw new Abort(`json: cannot unmarshal ${kind(v)} into Go struct field ${struct}.${field} of type string`);
  const c = goParseCidr(v);
  if (!c) throw new Abort(`invalid CIDR address: ${v}`);
  return c;
}

/** A Range object; SUBNET absent leaves it unset (Canonicalize then finds a nil IP). */
function range(d: GoDecoder, v: Record<string, unknown>, path: string, struct = 'Range'): RangeConfig | { noSubnet: true; rest: Partial<RangeConfig> } {
  const out: Partial<RangeConfig> = {};
  for (const [name, value] of fields(v, ['rangeStart', 'rangeEnd', 'subnet', 'gateway'])) {
    if (name === 'subnet') {
      if (value !== null) out.subnet = ipNet(value, struct, `${path}.subnet`);
    } else {
      const ip = netIp(d, value, struct, `${path}.${name}`);
      if (ip !== undefined) out[name as 'rangeStart' | 'rangeEnd' | 'gateway'] = ip;
      else if (value === null || value === '') delete out[name as 'rangeStart' | 'rangeEnd' | 'gateway'];
    }
  }
  return out.subnet ? (out as RangeConfig) : { noSubnet: true, rest: out };
}

type RangeEntry = ReturnType<typeof range>;

function rangeSets(d: GoDecoder, v: unknown, struct: string, path: string, listType: string): RangeEntry[][] | undefined {
  if (v === null) return undefined;
  if (!Array.isArray(v)) {
    d.typeError(v, struct, path, listType);
    return undefined;
  }
  const sets: RangeEntry[][] = [];
  for (const set of v) {
    if (set === null) {
      sets.push([]);
      continue;
    }
    if (!Array.isArray(set)) {
      d.typeError(set, struct, path, 'allocator.RangeSet');
      sets.push([]);
      continue;
    }
    const entries: RangeEntry[] = [];
    for (const r of set) {
      if (!isObject(r)) {
        if (r !== null) d.typeError(r, struct, path, 'allocator.Range');
        entries.push({ noSubnet: true, rest: {} });
        continue;
      }
      entries.push(range(d, r, path));
    }
    sets.push(entries);
  }
  return sets;
}

/** A list of *ip.IP (runtimeConfig.ips, args.cni.ips); null entries are kept to crash on, as Go does. */
function ipList(d: GoDecoder, v: unknown, struct: string, path: string): (Ip | null | 'empty')[] {
  if (v === null) return [];
  if (!Array.isArray(v)) {
    d.typeError(v, struct, path, '[]*ip.IP');
    return [];
  }
  const out: (Ip | null | 'empty')[] = [];
  for (const e of v) {
    if (e === null) {
      out.push(null);
      continue;
    }
    if (typeof e !== 'string') {
      d.typeError(e, struct, path, '*ip.IP');
      out.push('empty');
      continue;
    }
    if (e === '') {
      out.push('empty');
      continue;
    }
    const ip = pluginParseIp(e);
    if (!ip) throw new Abort(`invalid IP address ${e}`);
    out.push(ip);
  }
  return out;
}

function routes(d: GoDecoder, v: unknown): IpamRoute[] {
  if (v === null) return [];
  if (!Array.isArray(v)) {
    d.typeError(v, 'IPAMConfig', 'ipam.routes', '[]*types.Route');
    return [];
  }
  return v.map((r) => {
    // types.Route's UnmarshalJSON decodes on its own, so its errors stop the whole decode.
    if (r === null) return { dst: '<nil>' };
    if (!isObject(r)) throw new Abort(`json: cannot unmarshal ${kind(r)} into Go struct field IPAMConfig.ipam.routes of type types.route`);
    const out: IpamRoute = { dst: '<nil>' };
    for (const [name, value] of fields(r, ['dst', 'gw'])) {
      if (name === 'dst') {
        if (value === null) continue;
        out.dst = formatCidr(ipNet(value, 'IPAMConfig', 'ipam.routes'));
      } else if (value !== null) {
        if (typeof value !== 'string') throw new Abort(`json: cannot unmarshal ${kind(value)} into Go struct field IPAMConfig.ipam.routes of type net.IP`);
        if (value === '') continue;
        const ip = goParseIp(value);
        if (!ip) throw new Abort(`invalid IP address: ${value}`);
        out.gw = formatIp(ip);
      }
    }
    return out;
  });
}

function str(d: GoDecoder, v: unknown, struct: string, field: string): string | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'string') {
    d.typeError(v, struct, field, 'string');
    return undefined;
  }
  return v;
}

interface IpamSection {
  legacy?: RangeEntry;
  ranges: RangeEntry[][];
}

/** The "ipam" object: IPAMConfig with its embedded Range (whose messages name IPAMConfig). */
function decodeIpam(d: GoDecoder, ipam: Record<string, unknown>, conf: IpamConfig, section: IpamSection): void {
  const legacyFields: Record<string, unknown> = {};
  for (const [field, value] of fields(ipam, ['type', 'routes', 'dataDir', 'resolvConf', 'ranges', 'Name', 'rangeStart', 'rangeEnd', 'subnet', 'gateway'])) {
    if (field === 'type' || field === 'Name') str(d, value, 'IPAMConfig', `ipam.${field}`);
    else if (field === 'routes') conf.routes = routes(d, value);
    else if (field === 'dataDir') conf.dataDir = str(d, value, 'IPAMConfig', 'ipam.dataDir') ?? conf.dataDir;
    else if (field === 'resolvConf') conf.resolvConf = str(d, value, 'IPAMConfig', 'ipam.resolvConf') ?? conf.resolvConf;
    else if (field === 'ranges') section.ranges = rangeSets(d, value, 'IPAMConfig', 'ipam.ranges', '[]allocator.RangeSet') ?? [];
    else {
      // Decoded as it comes, so a bad address stops the decode in document order.
      legacyFields[field] = value;
      section.legacy = range(d, legacyFields, 'ipam', 'IPAMConfig');
    }
  }
}

const RUNTIME_CONFIG_TYPE = 'struct { IPRanges []allocator.RangeSet "json:\\"ipRanges,omitempty\\""; IPs []*ip.IP "json:\\"ips,omitempty\\"" }';
const ARGS_TYPE = 'struct { A *allocator.IPAMArgs "json:\\"cni\\"" }';

/** LoadIPAMConfig(stdin, CNI_ARGS). */
export function loadIpamConfig(stdin: string, envArgs: string): Loaded {
  try {
    return load(stdin, envArgs);
  } catch (e) {
    if (e instanceof Abort) return { ok: false, message: e.message };
    throw e;
  }
}

function load(stdin: string, envArgs: string): Loaded {
  const d = new GoDecoder();
  const top = JSON.parse(stdin) as Record<string, unknown>; // skel has already parsed it
  let name = '';
  let cniVersion = '';
  let ipam: Record<string, unknown> | undefined;
  let rtIps: (Ip | null | 'empty')[] = [];
  let rtRanges: RangeEntry[][] | undefined;
  let argIps: (Ip | null | 'empty')[] = [];
  const conf: IpamConfig = { name: '', routes: [], dataDir: '', resolvConf: '', ranges: [], ipArgs: [] };
  const section: IpamSection = { ranges: [] };
  for (const [field, value] of fields(top, ['name', 'cniVersion', 'ipam', 'runtimeConfig', 'args'])) {
    if (field === 'name') name = str(d, value, 'Net', 'name') ?? name;
    else if (field === 'cniVersion') cniVersion = str(d, value, 'Net', 'cniVersion') ?? cniVersion;
    else if (field === 'ipam') {
      if (value === null) ipam = undefined;
      else if (!isObject(value)) d.typeError(value, 'Net', 'ipam', 'allocator.IPAMConfig');
      else {
        ipam = value;
        decodeIpam(d, value, conf, section);
      }
    } else if (field === 'runtimeConfig') {
      if (value === null) continue;
      if (!isObject(value)) {
        d.typeError(value, 'Net', 'runtimeConfig', RUNTIME_CONFIG_TYPE);
        continue;
      }
      for (const [f, v] of fields(value, ['ipRanges', 'ips'])) {
        if (f === 'ips') rtIps = ipList(d, v, '', 'runtimeConfig.ips');
        else rtRanges = rangeSets(d, v, '', 'runtimeConfig.ipRanges', '[]allocator.RangeSet');
      }
    } else if (field === 'args') {
      if (value === null) continue;
      if (!isObject(value)) {
        d.typeError(value, 'Net', 'args', ARGS_TYPE);
        continue;
      }
      for (const [, cni] of fields(value, ['cni'])) {
        if (cni === null) continue;
        if (!isObject(cni)) {
          d.typeError(cni, '', 'args.cni', 'allocator.IPAMArgs');
          continue;
        }
        for (const [, ips] of fields(cni, ['ips'])) argIps = ipList(d, ips, 'IPAMArgs', 'args.cni.ips');
      }
    }
  }

  if (d.saved) return { ok: false, message: d.saved };
  if (!ipam) return { ok: false, message: "IPAM config missing 'ipam' key" };
  conf.name = name;
  const { legacy, ranges } = section;

  // CNI_ARGS IP=... comes first, then args.cni.ips, then runtimeConfig.ips.
  const requested: (Ip | null | 'empty')[] = [];
  if (envArgs !== '') {
    const a = loadArgs(envArgs, {
      IP: (v) => {
        if (v === '') return { ok: true, value: 'empty' };
        const ip = pluginParseIp(v);
        if (!ip) return { ok: false, message: `invalid IP address ${v}` };
        return { ok: true, value: ip };
      },
    });
    if (!a.ok) return { ok: false, message: a.message };
    const ip = a.values.get('IP') as Ip | 'empty' | undefined;
    if (ip !== undefined && ip !== 'empty') requested.push(ip);
  }
  requested.push(...argIps, ...rtIps);
  for (const ip of requested) {
    if (ip === null) return { ok: false, panic: true, message: 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4f8e78]\n' };
    if (ip === 'empty') return { ok: false, message: 'cannot understand ip: IP <nil> not v4 nor v6' };
    conf.ipArgs.push(ip);
  }

  const all: RangeEntry[][] = [...(rtRanges ?? []), ...(legacy && !('noSubnet' in legacy) ? [[legacy]] : []), ...ranges];
  if (all.length === 0) return { ok: false, message: 'no IP ranges specified' };
  for (let i = 0; i < all.length; i++) {
    const set = all[i]!.map((r) => ('noSubnet' in r ? undefined : r));
    const canon = canonicalizeRangeSet(set);
    if (!canon.ok) return { ok: false, message: `invalid range set ${i}: ${canon.message}` };
    conf.ranges.push(canon.value);
  }
  // Spec 0.2.0 and older carry one address per family.
  const v6Sets = conf.ranges.filter((r) => r[0]!.rangeStart.v6).length;
  if ((v6Sets > 1 || conf.ranges.length - v6Sets > 1) && !(cniVersion !== '' && compareVersions(cniVersion, '0.3.0') >= 0)) {
    return { ok: false, message: `CNI version ${cniVersion} does not support more than 1 address per family` };
  }
  for (let i = 0; i < conf.ranges.length - 1; i++) {
    for (let j = i + 1; j < conf.ranges.length; j++) {
      if (rangeSetOverlaps(conf.ranges[i]!, conf.ranges[j]!)) return { ok: false, message: `range set ${i} overlaps with ${j}` };
    }
  }
  return { ok: true, value: conf, confVersion: cniVersion };
}
