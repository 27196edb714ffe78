/**
 * Every reason the stack drops a packet, named after the kernel's SKB_DROP_REASON_* where one
 * exists, so a trace says exactly which check refused it.
 */
export const DROP = {
  NOT_SPECIFIED: 'drop:not-specified',
  DEV_DOWN: 'drop:dev-down',
  NO_CARRIER: 'drop:no-carrier',
  OTHERHOST: 'drop:pkt-otherhost',
  IP_CSUM: 'drop:ip-csum',
  IP_INHDR: 'drop:ip-inhdr',
  MARTIAN_SOURCE: 'drop:martian-source',
  MARTIAN_DEST: 'drop:martian-destination',
  RP_FILTER: 'drop:ip-rpfilter',
  NO_ROUTE: 'drop:ip-inaddrerrors',
  OUTNOROUTES: 'drop:ip-outnoroutes',
  BLACKHOLE: 'drop:blackhole',
  UNREACHABLE: 'drop:unreachable-route',
  PROHIBIT: 'drop:prohibit-route',
  FORWARDING_DISABLED: 'drop:forwarding-disabled',
  TTL_EXCEEDED: 'drop:ip-ttl-exceeded',
  FRAG_NEEDED: 'drop:pkt-too-big',
  NEIGH_FAILED: 'drop:neigh-failed',
  NEIGH_QUEUEFULL: 'drop:neigh-queuefull',
  NETFILTER: 'drop:netfilter-drop',
  NO_SOCKET: 'drop:no-socket',
  BR_PORT_DISABLED: 'drop:bridge-port-disabled',
  BR_NO_HAIRPIN: 'drop:bridge-no-hairpin',
  BR_LOCAL_SRC: 'drop:bridge-own-src-mac',
  ICMP_IGNORED: 'drop:icmp-ignored',
  TCP_NO_LISTENER: 'drop:tcp-no-socket',
  ARP_IGNORED: 'drop:arp-ignored',
  MTU_EXCEEDED: 'drop:mtu-exceeded',
  BR_NF_FRAG_FAILS: 'drop:bridge-nf-frag-df',
  REASM_TIMEOUT: 'drop:frag-reasm-timeout',
  NO_PEER: 'drop:veth-no-peer',
} as const;

export type DropReason = (typeof DROP)[keyof typeof DROP];
