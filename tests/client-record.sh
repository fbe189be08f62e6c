#!/bin/sh
# Recording and replay: --record writes every event as a JSON line (0600,
# flushed per line, reopened on SIGUSR1); --replay feeds it through the
# same pipeline, so the json output is identical; pacing follows --speed;
# a malformed line is skipped and counted, never fatal.
. "$top_srcdir/tests/lib.sh"
client_setup

sim_start --token t --speed 50 --heartbeat-interval 0.5
REC="$T/rec.jsonl"
dash_start --output json --record "$REC"
dash_connected
wait_for 10 sh -c "[ \$(wc -l < '$DASH_OUT') -ge 30 ]" ||
    fail "the workflow sent too little"
wait_for 5 grep -q '"event":"heartbeat"' "$REC" || fail "no heartbeat recorded"
# logrotate: move the file away, SIGUSR1, and a new file starts.
mv "$REC" "$REC.1"
kill -USR1 "$DASH_PID"
wait_for 5 test -s "$REC" || fail "not reopened on SIGUSR1"
kill -TERM "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "recording run: exit $DASH_RC"
[ "$(stat -c %a "$REC.1")" = 600 ] || fail "recording mode"
cat "$REC.1" "$REC" > "$T/all.jsonl"
jq -e -s 'all(.t | test("^[0-9-]+T[0-9:]+\\.[0-9]{6}Z$"))' "$T/all.jsonl" \
    >/dev/null || fail "bad times"
jq -e -s 'map(select(.event == "connected")) | length == 1' \
    "$T/all.jsonl" >/dev/null || fail "connected not recorded once"
jq -e -s 'map(select(.event == "stf_gen"))[0].data | type == "object"' \
    "$T/all.jsonl" >/dev/null || fail "data not parsed JSON"
ok "recorded $(wc -l < "$T/all.jsonl") events; reopened on SIGUSR1"

"$SWF_DASH" --replay "$T/all.jsonl" --speed 0 --output json \
    >"$T/replay.json" 2>"$T/replay.err" || fail "replay: exit $?"
cmp -s "$DASH_OUT" "$T/replay.json" ||
    { diff "$DASH_OUT" "$T/replay.json" | head; fail "replay differs"; }
ok "replay: identical json output ($(wc -l < "$T/replay.json") lines)"

# Malformed lines are skipped and counted.
{ echo 'not json'; cat "$T/all.jsonl"; echo '{"t": "bad", "event": "x"}'; } \
    > "$T/bad.jsonl"
"$SWF_DASH" --replay "$T/bad.jsonl" --speed 0 --output json \
    >"$T/bad.json" 2>"$T/bad.err" || fail "replay with bad lines: exit $?"
cmp -s "$DASH_OUT" "$T/bad.json" || fail "replay with bad lines differs"
grep -q 'malformed line skipped' "$T/bad.err" &&
    grep -q '2 malformed lines skipped' "$T/bad.err" ||
    fail "bad lines not reported: $(cat "$T/bad.err")"
ok "malformed lines skipped and counted"

# A line longer than a recorded --max-event can be is skipped unread.
{ printf '{"t": "2026-11-27T00:00:00.000000Z", "event": "x", "data": "'
  head -c 30000 /dev/zero | tr '\0' a; printf '"}\n'
  cat "$T/all.jsonl"; } > "$T/long.jsonl"
"$SWF_DASH" --replay "$T/long.jsonl" --speed 0 --output json \
    --max-event 1K >"$T/long.json" 2>"$T/long.err" ||
    fail "replay with a long line: exit $?"
grep -q 'line over 10240 bytes skipped' "$T/long.err" ||
    fail "long line not reported: $(cat "$T/long.err")"
cmp -s "$DASH_OUT" "$T/long.json" || fail "replay after a long line differs"
ok "over-long recorded lines skipped"

# Pace: three events a second apart take about 2 s at --speed 1 and
# about 0.5 s at --speed 4. Data that is not JSON replays as a string.
cat > "$T/paced.jsonl" <<'EOT'
{"t": "2025-01-15T14:30:25.000000Z", "event": "sse_test", "data": {"n": 1}}
{"t": "2025-01-15T14:30:26.000000Z", "event": "sse_test", "data": "plain text"}
{"t": "2025-01-15T14:30:27.000000Z", "event": "sse_test", "data": {"n": 3}}
EOT
elapsed() {
	_s=$(date +%s.%N)
	"$@" >"$T/paced.out" 2>&1 || fail "paced: exit $?"
	awk -v s="$_s" -v e="$(date +%s.%N)" 'BEGIN { print e - s }'
}
e1=$(elapsed "$SWF_DASH" --replay "$T/paced.jsonl" --output events)
e4=$(elapsed "$SWF_DASH" --replay "$T/paced.jsonl" --output events --speed 4)
# Under valgrind (make check-valgrind) starting takes a second or more.
hi=1.5; [ -n "${SWF_VALGRIND:-}" ] && hi=4
awk "BEGIN { exit !($e1 >= 1.9 && $e4 >= 0.45 && $e4 < $hi) }" ||
    fail "pace: speed 1 took $e1 s, speed 4 took $e4 s"
grep -q '"data":"plain text"' "$T/paced.out" || fail "string data"
ok "pace: speed 1 $e1 s, speed 4 $e4 s"

# The subscription's filters apply to a replay as to the stream (#14):
# -r RUN prints only that run, -m TYPE only that type, -a AGENT only
# that agent, in plain and json output alike.
cat > "$T/mixed.jsonl" <<'EOT'
{"t": "2025-01-15T14:30:25.000000Z", "event": "run_imminent", "data": {"msg_type": "run_imminent", "run_id": "101", "sender": "daq-a"}}
{"t": "2025-01-15T14:30:25.100000Z", "event": "data_ready", "data": {"msg_type": "data_ready", "run_id": "101", "filename": "f101", "sender": "data-b"}}
{"t": "2025-01-15T14:30:25.200000Z", "event": "data_ready", "data": {"msg_type": "data_ready", "run_id": "102", "filename": "f102", "sender": "data-b"}}
{"t": "2025-01-15T14:30:25.300000Z", "event": "stf_gen", "data": {"msg_type": "stf_gen", "run_id": "102", "filename": "s102", "sender": "daq-a"}}
EOT
# replayed OUT ARGS...: replay mixed.jsonl with ARGS, output into $T/OUT.
replayed() {
	_o=$1; shift
	"$SWF_DASH" --replay "$T/mixed.jsonl" --speed 0 "$@" >"$T/$_o" \
	    2>"$T/$_o.err" || fail "replay $*: exit $?"
}
replayed r.plain --output plain -r 101
[ "$(wc -l <"$T/r.plain")" = 2 ] && ! grep -q 102 "$T/r.plain" ||
    { cat "$T/r.plain"; fail "-r 101 (plain) replayed other runs"; }
replayed r.json --output json -r 102
[ "$(jq -r .run_id "$T/r.json" | sort -u)" = 102 ] &&
    [ "$(wc -l <"$T/r.json")" = 2 ] ||
    { cat "$T/r.json"; fail "-r 102 (json) replayed other runs"; }
replayed m.plain --output plain -m data_ready
[ "$(wc -l <"$T/m.plain")" = 2 ] && ! grep -q 'run_imminent\|stf_gen' "$T/m.plain" ||
    { cat "$T/m.plain"; fail "-m data_ready (plain) replayed other types"; }
replayed m.json --output json -m stf_gen
[ "$(jq -r .msg_type "$T/m.json")" = stf_gen ] ||
    { cat "$T/m.json"; fail "-m stf_gen (json) replayed other types"; }
replayed a.json --output json -a daq-a
[ "$(jq -r .filename "$T/a.json" | tr '\n' ' ')" = "null s102 " ] ||
    { cat "$T/a.json"; fail "-a daq-a (json) replayed other agents"; }
replayed all.plain --output plain
[ "$(wc -l <"$T/all.plain")" = 4 ] ||
    { cat "$T/all.plain"; fail "replay without filters lost messages"; }
ok "replay applies -r, -m and -a"

