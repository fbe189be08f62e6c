#!/bin/sh
# tui-quit.sh: q (and SIGINT, SIGTERM) restore the terminal: the alternate
# screen is left and the cursor shown; the exit status is 0. A crash
# (SIGSEGV, SIGABRT) restores it too before the process dies of it.
# (tui-hup.sh and tui-auth.sh check the other exit paths.)
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow

# restored NAME: the terminal as the dashboard found it.
restored() {
	[ "$(tui_pane "$1" '#{alternate_on}')" = 0 ] || fail "$1: alternate screen"
	tui_restored "$1"
	[ "$TUI_RC" = 0 ] || fail "$1: exit status $TUI_RC"
	tui_clean "$1"
}

tui_start q 80 24
tui_record q
[ "$(tui_pane q '#{alternate_on}')" = 1 ] || fail "no alternate screen"
tmux_keys q ? 			# a sub-view: q leaves it, q again asks
tui_expect q '> Help'
tmux_keys q q
tui_expect q '1 Messages'
tui_absent q '> Help'
tmux_keys q Escape		# Esc on a top view: nothing, no question
sleep 0.3
tui_absent q 'quit swf-dash?'
# The stream is live: q asks; any other key stays (and is not acted on).
tmux_keys q q
tui_expect q 'quit swf-dash? the stream is live: q or y quits'
tmux_keys q 2
tui_expect q 'not quitting'
tui_absent q 'quit swf-dash?'
tui_absent q 'runs, by'		# the 2 was eaten by the question
[ "$(tui_pane q '#{pane_dead}')" = 0 ] || fail "quit on another key"
ok "q asks while live; another key stays"
tmux_keys q q
tui_expect q 'quit swf-dash?'
tmux_keys q y
tui_wait_dead q
restored q
ok "q then y quits"

tui_start qq 80 24
tui_record qq
tmux_keys qq q q
tui_wait_dead qq
restored qq
ok "q q quits"

for sig in INT TERM; do
	tui_start "s$sig" 80 24
	tui_record "s$sig"
	kill -"$sig" "$TUI_PID"
	tui_wait_dead "s$sig"
	restored "s$sig"
	ok "SIG$sig"
done

tui_start cc 80 24
tui_record cc
tmux_keys cc C-c
tui_wait_dead cc
restored cc
ok "Ctrl-C"

# A crash: the terminal is given back, then the process dies of the
# signal (under a sanitizer its report comes first), not with status 0.
for sig in SEGV ABRT; do
	tui_start "c$sig" 80 24
	tui_record "c$sig"
	kill -"$sig" "$TUI_PID"
	# Killed by a signal, the pane has no exit status: wait for death.
	wait_for 10 sh -c "[ \"\$('$TMUX_PROG' -S '$TMUX_SOCK' display -p \
	    -t 'c$sig' '#{pane_dead}')\" = 1 ]" || fail "SIG$sig: still running"
	[ "$(tui_pane "c$sig" '#{alternate_on}')" = 0 ] ||
	    fail "SIG$sig: alternate screen"
	tui_restored "c$sig"
	[ "$(tui_pane "c$sig" '#{pane_dead_status}')" != 0 ] ||
	    fail "SIG$sig: exit status 0"
	ok "SIG$sig: terminal restored, died of it"
done


# Not live (the server is gone, the dashboard waits to retry): q quits at
# once, without asking.
sim_stop
TUI_NOWAIT=1 tui_start nl 80 24
tui_record nl
tui_expect nl 'reconnecting in' 10
tmux_keys nl q
tui_wait_dead nl 5
restored nl
ok "q quits at once when the stream is not live"
