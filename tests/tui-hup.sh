#!/bin/sh
# tui-hup.sh: SIGHUP (an ssh session dropping) exits cleanly and sends the
# EXITED heartbeat: the registry records it.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow --registry-dump "$T/reg.json"
tui_start hup 80 24
tui_expect hup 'registered'
# The STARTING heartbeat comes first; READY follows the stream's opening.
ready() {
	jq -e '[.[] | select(.instance_name == "tui-test")][0] |
	    .status == "OK" and .operational_state == "READY"' "$T/reg.json" \
	    >/dev/null
}
wait_for 5 ready || fail "not READY: $(cat "$T/reg.json")"
kill -HUP "$TUI_PID"
tui_wait_dead hup
[ "$(tui_pane hup '#{alternate_on}')" = 0 ] || fail "alternate screen"
# exited: the registry dump shows our EXITED heartbeat.
exited() {
	jq -e '[.[] | select(.instance_name == "tui-test")][0] |
	    .status == "EXITED" and .operational_state == "EXITED"' \
	    "$T/reg.json" >/dev/null
}
wait_for 5 exited || fail "no EXITED: $(cat "$T/reg.json")"
tui_clean hup
ok "SIGHUP sends EXITED"
