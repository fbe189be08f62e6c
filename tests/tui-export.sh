#!/bin/sh
# tui-export.sh: w writes what the visible view lists (the view filter
# applied) to a file named at a prompt: JSON lines (the data as received),
# CSV for ".csv" (RFC 4180 quoting), never over an existing file or
# through a symbolic link.
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow --heartbeat-interval 0.5

tui_start ex 120 24
pub '{"msg_type":"stf_gen","run_id":"7","sender":"daq","message":"first"}'
pub '{"msg_type":"sse_test","run_id":"7","sender":"tester","message":"other"}'
pub '{"msg_type":"stf_gen","run_id":"8","sender":"daq","filename":"a,b.stf","message":"say \"hi\""}'
tui_expect ex 'say "hi"'
# The newest message is selected: t narrows the view filter to stf_gen.
tmux_keys ex t
tui_expect ex 'view: type=stf_gen'

tmux_keys ex w
tui_expect ex 'write to (.csv: CSV):'
tmux_keys ex -l "$T/out.jsonl"
tmux_keys ex Enter
tui_expect ex "wrote 2 messages (view filter: type=stf_gen) to $T/out.jsonl as JSON lines"
[ "$(wc -l < "$T/out.jsonl")" = 2 ] || { cat "$T/out.jsonl"; fail "jsonl: not 2 lines"; }
[ "$(jq -r .message "$T/out.jsonl" | tr '\n' '|')" = 'first|say "hi"|' ] ||
    { cat "$T/out.jsonl"; fail "jsonl: wrong messages"; }
[ "$(stat -c %a "$T/out.jsonl")" = 600 ] || fail "jsonl: mode"
ok "w: JSON lines of the view-filtered messages"

tmux_keys ex w
tmux_keys ex -l "$T/out.csv"
tmux_keys ex Enter
tui_expect ex "wrote 2 messages .* as CSV"
[ "$(head -n 1 "$T/out.csv" | tr -d '\r')" = 'time,type,agent,run,namespace,file,text' ] ||
    fail "csv: header"
python3 - "$T/out.csv" <<'PY' || fail "csv: rows"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert len(rows) == 3, rows
assert rows[1][1:4] == ['stf_gen', 'daq', '7'], rows[1]
assert rows[2][5] == 'a,b.stf' and rows[2][6] == 'say "hi"', rows[2]
assert rows[2][0].endswith('Z') and 'T' in rows[2][0], rows[2][0]
PY
ok "w: CSV with quoting"

# An existing file is not overwritten.
tmux_keys ex w
tmux_keys ex -l "$T/out.csv"
tmux_keys ex Enter
tui_expect ex "not written: $T/out.csv: File exists (choose another name)"
[ "$(wc -l < "$T/out.csv")" = 3 ] || fail "csv overwritten"
ok "w never overwrites"

# In a run's view w writes that run's messages (the view filter applied),
# in an agent's view that agent's.
tmux_keys ex x 2
tui_expect ex '2 runs, by'
tmux_keys ex / 7 Enter Enter
tui_expect ex '> Run$'
tmux_keys ex w
tmux_keys ex -l "$T/run7.jsonl"
tmux_keys ex Enter
tui_expect ex "wrote 2 messages (run 7, view filter: all) to $T/run7.jsonl"
[ "$(jq -r .message "$T/run7.jsonl" | tr '\n' '|')" = 'first|other|' ] ||
    { cat "$T/run7.jsonl"; fail "run 7: wrong messages"; }
tmux_keys ex q 3 / t e s t e r Enter Enter
tui_expect ex '> Agent$'
tmux_keys ex w
tmux_keys ex -l "$T/tester.csv"
tmux_keys ex Enter
tui_expect ex "wrote 1 messages (agent=tester, view filter: all) to $T/"
[ "$(wc -l < "$T/tester.csv")" = 2 ] || fail "agent tester: $(cat "$T/tester.csv")"
# Through a symbolic link: refused in words, nothing written there.
ln -s "$T/target" "$T/link.jsonl"
tmux_keys ex w
tmux_keys ex -l "$T/link.jsonl"
tmux_keys ex Enter
tui_expect ex "not written: $T/link.jsonl: File exists"
[ ! -e "$T/target" ] || fail "w followed a symbolic link"
ok "w in a run's and an agent's view writes what they list"
tmux_keys ex C-c
tui_wait_dead ex
tui_clean ex
