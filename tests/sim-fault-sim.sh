#!/bin/sh
# sim-fault-sim.sh: the faults that act on the simulation rather than on
# a request: channel_drop (holes in one client's stream only), stall_run
# (a run goes silent, heartbeats go on) and agent_silent (an agent stops
# heartbeating the registry and ages to EXITED).
. "$top_srcdir/tests/lib.sh"

# fault_body JSON: POST a fault, print the answer's body; $T/code the code.
fault_body() {
	curl -s --noproxy '*' --max-time 5 -o "$T/fb" -w '%{http_code}' \
	    -H 'Authorization: Token t' --data-binary "$1" \
	    "$SIM_URL/sim/fault" >"$T/code"
	cat "$T/fb"
}
# stats ID KEY: a client's counter in /sim/stats.
stats() {
	curl -s --noproxy '*' --max-time 5 -H 'Authorization: Token t' \
	    "$SIM_URL/sim/stats" |
	    jq ".clients[] | select(.client_id == \"$1\") | .$2"
}
# nums FILE: the n of the num messages a client got.
nums() {
	sed -n 's/^data: \(.*"msg_type": "num".*\)/\1/p' "$1" | jq -r .n |
	    tr '\n' ' '
}
# pub_nums FROM TO: publish num messages FROM..TO.
pub_nums() {
	_i=$1
	while [ "$_i" -le "$2" ]; do
		publish "{\"msg_type\":\"num\",\"n\":$_i}" >/dev/null
		_i=$((_i + 1))
	done
}
client_id() { sed -n '2s/^data: //p' "$1" | jq -r .client_id; }

# channel_drop: the last client to connect loses the next N, only it.
sim_start --token t --no-workflow --heartbeat-interval 100
sim_stream "$T/a"
ida=$(client_id "$T/a")
sim_stream "$T/b"
idb=$(client_id "$T/b")
sim_fault '{"fault":"status","code":503,"count":5,"endpoint":"status"}' >/dev/null
fault_body '{"fault":"channel_drop","count":3}' >/dev/null
[ "$(cat "$T/code")" = 200 ] || fail "channel_drop: $(cat "$T/code") $(cat "$T/fb")"
jq -e '.faults | length == 1 and .[0].fault == "status"' "$T/fb" >/dev/null ||
    fail "channel_drop touched the queue: $(cat "$T/fb")"
[ "$(stats "$idb" channel_drop_pending)" = 3 ] || fail "not pending on b"
pub_nums 1 10
wait_for 5 grep -q '"n": 10,' "$T/a" || fail "a did not get 10"
wait_for 5 grep -q '"n": 10,' "$T/b" || fail "b did not get 10"
[ "$(nums "$T/a")" = "1 2 3 4 5 6 7 8 9 10 " ] || fail "a got $(nums "$T/a")"
[ "$(nums "$T/b")" = "4 5 6 7 8 9 10 " ] || fail "b got $(nums "$T/b")"
[ "$(stats "$idb" channel_dropped)" = 3 ] || fail "b's count"
[ "$(stats "$ida" channel_dropped)" = 0 ] || fail "a's count"
[ "$(stats "$idb" dropped)" = 0 ] || fail "counted as a full channel"
ok "channel_drop: the last client only"

# ... or the client named by client_id.
fault_body "{\"fault\":\"channel_drop\",\"count\":2,\"client_id\":\"$ida\"}" >/dev/null
[ "$(cat "$T/code")" = 200 ] || fail "by id: $(cat "$T/fb")"
pub_nums 11 15
wait_for 5 grep -q '"n": 15,' "$T/a" || fail "a did not get 15"
wait_for 5 grep -q '"n": 15,' "$T/b" || fail "b did not get 15"
[ "$(nums "$T/a")" = "1 2 3 4 5 6 7 8 9 10 13 14 15 " ] ||
    fail "a got $(nums "$T/a")"
[ "$(nums "$T/b")" = "4 5 6 7 8 9 10 11 12 13 14 15 " ] ||
    fail "b got $(nums "$T/b")"
fault_body '{"fault":"channel_drop","client_id":"nobody"}' >/dev/null
[ "$(cat "$T/code")" = 400 ] || fail "unknown client: $(cat "$T/code")"
fault_body '{"fault":"channel_drop","count":-1}' >/dev/null
[ "$(cat "$T/code")" = 400 ] || fail "negative count: $(cat "$T/code")"
ok "channel_drop by client_id"
for f in stall_run agent_silent; do
	fault_body "{\"fault\":\"$f\",\"agent\":\"x\"}" >/dev/null
	[ "$(cat "$T/code")" = 400 ] || fail "$f without the workflow accepted"
done
sim_stop_clean

# --fault with no client yet: the first to connect loses them.
sim_start --token t --no-workflow --fault '{"fault":"channel_drop","count":2}'
sim_stream "$T/c"
pub_nums 1 4
wait_for 5 grep -q '"n": 4,' "$T/c" || fail "c did not get 4"
[ "$(nums "$T/c")" = "3 4 " ] || fail "--fault channel_drop: c got $(nums "$T/c")"
sim_stop_clean
ok "--fault channel_drop"

# stall_run: alpha's run stops dead mid-run; beta and heartbeats go on.
sim_start --token t --speed 40 --heartbeat-interval 0.5 --seed 7 \
    --agent-stale 1
sim_stream "$T/w"
fault_body '{"fault":"stall_run","namespace":"nowhere"}' >/dev/null
[ "$(cat "$T/code")" = 400 ] || fail "unknown namespace: $(cat "$T/code")"
# Wait until alpha's run is under way.
wait_for 10 grep -q '"msg_type": "stf_gen", "namespace": "swf-alpha"' "$T/w" ||
    fail "no alpha stf_gen"
fault_body '{"fault":"stall_run","namespace":"swf-alpha"}' >/dev/null
[ "$(cat "$T/code")" = 200 ] || fail "stall_run: $(cat "$T/fb")"
sleep 0.3
cp "$T/w" "$T/w0"
run=$(sed -n 's/^data: //p' "$T/w0" | jq -r 'select(.msg_type == "stf_gen" and
    .namespace == "swf-alpha") | .run_id' | tail -n 1)
sleep 3.5
sed -n 's/^data: //p' "$T/w" | jq -c 'select(.msg_type)' >"$T/all"
sed -n 's/^data: //p' "$T/w0" | jq -c 'select(.msg_type)' >"$T/before"
n0=$(jq -c "select(.run_id == \"$run\")" "$T/before" | wc -l)
n1=$(jq -c "select(.run_id == \"$run\")" "$T/all" | wc -l)
[ "$n0" -ge 2 ] || fail "run $run had only $n0 messages"
[ "$n1" = "$n0" ] || fail "run $run went on: $n0 then $n1 messages"
jq -e "select(.run_id == \"$run\" and .msg_type == \"end_run\")" "$T/all" \
    >/dev/null && fail "the stalled run ended"
[ "$(jq -c 'select(.namespace == "swf-alpha")' "$T/all" | wc -l)" = \
    "$(jq -c 'select(.namespace == "swf-alpha")' "$T/before" | wc -l)" ] ||
    fail "alpha went on after the stall"
b0=$(jq -c 'select(.namespace == "swf-beta")' "$T/before" | wc -l)
b1=$(jq -c 'select(.namespace == "swf-beta")' "$T/all" | wc -l)
[ "$b1" -gt $((b0 + 20)) ] || fail "beta stopped too: $b0 then $b1"
h=$(tail -n +"$(wc -l <"$T/w0")" "$T/w" | grep -c '^event: heartbeat$')
[ "$h" -ge 5 ] || fail "only $h heartbeats after the stall"
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" |
    jq -e 'all(.[]; .status == "OK")' >/dev/null ||
    fail "agents went stale with a stalled run"
ok "stall_run: run $run silent ($n0 messages, no end_run), beta $b0 -> $b1, $h heartbeats"

# agent_silent: that agent ages to EXITED, the others stay OK.
fault_body '{"fault":"agent_silent","agent":"nobody-agent-x-1"}' >/dev/null
[ "$(cat "$T/code")" = 400 ] || fail "unknown agent: $(cat "$T/code")"
fault_body '{"fault":"agent_silent"}' >/dev/null
[ "$(cat "$T/code")" = 400 ] || fail "agent_silent without agent"
fault_body '{"fault":"agent_silent","agent":"data-agent-beta-5"}' >/dev/null
[ "$(cat "$T/code")" = 200 ] || fail "agent_silent: $(cat "$T/fb")"
wait_for 5 sh -c "curl -s --noproxy '*' --max-time 5 '$SIM_URL/api/systemagents/' |
    jq -e '.[] | select(.instance_name == \"data-agent-beta-5\") |
    .status == \"EXITED\"'" || fail "the silent agent did not turn EXITED"
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" >"$T/agents"
[ "$(jq '[.[] | select(.status == "OK")] | length' "$T/agents")" = 5 ] ||
    fail "others: $(jq -c '[.[] | [.instance_name, .status]]' "$T/agents")"
sim_stop_clean
ok "agent_silent"

# --fault stall_run at start: the first run is announced, then silence.
sim_start --token t --speed 40 --namespaces swf-alpha --fault '{"fault":"stall_run"}'
sim_stream "$T/s"
sleep 2.5
sed -n 's/^data: //p' "$T/s" | jq -r 'select(.msg_type) | .msg_type' |
    grep -v -x run_imminent && fail "the first run went on"
sim_stop_clean
ok "--fault stall_run"
