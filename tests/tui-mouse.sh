#!/bin/sh
# tui-mouse.sh: when the terminal reports the mouse, the wheel moves the
# selection (pausing follow), a click selects the row under it, a
# double-click opens it, a click on a tab shows that view; --no-mouse
# leaves the mouse to the terminal.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow

# mouse NAME BUTTON X Y: an X10 mouse report (ESC [ M b x y, 0-based
# column and row) as the terminal writes it; BUTTON 0 left, 3 release,
# 64 wheel up, 65 wheel down.
mouse() {
	"$TMUX_PROG" -S "$TMUX_SOCK" send-keys -t "$1" -H 1b 5b 4d \
	    "$(printf %x $((32 + $2)))" "$(printf %x $((33 + $3)))" \
	    "$(printf %x $((33 + $4)))"
}
# click NAME X Y: press and release.
click() {
	mouse "$1" 0 "$2" "$3"
	mouse "$1" 3 "$2" "$3"
}

tui_start m 80 24
[ "$(tui_pane m '#{mouse_any_flag}')" = 1 ] ||
    fail "the dashboard did not ask for mouse reports"
pub "$(seq_msgs 1 30 sse_test 7)"
tui_expect m 'n=030'
tui_expect m '^FOLLOW'
# Rows: two status lines, the tabs, the header; the list from line 4.
tui_expect m '^[0-9:.]* *sse_test .*n=012$'
[ "$(tmux_screen m | sed -n 5p | grep -o 'n=0[0-9]*')" = n=012 ] ||
    fail "line 4 is not n=012: $(tmux_screen m | sed -n 5p)"

mouse m 64 10 10			# the wheel up: three rows up, paused
tui_expect m '^PAUSED'
ok "the wheel moves and pauses follow"

click m 10 4				# select n=012, then Enter opens it
tmux_keys m Enter
tui_expect m '> Detail'
tui_expect m '"message": "n=012"'
tmux_keys m q
tui_expect m '^PAUSED'
ok "a click selects the row under it"

click m 10 5; click m 10 5		# a double-click opens n=013
tui_expect m '> Detail'
tui_expect m '"message": "n=013"'
tmux_keys m q
ok "a double-click opens the row"

# A click on a tab shows that view: " 1 Messages  2 Runs ..." on line 2.
click m 14 2				# "2 Runs"
tui_expect m 'runs, by last activity'
click m 3 2				# "1 Messages"
tui_expect m '^PAUSED'
ok "a click on a tab shows its view"

mouse m 65 10 10			# the wheel in the detail view scrolls
tui_clean m
tmux_keys m C-c
tui_wait_dead m
[ "$(tui_pane m '#{mouse_any_flag}')" = 0 ] || fail "mouse left on at exit"
tui_clean m

# --no-mouse: no reports asked for; the terminal keeps its selection.
tui_start nm 80 24 --no-mouse
pub "$(seq_msgs 31 40 sse_test 7)"
tui_expect nm 'n=040'
[ "$(tui_pane nm '#{mouse_any_flag}')" = 0 ] ||
    fail "--no-mouse: mouse reports asked for"
tmux_keys nm C-c
tui_wait_dead nm
tui_clean nm
ok "--no-mouse"
