/** `bridge fdb add|append|replace|del|show`: fdb_modify() and print_fdb() over Netlink's FDB calls. */
import type { FdbInfo, FdbRequest } from '../../kernel/api.js';
import { Args, Out, duparg2, incomplete, invarg, matches, nodev, unsupported } from '../ip/args.js';
import { looseIpv4 } from '../ip/addrs.js';
import { jsonLine } from '../ip/linkfmt.js';
import type { BridgeCtx } from './context.js';
import { BRIDGE_FDB_USAGE } from './usage.js';

/** bridge(8) returns its handlers' -1 straight from main(), so failures exit 255. */
export const BR_FAIL = 255;

function usage(o: Out): number {
  o.err(BRIDGE_FDB_USAGE);
  return BR_FAIL;
}

/** sscanf("%hhx:%hhx:%hhx:%hhx:%hhx:%hhx"): six hex bytes, each taken modulo 256. */
function parseFdbMac(s: string): string | undefined {
  const parts = s.split(':');
  if (parts.length < 6) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const m = /^\s*[+-]?(?:0[xX])?([0-9a-fA-F]+)/.exec(parts[i]!);
    if (!m) return undefined;
    bytes.push(parseInt(m[1]!.slice(-2), 16) & 0xff);
  }
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function fdbModify(ctx: BridgeCtx, argv: string[], mode: 'add' | 'append' | 'replace' | 'del'): number {
  const o = ctx.out;
  const a = new Args(argv);
  let dev: string | undefined;
  let addr: string | undefined;
  let dst: string | undefined;
  let port: number | undefined;
  let vni: number | undefined;
  let self = false;
  let master = false;
  let permanent = false;
  let reachable = false;
  let noarp = true;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      dev = v;
    } else if (w === 'dst') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      if (dst !== undefined) return duparg2(o, 'dst', v);
      const d = looseIpv4(v);
      if (d === undefined) {
        if (v.includes(':')) return unsupported(o, `IPv6 address ${v}`);
        o.err(`Error: any valid address is expected rather than "${v}".\n`);
        return 1;
      }
      dst = d;
    } else if (w === 'port') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(v) ? Number(v.startsWith('0') && !/^0[xX]/.test(v) && v.length > 1 ? parseInt(v, 8) : v) : NaN;
      if (Number.isNaN(n) || n > 0xffff) {
        if (v === 'vxlan' || v === '4789') port = 4789;
        else return invarg(o, 'invalid port\n', v);
      } else port = n;
    } else if (w === 'vni') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const n = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(v) ? Number(v.startsWith('0') && !/^0[xX]/.test(v) && v.length > 1 ? parseInt(v, 8) : v) : NaN;
      if (Number.isNaN(n) || n >= 1 << 24) return invarg(o, 'invalid VNI\n', v);
      vni = n;
    } else if (w === 'self') {
      self = true;
    } else if (matches(w, 'master')) {
      master = true;
    } else if (matches(w, 'local') || matches(w, 'permanent')) {
      permanent = true;
    } else if (matches(w, 'temp') || matches(w, 'static')) {
      reachable = true;
    } else if (matches(w, 'dynamic')) {
      reachable = true;
      noarp = false;
    } else if (w === 'nhid' || w === 'src_vni' || w === 'via' || matches(w, 'router') || matches(w, 'vlan') || matches(w, 'use') || matches(w, 'extern_learn') || matches(w, 'sticky')) {
      return unsupported(o, `bridge fdb ... ${w}`);
    } else {
      const v = a.positional(w);
      if (v === undefined) return incomplete(o);
      if (matches(v, 'help')) return usage(o);
      if (addr !== undefined) return duparg2(o, 'to', v);
      addr = v;
    }
    a.advance();
  }
  if (dev === undefined || addr === undefined) {
    o.err('Device and address are required arguments.\n');
    return BR_FAIL;
  }
  if (!self && !master) self = true;
  if (!permanent && !reachable) permanent = true;
  const mac = parseFdbMac(addr);
  if (!mac) {
    o.err(`Invalid mac address ${addr}\n`);
    return BR_FAIL;
  }
  if (!ctx.nl.linkGet(dev)) {
    nodev(o, dev);
    return BR_FAIL;
  }
  // NUD_PERMANENT wins, then NUD_NOARP ("static"); REACHABLE alone is a dynamic entry.
  const state: FdbRequest['state'] = permanent ? 'permanent' : noarp ? 'static' : 'dynamic';
  const req: FdbRequest = { mac, dev, ...(dst ? { dst } : {}), ...(vni !== undefined ? { vni } : {}), ...(port ? { port } : {}), ...(self ? { self } : {}), ...(master ? { master } : {}), state };
  const r = mode === 'del' ? ctx.nl.fdbDel(req) : ctx.nl.fdbAdd(req, mode);
  if (!r.ok) {
    if (r.error.extack) o.err(`Error: ${r.error.extack}${r.error.extack.endsWith('.') ? '' : '.'}\n`);
    else o.err(`RTNETLINK answers: ${r.error.message}\n`);
    return BR_FAIL;
  }
  return 0;
}

export function renderFdb(f: FdbInfo, showDev: boolean): string {
  let s = `${f.mac} `;
  if (showDev) s += `dev ${f.dev} `;
  if (f.dst) s += `dst ${f.dst} `;
  if (f.vlan) s += `vlan ${f.vlan} `;
  if (f.port) s += `port ${f.port} `;
  if (f.vni !== undefined) s += `vni ${f.vni} `;
  // NDA_IFINDEX of a vxlan remote (print_fdb prints it after the VNI).
  if (f.via) s += `via ${f.via} `;
  if (f.self) s += 'self ';
  if (f.master) s += `master ${f.master} `;
  s += f.state === 'dynamic' ? '' : f.state;
  return s + '\n';
}

function fdbJson(f: FdbInfo, showDev: boolean): Record<string, unknown> {
  const j: Record<string, unknown> = { mac: f.mac };
  if (showDev) j.ifname = f.dev;
  if (f.dst) j.dst = f.dst;
  if (f.vlan) j.vlan = f.vlan;
  if (f.port) j.port = f.port;
  if (f.vni !== undefined) j.vni = f.vni;
  if (f.via) j.viaIf = f.via;
  j.flags = f.self ? ['self'] : [];
  if (f.master) j.master = f.master;
  j.state = f.state === 'dynamic' ? '' : f.state;
  return j;
}

function fdbShow(ctx: BridgeCtx, argv: string[]): number {
  const o = ctx.out;
  const a = new Args(argv);
  let filterDev: string | undefined;
  let br: string | undefined;
  let dynamicOnly = false;
  let stateFilter: FdbInfo['state'][] | undefined;
  while (!a.done) {
    const w = a.peek()!;
    if (w === 'brport' || w === 'dev') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      filterDev = v;
    } else if (w === 'br') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      br = v;
    } else if (w === 'state') {
      const v = a.next();
      if (v === undefined) return incomplete(o);
      const st = v === 'permanent' ? 'permanent' : v === 'static' ? 'static' : v === 'dynamic' ? 'dynamic' : undefined;
      if (!st) return invarg(o, 'invalid state', v);
      (stateFilter ??= []).push(st);
    } else if (w === 'dynamic') {
      dynamicOnly = true;
    } else if (w === 'vlan') {
      return unsupported(o, 'bridge fdb show vlan');
    } else if (matches(w, 'help')) {
      return usage(o);
    }
    a.advance();
  }
  if (br !== undefined && !ctx.nl.linkGet(br)) {
    o.err(`Cannot find bridge device "${br}"\n`);
    return BR_FAIL;
  }
  if (filterDev !== undefined && !ctx.nl.linkGet(filterDev)) {
    nodev(o, filterDev);
    return BR_FAIL;
  }
  const list = ctx.nl
    .fdbList({ ...(filterDev !== undefined ? { dev: filterDev } : {}), ...(br !== undefined ? { br } : {}) })
    .filter((f) => (filterDev === undefined || f.dev === filterDev) && (!dynamicOnly || f.state !== 'permanent') && (!stateFilter || stateFilter.includes(f.state)));
  if (ctx.json) {
    o.out(jsonLine(list.map((f) => fdbJson(f, filterDev === undefined)), ctx.pretty));
    return 0;
  }
  for (const f of list) o.out(renderFdb(f, filterDev === undefined));
  return 0;
}

export function doFdb(ctx: BridgeCtx, argv: string[]): number {
  const o = ctx.out;
  if (argv.length === 0) return fdbShow(ctx, []);
  const w = argv[0]!;
  const rest = argv.slice(1);
  if (matches(w, 'add')) return fdbModify(ctx, rest, 'add');
  if (matches(w, 'append')) return fdbModify(ctx, rest, 'append');
  if (matches(w, 'replace')) return fdbModify(ctx, rest, 'replace');
  if (matches(w, 'delete')) return fdbModify(ctx, rest, 'del');
  if (matches(w, 'get')) return unsupported(o, 'bridge fdb get');
  if (matches(w, 'show') || matches(w, 'lst') || matches(w, 'list')) return fdbShow(ctx, rest);
  if (w === 'flush') return unsupported(o, 'bridge fdb flush');
  if (matches(w, 'help')) return usage(o);
  o.err(`Command "${w}" is unknown, try "bridge fdb help".\n`);
  return BR_FAIL;
}
