#!/bin/sh
# fault-drip.sh: the fault matrix, a slow drip, headless. The server sends
# the stream one byte every 100 ms; with --idle-timeout 12 the idle
# watchdog must not fire (a line ends every few seconds, the longest one,
# the connected event's data, after some 8.5 s, although no event is
# complete for longer), and the events come out whole and exact: the
# "connected" event carries the client id the server gave, then a
# heartbeat. Once the drip ends (the server restarts) a message published
# arrives. Memory bound: the high-water mark stays within 4 MiB of the
# resident size at the start. (About 15 s: 150 bytes at 10 a second.)
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
SIMARGS="--token t --no-workflow --heartbeat-interval 4"
sim_start $SIMARGS
fault '{"fault": "drip", "interval_ms": 100, "count": 1}'
# The watchdog counts line ends, not bytes (a trickle that never ends a
# line must not keep a stream alive: fault-hostile.sh, H9): its stall
# point (80 % of 12 s) is past the longest line.
dash_start --output events --idle-timeout 12
wait_for 10 stream_clients 1 || fail "the stream did not open"
mem_base "$DASH_PID"
id=$(sim_get /sim/stats | jq -r '.clients[0].client_id')
wait_for 40 sh -c "[ \$(wc -l <'$DASH_OUT') -ge 2 ]" ||
    { cat "$DASH_ERR" >&2; bad "the dripped events never completed"; }
sed -n 1p "$DASH_OUT" | jq -e --arg id "$id" '.event == "connected" and
    (.data | fromjson) == {client_id: $id, status: "connected"}' \
    >/dev/null || bad "connected event: $(sed -n 1p "$DASH_OUT")"
sed -n 2p "$DASH_OUT" | jq -e '.event == "heartbeat" and
    (.data | fromjson | .timestamp > 1e9)' >/dev/null ||
    bad "heartbeat event: $(sed -n 2p "$DASH_OUT")"
err_has 'stream open' || bad "no 'stream open'"
err_has 'stalled\|reconnecting' && bad "the watchdog fired: $(cat "$DASH_ERR")"
alive "$DASH_PID" drip
mem_bounded "$DASH_PID" 4096 drip
case_ok "drip: connected and heartbeat whole, no watchdog"

# The drip ends: the server restarts without it.
sim_stop
sim_restart_same_port $SIMARGS
wait_for 15 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    bad "no reconnect after the drip"
pub '{"msg_type": "sse_test", "n": 7}'
wait_for 10 grep -q '"event":"sse_test"' "$DASH_OUT" ||
    bad "message after the drip lost"
alive "$DASH_PID" drip
mem_bounded "$DASH_PID" 4096 drip
kill -TERM "$DASH_PID"
dash_wait 30
[ "$DASH_RC" = 0 ] || bad "exit status $DASH_RC"
no_sanitizer "$DASH_ERR" drip
case_ok "drip over: message delivered"
fault_finish
