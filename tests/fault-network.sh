#!/bin/sh
# fault-network.sh: the fault matrix, network cases, headless. Each case
# ends with swf-dash still running, its memory under the bound, the cause
# on stderr, and a message published after the fault delivered:
#   N1 the server killed (SIGKILL) in the middle of an event, then
#      restarted on the same port;
#   N2 the connection reset in the middle of an event (closed without the
#      end of the chunked body), and closed cleanly in the middle of one;
#   N3 a stalled socket (headers, the connected event and a heartbeat,
#      then silence) under --idle-timeout 1.5: "stream stalled", then the
#      watchdog drops it and reconnects;
#   N4 503 with the relay's detail body: retried with a growing backoff,
#      the detail shown.
# The half events are never delivered. Memory bound: the high-water mark
# stays within 8 MiB of the resident size after connecting.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

# Retries after 0.2 s, doubling to 1 s; no reset to the first delay
# during the test.
SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
MEM_KB=8192
SIMARGS="--token t --no-workflow --heartbeat-interval 0.5"

# start_dash ARGS...: swf-dash --output json, connected, memory baseline.
start_dash() {
	dash_start --output json "$@"
	dash_connected 15
	mem_base "$DASH_PID"
}

# delivered N WHAT: publish {"n": N} and wait for it on stdout.
delivered() {
	pub "{\"msg_type\": \"sse_test\", \"n\": $1}"
	wait_for 10 out_has "\"n\": *$1[,}]" ||
	    { bad "$2: message $1 after the fault lost"; return 1; }
}

# stop_whole WHAT: stop_dash, and no half event was ever delivered.
stop_whole() {
	stop_dash "$1"
	out_has '"half"' && bad "$1: a half event was delivered"
	:
}

printf 'event: half\ndata: {"msg_type": "half", "n": 0, "pad": "%s' \
    "$(printf '%0500d' 0)" >"$T/half"
PAD=$(printf '%02000d' 0)

sim_start $SIMARGS

# N1: the stream drips (a byte every 2 ms) so that a 2 kB message is half
# sent when the server is killed; it comes back on the same port.
fault '{"fault": "drip", "interval_ms": 2, "count": 1}'
start_dash
pub "{\"msg_type\": \"half\", \"pad\": \"$PAD\"}"
sleep 0.5
kill -KILL "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
wait_for 10 err_has 'reconnecting in [0-9.]*s (connection lost: ' ||
    bad "N1: no 'connection lost' when the server died"
wait_for 10 err_has 'reconnecting in [0-9.]*s (.*\(onnect\|refused\)' ||
    bad "N1: no reconnect with the cause while the server is down"
sim_restart_same_port $SIMARGS
wait_for 15 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    bad "N1: no reconnect to the restarted server"
delivered 1 N1
alive "$DASH_PID" N1
mem_bounded "$DASH_PID" "$MEM_KB" N1
stop_whole N1
case_ok "N1: server killed mid-event and restarted on port $(sim_port)"

# N2: the first connection is reset in the middle of an event, the second
# closed cleanly in the middle of one; the third is a working stream.
# Neither half is delivered, and the two causes differ.
raw_fault "$T/half" '"close": true, "mode": "reset", "count": 1'
raw_fault "$T/half" '"close": true, "mode": "eof", "count": 1, "append": true'
start_dash
err_has 'reconnecting in [0-9.]*s (connection lost: ' ||
    bad "N2: no 'connection lost' for the reset stream"
err_has 'reconnecting in [0-9.]*s (server closed the stream)' ||
    bad "N2: no 'server closed the stream' for the clean close"
delivered 2 N2
alive "$DASH_PID" N2
mem_bounded "$DASH_PID" "$MEM_KB" N2
stop_whole N2
case_ok "N2: reset and closed mid-event"

# N3: a stalled socket (after the connected event and a heartbeat); the
# watchdog says so, drops it and reconnects.
fault '{"fault": "stall", "events": 2, "count": 1}'
start_dash --idle-timeout 1.5
wait_for 10 err_has 'stream stalled: no data for' ||
    bad "N3: the stall was not reported"
wait_for 10 err_has 'reconnecting in [0-9.]*s (stalled: no data for [0-9.]* s)' ||
    bad "N3: the watchdog did not drop the stalled stream"
wait_for 10 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    bad "N3: no reconnect after the stall"
delivered 4 N3
alive "$DASH_PID" N3
mem_bounded "$DASH_PID" "$MEM_KB" N3
stop_whole N3
case_ok "N3: stalled socket"

# N4: 503 three times with the monitor's detail, then the stream.
fault '{"fault": "status", "code": 503, "count": 3}'
start_dash
[ "$(grep -c 'reconnecting in [0-9.]*s (HTTP 503: No channel layer configured\.)' "$DASH_ERR")" = 3 ] ||
    bad "N4: 503 not retried 3 times with its detail"
d1=$(sed -n 's/.*reconnecting in \([0-9.]*\)s (HTTP 503.*/\1/p' "$DASH_ERR" | sed -n 1p)
d3=$(sed -n 's/.*reconnecting in \([0-9.]*\)s (HTTP 503.*/\1/p' "$DASH_ERR" | sed -n 3p)
awk "BEGIN { exit !(${d1:-9} <= 0.2 && ${d3:-0} >= 0.4) }" ||
    bad "N4: backoff did not grow: $d1 ... $d3"
delivered 5 N4
alive "$DASH_PID" N4
mem_bounded "$DASH_PID" "$MEM_KB" N4
stop_whole N4
case_ok "N4: 503 retried with backoff ($d1 s ... $d3 s)"

fault_finish
