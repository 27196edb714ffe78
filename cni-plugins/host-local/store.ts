/**
 * host-local's on-disk store (plugins v1.1.1 backend/disk/backend.go), kept in the emulated host's
 * file system so `ls`/`cat` and later plugin runs see it: DATADIR/NETWORK/ holds one file per
 * reserved address, named by the address and holding "ID\r\nIFNAME", the last address reserved per
 * range set in last_reserved_ip.N, and the (empty) `lock` file go-filemutex creates.
 */
import { posix } from 'node:path';
import type { HostFs } from '../../src/world/fs.js';
import { formatIp, goParseIp, type Ip } from './ip.js';

export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';
const LAST_IP_FILE_PREFIX = 'last_reserved_ip.';
const LINE_BREAK = '\r\n';

export type Opened = { ok: true; store: Store } | { ok: false; message: string };

/** Go's filepath.Join: joined, then cleaned (no trailing slash, ".." resolved). */
function goJoin(...parts: string[]): string {
  const joined = posix.normalize(parts.filter((p) => p !== '').join('/'));
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

/** os error texts start lower-case in Go ("no such file or directory", "not a directory"). */
const goText = (message: string) => message.charAt(0).toLowerCase() + message.slice(1);

/** Go's strings.TrimSpace. */
const trimSpace = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, '');

export class Store {
  private constructor(
    private readonly fs: HostFs,
    readonly dir: string,
  ) {}

  /** disk.New: mkdir -p DATADIR/NETWORK and the lock file in it. */
  static open(fs: HostFs, network: string, dataDir: string): Opened {
    const dir = goJoin(dataDir || DEFAULT_DATA_DIR, network);
    const made = fs.mkdir(dir, { recursive: true });
    if (!made.ok) return { ok: false, message: `mkdir ${dir}: ${goText(made.error.message)}` };
    const lock = `${dir}/lock`;
    if (fs.stat(lock) === undefined) {
      const w = fs.write(lock, '');
      if (!w.ok) return { ok: false, message: `open ${lock}: ${goText(w.error.message)}` };
    }
    return { ok: true, store: new Store(fs, dir) };
  }

  /** Reserve: create the address's file exclusively; false when it already exists. */
  reserve(id: string, ifname: string, ip: Ip, rangeId: number): { ok: true; reserved: boolean } | { ok: false; message: string } {
    const file = `${this.dir}/${formatIp(ip)}`;
    if (this.fs.stat(file) !== undefined) return { ok: true, reserved: false };
    const w = this.fs.write(file, trimSpace(id) + LINE_BREAK + ifname);
    if (!w.ok) return { ok: false, message: `open ${file}: ${goText(w.error.message)}` };
    const last = this.fs.write(`${this.dir}/${LAST_IP_FILE_PREFIX}${rangeId}`, formatIp(ip));
    if (!last.ok) return { ok: false, message: `open ${this.dir}/${LAST_IP_FILE_PREFIX}${rangeId}: ${goText(last.error.message)}` };
    return { ok: true, reserved: true };
  }

  /** LastReservedIP: net.ParseIP of the file's whole content (so anything else reads as none). */
  lastReservedIp(rangeId: number): Ip | undefined {
    const r = this.fs.read(`${this.dir}/${LAST_IP_FILE_PREFIX}${rangeId}`);
    return r.ok ? goParseIp(r.value) : undefined;
  }

  /** filepath.Walk over the store: every file below it, in lexical order, with its content. */
  private walk(): { path: string; name: string; data: string }[] {
    const out: { path: string; name: string; data: string }[] = [];
    const visit = (dir: string): void => {
      const entries = this.fs.list(dir);
      if (!entries.ok) return;
      for (const e of [...entries.value].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const path = `${dir}/${e.name}`;
        if (e.type === 'dir') visit(path);
        else {
          const data = this.fs.read(path);
          if (data.ok) out.push({ path, name: e.name, data: data.value });
        }
      }
    };
    visit(this.dir);
    return out;
  }

  private matching(match: string): { path: string; name: string }[] {
    return this.walk().filter((f) => trimSpace(f.data) === match);
  }

  /** FindByID: a file of ID on IFNAME, or (files written by older versions) of ID alone. */
  findById(id: string, ifname: string): boolean {
    return this.matching(trimSpace(id) + LINE_BREAK + ifname).length > 0 || this.matching(trimSpace(id)).length > 0;
  }

  /** ReleaseByID: remove every file of ID on IFNAME; when there is none, every file of ID alone. */
  releaseById(id: string, ifname: string): void {
    let found = false;
    for (const f of this.matching(trimSpace(id) + LINE_BREAK + ifname)) found = this.fs.remove(f.path).ok || found;
    if (!found) for (const f of this.matching(trimSpace(id))) this.fs.remove(f.path);
  }

  /** GetByID: the addresses whose files name ID on IFNAME (or ID alone), in walk order. */
  getById(id: string, ifname: string): Ip[] {
    const full = trimSpace(id) + LINE_BREAK + ifname;
    const old = trimSpace(id);
    return this.walk()
      .filter((f) => trimSpace(f.data) === full || trimSpace(f.data) === old)
      .map((f) => goParseIp(f.name))
      .filter((ip): ip is Ip => ip !== undefined);
  }
}
