#!/bin/sh
# sim-history.sh: the REST history (workflow-executions, run-states,
# workflow-messages, stf-files), its bound, its time zone, and the faults
# that break it for clients' tests.
. "$top_srcdir/tests/lib.sh"

# get PATH [CURL-ARGS...]: GET without a token; prints the code, body in
# $T/body.
get() {
	_p=$1; shift
	curl -s --noproxy '*' --max-time 10 -o "$T/body" -w '%{http_code}' \
	    "$@" "$SIM_URL$_p"
}

# jqb FILTER: assert a jq filter on $T/body.
jqb() {
	jq -e "$1" "$T/body" >/dev/null || fail "$2: $(head -c 2000 "$T/body")"
}

sim_start --token t --no-workflow --client-queue 2

A=stf_datataking-alice-0007
B=stf_datataking-bob-0012
base_a="\"sender\":\"daq-agent-alice-1\",\"namespace\":\"ns-a\",\"execution_id\":\"$A\",\"run_id\":\"100001\""
base_b="\"sender\":\"daq-agent-bob-1\",\"namespace\":\"ns-b\",\"execution_id\":\"$B\",\"run_id\":100002"
cat >"$T/a.json" <<EOF
[{"msg_type":"run_imminent",$base_a,"simulation_tick":1,"state":"beam","substate":"not_ready"},
 {"msg_type":"start_run",$base_a,"simulation_tick":2,"state":"run","substate":"physics"},
 {"msg_type":"stf_gen",$base_a,"filename":"swf.100001.000001.stf","sequence":1,"state":"run","substate":"physics"},
 {"msg_type":"stf_gen",$base_a,"filename":"swf.100001.000002.stf","sequence":2,"state":"run","substate":"physics"},
 {"msg_type":"stf_ready","sender":"data-agent-alice-2","processed_by":"data-agent-alice-2","run_id":"100001","filename":"swf.100001.000001.stf","size_bytes":4242,"checksum":"ad:1"},
 {"msg_type":"stf_gen",$base_a,"filename":"swf.100001.000003.stf","sequence":3,"state":"run","substate":"physics"},
 {"msg_type":"end_run",$base_a,"total_stf_files":3}]
EOF
[ "$(publish "$(cat "$T/a.json")")" = 202 ] || fail "publish run A"
sleep 0.05
[ "$(publish "[{\"msg_type\":\"run_imminent\",$base_b,\"state\":\"beam\",\"substate\":\"not_ready\"},
    {\"msg_type\":\"start_run\",$base_b,\"state\":\"run\",\"substate\":\"physics\"}]")" = 202 ] ||
    fail "publish run B"
# Not stored, as on the monitor: no msg_type, an agent heartbeat.
publish '{"run_id":"100001","execution_id":"'$A'"}' >/dev/null
publish '{"msg_type":"x","agent_name":"a","status":"OK","execution_id":"'$A'"}' >/dev/null

# Executions: newest first; status and namespace filter; unknown
# parameters are ignored; a bare request has no paging.
[ "$(get /api/workflow-executions/)" = 200 ] || fail "executions"
jqb "[.[].execution_id] == [\"$B\", \"$A\"]" "executions order"
jqb ".[1].status == \"completed\" and .[1].end_time != null and
    .[0].status == \"running\" and .[0].end_time == null and
    .[1].namespace == \"ns-a\" and .[1].executed_by == \"alice\" and
    (.[0] | has(\"parameter_values\") and has(\"workflow_definition\") and
    has(\"start_time\"))" "execution fields"
get '/api/workflow-executions/?status=running&foo=bar' >/dev/null
jqb "[.[].execution_id] == [\"$B\"]" "status=running"
get '/api/workflow-executions/?status=running&namespace=ns-a' >/dev/null
jqb 'length == 0' "running in ns-a"
get '/api/workflow-executions/?namespace=ns-a' >/dev/null
jqb "[.[].execution_id] == [\"$A\"]" "namespace=ns-a"
get '/api/workflow-executions/?status=' >/dev/null
jqb 'length == 2' "an empty filter filters nothing"
ok "workflow-executions"

# Run states: the lifecycle stamps, metadata.execution_id, 404s.
[ "$(get /api/run-states/100001/)" = 200 ] || fail "run-states A"
jqb ".run_number == 100001 and .phase == \"completed\" and
    .state == \"ended\" and .substate == null and
    .metadata.execution_id == \"$A\" and .slices_completed == 0 and
    (.state_changed_at | type) == \"string\"" "run A state"
get /api/run-states/100002/ >/dev/null
jqb ".phase == \"physics\" and .state == \"run\" and
    .substate == \"physics\" and .metadata.execution_id == \"$B\"" "run B"
for p in /api/run-states/999/ /api/run-states/abc/; do
	[ "$(get $p)" = 404 ] || fail "$p: not 404"
	[ "$(cat "$T/body")" = '{"detail":"Not found."}' ] ||
	    fail "$p body: $(cat "$T/body")"
done
ok "run-states"

# Messages of an execution: oldest first, every one that named it (the
# stf_ready without execution_id is not reachable), the content as the
# agent sent it, the monitor's own fields beside it.
[ "$(get "/api/workflow-messages/?execution_id=$A")" = 200 ] ||
    fail "workflow-messages"
jqb '[.[].message_type] == ["run_imminent", "start_run", "stf_gen",
    "stf_gen", "stf_gen", "end_run"]' "messages of A, oldest first"
jq -c '[.[].message_content]' "$T/body" >"$T/got"
jq -c '[.[] | select(.execution_id)]' "$T/a.json" >"$T/want"
cmp -s "$T/got" "$T/want" ||
    fail "message_content is not what the agent sent: $(cat "$T/got")"
jqb 'all(.[]; .sender_agent == "daq-agent-alice-1" and
    .namespace == "ns-a" and .run_id == "100001" and
    .recipient_agent == null and
    (.message_id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")) and
    (.message_content | has("sent_at") or has("sender_agent") or
    has("queue_name") | not))' "message items"
jqb '[.[].message_id] | unique | length == 6' "message ids repeat"
jqb '[.[].sent_at] == ([.[].sent_at] | sort)' "sent_at order"
get "/api/workflow-messages/?execution_id=$B" >/dev/null
jqb 'all(.[]; .run_id == "100002") and
    (.[0].message_content.run_id | type) == "number"' "numeric run_id"
get "/api/workflow-messages/?execution_id=nope" >/dev/null
jqb 'length == 0' "unknown execution"
# Without the filter: the whole table, newest first.
get /api/workflow-messages/ >/dev/null
jqb 'length == 9 and .[0].message_type == "start_run" and
    .[0].execution_id == "'$B'" and .[-1].message_type == "run_imminent"
    and .[-1].execution_id == "'$A'" and
    ([.[].message_type] | index("stf_ready")) != null' "whole table"
# Detail routes: a stored message by its message_id, an execution by its
# id, unknown keys 404 in DRF's JSON.
get "/api/workflow-messages/?execution_id=$A" >/dev/null
mid=$(jq -r '.[2].message_id' "$T/body")
jq -c '.[2]' "$T/body" >"$T/want"
[ "$(get "/api/workflow-messages/$mid/")" = 200 ] || fail "message $mid"
[ "$(jq -c . "$T/body")" = "$(cat "$T/want")" ] ||
    fail "message detail: $(cat "$T/body")"
[ "$(get /api/workflow-executions/$A/)" = 200 ] || fail "execution detail"
jqb ".execution_id == \"$A\" and .status == \"completed\"" "execution detail"
for p in /api/workflow-messages/00000000-0000-4000-8000-000000000000/ \
    /api/workflow-messages/nope/ /api/workflow-executions/nope/ \
    /api/stf-files/nope/; do
	[ "$(get $p)" = 404 ] || fail "$p: not 404"
	[ "$(cat "$T/body")" = '{"detail":"Not found."}' ] ||
	    fail "$p body: $(cat "$T/body")"
done
ok "workflow-messages"

# Date-times: America/New_York with an explicit offset, the right one
# for now (compared with the system's zone when it has one).
get "/api/workflow-messages/?execution_id=$A" >/dev/null
sent=$(jq -r '.[0].sent_at' "$T/body")
echo "$sent" | grep -E -q '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{6})?-0[45]:00$' ||
    fail "sent_at format: $sent"
if [ -f /usr/share/zoneinfo/America/New_York ]; then
	off=$(TZ=America/New_York date +%z | sed 's/\(..\)$/:\1/')
	[ "${sent#"${sent%??????}"}" = "$off" ] ||
	    fail "offset of $sent is not New York's $off"
fi
now=$(date +%s)
then=$(date -d "$sent" +%s) || fail "date cannot read $sent"
[ $((now - then)) -ge 0 ] && [ $((now - then)) -lt 60 ] ||
    fail "sent_at $sent is not now ($now vs $then)"
ok "New York time $sent"

# STF files: a plain array without limit, {count,next,previous,results}
# with it; stf_ready marks a file processed.
[ "$(get '/api/stf-files/?run_number=100001')" = 200 ] || fail "stf-files"
jqb 'type == "array" and length == 3 and
    [.[].stf_filename] == ["swf.100001.000001.stf",
    "swf.100001.000002.stf", "swf.100001.000003.stf"] and
    .[0].status == "processed" and .[0].file_size_bytes == 4242 and
    .[0].checksum == "ad:1" and .[1].status == "registered" and
    .[1].file_size_bytes == null' "stf files"
get '/api/stf-files/?run_number=100001&limit=2' >/dev/null
jqb '.count == 3 and (.results | length) == 2 and .previous == null and
    (.next | test("/api/stf-files/[?]limit=2&offset=2&run_number=100001$"))' \
    "page 1"
get '/api/stf-files/?run_number=100001&limit=2&offset=2' >/dev/null
jqb '.count == 3 and [.results[].stf_filename] == ["swf.100001.000003.stf"]
    and .next == null and
    (.previous | test("/api/stf-files/[?]limit=2&run_number=100001$"))' \
    "page 2"
get '/api/stf-files/?run_number=100001&limit=1&offset=1' >/dev/null
jqb '(.previous | test("[?]limit=1&run_number=100001$")) and
    (.next | test("[?]limit=1&offset=2&run_number=100001$"))' "page links"
get '/api/stf-files/?run_number=100002&limit=5' >/dev/null
jqb '.count == 0 and .results == [] and .next == null' "empty page"
[ "$(get '/api/stf-files/?run_number=abc')" = 400 ] || fail "bad run_number"
jqb '.run_number == "must be an integer run number"' "bad run_number body"
get '/api/stf-files/?limit=0' >/dev/null
jqb 'type == "array" and length == 3' "limit=0 is no paging"
fid=$(get '/api/stf-files/?run_number=100001' >/dev/null; jq -r '.[1].file_id' "$T/body")
[ "$(get "/api/stf-files/$fid/")" = 200 ] || fail "stf file $fid"
jqb '.stf_filename == "swf.100001.000002.stf"' "stf file detail"
ok "stf-files"

# A message a client's channel drops is still in the history: a stopped
# reader with a 2-message queue loses most of a burst, the history none.
sim_stream "$T/slow" '' --limit-rate 1k
kill -STOP "$STREAM_PID"
pad=$(head -c 60000 /dev/zero | tr '\0' p)
i=0
while [ $i -lt 4 ]; do
	printf '[' >"$T/burst"
	j=0
	while [ $j -lt 40 ]; do
		[ $j -gt 0 ] && printf ',' >>"$T/burst"
		printf '{"msg_type":"stf_gen","execution_id":"burst-x-0001","run_id":"100003","n":%d,"pad":"%s"}' \
		    $((i * 40 + j)) "$pad" >>"$T/burst"
		j=$((j + 1))
	done
	printf ']' >>"$T/burst"
	curl -s --noproxy '*' --max-time 10 -o /dev/null \
	    -H 'Authorization: Token t' --data-binary @"$T/burst" \
	    "$SIM_URL/sim/publish" || fail "burst publish"
	i=$((i + 1))
done
curl -s --noproxy '*' -H 'Authorization: Token t' "$SIM_URL/sim/stats" \
    >"$T/stats"
kill -CONT "$STREAM_PID"
kill "$STREAM_PID"
dropped=$(jq '.clients[0].dropped' "$T/stats")
[ "$dropped" -gt 0 ] || fail "the slow client dropped nothing: $(cat "$T/stats")"
get '/api/workflow-messages/?execution_id=burst-x-0001' >/dev/null
jqb 'length == 160 and [.[].message_content.n] == [range(160)]' \
    "history of the burst"
ok "history keeps the $dropped messages a channel dropped"

# A channel_drop fault makes a hole in one client's stream only; the
# history has every message.
sim_stream "$T/holes"
cid=$(sed -n "2s/^data: //p" "$T/holes" | jq -r .client_id)
[ "$(sim_fault "{\"fault\":\"channel_drop\",\"count\":3,\"client_id\":\"$cid\"}")" = 200 ] ||
    fail "channel_drop refused"
for n in 1 2 3 4 5 6; do
	publish "{\"msg_type\":\"stf_gen\",\"execution_id\":\"holes-x-0001\",\"run_id\":\"100004\",\"sequence\":$n}" >/dev/null
done
wait_for 5 grep -q '"sequence": 6' "$T/holes" || fail "stream after the hole"
kill "$STREAM_PID"
got=$(sed -n 's/^data: //p' "$T/holes" | jq -r 'select(.sequence) | .sequence' |
    tr '\n' ' ')
[ "$got" = "4 5 6 " ] || fail "the stream should have lost 1-3: $got"
get '/api/workflow-messages/?execution_id=holes-x-0001' >/dev/null
jqb '[.[].message_content.sequence] == [1, 2, 3, 4, 5, 6]' "history of the hole"
ok "channel_drop: the stream has 4-6, the history 1-6"

# Faults on the history endpoints, one request each, then normal again.
fault_get() {
	[ "$(sim_fault "$1")" = 200 ] || fail "fault $1 refused"
	get "$2"
}
r=$(fault_get '{"fault":"status","endpoint":"history","code":404,"count":1}' \
    "/api/workflow-messages/?execution_id=$A")
[ "$r" = 404 ] || fail "404 fault: $r"
grep -q '<title>Not Found</title>' "$T/body" || fail "404 fault body"
[ "$(get "/api/run-states/100001/")" = 200 ] || fail "fault not spent"
r=$(fault_get '{"fault":"status","endpoint":"history","code":403,"count":1}' \
    /api/workflow-executions/)
[ "$r" = 403 ] || fail "403 fault: $r"
jqb 'has("detail")' "403 fault body"
r=$(fault_get '{"fault":"content_type","endpoint":"history","count":1}' \
    /api/run-states/100001/)
[ "$r" = 200 ] && grep -q '<form' "$T/body" || fail "HTML fault: $r"
r=$(fault_get '{"fault":"raw","endpoint":"history","body":"[{\"message_id\": tru","content_type":"application/json","count":1}' \
    /api/workflow-messages/)
[ "$r" = 200 ] && [ "$(cat "$T/body")" = '[{"message_id": tru' ] ||
    fail "garbage fault: $r $(cat "$T/body")"
r=$(fault_get '{"fault":"status","endpoint":"history","code":200,"size":20000000,"count":1}' \
    "/api/workflow-messages/?execution_id=$A")
[ "$r" = 200 ] || fail "size fault: $r"
[ "$(wc -c <"$T/body")" -eq 20000000 ] || fail "size fault: $(wc -c <"$T/body") bytes"
[ "$(head -c 2 "$T/body")" = '["' ] && [ "$(tail -c 2 "$T/body")" = '"]' ] ||
    fail "size fault is not a JSON array"
get "/api/workflow-messages/?execution_id=$A" >/dev/null
jqb 'length == 6' "history after the faults"
# The history faults leave the stream and the agent list alone.
[ "$(sim_fault '{"fault":"status","endpoint":"history","code":500}')" = 200 ] ||
    fail "fault"
[ "$(get /api/systemagents/)" = 200 ] || fail "agents hit by a history fault"
[ "$(get /api/stf-files/)" = 500 ] || fail "stf-files missed the fault"
sim_fault '{"fault":"none"}' >/dev/null
ok "history faults"
sim_stop_clean

# --history-max: the oldest messages go first, from every index.
sim_start --token t --no-workflow --history-max 5
i=1
while [ $i -le 8 ]; do
	publish "{\"msg_type\":\"stf_gen\",\"execution_id\":\"e-x-0001\",\"run_id\":\"7\",\"n\":$i}" >/dev/null
	i=$((i + 1))
done
get '/api/workflow-messages/?execution_id=e-x-0001' >/dev/null
jqb '[.[].message_content.n] == [4, 5, 6, 7, 8]' "eviction by execution"
get /api/workflow-messages/ >/dev/null
jqb '[.[].message_content.n] == [8, 7, 6, 5, 4]' "eviction of the table"
curl -s --noproxy '*' -H 'Authorization: Token t' "$SIM_URL/sim/stats" \
    >"$T/body"
jqb '.history.messages == 5 and .history.evicted == 3 and
    .history.recorded == 8 and .history.max == 5' "history stats"
ok "--history-max"
sim_stop_clean

# The simulated workflow feeds the history: a run's messages come back
# with their execution, oldest first.
sim_start --token t --speed 200 --seed 3
wait_for 15 sh -c "curl -s --noproxy '*' '$SIM_URL/api/workflow-executions/?status=completed' | jq -e 'length > 0'" ||
    fail "no execution completed"
get '/api/workflow-executions/?status=completed' >/dev/null
E=$(jq -r '.[0].execution_id' "$T/body")
get "/api/workflow-messages/?execution_id=$E" >/dev/null
jqb '.[0].message_type == "run_imminent" and
    ([.[].message_type] | index("end_run")) > ([.[].message_type] |
    rindex("stf_gen")) and [.[].sent_at] == ([.[].sent_at] | sort) and
    all(.[]; .execution_id == "'"$E"'")' "workflow run $E"
run=$(jq -r '.[0].run_id' "$T/body")
get "/api/run-states/$run/" >/dev/null
jqb '.metadata.execution_id == "'"$E"'" and .state == "ended"' "run $run"
ok "workflow history"
sim_stop_clean
