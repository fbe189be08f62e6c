#!/bin/sh
# How swf-dash names itself to the monitor: X-Client-Location on the
# stream request (shown in GET /api/subscribers/), and registration
# heartbeats that each carry agent_type, description, status and
# namespace, since the heartbeat endpoint resets any field left out
# (PROTOCOL.md). To see that every heartbeat carries them, the record is
# overwritten from outside with values that are neither ours nor the
# endpoint's defaults; the next heartbeat must put all of ours back.
. "$top_srcdir/tests/lib.sh"
client_setup

SWF_DASH_BACKOFF=0.3,0.6,60; export SWF_DASH_BACKOFF
REG="$T/reg.json"
sim_start --token t --no-workflow --heartbeat-interval 0.5 \
    --registry-dump "$REG"

# location: client_location of the one active SSE subscriber.
location() {
	sim_get /api/subscribers/ | jq -r '[.[] | select(.delivery_type ==
	    "sse" and .is_active)] | if length == 1 then .[0].client_location
	    else "\(length) active" end'
}

dash_start --output json
dash_connected
want="swf-dash@$(hostname | cut -c 1-91)"
[ "$(location)" = "$want" ] || fail "default location: '$(location)', want '$want'"
kill -INT "$DASH_PID"; dash_wait
ok "default X-Client-Location swf-dash@HOSTNAME"

dash_start --output json --location 'control room 2'
dash_connected
[ "$(location)" = "control room 2" ] || fail "--location: '$(location)'"
kill -INT "$DASH_PID"; dash_wait
# Only printable ASCII goes into a header.
dash_start --output json --location "$(printf 'Z\303\274rich \342\202\254')"
dash_connected
[ "$(location)" = "Z?rich ?" ] || fail "non-ASCII location: '$(location)'"
kill -INT "$DASH_PID"; dash_wait
# A header injection is refused before any connection.
dash_start --output json --location "$(printf 'a\r\nX-Evil: 1')"
dash_wait
[ "$DASH_RC" = 1 ] || fail "control characters in --location: exit $DASH_RC"
err_has 'location' || fail "no word on --location"
ok "--location, sanitized and checked"

# clobber NAME STATUS NS: overwrite NAME's record with foreign values.
clobber() {
	_body=$(jq -cn --arg n "$1" --arg s "$2" --arg ns "$3" \
	    '{instance_name: $n, agent_type: "clobbered", description:
	    "clobbered", status: $s, namespace: $ns}')
	curl -sS --noproxy '*' -H 'Authorization: Token t' \
	    -H 'Content-Type: application/json' --data-binary "$_body" \
	    "$SIM_URL/api/systemagents/heartbeat/" >"$T/clobber.out"
	jq -e --arg s "$2" '.agent_type == "clobbered" and
	    .description == "clobbered" and .status == $s' "$T/clobber.out" \
	    >/dev/null || fail "clobbering $1: $(cat "$T/clobber.out")"
}

# ours NAME STATUS NS: whether the record holds all of our fields (NS
# "null" for none).
ours() {
	jq -e --arg n "$1" --arg s "$2" --arg ns "$3" '.[] |
	    select(.instance_name == $n) | .agent_type == "sse_receiver" and
	    (.description | startswith("swf-dash ")) and .status == $s and
	    (.namespace | tostring) == $ns' "$REG" >/dev/null 2>&1
}

# The stream cannot open at first: the status is WARNING, which the
# endpoint's default (OK) cannot fake.
fault '{"fault": "status", "code": 503}'
dash_start --output json --agent-interval 1 --name hb-recv \
    --namespace ns-a
wait_for 5 ours hb-recv WARNING ns-a || fail "no WARNING: $(cat "$REG")"
# A field left out would come back as the endpoint's default (other, "",
# OK, null), never as ours.
clobber hb-recv ERROR elsewhere
wait_for 4 ours hb-recv WARNING ns-a ||
    fail "not restored by the next heartbeat: $(cat "$REG")"
ok "each heartbeat: agent_type, description, status, namespace (down)"

fault '{"fault": "none"}'
dash_connected
wait_for 5 ours hb-recv OK ns-a || fail "not OK once open: $(cat "$REG")"
clobber hb-recv ERROR elsewhere
wait_for 4 ours hb-recv OK ns-a ||
    fail "not restored by the next heartbeat: $(cat "$REG")"
kill -INT "$DASH_PID"; dash_wait
ok "each heartbeat: agent_type, description, status, namespace (up)"

# Without --namespace the heartbeat says null: the registry shows none.
dash_start --output json --agent-interval 1 --name hb-nons
dash_connected
wait_for 5 ours hb-nons OK null || fail "no-namespace heartbeat: $(cat "$REG")"
clobber hb-nons ERROR elsewhere
wait_for 4 ours hb-nons OK null ||
    fail "namespace not reset to null: $(cat "$REG")"
kill -INT "$DASH_PID"; dash_wait
ok "no --namespace: namespace null"

# A 403 from the heartbeat endpoint is a rejected token, in words; the
# stream goes on.
fault '{"fault": "status", "code": 403, "endpoint": "heartbeat", "body": "{\"detail\": \"Invalid token.\"}"}'
dash_start --output json --name hb-403
dash_connected
wait_for 5 err_has 'registration failed: token .* rejected (HTTP 403: Invalid token.)' || {
	cat "$DASH_ERR" >&2
	fail "a 403 on registration is not a rejected token"
}
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC after a refused registration"
ok "a 403 from registration is a rejected token"

# The status pre-check is an authentication check only: its counts come
# from a process that no longer holds the streams, and are never shown.
dash_start --output json --name precheck -v
dash_connected
err_has 'status pre-check: token accepted' || fail "pre-check not reported"
err_has 'connected_clients' && fail "pre-check counts shown: $(cat "$DASH_ERR")"
err_has 'client_ids' && fail "pre-check client ids shown"
kill -INT "$DASH_PID"; dash_wait
ok "the pre-check shows no counts"
