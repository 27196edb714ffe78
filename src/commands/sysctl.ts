// Placeholder so the registry compiles; replaced by the real `sysctl` implementation.
import { type Command, result } from './types.js';

export const sysctl: Command = () => result(127, '', 'podnet: unsupported: sysctl is not built yet\n');
