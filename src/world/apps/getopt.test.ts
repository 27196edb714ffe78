import { describe, expect, it } from 'vitest';
import { getopt } from './getopt.js';

describe('getopt', () => {
  it('clusters flags and takes attached or separate arguments', () => {
    const r = getopt(['ping', '-qc2', '-W', '1', '10.0.0.2'], 'c:qW:');
    expect(r).toEqual({ ok: true, opts: [{ opt: 'q' }, { opt: 'c', arg: '2' }, { opt: 'W', arg: '1' }], operands: ['10.0.0.2'] });
  });

  it('permutes operands before options, as GNU does (`ping 10.0.0.2 -c 1` works on Linux)', () => {
    const r = getopt(['ping', '10.0.0.2', '-c', '1'], 'c:');
    expect(r.ok && r.operands).toEqual(['10.0.0.2']);
    expect(r.opts).toEqual([{ opt: 'c', arg: '1' }]);
  });

  it('stops at -- and keeps a lone - as an operand', () => {
    const r = getopt(['nc', '-l', '--', '-v', '-'], 'lv');
    expect(r.ok && r.operands).toEqual(['-v', '-']);
  });

  it("reports glibc's messages with argv[0] as typed", () => {
    // Real: "ping: invalid option -- 'z'" and "nc: option requires an argument -- 'x'".
    expect(getopt(['ping', '-z'], 'c:')).toMatchObject({ ok: false, message: "ping: invalid option -- 'z'\n" });
    expect(getopt(['/bin/nc', '-x'], 'x:')).toMatchObject({ ok: false, message: "/bin/nc: option requires an argument -- 'x'\n" });
  });
});
