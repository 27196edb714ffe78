/**
 * Delegation (pkg/invoke DelegateAdd, what bridge/ptp do with their IPAM plugin): a crashing,
 * garbage-printing, silent or erroring IPAM plugin, or none at all, as the bridge plugin reports it.
 * Expected texts recorded from /usr/lib/cni/bridge v1.1.1 with the same sh IPAM plugins on Linux.
 */
import { describe, expect, it } from 'vitest';
import '../../cni-plugins/index.js';
import { runLab } from '../../src/commands/shell/lab.js';

const LAB = `mkdir -p /tmp/ipam
printf '#!/bin/sh\\necho boom >&2\\nexit 2\\n' > /tmp/ipam/crash
printf '#!/bin/sh\\necho garbage\\n' > /tmp/ipam/garbage
printf '#!/bin/sh\\nexit 0\\n' > /tmp/ipam/silent
printf '#!/bin/sh\\necho "{\\\\"cniVersion\\\\":\\\\"1.0.0\\\\",\\\\"code\\\\":11,\\\\"msg\\\\":\\\\"later\\\\",\\\\"details\\\\":\\\\"d\\\\"}"\\nexit 1\\n' > /tmp/ipam/errobj
ip netns add c1
export CNI_CONTAINERID=c1 CNI_NETNS=/var/run/netns/c1 CNI_PATH=/opt/cni/bin:/tmp/ipam
CNI_COMMAND=ADD CNI_IFNAME=eth0 /opt/cni/bin/bridge <<< '{"cniVersion":"1.0.0","name":"n","type":"bridge","bridge":"b1","ipam":{"type":"crash"}}'
CNI_COMMAND=ADD CNI_IFNAME=eth1 /opt/cni/bin/bridge <<< '{"cniVersion":"1.0.0","name":"n","type":"bridge","bridge":"b1","ipam":{"type":"garbage"}}'
CNI_COMMAND=ADD CNI_IFNAME=eth2 /opt/cni/bin/bridge <<< '{"cniVersion":"1.0.0","name":"n","type":"bridge","bridge":"b1","ipam":{"type":"silent"}}'
CNI_COMMAND=ADD CNI_IFNAME=eth3 /opt/cni/bin/bridge <<< '{"cniVersion":"1.0.0","name":"n","type":"bridge","bridge":"b1","ipam":{"type":"errobj"}}'
CNI_COMMAND=ADD CNI_IFNAME=eth4 /opt/cni/bin/bridge <<< '{"cniVersion":"1.0.0","name":"n","type":"bridge","bridge":"b1","ipam":{"type":"nothere"}}'
`;

const err = (code: number, msg: string, details?: string): string => `{\n    "code": ${code},\n    "msg": ${JSON.stringify(msg)}${details ? `,\n    "details": ${JSON.stringify(details)}` : ''}\n}`;

describe('a plugin delegating to a broken IPAM plugin', () => {
  it('reports what pkg/invoke makes of it, in the reference bridge plugin\'s words', () => {
    const r = runLab(LAB, { file: 'ipam.lab', cwd: '/lab' });
    const adds = r.steps.filter((s) => s.command.startsWith('CNI_COMMAND=ADD'));
    expect(adds.map((s) => [s.exitCode, s.stdout])).toEqual([
      [1, err(0, 'netplugin failed: "boom\\n"')],
      [1, err(999, "failed to unmarshal raw result: invalid character 'g' looking for beginning of value")],
      [1, err(999, 'failed to unmarshal raw result: unexpected end of JSON input')],
      [1, err(11, 'later', 'd')],
      [1, err(999, 'failed to find plugin "nothere" in path [/opt/cni/bin /tmp/ipam]')],
    ]);
  });
});
