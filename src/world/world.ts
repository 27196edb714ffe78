// Placeholder: the kernel work replaces this with the real World.
import type { World } from './api.js';

export function createWorld(_opts: { seed: number }): World {
  throw new Error('createWorld: not built yet');
}
