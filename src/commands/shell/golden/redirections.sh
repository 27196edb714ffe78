echo out; ls /nope 2>&1 >/dev/null | tr a-z A-Z
ls /nope > f3 2>&1; cat f3
ls /nope 2>&1 > f4; cat f4; 
X="a b"; printf '[%s]' $X; echo
Y=$X; printf '[%s]' $Y; echo
X=1 Y=2 Z=$X; echo "$Z"
echo "a\nb" 'c\nd' a\#b \\ "\\" '\\'
foo; echo $?
echo "tab	here" | cut -f2
echo x\
y
echo $HOME $PWD_UNSET "${HOME}"/x
echo '$HOME' "\$HOME" \$HOME
A=one
echo $A-$A_ ${A}_
echo end ; 
   echo indented
echo a && 
  echo b
