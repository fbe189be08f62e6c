#!/bin/sh
# tui-wording.sh: the words on screen mean what they say. "lag" is the
# newest message's receive time minus its sent_at, and a quiet stream
# says "last msg Ns ago" instead; "dropped" says it counts oversize
# events; a notice on the hint line expires and does not follow the user
# to another view; an EXITED agent is red (bold), not dim.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow --heartbeat-interval 0.5

# iso SECONDS-AGO: an ISO 8601 UTC time that long ago.
iso() {
	date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%S.000+00:00
}

tui_start w 120 24 --registry-interval 1
tui_expect w 'dropped 0 oversize'
tui_expect w 'lag -'
# A message sent 3 s before it arrives: lag about 3 s.
pub "{\"msg_type\":\"sse_test\",\"sender\":\"lagger\",\"sent_at\":\"$(iso 3)\"}"
tui_expect w 'lag [34]\.[0-9]s'
ok "lag is receive time minus sent_at"

# A notice (x: the view filter cleared) does not follow to Runs and back.
tmux_keys w x
tui_expect w 'view filter cleared'
tmux_keys w 2
sleep 0.3
tui_absent w 'view filter cleared'
tmux_keys w 1
sleep 0.3
tui_absent w 'view filter cleared'
ok "a notice stays with its view"

# A notice expires by itself (5 s).
tmux_keys w x
tui_expect w 'view filter cleared'
sleep 6.2
tui_absent w 'view filter cleared'
ok "a notice expires"

# Quiet for 10 s: the age of the last message, not a stale lag.
tui_expect w 'last msg 1[0-9]s ago' 8
tui_absent w 'lag [0-9]'
ok "a quiet stream shows the age of the last message"

# An EXITED agent is red and bold in the Agents view.
curl -sS --noproxy '*' -o /dev/null -H 'Authorization: Token t' \
    -H 'Content-Type: application/json' --data-binary \
    '{"instance_name":"gone-agent-1","agent_type":"data","status":"EXITED","operational_state":"EXITED"}' \
    "$SIM_URL/api/systemagents/heartbeat/"
tmux_keys w 3
tmux_keys w F5			# read the registry now, not at the next poll
tui_expect w 'gone-agent-1' 10
line=$("$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -e -p -t w | grep 'gone-agent-1')
printf '%s\n' "$line" | grep -q "$(printf '\033')\[[0-9;]*31[;m].*EXITED" ||
    { printf '%s\n' "$line" | od -c | head; fail "EXITED not red"; }
ok "EXITED agents are red"
tmux_keys w C-c
tui_wait_dead w
tui_clean w
