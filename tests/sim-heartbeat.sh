#!/bin/sh
# sim-heartbeat.sh: heartbeat events every --heartbeat-interval, each gap
# jittered by up to a sixth of it (the monitor's 30-35 s), with and without
# traffic.
. "$top_srcdir/tests/lib.sh"

# gaps FILE: the gaps between the heartbeats' own timestamps, one a line.
gaps() {
	sed -n '/^event: heartbeat$/{n;p}' "$1" |
	    sed 's/^data: {"timestamp": \([0-9.]*\)}$/\1/' |
	    awk 'NR > 1 { printf "%.4f\n", $1 - prev } { prev = $1 }'
}
# check_gaps FILE WHAT: 0.6 to 0.7 s apart (a little slack for a loaded
# machine), and not all the same: the jitter is there.
check_gaps() {
	gaps "$1" >"$T/gaps"
	n=$(wc -l <"$T/gaps")
	[ "$n" -ge 4 ] || fail "$2: only $n gaps: $(tr '\n' ' ' <"$T/gaps")"
	awk '$1 < 0.595 || $1 > 0.8 { print "gap " $1; bad = 1 }
	    END { exit bad }' "$T/gaps" ||
	    fail "$2: gaps outside 0.6-0.7 s: $(tr '\n' ' ' <"$T/gaps")"
	sort -n "$T/gaps" | awk 'NR == 1 { lo = $1 } { hi = $1 }
	    END { exit !(hi - lo >= 0.015) }' ||
	    fail "$2: no jitter: $(tr '\n' ' ' <"$T/gaps")"
}

sim_start --token t --no-workflow --heartbeat-interval 0.6

# No traffic.
sim_stream "$T/idle"
sleep 4.2
kill "$STREAM_PID"
n=$(sim_events "$T/idle" | grep -c '^heartbeat$')
[ "$n" -ge 5 ] && [ "$n" -le 7 ] || fail "$n heartbeats in 4.2 s idle"
# data: {"timestamp": <unix seconds as a float>}, close to our clock.
now=$(date +%s)
sed -n '/^event: heartbeat$/{n;p}' "$T/idle" | while read -r line; do
	echo "$line" | grep -E -q '^data: \{"timestamp": [0-9]+\.[0-9]+\}$' ||
	    fail "heartbeat data: $line"
	ts=$(echo "$line" | sed 's/.*: \([0-9.]*\)}$/\1/')
	awk -v ts="$ts" -v now="$now" 'BEGIN { exit !(ts > now - 10 && ts < now + 10) }' ||
	    fail "heartbeat timestamp $ts is not now ($now)"
done || exit 1
check_gaps "$T/idle" idle
ok "idle heartbeats: $n, gaps $(tr '\n' ' ' <"$T/gaps")"

# Under steady traffic (a paced flood of 100 messages a second, and the
# workflow) heartbeats keep coming on time.
sim_stop_clean
sim_start --token t --speed 20 --heartbeat-interval 0.6 --rate 100
sim_stream "$T/busy"
sleep 4.2
kill "$STREAM_PID"
n=$(sim_events "$T/busy" | grep -c '^heartbeat$')
m=$(sim_events "$T/busy" | grep -c -v '^heartbeat$')
[ "$m" -ge 300 ] || fail "only $m messages under traffic"
[ "$n" -ge 5 ] && [ "$n" -le 7 ] || fail "$n heartbeats in 4.2 s under traffic"
check_gaps "$T/busy" busy
ok "busy heartbeats: $n with $m messages, gaps $(tr '\n' ' ' <"$T/gaps")"
sim_stop_clean

# The default is 30 s (the monitor's 30-35 s): none in the first 2 s.
sim_start --token t --no-workflow
sim_stream "$T/default"
sleep 2
[ "$(sim_events "$T/default" | grep -c '^heartbeat$')" = 0 ] ||
    fail "a heartbeat within 2 s by default"
"$SWF_SIM" --help | grep -q 'heartbeat events, each gap' ||
    fail "--help does not describe the jitter"
"$SWF_SIM" --help | grep -A 1 'heartbeat-interval' | grep -q '(default 30)' ||
    fail "--help: default not 30"
ok "default 30 s"
sim_stop_clean
