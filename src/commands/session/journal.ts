/**
 * The world journal: the ordered list of everything done to a world from outside it (hosts
 * created, commands run, files written by a shell, virtual time let pass). A world is a function of
 * its seed and its journal, so replaying the journal on a fresh world rebuilds it exactly; this is
 * what a world file stores instead of a dump of every kernel object.
 */
import { err, ok, podnetError, type Result } from '../../errors.js';

/** One program run: what a process would receive from execve(2) plus where it ran. */
export interface ExecEntry {
  op: 'exec';
  host: string;
  /** Named network namespace the process ran in; absent = the host's root namespace. */
  netns?: string;
  argv: string[];
  /** Only the variables the caller gave (CNI_*, assignments before the command), never a whole process env. */
  env?: Record<string, string>;
  stdin?: string;
  /** Real folder relative paths resolved from; replay resolves them from the same folder. */
  cwd: string;
  /** The exit status it returned; a replay that returns another one has diverged. */
  exitCode: number;
  /** Real external programs this command ran (see external.ts), in order, with what they did. */
  external?: ExternalRun[];
  /**
   * Set only in the copy of a world handed to an external program while this command is still
   * running: replay stops at external run number `external.length` (state as the parent sees it).
   */
  suspended?: true;
}

/** A whole lab script run in one go (`podnet lab FILE --world W`): its lines are replayed as one entry. */
export interface LabEntry {
  op: 'lab';
  /** The script's name as given: bash prefixes its own errors with it. */
  file: string;
  cwd: string;
  text: string;
  exitCode: number;
  external?: ExternalRun[];
  suspended?: true;
}

/** A real program run by a command: replay applies its recorded entries instead of running it again. */
export interface ExternalRun {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  entries: JournalEntry[];
}

export type FsEntry =
  | { op: 'write'; host: string; path: string; data: string; netns?: string; append?: true }
  /** What a shell's `> PATH` does before the program runs (create/truncate). */
  | { op: 'open'; host: string; path: string; netns?: string; append?: true }
  | { op: 'mkdir'; host: string; path: string; recursive?: true }
  | { op: 'remove'; host: string; path: string; recursive?: true };

export type JournalEntry = { op: 'host'; host: string } | ExecEntry | LabEntry | FsEntry | { op: 'advance'; ms: number };

const isStr = (x: unknown): x is string => typeof x === 'string';
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const optStr = (o: Record<string, unknown>, k: string): boolean => o[k] === undefined || isStr(o[k]);
const optTrue = (o: Record<string, unknown>, k: string): boolean => o[k] === undefined || o[k] === true;

/**
 * Checks that x is a well-formed entry; the message says which field is wrong, for a load error
 * such as "journal entry 12: exec needs argv (array of strings)".
 */
export function checkEntry(x: unknown): Result<JournalEntry> {
  const bad = (m: string): Result<JournalEntry> => err(podnetError('parse', m));
  if (!isObj(x)) return bad('not an object');
  switch (x['op']) {
    case 'host':
      return isStr(x['host']) && x['host'] !== '' ? ok(x as JournalEntry) : bad('host needs a non-empty "host"');
    case 'advance':
      return typeof x['ms'] === 'number' && Number.isFinite(x['ms']) && x['ms'] >= 0 ? ok(x as JournalEntry) : bad('advance needs "ms" >= 0');
    case 'lab':
    case 'exec': {
      const op = x['op'];
      if (op === 'exec') {
        if (!isStr(x['host'])) return bad('exec needs "host"');
        if (!Array.isArray(x['argv']) || x['argv'].length === 0 || !x['argv'].every(isStr)) return bad('exec needs "argv" (a non-empty array of strings)');
        if (!optStr(x, 'netns') || !optStr(x, 'stdin')) return bad('exec has a malformed "netns" or "stdin"');
        const env = x['env'];
        if (env !== undefined && (!isObj(env) || !Object.values(env).every(isStr))) return bad('exec "env" must map names to strings');
      } else if (!isStr(x['file']) || !isStr(x['text'])) return bad('lab needs "file" and "text"');
      if (!isStr(x['cwd'])) return bad(`${op} needs "cwd"`);
      if (!Number.isInteger(x['exitCode'])) return bad(`${op} needs an integer "exitCode"`);
      if (!optTrue(x, 'suspended')) return bad(`${op} has a malformed "suspended"`);
      const ext = x['external'];
      if (ext !== undefined) {
        if (!Array.isArray(ext)) return bad(`${op} "external" must be an array`);
        for (const [i, run] of ext.entries()) {
          const r = checkExternalRun(run);
          if (!r.ok) return bad(`external run ${i}: ${r.error.message}`);
        }
      }
      return ok(x as JournalEntry);
    }
    case 'write':
    case 'open':
    case 'mkdir':
    case 'remove': {
      if (!isStr(x['host']) || !isStr(x['path'])) return bad(`${x['op']} needs "host" and "path"`);
      if (x['op'] === 'write' && !isStr(x['data'])) return bad('write needs "data"');
      if (!optStr(x, 'netns') || !optTrue(x, 'append') || !optTrue(x, 'recursive')) return bad(`${x['op']} has a malformed "netns", "append" or "recursive"`);
      return ok(x as JournalEntry);
    }
    default:
      return bad(`unknown op ${JSON.stringify(x['op'])}`);
  }
}

function checkExternalRun(x: unknown): Result<ExternalRun> {
  const bad = (m: string): Result<ExternalRun> => err(podnetError('parse', m));
  if (!isObj(x)) return bad('not an object');
  if (!Array.isArray(x['argv']) || !x['argv'].every(isStr)) return bad('needs "argv"');
  if (!Number.isInteger(x['exitCode']) || !isStr(x['stdout']) || !isStr(x['stderr'])) return bad('needs "exitCode", "stdout" and "stderr"');
  if (!Array.isArray(x['entries'])) return bad('needs "entries"');
  for (const [i, e] of x['entries'].entries()) {
    const r = checkEntry(e);
    if (!r.ok) return bad(`entry ${i}: ${r.error.message}`);
  }
  return ok(x as unknown as ExternalRun);
}
