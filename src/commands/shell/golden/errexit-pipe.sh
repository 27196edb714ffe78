set -e
echo a | grep -q b
echo notreached
