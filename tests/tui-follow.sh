#!/bin/sh
# tui-follow.sh: follow mode is on by default; moving up pauses it and
# counts what arrives without moving the screen; G resumes; f toggles.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start follow 80 24
pub "$(seq_msgs 1 30 sse_test 7)"
tui_expect follow 'n=030'
tui_expect follow '^FOLLOW'
tui_absent follow 'n=011'		# 19 rows: n=012 to n=030

tmux_keys follow k
tui_expect follow '^PAUSED 0 new'
pub "$(seq_msgs 31 35 sse_test 7)"
tui_expect follow '^PAUSED 5 new'
tui_absent follow 'n=031'
tmux_screen follow | grep -q 'n=012' || fail "the paused screen moved"
# The selection stayed on the row above the last.
tmux_keys follow Enter
tui_expect follow '"message": "n=029"'
tmux_keys follow q
tui_expect follow '^PAUSED 5 new'
ok "pause counts new messages"

tmux_keys follow G
tui_expect follow '^FOLLOW'
tui_expect follow 'n=035'
pub "$(seq_msgs 36 36 sse_test 7)"
tui_expect follow 'n=036'
ok "G resumes"

tmux_keys follow f
tui_expect follow '^PAUSED 0 new'
pub "$(seq_msgs 37 38 sse_test 7)"
tui_expect follow '^PAUSED 2 new'
tui_absent follow 'n=037'
tmux_keys follow f
tui_expect follow '^FOLLOW'
tui_expect follow 'n=038'
# j onto the last row follows again too.
tmux_keys follow k k j j
tui_expect follow '^FOLLOW'
ok "f toggles"

tui_quit follow
tui_wait_dead follow
tui_clean follow
