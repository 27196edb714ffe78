/**
 * The neighbour states (NUD_* bits of include/uapi/linux/neighbour.h), in a module without imports
 * so that every part of the stack can read them while the others are still loading.
 */

/** NUD_* bits (include/uapi/linux/neighbour.h). */
export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;
export const NUD_NONE = 0x00;
