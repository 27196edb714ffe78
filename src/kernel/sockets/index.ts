/**
 * The Sockets face of one namespace: what applications (ping, nc, DNS) open.
 */
import type { Net } from '../netns.js';
import type { Sockets } from '../api.js';
import { createPingSocket } from './ping.js';
import { createUdpSocket } from './udp.js';
import { tcpConnect, tcpListen } from './tcp.js';

export function createSockets(net: Net): Sockets {
  return {
    ping: (opts) => createPingSocket(net, opts),
    udp: () => createUdpSocket(net),
    tcpListen: (addr, port, onAccept) => tcpListen(net, addr, port, onAccept),
    tcpConnect: (dst, port, cb, opts) => tcpConnect(net, dst, port, cb, opts),
  };
}
