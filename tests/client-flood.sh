#!/bin/sh
# client-flood.sh: the loop stays responsive under a flood (issues #13 and
# #15). Headless, in every output mode:
#   - SIGTERM or SIGINT ends swf-dash within 1 s while swf-sim floods it as
#     fast as it can (--rate 0), and while it parses a burst of 200 000
#     tiny events; the EXITED heartbeat reaches the registry first;
#   - the READY heartbeats keep their period (--agent-interval 1): the
#     spacing that swf-sim's registry saw (last_heartbeat) stays within
#     1.25 s (the ingest inside libcurl's callback let it reach 1.35 s).
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

REG=$T/registry.json
sim_start --token t --no-workflow --rate 0 --registry-dump "$REG"

# 200 000 tiny events in one burst (4.8 MB; its base64 fits the 8 MiB
# that swf-sim takes in a request).
awk 'BEGIN { for (i = 0; i < 200000; i++)
    printf "data: {\"msg_type\":\"t\"}\n\n" }' >"$T/tiny"
TINY_N=200000

# now: the clock in seconds, with fractions.
now() {
	date +%s.%N
}

# stop_within NAME SIG WHAT: signal swf-dash, which must exit 0 within 1 s
# with the EXITED heartbeat of NAME in the registry.
stop_within() {
	_t0=$(now)
	kill -"$2" "$DASH_PID"
	dash_wait 10
	_t1=$(now)
	_dt=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f", b - a }')
	[ "$DASH_RC" = 0 ] || { cat "$DASH_ERR" >&2; fail "$3: exit status $DASH_RC"; }
	awk -v d="$_dt" 'BEGIN { exit !(d <= 1.0) }' ||
	    fail "$3: SIG$2 took ${_dt} s (more than 1 s)"
	[ "$(reg_field "$1" operational_state)" = EXITED ] ||
	    fail "$3: no EXITED heartbeat in the registry: $(reg_field "$1" operational_state)"
	ok "$3: SIG$2 exit in ${_dt} s, EXITED sent"
}

# registered NAME: whether NAME has sent a heartbeat.
registered() {
	[ -n "$(reg_field "$1" operational_state)" ]
}

# lines: what swf-dash has written so far.
lines() {
	wc -l <"$DASH_OUT" | tr -d ' '
}

# The endless flood, each mode, SIGTERM and SIGINT in turn.
sig=TERM
for mode in plain json events; do
	name=flood-$mode
	SWF_SSE_RECEIVER_NAME=$name; export SWF_SSE_RECEIVER_NAME
	dash_start --output "$mode"
	dash_connected
	wait_for 10 sh -c "[ \$(wc -l <'$DASH_OUT') -ge 2000 ]" ||
	    fail "$mode: no flood on stdout"
	wait_for 5 reg_is "$name" OK READY || fail "$mode: never READY"
	stop_within "$name" "$sig" "$mode flood"
	[ "$sig" = TERM ] && sig=INT || sig=TERM
done

# A burst of tiny events, parsed in slices: each mode, signalled as soon
# as the first of them is out.
for mode in plain json events; do
	name=tiny-$mode
	SWF_SSE_RECEIVER_NAME=$name; export SWF_SSE_RECEIVER_NAME
	raw_fault "$T/tiny" '"count": 1'
	dash_start --output "$mode"
	wait_for 10 grep -q 'msg_type\|^[0-9:.]* t ' "$DASH_OUT" ||
	    { cat "$DASH_ERR" >&2; fail "$mode: no tiny event on stdout"; }
	wait_for 5 registered "$name" || fail "$mode: never registered"
	n=$(lines)
	stop_within "$name" "$sig" "$mode tiny burst"
	echo "  $mode: $n of $TINY_N tiny events out when signalled, $(lines) at exit"
	[ "$sig" = TERM ] && sig=INT || sig=TERM
done

# READY heartbeats under the flood: the spacing the registry saw.
name=beats
SWF_SSE_RECEIVER_NAME=$name; export SWF_SSE_RECEIVER_NAME
dash_start --output plain --agent-interval 1
dash_connected
wait_for 5 reg_is "$name" OK READY || fail "beats: never READY"
: >"$T/beats"
end=$(($(date +%s) + 7))
while [ "$(date +%s)" -lt "$end" ]; do
	reg_field "$name" last_heartbeat >>"$T/beats"
	sleep 0.1
done
[ "$(lines)" -ge 10000 ] || fail "beats: only $(lines) messages: no flood"
kill -TERM "$DASH_PID"
dash_wait 10
# Distinct server-side times, as seconds of the day; their spacing.
gaps=$(uniq "$T/beats" | grep T | awk -F'T' '{
	split($2, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
	if (n++ > 0) printf "%.3f\n", s - prev
	prev = s }')
count=$(echo "$gaps" | grep -c .)
[ "$count" -ge 5 ] || fail "beats: only $count heartbeat gaps seen in 7 s"
max=$(echo "$gaps" | sort -n | tail -n 1)
min=$(echo "$gaps" | sort -n | head -n 1)
awk -v m="$max" -v n="$min" 'BEGIN { exit !(m <= 1.25 && n >= 0.75) }' ||
    fail "beats: heartbeat spacing $min..$max s under a flood (want 1 s, at most 1.25)"
ok "READY heartbeats under a flood: $count gaps, $min..$max s"
