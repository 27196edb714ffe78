echo hi
foo bar
echo "a b" 'c d' e\ f
X=1
echo $X ${X}y "$X" '$X'
printf 'a\nb\nc\n' | wc -l
printf 'a b\nc\n' | wc
printf 'a b\nc\n' | wc -c
printf 'a b\nc\n' | wc -l -w
printf 'a\nb\n' | grep -c z; echo "rc=$?"
printf 'a\nb\n' | grep -c a; echo "rc=$?"
grep -q x /nonexist; echo "rc=$?"
grep -E '(' /dev/null; echo "rc=$?"
cat /nonexist; echo "rc=$?"
head -n 1 /nonexist; echo rc=$?
echo "unterminated
