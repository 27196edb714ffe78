/**
 * Errors as values: every failure a user can cause is one of these kinds, with a message they can
 * act on. Only src/cli turns them into exit codes and text.
 */
export type ErrorKind =
  | 'usage' // a command line or option the user wrote is wrong
  | 'parse' // a file (lab, YAML, JSON, pcap) could not be read; message names file and line
  | 'unsupported' // valid for the real tool, not (yet) modelled by podnet
  | 'kernel' // the emulated kernel refused (carries an errno)
  | 'io' // the host file system (real or emulated) refused
  | 'internal'; // a podnet bug: never the user's fault, still never a stack trace

export interface PodnetError {
  readonly kind: ErrorKind;
  readonly message: string;
  /** Where the bad input is, when it came from a file. */
  readonly file?: string;
  readonly line?: number;
}

export type Result<T, E = PodnetError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

export function podnetError(kind: ErrorKind, message: string, where?: { file?: string; line?: number }): PodnetError {
  return { kind, message, ...where };
}
