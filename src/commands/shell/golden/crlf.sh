echo a
echo "b"
