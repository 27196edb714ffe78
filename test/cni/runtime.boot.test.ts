/**
 * Every emulated host boots with podnet's plugins in /opt/cni/bin (marker files `ls` lists and `cat`
 * shows), and a plugin deleted from there is gone for the runtime too.
 */
import { describe, expect, it } from 'vitest';
import '../../cni-plugins/index.js';
import { runLab } from '../../src/commands/shell/lab.js';

const out = (lab: string): string => runLab(lab, { file: 'boot.lab', cwd: '/lab' }).steps.map((s) => s.output.map((c) => c.text).join('')).join('');

describe('/opt/cni/bin on a booted host', () => {
  it('lists podnet\'s plugins, each file naming its program', () => {
    expect(out('ls /opt/cni/bin\ncat /opt/cni/bin/bridge\n')).toBe('bridge\nhost-local\nloopback\nportmap\nptp\n#!podnet-cni-plugin bridge\n');
  });
  it('runs what is there: a removed plugin is not found, by path or by CNI_PATH', () => {
    expect(
      out(`rm /opt/cni/bin/loopback
ip netns add c1
CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/var/run/netns/c1 CNI_IFNAME=lo CNI_PATH=/opt/cni/bin /opt/cni/bin/loopback <<< '{}'
echo rc=$?
`),
    ).toBe('boot.lab: line 3: /opt/cni/bin/loopback: No such file or directory\nrc=127\n');
  });
});
