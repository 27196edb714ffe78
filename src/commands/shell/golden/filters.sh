# text filters
grep -Z x data.txt; echo rc=$?
grep; echo rc=$?
grep -c b data.txt /nonexist; echo rc=$?
grep b data.txt data.txt; echo rc=$?
grep -o 'b\|a' data.txt; echo rc=$?
grep -w 'b' data.txt; grep -i a data.txt; grep -v b data.txt | grep -c .
grep -n -E 'a|c' data.txt
grep -x 'c 1' data.txt
grep -e a -e c data.txt
grep -q a data.txt; echo q=$?
grep -l a data.txt
grep '[[:digit:]]\{2\}' data.txt
grep -E '[0-9]{2}' data.txt
grep -F 'a.' data.txt; echo rc=$?
grep -E 'b+' < data.txt
head -n x data.txt; echo rc=$?
head -2 data.txt; tail -n +4 data.txt; tail -2 data.txt
head -n -3 data.txt
head -n 1 data.txt data.txt
head -c 5 data.txt
sort data.txt; echo --; sort -r data.txt; echo --; sort -n -k2 data.txt; echo --; sort -u data.txt; echo --; sort -t' ' -k2,2n data.txt; echo --; sort -k2 -n -r data.txt
sort -k2nr data.txt; sort -f data.txt
cut -data.txt' ' -f2 data.txt | head -2; cut -c1-3 data.txt | head -1; cut data.txt; echo rc=$?
cut -data.txt ' ' -f 1,2 data.txt | tail -1
echo hello | tr a-z A-Z; echo hello | tr -data.txt l; echo "a  b" | tr -s ' '; echo abc | tr abc xy
echo 'a:b:c' | tr ':' '\n'
echo abc | tr '[:lower:]' '[:upper:]'
ls /nonexist sub; echo rc=$?
ls sub
ls -a sub
ls -A sub | wc -l
ls sub data.txt
wc -x; echo rc=$?
sort -k; echo rc=$?
echo -e 'a\\nb\x41\0101'; echo -n -e 'x\n'
printf 'no newline' | wc -l
printf 'a\nb' | tail -1; echo
printf 'a\nb' | sort
echo a | cut -f2; echo 'a:b' | cut -data.txt: -f3; echo 'a:b:c' | cut -data.txt: -f2-
cat -n data.txt | head -2
wc data.txt; wc -l data.txt; wc -l < data.txt; wc -w data.txt data.txt; cat data.txt | wc; cat data.txt | wc -lc
printf '%s=%data.txt\n' a 1 b 2
printf '%5s|%-5s|%05d\n' x y 42
printf 'x\n' | cat - data.txt | head -2
cat data.txt > out.txt; cat out.txt | wc -l; echo more >> out.txt; tail -1 out.txt
echo err >&2
echo err2 1>&2 2>/dev/null
ls /nope 2>&1 | tr a-z A-Z
ls /nope 2>/dev/null; echo rc=$?
echo after
cat <<EOF | grep x
x $HOME
y
cat <<EOF | grep x
x $HOME
y
EOF
cat <<'EOF'
$HOME \$
EOF
cat <<< "here string"
X=hello; echo ${X}; echo "$X world" | wc -c
unset X; echo "[$X]"
export A=1 B; echo $A
true && echo yes || echo no
false && echo yes || echo no
! true; echo $?
echo a; echo b > /dev/null; echo c
mkdir -p /tmp/a/b; echo hi > /tmp/a/b/f; cat /tmp/a/b/f; ls /tmp/a
mkdir /tmp/a; echo rc=$?
rm /tmp/a; echo rc=$?
rm -r /tmp/a; ls /tmp/a; echo rc=$?
echo x | tee /tmp/t1 | tr x y; cat /tmp/t1
touch /tmp/t2; cat /tmp/t2; echo rc=$?
cat /tmp; echo rc=$?
sleep 1; sleep x; echo rc=$?
