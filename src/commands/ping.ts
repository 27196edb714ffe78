// Placeholder so the registry compiles; replaced by the real `ping` implementation.
import { type Command, result } from './types.js';

export const ping: Command = () => result(127, '', 'podnet: unsupported: ping is not built yet\n');
