/**
 * Writes the frames a lab saw to a capture file. The pcapng writer in wire/ is not there yet, so this
 * refuses with a clear message instead of inventing a second packet-format module.
 */
import { err, podnetError, type Result } from '../errors.js';
import type { FrameEvent } from '../world/api.js';

export function writeCapture(_path: string, _frames: FrameEvent[]): Result<void> {
  return err(podnetError('unsupported', 'pcap output is not built yet (unsupported)'));
}
