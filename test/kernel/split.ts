/**
 * Splits a lab script into the logical commands both sides run, and reads its `# podnet-...` header
 * directives.
 */
import { parseScript } from '../../src/commands/shell/parse.js';

export interface LogicalCommand {
  /** 1-based line the command starts on; both sides are aligned on it. */
  line: number;
  /** The command as written, continuation lines joined with a space (for reports). */
  command: string;
  /** The original lines verbatim, so bash sees exactly what the author wrote. */
  raw: string;
}

export interface LabHeader {
  /** Features the lab needs that podnet lacks; such a lab is reported as pending, not failed. */
  expect: string[];
  /** Wall-clock budget for the real run, seconds. */
  timeoutSec?: number;
}

/**
 * Grouping comes from podnet's own shell parser, so both sides agree on where each command starts;
 * bash gets the original lines of each command verbatim (a command runs until the next one starts,
 * less trailing blank and comment lines).
 */
export function splitLab(text: string): LogicalCommand[] {
  const items = parseScript(text);
  const lines = text.split('\n');
  return items.map((it, i) => {
    let end = i + 1 < items.length ? items[i + 1]!.line - 1 : lines.length;
    while (end > it.line && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
    return { line: it.line, command: it.text, raw: lines.slice(it.line - 1, end).join('\n') };
  });
}

export function readHeader(text: string): LabHeader {
  const header: LabHeader = { expect: [] };
  for (const l of text.split('\n')) {
    const m = /^\s*#\s*podnet-(expect|timeout)\s*:\s*(.*?)\s*$/.exec(l);
    if (!m) continue;
    if (m[1] === 'expect') header.expect.push(...m[2]!.split(/[\s,]+/).filter(Boolean));
    else {
      const n = Number(m[2]);
      if (Number.isFinite(n) && n > 0) header.timeoutSec = n;
    }
  }
  return header;
}
