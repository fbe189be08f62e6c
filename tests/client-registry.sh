#!/bin/sh
# Agent registration: STARTING before the stream opens, READY with
# periodic heartbeats, WARNING while the stream is down, and EXITED after
# each exit path (SIGINT, SIGTERM, SIGHUP; EPIPE is in client-output.sh).
. "$top_srcdir/tests/lib.sh"
client_setup

SWF_DASH_BACKOFF=0.3,0.6,60; export SWF_DASH_BACKOFF
REG="$T/reg.json"
sim_start --token t --no-workflow --heartbeat-interval 0.5 \
    --registry-dump "$REG"

hb_of() {
	reg_field "$1" last_heartbeat
}

# The stream refuses (503) at first: the receiver is STARTING.
fault '{"fault": "status", "code": 503}'
dash_start --output json --agent-interval 1 --namespace ns-test \
    -m stf_gen,data_ready -a daq-a
wait_for 5 reg_is test-recv OK STARTING || fail "no STARTING heartbeat"
wait_for 5 reg_is test-recv WARNING STARTING ||
    fail "no WARNING while the stream cannot open"
ok "STARTING, then WARNING while the stream cannot open"

# Next: one stream that lasts 2.5 s (connected and 5 heartbeats), then
# 503s again: READY, then WARNING.
fault '[{"fault": "close_after", "events": 6, "count": 1},
    {"fault": "status", "code": 503}]'
dash_connected 5
wait_for 3 reg_is test-recv OK READY || fail "not READY after the open"
# (The monitor ignores mq_connected: the registry has no such field.)
wait_for 5 reg_is test-recv WARNING READY ||
    fail "no WARNING while the stream is down"
ok "READY, then WARNING while the stream is down"

# The stream comes back: READY with everything the registry wants, and
# a heartbeat every second.
fault '{"fault": "none"}'
wait_for 5 reg_is test-recv OK READY || fail "not READY again"
[ "$(reg_field test-recv agent_type)" = sse_receiver ] || fail "agent_type"
[ "$(reg_field test-recv pid)" = "$DASH_PID" ] || fail "pid"
[ "$(reg_field test-recv namespace)" = ns-test ] || fail "namespace"
[ "$(reg_field test-recv hostname)" = "$(hostname)" ] || fail "hostname"
reg_field test-recv description |
    grep -q 'type=data_ready,stf_gen agent=daq-a' ||
    fail "description: $(reg_field test-recv description)"
hb1=$(hb_of test-recv)
wait_for 3 sh -c "[ \"\$(jq -r '.[] | select(.instance_name == \"test-recv\") | .last_heartbeat' '$REG')\" != '$hb1' ]" ||
    fail "no periodic heartbeat"
hb2=$(hb_of test-recv)
wait_for 3 sh -c "[ \"\$(jq -r '.[] | select(.instance_name == \"test-recv\") | .last_heartbeat' '$REG')\" != '$hb2' ]" ||
    fail "no second periodic heartbeat"
ok "READY with periodic heartbeats"

# Every exit path sends EXITED and exits 0.
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "SIGINT: exit $DASH_RC"
wait_for 3 reg_is test-recv EXITED EXITED || fail "SIGINT: not EXITED"
ok "SIGINT: EXITED"

for sig in TERM HUP; do
	name=recv-$sig
	dash_start --output plain --name "$name" --agent-interval 30
	dash_connected
	wait_for 5 reg_is "$name" OK READY || fail "SIG$sig: not READY"
	kill -"$sig" "$DASH_PID"; dash_wait
	[ "$DASH_RC" = 0 ] || fail "SIG$sig: exit $DASH_RC"
	wait_for 3 reg_is "$name" EXITED EXITED || fail "SIG$sig: not EXITED"
	ok "SIG$sig: EXITED"
done

# A registry that fails never stops the stream: it is reported.
fault '{"fault": "status", "code": 500, "endpoint": "heartbeat", "body": "{\"detail\": \"database is locked\"}"}'
dash_start --output json --name recv-failing
dash_connected
wait_for 5 err_has 'registration failed: HTTP 500: database is locked' ||
    fail "registration failure not reported"
pub '{"msg_type":"sse_test","n":1}'
wait_for 5 out_has '"n": *1[,}]' || fail "stream stopped by registration"
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC with a failing registry"
ok "failing registration: reported, stream goes on"
