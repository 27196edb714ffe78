#!/bin/bash
# Records what real bash 5.2 + GNU coreutils print for each golden script (run on Debian 12, C locale).
# The lab runner's test replays the same scripts and must print exactly this.
cd "$(dirname "$0")" || exit 1
for f in *.sh; do
  [ "$f" = record.sh ] && continue
  n=${f%.sh}
  rm -rf /tmp/a /tmp/t1 /tmp/t2 out.txt f3 f4
  LC_ALL=C bash "$f" > "$n.stdout" 2> "$n.stderr"
  echo $? > "$n.exit"
done
rm -rf /tmp/a /tmp/t1 /tmp/t2 out.txt f3 f4
