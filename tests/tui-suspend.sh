#!/bin/sh
# tui-suspend.sh: Ctrl-Z gives the terminal back to the shell and fg
# brings the dashboard back, redrawn and still receiving.
. "$top_srcdir/tests/lib.sh"
tui_setup

command -v bash >/dev/null 2>&1 || skip "no bash"
sim_start --token t --no-workflow
tmux_start susp 80 24 "env PS1='shell\$ ' bash --norc --noprofile -i"
tui_expect susp 'shell\$'
tmux_keys susp "SWF_API_TOKEN=t SWF_SSE_RECEIVER_NAME=tui-test '$SWF_DASH' --url '$SIM_URL' 2>'$T/susp.err'" Enter
tui_expect susp ' connected '
pub "$(seq_msgs 1 1 sse_test 7)"
tui_expect susp 'n=001'
tmux_keys susp C-z
tui_expect susp 'Stopped'
[ "$(tui_pane susp '#{alternate_on}')" = 0 ] || fail "alternate screen"
pub "$(seq_msgs 2 2 sse_test 7)"
tmux_keys susp fg Enter
tui_expect susp 'n=002'
tui_expect susp ' connected '
ok "Ctrl-Z and fg"
tui_quit susp
tui_expect susp 'shell\$'
[ "$(tui_pane susp '#{alternate_on}')" = 0 ] || fail "alternate screen"
tui_clean susp
