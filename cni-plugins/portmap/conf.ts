/**
 * portmap's configuration (plugins/meta/portmap/main.go parseConfig, containernetworking/plugins
 * v1.1.1): defaults, the checks in upstream's order with its messages, and the container addresses
 * picked from the previous result.
 */
import type { CmdArgs } from '../../src/cni/skel.js';
import { parsePrevResult, goJsonKind } from '../lib/prev-result.js';

export interface PortMapEntry {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP: string;
}

export interface PortMapConf {
  name: string;
  cniVersion: string;
  snat: boolean;
  markMasqBit: number;
  externalSetMarkChain?: string;
  conditionsV4?: string[];
  conditionsV6?: string[];
  portMaps: PortMapEntry[];
  /** The previous result as ParsePrevResult left it (the configuration's version), printed back by ADD. */
  prevResult?: Record<string, unknown>;
  /** "ADDR/LEN" as net.IPNet.String() prints the container's addresses. */
  contIPv4?: string;
  contIPv6?: string;
}

export type Parsed = { ok: true; value: PortMapConf } | { ok: false; message: string };

/** The default mark bit (DefaultMarkBit): Kubernetes uses 14 and 15, Calico 20-31. */
export const DEFAULT_MARK_BIT = 13;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * encoding/json's UnmarshalTypeError text: STRUCT is the innermost struct type holding the field,
 * FIELD its full JSON path; a number shows its text only when it does not fit an int field
 * (checked against /usr/lib/cni/portmap: "number into ... PortMapConf.snat of type bool",
 * "string into ... PortMapEntry.runtimeConfig.portMappings.hostPort of type int").
 */
function typeError(value: unknown, struct: string, field: string, goType: string): string {
  const kind = typeof value === 'number' && goType === 'int' ? `number ${String(value)}` : goJsonKind(value);
  return `json: cannot unmarshal ${kind} into Go struct field ${struct}.${field} of type ${goType}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** json.Unmarshal into PortMapConf: the typed fields portmap declares (null leaves a pointer nil). */
function decode(raw: Record<string, unknown>): { ok: true; value: Omit<PortMapConf, 'prevResult' | 'contIPv4' | 'contIPv6'>; bitSet: boolean } | { ok: false; message: string } {
  const out: Omit<PortMapConf, 'prevResult' | 'contIPv4' | 'contIPv6'> = {
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    cniVersion: typeof raw['cniVersion'] === 'string' ? raw['cniVersion'] : '',
    snat: true,
    markMasqBit: DEFAULT_MARK_BIT,
    portMaps: [],
  };
  const snat = raw['snat'];
  if (snat !== undefined && snat !== null) {
    if (typeof snat !== 'boolean') return { ok: false, message: typeError(snat, 'PortMapConf', 'snat', 'bool') };
    out.snat = snat;
  }
  for (const [key, set] of [
    ['conditionsV4', (v: string[]) => (out.conditionsV4 = v)],
    ['conditionsV6', (v: string[]) => (out.conditionsV6 = v)],
  ] as const) {
    const c = raw[key];
    if (c === undefined || c === null) continue;
    if (!Array.isArray(c)) return { ok: false, message: typeError(c, 'PortMapConf', key, '[]string') };
    const bad = c.find((x) => typeof x !== 'string');
    if (bad !== undefined) return { ok: false, message: typeError(bad, 'PortMapConf', key, 'string') };
    set(c as string[]);
  }
  const bit = raw['markMasqBit'];
  let bitSet = false;
  if (bit !== undefined && bit !== null) {
    if (!isInt(bit)) return { ok: false, message: typeError(bit, 'PortMapConf', 'markMasqBit', 'int') };
    out.markMasqBit = bit;
    bitSet = true;
  }
  const ext = raw['externalSetMarkChain'];
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'string') return { ok: false, message: typeError(ext, 'PortMapConf', 'externalSetMarkChain', 'string') };
    out.externalSetMarkChain = ext;
  }
  const rc = raw['runtimeConfig'];
  if (rc !== undefined && rc !== null) {
    if (!isObj(rc)) return { ok: false, message: typeError(rc, 'PortMapConf', 'runtimeConfig', 'struct { PortMaps []main.PortMapEntry "json:\\"portMappings,omitempty\\"" }') };
    const pm = rc['portMappings'];
    if (pm !== undefined && pm !== null) {
      if (!Array.isArray(pm)) return { ok: false, message: typeError(pm, 'PortMapConf', 'runtimeConfig.portMappings', '[]main.PortMapEntry') };
      for (const e of pm) {
        if (e === null) {
          out.portMaps.push({ hostPort: 0, containerPort: 0, protocol: '', hostIP: '' });
          continue;
        }
        if (!isObj(e)) return { ok: false, message: typeError(e, 'PortMapConf', 'runtimeConfig.portMappings', 'main.PortMapEntry') };
        const entry: PortMapEntry = { hostPort: 0, containerPort: 0, protocol: '', hostIP: '' };
        for (const f of ['hostPort', 'containerPort'] as const) {
          const v = e[f];
          if (v === undefined || v === null) continue;
          if (!isInt(v)) return { ok: false, message: typeError(v, 'PortMapEntry', `runtimeConfig.portMappings.${f}`, 'int') };
          entry[f] = v;
        }
        for (const f of ['protocol', 'hostIP'] as const) {
          const v = e[f];
          if (v === undefined || v === null) continue;
          if (typeof v !== 'string') return { ok: false, message: typeError(v, 'PortMapEntry', `runtimeConfig.portMappings.${f}`, 'string') };
          entry[f] = v;
        }
        out.portMaps.push(entry);
      }
    }
  }
  return { ok: true, value: out, bitSet };
}

/** One address of the current (1.x) result, with the interface index when it has one. */
interface CurrentIp {
  address: string;
  interface?: number;
}

/** current.NewResultFromResult: the addresses and interfaces of a result of any version. */
function currentView(prev: Record<string, unknown>): { ips: CurrentIp[]; interfaces: { name: string; sandbox: string }[] } {
  const ifs = (Array.isArray(prev['interfaces']) ? prev['interfaces'] : []).map((i) => {
    const o = isObj(i) ? i : {};
    return { name: typeof o['name'] === 'string' ? o['name'] : '', sandbox: typeof o['sandbox'] === 'string' ? o['sandbox'] : '' };
  });
  const ips: CurrentIp[] = [];
  if (Array.isArray(prev['ips'])) {
    for (const i of prev['ips']) {
      const o = isObj(i) ? i : {};
      ips.push({ address: String(o['address'] ?? ''), ...(typeof o['interface'] === 'number' ? { interface: o['interface'] } : {}) });
    }
  }
  // 0.1.0/0.2.0 results carry one ip4 and one ip6 block.
  for (const fam of ['ip4', 'ip6']) {
    const b = prev[fam];
    if (isObj(b) && typeof b['ip'] === 'string') ips.push({ address: b['ip'] });
  }
  return { ips, interfaces: ifs };
}

/** net.IPNet.String() of a parsed "ADDR/LEN": the address as given, IPv4 in dotted quad. */
function isV4(address: string): boolean {
  return !address.split('/')[0]!.includes(':');
}

/** parseConfig(stdin, ifName). Errors are upstream's texts, without the caller's prefix. */
export function parseConfig(args: CmdArgs): Parsed {
  const raw = args.conf as unknown as Record<string, unknown>;
  const d = decode(raw);
  if (!d.ok) {
    if (d.message.startsWith('json: ')) return { ok: false, message: `failed to parse network configuration: ${d.message}` };
    return d;
  }
  const conf: PortMapConf = { ...d.value };
  const prev = parsePrevResult(raw, conf.cniVersion);
  // version.ParsePrevResult prefixes its own "could not parse prevResult: ", and portmap adds another.
  if (!prev.ok) return { ok: false, message: 'decode' in prev ? `failed to parse network configuration: ${prev.decode}` : `could not parse prevResult: ${prev.message}` };
  if (prev.value) conf.prevResult = prev.value;

  if (d.bitSet && conf.externalSetMarkChain !== undefined) return { ok: false, message: 'Cannot specify externalSetMarkChain and markMasqBit' };
  if (conf.markMasqBit < 0 || conf.markMasqBit > 31) return { ok: false, message: 'MasqMarkBit must be between 0 and 31' };
  for (const pm of conf.portMaps) {
    if (pm.containerPort <= 0) return { ok: false, message: `Invalid container port number: ${pm.containerPort}` };
    if (pm.hostPort <= 0) return { ok: false, message: `Invalid host port number: ${pm.hostPort}` };
  }
  if (conf.prevResult) {
    const view = currentView(conf.prevResult);
    for (const ip of view.ips) {
      const v4 = isV4(ip.address);
      if (!v4 && conf.contIPv6 !== undefined) continue;
      if (v4 && conf.contIPv4 !== undefined) continue;
      // Skip known non-sandbox interfaces.
      if (ip.interface !== undefined) {
        const idx = ip.interface;
        if (idx >= 0 && idx < view.interfaces.length && (view.interfaces[idx]!.name !== args.ifName || view.interfaces[idx]!.sandbox === '')) continue;
      }
      if (v4) conf.contIPv4 = ip.address;
      else conf.contIPv6 = ip.address;
    }
  }
  return { ok: true, value: conf };
}
