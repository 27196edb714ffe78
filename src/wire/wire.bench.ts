/** Per-packet costs of the wire codecs on the hot path (`npx vitest bench src/wire`). */
import { bench, describe } from 'vitest';
import * as F from './testdata/linux-frames.js';
import { decodeEthernet, encodeEthernet } from './ethernet.js';
import { decodeIpv4, decrementTtl, encodeIpv4, type Ipv4Repr } from './ipv4.js';
import { decodeTcp, encodeTcp, type TcpRepr } from './tcp.js';
import { summarizeFrame } from './summary.js';
import { internetChecksum } from './checksum.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const syn = hex(F.tcpPshData);
const eth = decodeEthernet(syn) as { repr: { dst: string; src: string; ethertype: number }; payload: Uint8Array };
const ip = decodeIpv4(eth.payload) as { repr: Ipv4Repr; payload: Uint8Array };
const tcp = decodeTcp(ip.payload, ip.repr.src, ip.repr.dst) as { repr: TcpRepr; payload: Uint8Array };
const big = new Uint8Array(1500);

describe('wire', () => {
  bench('decode eth+ipv4+tcp', () => {
    const e = decodeEthernet(syn) as typeof eth;
    const i = decodeIpv4(e.payload) as typeof ip;
    decodeTcp(i.payload, i.repr.src, i.repr.dst);
  });
  bench('encode eth+ipv4+tcp', () => {
    encodeEthernet(eth.repr, encodeIpv4(ip.repr, encodeTcp(tcp.repr, tcp.payload, ip.repr.src, ip.repr.dst)));
  });
  bench('decrementTtl', () => {
    const b = eth.payload;
    decrementTtl(b);
    b[8] = 64;
  });
  bench('checksum 1500 bytes', () => {
    internetChecksum(big);
  });
  bench('summarizeFrame tcp', () => {
    summarizeFrame(syn);
  });
});
