#!/bin/sh
# tui-cmd.sh: ':' opens a command line: :run ID, :agent NAME, :ns NAME,
# :type T, :q; Tab completes the command and its argument from what has
# been seen (the longest common prefix first, then each match in turn);
# Esc leaves the views it opens.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow
tui_start cmd 100 30
pub "$(runs_fixture)"
tui_expect cmd 'f99-1.stf'

# gone PATTERN: wait for the screen to stop showing PATTERN (Esc is only
# taken for itself after the terminal's escape delay).
gone() {
	wait_for 5 sh -c "! '$TMUX_PROG' -S '$TMUX_SOCK' capture-pane -p \
	    -t cmd | grep -q -e '$1'" || fail "still shown: $1"
}

# :run with completion: "1" can only be run 100.
tmux_keys cmd : r Tab			# run or report
tui_expect cmd '^:run  *(1/2, Tab: next)'
tmux_keys cmd Tab
tui_expect cmd '^:report  *(2/2, Tab: next)'
tmux_keys cmd C-u r u Tab
tui_expect cmd '^:run$'
tmux_keys cmd 1 Tab
tui_expect cmd '^:run 100$'
tmux_keys cmd Enter
tui_expect cmd '> Run$'
tui_expect cmd '^run 100  ns ns1  ended'
tmux_keys cmd Escape
gone '> Run$'
ok ":run, Tab completes the command and the run id; Esc comes back"

# :agent: "d" is daq or data: the common prefix, then each in turn.
tmux_keys cmd : a g Tab d Tab
tui_expect cmd '^:agent da  *(2 match)'
tmux_keys cmd Tab
tui_expect cmd '^:agent daq  *(1/2, Tab: next)'
tmux_keys cmd Tab
tui_expect cmd '^:agent data  *(2/2, Tab: next)'
tmux_keys cmd Tab
tui_expect cmd '^:agent daq  *(1/2, Tab: next)'
tmux_keys cmd Tab Enter
tui_expect cmd '> Agent$'
tui_expect cmd '^agent data  [0-9]* messages'
tmux_keys cmd q
gone '> Agent$'
ok ":agent, Tab cycles through the matches"

# :ns and :type set the view filter; no argument: any.
tmux_keys cmd : n s Space n Tab Enter
tui_expect cmd 'view: namespace=ns1'
tmux_keys cmd : t y p e Space s t f _ g Tab Enter
tui_expect cmd 'view: type=stf_gen namespace=ns1'
tmux_keys cmd 1
tui_absent cmd 'stf_ready'
tmux_keys cmd : t y p e Enter
tui_expect cmd 'view: namespace=ns1  sub'
tmux_keys cmd : n s Enter
tui_expect cmd 'view: all  sub'
ok ":ns and :type narrow the view filter, and widen it back"

# Mistakes are said in words.
tmux_keys cmd : b o g u s Enter
tui_expect cmd ':bogus: no such command'
tmux_keys cmd : r u n Space 7 7 7 Enter
tui_expect cmd ':run 777: no such run seen'
tmux_keys cmd : a g e n t Space n o b o d y Enter
tui_expect cmd ':agent nobody: no such agent seen'
tmux_keys cmd : r u n Space 7 Tab
tui_expect cmd '^:run 7  *(nothing seen matches)'
tmux_keys cmd Escape
gone '^:run'
ok "unknown commands and runs in words; Esc cancels"

# Esc is back everywhere: each sub-view, one level at a time.
for v in 'Help:?' 'Detail:1 G Enter' 'Run:2 g Enter' 'Agent:3 g Enter'; do
	tmux_keys cmd ${v#*:}
	tui_expect cmd "> ${v%%:*}\$"
	tmux_keys cmd Escape
	gone "> ${v%%:*}\$"
done
tmux_keys cmd 2 g Enter
tui_expect cmd '> Run$'
tmux_keys cmd Enter
tui_expect cmd '> Run > Detail$'
tmux_keys cmd Escape
tui_expect cmd '> Run$'
tmux_keys cmd Escape
gone '> Run'
tmux_keys cmd 1
ok "Esc leaves Help, Detail, Run, Agent, one level at a time"

# :q quits at once, live stream or not (it was asked for by name).
tmux_keys cmd : q Enter
tui_wait_dead cmd
[ "$TUI_RC" = 0 ] || fail "exit status $TUI_RC"
tui_clean cmd
ok ":q"

# Presets of the config file: :preset NAME sets the view filter.
printf '%s\n' 'preset.night = -m stf_gen -r 100' \
    'preset.data = --agent data' >"$T/config"
tui_start pre 100 30 --config "$T/config"
pub "$(runs_fixture)"
tui_expect pre 'f99-1.stf'
tmux_keys pre : p r Tab n Tab
tui_expect pre '^:preset night$'
tmux_keys pre Enter
tui_expect pre 'view: type=stf_gen run=100  sub'
tui_expect pre 'preset night: view filter: type=stf_gen run=100'
[ "$(tmux_screen pre | grep -c ' stf_gen  .* 100  ')" = \
    "$(fixture_count 100 stf_gen)" ] || fail "rows of preset night"
tui_absent pre 'stf_ready'
tmux_keys pre : p r e s e t Space d a t a Enter
tui_expect pre 'view: agent=data  sub'
tmux_keys pre : p r e s e t Enter
tui_expect pre 'presets: night, data'
tmux_keys pre : p r e s e t Space d a y Enter
tui_expect pre ':preset day: no such preset (night, data)'
ok ":preset NAME from the config file, with completion"
tmux_keys pre C-c
tui_wait_dead pre
tui_clean pre

# :report RUN: a plain-text report, to a file named at a prompt (run-N.txt
# offered), 0600, never over a file or through a link.
tui_start rep 100 30 --stall-after 1
pub "$(runs_fixture)"
pub '{"msg_type":"start_run","run_id":"r/../7","sender":"daq","state":"run","substate":"physics"}'
pub '{"msg_type":"stf_gen","run_id":"r/../7","sender":"daq","sequence":1,"filename":"swf.7.000001.stf"}'
pub '{"msg_type":"stf_gen","run_id":"r/../7","sender":"daq","sequence":4,"filename":"swf.7.000004.stf"}'
tui_expect rep 'swf.7.000004.stf'
# to NAME: the prompt's text replaced by a path in $T.
to() {
	tmux_keys rep C-u
	tmux_keys rep -l "$T/$1"
	tmux_keys rep Enter
}
tmux_keys rep : r e p Tab 1 Tab Enter
tui_expect rep '^report to: run-100.txt$'
to run-100.txt
tui_expect rep "wrote the report of run 100 to $T/run-100.txt"
[ "$(stat -c %a "$T/run-100.txt")" = 600 ] || fail "report mode"
grep -q '^swf-dash .*: report of run 100$' "$T/run-100.txt" || fail "title"
grep -q '^state  *ended (last stamp run/physics)$' "$T/run-100.txt" ||
    fail "state: $(cat "$T/run-100.txt")"
grep -q "^messages  *$(fixture_count 100)$" "$T/run-100.txt" || fail "count"
grep -q "^stf_gen  *$(fixture_count 100 stf_gen)$" "$T/run-100.txt" ||
    fail "stf_gen"
grep -q "^tf registered  *$(fixture_count 100 tf_file_registered)$" \
    "$T/run-100.txt" || fail "tf"
grep -q "^gaps  *none$" "$T/run-100.txt" || fail "gaps"
grep -q '^lifecycle  *3 messages$' "$T/run-100.txt" || fail "lifecycle"
grep -q '^  [0-9-]* [0-9:.]* [-+0-9]*  end_run ' "$T/run-100.txt" ||
    fail "end_run in the history"
# Again: the file exists, and is kept.
tmux_keys rep : r e p o r t Space 1 0 0 Enter
to run-100.txt
tui_expect rep "no report written: $T/run-100.txt: File exists"
# A symbolic link is not followed.
ln -s "$T/elsewhere" "$T/link.txt"
tmux_keys rep : r e p o r t Space 1 0 0 Enter
to link.txt
tui_expect rep "no report written: $T/link.txt: File exists"
[ ! -e "$T/elsewhere" ] || fail "the link was followed"
ok ":report RUN: its state, counts, history; never over a file or a link"

# A run with a gap and an alert; its odd id gives a safe file name.
tui_expect rep 'RAISED\|run_stalled' 10
tmux_keys rep : r e p o r t Space r / Tab Enter
tui_expect rep '^report to: run-r_.._7.txt$'
to run-r_.._7.txt
tui_expect rep "wrote the report of run r/../7 to $T/run-r_.._7.txt"
grep -q '^gaps  *2 stf_gen missing: sequences 2.3' "$T/run-r_.._7.txt" ||
    fail "gaps: $(cat "$T/run-r_.._7.txt")"
grep -q '^  ACTIVE  *run_stalled ' "$T/run-r_.._7.txt" ||
    fail "alerts: $(cat "$T/run-r_.._7.txt")"
ok ":report RUN: gaps and alerts"
tmux_keys rep C-c
tui_wait_dead rep
tui_clean rep
