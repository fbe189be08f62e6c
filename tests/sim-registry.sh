#!/bin/sh
# sim-registry.sh: agent heartbeats, the agent list, staleness, the dump.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow --agent-stale 2 --registry-dump "$T/reg.json"

# hb BODY: POST a heartbeat; prints the code, body in $T/body.
hb() {
	curl -s --noproxy '*' --max-time 5 -o "$T/body" -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/api/systemagents/heartbeat/"
}

[ "$(hb '{"agent_type":"sse_receiver"}')" = 400 ] || fail "no name: not 400"
[ "$(cat "$T/body")" = '{"instance_name":["This field is required."]}' ] ||
    fail "no name body: $(cat "$T/body")"
[ "$(hb '{"instance_name":""}')" = 400 ] || fail "empty name: not 400"
[ "$(hb '')" = 400 ] || fail "empty body: not 400"
long=$(printf '%101s' '' | tr ' ' n)
[ "$(hb "{\"instance_name\":\"$long\"}")" = 400 ] || fail "long name: not 400"
grep -q 'no more than 100 characters' "$T/body" || fail "long name body"
[ "$(hb "{\"instance_name\":\"${long%n}\"}")" = 201 ] || fail "100 chars refused"
[ "$(hb '[1]')" = 400 ] || fail "array body: not 400"
grep -q 'Expected a dictionary, but got list' "$T/body" || fail "array body text"
[ "$(hb '{nope')" = 400 ] || fail "bad JSON: not 400"
grep -q 'JSON parse error' "$T/body" || fail "bad JSON text"
ok "validation"

body='{"instance_name":"dash-test","agent_type":"sse_receiver","status":"OK",
 "description":"a test","operational_state":"READY","pid":4242,
 "hostname":"h1","namespace":"ns1","mq_connected":false}'
[ "$(hb "$body")" = 201 ] || fail "first heartbeat: not 201"
jq -e '.instance_name == "dash-test" and .agent_type == "sse_receiver" and
    .status == "OK" and .operational_state == "READY" and .pid == 4242 and
    .hostname == "h1" and .namespace == "ns1" and
    (has("mq_connected") | not) and .workflow_enabled == true and
    .current_stf_count == 0 and .total_stf_processed == 0 and
    .last_stf_processed == null and .metadata == null and
    .description == "a test"' "$T/body" >/dev/null ||
    fail "record: $(cat "$T/body")"
jq -r .last_heartbeat "$T/body" |
    grep -E -q '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?-0[45]:00$' ||
    fail "last_heartbeat: $(jq -r .last_heartbeat "$T/body")"
first=$(jq -r .last_heartbeat "$T/body")
sleep 0.1
[ "$(hb '{"instance_name":"dash-test","operational_state":"PROCESSING"}')" = 200 ] ||
    fail "second heartbeat: not 200"
jq -e '.operational_state == "PROCESSING" and .pid == 4242 and
    .agent_type == "other"' "$T/body" >/dev/null ||
    fail "update: $(cat "$T/body")"
[ "$(jq -r .last_heartbeat "$T/body")" != "$first" ] || fail "last_heartbeat kept"
ok "201 then 200"

# The list needs no token; the dump holds the same records.
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" >"$T/list"
[ "$(jq length "$T/list")" = 2 ] || fail "list: $(cat "$T/list")"
jq -e '.[] | select(.instance_name == "dash-test") | .status == "OK"' \
    "$T/list" >/dev/null || fail "listed status"
jq -e 'length == 2' "$T/reg.json" >/dev/null || fail "dump: $(cat "$T/reg.json")"
# (Under load the 2 s staleness can strike between the two reads: compare
# a list and a dump read back to back until they agree.)
same_dump() {
	curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" \
	    >"$T/list2" &&
	    [ "$(jq -S . "$T/reg.json")" = "$(jq -S . "$T/list2")" ]
}
wait_for 5 same_dump || fail "dump differs: $(cat "$T/reg.json") $(cat "$T/list2")"
ok "list and dump"

# Silent for more than --agent-stale: EXITED, in the list and the dump.
wait_for 8 sh -c "jq -e 'all(.[]; .status == \"EXITED\")' '$T/reg.json'" ||
    fail "dump not EXITED: $(cat "$T/reg.json")"
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" >"$T/list"
jq -e '.[] | select(.instance_name == "dash-test") |
    .status == "EXITED" and .operational_state == "EXITED"' "$T/list" \
    >/dev/null || fail "not EXITED: $(cat "$T/list")"
# A heartbeat brings it back.
[ "$(hb '{"instance_name":"dash-test","status":"OK"}')" = 200 ] ||
    fail "revival not 200"
jq -e '.status == "OK"' "$T/body" >/dev/null || fail "revival: $(cat "$T/body")"
# An agent's own EXITED heartbeat sticks.
[ "$(hb '{"instance_name":"bye","status":"EXITED","operational_state":"EXITED"}')" = 201 ] ||
    fail "EXITED heartbeat"
ok "stale agents"
ls "$T" | grep -q 'reg.json.tmp' && fail "a temporary dump file is left"
sim_stop_clean
