#!/bin/sh
# tui-live.sh: live messages appear newest at the bottom, in columns that
# wide characters cannot shift, with escape sequences removed, coloured by
# family, and without colour under --no-color.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start live 80 24
tui_expect live 'registered'
tui_expect live '^FOLLOW'
tui_expect live 'waiting for messages'

pub "$(seq_msgs 1 3 sse_test 7)"
tui_expect live 'n=003'
s=$(tmux_screen live)
[ "$(echo "$s" | grep -n 'n=001' | cut -d: -f1)" -lt \
    "$(echo "$s" | grep -n 'n=003' | cut -d: -f1)" ] || fail "not oldest first"
[ "$(echo "$s" | grep -c 'n=00')" = 3 ] || fail "not three rows"
echo "$s" | grep 'n=002' | grep -q 'sse_test *tester *7 ' ||
    fail "columns: $(echo "$s" | grep 'n=002')"
ok "live messages"

# A wide agent name, an escape sequence and a tab in the fields.
pub '{"msg_type":"stf_gen","run_id":8,"sender_agent":"データ取得エージェント",
  "filename":"\u001b[31mred\u001b]0;title\u0007.stf","message":"a\tb"}'
tui_expect live 'red.stf'
tui_absent live '31m'
tui_absent live 'title'
# The FILE column starts at the same display column on every row.
col() {
	printf '%s' "$1" | LC_ALL=C.UTF-8 wc -L
}
s=$(tmux_screen live)
h=$(echo "$s" | grep 'FILE / TEXT'); h=${h%%FILE / TEXT*}
l=$(echo "$s" | grep 'red.stf'); l=${l%%red.stf*}
m=$(echo "$s" | grep 'n=003'); m=${m%%n=003*}
[ "$(col "$h")" = "$(col "$l")" ] || fail "wide row misaligned: '$l'"
[ "$(col "$h")" = "$(col "$m")" ] || fail "row misaligned: '$m'"
ok "sanitized and aligned"

# Colour by family; none with --no-color.
"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -p -e -t live | grep 'stf_gen' |
    grep -q "$(printf '\033')\[3[0-7]m" || fail "no colour for stf_gen"
tui_quit live
tui_wait_dead live
[ "$TUI_RC" = 0 ] || fail "exit status $TUI_RC"
tui_clean live

tui_start mono 80 24 --no-color
tmux_screen mono | grep -q "n=003" && fail "old messages shown"
pub "$(seq_msgs 4 4 stf_gen 7)"
tui_expect mono 'n=004'
if "$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -p -e -t mono |
    grep -q "$(printf '\033')\[\(3[0-7]\|4[0-7]\|38;\|48;\)"; then
	fail "colour with --no-color"
fi
tui_quit mono
tui_wait_dead mono
tui_clean mono
ok "colour and --no-color"
