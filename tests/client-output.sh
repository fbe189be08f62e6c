#!/bin/sh
# The headless output modes: plain, json and events lines, the idle flush
# into a pipe, and a clean end with EXITED when the pipe closes.
. "$top_srcdir/tests/lib.sh"
client_setup

REG="$T/reg.json"
sim_start --token t --no-workflow --heartbeat-interval 0.5 \
    --registry-dump "$REG"

M1='{"msg_type": "stf_gen", "run_id": "102363", "filename": "swf.102363.000001.stf", "sender": "daq-agent-wenauseic-1", "message": "STF file generated", "sent_at": "2025-01-15T14:30:25.123Z"}'
M2='{"msg_type":"stf_ready","run_id":"run-7","processed_by":"data-agent","sender":"x","message":"tab\there \u001b[31mred"}'
# Types no client knows: their summary, error or status is their text.
M3='{"msg_type":"payload_log_ready","namespace":"prodops","ok":true,"status":"done","summary":"3 payload logs ready","sender_agent":"unknown"}'
M4='{"msg_type":"prodtask_status","namespace":"prodops","status":"green"}'
# A long agent name is written whole: such names differ at their end.
M5='{"msg_type":"stf_gen","run_id":"102364","sender":"workflow_runner-agent-wenauseic-12","filename":"f5"}'

# plain: one human line per message.
dash_start --output plain
dash_connected
pub "$M1"
pub "$M2"
pub "$M3"
pub "$M4"
pub "$M5"
wait_for 5 out_has 'f5$' || fail "plain: no last line"
kill -INT "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "plain: exit $DASH_RC"
grep -q '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] stf_gen  *daq-agent-wenauseic-1  *102363  *swf.102363.000001.stf  STF file generated$' \
    "$DASH_OUT" || { cat "$DASH_OUT"; fail "plain: bad stf_gen line"; }
# The agent is the sender, before processed_by.
grep -q 'stf_ready  *x  *run-7  *-  tab here red$' "$DASH_OUT" ||
    { cat "$DASH_OUT"; fail "plain: bad stf_ready line"; }
# No agent but the placeholder "unknown": none shown.
grep -q 'payload_log_ready  *-  *-  *-  3 payload logs ready$' "$DASH_OUT" ||
    { cat "$DASH_OUT"; fail "plain: bad payload_log_ready line"; }
grep -q 'prodtask_status *-  *-  *-  green$' "$DASH_OUT" ||
    { cat "$DASH_OUT"; fail "plain: bad prodtask_status line"; }
grep -q ' stf_gen  *workflow_runner-agent-wenauseic-12 102364  *f5$' \
    "$DASH_OUT" || { cat "$DASH_OUT"; fail "plain: long agent cut"; }
grep -q "$(printf '\033')" "$DASH_OUT" && fail "plain: escape on a pipe"
ok "plain"

# json: the data objects as received, one per line, nothing else.
dash_start --output json
dash_connected
pub "$M1"
pub "$M2"
wait_for 5 sh -c "[ \$(wc -l < '$DASH_OUT') -ge 2 ]" || fail "json: lines"
kill -TERM "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "json: exit $DASH_RC"
[ "$(wc -l < "$DASH_OUT")" = 2 ] || { cat "$DASH_OUT"; fail "json: not 2 lines"; }
jq -e -c . "$DASH_OUT" >/dev/null || fail "json: not JSON lines"
sed -n 1p "$DASH_OUT" | has_all "$M1" || fail "json: first object differs"
[ "$(sed -n 2p "$DASH_OUT" | jq -r .processed_by)" = data-agent ] ||
    fail "json: second object"
ok "json"

# events: every event, connected and heartbeat included.
dash_start --output events
dash_connected
pub "$M1"
wait_for 5 out_has '"event":"heartbeat"' || fail "events: no heartbeat"
wait_for 5 out_has '"event":"stf_gen"' || fail "events: no stf_gen"
kill -HUP "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "events: exit $DASH_RC"
jq -e -s 'map(select(.event == "connected"))[0].data | fromjson |
    .client_id | length > 0' "$DASH_OUT" >/dev/null || fail "events: no connected with client_id"
jq -r 'select(.event == "stf_gen") | .data' "$DASH_OUT" | has_all "$M1" ||
    fail "events: raw data differs"
jq -e -s 'all(has("event") and has("id") and has("data"))' "$DASH_OUT" \
    >/dev/null || fail "events: keys"
ok "events"

# The idle flush: a lone message reaches a pipe at once.
FIFO="$T/fifo"
mkfifo "$FIFO"
cat "$FIFO" > "$T/piped" &
CAT=$!
bg_start "$SWF_DASH" --url "$SIM_URL" --output json >"$FIFO" 2>"$T/pipe.err"
PIPE_DASH=$BG_PID
wait_for 10 grep -q 'stream open' "$T/pipe.err" || fail "pipe: no connect"
pub '{"msg_type":"sse_test","n":1}'
# Without the flush it would wait for 64 KiB or the exit; allow 1 s (it
# takes milliseconds) for loaded test machines.
wait_for 1 grep -q '"n": *1' "$T/piped" || fail "pipe: not flushed in 1 s"
kill -INT "$PIPE_DASH"
wait "$PIPE_DASH"; wait "$CAT"
ok "idle flush"

# The end of the pipe ends swf-dash cleanly, with EXITED.
(
	"$SWF_DASH" --url "$SIM_URL" --output json --name pipe-recv \
	    2>"$T/epipe.err"
	echo "$?" > "$T/epipe.rc"
) | head -n 1 > "$T/epipe.out" &
EP=$!
wait_for 10 grep -q 'stream open' "$T/epipe.err" || fail "epipe: no connect"
pub '{"msg_type":"sse_test","n":2}'
pub '{"msg_type":"sse_test","n":3}'
wait_for 10 test -s "$T/epipe.rc" || fail "epipe: swf-dash did not end"
wait "$EP"
[ "$(cat "$T/epipe.rc")" = 0 ] || { cat "$T/epipe.err"; fail "epipe: exit $(cat "$T/epipe.rc")"; }
grep -q '"n": *2' "$T/epipe.out" || fail "epipe: first line"
wait_for 5 reg_is pipe-recv EXITED EXITED || fail "epipe: not EXITED"
ok "EPIPE"

# Stream details from a raw body: a comment, CRLF line ends, an id that
# persists, data on two lines (joined with LF: json mode prints it again
# on one line), and data that is not JSON (json mode skips it, counted).
RAW=': a comment\r\nid: 7\r\nevent: stf_gen\r\ndata: {"msg_type": "stf_gen",\r\ndata:  "n": 10}\r\n\r\nevent: sse_test\ndata: not json\n\nevent: sse_test\ndata: {"n": 11}\n\n'
RAWJ=$(printf "$RAW" | jq -R -s -c '{"fault": "raw", "body": ., "count": 1}')
fault "$RAWJ"
dash_start --output json
wait_for 5 out_has '"n": 11' || { cat "$DASH_ERR"; fail "raw: no n 11"; }
kill -INT "$DASH_PID"; dash_wait
[ "$(sed -n 1p "$DASH_OUT")" = '{"msg_type":"stf_gen","n":10}' ] ||
    fail "raw: multi-line data not on one line: $(sed -n 1p "$DASH_OUT")"
[ "$(sed -n 2p "$DASH_OUT")" = '{"n": 11}' ] || fail "raw: second line"
[ "$(wc -l < "$DASH_OUT")" = 2 ] || fail "raw: extra lines"
err_has 'skipping a sse_test message whose data is not a JSON object' &&
    err_has '1 messages skipped' || fail "raw: skip not reported"
fault "$RAWJ"
dash_start --output events
wait_for 5 sh -c "[ \$(grep -c '\"event\":\"sse_test\"' '$DASH_OUT') -ge 2 ]" ||
    fail "raw events: too few"
kill -INT "$DASH_PID"; dash_wait
jq -e -s 'map(select(.event != "heartbeat")) | map([.event, .id, .data]) ==
    [["stf_gen", "7", "{\"msg_type\": \"stf_gen\",\n \"n\": 10}"],
     ["sse_test", "7", "not json"], ["sse_test", "7", "{\"n\": 11}"]]' \
    "$DASH_OUT" >/dev/null || { cat "$DASH_OUT"; fail "raw events"; }
ok "raw stream: CRLF, comment, id, multi-line and non-JSON data"
