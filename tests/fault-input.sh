#!/bin/sh
# fault-input.sh: the fault matrix, bad input, headless. Each case ends
# with swf-dash still running, its memory under the bound, a clear message
# on stderr, and a message published afterwards delivered:
#   I1 a 10 MiB event (over --max-event, 1 MiB by default): dropped,
#      counted and reported; the stream goes on;
#   I2 an endless line: 7 MiB without a newline, then silence: dropped,
#      and the idle watchdog reconnects;
#   I3 NUL bytes, invalid UTF-8, raw escape sequences and C0/C1 controls,
#      data that is not JSON and JSON of the wrong shape (array, number,
#      string, null, nesting 10 000 deep, a 1 MB string, duplicate keys,
#      no fields, fields of the wrong type), in each output mode: plain
#      prints one line per message with no control byte (no ESC, no C1, no
#      NUL) and valid UTF-8; json prints only JSON objects and says what
#      it skipped; events prints one valid JSON line per event.
# Memory bound: the high-water mark stays within 6 MiB of the resident
# size after connecting, less than either oversized input.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
MEM_KB=6144
sim_start --token t --no-workflow --heartbeat-interval 0.5

# The report of an event over --max-event, in whatever words.
OVERSIZE='max-event\|too large\|too big\|oversize\|larger than'

# delivered N WHAT: publish a message with the text "after-N" and wait for
# it on stdout (whatever the output mode).
delivered() {
	pub "{\"msg_type\": \"sse_test\", \"message\": \"after-$1\"}"
	wait_for 10 out_has "after-$1" ||
	    { bad "$2: message $1 after the fault lost"; return 1; }
}

# I1: a 10 MiB event between two small ones.
big_event_json "$T/big.json" 10
dash_start --output json
dash_connected
mem_base "$DASH_PID"
delivered 1 I1
publish_file "$T/big.json"
delivered 2 I1
out_has '"big"' && bad "I1: the 10 MiB event was delivered"
alive "$DASH_PID" I1
mem_bounded "$DASH_PID" "$MEM_KB" I1
wait_for 3 err_has "$OVERSIZE" ||
    bad "I1: nothing on stderr says an event over --max-event was dropped"
stop_dash I1
case_ok "I1: 10 MiB event dropped, stream goes on"

# I2: "data: " and 7 MiB without a newline, then the stream stays open
# and silent until the watchdog drops it.
{
	printf '{"fault": "raw", "close": false, "count": 1, "body": "data: '
	awk 'BEGIN { s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	    for (i = 0; i < 7 * 16384; i++) printf "%s", s }'
	printf '"}'
} >"$T/endless.json"
# The first connection lasts a second (connected, two heartbeats), for
# the baseline; the second gets the endless line.
fault '{"fault": "close_after", "events": 3, "count": 1}'
code=$(sim_post 'fault?append=1' "@$T/endless.json" "$T/fault.out")
[ "$code" = 200 ] || fail "endless fault: HTTP $code $(cat "$T/fault.out")"
dash_start --output json --idle-timeout 2
dash_connected
mem_base "$DASH_PID"
wait_for 15 err_has 'reconnecting in [0-9.]*s (stalled: no data for' ||
    bad "I2: the watchdog did not drop the endless line"
wait_for 15 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    bad "I2: no reconnect after the endless line"
delivered 3 I2
alive "$DASH_PID" I2
mem_bounded "$DASH_PID" "$MEM_KB" I2
wait_for 3 err_has "$OVERSIZE" ||
    bad "I2: nothing on stderr says the endless line was dropped"
stop_dash I2
case_ok "I2: endless line dropped, watchdog reconnected"

# I3: hostile events, in each output mode.
hostile_events "$T/hostile"
ESC=$(printf '\033')
for mode in plain json events; do
	raw_fault "$T/hostile"
	dash_start --output "$mode"
	dash_connected 15
	delivered 4 "I3 $mode"
	alive "$DASH_PID" "I3 $mode"
	stop_dash "I3 $mode"
	case $mode in
	plain)
		n=$(grep -c . "$DASH_OUT")
		[ "$n" = $((HOSTILE_N + 1)) ] ||
		    bad "I3 plain: $n lines for $((HOSTILE_N + 1)) messages"
		LC_ALL=C grep -q "$ESC" "$DASH_OUT" &&
		    bad "I3 plain: an ESC byte on stdout"
		LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$DASH_OUT" &&
		    bad "I3 plain: a C1 control on stdout"
		LC_ALL=C tr -d '\n' <"$DASH_OUT" |
		    LC_ALL=C grep -q '[[:cntrl:]]' &&
		    bad "I3 plain: a control byte on stdout"
		[ "$(tr -d '\000' <"$DASH_OUT" | wc -c)" = \
		    "$(wc -c <"$DASH_OUT")" ] || bad "I3 plain: a NUL on stdout"
		iconv -f UTF-8 -t UTF-8 "$DASH_OUT" >/dev/null 2>&1 ||
		    bad "I3 plain: invalid UTF-8 on stdout"
		grep -q 'PWN' "$DASH_OUT" &&
		    bad "I3 plain: an escape sequence's payload printed"
		grep -q 'sentinel .*last$' "$DASH_OUT" ||
		    bad "I3 plain: the last hostile message is missing"
		grep -q 'dup2' "$DASH_OUT" ||
		    bad "I3 plain: duplicate keys: the last did not win"
		;;
	json)
		# jq parses no deeper than 256: leave that one to grep.
		grep -c '^{"msg_type": "deep2000", "d": {"a":{"a":' \
		    "$DASH_OUT" | grep -q '^1$' ||
		    bad "I3 json: the object 2000 deep is missing"
		grep -v '"deep2000"' "$DASH_OUT" >"$T/shallow"
		jq -e -s 'all(type == "object")' "$T/shallow" >/dev/null ||
		    bad "I3 json: stdout is not JSON objects only"
		jq -e -s 'map(select(.msg_type == "sentinel")) | length == 1' \
		    "$T/shallow" >/dev/null || bad "I3 json: no sentinel"
		jq -e -s 'map(select(.msg_type == "huge")) |
		    .[0].message | length == 1000000' "$T/shallow" >/dev/null ||
		    bad "I3 json: the 1 MB string did not come through whole"
		jq -e -s 'map(select(.msg_type == "dup2" and .run_id == "r2")) |
		    length == 1' "$T/shallow" >/dev/null ||
		    bad "I3 json: duplicate keys: the last did not win"
		err_has 'not a JSON object' ||
		    bad "I3 json: skipped messages not reported"
		;;
	events)
		jq -e -s 'all(type == "object" and (.event | type) == "string"
		    and (.data | type) == "string")' "$DASH_OUT" >/dev/null ||
		    bad "I3 events: a line is not an event object"
		n=$(jq -s 'map(select(.event != "heartbeat" and
		    .event != "connected")) | length' "$DASH_OUT")
		[ "$n" = $((HOSTILE_N + 1)) ] ||
		    bad "I3 events: $n events for $((HOSTILE_N + 1))"
		LC_ALL=C grep -q "$ESC" "$DASH_OUT" &&
		    bad "I3 events: an ESC byte on stdout"
		;;
	esac
	case_ok "I3 $mode: hostile events"
done

fault_finish
