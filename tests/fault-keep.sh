#!/bin/sh
# fault-keep.sh: the fault matrix, --keep-bytes counts what is really held.
# The dashboard keeps at most 16 MiB of messages (--keep-bytes 16M) while
# 96 messages of about 900 kB each (some 86 MB) arrive: the status bar's
# "kept N" shows that the byte bound, not the count (--keep 50000), made
# the ring evict (N between 8 and 18), and the high-water mark grows by
# no more than the bound plus 8 MiB of working room (the SSE parser's and
# the stream queue's buffers; twice that under AddressSanitizer, whose
# quarantine holds 16 MB of what the ring evicted).
. "$top_srcdir/tests/lib.sh"
tui_setup
fault_setup

N=96
KEEP_KB=16384
sim_start --token t --no-workflow --client-queue $((N * 2))
tui_start keep 120 30 --keep-bytes 16M --max-event 1M
mem_base "$TUI_PID"

pad=$(head -c 900000 /dev/zero | tr '\0' x)
i=1
while [ "$i" -le "$N" ]; do
	printf '{"msg_type": "stf_gen", "run_id": "900", "sequence": %d, "sender": "big-agent", "filename": "swf.900.%06d.stf", "payload": "%s"}' \
	    "$i" "$i" "$pad" >"$T/big.json"
	publish_file "$T/big.json"
	i=$((i + 1))
done
tmux_wait_screen keep 60 "total $N " || {
	tmux_screen keep >&2
	bad "the status bar never counted $N messages"
}
kept=$(tmux_screen keep | sed -n 's/.* kept \([0-9]*\)\/.*/\1/p' | head -n 1)
case $kept in
"")	bad "no kept count on the status bar" ;;
*)	if [ "$kept" -lt 8 ] || [ "$kept" -gt 18 ]; then
		bad "kept $kept messages of 900 kB under --keep-bytes 16M"
	fi ;;
esac
alive "$TUI_PID" keep
mem_bounded "$TUI_PID" $((KEEP_KB + 8192)) keep 2
case_ok "--keep-bytes 16M held ${kept:-?} messages of 900 kB"

tui_quit keep
tui_wait_dead keep 30
[ "$TUI_RC" = 0 ] || bad "exit status $TUI_RC"
tui_clean keep
fault_finish
