#!/usr/bin/env python3
"""Runs a .cases file (one shell command a line) against real iptables 1.8.9 inside a throwaway
network+mount namespace and writes NAME.expected.json with each command's stdout, stderr and exit
code, date lines normalised, so podnet's tests compare against the kernel's own tools."""
import json, os, re, subprocess, sys

def run_inside(path):
    out = []
    here = os.path.dirname(os.path.abspath(path))
    for line in open(path):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        # Bytes, decoded by hand: text mode would turn a CR the tool printed into a newline.
        p = subprocess.run(['bash', '-c', line], cwd=here, capture_output=True)
        norm = lambda b: re.sub(r' on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}', ' on DATE', b.decode('utf-8', 'replace'))
        out.append({'cmd': line, 'rc': p.returncode, 'stdout': norm(p.stdout), 'stderr': norm(p.stderr)})
    return out

if __name__ == '__main__':
    if sys.argv[1] == '--inside':
        json.dump(run_inside(sys.argv[2]), open(sys.argv[3], 'w'), indent=1)
    else:
        for path in sys.argv[1:]:
            dest = re.sub(r'\.cases$', '.expected.json', os.path.abspath(path))
            inner = ('mkdir -p /run/netns; mount -t tmpfs none /run/netns; mount -t sysfs none /sys; '
                     'ip link set lo up; python3 %s --inside %s %s' % (os.path.abspath(__file__), os.path.abspath(path), dest))
            subprocess.run(['unshare', '--net', '--mount', '--propagation', 'private', 'bash', '-c', inner], check=True)
            print('wrote', dest)
