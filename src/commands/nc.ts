// Placeholder so the registry compiles; replaced by the real `nc` implementation.
import { type Command, result } from './types.js';

export const nc: Command = () => result(127, '', 'podnet: unsupported: nc is not built yet\n');
