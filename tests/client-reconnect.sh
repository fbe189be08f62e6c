#!/bin/sh
# Reconnection: after the server closes the stream, after a stall (idle
# watchdog), after a 503, and after the server restarts on the same port;
# messages sent after each reconnect arrive; the backoff grows, then
# starts over after a stable period. The backoff is scaled down for the
# test: first 0.4 s, cap 1.6 s, reset after 1.5 s connected.
. "$top_srcdir/tests/lib.sh"
client_setup

SWF_DASH_BACKOFF=0.4,1.6,1.5; export SWF_DASH_BACKOFF
sim_start --token t --no-workflow --heartbeat-interval 0.5

# delay N: the Nth reconnect delay logged.
delay() {
	sed -n 's/.*reconnecting in \([0-9.]*\)s (.*)$/\1/p' "$DASH_ERR" |
	    sed -n "$1p"
}
opens() {
	grep -c 'stream open' "$DASH_ERR"
}
# between LO X HI: LO <= X <= HI.
between() {
	awk "BEGIN { exit !($1 <= $2 && $2 <= $3) }"
}

# Four quick closes, one connection that lasts 2.5 s (longer than the
# stable period), then one more quick close. With equal jitter the delays
# are 0.2-0.4, 0.4-0.8, 0.8-1.6, 0.8-1.6 (cap), then 0.2-0.4 again.
fault '[{"fault": "close_after", "events": 1, "count": 4},
    {"fault": "close_after", "events": 6, "count": 1},
    {"fault": "close_after", "events": 1, "count": 1}]'
dash_start --output json --idle-timeout 3
wait_for 20 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 7 ]" ||
    { cat "$DASH_ERR"; fail "did not reconnect 6 times"; }
err_has 'reconnecting in [0-9.]*s (server closed the stream)$' ||
    fail "no reconnect cause"
between 0.2 "$(delay 1)" 0.4 && between 0.4 "$(delay 2)" 0.8 &&
    between 0.8 "$(delay 3)" 1.6 && between 0.8 "$(delay 4)" 1.6 ||
    fail "backoff did not grow: $(delay 1) $(delay 2) $(delay 3) $(delay 4)"
between 0.2 "$(delay 5)" 0.4 && between 0.4 "$(delay 6)" 0.8 ||
    fail "backoff did not start over: $(delay 5) $(delay 6)"
pub '{"msg_type":"sse_test","n":1}'
wait_for 5 out_has '"n": *1[,}]' || fail "message after reconnects lost"
ok "server close: delays $(delay 1) $(delay 2) $(delay 3) $(delay 4), then $(delay 5) $(delay 6)"
kill -INT "$DASH_PID"; dash_wait

# A stall: after connected and one heartbeat nothing more comes. With
# --idle-timeout 2 the client says "stalled" at 1.6 s, drops at 2 s.
fault '{"fault": "stall", "events": 2, "count": 1}'
dash_start --output json --idle-timeout 2
dash_connected
wait_for 5 err_has 'stream stalled: no data for' || fail "no stalled state"
wait_for 5 err_has 'reconnecting in [0-9.]*s (stalled: no data for 2 s)' ||
    { cat "$DASH_ERR"; fail "watchdog did not drop the stream"; }
wait_for 5 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    fail "no reconnect after the stall"
pub '{"msg_type":"sse_test","n":2}'
wait_for 5 out_has '"n": *2[,}]' || fail "message after the stall lost"
ok "stall"

# The server restarts on the same port.
PORT=${SIM_URL##*:}
before=$(grep -c 'reconnecting in' "$DASH_ERR")
sim_stop
wait_for 10 sh -c "[ \$(grep -c 'reconnecting in' '$DASH_ERR') -gt $before ]" ||
    fail "no reconnect after the server went away"
sleep 0.5
sim_start --token t --no-workflow --heartbeat-interval 0.5 \
    --listen "127.0.0.1:$PORT"
[ "${SIM_URL##*:}" = "$PORT" ] || fail "sim restarted on another port"
wait_for 10 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 3 ]" ||
    { cat "$DASH_ERR"; fail "no reconnect to the restarted server"; }
pub '{"msg_type":"sse_test","n":3}'
wait_for 5 out_has '"n": *3[,}]' || fail "message after the restart lost"
ok "restart"

# A 503 from a relay that is not ready is retried.
kill -INT "$DASH_PID"; dash_wait
fault '{"fault": "status", "code": 503, "count": 2, "body": "{\"detail\": \"No channel layer configured.\"}"}'
dash_start --output json
dash_connected
[ "$(grep -c 'reconnecting in [0-9.]*s (HTTP 503: No channel layer configured.)' "$DASH_ERR")" = 2 ] ||
    { cat "$DASH_ERR"; fail "503 not retried twice"; }
pub '{"msg_type":"sse_test","n":4}'
wait_for 5 out_has '"n": *4[,}]' || fail "message after 503s lost"
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC"
ok "503 retried"
