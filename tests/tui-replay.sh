#!/bin/sh
# tui-replay.sh: a replay's status bar says "replay" once, with the
# recording's file name where a live view shows the host, the recorded
# time of the newest event instead of a wall-clock lag, how many events
# and how far into the file, and the speed; no registration words.
. "$top_srcdir/tests/lib.sh"
tui_setup

rec="$T/night.jsonl"
{
	printf '%s\n' '{"t":"2026-01-02T03:04:05.000000Z","event":"stf_gen","data":{"msg_type":"stf_gen","run_id":"11","n":1}}'
	printf '%s\n' '{"t":"2026-01-02T03:04:06.000000Z","event":"stf_gen","data":{"msg_type":"stf_gen","run_id":"11","n":2}}'
	printf '%s\n' '{"t":"2026-01-02T03:20:46.000000Z","event":"end_run","data":{"msg_type":"end_run","run_id":"11","n":3}}'
} >"$rec"
# Two lines delivered at once, the third due 1000 s later at --speed 1.
two=$(head -n 2 "$rec" | wc -c)
all=$(wc -c <"$rec")
pct=$((two * 100 / all))
t2=$(date -d @1767323046 +%H:%M:%S)
t3=$(date -d @1767324046 +%H:%M:%S)

# No monitor: a replay contacts none (the URL is a closed loopback port).
SIM_URL=http://127.0.0.1:1
TUI_NOWAIT=1 tui_start rp 120 20 --replay "$rec" --speed 1
tui_expect rp "night.jsonl  replay $t2 2 events $pct% 1x"
line1=$(tmux_screen rp | sed -n 1p)
[ "$(echo "$line1" | grep -o -w replay | wc -l)" = 1 ] ||
    fail "\"replay\" said more than once: $line1"
echo "$line1" | grep -q registered && fail "registration words in a replay: $line1"
tmux_screen rp | sed -n 2p | grep -q 'lag' &&
    fail "a wall-clock lag in a replay: $(tmux_screen rp | sed -n 2p)"
tmux_keys rp p
tui_expect rp "replay paused $t2 2 events $pct% 1x"
ok "replay time, position and speed; said once"
tui_quit rp
tui_wait_dead rp
tui_clean rp

TUI_NOWAIT=1 tui_start rpmax 120 20 --replay "$rec" --speed 0
tui_expect rpmax "night.jsonl  replay finished $t3 3 events 100% max"
ok "a finished replay at full speed"
tui_quit rpmax
tui_wait_dead rpmax
tui_clean rpmax
