#!/bin/sh
# Filters: types go to the server as msg_types; agents and runs are
# matched by the client (the agent a message is shown under: the first of
# sender, processed_by, sender_agent; run ids as text, number or string)
# unless --server-filters=all also sends them.
. "$top_srcdir/tests/lib.sh"
client_setup

sim_start --token t --no-workflow

# server_filters: the filter the sim holds for our one client (its active
# subscriber row: the status endpoint's counts mean nothing).
server_filters() {
	sim_get /api/subscribers/ | jq -c '.[] | select(.is_active) |
	    .message_filters'
}

publish_set() {
	pub '{"msg_type":"stf_gen","run_id":100042,"sender":"daq-a","n":1}'
	pub '{"msg_type":"stf_ready","run_id":"100042","processed_by":"data-b","n":2}'
	pub '{"msg_type":"stf_gen","run_id":7,"sender_agent":"data-b","n":3}'
	pub '{"msg_type":"processing_complete","run_id":"x y","processed_by":"proc c","n":4}'
	pub '{"msg_type":"sse_test","sender":"a,b","n":5}'
	pub '{"msg_type":"stf_ready","run_id":"100042","sender":"data-c","processed_by":"daq-a","n":6}'
}

# run_case NAME EXPECTED ARGS...: the n of each message received, in order.
run_case() {
	_name=$1 _want=$2; shift 2
	dash_start --output json "$@"
	dash_connected
	publish_set
	# Messages arrive in order: once the last one wanted is there, any
	# unwanted later one would follow within milliseconds.
	_last=$(echo "$_want" | awk '{ print $NF }')
	if [ -n "$_last" ]; then
		wait_for 5 out_has "\"n\": *$_last[,}]" ||
		    fail "$_name: $_last did not arrive"
	fi
	sleep 0.3
	SF=$(server_filters)
	kill -INT "$DASH_PID"; dash_wait
	[ "$DASH_RC" = 0 ] || fail "$_name: exit $DASH_RC"
	got=$(jq -r '.n' "$DASH_OUT" | tr '\n' ' ')
	[ "$got" = "$_want" ] || fail "$_name: got '$got', want '$_want'"
	ok "$_name"
}

run_case "type" "1 3 " -m stf_gen
[ "$SF" = '{"msg_types":["stf_gen"]}' ] || fail "type: server filter $SF"
run_case "type list" "1 2 3 6 " --message stf_gen,stf_ready
run_case "type repeated" "1 2 3 4 6 " -m stf_gen -m stf_ready \
    -m processing_complete
# --agent matches a message that carries only sender (the server's
# processed_by filter would lose it), and sender_agent; not 6, which is
# shown under its sender data-c though processed_by names daq-a.
run_case "agent via sender" "1 " -a daq-a -m stf_gen,stf_ready
echo "$SF" | jq -e 'has("agents") | not' >/dev/null ||
    fail "agent: sent to the server by default: $SF"
run_case "agent by processed_by, sender_agent" "2 3 " --agent data-b -m stf_gen,stf_ready
run_case "agent list" "1 2 3 4 " -a daq-a,data-b -a 'proc c' \
    -m stf_gen,stf_ready,processing_complete
# A numeric run id matches --run as text.
run_case "numeric run" "1 2 6 " -r 100042 -m stf_gen,stf_ready
run_case "run list" "3 4 " --run '7, x y' \
    -m stf_gen,processing_complete
run_case "combined" "2 " -m stf_ready -a data-b -r 100042
echo "$SF" | jq -e 'has("run_ids") | not' >/dev/null ||
    fail "run: sent to the server by default: $SF"

# --server-filters=all sends agents and runs too, escaped.
run_case "server-filters=all" "2 " --server-filters=all -a data-b \
    -r 100042 -m stf_ready
[ "$(echo "$SF" | jq -c '[.agents, .run_ids]')" = '[["data-b"],["100042"]]' ] ||
    fail "server-filters=all: $SF"
run_case "escaped values" "4 " --server-filters=all -a 'proc c' \
    -r 'x y' -m processing_complete
[ "$(echo "$SF" | jq -c '[.agents, .run_ids]')" = '[["proc c"],["x y"]]' ] ||
    fail "escaping: $SF"
# With all, the server's processed_by-only agent match loses this one.
run_case "server quirk" "" --server-filters=all -a daq-a -m stf_gen
# ... and lets 6 through (processed_by daq-a), which the client drops:
# it is shown under its sender data-c.
run_case "server-filters=all, checked here" "" --server-filters=all \
    -a daq-a -m stf_ready
[ "$(echo "$SF" | jq -c .agents)" = '["daq-a"]' ] ||
    fail "server-filters=all: agents not sent: $SF"
