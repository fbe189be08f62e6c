#!/bin/sh
# sim-transport.sh: the monitor's transport facts as deployed: exact
# trailing slashes, DRF's 403s on every REST view, the status endpoint's
# meaningless counts, the subscriber rows, the heartbeat's overwrites and
# field limits.
. "$top_srcdir/tests/lib.sh"

# req METHOD PATH [CURL-ARGS...]: prints the code, body in $T/body.
req() {
	_m=$1 _p=$2; shift 2
	curl -s --noproxy '*' --max-time 5 -X "$_m" -o "$T/body" \
	    -w '%{http_code}' "$@" "$SIM_URL$_p"
}

sim_start --token t --no-workflow

# 301 without the final slash, for the stream and the other API paths,
# any method, the query kept; the location is relative, as Django's.
for p in /api/messages/stream /api/messages/stream/status \
    /api/systemagents /api/systemagents/heartbeat /api/subscribers \
    /api/workflow-executions /api/workflow-messages /api/stf-files \
    /api/run-states /api/run-states/100001; do
	r=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -D "$T/h" \
	    -w '%{http_code}' -H 'Authorization: Token t' "$SIM_URL$p")
	[ "$r" = 301 ] || fail "$p: $r"
	loc=$(sed -n 's/^Location: //ip' "$T/h" | tr -d '\r')
	[ "$loc" = "$p/" ] || fail "$p: Location $loc"
done
r=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -D "$T/h" \
    -w '%{http_code}' -H 'Authorization: Token t' \
    "$SIM_URL/api/messages/stream?msg_types=stf_gen,end_run")
loc=$(sed -n 's/^Location: //ip' "$T/h" | tr -d '\r')
[ "$r $loc" = "301 /api/messages/stream/?msg_types=stf_gen,end_run" ] ||
    fail "stream with a query: $r $loc"
r=$(req POST /api/systemagents/heartbeat -H 'Authorization: Token t' \
    --data-binary '{"instance_name":"x"}')
[ "$r" = 301 ] || fail "POST without the slash: $r"
# The stream itself is only at the exact path: no event without slash.
r=$(curl -s --noproxy '*' --max-time 2 -o "$T/body" -w '%{http_code}' \
    -H 'Authorization: Token t' "$SIM_URL/api/messages/stream")
[ "$r" = 301 ] && ! grep -q 'event:' "$T/body" || fail "stream without slash"
# Not a known path: 404, not a redirect.
[ "$(req GET /api/nothing)" = 404 ] || fail "unknown path"
[ "$(req GET /api/run-states/1.2)" = 404 ] || fail "a dotted key"
ok "301 without the slash"

# DRF's 403s. Views that need a token: the status and the heartbeat.
NOTP='{"detail":"Authentication credentials were not provided."}'
BAD='{"detail":"Invalid token."}'
[ "$(req GET /api/messages/stream/status/)" = 403 ] &&
    [ "$(cat "$T/body")" = "$NOTP" ] || fail "status without token"
[ "$(req POST /api/systemagents/heartbeat/ --data-binary '{"instance_name":"x"}')" = 403 ] &&
    [ "$(cat "$T/body")" = "$NOTP" ] || fail "heartbeat without token"
# Open reads: 200 without a token, 403 "Invalid token." with a wrong one.
for p in /api/systemagents/ /api/subscribers/ /api/workflow-executions/ \
    /api/workflow-messages/ /api/stf-files/ /api/run-states/ \
    '/api/workflow-messages/?execution_id=x'; do
	[ "$(req GET "$p")" = 200 ] || fail "$p without token: not 200"
	jq -e 'type == "array"' "$T/body" >/dev/null || fail "$p body"
	[ "$(req GET "$p" -H 'Authorization: Token t')" = 200 ] ||
	    fail "$p with the token"
	[ "$(req GET "$p" -H 'Authorization: Token wrong')" = 403 ] ||
	    fail "$p with a wrong token: not 403"
	[ "$(cat "$T/body")" = "$BAD" ] || fail "$p wrong token: $(cat "$T/body")"
done
for p in /api/messages/stream/status/ /api/run-states/5/; do
	[ "$(req GET $p -H 'Authorization: Token wrong')" = 403 ] &&
	    [ "$(cat "$T/body")" = "$BAD" ] || fail "$p wrong token"
done
# Writing to an open read needs a token.
[ "$(req POST /api/workflow-messages/ --data-binary '{}')" = 403 ] &&
    [ "$(cat "$T/body")" = "$NOTP" ] || fail "POST to an open read"
# The stream keeps its own 401.
[ "$(req GET /api/messages/stream/ -H 'Authorization: Token wrong')" = 401 ] ||
    fail "stream wrong token"
ok "403 shapes"

# The status: 200 with a token, its counts nothing even with streams open.
sim_stream "$T/s1" '?msg_types=stf_gen' -H 'X-Client-Location: lab 4, rack 2'
sim_stream "$T/s2"
sim_stream "$T/s3" '' -H 'X-Forwarded-For: 10.1.2.3, 192.168.0.9'
[ "$(req GET /api/messages/stream/status/ -H 'Authorization: Token t')" = 200 ] ||
    fail "status with the token"
[ "$(cat "$T/body")" = '{"connected_clients": 0, "client_ids": [], "client_filters": {}}' ] ||
    fail "status counts: $(cat "$T/body")"
ok "status counts nothing"

# Subscribers: a row per stream, named after its client id.
id1=$(sed -n "2s/^data: //p" "$T/s1" | jq -r .client_id)
id2=$(sed -n "2s/^data: //p" "$T/s2" | jq -r .client_id)
id3=$(sed -n "2s/^data: //p" "$T/s3" | jq -r .client_id)
req GET /api/subscribers/ >/dev/null
n1="sse_$(echo "$id1" | cut -c1-8)"
n2="sse_$(echo "$id2" | cut -c1-8)"
n3="sse_$(echo "$id3" | cut -c1-8)"
jq -e --arg a "$n1" --arg b "$n2" --arg c "$n3" '
    [.[].subscriber_name] == [$a, $b, $c] and
    all(.[]; .delivery_type == "sse" and .is_active == true and
    .disconnected_at == null and .messages_sent == 0 and
    (.connected_at | test("^....-..-..T..:..:..(\\.[0-9]{6})?-0[45]:00$")))
    and .[0].client_location == "lab 4, rack 2" and
    .[0].client_ip == "127.0.0.1" and
    .[0].message_filters == {"msg_types": ["stf_gen"]} and
    .[1].client_location == "Remote" and .[1].message_filters == {} and
    .[2].client_ip == "10.1.2.3" and .[2].client_location == "Internal"' \
    "$T/body" >/dev/null || fail "subscribers: $(cat "$T/body")"
# Messages delivered are counted; a closed stream stays, inactive.
publish '{"msg_type":"stf_gen","run_id":"1"}' >/dev/null
publish '{"msg_type":"end_run","run_id":"1"}' >/dev/null
wait_for 5 grep -q 'end_run' "$T/s2" || fail "messages did not arrive"
wait_for 5 grep -q 'stf_gen' "$T/s1" || fail "stf_gen did not arrive"
kill "$STREAM_PID"
wait_for 5 sh -c "curl -s --noproxy '*' '$SIM_URL/api/subscribers/' |
    jq -e '.[2].is_active == false'" || fail "closed stream still active"
req GET /api/subscribers/ >/dev/null
jq -e '.[0].messages_sent == 1 and .[1].messages_sent == 2 and
    .[2].is_active == false and .[2].disconnected_at != null and
    .[0].is_active == true' "$T/body" >/dev/null ||
    fail "subscriber counts: $(cat "$T/body")"
# The row's columns bound what a client sends: client_location to 255
# characters (the column's length), client_ip to one address; header
# bytes are characters (ISO-8859-1, as Django decodes headers), so no
# byte sequence can break the row.
long_loc=$(i=0; while [ $i -lt 300 ]; do printf '\303\251'; i=$((i + 1)); done)
sim_stream "$T/s4" '' -H "X-Client-Location: $long_loc" \
    -H "X-Forwarded-For: $(printf '%100s' '' | tr ' ' 1), 10.0.0.1"
req GET /api/subscribers/ >/dev/null
jq -e '.[3].client_location | length == 255 and test("^(Ã©)+Ã$")' "$T/body" \
    >/dev/null || fail "long location: $(jq '.[3].client_location | length' "$T/body")"
jq -e '.[3].client_ip | length == 45' "$T/body" >/dev/null ||
    fail "long client_ip: $(jq '.[3].client_ip' "$T/body")"
kill "$STREAM_PID"
ok "subscribers"

# Heartbeat: every call overwrites agent_type, description, status and
# namespace with the body's value or the default.
hb() {
	req POST /api/systemagents/heartbeat/ -H 'Authorization: Token t' \
	    -H 'Content-Type: application/json' --data-binary "$1"
}
[ "$(hb '{"instance_name":"rx","agent_type":"sse_receiver","description":"d",
    "status":"WARNING","namespace":"ns1","operational_state":"READY",
    "pid":7,"hostname":"h"}')" = 201 ] || fail "first heartbeat"
[ "$(hb '{"instance_name":"rx"}')" = 200 ] || fail "second heartbeat"
jq -e '.agent_type == "other" and .description == "" and .status == "OK" and
    .namespace == null and .operational_state == "READY" and .pid == 7 and
    .hostname == "h"' "$T/body" >/dev/null ||
    fail "overwrite: $(cat "$T/body")"
[ "$(hb '{"instance_name":"rx","namespace":"ns2"}')" = 200 ] || fail "third"
jq -e '.namespace == "ns2"' "$T/body" >/dev/null || fail "namespace set"
ok "heartbeat overwrites"

# Field limits: DRF-shaped 400s, nothing changed.
long() { printf "%${1}s" '' | tr ' ' x; }
for f in agent_type:20 status:10 operational_state:20 hostname:100; do
	k=${f%:*} n=${f#*:}
	[ "$(hb "{\"instance_name\":\"rx\",\"$k\":\"$(long "$n")\"}")" = 200 ] ||
	    fail "$k of $n characters refused"
	[ "$(hb "{\"instance_name\":\"rx\",\"$k\":\"$(long $((n + 1)))\"}")" = 400 ] ||
	    fail "$k of $((n + 1)) characters accepted"
	[ "$(cat "$T/body")" = "{\"$k\":[\"Ensure this field has no more than $n characters.\"]}" ] ||
	    fail "$k error: $(cat "$T/body")"
done
[ "$(hb "{\"agent_type\":\"$(long 21)\",\"status\":\"$(long 11)\"}")" = 400 ] ||
    fail "two errors"
jq -e 'keys == ["agent_type", "instance_name", "status"]' "$T/body" \
    >/dev/null || fail "all errors at once: $(cat "$T/body")"
[ "$(hb "{\"instance_name\":\"new\",\"status\":\"$(long 11)\"}")" = 400 ] ||
    fail "new agent with a long status"
curl -s --noproxy '*' "$SIM_URL/api/systemagents/" >"$T/body"
jq -e '[.[].instance_name] == ["rx"]' "$T/body" >/dev/null ||
    fail "a refused heartbeat registered: $(cat "$T/body")"
# Characters, not bytes: ten two-byte characters fit in status.
[ "$(hb '{"instance_name":"rx","status":"éééééééééé"}')" = 200 ] ||
    fail "ten characters of status"
# Detail routes: an agent by id, a subscriber by subscriber_id; unknown
# or malformed keys 404 in DRF's JSON.
[ "$(req GET /api/systemagents/1/)" = 200 ] || fail "agent 1"
jq -e '.id == 1 and .instance_name == "rx"' "$T/body" >/dev/null ||
    fail "agent 1: $(cat "$T/body")"
[ "$(req GET /api/subscribers/2/)" = 200 ] || fail "subscriber 2"
jq -e --arg n "$n2" '.subscriber_id == 2 and .subscriber_name == $n' \
    "$T/body" >/dev/null || fail "subscriber 2: $(cat "$T/body")"
for p in /api/systemagents/99/ /api/systemagents/abc/ /api/subscribers/0/; do
	[ "$(req GET $p)" = 404 ] && [ "$(cat "$T/body")" = '{"detail":"Not found."}' ] ||
	    fail "$p: $(cat "$T/body")"
done
[ "$(req GET /api/systemagents/1/ -H 'Authorization: Token wrong')" = 403 ] ||
    fail "detail with a wrong token"
r=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code} %{redirect_url}' \
    "$SIM_URL/api/workflow-messages/00000000-0000-4000-8000-000000000000")
[ "$r" = "301 $SIM_URL/api/workflow-messages/00000000-0000-4000-8000-000000000000/" ] ||
    fail "detail without the slash: $r"
ok "heartbeat limits, detail routes"
sim_stop_clean
