/**
 * The visible traces of IPv6 that IPv4-only podnet still owes the tools (net/ipv6/addrconf.c):
 * ::1 on an up loopback, an EUI-64 link-local address once a device is up with carrier (tentative
 * during duplicate address detection), and the multicast MACs devices join, which
 * `bridge fdb show` lists as "self permanent". No IPv6 packets are sent.
 */
import type { AddrInfo, FdbInfo } from './api.js';
import type { NetDevice } from './netdevice.js';
import { dfltFdbEntries } from './dev_addr_lists.js';

/** Per-device addrconf state, kept on the device. */
export interface Addrconf {
  /** fe80::/64 address, from the MAC the device had when it was created. */
  ll: string | undefined;
  llMac: string | undefined;
  /** Virtual time DAD finishes (the address is "tentative" before). */
  dadDone: number;
  /** The device has been administratively down after having been up (all-nodes group left). */
  downAfterUp: boolean;
}

const ETHERNET_KINDS = new Set(['veth', 'bridge', 'ether', 'dummy']);

export function addrconfOf(dev: NetDevice): Addrconf {
  let a = dev.addrconf;
  if (!a) {
    a = { ll: undefined, llMac: undefined, dadDone: 0, downAfterUp: false };
    dev.addrconf = a;
  }
  return a;
}

/** EUI-64 interface identifier: flip the universal/local bit, insert ff:fe (RFC 4291 appendix A). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const words = [(((b[0]! ^ 2) << 8) | b[1]!), ((b[2]! << 8) | 0xff), ((0xfe << 8) | b[3]!), ((b[4]! << 8) | b[5]!)];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

/** addrconf_notify(NETDEV_UP / NETDEV_CHANGE): a link-local address appears once the link is ready. */
export function addrconfLinkReady(dev: NetDevice): void {
  if (!ETHERNET_KINDS.has(dev.kind) || !dev.adminUp || !dev.carrier()) return;
  const a = addrconfOf(dev);
  if (a.ll) return;
  a.ll = linkLocalFromMac(dev.mac);
  a.llMac = dev.mac;
  // addrconf_dad_kick: a random delay below rtr_solicit_delay (1 s), then one probe and 1 s wait.
  a.dadDone = dev.net.env.now() + Math.floor(dev.net.env.random() * 1000) + 1000;
}

/** addrconf_ifdown on NETDEV_DOWN: the link-local address and the device's groups go. */
export function addrconfDown(dev: NetDevice): void {
  const a = addrconfOf(dev);
  a.ll = undefined;
  a.llMac = undefined;
  a.downAfterUp = true;
}

export function inet6Addrs(dev: NetDevice): AddrInfo[] {
  const base = { ifindex: dev.ifindex, dev: dev.name, family: 'inet6' as const, secondary: false, label: '', noprefixroute: false, validLft: 'forever' as const, preferredLft: 'forever' as const };
  if (dev.kind === 'loopback') return dev.adminUp ? [{ ...base, local: '::1', prefixLen: 128, scope: 'host' }] : [];
  const a = dev.addrconf;
  if (!a?.ll) return [];
  const tentative = dev.net.env.now() < a.dadDone;
  return [{ ...base, local: a.ll, prefixLen: 64, scope: 'link', ...(tentative ? { flags: ['tentative'] } : {}) }];
}

/** The device's multicast list as ndo_dflt_fdb_dump shows it, in the order the groups are joined. */
export function selfFdbEntries(dev: NetDevice): FdbInfo[] {
  if (!ETHERNET_KINDS.has(dev.kind)) return [];
  const a = dev.addrconf;
  const macs: string[] = [];
  // ff02::1 is joined when IPv6 attaches to the device (registration) and left on NETDEV_DOWN.
  if (dev.adminUp || !a?.downAfterUp) macs.push('33:33:00:00:00:01');
  if (dev.adminUp && dev.kind === 'bridge') macs.push('01:00:5e:00:00:6a', '33:33:00:00:00:6a');
  if (dev.adminUp) macs.push('01:00:5e:00:00:01');
  if (a?.llMac) macs.push(`33:33:ff:${a.llMac.slice(9)}`);
  // Addresses added by `bridge fdb add` (ndo_dflt_fdb_add): the unicast list is dumped first.
  const extra = dfltFdbEntries(dev);
  return [...extra.uc, ...macs.map((mac) => ({ mac, dev: dev.name, state: 'permanent' as const, self: true, local: false })), ...extra.mc];
}
