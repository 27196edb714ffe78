/**
 * The bridge plugin's configuration (bridge.go NetConf and loadNetConf, plugins v1.1.1): defaults,
 * Go's decode type checks, the VLAN range, and the container MAC from CNI_ARGS, args.cni.mac or
 * runtimeConfig.mac (the later one wins).
 */
import type { NetConf as BaseNetConf, Dns } from '../../src/cni/spec.js';
import { BASE_NETCONF_FIELDS, checkFieldTypes, goField, type GoFieldType } from '../lib/netconf-fields.js';
import { goDns } from '../lib/dns.js';

export interface BridgeConf {
  name: string;
  cniVersion: string;
  ipamType: string;
  dns: Dns;
  brName: string;
  isGW: boolean;
  isDefaultGW: boolean;
  forceAddress: boolean;
  ipMasq: boolean;
  mtu: number;
  hairpinMode: boolean;
  promiscMode: boolean;
  vlan: number;
  macSpoofChk: boolean;
  /** The container end's MAC, "" for a random one. */
  mac: string;
}

export type Loaded = { ok: true; conf: BridgeConf } | { ok: false; message: string };

const DEFAULT_BRIDGE = 'cni0';

const FIELDS: Record<string, GoFieldType> = {
  ...BASE_NETCONF_FIELDS,
  bridge: 'string',
  isGateway: 'bool',
  isDefaultGateway: 'bool',
  forceAddress: 'bool',
  ipMasq: 'bool',
  mtu: 'int',
  hairpinMode: 'bool',
  promiscMode: 'bool',
  vlan: 'int',
  macspoofchk: 'bool',
  enabledad: 'bool',
  args: { struct: 'struct { Cni main.BridgeArgs "json:\\"cni,omitempty\\"" }', fields: { cni: { struct: 'main.BridgeArgs', fields: { mac: 'string' } } } },
  runtimeConfig: { struct: 'struct { Mac string "json:\\"mac,omitempty\\"" }', fields: { mac: 'string' } },
};


/** types.UnmarshallableBool: "1"/"true" and "0"/"false", any case. */
function parseArgBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (l === '1' || l === 'true') return true;
  if (l === '0' || l === 'false') return false;
  return undefined;
}

/** types.LoadArgs(CNI_ARGS, &MacEnvArgs{}): "K=V;K=V" with the fields IgnoreUnknown and MAC. */
export function loadMacArgs(envArgs: string): { ok: true; mac: string } | { ok: false; message: string } {
  if (envArgs === '') return { ok: true, mac: '' };
  let mac = '';
  let ignoreUnknown = false;
  const unknown: string[] = [];
  for (const pair of envArgs.split(';')) {
    const kv = pair.split('=');
    if (kv.length !== 2) return { ok: false, message: `ARGS: invalid pair ${JSON.stringify(pair)}` };
    const [k, v] = kv as [string, string];
    if (k === 'MAC') mac = v;
    else if (k === 'IgnoreUnknown') {
      const b = parseArgBool(v);
      if (b === undefined) return { ok: false, message: `ARGS: error parsing value of pair ${JSON.stringify(pair)}: boolean unmarshal error: invalid input ${v.toLowerCase()}` };
      ignoreUnknown = b;
    } else unknown.push(pair);
  }
  if (unknown.length && !ignoreUnknown) return { ok: false, message: `ARGS: unknown args [${unknown.map((u) => JSON.stringify(u)).join(' ')}]` };
  return { ok: true, mac };
}

export function loadBridgeConf(conf: BaseNetConf, envArgs: string): Loaded {
  const raw = conf as unknown as Record<string, unknown>;
  const typeErr = checkFieldTypes(raw, FIELDS);
  if (typeErr) return { ok: false, message: `failed to load netconf: ${typeErr}` };
  const bool = (k: string): boolean => goField(raw, k) === true;
  const int = (k: string): number => {
    const v = goField(raw, k);
    return typeof v === 'number' ? v : 0;
  };
  const vlan = int('vlan');
  if (vlan < 0 || vlan > 4094) return { ok: false, message: `invalid VLAN ID ${vlan} (must be between 0 and 4094)` };

  const args = loadMacArgs(envArgs);
  if (!args.ok) return args;
  let mac = args.mac;
  const cniMac = goField(goField(goField(raw, 'args'), 'cni'), 'mac');
  if (typeof cniMac === 'string' && cniMac !== '') mac = cniMac;
  const rcMac = goField(goField(raw, 'runtimeConfig'), 'mac');
  if (typeof rcMac === 'string' && rcMac !== '') mac = rcMac;
  const ipamType = goField(goField(raw, 'ipam'), 'type');
  const brName = goField(raw, 'bridge');

  return {
    ok: true,
    conf: {
      name: conf.name,
      cniVersion: conf.cniVersion ?? '',
      ipamType: typeof ipamType === 'string' ? ipamType : '',
      dns: goDns(goField(raw, 'dns')),
      // An explicit "" replaces the default in Go too (the field is simply overwritten).
      brName: typeof brName === 'string' ? brName : DEFAULT_BRIDGE,
      isGW: bool('isGateway'),
      isDefaultGW: bool('isDefaultGateway'),
      forceAddress: bool('forceAddress'),
      ipMasq: bool('ipMasq'),
      mtu: int('mtu'),
      hairpinMode: bool('hairpinMode'),
      promiscMode: bool('promiscMode'),
      vlan,
      macSpoofChk: bool('macspoofchk'),
      mac,
    },
  };
}
