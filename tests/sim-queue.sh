#!/bin/sh
# sim-queue.sh: a client that does not read loses the oldest messages only,
# and does not slow the others.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow --client-queue 5

sim_stream "$T/slow"
slow=$STREAM_PID
slow_id=$(sed -n '2s/^data: //p' "$T/slow" | jq -r .client_id)
sim_stream "$T/fast"
kill -STOP "$slow"

# queued: how many messages wait in the slow client's queue.
queued() {
	curl -s --noproxy '*' --max-time 5 -H 'Authorization: Token t' \
	    "$SIM_URL/sim/stats" | jq ".clients[] | select(.client_id == \"$slow_id\") | .$1"
}

# Fill the socket buffers with big messages until the queue holds one.
head -c 1000000 /dev/zero | tr '\0' x >"$T/pad"
printf '{"msg_type":"pad","pad":"%s"}' "$(cat "$T/pad")" >"$T/padmsg"
# Two waiting a while apart: the slow client's thread is surely stuck.
n=0
while :; do
	if [ "$(queued queued)" -ge 2 ]; then
		sleep 0.2
		[ "$(queued queued)" -ge 2 ] && break
	fi
	curl -s --noproxy '*' --max-time 10 -o /dev/null \
	    -H 'Authorization: Token t' --data-binary @"$T/padmsg" \
	    "$SIM_URL/sim/publish"
	n=$((n + 1))
	[ $n -lt 100 ] || fail "the slow client's queue never filled"
done

i=1
while [ $i -le 30 ]; do
	publish "{\"msg_type\":\"num\",\"n\":$i}" >/dev/null
	i=$((i + 1))
done
[ "$(queued queued)" = 5 ] || fail "queue holds $(queued queued), not 5"
dropped=$(queued dropped)
[ "$dropped" -ge 25 ] || fail "only $dropped dropped"
# The fast client got everything meanwhile.
wait_for 5 grep -q '"n": 30,' "$T/fast" || fail "the fast client was slowed"
[ "$(grep -c '^event: num$' "$T/fast")" = 30 ] || fail "fast client lost some"

kill -CONT "$slow"
wait_for 10 grep -q '"n": 30,' "$T/slow" || fail "the newest never arrived"
got=$(sed -n 's/^data: \(.*"msg_type": "num".*\)/\1/p' "$T/slow" |
    jq -r .n | tr '\n' ' ')
[ "$got" = "26 27 28 29 30 " ] || fail "slow client got '$got'"
ok "oldest dropped ($dropped), newest kept: $got"

kill "$slow"
sim_stop_clean
grep -E -q "client $slow_id disconnected: .* [1-9][0-9]* dropped" "$SIM_ERR" ||
    fail "no drop count in the disconnect log"
grep -E -q '[1-9][0-9]* messages dropped from full client queues' "$SIM_ERR" ||
    fail "no drop total at exit"
