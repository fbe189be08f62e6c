#!/bin/sh
# sim-catalogue.sh: the optional parts of the message catalogue: the
# production namespace (--prodops) and a runner that sends JSON-number run
# ids (--numeric-run-ids), which the server's run_ids filter never matches
# (quirk 2), while string run ids do match.
. "$top_srcdir/tests/lib.sh"

# --prodops: the production types from a registered agent in prodops.
sim_start --token t --speed 20 --prodops --heartbeat-interval 100
sim_stream "$T/p"
sleep 3
sed -n 's/^data: //p' "$T/p" | jq -c 'select(.namespace == "prodops")' >"$T/prod"
n=$(wc -l <"$T/prod")
[ "$n" -ge 3 ] || fail "only $n production messages in 3 s"
jq -s -e 'all(.[]; (.msg_type | IN("prodtask_created",
    "prodtask_status_changed", "panda_task_operation_done",
    "payload_log_ready", "canary_assess_complete")) and
    (.ok | type) == "boolean" and (.status | type) == "string" and
    (.task_name | type) == "string" and (.jedi_task_id | type) == "number"
    and (if .ok then (.summary | type) == "string"
         else (.error | type) == "string" end) and
    (has("run_id") or has("execution_id") | not) and
    .sender == .sender_agent and
    (.sender | test("^prodops-agent-prodops-[0-9]+$")))' "$T/prod" >/dev/null ||
    fail "production messages: $(head -n 3 "$T/prod")"
sender=$(jq -r .sender "$T/prod" | sort -u)
curl -s --noproxy '*' --max-time 5 "$SIM_URL/api/systemagents/" |
    jq -e ".[] | select(.instance_name == \"$sender\") |
    .namespace == \"prodops\" and .status == \"OK\"" >/dev/null ||
    fail "$sender is not registered in prodops"
# The DAQ workflow runs beside it.
grep -q '^event: stf_gen$' "$T/p" || fail "no workflow beside prodops"
sim_stop_clean
ok "--prodops: $n messages from $sender"

# run_ids filter against the runner's run ids: RUN is taken from an
# unfiltered client, then a filtered client waits for more of that run.
# filtered_count ARGS: how many messages of a running run the filter gave.
filtered_count() {
	sim_start --token t --speed 20 --heartbeat-interval 100 \
	    --namespaces swf-alpha "$@"
	sim_stream "$T/all"
	wait_for 10 grep -q '^event: stf_gen$' "$T/all" || fail "no stf_gen"
	run=$(sed -n 's/^data: //p' "$T/all" |
	    jq -r 'select(.msg_type == "stf_gen") | .run_id' | head -n 1)
	sim_stream "$T/f" "?run_ids=$run"
	# The run goes on at least 8 STFs: a few more come within 1.5 s.
	sleep 1.5
	more=$(sed -n 's/^data: //p' "$T/all" |
	    jq -c "select(.msg_type == \"stf_gen\" and (.run_id | tostring) == \"$run\")" |
	    wc -l)
	[ "$more" -ge 2 ] || fail "run $run sent only $more stf_gen"
	jq_type=$(sed -n 's/^data: //p' "$T/all" |
	    jq -r 'select(.msg_type == "stf_gen") | .run_id | type' | sort -u)
	got=$(grep -c '^event: ' "$T/f")
	sim_stop_clean
}
filtered_count
[ "$jq_type" = string ] || fail "default run ids are $jq_type"
[ "$got" -ge 3 ] || fail "string run ids: the filter passed only $got events"
ok "string run ids pass run_ids=$run ($got events)"
filtered_count --numeric-run-ids
[ "$jq_type" = number ] || fail "--numeric-run-ids gave $jq_type"
[ "$got" = 1 ] || fail "numeric run ids passed run_ids=$run: $got events"
ok "--numeric-run-ids: run ids are numbers, run_ids=$run passes none"
