/**
 * Veth pairs as the reference plugins make and remove them (pkg/ip/link_linux.go, plugins v1.1.1):
 * the container end named CNI_IFNAME inside the container's namespace, the host end "veth" plus 8
 * random hex digits in the host's, up on the host side; and deletion by name, returning the global
 * unicast addresses the link carried (for the masquerade teardown).
 */
import type { ExecContext } from '../../src/commands/types.js';
import type { LinkInfo, Netlink } from '../../src/kernel/api.js';
import { parseMac } from '../../src/wire/addr.js';
import { goErrnoText } from './go-errors.js';

export type VethResult = { ok: true; host: LinkInfo; cont: LinkInfo } | { ok: false; message: string };

/** ip.RandomVethName: "veth" and 4 random bytes in hex (seeded here, crypto/rand there). */
export function randomVethName(ctx: ExecContext): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += Math.floor(ctx.world.random() * 256).toString(16).padStart(2, '0');
  return `veth${hex}`;
}

export interface VethRequest {
  /** The host's root namespace and the container's. */
  host: Netlink;
  cont: Netlink;
  contNetns: string;
  ifName: string;
  /** 0 = the kernel's default. */
  mtu: number;
  /** The container end's MAC, "" for a random one. */
  mac: string;
  /** A fixed host-side name (SetupVethWithName); "" draws random names. */
  hostVethName?: string;
}

/**
 * ip.SetupVeth: makeVeth (up to 10 draws of the host name), then the host end up and its
 * accept_ra off. The real plugin creates the pair from inside the container with the peer in the
 * host; podnet creates it from the host side with the same two names, which the kernel treats alike
 * (either end's EEXIST fails the whole request).
 */
export function setupVeth(ctx: ExecContext, req: VethRequest): VethResult {
  let mac: string | undefined;
  if (req.mac !== '') {
    mac = parseMac(req.mac);
    // net.ParseMAC's error, which makeVeth wraps like any other (recorded: args.cni.mac "zz").
    if (!mac) return { ok: false, message: `failed to make veth pair: address ${req.mac}: invalid MAC address` };
  }
  let hostName = '';
  let made: LinkInfo | undefined;
  for (let i = 0; i < 10 && !made; i++) {
    hostName = req.hostVethName || randomVethName(ctx);
    const r = req.host.linkAdd({
      kind: 'veth',
      name: hostName,
      peerName: req.ifName,
      peerNetns: req.contNetns,
      ...(req.mtu > 0 ? { mtu: req.mtu } : {}),
      ...(mac ? { peerAddress: mac } : {}),
      // LinkAttrs.TxQLen is left 0 by SetupVeth, and vishvananda/netlink sends IFLA_TXQLEN 0 for
      // the device and its peer: CNI veths have no queue ("qlen" absent from `ip link`, recorded).
      txqlen: 0,
      peerTxqlen: 0,
    });
    if (r.ok) {
      made = r.value;
      break;
    }
    if (r.error.errno === 'EEXIST') {
      // makeVeth retries only when the random name is taken — and it looks for that name in the
      // container's namespace (where it runs), so a clash in the host ends here too.
      if (!req.hostVethName && req.cont.linkGet(hostName)) continue;
      return { ok: false, message: `container veth name provided (${req.ifName}) already exists` };
    }
    return { ok: false, message: `failed to make veth pair: ${goErrnoText(r.error.errno)}` };
  }
  if (!made) return { ok: false, message: 'failed to find a unique veth name' };
  // vishvananda/netlink sends the MTU in the peer's attributes too, so both ends get it.
  if (req.mtu > 0) req.cont.linkSet(req.ifName, { mtu: req.mtu });
  const up = req.host.linkSet(hostName, { up: true });
  if (!up.ok) return { ok: false, message: `failed to set "${hostName}" up: ${goErrnoText(up.error.errno)}` };
  // "we want to own the routes for this interface"; the error is ignored as upstream does.
  req.host.sysctlSet(`net/ipv6/conf/${hostName}/accept_ra`, '0');
  const host = req.host.linkGet(hostName);
  const cont = req.cont.linkGet(req.ifName);
  if (!host || !cont) return { ok: false, message: `failed to lookup "${hostName}": Link not found` };
  return { ok: true, host, cont };
}

export type DelResult = { ok: true; found: true; addrs: string[] } | { ok: true; found: false } | { ok: false; message: string };

/** ip.DelLinkByNameAddr: delete IFNAME, returning its global unicast addresses as "ip/len". */
export function delLinkByNameAddr(nl: Netlink, ifName: string): DelResult {
  if (!nl.linkGet(ifName)) return { ok: true, found: false };
  const addrs = nl
    .addrList({ dev: ifName })
    .filter((a) => isGlobalUnicast(a.local))
    .map((a) => `${a.local}/${a.prefixLen}`);
  const r = nl.linkDel(ifName);
  if (!r.ok) return { ok: false, message: `failed to delete "${ifName}": ${goErrnoText(r.error.errno)}` };
  return { ok: true, found: true, addrs };
}

/** net.IP.IsGlobalUnicast for IPv4: not unspecified, loopback, multicast, link-local or broadcast. */
function isGlobalUnicast(ip: string): boolean {
  if (ip.includes(':')) return !/^(::1?|fe80:|ff)/i.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  if (ip === '255.255.255.255' || ip === '0.0.0.0') return false;
  if (a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  return true;
}
