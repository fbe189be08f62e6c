#!/bin/sh
# tui-run.sh: Enter on a run opens its view: only its messages (through
# the same list), its lifecycle history with times, counts per type and
# the agents involved.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start run 200 50
pub "$(runs_fixture)"
tui_expect run 'f99-1.stf'
tmux_keys run 2
tui_expect run '3 runs, by last activity'
tmux_keys run s
tui_expect run '3 runs, by run id'
tmux_keys run j j Enter		# 99, run-B (active first), then 100
tui_expect run '> Run'
tui_expect run "^run 100  ns ns1  ended  [0-9:]*-[0-9:]* ([0-9a-z]*)  $(fixture_count 100) messages"
tui_expect run "stf_gen=$(fixture_count 100 stf_gen)"
tui_expect run "tf_file_registered=$(fixture_count 100 tf_file_registered)"
tui_expect run "calib_done=$(fixture_count 100 calib_done)"
tui_expect run '^agents: .* daq=7'
tui_expect run '^agents: .* data=7'
tui_expect run '^agents: .* proc=2'
tui_expect run '^history: 3 lifecycle messages'
tui_expect run '^  [0-9:.]*  run_imminent  *no_beam/not_ready'
tui_expect run '^  [0-9:.]*  start_run  *run/physics'
tui_expect run '^  [0-9:.]*  end_run  *run/physics'
ok "summary and history"

# Its messages only: every list row is of run 100, all 16 of them.
rows=$(tmux_screen run | grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]* ')
[ "$rows" = "$(fixture_count 100)" ] || fail "$rows rows"
tmux_screen run | awk '/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]* / &&
    $4 != "100"' | grep . && fail "a row of another run"
tui_expect run "run 100: $(fixture_count 100) retained"
ok "only its messages"

# A new message of the run arrives in its list; others do not.
pub '[{"msg_type":"stf_gen","run_id":99,"sender_agent":"daq","filename":"other.stf"},
  {"msg_type":"stf_gen","run_id":100,"sender_agent":"daq","filename":"late.stf"}]'
tui_expect run 'late.stf'
tui_absent run 'other.stf'
# Enter opens the detail of a message of the run; q comes back.
tmux_keys run Enter
tui_expect run '"filename": "late.stf"'
tmux_keys run q
tui_expect run '^run 100'
tmux_keys run q
tui_expect run '3 runs, by run id'
ok "live and detail"

tui_quit run
tui_wait_dead run
tui_clean run
