// Placeholder so the registry compiles; replaced by the real `bridge` implementation.
import { type Command, result } from '../types.js';

export const bridge: Command = () => result(127, '', 'podnet: unsupported: bridge is not built yet\n');
