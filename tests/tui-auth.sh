#!/bin/sh
# tui-auth.sh: a rejected token leaves the dashboard up, saying what to
# fix; q then exits with the token status (2).
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
TUI_TOKEN=wrong TUI_NOWAIT=1 tui_start auth 80 24
tui_expect auth 'token rejected' 10
tui_expect auth 'The monitor rejected the token'
tui_expect auth 'SWF_API_TOKEN'
tui_absent auth 'wrong'				# never the token
sleep 1
[ "$(tui_pane auth '#{pane_dead}')" = 0 ] || fail "the dashboard exited"
tmux_keys auth q
tui_wait_dead auth
[ "$TUI_RC" = 2 ] || fail "exit status $TUI_RC"
[ "$(tui_pane auth '#{alternate_on}')" = 0 ] || fail "alternate screen"
tui_clean auth
ok "401 shown, dashboard up"
