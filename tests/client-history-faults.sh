#!/bin/sh
# History back-fill when the history misbehaves (swf-sim's "history"
# endpoint faults): 404, 403, an HTML page, garbage and an answer over
# --history-max-bytes are each reported once, in words, and the live view
# goes on; reads are narrow (never without execution_id, never logs/); a
# run whose messages carry no execution_id is found through run-states/N/.
. "$top_srcdir/tests/lib.sh"
client_setup
command -v jq >/dev/null 2>&1 || skip "no jq"

# stf RUN FROM TO [EXEC]: stf_gen FROM..TO of RUN (with execution EXEC,
# "" for none), as one array.
stf() {
	jq -cn --arg r "$1" --argjson a "$2" --argjson b "$3" \
	    --arg e "${4-e-$1}" '[range($a; $b + 1) as $i | {msg_type:
	    "stf_gen", run_id: $r, sequence: $i, timestamp: "13:47:\($i)",
	    sender: "daq"} + (if $e == "" then {} else {execution_id: $e}
	    end)]'
}
start_run() {
	printf '[{"msg_type":"run_imminent","run_id":"%s","execution_id":"e-%s",'\
'"sender":"daq"},{"msg_type":"start_run","run_id":"%s","execution_id":'\
'"e-%s","sender":"daq"}]' "$1" "$1" "$1" "$1"
}
# lines PATTERN: how many lines of stderr match.
lines() {
	grep -c -e "$1" "$DASH_ERR"
}
# live_goes_on N: a live message N arrives.
live_goes_on() {
	pub "{\"msg_type\":\"sse_test\",\"n\":$1}"
	wait_for 5 grep -q "\"n\": *$1[,}]" "$DASH_OUT" ||
	    { cat "$DASH_ERR"; fail "the live view stopped"; }
}

sim_start --token t --no-workflow
pub "$(start_run 800)"
pub "$(stf 800 1 3)"

# 404 on every history view: one line per kind of read, however often.
fault '{"fault": "status", "code": 404, "endpoint": "history"}'
dash_start --output json --history all -v
dash_connected
wait_for 5 err_has 'history: workflow-executions/?status=running: HTTP 404' ||
    { cat "$DASH_ERR"; fail "404 not reported"; }
live_goes_on 1
# Two holes in two runs: two reads of workflow-messages, one line.
pub "$(stf 800 5 5)"
pub "$(start_run 801)"
pub "$(stf 801 1 1)"
pub "$(stf 801 3 3)"
live_goes_on 2
wait_for 5 err_has 'history: workflow-messages/: HTTP 404' ||
    { cat "$DASH_ERR"; fail "404 on messages not reported"; }
sleep 1
[ "$(lines 'warning: history: workflow-messages/: HTTP 404')" = 1 ] ||
    fail "reported more than once: $(cat "$DASH_ERR")"
[ "$(lines 'warning: .*HTTP 404')" = 2 ] || fail "404 lines: $(cat "$DASH_ERR")"
# The second read did happen: it is only not said again.
err_has 'history_report: history: workflow-messages/: HTTP 404' ||
    fail "the second hole was not read"
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC after a 404 history"
ok "404: reported once per kind of read, the live view goes on"

# 403 (a history view that refuses us) is not the stream's 401: no exit.
fault '{"fault": "status", "code": 403, "endpoint": "history"}'
dash_start --output json --history all -v
dash_connected
wait_for 5 err_has 'history: workflow-executions/?status=running: HTTP 403' ||
    { cat "$DASH_ERR"; fail "403 not reported"; }
live_goes_on 3
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC after a 403 history"
ok "403: reported, the live view goes on"

# An HTML page with 200 (a login page in front of the API).
fault '{"fault": "content_type", "endpoint": "history"}'
dash_start --output json --history all -v
dash_connected
wait_for 5 err_has 'status=running: the answer is not a JSON list' ||
    { cat "$DASH_ERR"; fail "HTML not reported"; }
live_goes_on 4
kill -INT "$DASH_PID"; dash_wait
ok "HTML: reported, the live view goes on"

# Garbage after a good item: the good item is merged, the rest reported.
fault "$(jq -cn '{fault: "status", code: 200, endpoint: "history",
    content_type: "application/json", count: 1, body: "[{\"execution_id\":
    \"e-800\"}]"}')"
fault "$(jq -cn '{fault: "status", code: 200, endpoint: "history",
    content_type: "application/json", append: true, body:
    "[{\"message_content\": {\"msg_type\": \"sse_test\", \"n\": 77}},
    {\"message_content\": {\"msg_type\": \"x\", tru"}')"
dash_start --output json --history all -v
dash_connected
wait_for 5 err_has 'workflow-messages/: the answer is not valid JSON' ||
    { cat "$DASH_ERR"; fail "garbage not reported"; }
wait_for 5 grep -q '"n": *77' "$DASH_OUT" || fail "the good item was lost"
live_goes_on 5
kill -INT "$DASH_PID"; dash_wait
[ "$(grep -c '"n": *77' "$DASH_OUT")" = 1 ] || fail "item 77 twice"
ok "garbage: the items before it merged, the rest reported"

# An answer over --history-max-bytes is refused, in words, and counted.
fault '{"fault": "status", "code": 200, "endpoint": "history",
    "size": 300000}'
dash_start --output json --history all --history-max-bytes 64K -v
dash_connected
wait_for 5 err_has 'larger than --history-max-bytes (65536 bytes): refused' ||
    { cat "$DASH_ERR"; fail "oversize not refused"; }
live_goes_on 6
kill -INT "$DASH_PID"; dash_wait
ok "oversized: refused at 64K, the live view goes on"

# A run whose messages carry no execution_id: run-states/N/ names it.
fault '{"fault": "none"}'
pub "$(start_run 802)"
pub "$(stf 802 1 2 "")"
dash_start --output json --history gaps -v
dash_connected
pub "$(stf 802 3 3 "")"
pub "$(stf 802 5 5 "")"
wait_for 5 err_has 'history: GET api/run-states/802/' ||
    { cat "$DASH_ERR"; fail "run-states not asked"; }
wait_for 5 err_has 'history: GET api/workflow-messages/?execution_id=e-802' ||
    { cat "$DASH_ERR"; fail "the execution of run 802 not read"; }
live_goes_on 7
kill -INT "$DASH_PID"; dash_wait
ok "no execution_id: found through run-states/802/"

# Every read named above was narrow.
cat "$T"/dash*.err | sed -n 's/.*history: GET //p' >"$T/gets"
[ -s "$T/gets" ] || fail "no history reads logged"
grep -v -e '^api/workflow-messages/?execution_id=[^&]\{1,\}$' \
    -e '^api/workflow-executions/?status=running$' \
    -e '^api/run-states/[0-9]*/$' "$T/gets" &&
    fail "a read that is not narrow"
grep -q 'logs/' "$T/gets" && fail "logs/ read"
ok "reads: $(wc -l <"$T/gets") GETs, each narrow"
