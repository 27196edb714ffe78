echo a && \
  foo1
echo b &&
  foo2
foo3 \
  arg
echo "x
y" && foo4
cat <<E; foo5
body
E
foo6
foo7 &&
 echo z
foo8 ||
  foo9 \
  a
foo10 "a
b"; foo11 \
 x

