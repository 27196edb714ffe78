[ 1 -eq 1 ]; echo $?
[ a = a ]; echo $?
[ a != a ]; echo $?
[ -z "" ]; echo $?
[ -n "" ]; echo $?
[ -d /etc ]; echo $?
[ -f /etc ]; echo $?
[ -e /nonexist ]; echo $?
[ ! -e /nonexist ]; echo $?
[ 1 -lt a ]; echo $?
[ 1 -eq 1; echo $?
[ ]; echo $?
[ x ]; echo $?
test 3 -gt 2; echo $?
[ a b ]; echo $?
[ -f /proc/sys/net/ipv4/ip_forward ]; echo $?
[ a == a ]; echo $?
[ -s /etc/hostname ]; echo $?
[ a \< b ]; echo $?
