#!/bin/sh
# sim-flood.sh: --rate/--count floods, pulled per client or paced.
. "$top_srcdir/tests/lib.sh"

# --rate 0 --count N: each client gets exactly 1..N, in order, fast.
N=20000
sim_start --token t --no-workflow --rate 0 --count $N --heartbeat-interval 0.5
pids=
for c in 1 2; do
	bg_start curl -sN --noproxy '*' --max-time 30 \
	    -H 'Authorization: Token t' "$SIM_URL/api/messages/stream/" \
	    >"$T/f$c"
	pids="$pids $BG_PID"
done
for c in 1 2; do
	wait_for 25 grep -q "\"sequence\": $N," "$T/f$c" ||
	    fail "client $c did not get sequence $N"
done
# shellcheck disable=SC2086
kill $pids
for c in 1 2; do
	[ "$(grep -c '^event: stf_ready$' "$T/f$c")" = $N ] ||
	    fail "client $c: $(grep -c '^event: stf_ready$' "$T/f$c") events"
	sed -n 's/^data: //p' "$T/f$c" | jq -r 'select(.sequence) | .sequence' |
	    awk -v n=$N '$1 != NR { print "at " NR ": " $1; exit 1 }
		END { if (NR != n) { print NR " sequences"; exit 1 } }' ||
	    fail "client $c sequences"
done
# A realistic message: a data agent's stf_ready as relayed, ~570 bytes.
sed -n '5s/^data: //p' "$T/f1" >"$T/one"
len=$(wc -c <"$T/one")
[ "$len" -ge 450 ] && [ "$len" -le 650 ] || fail "message of $len bytes"
jq -e '.msg_type == "stf_ready" and .sequence == 1 and .run_id == "100001"
    and .processed_by == .sender and .sender_agent == .sender and
    .filename == "swf.100001.000001.stf" and (has("execution_id") | not)
    and (.file_url | endswith("/swf.100001.000001.stf"))
    and .queue_name == "epictopic" and (.sender_agent | type) == "string"
    and (.sent_at | test("^[0-9-]+T[0-9:.]+[+]00:00$"))' "$T/one" >/dev/null ||
    fail "message: $(cat "$T/one")"
ok "pull flood: $N each, in order, $len bytes"

# Filters apply: a client filtering another type gets none.
curl -sN --noproxy '*' --max-time 1 -H 'Authorization: Token t' \
    "$SIM_URL/api/messages/stream/?msg_types=stf_gen" >"$T/none"
grep -q '^event: connected$' "$T/none" || fail "filtered client not connected"
grep -q '^event: stf_ready$' "$T/none" && fail "filtered flood leaked"
sim_stop_clean
ok "filtered flood"

# A paced flood goes through the queues at about the rate asked.
sim_start --token t --no-workflow --rate 200 --count 300 --heartbeat-interval 100
sim_stream "$T/p"
sleep 0.5
n=$(grep -c '^event: stf_ready$' "$T/p")
[ "$n" -ge 10 ] && [ "$n" -lt 250 ] || fail "$n messages in 0.5 s at 200/s"
wait_for 5 grep -q '"sequence": 300,' "$T/p" || fail "the count was not reached"
sleep 0.3
[ "$(grep -c '^event: stf_ready$' "$T/p")" -le 300 ] || fail "more than --count"
sed -n 's/^data: //p' "$T/p" | jq -r 'select(.sequence) | .sequence' |
    awk 'NR > 1 && $1 != prev + 1 { print "gap at " $1; exit 1 } { prev = $1 }' ||
    fail "paced flood has gaps"
ok "paced flood: $n in 0.5 s"
sim_stop_clean
