/**
 * Writes the frames a lab saw to a pcapng file, one interface per (host, netns, device), so
 * Wireshark shows where each frame was seen.
 */
import { writeFileSync } from 'node:fs';
import { err, ok, podnetError, type Result } from '../errors.js';
import { PcapngWriter } from '../wire/pcapng.js';
import type { FrameEvent } from '../world/api.js';

const NODE_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
};

export function writeCapture(path: string, frames: FrameEvent[]): Result<{ frames: number }> {
  const w = new PcapngWriter();
  for (const f of frames) w.add(f);
  try {
    writeFileSync(path, w.toBuffer());
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    return err(podnetError('io', NODE_ERRNO_TEXT[code] ?? (e as Error).message, { file: path }));
  }
  return ok({ frames: frames.length });
}
