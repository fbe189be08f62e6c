#!/bin/sh
# sim-stream.sh: the event stream's framing, headers and status.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow

# Headers: 200, text/event-stream, no-cache, chunked.
curl -s --noproxy '*' --max-time 1 -D "$T/h" -o /dev/null \
    -H 'Authorization: Token t' "$SIM_URL/api/messages/stream/"
tr -d '\r' <"$T/h" >"$T/hdr"
grep -q '^HTTP/1.1 200' "$T/hdr" || fail "status line: $(head -n 1 "$T/hdr")"
grep -q -i '^content-type: text/event-stream$' "$T/hdr" || fail "content type"
grep -q -i '^cache-control: no-cache$' "$T/hdr" || fail "cache-control"
grep -q -i '^transfer-encoding: chunked$' "$T/hdr" || fail "not chunked"
ok "headers"

# connected first, with a fresh UUID4 per connection.
sim_stream "$T/a"
sim_stream "$T/b"
uuid='[0-9a-f]\{8\}-[0-9a-f]\{4\}-4[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}'
for f in a b; do
	[ "$(sed -n 1p "$T/$f")" = "event: connected" ] || fail "$f: first line"
	sed -n 2p "$T/$f" | grep -q "^data: {\"client_id\": \"$uuid\", \"status\": \"connected\"}$" ||
	    fail "$f: connected data: $(sed -n 2p "$T/$f")"
	[ -z "$(sed -n 3p "$T/$f")" ] || fail "$f: no blank line after connected"
done
ida=$(sed -n "2s/^data: //p" "$T/a" | jq -r .client_id)
idb=$(sed -n "2s/^data: //p" "$T/b" | jq -r .client_id)
[ "$ida" != "$idb" ] || fail "client ids repeat"
ok "connected event"

# The subscriber list holds the three clients and their filters; the
# status endpoint, as on the monitor, counts nothing.
sim_stream "$T/c" '?msg_types=x,%20y&agents=a'
idc=$(sed -n "2s/^data: //p" "$T/c" | jq -r .client_id)
curl -s --noproxy '*' --max-time 5 -H 'Authorization: Token t' \
    "$SIM_URL/api/messages/stream/status/" >"$T/st"
[ "$(cat "$T/st")" = '{"connected_clients": 0, "client_ids": [], "client_filters": {}}' ] ||
    fail "status counts: $(cat "$T/st")"
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/subscribers/" >"$T/st"
sub() { echo "sse_$(echo "$1" | cut -c1-8)"; }
[ "$(jq -c '[.[] | select(.is_active) | .subscriber_name]' "$T/st")" = \
    "[\"$(sub "$ida")\",\"$(sub "$idb")\",\"$(sub "$idc")\"]" ] ||
    fail "subscribers: $(cat "$T/st")"
[ "$(jq -c ".[] | select(.subscriber_name == \"$(sub "$ida")\") |
    .message_filters" "$T/st")" = '{}' ] ||
    fail "subscriber filter a: $(cat "$T/st")"
[ "$(jq -c ".[] | select(.subscriber_name == \"$(sub "$idc")\") |
    .message_filters" "$T/st")" = '{"msg_types":["x","y"],"agents":["a"]}' ] ||
    fail "subscriber filter c: $(cat "$T/st")"
ok "status"

# Event names are the msg_type (a message without one is not relayed at
# all); data is one line.
publish '{"msg_type":"stf_gen","run_id":1,"note":"two\nlines"}' >/dev/null
publish '{"run_id":2}' >/dev/null
publish '{"msg_type":"sse_test","run_id":3}' >/dev/null
wait_for 5 grep -q '"run_id": 3' "$T/a" || fail "messages did not arrive"
[ "$(sim_events "$T/a" | tr '\n' ' ')" = "connected stf_gen sse_test " ] ||
    fail "event names: $(sim_events "$T/a" | tr '\n' ' ')"
awk 'NR > 3 && /^event: / { getline d; getline b;
	if (d !~ /^data: \{.*\}$/ || b != "") { print "bad frame at " NR; exit 1 } }' \
    "$T/a" || fail "framing: $(cat "$T/a")"
sed -n 's/^data: //p' "$T/a" | jq -e . >/dev/null || fail "data is not JSON"
grep -q '"note": "two\\nlines"' "$T/a" || fail "newline not escaped"
ok "events"

# A client that goes away is no longer active among the subscribers.
kill "$STREAM_PID"
wait_for 5 sh -c "curl -s --noproxy '*' --max-time 5 \
    '$SIM_URL/api/subscribers/' | jq -e '[.[] | select(.is_active)] | length == 2'" ||
    fail "a gone client stays active"
wait_for 5 grep -q "client $idc disconnected" "$SIM_ERR" ||
    fail "no disconnect log"
grep -q "client $ida connected from 127.0.0.1" "$SIM_ERR" || fail "no connect log"
ok "disconnect"
sim_stop_clean

# --max-clients: one more stream client is refused with 503.
sim_start --token t --no-workflow --max-clients 1
sim_stream "$T/m1"
r=$(curl -s --noproxy '*' --max-time 5 -o "$T/m2" -w '%{http_code}' \
    -H 'Authorization: Token t' "$SIM_URL/api/messages/stream/")
[ "$r" = 503 ] || fail "client over --max-clients: $r"
jq -e '.detail | type == "string"' "$T/m2" >/dev/null || fail "503 body"
kill "$STREAM_PID"
wait_for 5 sh -c "curl -s --noproxy '*' --max-time 1 -o /dev/null \
    -w '%{http_code}' -H 'Authorization: Token t' \
    '$SIM_URL/api/messages/stream/' | grep -q 200" ||
    fail "the slot was not freed"
sim_stop_clean
ok "--max-clients"
