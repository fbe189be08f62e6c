#!/bin/sh
# tui-history.sh: the dashboard back-fills from swf-sim's REST history:
# started mid-run, the run's early messages are there and its counts are
# right; after a forced drop a marker row says what was lost and
# back-filled and the bottom line says "while you were away" until a key;
# a channel hole is filled; a hole the history cannot fill is a marker
# row and the run's MISSING column. Every message is shown once.
. "$top_srcdir/tests/lib.sh"
tui_setup

SWF_DASH_BACKOFF=2,2,60; export SWF_DASH_BACKOFF

# stf RUN FROM TO: stf_gen FROM..TO of RUN (execution e-RUN).
stf() {
	jq -cn --arg r "$1" --argjson a "$2" --argjson b "$3" '[range($a; $b + 1)
	    as $i | {msg_type: "stf_gen", run_id: $r, execution_id: "e-\($r)",
	    sequence: $i, filename: "swf.\($r).\($i | tostring |
	    ("000000" + .)[-6:]).stf", timestamp: "13:47:\($i)", sender: "daq",
	    state: "run", substate: "physics"}]'
}
life() {
	jq -cn --arg r "$1" '[{msg_type: "run_imminent", run_id: $r,
	    execution_id: "e-\($r)", sender: "daq", state: "beam",
	    substate: "not_ready"}, {msg_type: "start_run", run_id: $r,
	    execution_id: "e-\($r)", sender: "daq", state: "run",
	    substate: "physics"}]'
}
# rows PATTERN: message rows on screen that match.
rows() {
	tui_count hist "$1"
}

sim_start --token t --no-workflow
pub "$(life 700)"
pub "$(stf 700 1 6)"
# The first stream closes after connected and 3 messages.
fault '{"fault": "close_after", "events": 4, "count": 1}'
tui_start hist 120 40
# Started mid-run: the early messages are read back.
tui_expect hist 'run_imminent .* 700'
tui_expect hist 'swf.700.000006.stf'
[ "$(rows 'swf.700.0000')" = 6 ] || fail "early stf_gen: $(rows swf.700.0000)"
tmux_keys hist 2
tui_expect hist 'RUN .*MISSING'
tmux_screen hist | grep -q '^700 .* 6/0 *- ' ||
    { tmux_screen hist >&2; fail "run 700's counts after the merge"; }
ok "started mid-run: early messages present, counts 6/0, nothing missing"
tmux_keys hist 1

# A forced drop: 3 live messages end the first stream; 3 more are sent
# while it is down.
pub "$(stf 700 7 9)"
tui_expect hist 'reconnecting in'
pub "$(stf 700 10 12)"
tui_expect hist 'stream lost [0-9:]*.[0-9:]* ([0-9]* s), 3 messages back-filled' 10
tui_expect hist 'while you were away: stream lost'
tui_expect hist 'swf.700.000012.stf'
for i in 07 08 09 10 11 12; do
	[ "$(rows "swf.700.0000$i")" = 1 ] || fail "row $i: $(rows "swf.700.0000$i")"
done
# The marker row comes before the back-filled messages.
s=$(tmux_screen hist)
[ "$(echo "$s" | grep -n 'stream lost' | head -n 1 | cut -d: -f1)" -lt \
    "$(echo "$s" | grep -n 'swf.700.000010' | cut -d: -f1)" ] ||
    fail "marker row after the back-filled messages"
tmux_screen hist | sed -n '1,40p' >"$T/drop.screen"
tmux_keys hist j
wait_for 5 sh -c "! '$TMUX_PROG' -S '$TMUX_SOCK' capture-pane -p -t hist |
    grep -q 'while you were away'" || fail "the away line stayed after a key"
ok "drop: marker row, 3 messages back-filled once, the away line until a key"

# A channel hole in run 701, filled from its execution.
pub "$(life 701)"
pub "$(stf 701 1 1)"
tui_expect hist 'swf.701.000001.stf'
fault '{"fault": "channel_drop", "count": 2}'
pub "$(stf 701 2 4)"
tui_expect hist 'swf.701.000003.stf' 10
for i in 1 2 3 4; do
	[ "$(rows "swf.701.00000$i")" = 1 ] || fail "701/$i: $(rows "swf.701.00000$i")"
done
tui_absent hist 'missing from run 701'
# In the agent's order: 4, which showed the hole, waited for 2 and 3.
[ "$(tmux_screen hist | sed -n 's/.*swf\.701\.00000\([0-9]\)\.stf.*/\1/p' |
    tr -d '\n')" = 1234 ] || fail "run 701 out of order: $(tmux_screen hist)"
ok "channel hole in run 701 filled, in order"
tui_quit hist
tui_wait_dead hist
sim_stop

# A hole the history cannot fill: it keeps 4 messages and 7 pass while 3
# of run 702's are dropped from our channel.
sim_start --token t --no-workflow --history-max 4
tui_start gap 120 40
pub "$(life 702)"
pub "$(stf 702 1 2)"
tui_expect gap 'swf.702.000002.stf'
fault '{"fault": "channel_drop", "count": 7}'
pub "$(stf 702 3 5)"
pub '[{"msg_type":"sse_test","n":1},{"msg_type":"sse_test","n":2},
    {"msg_type":"sse_test","n":3},{"msg_type":"sse_test","n":4}]'
pub "$(stf 702 6 6)"
tui_expect gap '3 messages missing from run 702: sequences 3.5' 10
tmux_screen gap >"$T/gap.screen"
tmux_keys gap 2
tui_expect gap 'RUN .*MISSING'
tmux_screen gap | grep -q '^702 .* 3/0 of 6 *3 ' ||
    { tmux_screen gap >&2; fail "run 702's row"; }
tmux_screen gap >"$T/gap-runs.screen"
tmux_screen gap | sed -n 2p | grep -q ' missing 3 ' ||
    { tmux_screen gap >&2; fail "no \"missing 3\" on the status bar"; }
ok "unfillable hole: marker row, STF 3/0 of 6, 3 missing (status bar too)"
tui_quit gap
tui_wait_dead gap
sim_stop

# A slow history (every read answers after 6 s): live messages wait for
# it at most 2 s, once, then flow at once.
sim_start --token t --no-workflow
fault '{"fault": "status", "code": 404, "endpoint": "history",
    "delay_ms": 6000}'
tui_start slow 120 30
pub '{"msg_type":"sse_test","sender":"t","message":"first-live"}'
tui_expect slow 'first-live' 4
pub '{"msg_type":"sse_test","sender":"t","message":"second-live"}'
tui_expect slow 'second-live' 1.5
ok "a slow history holds the live view at most 2 s, once"
tui_quit slow
tui_wait_dead slow

# For the report: the screens, when asked.
if [ -n "${HISTORY_SCREENS:-}" ]; then
	cp "$T/drop.screen" "$T/gap.screen" "$T/gap-runs.screen" \
	    "$HISTORY_SCREENS/"
fi
