/**
 * The CNI specification's data shapes (spec 1.1.0, with the 0.x/1.0.0 forms plugins still speak):
 * network configurations, results, errors and the reserved error codes. Plugins and the runtime
 * both build on these; nothing here touches a host.
 */

/** Reserved error codes (SPEC.md "Error"); 1-99 are the spec's, 100+ are the plugin's own. */
export const CniErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironmentVariables: 4,
  IOFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  TryAgainLater: 11,
  /** 1.1.0: STATUS says the plugin cannot yet serve ADDs. */
  PluginNotAvailable: 50,
  LimitedConnectivity: 51,
  NoConnectivity: 52,
  /** What libcni and the reference plugins use for "anything else" (types.ErrInternal). */
  Internal: 999,
} as const;

/** The error object a plugin prints on stdout with a non-zero exit status. */
export interface CniError {
  /** Set by the runtime when it relays a plugin's error; plugins print it too from 1.0.0 on. */
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

export interface IpamConfig {
  type: string;
  [key: string]: unknown;
}

/** One plugin's configuration as it reaches the plugin on stdin. */
export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  capabilities?: Record<string, boolean>;
  ipam?: IpamConfig;
  dns?: Dns;
  runtimeConfig?: Record<string, unknown>;
  prevResult?: unknown;
  /** 1.1.0 */
  cniVersions?: string[];
  disableCheck?: boolean;
  disableGC?: boolean;
  [key: string]: unknown;
}

/** A network configuration list (.conflist). */
export interface NetConfList {
  cniVersion: string;
  cniVersions?: string[];
  name: string;
  disableCheck?: boolean;
  disableGC?: boolean;
  plugins: Record<string, unknown>[];
}

export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface ResultInterface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

/** 1.0.0+ form: no "version" field; `interface` indexes Result.interfaces. */
export interface ResultIp {
  interface?: number;
  address: string;
  gateway?: string;
}

export interface ResultRoute {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

/** The current (1.x) result; converted to the 0.3.x/0.4.0 shape on output when the config asks. */
export interface CniResult {
  cniVersion: string;
  interfaces?: ResultInterface[];
  ips?: ResultIp[];
  routes?: ResultRoute[];
  dns: Dns;
}

/** VERSION's answer. */
export interface VersionInfo {
  cniVersion: string;
  supportedVersions: string[];
}
