#!/bin/sh
# stf_gap in --output alerts: a hole made by swf-sim's channel_drop is an
# alert only when the history cannot fill it (here: the sim's history
# keeps 3 messages, so the dropped stf_gen is gone from it too); a hole
# the history fills raises nothing.
. "$top_srcdir/tests/lib.sh"
client_setup
command -v jq >/dev/null 2>&1 || skip "no jq"

# drop_some: once runs are under way, drop 5 messages in a row (so one
# of them is an stf_gen) from our stream only, and let the runs go on.
drop_some() {
	_id=$(sed -n 's/.*(client id \([0-9a-f-]*\)).*/\1/p' "$DASH_ERR" |
	    head -n 1)
	[ -n "$_id" ] || fail "no client id"
	sleep 1
	fault "{\"fault\": \"channel_drop\", \"count\": 5, \"client_id\": \"$_id\"}"
}

# The history cannot fill it: the alert names the missing sequence.
sim_start --token t --speed 10 --heartbeat-interval 1 \
    --namespaces swf-alpha --history-max 3
dash_start --output alerts --stall-after 30
dash_connected
drop_some
wait_for 15 grep -q '"alert":"stf_gap"' "$DASH_OUT" || {
	cat "$DASH_OUT" "$DASH_ERR"; fail "no stf_gap raised"
}
line=$(grep '"alert":"stf_gap"' "$DASH_OUT" | head -n 1)
run=$(printf '%s\n' "$line" | jq -r .run_id)
seq=$(printf '%s\n' "$line" | jq -r '.text | capture("missing: (?<s>[0-9]+)").s')
printf '%s\n' "$line" | jq -e '.state == "raised" and
    (.run_id | type) == "string"' >/dev/null || fail "stf_gap line: $line"
# The engine's own account of the hole names the same run and sequence.
grep -q "missing from run $run: sequence.*$seq" "$DASH_ERR" ||
    { cat "$DASH_ERR"; fail "stf_gap run $run seq $seq not the hole"; }
[ "$(grep -c '"alert":"stf_gap"' "$DASH_OUT")" = 1 ] ||
    { cat "$DASH_OUT"; fail "stf_gap said more than once"; }
kill -TERM "$DASH_PID"; dash_wait
sim_stop
ok "a hole the history cannot fill: stf_gap for run $run, sequence $seq"

# The history fills it: no alert at all.
sim_start --token t --speed 10 --heartbeat-interval 1 \
    --namespaces swf-alpha
dash_start --output alerts --stall-after 30
dash_connected
drop_some
# The drop happened, and history back-filled what it took.
wait_for 10 sh -c "curl -sS --noproxy '*' -H 'Authorization: Token t' \
    '$SIM_URL/sim/stats' | jq -e '[.clients[].channel_dropped] | add == 5'" \
    >/dev/null || fail "the sim did not drop 5 messages"
sleep 6
if grep -q '"alert":"stf_gap"' "$DASH_OUT"; then
	cat "$DASH_OUT" "$DASH_ERR"; fail "stf_gap for a hole the history fills"
fi
err_has 'missing from run' && { cat "$DASH_ERR"; fail "a hole left unfilled"; }
kill -TERM "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC"
has_sanitizer "$DASH_ERR" && {
	cat "$DASH_ERR"; fail "sanitizer report"
}
ok "a hole the history fills: no stf_gap"
