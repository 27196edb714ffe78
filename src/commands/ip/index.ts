// Placeholder so the registry compiles; replaced by the real `ip` implementation.
import { type Command, result } from '../types.js';

export const ip: Command = () => result(127, '', 'podnet: unsupported: ip is not built yet\n');
