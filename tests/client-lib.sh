# tests/client-lib.sh: helpers for the engine's integration tests
# (tests/client-*.sh), on top of tests/lib.sh. Source it after lib.sh.

: "${SWF_DASH_BACKOFF:=}"
SWF_API_TOKEN=t; export SWF_API_TOKEN
SWF_SSE_RECEIVER_NAME=test-recv; export SWF_SSE_RECEIVER_NAME

# fault JSON: queue a swf-sim fault (POST /sim/fault); prints nothing.
fault() {
	_code=$(curl -sS --noproxy '*' -o "$T/fault.out" -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/sim/fault")
	[ "$_code" = 200 ] || fail "fault $1: HTTP $_code $(cat "$T/fault.out")"
}

# sim_get PATH: GET a sim path with the token, body on stdout.
sim_get() {
	curl -sS --noproxy '*' -H 'Authorization: Token t' "$SIM_URL$1"
}

# pub JSON: publish, failing the test unless accepted.
pub() {
	_code=$(publish "$1")
	[ "$_code" = 202 ] || fail "publish $1: HTTP $_code"
}

# dash_start ARGS...: run swf-dash in the background against $SIM_URL;
# its stdout and stderr go to $DASH_OUT and $DASH_ERR; pid in $DASH_PID.
_dash_n=0
dash_start() {
	_dash_n=$((_dash_n + 1))
	DASH_OUT="$T/dash$_dash_n.out"
	DASH_ERR="$T/dash$_dash_n.err"
	bg_start "$SWF_DASH" --url "$SIM_URL" "$@" >"$DASH_OUT" 2>"$DASH_ERR"
	DASH_PID=$BG_PID
}

# dash_wait [SECONDS]: wait for swf-dash to exit; its status in $DASH_RC.
dash_wait() {
	_n=0
	_max=$(awk "BEGIN { print int(${1:-10} * 20) }")
	while kill -0 "$DASH_PID" 2>/dev/null; do
		_n=$((_n + 1))
		if [ "$_n" -ge "$_max" ]; then
			cat "$DASH_ERR" >&2
			fail "swf-dash did not exit"
		fi
		sleep 0.05
	done
	wait "$DASH_PID"
	DASH_RC=$?
}

# dash_connected: wait until swf-dash says the stream is open.
dash_connected() {
	wait_for "${1:-10}" grep -q 'stream open' "$DASH_ERR" || {
		cat "$DASH_ERR" >&2
		fail "swf-dash did not connect"
	}
}

# out_has PATTERN: whether swf-dash's stdout matches.
out_has() {
	grep -q -e "$1" "$DASH_OUT"
}

# err_has PATTERN: whether swf-dash's stderr matches.
err_has() {
	grep -q -e "$1" "$DASH_ERR"
}

# reg_field NAME FIELD: a field of NAME's record in the registry dump.
reg_field() {
	jq -r --arg n "$1" --arg f "$2" \
	    '.[] | select(.instance_name == $n) | .[$f]' "$REG" 2>/dev/null
}

# reg_is NAME STATUS OPSTATE: whether the registry shows that state.
reg_is() {
	[ "$(reg_field "$1" status)/$(reg_field "$1" operational_state)" = \
	    "$2/$3" ]
}

# has_all JSON: whether the object on stdin has every member of JSON (the
# sim adds sender_agent, recipient_agent, ... as the monitor does).
has_all() {
	jq -e --argjson m "$1" \
	    '. as $o | $m | to_entries | all(.value == $o[.key])' >/dev/null
}

command -v jq >/dev/null || skip "jq is needed"
command -v curl >/dev/null || skip "curl is needed"
