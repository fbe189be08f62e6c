#!/bin/sh
# tui-runs.sh: the runs view counts what swf-sim published, per run, even
# after the ring evicted the messages; s sorts by run id.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start runs 80 24 --keep 5
pub "$(runs_fixture)"
tui_expect runs 'f99-1.stf'
tmux_keys runs 2
tui_expect runs 'RUN *STATE *DUR *STF g/r *MISSING *TF *OTHER *TOTAL'
tui_expect runs '3 runs, by last activity'

# row RUN: the columns of its row: run state stf tf other total.
row() {
	tmux_screen runs | awk -v r="$1" '$1 == r { print $1, $2, $4, $6, $7, $8 }'
}
# missing RUN: its MISSING column.
missing() {
	tmux_screen runs | awk -v r="$1" '$1 == r { print $5 }'
}
# want RUN STATE: the row the fixture calls for.
want() {
	echo "$1 $2 $(fixture_count "$1" stf_gen)/$(fixture_count "$1" \
	    stf_ready) $(fixture_count "$1" tf_file_registered) $(
	    fixture_count "$1" calib_done) $(fixture_count "$1")"
}
[ "$(row 100)" = "$(want 100 ended)" ] || fail "run 100: $(row 100)"
[ "$(row run-B)" = "$(want run-B beam/standby)" ] ||
    fail "run-B: $(row run-B)"
[ "$(row 99)" = "$(want 99 -)" ] || fail "run 99: $(row 99)"
ok "counts equal what was published, with 5 messages kept"
# Run 100 was seen from run_imminent; run-B and 99 joined mid-way (their
# history is not merged: this swf-sim runs no workflow executions).
[ "$(missing 100)" = "-" ] || fail "run 100 missing: $(missing 100)"
[ "$(missing run-B)" = "mid-way" ] || fail "run-B: $(missing run-B)"
[ "$(missing 99)" = "mid-way" ] || fail "run 99: $(missing 99)"
ok "runs joined mid-way are marked"

# Most recently active first, then by id (numbers as numbers).
order() {
	tmux_screen runs | awk '$1 == "99" || $1 == "100" || $1 == "run-B" {
	    printf "%s ", $1 }'
}
[ "$(order)" = "99 run-B 100 " ] || fail "by activity: $(order)"
tmux_keys runs s
tui_expect runs '3 runs, by run id'
# Active runs first (run-B runs, 99 never ended), then the ended 100.
[ "$(order)" = "99 run-B 100 " ] || fail "by id: $(order)"
tmux_keys runs s
tui_expect runs '3 runs, by last activity'
# < and >: the column to the left or right: TOTAL (most first), back.
tmux_keys runs '<'
tui_expect runs '3 runs, by TOTAL'
[ "$(order)" = "run-B 99 100 " ] || fail "by TOTAL: $(order)"
tmux_keys runs '<'
tui_expect runs '3 runs, by OTHER'
tmux_keys runs '>' '>'
tui_expect runs '3 runs, by last activity'
[ "$(order)" = "99 run-B 100 " ] || fail "back by activity: $(order)"
ok "sorting: s, < and >, active runs first"

# Search reads the columns as shown: "ended" is run 100's state.
tmux_keys runs / ended Enter
tui_expect runs '/ended 1/1'
tui_absent runs 'no run shows'
ok "search reads the state as shown"

# New messages update the row.
pub '{"msg_type":"tf_file_registered","run_id":99,"sender_agent":"data"}'
wait_for 5 sh -c "[ \"\$('$TMUX_PROG' -S '$TMUX_SOCK' capture-pane -p -t runs |
    awk '\$1 == 99 { print \$6, \$8 }')\" = '1 2' ]" || fail "run 99 not updated"
ok "live update"

tui_quit runs
tui_wait_dead runs
tui_clean runs
