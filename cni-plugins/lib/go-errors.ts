/**
 * How Go prints a kernel errno (syscall.Errno.Error()): the same strerror text as glibc's, starting
 * with a lower-case letter ("file exists", "invalid argument", "no such device").
 */
import { ERRNO, type Errno } from '../../src/kernel/errno.js';

export function goErrnoText(errno: Errno): string {
  const text: string = ERRNO[errno].text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
