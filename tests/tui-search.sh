#!/bin/sh
# tui-search.sh: "/" searches the messages (matches highlighted), Enter
# jumps to the nearest match above, n and N go to the next and previous.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start search 80 24
pub "$(seq_msgs 1 20 sse_test 7)"
pub '[{"msg_type":"stf_gen","run_id":7,"sender_agent":"tester",
  "message":"n=021 needle one"},
  {"msg_type":"sse_test","run_id":7,"sender_agent":"tester",
  "message":"n=022 plain"},
  {"msg_type":"stf_gen","run_id":7,"sender_agent":"tester",
  "message":"n=023 the NEEDLE two"},
  {"msg_type":"sse_test","run_id":7,"sender_agent":"tester",
  "message":"n=024 plain"}]'
tui_expect search 'n=024'

# opened NUMBER: Enter on the selection shows message NUMBER; back.
opened() {
	tmux_keys search Enter
	tui_expect search "\"message\": \"n=$1"
	tmux_keys search q
	tui_expect search '^PAUSED'
}

tmux_keys search /
tui_expect search '^/'
tmux_keys search -l needle
tui_expect search '^/needle'
# Matches are highlighted while typing (yellow background).
"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -p -e -t search | grep 'n=021' |
    grep -q "$(printf '\033')\[[0-9;]*43m" || fail "no highlight"
tmux_keys search Enter
tui_expect search '/needle 2/2\( \|$\)'
opened 023
tmux_keys search N
tui_expect search '/needle 1/2\( \|$\)'
opened 021
tmux_keys search N			# wraps around
tui_expect search '/needle 2/2  search hit TOP, continuing at BOTTOM'
opened 023
tmux_keys search n			# wraps the other way
tui_expect search '/needle 1/2  search hit BOTTOM, continuing at TOP'
opened 021
ok "search, n, N: the match count and the wrap said"

tmux_keys search /
tmux_keys search -l zzz
tmux_keys search Enter
tui_expect search 'no retained message shows "zzz"'
ok "no match"

tui_quit search
tui_wait_dead search
tui_clean search
