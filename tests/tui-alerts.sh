#!/bin/sh
# tui-alerts.sh: the dashboard's alerts against swf-sim: a run silenced by
# stall_run shows in the problem count, the Alerts view (5), a red row in
# the Runs view, and rings the bell (--bell; b turns it off); Enter opens
# the run and its timeline; NO_COLOR drops the colours, not the count.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --speed 10 --heartbeat-interval 1 --namespaces swf-alpha
# A UTF-8 locale for the first dashboard, whatever the test's.
tmux_start boot 20 5 "sleep 600"
"$TMUX_PROG" -S "$TMUX_SOCK" set-environment -g LC_ALL C.UTF-8
tui_start a 100 30 --stall-after 2 --bell
tui_record a

# A run stalls: the count, the notice, the bell. The fault takes the run
# under way: wait for one to start while we watch, so that it is running.
sim_stream "$T/watch"
wait_for 20 grep -q '^event: start_run' "$T/watch" || fail "no run started"
[ "$(sim_fault '{"fault": "stall_run"}')" = 200 ] || fail "stall_run fault"
tui_expect a '⚠ [1-9]' 15
tui_expect a 'run_stalled: run ' 5
run=$(sed -n 's/.*stall_run: run \([0-9]*\) .*/\1/p' "$SIM_ERR" | head -n 1)
[ -n "$run" ] || { cat "$SIM_ERR"; fail "the sim did not say which run"; }
wait_for 5 grep -q -a "$(printf '\007')" "$T/a.raw" ||
    fail "no bell (BEL) written on a new alert"
ok "run $run: problem count, notice and bell"

# The Alerts view lists it, raised.
tmux_keys a 5
tui_expect a "RAISED *run_stalled *$run "
tui_expect a '5 Alerts'
ok "Alerts view"

# Its row in the Runs view is red (SGR 31) while the alert is raised.
pub '{"msg_type": "stf_gen", "run_id": "sel-1", "sender": "tester"}'
tmux_keys a 2
tui_expect a "^$run "
tui_expect a '^sel-1 '
# Put the selection on another run, so that its own colour shows.
tmux_keys a / sel-1 Enter
"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -e -p -t a | grep "$run " |
    grep -q '\[[0-9;]*31[;m]' || {
	"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -e -p -t a | grep "$run " |
	    cat -v >&2
	fail "the stalled run's row is not red"
}
ok "red run row"

# Enter on the alert opens the run, with its timeline.
tmux_keys a 5
tui_expect a "RAISED *run_stalled *$run "
tmux_keys a g Enter
tui_expect a "run $run "
tui_expect a '^states  '
tui_expect a '^STF'
tui_expect a '^processed'
tui_expect a '|[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
ok "Enter opens the run and its timeline"

# b turns the bell off: the next alert is silent.
tmux_keys a q b
tui_expect a 'bell on a new alert: off'
bells=$(tr -cd '\007' <"$T/a.raw" | wc -c)
pub '{"msg_type": "start_run", "run_id": "quiet-1", "sender": "tester", "state": "run", "substate": "physics"}'
tmux_keys a 5
tui_expect a 'RAISED *run_stalled *quiet-1 ' 10
sleep 0.5
[ "$(tr -cd '\007' <"$T/a.raw" | wc -c)" = "$bells" ] ||
    fail "the bell rang after b turned it off"
ok "b silences the bell"

# The message that comes clears it; the count follows.
pub '{"msg_type": "end_run", "run_id": "quiet-1", "sender": "tester"}'
tui_expect a 'cleared *run_stalled *quiet-1 ' 5
ok "cleared on the run's next message"

# NO_COLOR, and a locale that is not UTF-8: no colour at all, the problem
# count and the sparklines in ASCII.
"$TMUX_PROG" -S "$TMUX_SOCK" set-environment -g NO_COLOR 1
"$TMUX_PROG" -S "$TMUX_SOCK" set-environment -g LC_ALL C
tui_start b 100 30 --stall-after 2
pub '{"msg_type": "start_run", "run_id": "nc-1", "sender": "tester", "state": "run", "substate": "physics"}'
pub '{"msg_type": "stf_gen", "run_id": "nc-1", "sender": "tester"}'
tui_expect b ' ! [1-9] ' 15
tui_absent b '⚠'
tmux_keys b 2
tui_expect b '^nc-1 .* # '
tui_absent b '[▁▂▃▄▅▆▇█]'
if "$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -e -p -t b |
    grep -q '\[[0-9;]*3[0-7][;m]'; then
	"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -e -p -t b | cat -v >&2
	fail "colour despite NO_COLOR"
fi
ok "NO_COLOR and ASCII: no colour, the count and sparklines still there"

tmux_keys a q q		# q asks while live, q again quits
tui_quit b
tui_wait_dead a
tui_wait_dead b
tui_clean a
tui_clean b
