/**
 * Splits a lab script into the logical commands both sides run, and reads its `# podnet-...` header
 * directives; a stand-in until podnet's own shell parser can be shared, so keep the two in step.
 */

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

export function splitLab(text: string): LogicalCommand[] {
  const lines = text.split('\n');
  const out: LogicalCommand[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    const parts: string[] = [];
    const raw: string[] = [];
    // An odd number of trailing backslashes continues the line; "\\\\" at the end is a literal backslash.
    for (;;) {
      const l = lines[i] ?? '';
      raw.push(l);
      i++;
      const m = /(\\+)$/.exec(l);
      if (m && m[1]!.length % 2 === 1) {
        parts.push(l.slice(0, -1).trim());
        if (i < lines.length) continue;
        break;
      }
      parts.push(l.trim());
      break;
    }
    out.push({ line: start + 1, command: parts.filter((p) => p !== '').join(' '), raw: raw.join('\n') });
  }
  return out;
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
