#!/bin/sh
# tui-copy.sh: y copies the selected message's JSON to the clipboard with
# an OSC 52 escape, only with --osc52 (tmux with set-clipboard on turns it
# into a paste buffer, which shows what the terminal received).
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow --heartbeat-interval 0.5

# Without --osc52: nothing is sent, and the notice says how to turn it on.
tui_start off 120 24
"$TMUX_PROG" -S "$TMUX_SOCK" set-option -g set-clipboard on
pub '{"msg_type":"sse_test","sender":"copier","message":"copy me"}'
tui_expect off 'copy me'
tmux_keys off y
tui_expect off 'start swf-dash with --osc52'
"$TMUX_PROG" -S "$TMUX_SOCK" show-buffer >/dev/null 2>&1 &&
    fail "a buffer was set without --osc52"
tmux_keys off C-c
tui_wait_dead off
ok "y without --osc52: nothing sent, the notice says how"

# With it: the buffer holds the message's JSON as received.
MSG='{"msg_type": "sse_test", "sender": "copier", "message": "quote \" and \u001b[31m", "n": 42}'
tui_start on 120 24 --osc52
pub "$MSG"
tui_expect on 'copier'
tmux_keys on y
tui_expect on 'copied the message.s JSON ([0-9]* bytes) with OSC 52'
wait_for 5 "$TMUX_PROG" -S "$TMUX_SOCK" show-buffer >"$T/buf" ||
    fail "no paste buffer: the OSC 52 did not reach the terminal"
"$TMUX_PROG" -S "$TMUX_SOCK" show-buffer >"$T/buf"
jq -e '.msg_type == "sse_test" and .n == 42 and .message == "quote \" and \u001b[31m"' \
    "$T/buf" >/dev/null || { cat "$T/buf"; fail "the buffer is not the message"; }
tmux_keys on C-c
tui_wait_dead on
tui_clean on
ok "y with --osc52: the message's JSON in the clipboard"
