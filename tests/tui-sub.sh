#!/bin/sh
# tui-sub.sh: changing the subscription in the filter editor reconnects
# make-before-break: a numbered sequence published during the switch shows
# every number exactly once, and the new subscription is in force.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start sub 200 50 -m sse_test
tui_expect sub 'sub: type=sse_test'
pub '{"msg_type":"stf_gen","run_id":777,"sender_agent":"x","message":"before"}'
pub "$(seq_msgs 0 0 sse_test 777)"
tui_expect sub 'n=000'
tui_absent sub 'before'			# not subscribed yet

# Publish n=001..n=040 one by one while the subscription changes.
seq_publish_bg 1 40 sse_test 777
sleep 0.3
tmux_keys sub 4 /
tmux_keys sub -l stf_gen
tmux_keys sub Enter l Space
tui_expect sub 'edited: type=sse_test,stf_gen'
tmux_keys sub Enter
tui_expect sub 'subscription (what is received): type=sse_test,stf_gen'
tmux_keys sub 1
wait_for 15 test -f "$T/published" || fail "publishing did not finish"
tui_expect sub 'n=040'
tui_expect sub 'sub: type=sse_test,stf_gen'
pub '{"msg_type":"stf_gen","run_id":777,"sender_agent":"x","message":"after"}'
tui_expect sub 'after'
s=$(tmux_screen sub)
seq_shown_once "$s" 0 40
ok "every number exactly once across the switch"

# The run's total agrees: 41 numbers and "after".
tmux_keys sub 2
tui_expect sub '^777 .* 42 '
tui_quit sub
tui_wait_dead sub
tui_clean sub
