/**
 * One IP set (net/netfilter/ipset/ip_set_hash_*.c, ip_set_bitmap_port.c) for family inet: its type,
 * creation options, elements with optional per-element timeout (virtual time) and comment, and the
 * membership tests both the ipset command (`ipset test`) and `-m set` (kadt) perform.
 */
import { prefixMask } from '../../wire/addr.js';
import type { PacketView } from '../netfilter/match.js';

export type SetTypeName = 'hash:ip' | 'hash:net' | 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port';

/** What each type stores per dimension, in order. */
export type Dim = 'ip' | 'net' | 'port';

export interface SetType {
  name: SetTypeName;
  /** The revision Debian 12 (kernel 6.1, ipset 7.17) reports in `ipset list`. */
  revision: number;
  dims: Dim[];
  /** Size-in-memory model (see docs/ipvs.md): empty set, per element, per element with timeout/comment. */
  mem: { base: number; elem: number; elemExt: number };
}

export const SET_TYPES: Record<SetTypeName, SetType> = {
  'hash:ip': { name: 'hash:ip', revision: 6, dims: ['ip'], mem: { base: 216, elem: 40, elemExt: 64 } },
  'hash:net': { name: 'hash:net', revision: 7, dims: ['net'], mem: { base: 456, elem: 48, elemExt: 64 } },
  'hash:ip,port': { name: 'hash:ip,port', revision: 7, dims: ['ip', 'port'], mem: { base: 216, elem: 48, elemExt: 64 } },
  'hash:ip,port,ip': { name: 'hash:ip,port,ip', revision: 6, dims: ['ip', 'port', 'ip'], mem: { base: 208, elem: 56, elemExt: 80 } },
  'hash:ip,port,net': { name: 'hash:ip,port,net', revision: 8, dims: ['ip', 'port', 'net'], mem: { base: 464, elem: 56, elemExt: 80 } },
  'bitmap:port': { name: 'bitmap:port', revision: 3, dims: ['port'], mem: { base: 72, elem: 0, elemExt: 8 } },
};

/** One element: per dimension an address (with prefix length for nets) or a protocol and port. */
export interface SetElem {
  ip?: number;
  cidr?: number;
  proto?: number;
  port?: number;
  ip2?: number;
  cidr2?: number;
}

export interface SetOptions {
  hashsize: number;
  maxelem: number;
  /** Default timeout in seconds; undefined = the set has no timeout support. */
  timeout?: number;
  comment: boolean;
  /** bitmap:port only. */
  range?: { first: number; last: number };
}

export interface SetEntry {
  elem: SetElem;
  /** Virtual time (ms) the element expires; undefined = permanent. */
  expires?: number;
  comment?: string;
}

/** IPSET_ERR_* outcomes of an element operation; the command maps them to errcode.c's texts. */
export type ElemError = 'EXIST' | 'NOT_EXIST' | 'HASH_FULL' | 'BITMAP_RANGE' | 'TIMEOUT' | 'COMMENT' | 'INVALID_CIDR';

/** The parts of a packet `-m set` looks at (ip_set_get_ip4_port). */
export type SetPacket = Pick<PacketView, 'src' | 'dst' | 'proto' | 'sport' | 'dport' | 'icmpType' | 'icmpCode'>;

export class IpSet {
  /** Insertion order; the kernel lists hash buckets in an order seeded by initval (see docs/ipvs.md). */
  private readonly entries = new Map<string, SetEntry>();
  /** The prefix lengths present in the net dimension(s), longest first (the kernel's nets[] array). */
  private cidrCache: { c1: number[]; c2: number[] } | undefined;

  constructor(
    public name: string,
    readonly type: SetType,
    readonly opts: SetOptions,
    /** jhash initval, drawn from the world's seed (the kernel draws it at create). */
    readonly initval: number,
    private readonly now: () => number,
  ) {}

  /** The element in canonical form (host addresses masked to their prefix), as the map key. */
  private key(e: SetElem): string {
    return `${e.ip ?? ''}/${e.cidr ?? ''}|${e.proto ?? ''}:${e.port ?? ''}|${e.ip2 ?? ''}/${e.cidr2 ?? ''}`;
  }

  private live(): SetEntry[] {
    const now = this.now();
    const out: SetEntry[] = [];
    for (const [k, v] of this.entries) {
      if (v.expires !== undefined && v.expires <= now) {
        this.entries.delete(k);
        this.cidrCache = undefined;
      } else out.push(v);
    }
    return out;
  }

  members(): SetEntry[] {
    return this.live();
  }

  size(): number {
    return this.live().length;
  }

  /** Seconds left of an entry's timeout, as `ipset list` prints it. */
  secondsLeft(e: SetEntry): number {
    return e.expires === undefined ? 0 : Math.max(0, Math.floor((e.expires - this.now()) / 1000));
  }

  memSize(): number {
    const m = this.type.mem;
    const live = this.live();
    const comments = live.reduce((n, e) => n + (e.comment !== undefined ? 16 + e.comment.length + 1 : 0), 0);
    const exts = (this.opts.timeout !== undefined ? 1 : 0) + (this.opts.comment ? 1 : 0);
    if (this.type.name === 'bitmap:port') {
      const r = this.opts.range!;
      const bits = r.last - r.first + 1;
      return m.base + Math.ceil(bits / 64) * 8 + bits * m.elemExt * exts + comments;
    }
    // Measured on 6.1: one extension (timeout or comment) grows an element to elemExt, both by 16 more.
    const elem = exts === 0 ? m.elem : exts === 1 ? m.elemExt : m.elemExt + 16;
    return m.base + live.length * elem + comments;
  }

  private normalise(e: SetElem): SetElem {
    const n: SetElem = { ...e };
    if (n.ip !== undefined && n.cidr !== undefined) n.ip = (n.ip & prefixMask(n.cidr)) >>> 0;
    if (n.ip2 !== undefined && n.cidr2 !== undefined) n.ip2 = (n.ip2 & prefixMask(n.cidr2)) >>> 0;
    return n;
  }

  private checkExt(ext: { timeout?: number; comment?: string }): ElemError | undefined {
    if (ext.timeout !== undefined && this.opts.timeout === undefined) return 'TIMEOUT';
    if (ext.comment !== undefined && !this.opts.comment) return 'COMMENT';
    return undefined;
  }

  private inRange(e: SetElem): boolean {
    const r = this.opts.range;
    return !r || (e.port !== undefined && e.port >= r.first && e.port <= r.last);
  }

  /** ip_set_add (uadt): -exist turns "already added" into a refresh of timeout and comment. */
  add(e: SetElem, ext: { timeout?: number; comment?: string }, exist: boolean): ElemError | undefined {
    const bad = this.checkExt(ext);
    if (bad) return bad;
    if (!this.inRange(e)) return 'BITMAP_RANGE';
    const n = this.normalise(e);
    const k = this.key(n);
    this.live();
    const old = this.entries.get(k);
    if (old && !exist) return 'EXIST';
    if (!old && this.type.name !== 'bitmap:port' && this.entries.size >= this.opts.maxelem) return 'HASH_FULL';
    const t = ext.timeout ?? this.opts.timeout;
    const entry: SetEntry = { elem: n };
    if (t !== undefined && t > 0) entry.expires = this.now() + t * 1000;
    if (ext.comment !== undefined) entry.comment = ext.comment;
    if (old) this.entries.delete(k);
    this.entries.set(k, entry);
    this.cidrCache = undefined;
    return undefined;
  }

  del(e: SetElem, exist: boolean): ElemError | undefined {
    if (!this.inRange(e)) return 'BITMAP_RANGE';
    const k = this.key(this.normalise(e));
    this.live();
    if (!this.entries.delete(k) && !exist) return 'NOT_EXIST';
    this.cidrCache = undefined;
    return undefined;
  }

  /** `ipset test`: exact element for hash:ip*, containment by the stored nets for *net types. */
  test(e: SetElem): boolean {
    if (!this.inRange(e)) return false;
    return this.lookup(e);
  }

  /**
   * kadt test for `-m set --match-set NAME flags`: each dimension reads the packet's source or
   * destination per flag; fewer flags than dimensions never match (ip_set_test: opt->dim <
   * set->type->dimension). The port part is the packet's proto:port, ICMP's type/code as the port
   * (ip_set_get_ip4_port); bitmap:port only looks at TCP and UDP ports.
   */
  testPacket(p: SetPacket, flags: readonly ('src' | 'dst')[]): boolean {
    const dims = this.type.dims;
    if (flags.length < dims.length) return false;
    const e: SetElem = {};
    let ipDone = false;
    for (let i = 0; i < dims.length; i++) {
      const src = flags[i] === 'src';
      const d = dims[i]!;
      if (d === 'port') {
        const pp = portOf(p, src);
        if (!pp) return false;
        if (this.type.name === 'bitmap:port' && pp.proto !== 6 && pp.proto !== 17) return false;
        e.proto = pp.proto;
        e.port = pp.port;
      } else if (!ipDone) {
        e.ip = src ? p.src : p.dst;
        ipDone = true;
      } else {
        e.ip2 = src ? p.src : p.dst;
      }
    }
    if (this.type.name === 'bitmap:port') return this.inRange(e) && this.has({ port: e.port! });
    return this.lookup(e);
  }

  flush(): void {
    this.entries.clear();
    this.cidrCache = undefined;
  }

  private cidrs(): { c1: number[]; c2: number[] } {
    if (!this.cidrCache) {
      const c1 = new Set<number>();
      const c2 = new Set<number>();
      for (const e of this.entries.values()) {
        if (e.elem.cidr !== undefined) c1.add(e.elem.cidr);
        if (e.elem.cidr2 !== undefined) c2.add(e.elem.cidr2);
      }
      this.cidrCache = { c1: [...c1].sort((a, b) => b - a), c2: [...c2].sort((a, b) => b - a) };
    }
    return this.cidrCache;
  }

  /** A live entry with exactly this (normalised) element. */
  private has(e: SetElem): boolean {
    const hit = this.entries.get(this.key(this.normalise(e)));
    return hit !== undefined && (hit.expires === undefined || hit.expires > this.now());
  }

  /**
   * Hash lookup as the kernel does it: exact for host elements; for net dimensions given as a
   * host (/32), one lookup per prefix length present in the set, longest first (mtype_test_cidrs).
   */
  private lookup(e: SetElem): boolean {
    const t = this.type.name;
    if (t === 'hash:net' && (e.cidr === undefined || e.cidr === 32)) return this.cidrs().c1.some((c) => this.has({ ip: e.ip!, cidr: c }));
    if (t === 'hash:ip,port,net' && (e.cidr2 === undefined || e.cidr2 === 32)) return this.cidrs().c2.some((c) => this.has({ ...e, cidr2: c }));
    if (t === 'hash:net' || t === 'hash:ip,port,net') return this.has(e);
    const { cidr: _c, cidr2: _c2, ...exact } = e;
    return this.has(exact);
  }

  /** Same creation parameters (`-exist create` of an existing set is then a no-op). */
  sameAs(type: SetTypeName, o: SetOptions): boolean {
    const a = this.opts;
    return (
      this.type.name === type &&
      a.hashsize === o.hashsize &&
      a.maxelem === o.maxelem &&
      a.timeout === o.timeout &&
      a.comment === o.comment &&
      a.range?.first === o.range?.first &&
      a.range?.last === o.range?.last
    );
  }
}

/** ip_set_get_ip4_port: TCP/UDP/SCTP/UDPLITE ports, ICMP type<<8|code, other protocols port 0. */
function portOf(p: SetPacket, src: boolean): { proto: number; port: number } | undefined {
  switch (p.proto) {
    case 6:
    case 17:
    case 132:
    case 136: {
      const port = src ? p.sport : p.dport;
      return port === undefined ? undefined : { proto: p.proto, port };
    }
    case 1:
      return p.icmpType === undefined ? undefined : { proto: 1, port: (p.icmpType << 8) | (p.icmpCode ?? 0) };
    default:
      return { proto: p.proto, port: 0 };
  }
}
