printf '%s\n' a b c
printf '%s=%s\n' k1 v1 k2
printf '%d|%5d|%-5d|%05d\n' 42 7 7 7
printf '%x %X %o\n' 255 255 8
printf 'no newline'
printf '\n'
printf '%b\n' 'a\tb'
printf '%%\n'
printf '%s\n'
printf 'x\101y\n'
printf '%c\n' hello
printf '%.2f\n' 3.14159
printf '%d\n' abc; echo rc=$?
printf '%5.2s|\n' abcdef
printf '\x41\n'
printf
echo rc=$?
