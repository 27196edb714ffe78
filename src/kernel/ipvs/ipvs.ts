/**
 * IP Virtual Server for one namespace (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_conn.c): virtual
 * services keyed by protocol, VIP and port (or fwmark), their real servers with weight and
 * forwarding method, the scheduler state, and the connection table that pins every flow to the
 * real server its first packet was scheduled to, with the per-protocol state timeouts.
 */
import { newSchedState, schedDestsChanged, schedule, type SchedName, type SchedState } from './sched.js';

export type FwdMethod = 'masq' | 'route' | 'tunnel' | 'local';

export interface IpvsDest {
  addr: number;
  port: number;
  weight: number;
  fwd: FwdMethod;
  uThreshold: number;
  lThreshold: number;
  activeConns: number;
  inactConns: number;
  /** Deleted while connections still used it: their packets are dropped (expire_nodest_conn = 0). */
  removed?: boolean;
}

export interface IpvsService {
  /** 6 (tcp) or 17 (udp); fwmark services keep 6 like ipvsadm sets it. */
  proto: number;
  addr: number;
  port: number;
  fwmark: number;
  sched: SchedName;
  /** Persistence timeout in seconds (-p), 0 = none. */
  persistent: number;
  netmask: number;
  /** Kernel list order: the newest destination first (list_add_rcu at the head). */
  dests: IpvsDest[];
  state: SchedState;
}

/** IPVS TCP states (ip_vs_proto_tcp.c tcp_state_name) as far as podnet tracks them. */
export type ConnState = 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE' | 'UDP';

/** Default state timeouts, seconds (tcp_timeouts / udp_timeouts). */
const TIMEOUTS: Record<ConnState, number> = { SYN_RECV: 60, ESTABLISHED: 900, FIN_WAIT: 120, TIME_WAIT: 120, CLOSE: 10, UDP: 300 };

/** One ip_vs_conn: client, virtual and real endpoints of a flow. */
export interface IpvsConn {
  proto: number;
  caddr: number;
  cport: number;
  vaddr: number;
  vport: number;
  daddr: number;
  dport: number;
  svc: IpvsService;
  dest: IpvsDest;
  state: ConnState;
  /** IP_VS_CONN_F_INACTIVE: counted in the destination's InActConn. */
  inactive: boolean;
  expires: number;
}

/** The errno a control operation fails with; ipvsadm turns it into ipvs_strerror's text. */
export type IpvsErrno = 'EEXIST' | 'ESRCH' | 'ENOENT' | 'EINVAL';

export interface IpvsEnv {
  now(): number;
  /** RTN type of an address in this namespace: destinations must be unicast or local (ip_vs_new_dest). */
  addrType(addr: number): 'local' | 'unicast' | 'other';
}

export interface ServiceKey {
  proto: number;
  addr: number;
  port: number;
  fwmark: number;
}

export interface ServiceOpts {
  sched: SchedName;
  persistent: number;
  netmask: number;
}

export interface DestOpts {
  addr: number;
  port: number;
  weight: number;
  fwd: Exclude<FwdMethod, 'local'>;
  uThreshold: number;
  lThreshold: number;
}

const connKey = (proto: number, saddr: number, sport: number, daddr: number, dport: number): string => `${proto}|${saddr}|${sport}|${daddr}|${dport}`;

export class Ipvs {
  private readonly services: IpvsService[] = [];
  /** ip_vs_svc_table / ip_vs_svc_fwm_table: services hashed by protocol, VIP and port, or by fwmark. */
  private readonly byKey = new Map<string, IpvsService>();
  private readonly byMark = new Map<number, IpvsService>();
  /** Persistence templates: client network of a persistent service -> the server it is pinned to. */
  private readonly templates = new Map<string, { dest: IpvsDest; expires: number }>();
  /** Virtual time of the last sweep of expired connections (ip_vs_conn_expire runs from timers). */
  private sweptAt = -1;
  /** In direction: client -> VIP; out direction: real server -> client. */
  private readonly connIn = new Map<string, IpvsConn>();
  private readonly connOut = new Map<string, IpvsConn>();
  constructor(private readonly env: IpvsEnv) {}

  active(): boolean {
    return this.services.length > 0 || this.connIn.size > 0;
  }

  /** Services in creation order, their counters current (expired connections swept first). */
  list(): IpvsService[] {
    this.expire();
    return this.services;
  }

  private find(k: ServiceKey): IpvsService | undefined {
    return k.fwmark ? this.byMark.get(k.fwmark) : this.byKey.get(`${k.proto}|${k.addr}|${k.port}`);
  }

  private reindex(): void {
    this.byKey.clear();
    this.byMark.clear();
    for (const s of this.services) {
      if (s.fwmark) this.byMark.set(s.fwmark, s);
      else this.byKey.set(`${s.proto}|${s.addr}|${s.port}`, s);
    }
  }

  getService(k: ServiceKey): IpvsService | undefined {
    return this.find(k);
  }

  addService(k: ServiceKey, o: ServiceOpts): IpvsErrno | undefined {
    if (this.find(k)) return 'EEXIST';
    this.services.push({ ...k, sched: o.sched, persistent: o.persistent, netmask: o.netmask, dests: [], state: newSchedState() });
    const s = this.services[this.services.length - 1]!;
    if (s.fwmark) this.byMark.set(s.fwmark, s);
    else this.byKey.set(`${s.proto}|${s.addr}|${s.port}`, s);
    return undefined;
  }

  editService(k: ServiceKey, o: ServiceOpts): IpvsErrno | undefined {
    const s = this.find(k);
    if (!s) return 'ESRCH';
    if (s.sched !== o.sched) {
      s.sched = o.sched;
      s.state = newSchedState();
      schedDestsChanged(s.state, s.dests);
    }
    s.persistent = o.persistent;
    s.netmask = o.netmask;
    return undefined;
  }

  delService(k: ServiceKey): IpvsErrno | undefined {
    const s = this.find(k);
    if (!s) return 'ESRCH';
    this.services.splice(this.services.indexOf(s), 1);
    this.reindex();
    this.dropConns((c) => c.svc === s);
    return undefined;
  }

  flush(): void {
    this.services.length = 0;
    this.templates.clear();
    this.reindex();
    this.connIn.clear();
    this.connOut.clear();
  }

  /** ip_vs_add_dest: a local address forwards as "Local" whatever method was asked (__ip_vs_update_dest). */
  addDest(k: ServiceKey, d: DestOpts): IpvsErrno | undefined {
    const s = this.find(k);
    if (!s) return 'ESRCH';
    const t = this.env.addrType(d.addr);
    if (t === 'other') return 'EINVAL';
    if (s.dests.some((x) => x.addr === d.addr && x.port === d.port)) return 'EEXIST';
    s.dests.unshift({ addr: d.addr, port: d.port, weight: d.weight, fwd: t === 'local' ? 'local' : d.fwd, uThreshold: d.uThreshold, lThreshold: d.lThreshold, activeConns: 0, inactConns: 0 });
    schedDestsChanged(s.state, s.dests);
    return undefined;
  }

  editDest(k: ServiceKey, d: DestOpts): IpvsErrno | undefined {
    const s = this.find(k);
    if (!s) return 'ESRCH';
    const x = s.dests.find((y) => y.addr === d.addr && y.port === d.port);
    if (!x) return 'ENOENT';
    x.weight = d.weight;
    x.fwd = this.env.addrType(d.addr) === 'local' ? 'local' : d.fwd;
    x.uThreshold = d.uThreshold;
    x.lThreshold = d.lThreshold;
    schedDestsChanged(s.state, s.dests);
    return undefined;
  }

  delDest(k: ServiceKey, addr: number, port: number): IpvsErrno | undefined {
    const s = this.find(k);
    if (!s) return 'ESRCH';
    const i = s.dests.findIndex((y) => y.addr === addr && y.port === port);
    if (i < 0) return 'ENOENT';
    const [gone] = s.dests.splice(i, 1);
    // ip_vs_rr_del_dest: a cursor on the removed server steps back to its predecessor.
    if (s.state.cl === gone) s.state.cl = i > 0 ? s.dests[i - 1] : undefined;
    if (s.sched === 'wrr') schedDestsChanged(s.state, s.dests);
    gone!.removed = true;
    return undefined;
  }

  private dropConns(pred: (c: IpvsConn) => boolean): void {
    for (const [k, c] of this.connIn) if (pred(c)) this.connIn.delete(k);
    for (const [k, c] of this.connOut) if (pred(c)) this.connOut.delete(k);
  }

  /** Whole seconds until a connection expires, as /proc/net/ip_vs_conn shows it. */
  secondsLeft(c: IpvsConn): number {
    return Math.max(0, Math.floor((c.expires - this.env.now()) / 1000));
  }

  /** Live connections (ipvsadm -Lnc). */
  conns(): IpvsConn[] {
    this.expire();
    return [...this.connIn.values()];
  }

  private expire(): void {
    const now = this.env.now();
    if (now === this.sweptAt) return;
    this.sweptAt = now;
    for (const [k, c] of this.connIn) {
      if (c.expires > now) continue;
      this.connIn.delete(k);
      this.connOut.delete(connKey(c.proto, c.daddr, c.dport, c.caddr, c.cport));
      if (c.inactive) c.dest.inactConns--;
      else c.dest.activeConns--;
    }
  }

  /** ip_vs_service_find: the service a packet to daddr:dport (or with this fwmark) belongs to. */
  serviceFor(proto: number, daddr: number, dport: number, mark: number): IpvsService | undefined {
    if (mark) {
      const f = this.byMark.get(mark);
      if (f) return f;
    }
    return this.byKey.get(`${proto}|${daddr}|${dport}`);
  }

  /** ip_vs_conn_in_get: the flow a client packet belongs to. */
  connIn4(proto: number, saddr: number, sport: number, daddr: number, dport: number): IpvsConn | undefined {
    const c = this.connIn.get(connKey(proto, saddr, sport, daddr, dport));
    if (c && c.expires <= this.env.now()) {
      this.sweptAt = -1;
      this.expire();
      return undefined;
    }
    return c;
  }

  /** ip_vs_conn_out_get: the flow a real server's reply belongs to. */
  connOut4(proto: number, saddr: number, sport: number, daddr: number, dport: number): IpvsConn | undefined {
    const c = this.connOut.get(connKey(proto, saddr, sport, daddr, dport));
    if (c && c.expires <= this.env.now()) {
      this.sweptAt = -1;
      this.expire();
      return undefined;
    }
    return c;
  }

  /**
   * ip_vs_schedule: pick a real server and make the connection entry; new entries start
   * INACTIVE (dest->conn_flags carries IP_VS_CONN_F_INACTIVE) until TCP reaches ESTABLISHED.
   */
  scheduleConn(svc: IpvsService, p: { proto: number; saddr: number; sport: number; daddr: number; dport: number }): IpvsConn | undefined {
    this.expire();
    const now = this.env.now();
    let dest: IpvsDest | undefined;
    // ip_vs_sched_persist: a persistent service (-p, kube-proxy's sessionAffinity: ClientIP) keeps a
    // template per client network (address & -M mask) and sends its new connections to the same
    // server while the template lives and the server is usable (ip_vs_check_template).
    const tkey = `${svc.proto}|${svc.fwmark}|${(p.saddr & svc.netmask) >>> 0}|${svc.addr}|${svc.port}`;
    if (svc.persistent) {
      const t = this.templates.get(tkey);
      if (t && t.expires > now && !t.dest.removed && t.dest.weight > 0 && svc.dests.includes(t.dest)) dest = t.dest;
    }
    if (!dest) {
      const i = schedule(svc.sched, svc.state, svc.dests, { src: p.saddr, dst: p.daddr });
      if (i === undefined) return undefined;
      dest = svc.dests[i]!;
    }
    if (svc.persistent) this.templates.set(tkey, { dest, expires: now + svc.persistent * 1000 });
    // Direct routing and tunnelling keep the virtual port; masquerading uses the server's.
    const dport = svc.fwmark && dest.port === 0 ? p.dport : dest.port;
    const state: ConnState = p.proto === 6 ? 'SYN_RECV' : 'UDP';
    const c: IpvsConn = { proto: p.proto, caddr: p.saddr, cport: p.sport, vaddr: p.daddr, vport: p.dport, daddr: dest.addr, dport, svc, dest, state, inactive: true, expires: this.env.now() + TIMEOUTS[state] * 1000 };
    dest.inactConns++;
    this.connIn.set(connKey(p.proto, p.saddr, p.sport, p.daddr, p.dport), c);
    this.connOut.set(connKey(p.proto, dest.addr, dport, p.saddr, p.sport), c);
    return c;
  }

  /**
   * set_tcp_state, reduced to what the counters show: an ACK from the client of a SYN_RECV flow
   * establishes it (moving it from InActConn to ActiveConn), FIN moves towards TIME_WAIT and RST
   * closes; UDP flows stay inactive with the 300 s timeout, refreshed by every packet.
   */
  update(c: IpvsConn, dir: 'in' | 'out', tcpFlags: number | undefined): void {
    const FIN = 0x01;
    const SYN = 0x02;
    const RST = 0x04;
    const ACK = 0x10;
    let next = c.state;
    if (c.proto === 6 && tcpFlags !== undefined) {
      if (tcpFlags & RST) next = 'CLOSE';
      else if (tcpFlags & FIN) next = c.state === 'FIN_WAIT' ? 'TIME_WAIT' : 'FIN_WAIT';
      else if (dir === 'in' && c.state === 'SYN_RECV' && tcpFlags & ACK && !(tcpFlags & SYN)) next = 'ESTABLISHED';
    }
    if (next !== c.state) {
      const active = next === 'ESTABLISHED';
      if (active && c.inactive) {
        c.dest.inactConns--;
        c.dest.activeConns++;
        c.inactive = false;
      } else if (!active && !c.inactive) {
        c.dest.activeConns--;
        c.dest.inactConns++;
        c.inactive = true;
      }
      c.state = next;
    }
    c.expires = this.env.now() + TIMEOUTS[c.state] * 1000;
  }
}
