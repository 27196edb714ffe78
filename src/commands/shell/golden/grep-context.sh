grep -A1 a ctx.txt; echo ==; grep -B2 -n a ctx.txt; echo ==; grep -C1 a ctx.txt ctx.txt | head -8; echo ==; grep -A1 -c a ctx.txt; grep -A 1 -v '[0-9]' ctx.txt; echo ==; grep -m1 -A2 a ctx.txt; echo ==; grep -A x a ctx.txt; echo rc=$?
grep -C2 a ctx.txt; grep -A1 -B1 -n 3 ctx.txt; printf 'a\na\nb\na\n' | grep -A1 a
grep -C1 a ctx.txt ctx.txt
grep -A1 1 ctx.txt ctx.txt
