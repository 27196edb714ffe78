/**
 * The bridge plugin's host-side link work (bridge.go, plugins v1.1.1): ensureBridge/bridgeByName,
 * attaching the host veth as a bridge port with its hairpin setting, and ensureAddr (the gateway
 * address on the bridge, replacing a different one only with forceAddress).
 */
import type { LinkInfo, Netlink } from '../../src/kernel/api.js';
import { formatIpv4, parseCidr } from '../../src/wire/addr.js';
import { goErrnoText } from '../lib/go-errors.js';

export type Step<T = void> = { ok: true; value: T } | { ok: false; message: string };
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** bridgeByName: the link must exist and be a bridge. */
export function bridgeByName(nl: Netlink, name: string): Step<LinkInfo> {
  const l = nl.linkGet(name);
  if (!l) return fail(`could not lookup "${name}": Link not found`);
  if (l.kind !== 'bridge') return fail(`"${name}" already exists but is not a bridge`);
  return { ok: true, value: l };
}

/**
 * ensureBridge: create it (an existing one is fine), promiscuous when asked, check it is a
 * bridge, accept_ra off (errors ignored), up. Errors come back unwrapped; setupBridge wraps them.
 */
/**
 * VLAN filtering (the vlan option): the oracle's kernel (Debian's Linux 6.1 as the reference plugins
 * were recorded on) is built without CONFIG_BRIDGE_VLAN_FILTERING, so a new bridge asked for
 * IFLA_BR_VLAN_FILTERING and a port VLAN add (RTM_SETLINK AF_BRIDGE) both answer EOPNOTSUPP; podnet's
 * kernel API has no VLAN calls, so the answer is given here. Recorded texts:
 *   failed to create bridge "cni0": could not add "cni0": operation not supported
 *   failed to setup vlan tag on interface "vethXXXXXXXX": operation not supported (existing bridge)
 */
const VLAN_FILTERING_ERRNO = 'EOPNOTSUPP' as const;

export function ensureBridge(nl: Netlink, brName: string, mtu: number, promiscMode: boolean, vlanFiltering = false): Step<LinkInfo> {
  const existed = nl.linkGet(brName) !== undefined;
  const r = nl.linkAdd({ kind: 'bridge', name: brName, ...(mtu > 0 ? { mtu } : {}) });
  if (vlanFiltering && !existed && r.ok) {
    // br_dev_newlink registers the device before br_changelink refuses the VLAN option, then
    // unregisters it: nothing is left but a used ifindex (the next device's number shows it).
    nl.linkDel(brName);
    return fail(`could not add "${brName}": ${goErrnoText(VLAN_FILTERING_ERRNO)}`);
  }
  if (!r.ok && r.error.errno !== 'EEXIST') return fail(`could not add "${brName}": ${goErrnoText(r.error.errno)}`);
  if (promiscMode) {
    const p = nl.linkSet(brName, { promisc: true });
    if (!p.ok) return fail(`could not set promiscuous mode on "${brName}": ${goErrnoText(p.error.errno)}`);
  }
  const br = bridgeByName(nl, brName);
  if (!br.ok) return br;
  nl.sysctlSet(`net/ipv6/conf/${brName}/accept_ra`, '0');
  const up = nl.linkSet(brName, { up: true });
  if (!up.ok) return fail(goErrnoText(up.error.errno));
  return br;
}

/** The bridge half of bridge.go setupVeth: master, hairpin (set either way), the port's VLAN. */
export function attachToBridge(nl: Netlink, hostVeth: string, brName: string, hairpin: boolean, vlanId = 0): Step {
  const m = nl.linkSet(hostVeth, { master: brName });
  if (!m.ok) return fail(`failed to connect "${hostVeth}" to bridge ${brName}: ${goErrnoText(m.error.errno)}`);
  const h = nl.linkSet(hostVeth, { brport: { hairpin } });
  if (!h.ok) return fail(`failed to setup hairpin mode for ${hostVeth}: ${goErrnoText(h.error.errno)}`);
  if (vlanId !== 0) return fail(`failed to setup vlan tag on interface "${hostVeth}": ${goErrnoText(VLAN_FILTERING_ERRNO)}`);
  return { ok: true, value: undefined };
}

/**
 * ensureAddr for IPv4: nothing to do when the bridge has exactly GW ("ip/len" as net.IPNet prints
 * it); any other IPv4 address is an error, or is removed with forceAddress. Then the address is
 * added and the bridge's MAC is set to BRIDGEMAC (its own, read before the first port joined), so
 * it no longer follows its ports' addresses.
 */
export function ensureAddr(nl: Netlink, br: string, gw: string, forceAddress: boolean, bridgeMac: string): Step {
  const want = parseCidr(gw);
  if (!want) return fail(`could not add IP address to "${br}": invalid argument`);
  for (const a of nl.addrList({ dev: br }).filter((x) => x.family === 'inet')) {
    const have = `${a.local}/${a.prefixLen}`;
    if (have === gw) return { ok: true, value: undefined };
    if (!forceAddress) return fail(`"${br}" already has an IP address different from ${gw}`);
    const d = nl.addrDel({ dev: br, local: a.local, prefixLen: a.prefixLen });
    if (!d.ok) return fail(`could not remove IP address from "${br}": ${goErrnoText(d.error.errno)}`);
  }
  const r = nl.addrAdd({ dev: br, local: formatIpv4(want.addr), prefixLen: want.len, ...(want.len < 31 ? { broadcast: '+' } : {}) });
  if (!r.ok && r.error.errno !== 'EEXIST') return fail(`could not add IP address to "${br}": ${goErrnoText(r.error.errno)}`);
  const m = nl.linkSet(br, { address: bridgeMac });
  if (!m.ok) return fail(`could not set bridge's mac: ${goErrnoText(m.error.errno)}`);
  return { ok: true, value: undefined };
}
