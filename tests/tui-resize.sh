#!/bin/sh
# tui-resize.sh: the dashboard follows the terminal's size live, and the
# selection (a sequence number) survives the resize.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start resize 80 24
pub "$(seq_msgs 1 30 sse_test 7)"
tui_expect resize 'n=030'
tmux_keys resize k k k
tui_expect resize '^PAUSED'

"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t resize -x 150 -y 40 ||
    fail "resize-window"
# Wider: milliseconds in the time column, and more rows.
tui_expect resize '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] '
tui_expect resize 'n=010'
tui_expect resize 'kept 30/50000'
ok "grows"

"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t resize -x 80 -y 24
# Narrow again: whole seconds, no "kept" in the status bar.
tui_expect resize '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] sse_test'
tui_absent resize 'kept 30'
tui_expect resize '^PAUSED'
tmux_keys resize Enter
tui_expect resize '"message": "n=027"'
ok "selection kept"

# Too small, then back.
"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t resize -x 30 -y 6
tui_expect resize 'terminal too small'
tui_expect resize '30x6, need 40x8'
# The smallest size it names is enough.
"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t resize -x 40 -y 8
tui_expect resize '1 Messages'
tui_absent resize 'terminal too small'
"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t resize -x 80 -y 24
tui_expect resize '"message": "n=027"'
tmux_keys resize q		# leave the detail
tui_quit resize
tui_wait_dead resize
tui_clean resize
