#!/bin/sh
# Scripting: --count N exits 0 after N messages (with filters: waits for
# the one that matches); --exit-on-close ends when the server ends the
# stream instead of reconnecting; both refuse the dashboard.
. "$top_srcdir/tests/lib.sh"
client_setup

REG="$T/reg.json"
sim_start --token t --no-workflow --heartbeat-interval 0.5 \
    --registry-dump "$REG"

# --count 2 in plain mode: exactly two lines, exit 0, EXITED sent.
dash_start --output plain --count 2 --name count-recv
dash_connected
pub '{"msg_type":"sse_test","n":1}'
pub '{"msg_type":"sse_test","n":2}'
pub '{"msg_type":"sse_test","n":3}'
dash_wait 5
[ "$DASH_RC" = 0 ] || { cat "$DASH_ERR"; fail "count plain: exit $DASH_RC"; }
[ "$(wc -l < "$DASH_OUT")" = 2 ] || { cat "$DASH_OUT"; fail "count plain: not 2 lines"; }
wait_for 5 reg_is count-recv EXITED EXITED || fail "count: not EXITED"
ok "--count 2 (plain)"

# -m end_run -r RUN --count 1: waits for that run's end, ignores others.
dash_start --output json -m end_run -r 7002 --count 1
dash_connected
pub '{"msg_type":"start_run","run_id":7002}'
pub '{"msg_type":"end_run","run_id":7001}'
sleep 0.5
kill -0 "$DASH_PID" 2>/dev/null || { cat "$DASH_OUT"; fail "count: exited early"; }
pub '{"msg_type":"end_run","run_id":7002,"n":42}'
dash_wait 5
[ "$DASH_RC" = 0 ] || fail "count filter: exit $DASH_RC"
[ "$(wc -l < "$DASH_OUT")" = 1 ] || { cat "$DASH_OUT"; fail "count filter: lines"; }
[ "$(jq -r '"\(.msg_type) \(.run_id) \(.n)"' "$DASH_OUT")" = "end_run 7002 42" ] ||
    { cat "$DASH_OUT"; fail "count filter: wrong message"; }
ok "-m end_run -r 7002 --count 1 waits for the run's end"

# events mode: connected and heartbeats do not count.
dash_start --output events --count 1
dash_connected
sleep 1.2	# two heartbeats
kill -0 "$DASH_PID" 2>/dev/null || fail "count events: heartbeats counted"
pub '{"msg_type":"sse_test","n":5}'
dash_wait 5
[ "$DASH_RC" = 0 ] || fail "count events: exit $DASH_RC"
[ "$(jq -r 'select(.event == "sse_test") | .event' "$DASH_OUT" | wc -l)" = 1 ] ||
    fail "count events: no sse_test"
[ "$(tail -n 1 "$DASH_OUT" | jq -r .event)" = sse_test ] ||
    fail "count events: output after the last message"
ok "--count in events mode counts messages only"

# -o alerts: the alert lines count, so --count 1 waits for the first.
dash_start --output alerts --stall-after 1 --count 1
dash_connected
pub '{"msg_type":"start_run","run_id":"7100","sender":"tester","state":"run","substate":"physics"}'
dash_wait 10
[ "$DASH_RC" = 0 ] || { cat "$DASH_ERR"; fail "count alerts: exit $DASH_RC"; }
[ "$(wc -l < "$DASH_OUT")" = 1 ] || { cat "$DASH_OUT"; fail "count alerts: lines"; }
jq -e '.alert == "run_stalled" and .run_id == "7100" and .state == "raised"' \
    "$DASH_OUT" >/dev/null || { cat "$DASH_OUT"; fail "count alerts: not the stall"; }
ok "-o alerts --count 1 waits for the first alert"

# Bad values, and the dashboard, are refused.
"$SWF_DASH" --url "$SIM_URL" -o plain --count 0 >/dev/null 2>"$T/e1" &&
    fail "--count 0 accepted"
grep -q "count: '0' is not an integer" "$T/e1" || { cat "$T/e1"; fail "--count 0 message"; }
"$SWF_DASH" --url "$SIM_URL" -o tui --count 3 >/dev/null 2>"$T/e2"
[ $? = 1 ] || fail "--count with tui: not exit 1"
grep -q 'count: only with headless output' "$T/e2" || fail "--count tui message"
"$SWF_DASH" --url "$SIM_URL" -o tui --exit-on-close >/dev/null 2>"$T/e3"
[ $? = 1 ] || fail "--exit-on-close with tui: not exit 1"
ok "--count 0 and the dashboard refused"

# --exit-on-close: a clean end of the stream ends swf-dash with 0...
fault '{"fault": "close_after", "events": 3, "count": 1}'
dash_start --output events --exit-on-close --name close-recv
dash_wait 10
[ "$DASH_RC" = 0 ] || { cat "$DASH_ERR"; fail "exit-on-close: exit $DASH_RC"; }
err_has 'server closed the stream; exiting (--exit-on-close)' ||
    { cat "$DASH_ERR"; fail "exit-on-close: no message"; }
err_has 'reconnecting' && fail "exit-on-close: reconnected"
[ "$(grep -c '"event"' "$DASH_OUT")" = 3 ] || { cat "$DASH_OUT"; fail "exit-on-close: events"; }
wait_for 5 reg_is close-recv EXITED EXITED || fail "exit-on-close: not EXITED"
ok "--exit-on-close ends on a clean close"

# ...without it the same close is followed by a reconnect.
fault '{"fault": "close_after", "events": 3, "count": 1}'
dash_start --output events
wait_for 10 err_has 'reconnecting in .*server closed the stream' ||
    { cat "$DASH_ERR"; fail "no reconnect without --exit-on-close"; }
wait_for 10 sh -c "[ \$(grep -c '\"event\":\"connected\"' '$DASH_OUT') -ge 2 ]" ||
    fail "not connected again"
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "reconnect run: exit $DASH_RC"
ok "without --exit-on-close it reconnects"

# A connection reset is not a close: it still reconnects.
fault '{"fault": "close_after", "events": 2, "mode": "reset", "count": 1}'
dash_start --output events --exit-on-close
wait_for 10 err_has 'reconnecting in' || { cat "$DASH_ERR"; fail "reset: no reconnect"; }
kill -0 "$DASH_PID" || fail "reset: exited"
kill -INT "$DASH_PID"; dash_wait
ok "--exit-on-close reconnects after a reset"
