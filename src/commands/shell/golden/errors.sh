echo hi > /nonexist/x; echo rc=$?
cat < /nonexist; echo rc=$?
/usr/bin/foo; echo rc=$?
./foo; echo rc=$?
X=1 Y=2; echo $X$Y
exit 3
echo notreached
