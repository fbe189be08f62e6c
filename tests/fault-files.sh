#!/bin/sh
# fault-files.sh: the fault matrix, files (--record, --replay), headless:
#   F1 --record through a symbolic link: refused in words, exit 1, the
#      link's target untouched;
#   F2 the recording's disk fills (RLIMIT_FSIZE: writes fail with EFBIG
#      past 4 KiB, a line cut in the middle), then has room again: the
#      next event is recorded on a fresh line, without SIGUSR1; the cut
#      line is one malformed line that the replay skips;
#   F3 data holding U+0000 (and one object with "\u0000" in a string) is
#      recorded and replayed byte-identically (--output events);
#   F4 a raw NUL inside a recorded line: that line is malformed, the next
#      one is replayed;
#   F5 a recorded event over --max-event is skipped on replay and said;
#   F6 --replay /dev/zero, and a FIFO without a writer: SIGTERM ends
#      swf-dash within 1 s, memory within 8 MiB; a FIFO whose writer comes
#      later is replayed.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

command -v prlimit >/dev/null || skip "prlimit (util-linux) is needed"

SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
sim_start --token t --no-workflow --heartbeat-interval 0.5

# exit_within SECONDS WHAT: SIGTERM, then swf-dash is gone within SECONDS.
exit_within() {
	_t0=$(date +%s%N)
	kill -TERM "$DASH_PID"
	_n=0
	while kill -0 "$DASH_PID" 2>/dev/null &&
	    [ "$(sed 's/.*) //' "/proc/$DASH_PID/stat" 2>/dev/null |
	    cut -c1)" != Z ]; do
		sleep 0.02
		_n=$((_n + 1))
		[ "$_n" -lt $((500 * FAULT_SLOW)) ] || break
	done
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	wait "$DASH_PID" 2>/dev/null
	DASH_RC=$?
	[ "$_ms" -le $(($1 * 1000 * FAULT_SLOW)) ] ||
	    bad "$2: exit took $_ms ms"
	no_sanitizer "$DASH_ERR" "$2"
	echo "  $2: exit in $_ms ms"
}

# F1: a symbolic link as --record.
echo keep >"$T/target"
ln -s "$T/target" "$T/link"
"$SWF_DASH" --url "$SIM_URL" --output json --record "$T/link" \
    >"$T/f1.out" 2>"$T/f1.err"
rc=$?
[ "$rc" = 1 ] || bad "F1: exit status $rc, want 1"
grep -q 'symbolic link' "$T/f1.err" ||
    bad "F1: no words about the link: $(cat "$T/f1.err")"
[ "$(cat "$T/target")" = keep ] || bad "F1: the link's target was written"
case_ok "F1: --record through a symbolic link refused"

# F2: the disk fills, then has room again (stdout is /dev/null, which
# the file size limit does not apply to).
PAD=$(printf '%0600d' 0)
(
	trap '' XFSZ
	exec prlimit --fsize=4096:unlimited "$SWF_DASH" --url "$SIM_URL" \
	    --output json --record "$T/f2.rec"
) >/dev/null 2>"$T/f2.err" &
DASH_PID=$!; DASH_OUT=$T/f2.out; DASH_ERR=$T/f2.err
_bg_pids="$_bg_pids $DASH_PID"
dash_connected 10
i=1
while [ "$i" -le 10 ]; do
	pub "{\"msg_type\": \"f2\", \"n\": $i, \"pad\": \"$PAD\"}"
	i=$((i + 1))
done
wait_for 10 err_has 'writing the recording .*(trying again' ||
    bad "F2: the failed write was not reported"
sleep 0.5
prlimit --pid "$DASH_PID" --fsize=unlimited ||
    bad "F2: prlimit could not give the room back"
pub '{"msg_type": "f2", "n": 11}'
pub '{"msg_type": "f2", "n": 12}'
wait_for 10 grep -q '"n": *12' "$T/f2.rec" ||
    bad "F2: not recording again after the disk had room"
err_has 'recording .* again' || bad "F2: the recovery was not said"
stop_dash F2
_cut=$(grep -c -v '^{"t":' "$T/f2.rec")
[ "$_cut" = 0 ] || bad "F2: a line does not start a record: $_cut"
_bad=0
while IFS= read -r line; do
	printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 || _bad=$((_bad + 1))
done <"$T/f2.rec"
[ "$_bad" = 1 ] || bad "F2: $_bad malformed lines in the recording, want 1"
grep '"n": *11' "$T/f2.rec" | jq -e . >/dev/null 2>&1 ||
    bad "F2: the first event after the cut is not a whole line"
"$SWF_DASH" --replay "$T/f2.rec" --speed 0 --output json >"$T/f2r.out" \
    2>"$T/f2r.err"
grep -q '"n": *12' "$T/f2r.out" || bad "F2: the replay lost what came after"
grep -q 'malformed line skipped' "$T/f2r.err" ||
    bad "F2: the cut line was not skipped in words"
echo "  F2: $(wc -l <"$T/f2.rec") lines recorded, $_bad malformed (the cut)"
case_ok "F2: a full disk, then room: recording goes on, on a fresh line"

# F3: U+0000 recorded and replayed byte-identically.
printf 'event: nul\ndata: a\000b {"x": 1}\n\nevent: nulobj\ndata: {"msg_type": "nulobj", "m": "c\\u0000d"}\n\nevent: last\ndata: {"msg_type": "last"}\n\n' \
    >"$T/nul"
raw_fault "$T/nul"
dash_start --output events --record "$T/f3.rec"
wait_for 10 out_has '"event":"last"' || bad "F3: no events"
stop_dash F3
grep -e '"event":"nul' "$DASH_OUT" >"$T/f3.live"
"$SWF_DASH" --replay "$T/f3.rec" --speed 0 --output events \
    >"$T/f3r.out" 2>"$T/f3r.err"
grep -e '"event":"nul' "$T/f3r.out" | sed 's/"source":"[a-z]*"//' \
    >"$T/f3.replayed"
sed -i 's/"source":"[a-z]*"//' "$T/f3.live"
[ -s "$T/f3.live" ] || bad "F3: nothing with U+0000 received"
cmp -s "$T/f3.live" "$T/f3.replayed" || {
	cat "$T/f3.live" "$T/f3.replayed" "$T/f3r.err" >&2
	bad "F3: the replay differs from what was received"
}
grep -q 'malformed' "$T/f3r.err" && bad "F3: a U+0000 line was refused"
case_ok "F3: U+0000 recorded and replayed byte-identically"

# F4: a raw NUL inside a line does not swallow the next one.
{
	printf '{"t": "2025-01-15T14:30:25.000000Z", "event": "a", "data": {"msg_type": "one\000x"}}\n'
	printf '{"t": "2025-01-15T14:30:26.000000Z", "event": "b", "data": {"msg_type": "two"}}\n'
} >"$T/f4.rec"
"$SWF_DASH" --replay "$T/f4.rec" --speed 0 --output json >"$T/f4.out" \
    2>"$T/f4.err"
grep -q '"two"' "$T/f4.out" || bad "F4: the line after the NUL was lost"
grep -q 'f4.rec:1: malformed line skipped' "$T/f4.err" ||
    bad "F4: the NUL line not reported: $(cat "$T/f4.err")"
case_ok "F4: a NUL in a replay line"

# F5: an event over --max-event in a recording.
{
	printf '{"t": "2025-01-15T14:30:25.000000Z", "event": "big", "data": {"msg_type": "big", "m": "'
	head -c 300000 /dev/zero | tr '\0' x
	printf '"}}\n'
	printf '{"t": "2025-01-15T14:30:26.000000Z", "event": "b", "data": {"msg_type": "small"}}\n'
} >"$T/f5.rec"
"$SWF_DASH" --replay "$T/f5.rec" --speed 0 --output json --max-event 64K \
    >"$T/f5.out" 2>"$T/f5.err"
grep -q '"big"' "$T/f5.out" && bad "F5: an event over --max-event replayed"
grep -q '"small"' "$T/f5.out" || bad "F5: the next event was lost"
grep -q 'over --max-event skipped' "$T/f5.err" ||
    bad "F5: not said: $(cat "$T/f5.err")"
case_ok "F5: --replay checks --max-event"

# F6: /dev/zero and FIFOs return to the loop.
DASH_OUT=$T/f6a.out; DASH_ERR=$T/f6a.err
"$SWF_DASH" --replay /dev/zero --output json >"$DASH_OUT" 2>"$DASH_ERR" &
DASH_PID=$!
_bg_pids="$_bg_pids $DASH_PID"
sleep 1
mem_base "$DASH_PID"
sleep 1
alive "$DASH_PID" "F6 /dev/zero"
mem_bounded "$DASH_PID" 8192 "F6 /dev/zero" 4
exit_within 1 "F6 /dev/zero"
[ "$DASH_RC" = 0 ] || bad "F6 /dev/zero: exit status $DASH_RC"
mkfifo "$T/fifo"
DASH_OUT=$T/f6b.out; DASH_ERR=$T/f6b.err
"$SWF_DASH" --replay "$T/fifo" --output json >"$DASH_OUT" 2>"$DASH_ERR" &
DASH_PID=$!
_bg_pids="$_bg_pids $DASH_PID"
sleep 1
alive "$DASH_PID" "F6 FIFO without a writer"
exit_within 1 "F6 FIFO without a writer"
DASH_OUT=$T/f6c.out; DASH_ERR=$T/f6c.err
"$SWF_DASH" --replay "$T/fifo" --speed 0 --output json >"$DASH_OUT" \
    2>"$DASH_ERR" &
DASH_PID=$!
_bg_pids="$_bg_pids $DASH_PID"
sleep 0.5
cat "$T/f4.rec" >"$T/fifo"
dash_wait 10
grep -q '"two"' "$DASH_OUT" || bad "F6: a FIFO with a late writer not replayed"
[ "$DASH_RC" = 0 ] || bad "F6 FIFO: exit status $DASH_RC"
case_ok "F6: /dev/zero and FIFOs do not hold the loop"

fault_finish
