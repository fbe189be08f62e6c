#!/bin/sh
# --output alerts against swf-sim: a run that goes silent (stall_run),
# an agent that stops heartbeating (agent_silent), no alert for a run
# that ended, and the stream going down and coming back. One JSON line
# per transition, flushed at once.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup
command -v jq >/dev/null 2>&1 || skip "no jq"

# alert_lines KIND STATE: the output lines of that kind and state.
alert_lines() {
	jq -c --arg k "$1" --arg s "$2" \
	    'select(.alert == $k and .state == $s)' "$DASH_OUT" 2>/dev/null
}

# has_alert KIND STATE: whether such a line was written.
has_alert() {
	[ -n "$(alert_lines "$1" "$2")" ]
}

sim_start --token t --speed 10 --agent-stale 1.5 --heartbeat-interval 1 \
    --namespaces swf-alpha
dash_start --output alerts --stall-after 2 --registry-interval 1
dash_connected

# A run that ends is never stalled, however long it is silent after.
pub '{"msg_type": "start_run", "run_id": "700001", "sender": "tester", "state": "run", "substate": "physics"}'
pub '{"msg_type": "end_run", "run_id": "700001", "sender": "tester"}'

# stall_run: the run under way goes silent without end_run. Wait for one
# to start while we watch, so that the fault takes a running run.
sim_stream "$T/watch"
wait_for 20 grep -q '^event: start_run' "$T/watch" || fail "no run started"
fault '{"fault": "stall_run"}'
wait_for 15 has_alert run_stalled raised || {
	cat "$DASH_OUT" "$DASH_ERR"; fail "no run_stalled raised"
}
line=$(alert_lines run_stalled raised | head -n 1)
run=$(printf '%s\n' "$line" | jq -r .run_id)
printf '%s\n' "$line" | jq -e '(.run_id | type) == "string" and
    (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and
    (has("agent") | not) and (.text | contains("no message"))' \
    >/dev/null || fail "run_stalled line: $line"
grep -q "stall_run: run $run " "$SIM_ERR" ||
    { cat "$SIM_ERR"; fail "run $run is not the run the sim stalled"; }
ok "stall_run raises run_stalled for run $run"

# Raised once: seconds later, still one line for that run.
sleep 3
[ "$(alert_lines run_stalled raised | jq -r .run_id | grep -c -x "$run")" = 1 ] ||
    { cat "$DASH_OUT"; fail "run_stalled raised more than once"; }
alert_lines run_stalled raised | jq -r .run_id | grep -q -x 700001 &&
    fail "run_stalled raised for a run that ended"
ok "raised once; none for the ended run"

# Its next message clears it.
pub "{\"msg_type\": \"stf_gen\", \"run_id\": \"$run\", \"sender\": \"tester\"}"
wait_for 5 sh -c "jq -r 'select(.alert == \"run_stalled\" and
    .state == \"cleared\") | .run_id' '$DASH_OUT' | grep -q -x '$run'" ||
    { cat "$DASH_OUT"; fail "run_stalled not cleared by the next message"; }
ok "its next message clears it"

# agent_silent: a data agent stops heartbeating; the registry makes it
# EXITED while the runs it serves go on.
agent=$(sim_get /api/systemagents/ | jq -r '[.[] | .instance_name |
    select(startswith("data-agent"))][0]')
[ -n "$agent" ] && [ "$agent" != null ] || fail "no data agent registered"
# It serves the stalled run (which may have stalled before it had a file).
pub "{\"msg_type\": \"stf_ready\", \"run_id\": \"$run\", \"processed_by\": \"$agent\", \"sender\": \"$agent\", \"filename\": \"swf.$run.000001.stf\"}"
fault "{\"fault\": \"agent_silent\", \"agent\": \"$agent\"}"
wait_for 20 sh -c "jq -r 'select(.alert == \"agent_silent\" and
    .state == \"raised\") | .agent' '$DASH_OUT' | grep -q -x '$agent'" || {
	cat "$DASH_OUT" "$DASH_ERR"; fail "no agent_silent for $agent"
}
alert_lines agent_silent raised | jq -e --arg a "$agent" 'select(.agent ==
    $a) | (.text | contains("EXITED")) and (has("run_id") | not)' \
    >/dev/null || fail "agent_silent line: $(alert_lines agent_silent raised)"
ok "agent_silent raised for $agent"

# stream_down: the monitor goes away for longer than --stall-after, then
# comes back on the same port.
sim_stop
wait_for 10 has_alert stream_down raised ||
    { cat "$DASH_OUT"; fail "no stream_down raised"; }
has_alert stream_down cleared && fail "stream_down cleared while down"
sim_restart_same_port --token t --no-workflow --heartbeat-interval 1
wait_for 20 has_alert stream_down cleared ||
    { cat "$DASH_OUT" "$DASH_ERR"; fail "stream_down not cleared"; }
[ "$(alert_lines stream_down raised | wc -l)" = 1 ] ||
    fail "stream_down raised more than once"
ok "stream_down raised and cleared"

# Every line is one JSON object with the fields the format names; the
# output is nothing else.
kill -TERM "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC"
jq -e -s 'length > 0 and all(.[]; (keys - ["time", "alert", "state",
    "run_id", "agent", "text"]) == [] and has("time") and has("alert") and
    (.state == "raised" or .state == "cleared") and has("text"))' \
    "$DASH_OUT" >/dev/null || { cat "$DASH_OUT"; fail "bad lines"; }
has_sanitizer "$DASH_ERR" && {
	cat "$DASH_ERR"; fail "sanitizer report"
}
ok "$(wc -l <"$DASH_OUT") alert lines, all well formed"
