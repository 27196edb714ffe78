/**
 * A device's extra unicast and multicast address lists (dev_uc_add / dev_mc_add) as the generic
 * FDB operations fill them (ndo_dflt_fdb_add / _del / _dump in net/core/rtnetlink.c): what
 * `bridge fdb add MAC dev DEV` does to a device that has no FDB of its own and no master bridge.
 */
import type { FdbInfo, FdbRequest } from './api.js';
import { kerr, kok, type KResult } from './errno.js';
import type { NetDevice } from './netdevice.js';
import { parseMac } from '../wire/addr.js';

interface Lists {
  uc: string[];
  mc: string[];
}

const lists = new WeakMap<NetDevice, Lists>();

const isMulticastMac = (mac: string): boolean => (parseInt(mac.slice(0, 2), 16) & 1) === 1;
/** is_link_local_ether_addr: 01:80:c2:00:00:0X goes to the unicast list although multicast. */
const isLinkLocalMac = (mac: string): boolean => /^01:80:c2:00:00:0[0-9a-f]$/.test(mac);

function listFor(dev: NetDevice, mac: string): string[] {
  let l = lists.get(dev);
  if (!l) lists.set(dev, (l = { uc: [], mc: [] }));
  return !isMulticastMac(mac) || isLinkLocalMac(mac) ? l.uc : l.mc;
}

/** ndo_dflt_fdb_add: only permanent entries; a duplicate is an error only for an exclusive add. */
export function dfltFdbAdd(dev: NetDevice, req: FdbRequest, mode: 'add' | 'append' | 'replace'): KResult<void> {
  const mac = parseMac(req.mac);
  if (!mac) return kerr('EINVAL');
  // "FDB only supports static addresses": NUD_PERMANENT is required.
  if (req.state !== undefined && req.state !== 'permanent') return kerr('EINVAL');
  const list = listFor(dev, mac);
  if (list.includes(mac)) return mode === 'add' ? kerr('EEXIST') : kok(undefined);
  list.push(mac);
  return kok(undefined);
}

/** ndo_dflt_fdb_del. */
export function dfltFdbDel(dev: NetDevice, req: FdbRequest): KResult<void> {
  const mac = parseMac(req.mac);
  if (!mac) return kerr('EINVAL');
  if (req.state !== undefined && req.state !== 'permanent') return kerr('EINVAL');
  const list = listFor(dev, mac);
  const i = list.indexOf(mac);
  if (i < 0) return kerr('ENOENT');
  list.splice(i, 1);
  return kok(undefined);
}

/** ndo_dflt_fdb_dump's share from these lists: the unicast list first, extra multicast after. */
export function dfltFdbEntries(dev: NetDevice): { uc: FdbInfo[]; mc: FdbInfo[] } {
  const l = lists.get(dev);
  const row = (mac: string): FdbInfo => ({ mac, dev: dev.name, state: 'permanent', self: true, local: false });
  return { uc: (l?.uc ?? []).map(row), mc: (l?.mc ?? []).map(row) };
}
