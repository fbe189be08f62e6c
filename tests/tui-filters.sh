#!/bin/sh
# tui-filters.sh: the filter editor narrows by typing, toggles the view
# filter (applied at once to what is retained), has all/none, adds a value
# not seen yet; t/A/R narrow to the selected message and x clears.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start filt 80 24
pub '[{"msg_type":"stf_gen","run_id":1,"sender_agent":"a1","message":"m1"},
  {"msg_type":"stf_gen","run_id":1,"sender_agent":"a1","message":"m2"},
  {"msg_type":"stf_ready","run_id":1,"sender_agent":"a2","message":"m3"},
  {"msg_type":"stf_gen","run_id":2,"sender_agent":"a1","message":"m4"},
  {"msg_type":"stf_ready","run_id":2,"sender_agent":"a2","message":"m5"},
  {"msg_type":"sse_test","run_id":3,"sender_agent":"a3","message":"m6"}]'
tui_expect filt 'm6'

# shown: the messages listed, e.g. "m1 m3 ".
shown() {
	tmux_screen filt | grep -o ' m[0-9]$' | tr -d '\n'
}

tmux_keys filt 4
tui_expect filt '^TYPES   view: any   subscription: any'
tui_expect filt '^view filter (client side, applies at once): any$'
tui_expect filt '^subscription (what is received): any'
tui_expect filt 'tf_file_registered'		# the vocabulary, unseen
tui_expect filt '^AGENTS   view: any'
tmux_keys filt /
tmux_keys filt -l stf_r
tui_expect filt '^narrow: stf_r'
tmux_keys filt Enter
tui_absent filt 'stf_gen'
tmux_keys filt Space
tui_expect filt 'view: type=stf_ready'
tui_expect filt '\[x\]   \[-\]   stf_ready'
tmux_keys filt 1
tui_expect filt '2 of 6 shown'
[ "$(shown)" = " m3 m5" ] || fail "view filter: $(shown)"
ok "narrow and toggle"

tmux_keys filt 4 Escape
tui_expect filt 'stf_gen'
tmux_keys filt g j a			# every type listed
tui_expect filt 'applies at once): type=announcement,end_run,pause_run'
tmux_keys filt n
tui_expect filt 'view: all'
tmux_keys filt /
tmux_keys filt -l brand_new
tmux_keys filt Enter
tui_expect filt 'add "brand_new" (not seen yet)'
tmux_keys filt Space
tui_expect filt 'view: type=brand_new'
tmux_keys filt 1
tui_expect filt 'none of the 6 retained messages match'
tmux_keys filt x
tui_expect filt 'view filter cleared'
[ "$(shown)" = " m1 m2 m3 m4 m5 m6" ] || fail "cleared: $(shown)"
ok "all, none, a new value, x"

# Quick keys on the selected message (m6: sse_test, a3, run 3), undone
# by the same key.
tmux_keys filt t
tui_expect filt 'view: type=sse_test'
tmux_keys filt t
tui_expect filt 'view: all'
tmux_keys filt k A			# m5: stf_ready, a2, run 2
tui_expect filt 'view: agent=a2'
[ "$(shown)" = " m3 m5" ] || fail "agent a2: $(shown)"
tmux_keys filt R
tui_expect filt 'view: agent=a2 run=2'
[ "$(shown)" = " m5" ] || fail "agent a2 run 2: $(shown)"
tmux_keys filt R A
tui_expect filt 'view: all'
ok "t, A, R"

# The subscription column is edited apart, then undone; wider, so that
# the status bar shows the whole subscription summary.
"$TMUX_PROG" -S "$TMUX_SOCK" resize-window -t filt -x 120 -y 24 ||
    fail "resize-window"
tmux_keys filt 4 Escape /
tmux_keys filt -l a2
tmux_keys filt Enter j j l Space
tui_expect filt 'edited: agent=a2'
tui_expect filt 'sub: all (edited)'
tui_expect filt '\[-\]   \[x\]   a2'
tmux_keys filt u
tui_expect filt 'subscription edits undone'
tui_absent filt 'edited: agent=a2'
ok "subscription edits"
tui_quit filt
tui_wait_dead filt
tui_clean filt
