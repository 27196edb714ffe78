/**
 * The errno values the emulated kernel returns, with glibc's strerror text, because the real tools
 * print exactly that text ("RTNETLINK answers: File exists", "ping: connect: Network is unreachable").
 */
export const ERRNO = {
  EPERM: { code: 1, text: 'Operation not permitted' },
  ENOENT: { code: 2, text: 'No such file or directory' },
  ESRCH: { code: 3, text: 'No such process' },
  E2BIG: { code: 7, text: 'Argument list too long' },
  EBUSY: { code: 16, text: 'Device or resource busy' },
  EEXIST: { code: 17, text: 'File exists' },
  ENODEV: { code: 19, text: 'No such device' },
  EINVAL: { code: 22, text: 'Invalid argument' },
  ENOSPC: { code: 28, text: 'No space left on device' },
  ERANGE: { code: 34, text: 'Numerical result out of range' },
  EACCES: { code: 13, text: 'Permission denied' },
  ENOBUFS: { code: 105, text: 'No buffer space available' },
  EMSGSIZE: { code: 90, text: 'Message too long' },
  EPROTONOSUPPORT: { code: 93, text: 'Protocol not supported' },
  EOPNOTSUPP: { code: 95, text: 'Operation not supported' },
  EADDRINUSE: { code: 98, text: 'Address already in use' },
  EADDRNOTAVAIL: { code: 99, text: 'Cannot assign requested address' },
  ENETDOWN: { code: 100, text: 'Network is down' },
  ENETUNREACH: { code: 101, text: 'Network is unreachable' },
  ECONNRESET: { code: 104, text: 'Connection reset by peer' },
  ETIMEDOUT: { code: 110, text: 'Connection timed out' },
  ECONNREFUSED: { code: 111, text: 'Connection refused' },
  EHOSTDOWN: { code: 112, text: 'Host is down' },
  EHOSTUNREACH: { code: 113, text: 'No route to host' },
  ENOTSUP: { code: 95, text: 'Operation not supported' },
  ENAMETOOLONG: { code: 36, text: 'File name too long' },
  ELOOP: { code: 40, text: 'Too many levels of symbolic links' },
  ENONET: { code: 64, text: 'Machine is not on the network' },
  ENOPROTOOPT: { code: 92, text: 'Protocol not available' },
  EREMOTEIO: { code: 121, text: 'Remote I/O error' },
} as const;

export type Errno = keyof typeof ERRNO;

/** A refusal from the emulated kernel: what netlink or a syscall would return. */
export interface KernelError {
  readonly kind: 'kernel';
  readonly errno: Errno;
  /** strerror(errno), or the extended-ack text the kernel attaches (e.g. "Nexthop has invalid gateway"). */
  readonly message: string;
  /** Netlink extended ack message, printed by iproute2 as "Error: <extack>." when present. */
  readonly extack?: string;
}

export type KResult<T> = { ok: true; value: T } | { ok: false; error: KernelError };

export function kerr(errno: Errno, extack?: string): { ok: false; error: KernelError } {
  return { ok: false, error: { kind: 'kernel', errno, message: ERRNO[errno].text, ...(extack ? { extack } : {}) } };
}

export function kok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
