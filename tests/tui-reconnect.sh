#!/bin/sh
# tui-reconnect.sh: `r` while the stream is live reopens it at once,
# make-before-break, and says so: the monitor sees a second stream (a new
# client id on the status bar, the first subscriber row closed), and a
# numbered sequence published across the reconnect shows every number
# exactly once.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start rc 200 50 -m sse_test
pub "$(seq_msgs 0 0 sse_test 777)"
tui_expect rc 'n=000'
client_id() {
	tmux_screen rc | sed -n 's/.* id \([0-9a-f-]\{8,\}\) .*/\1/p' | head -n 1
}
id1=$(client_id)
[ -n "$id1" ] || fail "no client id on the status bar"

seq_publish_bg 1 40 sse_test 777
sleep 0.3
tmux_keys rc r
tui_expect rc 'opening a new stream; the old one closes once the new one has caught up'
wait_for 15 test -f "$T/published" || fail "publishing did not finish"
tui_expect rc 'n=040'
id_changed() {
	_id=$(client_id)
	[ -n "$_id" ] && [ "$_id" != "$id1" ]
}
wait_for 10 id_changed || fail "the client id stayed $id1: no new stream"
s=$(tmux_screen rc)
seq_shown_once "$s" 0 40
ok "every number exactly once across the reconnect"

# The monitor saw two streams from us, the first one closed.
rows=$(curl -sS --noproxy '*' "$SIM_URL/api/subscribers/")
echo "$rows" | jq -e '[.[] | select(.delivery_type == "sse")] | length == 2' \
    >/dev/null || fail "not two stream rows: $rows"
echo "$rows" | jq -e --arg p "sse_$(echo "$id1" | cut -c1-8)" \
    '[.[] | select(.subscriber_name == $p)][0].is_active == false' \
    >/dev/null || fail "the first stream (sse_$id1) is still open: $rows"
echo "$rows" | jq -e '[.[] | select(.is_active)] | length == 1' \
    >/dev/null || fail "not exactly one open stream: $rows"
ok "a second stream replaced the first"

tui_quit rc
tui_wait_dead rc
tui_clean rc
