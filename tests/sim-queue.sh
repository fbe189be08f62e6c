#!/bin/sh
# sim-queue.sh: each client's channel as the monitor's: when a client that
# does not read has a full channel the NEWEST messages are dropped for it
# (the oldest kept), a message not read within the expiry is gone, both
# counted per client; the other clients are not slowed.
. "$top_srcdir/tests/lib.sh"

# stuck_client FILE: a stream client that stops reading with its server
# thread blocked in a write, so what follows waits in its channel. Sets
# $slow (curl's pid) and $slow_id.
head -c 1000000 /dev/zero | tr '\0' x >"$T/pad"
printf '{"msg_type":"pad","pad":"%s"}' "$(cat "$T/pad")" >"$T/padmsg"
stuck_client() {
	sim_stream "$1"
	slow=$STREAM_PID
	slow_id=$(sed -n '2s/^data: //p' "$1" | jq -r .client_id)
	kill -STOP "$slow"
	# Fill the socket buffers with big messages until the channel holds
	# two, a while apart: the client's thread is surely stuck.
	_n=0
	while :; do
		if [ "$(stat_of queued)" -ge 2 ]; then
			sleep 0.2
			[ "$(stat_of queued)" -ge 2 ] && break
		fi
		curl -s --noproxy '*' --max-time 10 -o /dev/null \
		    -H 'Authorization: Token t' --data-binary @"$T/padmsg" \
		    "$SIM_URL/sim/publish"
		_n=$((_n + 1))
		[ $_n -lt 100 ] || fail "the slow client's channel never filled"
	done
}
# stat_of KEY: the slow client's counter in /sim/stats.
stat_of() {
	curl -s --noproxy '*' --max-time 5 -H 'Authorization: Token t' \
	    "$SIM_URL/sim/stats" |
	    jq ".clients[] | select(.client_id == \"$slow_id\") | .$1"
}
# nums FILE: the n of the num messages a client got.
nums() {
	sed -n 's/^data: \(.*"msg_type": "num".*\)/\1/p' "$1" | jq -r .n |
	    tr '\n' ' '
}

sim_start --token t --no-workflow --client-queue 5
stuck_client "$T/slow"
sim_stream "$T/fast"
q0=$(stat_of queued)
i=1
while [ $i -le 30 ]; do
	publish "{\"msg_type\":\"num\",\"n\":$i}" >/dev/null
	i=$((i + 1))
done
[ "$(stat_of queued)" = 5 ] || fail "channel holds $(stat_of queued), not 5"
dropped=$(stat_of dropped)
[ "$dropped" = $((30 - (5 - q0))) ] ||
    fail "$dropped dropped, want $((30 - (5 - q0))) ($q0 were queued)"
[ "$(stat_of expired)" = 0 ] || fail "expired without expiry"
# The fast client got everything meanwhile.
wait_for 5 grep -q '"n": 30,' "$T/fast" || fail "the fast client was slowed"
[ "$(grep -c '^event: num$' "$T/fast")" = 30 ] || fail "fast client lost some"

kill -CONT "$slow"
want=$(seq 1 $((5 - q0)) | tr '\n' ' ')
wait_for 10 sh -c "sed -n 's/^data: \(.*\"msg_type\": \"num\".*\)/\1/p' \
    '$T/slow' | jq -r .n | tail -n 1 | grep -q -x $((5 - q0))" ||
    fail "the oldest never arrived: $(nums "$T/slow")"
sleep 0.3
[ "$(nums "$T/slow")" = "$want" ] ||
    fail "slow client got '$(nums "$T/slow")', want the oldest '$want'"
ok "newest dropped ($dropped), oldest kept: $want"

kill "$slow"
sim_stop_clean
grep -E -q "client $slow_id disconnected: .* $dropped dropped, 0 expired" \
    "$SIM_ERR" || fail "no drop count in the disconnect log"
grep -E -q "$dropped messages dropped from full client queues" "$SIM_ERR" ||
    fail "no drop total at exit"

# Expiry: what waited longer than --channel-expiry is gone, counted.
sim_start --token t --no-workflow --client-queue 1000 --channel-expiry 1.5
stuck_client "$T/slow2"
i=1
while [ $i -le 10 ]; do
	publish "{\"msg_type\":\"num\",\"n\":$i}" >/dev/null
	i=$((i + 1))
done
sleep 2
publish '{"msg_type":"num","n":11}' >/dev/null
publish '{"msg_type":"num","n":12}' >/dev/null
exp=$(stat_of expired)
[ "$exp" -ge 10 ] || fail "only $exp expired"
[ "$(stat_of dropped)" = 0 ] || fail "dropped with room in the channel"
kill -CONT "$slow"
wait_for 10 grep -q '"n": 12,' "$T/slow2" || fail "the fresh ones never arrived"
[ "$(nums "$T/slow2")" = "11 12 " ] ||
    fail "after the expiry the client got '$(nums "$T/slow2")'"
ok "expired after --channel-expiry: $exp"
kill "$slow"
sim_stop_clean
grep -E -q "client $slow_id disconnected: .* 0 dropped, $exp expired" \
    "$SIM_ERR" || fail "no expiry count in the disconnect log"
