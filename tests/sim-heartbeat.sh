#!/bin/sh
# sim-heartbeat.sh: heartbeat events on time, with and without traffic.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow --heartbeat-interval 0.5

# No traffic: one heartbeat every 0.5 s.
sim_stream "$T/idle"
sleep 2.2
kill "$STREAM_PID"
n=$(sim_events "$T/idle" | grep -c '^heartbeat$')
[ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n heartbeats in 2.2 s idle"
# data: {"timestamp": <unix seconds as a float>}, close to our clock.
now=$(date +%s)
sed -n '/^event: heartbeat$/{n;p}' "$T/idle" | while read -r line; do
	echo "$line" | grep -E -q '^data: \{"timestamp": [0-9]+\.[0-9]+\}$' ||
	    fail "heartbeat data: $line"
	ts=$(echo "$line" | sed 's/.*: \([0-9.]*\)}$/\1/')
	awk -v ts="$ts" -v now="$now" 'BEGIN { exit !(ts > now - 10 && ts < now + 10) }' ||
	    fail "heartbeat timestamp $ts is not now ($now)"
done || exit 1
ok "idle heartbeats: $n"

# Under steady traffic (a paced flood of 100 messages a second)
# heartbeats keep coming on time.
sim_stop_clean
sim_start --token t --no-workflow --heartbeat-interval 0.5 --rate 100
sim_stream "$T/busy"
sleep 2.2
kill "$STREAM_PID"
n=$(sim_events "$T/busy" | grep -c '^heartbeat$')
m=$(sim_events "$T/busy" | grep -c '^data_ready$')
[ "$m" -ge 100 ] || fail "only $m messages under traffic"
[ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n heartbeats in 2.2 s under traffic"
ok "busy heartbeats: $n with $m messages"
sim_stop_clean
