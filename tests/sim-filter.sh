#!/bin/sh
# sim-filter.sh: the server's filter semantics, quirks included.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow

sim_stream "$T/a" '?agents=agent-a'
sim_stream "$T/b" '?run_ids=100042'
sim_stream "$T/c" '?msg_types=stf_gen,%20end_run&agents=agent-a,+agent-b'
sim_stream "$T/d" '?msg_types=stf_gen&run_ids=7'
sim_stream "$T/e" '?agents=agent-a,'
sim_stream "$T/f" ''
sim_stream "$T/g" '?msg_types=message'
sim_stream "$T/h" '?msg_types=&agents=&run_ids='

code=$(publish '[
 {"id":1,"msg_type":"stf_gen","sender":"agent-a"},
 {"id":2,"msg_type":"stf_gen","processed_by":"agent-a"},
 {"id":3,"msg_type":"stf_ready","run_id":100042},
 {"id":4,"msg_type":"stf_ready","run_id":"100042"},
 {"id":5,"msg_type":"end_run","run_id":"100042","processed_by":"agent-b"},
 {"id":6,"msg_type":"stf_gen","run_id":"7","processed_by":"agent-a"},
 {"id":7,"msg_type":null},
 {"id":8,"msg_type":"sse_test","processed_by":"agent-a","run_id":"100042"},
 {"id":9,"run_id":"100042"},
 {"id":10,"msg_type":"stf_gen","agent_name":"agent-a","status":"OK"},
 {"id":11,"msg_type":"end_run","run_id":"100042"}
]')
[ "$code" = 202 ] || fail "publish: $code"

# ids CLIENT: the ids it received, space-separated.
ids() {
	sed -n 's/^data: //p' "$T/$1" | jq -r 'select(.id) | .id' | tr '\n' ' '
}
# expect CLIENT IDS WHY: wait for the last id, then compare the lot.
expect() {
	_last=${2##* }
	wait_for 5 grep -q "\"id\": $_last," "$T/$1" ||
	    fail "$1 ($3): id $_last did not arrive: $(ids "$1")"
	[ "$(ids "$1")" = "$2 " ] || fail "$1 ($3): got '$(ids "$1")', want '$2 '"
}
# 9 (no msg_type) and 10 (an agent heartbeat) are never relayed.
expect f "1 2 3 4 5 6 7 8 11" "no filter"
expect a "2 6 8" "agents match processed_by only"
expect b "4 5 8 11" "numeric run_id never matches"
expect c "2 5 6" "AND across kinds, OR within, spaces trimmed"
expect d "6" "msg_types AND run_ids"
expect e "1 2 3 4 6 7 8 11" "empty agent matches a missing processed_by"
expect h "1 2 3 4 5 6 7 8 11" "empty parameters are no filter"
grep -q '^event: None$' "$T/f" || fail "a null msg_type is not event None"
sleep 0.3
[ -z "$(ids g)" ] || fail "g: msg_types=message matched: $(ids g)"
grep -q '^event: message$' "$T/f" && fail "a message without msg_type was relayed"
ok "filters"
sim_stop_clean
