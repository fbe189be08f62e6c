#!/bin/sh
# sim-publish.sh: POST /sim/publish and the monitor's enrichment.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow
sim_stream "$T/s"

# pub BODY: prints "CODE BODY".
pub() {
	curl -s --noproxy '*' --max-time 5 -w ' %{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/sim/publish"
}
[ "$(pub '{"msg_type":"stf_gen","sender":"daqsim-agent-x","run_id":1}')" = \
    '{"published": 1} 202' ] || fail "object"
[ "$(pub '[{"msg_type":"data_ready","processed_by":"data-x","run_id":2},
    {"msg_type":"mystery","run_id":3,"sender_agent":"given","queue_name":"q",
     "recipient_agent":null},
    {"run_id":4,"sent_at":"2020-01-01T00:00:00"}]')" = '{"published": 3} 202' ] ||
    fail "array"
r=$(pub '[{"msg_type":"a","run_id":98},5]')
[ "${r##* }" = 400 ] || fail "array with a non-object: $r"
r=$(pub '{"msg_type":')
[ "${r##* }" = 400 ] || fail "bad JSON: $r"
r=$(pub '"text"')
[ "${r##* }" = 400 ] || fail "a string: $r"
wait_for 5 grep -q '"run_id": 4' "$T/s" || fail "messages did not arrive"
grep -q '"run_id": 98' "$T/s" && fail "a rejected batch was partly published"
ok "publish answers"

# msg RUN: the message with that run_id.
msg() {
	sed -n 's/^data: //p' "$T/s" | jq -c "select(.run_id == $1)"
}
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?\+00:00$'
# Given fields kept, in order; the four enrichment fields appended.
m=$(msg 1)
[ "$(echo "$m" | jq -c keys_unsorted)" = \
    '["msg_type","sender","run_id","sender_agent","recipient_agent","queue_name","sent_at"]' ] ||
    fail "keys: $m"
echo "$m" | jq -e '.sender_agent == "daq-simulator" and
    .recipient_agent == "data-agent" and .queue_name == "epictopic" and
    .sender == "daqsim-agent-x"' >/dev/null || fail "enrich 1: $m"
echo "$m" | jq -r .sent_at | grep -E -q "$iso" || fail "sent_at: $m"
# sender_agent from processed_by when there is one.
msg 2 | jq -e '.sender_agent == "data-x" and
    .recipient_agent == "processing-agent"' >/dev/null || fail "enrich 2: $(msg 2)"
# Set-if-missing: present keys win, even null.
msg 3 | jq -e '.sender_agent == "given" and .queue_name == "q" and
    .recipient_agent == null' >/dev/null || fail "enrich 3: $(msg 3)"
msg 4 | jq -e '.sent_at == "2020-01-01T00:00:00" and .sender_agent == "unknown"
    and .recipient_agent == "unknown"' >/dev/null || fail "enrich 4: $(msg 4)"
ok "enrichment"

# A body over 8 MiB is refused.
head -c 9000000 /dev/zero | tr '\0' ' ' >"$T/big"
r=$(curl -s --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Token t' --data-binary @"$T/big" "$SIM_URL/sim/publish")
[ "$r" = 413 ] || fail "9 MB body: $r"
ok "body cap"
sim_stop_clean
