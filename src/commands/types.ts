/**
 * The contract every emulated command (ip, bridge, sysctl, ping, nc, text filters) implements, so the
 * lab runner, the CLI and later the CNI shims can run any of them the same way a shell runs a program.
 */
import type { Host, World } from '../world/api.js';
import type { HostFs } from '../world/fs.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A process left running after a trailing `&` (nc -l): its output is collected until the lab ends. */
export interface Job {
  readonly command: string;
  /** Output produced so far. */
  stdout(): string;
  stderr(): string;
  /** True while the process would still be alive. */
  running(): boolean;
  kill(): void;
}

export interface ExecContext {
  world: World;
  host: Host;
  /** Namespace the process runs in (set by `ip netns exec` / `ip -n`); undefined = root. */
  netns?: string;
  env: Record<string, string>;
  /** The emulated host's file system as the process sees it (per-netns /proc/sys and /sys/class/net). */
  fs: HostFs;
  /** Folder on the real file system that relative paths of the lab resolve from. */
  cwd: string;
  stdin: string;
  /** True when the command line ended with `&`: start, register a Job, return at once. */
  background: boolean;
  /** Runs another command line in this context (used by `ip netns exec`). */
  exec(argv: string[], ctx: ExecContext): ExecResult;
  registerJob(job: Job): void;
}

export type Command = (argv: string[], ctx: ExecContext) => ExecResult;

export const result = (exitCode: number, stdout = '', stderr = ''): ExecResult => ({ exitCode, stdout, stderr });
