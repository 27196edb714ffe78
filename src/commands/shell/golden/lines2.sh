X=1 foo \
a
X=1 foo2 \
 a &&
 true
X=1 foo3 "a
b" c
X=1 \
foo \
a
X=1 Y=2 \
Z=3 foo2 \
b
foo5 \
X=1
foo6 >/dev/null \
 a
foo7 a \
b
foo8 "x
y" \
z
foo9 \
"p
q" r
>/dev/null foo10 \
 a

