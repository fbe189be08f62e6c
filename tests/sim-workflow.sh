#!/bin/sh
# sim-workflow.sh: the simulated DAQ workflow: lifecycle order, stamps,
# namespaces, simulated agents, and --seed determinism.
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

# All message types appear, with run ids as JSON numbers (processing
# agents use strings), sender and namespace set, some processed_by.
sed -n 's/^data: //p' "$T/a" | jq -c 'select(.msg_type)' >"$T/ja"
for t in run_imminent start_run stf_gen stf_ready data_ready \
    processing_complete end_run; do
	grep -q "\"msg_type\":\"$t\"" "$T/ja" || fail "no $t"
done
jq -e 'select(.msg_type == "stf_gen") | (.run_id | type) == "number"' \
    "$T/ja" | grep -q false && fail "a non-numeric stf_gen run_id"
jq -e 'select(.msg_type == "processing_complete") | (.run_id | type) == "string"' \
    "$T/ja" | grep -q false && fail "processing run_id not a string"
jq -e '(.sender | type) == "string" and (.namespace | type) == "string"
    and .queue_name == "epictopic" and (.sent_at | type) == "string"' \
    "$T/ja" | grep -q false && fail "a message without sender/namespace"
jq -r '.namespace' "$T/ja" | sort -u | tr '\n' ' ' | grep -q '^swf-alpha swf-beta $' ||
    fail "namespaces: $(jq -r .namespace "$T/ja" | sort -u | tr '\n' ' ')"
jq -e 'select(.msg_type == "data_ready") | .processed_by == .sender' \
    "$T/ja" | grep -q false && fail "data_ready without processed_by"
jq -r 'select(.msg_type == "stf_gen") | .filename' "$T/ja" |
    grep -E -v -q '^swf\.[0-9]{6}\.[0-9]{6}\.stf$' && fail "stf filename"
ok "message content"

# Per run: run_imminent, start_run, then stf_gen/pause/resume, end_run
# last; sequences count up; stamps follow the DAQ state.
jq -r 'select(.msg_type | IN("run_imminent","start_run","pause_run",
    "resume_run","end_run","stf_gen")) |
    "\(.run_id) \(.msg_type) \(.state)/\(.substate) \(.sequence // 0)"' \
    "$T/ja" >"$T/life"
awk '
{ run = $1; t = $2; st = $3; s = $4 }
t == "run_imminent" { if (run in phase) bad("imminent twice"); phase[run] = "imm";
	if (st != "beam/not_ready") bad("imminent stamp " st); next }
!(run in phase) { next }	# a run seen from the middle
t == "start_run" { if (phase[run] != "imm") bad("start not after imminent");
	phase[run] = "run"; if (st != "run/physics") bad("start stamp " st); next }
t == "stf_gen" { if (phase[run] != "run") bad("stf_gen while " phase[run]);
	if (s != last[run] + 1) bad("sequence " s " after " last[run]);
	last[run] = s; if (st != "run/physics") bad("stf stamp " st); next }
t == "pause_run" { if (phase[run] != "run") bad("pause while " phase[run]);
	phase[run] = "paused"; if (st != "run/standby") bad("pause stamp " st); next }
t == "resume_run" { if (phase[run] != "paused") bad("resume while " phase[run]);
	phase[run] = "run"; if (st != "run/physics") bad("resume stamp " st); next }
t == "end_run" { if (phase[run] != "run") bad("end while " phase[run]);
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

# The simulated agents are in the registry.
curl -s --noproxy '*' --max-time 5 "$a_url/api/systemagents/" >"$T/agents"
[ "$(jq length "$T/agents")" = 6 ] || fail "agents: $(cat "$T/agents")"
jq -e 'all(.[]; .status == "OK" and (.namespace | type) == "string")' \
    "$T/agents" >/dev/null || fail "agent records: $(cat "$T/agents")"
ok "simulated agents"

# --no-workflow: nothing but heartbeats.
sim_start --token t --no-workflow --heartbeat-interval 0.2
sim_stream "$T/q"
sleep 1
[ "$(sim_events "$T/q" | sort -u | tr '\n' ' ')" = "connected heartbeat " ] ||
    fail "--no-workflow sent: $(sim_events "$T/q" | sort -u)"
ok "--no-workflow"
