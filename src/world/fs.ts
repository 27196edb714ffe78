/**
 * The emulated host's file system, as a process in one network namespace sees it: ordinary files
 * (what later layers keep on disk: /etc/cni/net.d, /var/lib/cni, /run/flannel) plus the kernel's
 * per-namespace views /proc/sys/net/... and /sys/class/net/DEV/{address,mtu,...}.
 */
import type { Result } from '../errors.js';

export interface DirEntry {
  name: string;
  type: 'file' | 'dir';
}

export interface HostFs {
  /** Errors carry the message coreutils would print after "cat: PATH: " (e.g. "No such file or directory"). */
  read(path: string, netns?: string): Result<string>;
  write(path: string, data: string, netns?: string, opts?: { append?: boolean }): Result<void>;
  list(path: string, netns?: string): Result<DirEntry[]>;
  stat(path: string, netns?: string): { type: 'file' | 'dir' } | undefined;
  mkdir(path: string, opts?: { recursive?: boolean }): Result<void>;
  remove(path: string, opts?: { recursive?: boolean }): Result<void>;
  /**
   * What a shell's `> PATH` / `>> PATH` does before the command runs: fail as open(2) would
   * ("No such file or directory", "Is a directory"), else create the file and, without append,
   * truncate it. Kernel views (/proc/sys, /sys) are never truncated; their write happens later.
   */
  openForWrite?(path: string, netns?: string, opts?: { append?: boolean }): Result<void>;
}
