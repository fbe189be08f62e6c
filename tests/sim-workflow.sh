#!/bin/sh
# sim-workflow.sh: the simulated workflow: PROTOCOL.md's message catalogue
# (field shapes, string run ids, sequences, one execution per run),
# lifecycle order and stamps, namespaces and users, registered agents, and
# --seed determinism.
. "$top_srcdir/tests/lib.sh"

# Two sims with the same seed and speed, and one with another seed.
sim_start --token t --seed 42 --speed 60 --heartbeat-interval 100 --client-queue 100000
sim_stream "$T/a"
a_url=$SIM_URL
sim_start --token t --seed 42 --speed 60 --heartbeat-interval 100 --client-queue 100000
sim_stream "$T/b"
sim_start --token t --seed 43 --speed 60 --heartbeat-interval 100 --client-queue 100000
sim_stream "$T/c"
sleep 4

# seq FILE: "msg_type run_id sequence" per message.
seq_of() {
	sed -n 's/^data: //p' "$1" | jq -r 'select(.msg_type) |
	    "\(.msg_type) \(.run_id) \(.sequence // "-")"'
}
seq_of "$T/a" >"$T/sa"
seq_of "$T/b" >"$T/sb"
seq_of "$T/c" >"$T/sc"
n=$(wc -l <"$T/sa")
[ "$n" -ge 100 ] || fail "only $n messages in 4 s at --speed 60"
# The two runs of seed 42 agree on what both got. They connected at
# slightly different points of their workflows, so align on the first
# STF message of the one that started later.
anchor=$(grep -v ' -$' "$T/sb" | head -n 1)
grep -q -x -F "$anchor" "$T/sa" || anchor=$(grep -v ' -$' "$T/sa" | head -n 1)
ia=$(grep -n -x -F "$anchor" "$T/sa" | head -n 1 | cut -d: -f1)
ib=$(grep -n -x -F "$anchor" "$T/sb" | head -n 1 | cut -d: -f1)
[ -n "$ia" ] && [ -n "$ib" ] || fail "'$anchor' is not in both streams"
tail -n +"$ia" "$T/sa" >"$T/ta"
tail -n +"$ib" "$T/sb" >"$T/tb"
n=$(wc -l <"$T/ta")
m=$(wc -l <"$T/tb")
[ "$m" -lt "$n" ] && n=$m
[ "$n" -ge 100 ] || fail "only $n messages in common"
head -n "$n" "$T/ta" >"$T/ha"
head -n "$n" "$T/tb" >"$T/hb"
cmp -s "$T/ha" "$T/hb" ||
    fail "same seed, different workflow: $(diff "$T/ha" "$T/hb" | head -5)"
grep -q -x -F "$anchor" "$T/sc" && fail "another seed, same messages"
ok "seed determinism ($n messages)"

# The catalogue of PROTOCOL.md: all the workflow's types, nothing else.
sed -n 's/^data: //p' "$T/a" | jq -c 'select(.msg_type)' >"$T/ja"
for t in run_imminent start_run stf_gen stf_ready tf_file_registered \
    end_run; do
	grep -q "\"msg_type\":\"$t\"" "$T/ja" || fail "no $t"
done
jq -r .msg_type "$T/ja" | sort -u | grep -v -x -E \
    'run_imminent|start_run|pause_run|resume_run|stf_gen|stf_ready|tf_file_registered|end_run' &&
    fail "types outside the workflow's catalogue (data_ready, processing_complete, sse_test...)"
# all WHY SELECT COND: some messages match SELECT, and all satisfy COND
# (a jq error fails too).
all_of() {
	jq -s -e "[.[] | select($2)] | length > 0 and all(.[]; $3)" \
	    "$T/ja" >/dev/null || fail "$1"
}
# Run ids are strings everywhere; sender, namespace set, sender_agent
# copied from sender, no recipient.
all_of "a run_id that is not a string of digits" true \
    '(.run_id | type) == "string" and (.run_id | test("^[0-9]+$"))'
all_of "enrichment" true '(.sender | type) == "string" and
    (.namespace | type) == "string" and .sender_agent == .sender and
    .recipient_agent == null and .queue_name == "epictopic" and
    (.sent_at | test("^[0-9-]+T[0-9:.]+[+]00:00$"))'
jq -r '.namespace' "$T/ja" | sort -u | tr '\n' ' ' | grep -q '^swf-alpha swf-beta $' ||
    fail "namespaces: $(jq -r .namespace "$T/ja" | sort -u | tr '\n' ' ')"
# Agents <type>-agent-<user>-<n>, executions <workflow>-<user>-<NNNN>, one
# user per namespace.
all_of "agent names" true '.sender |
    test("^(workflow_runner|data|fastmon)-agent-(alpha|beta)-[0-9]+$")'
all_of "execution ids" 'has("execution_id")' '"\(.namespace) \(.execution_id)" |
    test("^(swf-alpha stf_datataking-alpha|swf-beta stf_datataking-beta)-[0-9]{4}$")'
# The runner's messages: base fields, stamps; end_run without a stamp.
runner='.msg_type | IN("run_imminent","start_run","pause_run","resume_run","end_run","stf_gen")'
all_of "runner message fields" "$runner" '(.execution_id | type) == "string"
    and (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{6})?$"))
    and (.simulation_tick | type) == "number"
    and (.sender | startswith("workflow_runner-agent-"))'
all_of "end_run with a state stamp or without total_stf_files" \
    '.msg_type == "end_run"' '(has("state") or has("substate") | not) and
    (.total_stf_files | type) == "number"'
jq -s -e 'all(.[] | select(.msg_type == "pause_run"); .reason | type == "string")' \
    "$T/ja" >/dev/null || fail "pause_run without reason"
all_of "run stamps" '.msg_type | IN("run_imminent","start_run","resume_run","stf_gen")' \
    '"\(.msg_type) \(.state)/\(.substate)" | IN("run_imminent beam/not_ready",
    "start_run run/physics", "resume_run run/physics", "stf_gen run/physics")'
# stf_gen: filename swf.<run>.<seq:06d>.stf.
all_of "stf_gen filename and sequence disagree" '.msg_type == "stf_gen"' \
    '.filename == "swf.\(.run_id).\("000000\(.sequence)" | .[-6:]).stf"'
# stf_ready from the data agent, with processed_by, without execution_id;
# the one-per-run shape has req_id and execution_id, no filename.
all_of "stf_ready (file)" '.msg_type == "stf_ready" and has("filename")' \
    '.processed_by == .sender and (.sender | startswith("data-agent-")) and
    (has("execution_id") | not) and
    ([has("file_url","checksum","size_bytes","sequence","state","substate")] | all) and
    (.filename as $f | .file_url | endswith($f)) and
    (.size_bytes | type) == "number" and (.sequence | type) == "number"'
all_of "stf_ready (run)" '.msg_type == "stf_ready" and (has("filename") | not)' \
    'has("req_id") and (.execution_id | type) == "string" and
    .processed_by == .sender'
# tf_file_registered from the fast-monitoring agent.
all_of "tf_file_registered fields" '.msg_type == "tf_file_registered"' \
    '([has("run_id","execution_id","tf_filename","stf_filename","tf_first",
    "tf_last","tf_count","file_size_bytes","status","timestamp")] | all) and
    (.processed_by | startswith("fastmon-agent-")) and
    .processed_by == .sender and .tf_last - .tf_first + 1 == .tf_count'
# One execution per run, and one run per execution.
[ "$(jq -r 'select(.execution_id) | "\(.run_id) \(.execution_id)"' "$T/ja" |
    sort -u | awk '{ r[$1]++; e[$2]++ } END { for (k in r) if (r[k] > 1) n++;
    for (k in e) if (e[k] > 1) n++; print n + 0 }')" = 0 ] ||
    fail "a run with two executions or an execution with two runs"
ok "message catalogue"

# Per run: run_imminent, start_run, then stf_gen/pause/resume, end_run
# last; sequences count up; stamps follow the DAQ state.
jq -r 'select(.msg_type | IN("run_imminent","start_run","pause_run",
    "resume_run","end_run","stf_gen")) |
    "\(.run_id) \(.msg_type) \(.state)/\(.substate) \(.sequence // .total_stf_files // 0)"' \
    "$T/ja" >"$T/life"
awk '
{ run = $1; t = $2; st = $3; s = $4 }
t == "run_imminent" { if (run in phase) bad("imminent twice"); phase[run] = "imm";
	if (st != "beam/not_ready") bad("imminent stamp " st); next }
!(run in phase) { next }	# a run seen from the middle
t == "start_run" { if (phase[run] != "imm") bad("start not after imminent");
	phase[run] = "run"; if (st != "run/physics") bad("start stamp " st); next }
t == "stf_gen" { if (phase[run] != "run") bad("stf_gen while " phase[run]);
	if (s != last[run] + 1) bad("sequence " s " after " last[run] + 0);
	last[run] = s; if (st != "run/physics") bad("stf stamp " st); next }
t == "pause_run" { if (phase[run] != "run") bad("pause while " phase[run]);
	phase[run] = "paused"; if (st != "run/standby") bad("pause stamp " st); next }
t == "resume_run" { if (phase[run] != "paused") bad("resume while " phase[run]);
	phase[run] = "run"; if (st != "run/physics") bad("resume stamp " st); next }
t == "end_run" { if (phase[run] != "run") bad("end while " phase[run]);
	if (st != "null/null") bad("end_run stamp " st);
	if (s != last[run]) bad("total_stf_files " s " after " last[run]);
	phase[run] = "ended"; ended++; next }
function bad(why) { print "run " run ": " why; err = 1; exit 1 }
END { if (err) exit 1; if (ended < 2) { print "only " ended " runs ended"; exit 1 } }
' "$T/life" || fail "lifecycle"
# Two runs overlap: a run starts in one namespace while the other runs.
jq -r 'select(.msg_type | IN("start_run","end_run")) | "\(.namespace) \(.msg_type)"' \
    "$T/ja" | awk '$2 == "start_run" { open[$1] = 1; n = 0; for (k in open) n += open[k];
	if (n > 1) found = 1 } $2 == "end_run" { open[$1] = 0 }
	END { exit !found }' || fail "no overlapping runs"
ok "lifecycle order and stamps"

# Every sender is a real agent in the registry, in its namespace: the
# runner's name is both the messages' sender and a registry row.
curl -s --noproxy '*' --max-time 5 "$a_url/api/systemagents/" >"$T/agents"
[ "$(jq length "$T/agents")" = 6 ] || fail "agents: $(cat "$T/agents")"
jq -e 'all(.[]; .status == "OK" and (.namespace | type) == "string")' \
    "$T/agents" >/dev/null || fail "agent records: $(cat "$T/agents")"
jq -r '"\(.sender) \(.namespace)"' "$T/ja" | sort -u >"$T/senders"
jq -r '.[] | "\(.instance_name) \(.namespace)"' "$T/agents" | sort -u >"$T/reg"
[ "$(comm -23 "$T/senders" "$T/reg")" = "" ] ||
    fail "senders not in the registry: $(comm -23 "$T/senders" "$T/reg")"
grep -q '^workflow_runner-agent-alpha-[0-9]* swf-alpha$' "$T/reg" ||
    fail "no runner agent: $(cat "$T/reg")"
jq -e 'map(select(.instance_name | startswith("workflow_runner-agent-")))
    | length == 2 and all(.[]; .agent_type == "workflow_runner")' \
    "$T/agents" >/dev/null || fail "runner records: $(cat "$T/agents")"
ok "senders are registered agents"

# --no-workflow: nothing but heartbeats.
sim_start --token t --no-workflow --heartbeat-interval 0.2
sim_stream "$T/q"
sleep 1
[ "$(sim_events "$T/q" | sort -u | tr '\n' ' ')" = "connected heartbeat " ] ||
    fail "--no-workflow sent: $(sim_events "$T/q" | sort -u)"
ok "--no-workflow"
