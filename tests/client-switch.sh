#!/bin/sh
# Make-before-break subscription changes, through the engine's API
# (tests/unit/t-client): seq_a, then seq_a,seq_b, then seq_b, while
# numbered messages are published as fast as the sim takes them. Every
# message covered by both the old and the new subscription arrives
# exactly once; nothing is delivered twice. Also the registry poll.
. "$top_srcdir/tests/lib.sh"
client_setup

T_CLIENT="$top_builddir/tests/unit/t-client"
[ -x "$T_CLIENT" ] || fail "no $T_CLIENT"
sim_start --token t --no-workflow --heartbeat-interval 0.5

N=400 SW1=100 SW2=250
"$T_CLIENT" "$SIM_URL" $N $SW1 $SW2 >"$T/got" 2>"$T/err" ||
    { cat "$T/err"; fail "t-client: exit $?"; }
grep -c '^seq' "$T/got" >/dev/null || fail "nothing received"

dups=$(grep '^seq' "$T/got" | sort | uniq -d)
[ -z "$dups" ] || fail "delivered twice: $dups"

# seq_a is in both the first and the second subscription: every odd n
# up to the second switch arrives.
n=1
while [ "$n" -le "$SW2" ]; do
	grep -qx "seq_a $n" "$T/got" || fail "seq_a $n lost"
	n=$((n + 2))
done
# seq_b is in the second and the third: from the first seq_b received
# on, every even n arrives.
first=$(sed -n 's/^seq_b //p' "$T/got" | sort -n | head -n 1)
[ -n "$first" ] && [ "$first" -le $((SW1 + 60)) ] ||
    fail "seq_b came late or never: $first"
n=$first
while [ "$n" -le "$N" ]; do
	grep -qx "seq_b $n" "$T/got" || fail "seq_b $n lost"
	n=$((n + 2))
done
# Nothing of seq_b before the first switch, nothing of seq_a long after
# the second.
sed -n 's/^seq_b //p' "$T/got" | awk -v s=$SW1 '$1 <= s { exit 1 }' ||
    fail "seq_b before it was subscribed"
sed -n 's/^seq_a //p' "$T/got" | awk -v s=$((SW2 + 60)) '$1 > s { exit 1 }' ||
    fail "seq_a long after it was unsubscribed"
ok "two switches: nothing lost, nothing twice ($(sed -n 's/^dup //p' "$T/got") duplicates dropped)"

[ "$(sed -n 's/^registry //p' "$T/got")" -ge 1 ] || fail "registry poll"
ok "registry poll"
