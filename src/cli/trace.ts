/** Renders a step's packet trace as an indented listing people can read hop by hop. */
import type { TraceEvent } from '../world/api.js';

function ms(t: number): string {
  return `${t.toFixed(3)}ms`;
}

/** One line per event (time, where, device, stage, verdict, detail), the packet summary beneath it. */
export function renderTrace(events: TraceEvent[]): string {
  if (events.length === 0) return '';
  const where = events.map((e) => `${e.host}/${e.netns}`);
  const wWhere = Math.max(...where.map((s) => s.length));
  const wDev = Math.max(1, ...events.map((e) => (e.dev ?? '-').length));
  const wStage = Math.max(...events.map((e) => e.stage.length));
  const wVerdict = Math.max(...events.map((e) => e.verdict.length));
  const wTime = Math.max(...events.map((e) => ms(e.t).length));
  let out = `  trace (${events.length} event${events.length === 1 ? '' : 's'}):\n`;
  events.forEach((e, i) => {
    const cols = [ms(e.t).padStart(wTime), where[i]!.padEnd(wWhere), (e.dev ?? '-').padEnd(wDev), e.stage.padEnd(wStage), e.verdict.padEnd(wVerdict), e.detail];
    out += `    ${cols.join('  ').trimEnd()}\n`;
    if (e.packet) out += `    ${' '.repeat(wTime)}  ${e.packet}\n`;
  });
  return out;
}
