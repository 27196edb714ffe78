import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab } from './lab.js';
import { registerProgramResolver } from '../registry.js';
import { result } from '../types.js';

const text = (r: ReturnType<typeof runLab>): string => r.steps.map((s) => s.output.map((c) => c.text).join('')).join('');

// Recorded from bash 5.2.15 / dash 0.5.12 (Debian 12) running the same lines, each file chmod +x
// there (podnet's emulated files carry no permission bits: every one is executable).
const LAB = `mkdir -p /tmp/x
printf '#!/bin/sh\\necho "sh:$X"\\ncat\\nnosuch\\n' > /tmp/x/s.sh
printf '#!/bin/bash\\necho bash\\nnosuch\\nexit 3\\n' > /tmp/x/b.sh
printf '#!/usr/bin/env bash\\necho envbash\\n' > /tmp/x/e.sh
printf 'echo plain\\nnosuch\\n' > /tmp/x/plain
printf '#!/usr/bin/nothere\\necho\\n' > /tmp/x/bad
printf 'a\\000b' > /tmp/x/bin
echo hello | X=1 /tmp/x/s.sh; echo rc=$?
/tmp/x/b.sh; echo rc=$?
/tmp/x/e.sh; echo rc=$?
/tmp/x/plain; echo rc=$?
/tmp/x/bad; echo rc=$?
/tmp/x/bin; echo rc=$?
/tmp/x; echo rc=$?
/tmp/x/none; echo rc=$?
`;
const BASH = `sh:1
hello
/tmp/x/s.sh: 4: nosuch: not found
rc=127
bash
/tmp/x/b.sh: line 3: nosuch: command not found
rc=3
envbash
rc=0
plain
/tmp/x/plain: line 2: nosuch: command not found
rc=127
probe.lab: line 12: /tmp/x/bad: cannot execute: required file not found
rc=127
probe.lab: line 13: /tmp/x/bin: cannot execute binary file: Exec format error
rc=126
probe.lab: line 14: /tmp/x: Is a directory
rc=126
probe.lab: line 15: /tmp/x/none: No such file or directory
rc=127
`;

describe('running a program by its path (execve as bash reports it)', () => {
  it('runs sh/bash scripts with their stdin and env, and refuses the rest with bash\'s texts', () => {
    expect(text(runLab(LAB, { file: 'probe.lab', cwd: '/lab' }))).toBe(BASH);
  });

  it('runs a file a later layer claims (a marker file) as that layer\'s program, with argv, env and stdin', () => {
    registerProgramResolver((_path, content) =>
      content.startsWith('#!test-marker\n') ? (argv, ctx) => result(5, `${argv.join(' ')} ${ctx.env['K'] ?? ''} ${ctx.stdin}`) : undefined,
    );
    const r = runLab("mkdir -p /usr/local/bin\nprintf '#!test-marker\\n' > /usr/local/bin/m\nK=v /usr/local/bin/m a <<< in\necho rc=$?\nip netns add n\nip netns exec n /usr/local/bin/m b\n", { file: 'm.lab', cwd: '/lab' });
    expect(text(r)).toBe('/usr/local/bin/m a v in\nrc=5\n/usr/local/bin/m b  ');
  });

  it('runs scripts beside the lab on the real disk only when their x bit is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podnet-exec-'));
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho ran\n');
    writeFileSync(join(dir, 'plain.sh'), '#!/bin/sh\necho ran\n');
    chmodSync(join(dir, 'run.sh'), 0o755);
    const r = runLab('./run.sh\n./plain.sh\necho rc=$?\n', { file: 'r.lab', cwd: dir });
    expect(text(r)).toBe('ran\nr.lab: line 2: ./plain.sh: Permission denied\nrc=126\n');
  });
});
