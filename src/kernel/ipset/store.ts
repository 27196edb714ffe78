/**
 * A namespace's IP sets (ip_set_net): create, destroy, rename and swap by name, with the kernel's
 * refusals — a set a rule references (xt_set holds a reference) can be neither destroyed nor
 * renamed — and the `-m set` lookup the netfilter traversal calls per packet.
 */
import type { Net } from '../netns.js';
import type { Ruleset } from '../netfilter/ruleset.js';
import { IpSet, SET_TYPES, type SetOptions, type SetPacket, type SetTypeName } from './set.js';

/** IPSET_ERR_* outcomes of a set operation; the ipset command maps them to errcode.c's texts. */
export type SetError = 'EXIST_SETNAME' | 'NOT_FOUND' | 'NOT_FOUND_SECOND' | 'REFERENCED' | 'RENAME_REFERENCED' | 'EXIST_SETNAME2' | 'TYPE_MISMATCH';

export interface IpsetEnv {
  now(): number;
  u32(): number;
  /** How many rules reference a set by name (xt_set's reference count). */
  references?(name: string): number;
}

export class IpsetStore {
  /** By name; `slots` is the kernel's set index array, which `ipset list` follows. */
  private readonly sets = new Map<string, IpSet>();
  /** A destroyed set leaves a hole that the next create fills (find_free_id), as list order shows. */
  private slots: (IpSet | undefined)[] = [];
  /** Name sets other subsystems consult (the iptables parser's "does NAME exist"). */
  private readonly mirrors: Set<string>[] = [];

  constructor(readonly env: IpsetEnv) {}

  /** Keep `names` equal to this store's set names from now on. */
  mirrorInto(names: Set<string>): void {
    names.clear();
    for (const n of this.sets.keys()) names.add(n);
    this.mirrors.push(names);
  }

  private sync(): void {
    for (const m of this.mirrors) {
      m.clear();
      for (const n of this.sets.keys()) m.add(n);
    }
  }

  get(name: string): IpSet | undefined {
    return this.sets.get(name);
  }

  list(): IpSet[] {
    return this.slots.filter((x): x is IpSet => x !== undefined);
  }

  references(name: string): number {
    return this.env.references?.(name) ?? 0;
  }

  /** `initval` as `ipset save` wrote it, or a draw from the seed (the kernel's get_random_u32). */
  create(name: string, type: SetTypeName, opts: SetOptions, exist: boolean, initval?: number): SetError | undefined {
    const old = this.sets.get(name);
    if (old) return exist && old.sameAs(type, opts) ? undefined : 'EXIST_SETNAME';
    const set = new IpSet(name, SET_TYPES[type], opts, (initval ?? this.env.u32()) >>> 0, () => this.env.now());
    this.sets.set(name, set);
    const hole = this.slots.indexOf(undefined);
    if (hole >= 0) this.slots[hole] = set;
    else this.slots.push(set);
    this.sync();
    return undefined;
  }

  /** ip_set_destroy: one set, or every set when none is named — all or nothing if any is referenced. */
  destroy(name?: string): SetError | undefined {
    if (name === undefined) {
      for (const n of this.sets.keys()) if (this.references(n) > 0) return 'REFERENCED';
      this.sets.clear();
      this.slots = [];
    } else {
      const s = this.sets.get(name);
      if (!s) return 'NOT_FOUND';
      if (this.references(name) > 0) return 'REFERENCED';
      this.sets.delete(name);
      this.slots[this.slots.indexOf(s)] = undefined;
    }
    this.sync();
    return undefined;
  }

  rename(from: string, to: string): SetError | undefined {
    const s = this.sets.get(from);
    if (!s) return 'NOT_FOUND';
    if (this.references(from) > 0) return 'RENAME_REFERENCED';
    if (this.sets.has(to)) return 'EXIST_SETNAME2';
    this.sets.delete(from);
    this.sets.set(to, s);
    s.name = to;
    this.sync();
    return undefined;
  }

  /**
   * ip_set_swap: the two sets trade places and names, so a rule naming FROM now sees TO's
   * elements; both must be of one type and family.
   */
  swap(from: string, to: string): SetError | undefined {
    const a = this.sets.get(from);
    if (!a) return 'NOT_FOUND';
    const b = this.sets.get(to);
    if (!b) return 'NOT_FOUND_SECOND';
    if (a.type.name !== b.type.name) return 'TYPE_MISMATCH';
    this.sets.set(from, b);
    this.sets.set(to, a);
    a.name = to;
    b.name = from;
    const ia = this.slots.indexOf(a);
    const ib = this.slots.indexOf(b);
    this.slots[ia] = b;
    this.slots[ib] = a;
    return undefined;
  }

  /** xt_set's match: an unknown name cannot happen for a loaded rule (it holds the set), so false. */
  testPacket(name: string, p: SetPacket, flags: readonly ('src' | 'dst')[]): boolean {
    return this.sets.get(name)?.testPacket(p, flags) ?? false;
  }
}

const stores = new WeakMap<Net, IpsetStore>();

/** The namespace's store, made on first use (the ip_set module's per-netns state). */
export function ipsetOf(net: Net, references?: (name: string) => number): IpsetStore {
  let s = stores.get(net);
  if (!s) {
    s = new IpsetStore({ now: () => net.env.now(), u32: () => net.env.u32(), ...(references ? { references } : {}) });
    stores.set(net, s);
  }
  if (references && !s.env.references) s.env.references = references;
  return s;
}

/** The store if one was ever made; the packet path asks this so it never creates state. */
export function ipsetIfAny(net: Net): IpsetStore | undefined {
  return stores.get(net);
}

/** Rules in any table that name the set in `-m set --match-set` (each holds one reference). */
export function setReferences(rs: Ruleset, name: string): number {
  let n = 0;
  for (const t of rs.existingTables()) {
    for (const c of t.chains.values()) {
      for (const r of c.rules) for (const m of r.matches) if (m.name === 'set' && m.setName === name) n++;
    }
  }
  return n;
}
