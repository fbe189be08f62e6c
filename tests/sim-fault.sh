#!/bin/sh
# sim-fault.sh: every fault POST /sim/fault and --fault can inject.
. "$top_srcdir/tests/lib.sh"

sim_start --token t --no-workflow --heartbeat-interval 0.3 \
    --fault '{"fault":"status","code":503,"count":1}'

# get [CURL-ARGS...]: the stream for up to 0.7 s ($MAX); prints "CODE RC", saves
# the body in $T/b and the headers in $T/h.
get() {
	: >"$T/b"
	curl -s --noproxy '*' --max-time "${MAX:-0.7}" -D "$T/h" -o "$T/b" \
	    -w '%{http_code} %{content_type} %{redirect_url}' \
	    -H 'Authorization: Token t' "$@" "$SIM_URL/api/messages/stream/" \
	    >"$T/w"
	_rc=$?
	echo "$(cat "$T/w") rc=$_rc" | sed 's/  */ /g'
}
body() { cat "$T/b"; }

# --fault at start-up: the first stream gets a 503.
r=$(get)
[ "$r" = "503 application/json rc=0" ] || fail "--fault 503: $r"
[ "$(body)" = '{"detail": "No channel layer configured."}' ] ||
    fail "503 body: $(body)"
r=$(get)
case $r in "200 text/event-stream "*) ;; *) fail "after count 1: $r" ;; esac
ok "--fault and count"

[ "$(sim_fault '{"fault":"bogus"}')" = 400 ] || fail "bad fault accepted"
[ "$(sim_fault '{"fault":"status"}')" = 400 ] || fail "status without code"
[ "$(sim_fault '{"fault":"stall","endpoint":"status"}')" = 400 ] ||
    fail "stall on the status endpoint"
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' \
    --data-binary '{"fault":"stall"}' "$SIM_URL/sim/fault")
[ "$code" = 401 ] || fail "fault without token: $code"
ok "fault validation"

# close_after: N events (connected counts), then a clean end of stream.
[ "$(sim_fault '{"fault":"close_after","events":3}')" = 200 ] || fail post
MAX=5 get >"$T/r"
grep -q '^200 .* rc=0$' "$T/r" || fail "close_after: $(cat "$T/r")"
[ "$(sim_events "$T/b" | tr '\n' ' ')" = "connected heartbeat heartbeat " ] ||
    fail "close_after 3: $(body)"
tail -c 2 "$T/b" | od -c | grep -q '\\n  *\\n' || fail "last event cut"
# ... and again for the next connection: a fault without count stays.
r=$(MAX=5 get)
[ "$r" = "200 text/event-stream rc=0" ] || fail "close_after again: $r"
[ "$(sim_events "$T/b" | wc -l)" = 3 ] || fail "second close_after: $(body)"
# mode reset: no chunked terminator, curl sees an error.
sim_fault '{"fault":"close_after","events":1,"mode":"reset"}' >/dev/null
r=$(MAX=5 get)
case $r in *rc=0) fail "reset looked clean: $r" ;; esac
[ "$(sim_events "$T/b")" = connected ] || fail "reset body: $(body)"
ok "close_after"

# stall: 200 and headers, then nothing at all, not even heartbeats.
sim_fault '{"fault":"stall"}' >/dev/null
r=$(get)
[ "$r" = "200 text/event-stream rc=28" ] || fail "stall: $r"
[ ! -s "$T/b" ] || fail "stall sent: $(body)"
sim_fault '{"fault":"stall","events":1}' >/dev/null
get >/dev/null
[ "$(sim_events "$T/b")" = connected ] || fail "stall after 1: $(body)"
ok "stall"

# status: given codes with the server's bodies, or a given body.
sim_fault '{"fault":"status","code":204}' >/dev/null
r=$(get)
[ "$r" = "204 rc=0" ] || [ "$r" = "204 application/json rc=0" ] ||
    fail "204: $r"
sim_fault '{"fault":"status","code":500}' >/dev/null
r=$(get)
[ "$r" = "500 text/html; charset=utf-8 rc=0" ] || fail "500: $r"
grep -q 'Server Error (500)' "$T/b" || fail "500 body"
sim_fault '{"fault":"status","code":401,"body":"{\"detail\": \"x\"}"}' >/dev/null
r=$(get)
[ "$r" = "401 application/json rc=0" ] || fail "401: $r"
[ "$(body)" = '{"detail": "x"}' ] || fail "given body: $(body)"
ok "status"

# redirect: 302 and Location, not followed.
sim_fault '{"fault":"redirect","location":"/login/?next=/api/"}' >/dev/null
r=$(get)
[ "$r" = "302 text/html; charset=utf-8 $SIM_URL/login/?next=/api/ rc=0" ] ||
    fail "redirect: $r"
sim_fault '{"fault":"redirect","code":301,"location":"https://elsewhere.invalid/x"}' >/dev/null
r=$(get)
[ "$r" = "301 text/html; charset=utf-8 https://elsewhere.invalid/x rc=0" ] ||
    fail "301: $r"
ok "redirect"

# content_type: a 200 that is not an event stream.
sim_fault '{"fault":"content_type"}' >/dev/null
r=$(get)
[ "$r" = "200 text/html; charset=utf-8 rc=0" ] || fail "content_type: $r"
grep -q '<form' "$T/b" || fail "login page: $(body)"
sim_fault '{"fault":"content_type","content_type":"application/json","body":"[]"}' >/dev/null
r=$(get)
[ "$r" = "200 application/json rc=0" ] || fail "json content_type: $r"
ok "content_type"

# raw: exactly the bytes, then close or stay open.
raw=$(printf 'data: {"broken\n\nevent: x\r\ndata: y\r\n\r\n' | base64 | tr -d '\n')
sim_fault "{\"fault\":\"raw\",\"bytes_b64\":\"$raw\",\"close\":true}" >/dev/null
r=$(get)
[ "$r" = "200 text/event-stream rc=0" ] || fail "raw close: $r"
[ "$(base64 <"$T/b" | tr -d '\n')" = "$raw" ] || fail "raw bytes: $(od -c "$T/b")"
sim_fault "{\"fault\":\"raw\",\"bytes_b64\":\"$raw\"}" >/dev/null
r=$(get)
[ "$r" = "200 text/event-stream rc=28" ] || fail "raw open: $r"
[ "$(base64 <"$T/b" | tr -d '\n')" = "$raw" ] || fail "raw open bytes"
ok "raw"

# drip: one byte per interval.
sim_fault '{"fault":"drip","interval_ms":50}' >/dev/null
MAX=1 get >/dev/null
n=$(wc -c <"$T/b")
[ "$n" -ge 4 ] && [ "$n" -le 20 ] || fail "drip sent $n bytes in 1 s"
[ "$(head -c "$n" "$T/b")" = "$(printf 'event: connected\ndata: {"client_id' | head -c "$n")" ] ||
    fail "drip bytes: $(body)"
ok "drip ($n bytes)"

# A queue of faults, other endpoints, delays; "none" clears.
sim_fault '[{"fault":"status","code":503,"count":1},
    {"fault":"redirect","count":1}]' >/dev/null
sim_fault '{"fault":"status","code":500,"endpoint":"heartbeat","count":1,
    "append":true}' >/dev/null
sim_fault '{"fault":"status","code":502,"endpoint":"status","delay_ms":400,"append":true,
    "count":1}' >/dev/null
[ "$(curl -s --noproxy '*' --max-time 5 -H 'Authorization: Token t' \
    "$SIM_URL/sim/fault" | jq '.faults | length')" = 4 ] || fail "fault list"
[ "$(get | cut -d' ' -f1)" = 503 ] || fail "queued 1"
[ "$(get | cut -d' ' -f1)" = 302 ] || fail "queued 2"
[ "$(get | cut -d' ' -f1)" = 200 ] || fail "queue done"
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Token t' --data-binary '{"instance_name":"x"}' \
    "$SIM_URL/api/systemagents/heartbeat/")
[ "$code" = 500 ] || fail "heartbeat fault: $code"
r=$(curl -s --noproxy '*' --max-time 5 -o /dev/null \
    -w '%{http_code} %{time_total}' -H 'Authorization: Token t' \
    "$SIM_URL/api/messages/stream/status/")
[ "${r%% *}" = 502 ] || fail "status fault: $r"
awk -v t="${r##* }" 'BEGIN { exit !(t >= 0.39) }' || fail "no delay: $r"
sim_fault '{"fault":"stall"}' >/dev/null
sim_fault '{"fault":"none"}' >/dev/null
r=$(get)
case $r in "200 text/event-stream "*) ;; *) fail "after none: $r" ;; esac
grep -q '^event: connected' "$T/b" || fail "after none: $(body)"
ok "queue, endpoints, delay, none"
sim_stop_clean
