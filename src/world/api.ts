/**
 * The world as the layers above see it: hosts with their namespaces, virtual time, and the taps
 * (trace, frames) that analysis and pcap hang off. Implemented in world.ts; declared here so that
 * commands/, cni/ and cluster/ depend on a contract, not on internals.
 */
import type { KResult } from '../kernel/errno.js';
import type { Netlink, Sockets } from '../kernel/api.js';
import type { HostFs } from './fs.js';

/** What a packet-path stage decided; every drop has its own name (see kernel/drops.ts). */
export type TraceStage =
  | 'tx' // a frame left a device
  | 'rx' // a frame arrived on a device
  | 'arp' // ARP request/reply sent or received
  | 'neigh' // neighbour lookup / state change
  | 'bridge' // bridge forwarding decision (learn, forward, flood, hairpin, drop)
  | 'route' // FIB lookup
  | 'forward' // ip_forward decision, TTL
  | 'local' // local delivery to a socket
  | 'icmp' // ICMP error generated
  | 'socket' // an application sent or received
  | 'netfilter' // a hook / rule verdict
  | 'conntrack'
  | 'ipvs' // IPVS scheduling, connection and reply decisions
  | 'encap'
  | 'decap'
  | 'drop';

export interface TraceEvent {
  /** Virtual time, ms. */
  t: number;
  host: string;
  /** Namespace name, or "(root)" for the host's root namespace. */
  netns: string;
  dev?: string;
  stage: TraceStage;
  /** Short decision word: "forward", "flood", "deliver", "drop:no-route", "reply", ... */
  verdict: string;
  /** Human sentence with the facts behind the decision. */
  detail: string;
  /** One-line packet summary, tcpdump-like. */
  packet?: string;
}

export interface FrameEvent {
  t: number;
  host: string;
  netns: string;
  dev: string;
  direction: 'in' | 'out';
  /** The frame exactly as on the wire (Ethernet header first; loopback frames too, as Linux's lo). */
  bytes: Uint8Array;
}

export interface NetnsEntry {
  name: string;
  /** The nsid the root namespace assigned, printed by `ip netns list` as "(id: N)". */
  id?: number;
}

export interface Host {
  readonly name: string;
  /** Control interface for a namespace; undefined = the host's root namespace. ENOENT when no such netns. */
  netlink(netns?: string): KResult<Netlink>;
  sockets(netns?: string): KResult<Sockets>;
  netnsAdd(name: string): KResult<void>;
  netnsDel(name: string): KResult<void>;
  netnsList(): NetnsEntry[];
  /**
   * The machine's file system (/etc/cni/net.d, /opt/cni/bin, /var/lib/cni, /run/...): one per host,
   * shared by every process on it, so a CNI plugin's IPAM files are there for the next command.
   */
  readonly fs: HostFs;
}

export interface World {
  readonly seed: number;
  /** Virtual time in ms since the world began. */
  now(): number;
  addHost(name: string): Host;
  host(name: string): Host | undefined;
  hosts(): Host[];
  /** Advance virtual time by ms, running every event due. */
  runFor(ms: number): void;
  /** Run events until pred() holds or maxMs of virtual time passed; returns pred(). */
  runUntil(pred: () => boolean, maxMs: number): boolean;
  /** Run until no event is pending (bounded by maxMs, default 60 s). */
  runUntilIdle(maxMs?: number): void;
  onTrace(cb: (e: TraceEvent) => void): () => void;
  onFrame(cb: (f: FrameEvent) => void): () => void;
  /** A seeded draw in [0, 1) for everything Linux does at random (MACs, ports, statistic). */
  random(): number;
  /**
   * Let `oracle` decide every random branch of the packet path (KernelEnv.chance) in every host, or
   * stop (undefined): how "all paths" analysis re-runs a lab down each branch.
   */
  setChance?(oracle: ((probability: number, where: string, drawn: boolean) => boolean) | undefined): void;
  /**
   * Run fn once after ms of virtual time: the timers of applications left running in the
   * background (nc -l with -w or -q). Optional: apps fall back to acting when next looked at.
   */
  after?(ms: number, fn: () => void): { cancel(): void };
  /**
   * Cable two hosts together (the underlay): creates a physical-NIC-like link (kind 'ether') named
   * `a.dev` on host `a` and `b.dev` on host `b` (in their root namespaces unless netns is given),
   * down and without addresses, as a freshly booted machine's NICs are. EEXIST if a name is taken,
   * ENOENT for an unknown host or namespace.
   */
  connect?(a: WireEnd, b: WireEnd, opts?: { mtu?: number }): KResult<void>;
  /** A host's kernel modules, for modprobe; undefined for an unknown host. */
  kernelModules?(host: string): KernelModules | undefined;
}

/** What modprobe learns about a module: built in, loaded ("live" in /sys/module/M/initstate), loadable but not loaded, or not known. */
export type ModuleState = 'builtin' | 'live' | 'absent' | 'unknown';

export interface KernelModules {
  /** `uname -r`: the folder under /lib/modules that modprobe searches. */
  readonly release: string;
  state(name: string): ModuleState;
  /** Load a module (a no-op when built in or loaded already); ENOENT when there is no such module. */
  load(name: string): KResult<void>;
  /** Remove a loaded module; EPERM when built in, ENOENT when not loaded or unknown. */
  unload(name: string): KResult<void>;
}

export interface WireEnd {
  host: string;
  dev: string;
  netns?: string;
}
