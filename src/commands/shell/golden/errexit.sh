set -e
false || echo recovered
! true
echo after-negation
true && false || echo or-branch
false && echo no
echo after-and
echo end; false
echo notreached
