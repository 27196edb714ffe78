# A shell started with -c inherits its stdin: the first program in it that reads gets it.
echo x | sh -c cat
echo y | bash -c 'cat | tr y Y'
echo z | sh -c 'echo a; cat; cat; echo b'
printf '1\n2\n' | bash -c 'head -1'
