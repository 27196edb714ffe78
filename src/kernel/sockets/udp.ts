/**
 * UDP sockets: bind (with EADDRINUSE / EADDRNOTAVAIL), connect-time routing and ephemeral ports,
 * datagrams with IP fragmentation left to the IP layer, and ICMP errors queued as SO_ERROR (a port
 * unreachable surfaces as ECONNREFUSED, as on Linux, only for connected sockets).
 */
import type { Net } from '../netns.js';
import type { SocketError, UdpSocket } from '../api.js';
import { kerr, kok, type KResult } from '../errno.js';
import { ipRouteOutput, routeMtu } from '../route.js';
import { ipHeader, ipLocalOut } from '../ip_output.js';
import { IPPROTO_UDP, newSkb, type SkBuff } from '../skb.js';
import { formatIpv4, parseIpv4 } from '../../wire/addr.js';
import type { UdpSockInternal } from './table.js';

export function createUdpSocket(net: Net): UdpSocket {
  let msgCb: ((data: Uint8Array, from: { addr: string; port: number }) => void) | undefined;
  let errCb: ((e: SocketError) => void) | undefined;
  let pending: SocketError | undefined;
  let closed = false;
  const self: UdpSockInternal = {
    addr: 0,
    port: 0,
    bindDevIndex: 0,
    remote: 0,
    rport: 0,
    rcv(skb: SkBuff) {
      if (!closed) msgCb?.(skb.payload, { addr: formatIpv4(skb.ip!.src), port: skb.udp!.sport });
    },
    rcvError(e: SocketError) {
      // __udp4_lib_err: unconnected sockets without IP_RECVERR ignore ICMP errors.
      if (closed || !self.remote) return;
      pending = e;
      errCb?.(e);
    },
  };
  const table = net.sockets.udp;
  const register = (): void => {
    const list = table.get(self.port) ?? [];
    list.push(self);
    table.set(self.port, list);
  };
  const inUse = (port: number, addr: number): boolean => (table.get(port) ?? []).some((s) => s !== self && (!s.addr || !addr || s.addr === addr));
  const autobind = (): boolean => {
    if (self.port) return true;
    const p = net.sockets.ephemeralPort((q) => inUse(q, self.addr));
    if (p === undefined) return false;
    self.port = p;
    register();
    return true;
  };

  return {
    bind(addr: string, port: number): KResult<{ addr: string; port: number }> {
      if (self.port) return kerr('EINVAL');
      const a = parseIpv4(addr);
      if (a === undefined || !Number.isInteger(port) || port < 0 || port > 65535) return kerr('EINVAL');
      if (a !== 0 && !net.addrOwner(a) && a >>> 24 !== 127) return kerr('EADDRNOTAVAIL');
      self.addr = a;
      if (port === 0) {
        if (!autobind()) return kerr('EADDRINUSE');
      } else {
        if (inUse(port, a)) return kerr('EADDRINUSE');
        self.port = port;
        register();
      }
      return kok({ addr: formatIpv4(self.addr), port: self.port });
    },
    connect(dst: string, port: number): KResult<{ src: string; sport: number }> {
      const d = parseIpv4(dst);
      if (d === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return kerr('EINVAL');
      const r = ipRouteOutput(net, { daddr: d, saddr: self.addr, oif: self.bindDevIndex, tos: 0, mark: 0 });
      if ('error' in r) return kerr(r.error);
      if (r.rt.broadcast) return kerr('EACCES');
      if (!autobind()) return kerr('EADDRINUSE');
      self.remote = d;
      self.rport = port;
      return kok({ src: formatIpv4(self.addr || r.rt.src), sport: self.port });
    },
    send(data: Uint8Array, to?: { addr: string; port: number }): KResult<void> {
      if (closed) return kerr('EINVAL');
      let daddr = self.remote;
      let dport = self.rport;
      if (to) {
        const d = parseIpv4(to.addr);
        if (d === undefined) return kerr('EINVAL');
        daddr = d;
        dport = to.port;
      }
      if (!daddr) return kerr('EINVAL');
      // A queued ICMP error is reported by the next call (sock_error), then cleared.
      if (pending && self.remote) {
        const e = pending;
        pending = undefined;
        return kerr(e.errno);
      }
      const r = ipRouteOutput(net, { daddr, saddr: self.addr, oif: self.bindDevIndex, tos: 0, mark: 0 });
      if ('error' in r) return kerr(r.error);
      if (r.rt.broadcast) return kerr('EACCES');
      if (!autobind()) return kerr('EADDRINUSE');
      if (data.length + 28 > 65535) return kerr('EMSGSIZE');
      const skb = newSkb();
      skb.udp = { sport: self.port, dport };
      skb.payload = data;
      // IP_PMTUDISC_WANT (the default): DF when the datagram fits the path MTU.
      const mtu = r.rt.dev.kind === 'loopback' ? r.rt.dev.mtu : routeMtu(net, r.rt);
      ipHeader(net, skb, self.addr || r.rt.src, daddr, IPPROTO_UDP, net.defaultTtl(), 0, data.length + 28 <= mtu && !net.globalNum('net.ipv4.ip_no_pmtu_disc'));
      net.trace('socket', 'send', `udp ${formatIpv4(skb.ip!.src)}:${self.port} -> ${formatIpv4(daddr)}:${dport} (${data.length} bytes)`, r.rt.dev, skb);
      ipLocalOut(net, skb, r.rt);
      return kok(undefined);
    },
    onMessage(cb) {
      msgCb = cb;
    },
    onError(cb) {
      errCb = cb;
    },
    pendingError() {
      return pending;
    },
    close() {
      closed = true;
      const list = table.get(self.port);
      if (list) {
        const rest = list.filter((s) => s !== self);
        if (rest.length) table.set(self.port, rest);
        else table.delete(self.port);
      }
    },
  };
}
