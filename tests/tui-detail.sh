#!/bin/sh
# tui-detail.sh: Enter shows the message as pretty-printed, scrollable
# JSON with its receive time and lag; q goes back to the list.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start detail 80 24
big=$(jq -cn '{msg_type: "data_ready", run_id: 42, sender_agent: "tester",
    filename: "big.stf", nested: {a: [1, 2, {b: "deep"}]}} +
    ([range(1; 41) | {key: ("field\(. + 100)"), value: .}] | from_entries)')
pub "$big"
tui_expect detail 'big.stf'
tmux_keys detail Enter
tui_expect detail '> Detail'
tui_expect detail 'message #1  data_ready  from tester  run 42'
tui_expect detail '^received [0-9-]* [0-9:.]* [-+][0-9]*  lag [0-9]'
tui_expect detail '^sent_at 20[0-9-]*T'
tui_expect detail '^{$'
tui_expect detail '^  "msg_type": "data_ready",$'
tui_expect detail '^  "run_id": 42,$'
tui_expect detail '^lines 1-'
tui_absent detail 'field140'
ok "pretty-printed with times"

tmux_keys detail G
tui_expect detail '^  "field140": 40,\?$'
tui_expect detail '^}$'
tui_absent detail '"msg_type"'
tmux_keys detail g
tui_expect detail '"msg_type"'
tmux_keys detail j j j
tui_expect detail '^lines 4-'
tui_expect detail '^    "a": \[$'
ok "scrolls"

tmux_keys detail q
tui_expect detail 'FILE / TEXT'
tui_absent detail '> Detail'
tui_quit detail
tui_wait_dead detail
tui_clean detail
ok "back and quit"
