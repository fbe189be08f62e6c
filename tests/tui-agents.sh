#!/bin/sh
# tui-agents.sh: the Agents view lists each agent once, under the name its
# messages are shown with (the sender: PROTOCOL.md), merged with the
# monitor's registry row of that name. Against swf-sim's workflow: the
# DAQ runner that sends stf_gen shows with its message count AND its
# registry status; no agent with messages lacks a registry row (no
# phantom such as the monitor's old guess "daq-simulator"); a registry
# read answered 403 is reported as a rejected token.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --speed 20 --heartbeat-interval 1 --seed 7

# The DAQ runner's name, as it sends it: the sender of stf_gen.
STREAM_MAX_TIME=15 sim_stream "$T/s" '?msg_types=stf_gen'
wait_for 10 grep -q '"sender"' "$T/s" || fail "no stf_gen from the workflow"
kill "$STREAM_PID" 2>/dev/null
daq=$(sed -n 's/^data: //p' "$T/s" | jq -r 'select(.msg_type == "stf_gen")
    | .sender' | head -n 1)
[ -n "$daq" ] && [ "$daq" != null ] || fail "stf_gen without a sender"
curl -sS --noproxy '*' "$SIM_URL/api/systemagents/" |
    jq -e --arg n "$daq" 'any(.[]; .instance_name == $n)' >/dev/null ||
    fail "swf-sim: its DAQ runner $daq sends stf_gen but is not in its registry (PROTOCOL.md: agents register under the name they send)"

tui_start ag 120 40
tmux_keys ag 3
tui_expect ag 'registry: [0-9]*, fetched' 10

# row NAME: the Agents view's row of NAME as "MSGS STATUS" ("-" if none).
row() {
	tmux_screen ag | awk -v n="$1" '
	    { sub(/^\*/, " ") }
	    $1 == n { print $2, ($4 ~ /^\(/ ? "(none)" : $5); found = 1 }
	    END { if (!found) print "absent" }'
}
wait_for 10 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t ag |
    grep -q -e '^  $daq  *[0-9]'" || {
	tmux_screen ag >&2
	fail "no row for the DAQ runner $daq with messages"
}
set -- $(row "$daq")
[ "$1" -gt 0 ] 2>/dev/null || fail "$daq: messages '$1'"
[ "$2" = OK ] || { tmux_screen ag >&2; fail "$daq: registry status '$2'"; }
[ "$(tui_count ag "^  $daq ")" = 1 ] || fail "$daq listed more than once"
ok "the DAQ runner $daq: its messages and its registry row, one row"

# No phantom: every agent with messages has a registry row, and none is
# the monitor's placeholder or its old guess.
tmux_screen ag | awk '
    NR > 4 && $1 != "" && $1 != "*" && $2 ~ /^[0-9]/ && $5 == "-" {
	print "phantom: " $0; bad = 1 }
    END { exit bad }' >&2 || fail "an agent with messages but no registry row"
tui_absent ag '^  unknown '
tui_absent ag '^  daq-simulator '
# Each registered DAQ agent that sent stf_gen shows its messages.
tui_absent ag "^  $daq  *-  .*(no message seen)"
ok "no phantom agent"

# Our own row (marked *) shows what the monitor has of us, READY, long
# before the next --registry-interval (60 s): the registry is read again
# once our READY was accepted.
wait_for 10 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t ag |
    grep -q -e '^\* tui-test .* OK  *READY '" || {
	tmux_screen ag >&2
	fail "our own row is not READY from the registry"
}
ok "our own registry row, READY, at once"

# Enter on an agent pushes its own view (its messages only); Esc and q
# come back to the Agents view, the view filter untouched.
tmux_keys ag / "$daq" Enter
tmux_keys ag Enter
tui_expect ag '> Agent$'
tui_expect ag "^agent $daq  [0-9]* messages  last "
tui_expect ag '^types:  .*stf_gen='
tui_expect ag "agent $daq: [0-9]* retained"
tui_expect ag '^[0-9:.]*  *stf_gen  '
# Its rows, all of one agent (the column may cut the name in the middle),
# as many as the stream brought from it, fewer than the total.
[ "$(tmux_screen ag | awk '/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]* / {
    print $3 }' | sort -u | wc -l)" = 1 ] || fail "rows of other agents"
tmux_screen ag >"$T/agent.screen"
n=$(sed -n "s/^agent $daq  \([0-9]*\) messages.*/\1/p" "$T/agent.screen")
r=$(sed -n "s/.*agent $daq: \([0-9]*\) retained.*/\1/p" "$T/agent.screen")
all=$(sed -n 's/.*  total \([0-9]*\)  .*/\1/p' "$T/agent.screen")
[ -n "$r" ] && [ "$r" -le "$n" ] && [ "$r" -lt "$all" ] ||
    fail "agent view: $r retained, $n messages, $all in all"
tui_absent ag 'view: agent='
tmux_keys ag Escape
tui_expect ag 'agents seen; registry'
tui_absent ag '> Agent$'
tmux_keys ag Enter
tui_expect ag '> Agent$'
tmux_keys ag q
tui_expect ag 'agents seen; registry'
tui_absent ag '> Agent$'
tui_absent ag 'quit swf-dash?'
ok "Enter opens the agent's view; Esc and q come back"

# > sorts by the next column, MSGS: the most messages first, ties (and
# agents only in the registry, "-") by name.
tmux_keys ag '>'
tui_expect ag '; by MSGS'
tmux_screen ag | awk 'NR > 4 { sub(/^\*/, " ") } NR > 4 && $2 ~ /^[0-9]+$/ {
    print $2 }' >"$T/msgs"
[ "$(wc -l <"$T/msgs")" -gt 2 ] || fail "too few rows: $(cat "$T/msgs")"
sort -n -r "$T/msgs" | cmp -s - "$T/msgs" ||
    fail "not by MSGS: $(tr '\n' ' ' <"$T/msgs")"
tmux_keys ag '<'
tui_expect ag '; by name'
ok "< and > choose the sort column"

# F5 reads the registry now (it is polled every 30 s): its age drops.
tui_expect ag 'registry: [0-9]*, fetched \([3-9]\|[1-9][0-9]\)s ago' 10
tmux_keys ag F5
tui_expect ag 'registry: [0-9]*, fetched [01]s ago' 3
tui_expect ag 'registry: [0-9]*, fetched \([3-9]\|[1-9][0-9]\)s ago' 10
tmux_keys ag C-r
tui_expect ag 'registry: [0-9]*, fetched [01]s ago' 3
ok "F5 and Ctrl-R read the registry now"

tui_quit ag
tui_wait_dead ag
tui_clean ag

# The registry read answered 403: a rejected token, in words.
sim_fault '{"fault": "status", "code": 403, "endpoint": "agents"}' >/dev/null
tui_start ag2 120 24
tmux_keys ag2 3
tui_expect ag2 'registry: token .* rejected' 10
ok "a 403 from the registry read is a rejected token"
tui_quit ag2
tui_wait_dead ag2
tui_clean ag2
