#!/bin/sh
# tui-quit.sh: q (and SIGINT, SIGTERM) restore the terminal: the alternate
# screen is left and the cursor shown; the exit status is 0.
# (tui-hup.sh and tui-auth.sh check the other exit paths.)
. "$top_srcdir/tests/tui-lib.sh"

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
tmux_keys q ? 			# a sub-view: q leaves it, q again quits
tui_expect q '> Help'
tmux_keys q q
tui_expect q '1 Messages'
tui_absent q '> Help'
tmux_keys q q
tui_wait_dead q
restored q
ok "q"

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
