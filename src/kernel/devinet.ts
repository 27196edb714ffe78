/**
 * IPv4 per-device configuration (struct in_device): the ordered address list (in_ifaddr) and the
 * conf.* knobs, with the kernel's rules for combining "all" and per-device values.
 */
import type { NetDevice } from './netdevice.js';

/** RT_SCOPE_* numeric values: smaller is wider. */
export const enum Scope {
  UNIVERSE = 0,
  SITE = 200,
  LINK = 253,
  HOST = 254,
  NOWHERE = 255,
}

export function scopeFromName(s: string | undefined): Scope {
  switch (s) {
    case 'host':
      return Scope.HOST;
    case 'link':
      return Scope.LINK;
    case 'site':
      return Scope.SITE;
    case 'nowhere':
      return Scope.NOWHERE;
    default:
      return Scope.UNIVERSE;
  }
}

export function scopeName(s: number): 'global' | 'link' | 'host' | 'site' | 'nowhere' {
  switch (s) {
    case Scope.HOST:
      return 'host';
    case Scope.LINK:
      return 'link';
    case Scope.SITE:
      return 'site';
    case Scope.NOWHERE:
      return 'nowhere';
    default:
      return 'global';
  }
}

export interface IfAddr {
  dev: NetDevice;
  local: number;
  /** IFA_ADDRESS: the peer for point-to-point, else equal to local. */
  address: number;
  prefixLen: number;
  mask: number;
  /** 0 when none was given. */
  broadcast: number;
  scope: Scope;
  secondary: boolean;
  label: string;
  noprefixroute: boolean;
  hasPeer: boolean;
}

/** Per-device IPv4 conf defaults (kernel IPV4_DEVCONF defaults as a fresh namespace shows them). */
export const DEVCONF_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ['accept_local', '0'],
  ['accept_redirects', '1'],
  ['accept_source_route', '1'],
  ['arp_accept', '0'],
  ['arp_announce', '0'],
  ['arp_evict_nocarrier', '1'],
  ['arp_filter', '0'],
  ['arp_ignore', '0'],
  ['arp_notify', '0'],
  ['bc_forwarding', '0'],
  ['bootp_relay', '0'],
  ['disable_policy', '0'],
  ['disable_xfrm', '0'],
  ['drop_gratuitous_arp', '0'],
  ['drop_unicast_in_l2_multicast', '0'],
  ['force_igmp_version', '0'],
  ['forwarding', '0'],
  ['igmpv2_unsolicited_report_interval', '10000'],
  ['igmpv3_unsolicited_report_interval', '1000'],
  ['ignore_routes_with_linkdown', '0'],
  ['log_martians', '0'],
  ['mc_forwarding', '0'],
  ['medium_id', '0'],
  ['promote_secondaries', '0'],
  ['proxy_arp', '0'],
  ['proxy_arp_pvlan', '0'],
  ['route_localnet', '0'],
  ['rp_filter', '0'],
  ['secure_redirects', '1'],
  ['send_redirects', '1'],
  ['shared_media', '1'],
  ['src_valid_mark', '0'],
  ['tag', '0'],
];

/**
 * A sysctl directory: the strings /proc prints plus their integer values, kept in step on every
 * write so the packet path reads a number instead of parsing text per packet.
 */
export class ConfMap extends Map<string, string> {
  readonly n: Record<string, number> = Object.create(null) as Record<string, number>;
  onChange: (() => void) | undefined;
  constructor(entries?: Iterable<readonly [string, string]>) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }
  override set(k: string, v: string): this {
    super.set(k, v);
    // During super() construction the field is not there yet; the constructor refills afterwards.
    if (this.n) this.n[k] = Number(v) | 0;
    this.onChange?.();
    return this;
  }
}

/** `conf/all` differs from the per-device defaults only in accept_source_route. */
export function newDevConf(isAll = false): ConfMap {
  const m = new ConfMap(DEVCONF_DEFAULTS);
  if (isAll) m.set('accept_source_route', '0');
  return m;
}

export class InDevice {
  addrs: IfAddr[] = [];
  constructor(
    public dev: NetDevice,
    public conf: ConfMap,
  ) {}

  /** First primary address (the one `ip route` uses as src for the device's routes). */
  primary(): IfAddr | undefined {
    for (const a of this.addrs) if (!a.secondary) return a;
    return undefined;
  }
}

export function confNum(conf: ConfMap, key: string): number {
  return conf.n[key] ?? 0;
}

/** Does `addr` fall inside ifa's subnet (inet_ifa_match)? */
export function ifaMatch(addr: number, ifa: IfAddr): boolean {
  return ((addr ^ ifa.address) & ifa.mask) === 0;
}
