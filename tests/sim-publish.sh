#!/bin/sh
# sim-publish.sh: POST /sim/publish and the monitor's enrichment.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow
sim_stream "$T/s"

# pub_raw BODY: prints "CODE BODY".
pub_raw() {
	curl -s --noproxy '*' --max-time 5 -w ' %{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/sim/publish"
}
[ "$(pub_raw '{"msg_type":"stf_gen","sender":"workflow_runner-agent-x-1","run_id":"101","n":1}')" = \
    '{"published": 1} 202' ] || fail "object"
[ "$(pub_raw '[{"msg_type":"stf_ready","processed_by":"data-x","run_id":"102","n":2,
     "recipient":"fastmon-x","namespace":"ns-a"},
    {"msg_type":"mystery","n":3,"sender":"s","sender_agent":"given",
     "queue_name":"q","recipient_agent":null,"namespace":null},
    {"msg_type":"stf_gen","n":4,"sent_at":"2020-01-01T00:00:00"},
    {"msg_type":"stf_gen","n":5,"agent_name":"a","status":"OK"},
    {"n":6,"sender":"s"},
    {"msg_type":"end_run","n":7}]')" = '{"published": 6} 202' ] ||
    fail "array"
r=$(pub_raw '[{"msg_type":"a","n":98},5]')
[ "${r##* }" = 400 ] || fail "array with a non-object: $r"
r=$(pub_raw '{"msg_type":')
[ "${r##* }" = 400 ] || fail "bad JSON: $r"
r=$(pub_raw '"text"')
[ "${r##* }" = 400 ] || fail "a string: $r"
wait_for 5 grep -q '"n": 7' "$T/s" || fail "messages did not arrive"
grep -q '"n": 98' "$T/s" && fail "a rejected batch was partly published"
ok "publish answers"

# msg N: the message with that n.
msg() {
	sed -n 's/^data: //p' "$T/s" | jq -c "select(.n == $1)"
}
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?\+00:00$'
# Given fields kept, in order; the five enrichment fields appended.
m=$(msg 1)
[ "$(echo "$m" | jq -c keys_unsorted)" = \
    '["msg_type","sender","run_id","n","sender_agent","recipient_agent","namespace","queue_name","sent_at"]' ] ||
    fail "keys: $m"
echo "$m" | jq -e '.sender_agent == "workflow_runner-agent-x-1" and
    .recipient_agent == null and .namespace == null and
    .queue_name == "epictopic" and .sender == "workflow_runner-agent-x-1"' \
    >/dev/null || fail "enrich 1: $m"
echo "$m" | jq -r .sent_at | grep -E -q "$iso" || fail "sent_at: $m"
# sender_agent is copied from sender only: not from processed_by, never
# guessed from the type; recipient_agent from recipient.
msg 2 | jq -e '.sender_agent == null and .recipient_agent == "fastmon-x" and
    .namespace == "ns-a" and .processed_by == "data-x"' >/dev/null ||
    fail "enrich 2: $(msg 2)"
# Set-if-missing: present keys win, even null.
msg 3 | jq -e '.sender_agent == "given" and .queue_name == "q" and
    .recipient_agent == null and .namespace == null' >/dev/null ||
    fail "enrich 3: $(msg 3)"
msg 4 | jq -e '.sent_at == "2020-01-01T00:00:00" and .sender_agent == null
    and .recipient_agent == null' >/dev/null || fail "enrich 4: $(msg 4)"
grep -q '"sender_agent": "unknown"\|daq-simulator' "$T/s" &&
    fail "a guessed sender: $(grep -m 1 'unknown\|daq-simulator' "$T/s")"
ok "enrichment"

# Not relayed: an agent heartbeat (agent_name and status), no msg_type.
[ -z "$(msg 5)" ] || fail "a heartbeat-shaped message was relayed: $(msg 5)"
[ -z "$(msg 6)" ] || fail "a message without msg_type was relayed: $(msg 6)"
[ "$(sim_events "$T/s" | tr '\n' ' ')" = \
    "connected stf_gen stf_ready mystery stf_gen end_run " ] ||
    fail "events: $(sim_events "$T/s" | tr '\n' ' ')"
ok "heartbeats and messages without msg_type are dropped"

# A body over 8 MiB is refused.
head -c 9000000 /dev/zero | tr '\0' ' ' >"$T/big"
r=$(curl -s --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Token t' --data-binary @"$T/big" "$SIM_URL/sim/publish")
[ "$r" = 413 ] || fail "9 MB body: $r"
ok "body cap"
sim_stop_clean
