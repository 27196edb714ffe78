echo 1 > /nonexist/x; echo $?
set -e
echo 1 > /nonexist/x
echo notreached
