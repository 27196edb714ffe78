import { expect, test } from 'vitest';
import { readHeader, splitLab } from './split.js';

test('one logical command per line; comments and blanks skipped; lines are 1-based', () => {
  const cmds = splitLab('# title\n\nip netns add red\n  # indented comment\nip netns list\n');
  expect(cmds.map((c) => [c.line, c.command])).toEqual([
    [3, 'ip netns add red'],
    [5, 'ip netns list'],
  ]);
});

test('backslash continuation joins lines and keeps the raw text for bash', () => {
  const cmds = splitLab('ip link add veth-red \\\n    type veth \\\n    peer name veth-blue\nip link\n');
  expect(cmds).toEqual([
    { line: 1, command: 'ip link add veth-red     type veth     peer name veth-blue', raw: 'ip link add veth-red \\\n    type veth \\\n    peer name veth-blue' },
    { line: 4, command: 'ip link', raw: 'ip link' },
  ]);
});

test('an escaped backslash at the end does not continue', () => {
  expect(splitLab('echo a\\\\\necho b').map((c) => c.line)).toEqual([1, 2]);
});

test('a trailing continuation on the last line ends the command', () => {
  expect(splitLab('echo a \\').map((c) => c.line)).toEqual([1]);
});

test('a here-document and trailing comments: raw spans the body, not the comments after it', () => {
  expect(splitLab('cat <<EOF\nx\nEOF\n\n# next\necho z').map((c) => [c.line, c.raw])).toEqual([
    [1, 'cat <<EOF\nx\nEOF'],
    [6, 'echo z'],
  ]);
});

test('header directives', () => {
  expect(readHeader('# NAT to the outside\n# podnet-expect: netfilter\n# podnet-timeout: 20\nip link\n')).toEqual({ expect: ['netfilter'], timeoutSec: 20 });
  expect(readHeader('ip link\n')).toEqual({ expect: [] });
});
