#!/bin/sh
# History back-fill, headless, against swf-sim's REST history
# (PROTOCOL.md, "REST history for back-fill"): a late start reads the
# running executions (--history all), a dropped stream is back-filled
# after the reconnect, a channel hole (channel_drop) is filled from the
# run's execution, a hole the history cannot fill (evicted by
# --history-max) is reported as a known gap. Each asserts that every
# (run, type, sequence) is printed exactly once and in order.
. "$top_srcdir/tests/lib.sh"
client_setup
command -v jq >/dev/null 2>&1 || skip "no jq"

SWF_DASH_BACKOFF=1.5,2,60; export SWF_DASH_BACKOFF

# life RUN TYPE...: lifecycle messages of RUN (execution e-RUN).
life() {
	_r=$1; shift
	for _t in "$@"; do
		printf '{"msg_type":"%s","run_id":"%s","execution_id":"e-%s",'\
'"timestamp":"2026-12-01 13:47:00.%s","sender":"daq-agent-t-1",'\
'"state":"run","substate":"physics"}\n' "$_t" "$_r" "$_r" "$_t"
	done | jq -cs .
}
# stf RUN FROM TO: stf_gen FROM..TO of RUN, as one array.
stf() {
	jq -cn --arg r "$1" --argjson a "$2" --argjson b "$3" '[range($a; $b + 1)
	    as $i | {msg_type: "stf_gen", run_id: $r, execution_id: "e-\($r)",
	    sequence: $i, filename: "swf.\($r).\($i | tostring |
	    ("000000" + .)[-6:]).stf", timestamp: "2026-12-01 13:47:\($i)",
	    sender: "daq-agent-t-1", state: "run", substate: "physics"}]'
}
# keys FILE: "run type sequence" of each message printed (json output).
keys() {
	jq -r '"\(.run_id) \(.msg_type) \(.sequence // "-")"' "$1"
}
# ekeys FILE: the same from events output, with the source.
ekeys() {
	jq -r 'select(.event != "connected" and .event != "heartbeat") |
	    (.data | fromjson) as $d |
	    "\($d.run_id) \($d.msg_type) \($d.sequence // "-") \(.source)"' "$1"
}
# once FILE N: N lines, none twice.
once() {
	_d=$(sort "$1" | uniq -d)
	[ -z "$_d" ] || fail "printed twice: $_d"
	[ "$(wc -l <"$1")" -eq "$2" ] || fail "$(wc -l <"$1") lines, not $2:
$(cat "$1")"
}
# seqs_in_order FILE: the stf_gen sequences printed, in increasing order.
seqs_in_order() {
	awk '$2 == "stf_gen" { print $3 }' "$1" >"$T/seq"
	sort -n "$T/seq" | cmp -s - "$T/seq" ||
	    fail "sequences out of order: $(tr '\n' ' ' <"$T/seq")"
}
# seqs FILE: the stf_gen sequences printed, in a line.
seqs() {
	awk '$2 == "stf_gen" { printf "%s ", $3 }' "$1"
}

# 1. A late start: run 900 is at stf_gen 10 when swf-dash starts.
sim_start --token t --no-workflow
pub "$(life 900 run_imminent start_run)"
pub "$(stf 900 1 10)"
dash_start --output events --history all --record "$T/late.rec"
dash_connected
wait_for 10 sh -c "[ \$(grep -c '\"source\":\"history\"' '$DASH_OUT') -ge 12 ]" ||
    { cat "$DASH_ERR"; fail "the history was not merged"; }
pub "$(stf 900 11 12)"
wait_for 5 grep -q '"sequence\\": *12' "$DASH_OUT" || fail "live 12 missing"
kill -INT "$DASH_PID"; dash_wait
ekeys "$DASH_OUT" >"$T/k1"
once "$T/k1" 14
[ "$(grep -c ' history$' "$T/k1")" = 12 ] || fail "history lines: $(cat "$T/k1")"
grep -q '^900 stf_gen 11 live$' "$T/k1" && grep -q '^900 stf_gen 12 live$' \
    "$T/k1" || fail "live lines: $(cat "$T/k1")"
grep -q '^900 run_imminent - history$' "$T/k1" || fail "no run_imminent"
seqs_in_order "$T/k1"
# Connected and heartbeat events are live.
[ "$(jq -r 'select(.event == "connected") | .source' "$DASH_OUT" |
    sort -u)" = live ] || fail "connected not live"
err_has 'history of the running executions merged: 12 messages back-filled' ||
    fail "no merge summary: $(cat "$DASH_ERR")"
ok "late start: 12 from history, 2 live, each once, in order"
# The recording keeps the source, and a replay gives it back.
[ "$(grep -c '"source":"history"' "$T/late.rec")" = 12 ] ||
    fail "recording: $(grep -c '"source":"history"' "$T/late.rec") history lines"
"$SWF_DASH" --replay "$T/late.rec" --speed 0 --output events \
    >"$T/replay.out" 2>"$T/replay.err" || fail "replay: $(cat "$T/replay.err")"
ekeys "$T/replay.out" >"$T/k1r"
cmp -s "$T/k1" "$T/k1r" || fail "replayed sources differ: $(diff "$T/k1" "$T/k1r")"
ok "the recording keeps the source; a replay prints it back"

# The same late start with --history gaps (the headless default) and off:
# nothing is read at start.
dash_start --output json
dash_connected
pub "$(stf 900 13 13)"
wait_for 5 grep -q '"sequence": *13' "$DASH_OUT" || fail "13 missing"
kill -INT "$DASH_PID"; dash_wait
[ "$(wc -l <"$DASH_OUT")" = 1 ] || fail "gaps read at start: $(cat "$DASH_OUT")"
ok "gaps: nothing read at start"
pub "$(life 900 end_run)"

# 2. A stream drop: the first stream ends after connected and 4 messages;
# 5 are sent while it is down; the reconnect back-fills them.
fault '{"fault": "close_after", "events": 5, "count": 1}'
dash_start --output json
dash_connected
pub "$(life 901 run_imminent start_run)"
pub "$(stf 901 1 2)"
wait_for 5 err_has 'reconnecting in' || fail "the stream did not drop"
pub "$(stf 901 3 7)"
wait_for 10 err_has 'stream lost .* 5 messages back-filled' ||
    { cat "$DASH_ERR"; fail "no back-fill after the drop"; }
pub "$(stf 901 8 9)"
wait_for 5 grep -q '"sequence": *9' "$DASH_OUT" || fail "9 missing"
kill -INT "$DASH_PID"; dash_wait
keys "$DASH_OUT" >"$T/k2"
once "$T/k2" 11
[ "$(seqs "$T/k2")" = "1 2 3 4 5 6 7 8 9 " ] ||
    fail "after the drop: $(seqs "$T/k2")"
ok "stream drop: 5 messages back-filled, all 11 once, in order"
pub "$(life 901 end_run)"

# 3. A channel hole: the monitor's channel drops 3 of our messages; the
# jump from 2 to 6 reads run 902's execution and fills 3-5.
dash_start --output json
dash_connected
pub "$(life 902 run_imminent start_run)"
pub "$(stf 902 1 2)"
wait_for 5 grep -q '"sequence": *2' "$DASH_OUT" || fail "2 missing"
fault '{"fault": "channel_drop", "count": 3}'
pub "$(stf 902 3 8)"
wait_for 10 sh -c "[ \$(grep -c stf_gen '$DASH_OUT') -ge 8 ]" ||
    { cat "$DASH_OUT" "$DASH_ERR"; fail "the hole was not filled"; }
sleep 0.5
kill -INT "$DASH_PID"; dash_wait
keys "$DASH_OUT" >"$T/k3"
once "$T/k3" 10
[ "$(seqs "$T/k3" | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')" = \
    "1 2 3 4 5 6 7 8 " ] || fail "hole: $(seqs "$T/k3")"
# Printed when they arrive: 6 first, then the back-filled 3-5 in order.
seqs "$T/k3" | grep -q '^1 2 6 .*3 4 5 ' || fail "order: $(seqs "$T/k3")"
err_has 'missing from run 902' && fail "a filled hole reported missing"
ok "channel hole 3-5 filled from the history, each once"

# A skipped lifecycle step: start_run of run 904 is dropped from our
# channel; its first stf_gen after run_imminent reads the execution.
dash_start --output json
dash_connected
pub "$(life 904 run_imminent)"
wait_for 5 grep -q '"run_id": *"904"' "$DASH_OUT" || fail "904 missing"
fault '{"fault": "channel_drop", "count": 1}'
pub "$(life 904 start_run)"
pub "$(stf 904 1 1)"
wait_for 10 grep -q '"msg_type": *"start_run", *"run_id": *"904"' \
    "$DASH_OUT" || { cat "$DASH_OUT" "$DASH_ERR"; fail "start_run not filled"; }
kill -INT "$DASH_PID"; dash_wait
keys "$DASH_OUT" >"$T/k5"
once "$T/k5" 3
ok "a skipped start_run is read back from the execution"
sim_stop

# 4. A hole the history cannot fill: it keeps only 4 messages, and 7
# others pass while 3-5 are dropped from our channel.
sim_start --token t --no-workflow --history-max 4
dash_start --output json
dash_connected
pub "$(life 903 run_imminent start_run)"
pub "$(stf 903 1 2)"
wait_for 5 grep -q '"sequence": *2' "$DASH_OUT" || fail "2 missing"
fault '{"fault": "channel_drop", "count": 7}'
pub "$(stf 903 3 5)"
pub '[{"msg_type":"sse_test","n":1},{"msg_type":"sse_test","n":2},
    {"msg_type":"sse_test","n":3},{"msg_type":"sse_test","n":4}]'
pub "$(stf 903 6 6)"
wait_for 10 err_has '3 messages missing from run 903: sequences 3.5' ||
    { cat "$DASH_ERR"; fail "no known gap"; }
kill -INT "$DASH_PID"; dash_wait
keys "$DASH_OUT" >"$T/k4"
once "$T/k4" 5
grep -q '^903 start_run' "$T/k4" || fail "start_run missing"
[ "$(seqs "$T/k4")" = "1 2 6 " ] || fail "unfillable: $(seqs "$T/k4")"
ok "a hole history cannot fill is kept as a known gap: sequences 3-5"
