X="a  b"
printf '[%s]\n' $X "$X"
Y=
printf '[%s]\n' $Y "$Y" x
echo a\
b
echo 'it''s' "q\"x\$y\\z\a" 
echo a#b # c
echo "x" > /dev/null 2>&1; echo $?
ls /nonexist
false; echo $?
! false; echo $?
echo -e 'a\tb\n' | cat -A
echo -n x; echo
Z=5 bash -c 'echo $Z'; echo "[$Z]"
)
echo after
