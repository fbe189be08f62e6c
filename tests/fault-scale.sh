#!/bin/sh
# fault-scale.sh: the fault matrix, 100 000 distinct run ids and agents
# in the dashboard, published in batches of 10 000 through /sim/publish.
# The per-run and per-agent aggregates are capped (run.h: 4096 runs and
# 1024 agents, not configurable) and evict the least recently seen: the
# runs view counts 4096 runs "(oldest evicted)" with the newest run on
# top, the agents view 1024 agents, the status bar's total is 100000, and
# a run seen after the flood still enters (the count stays 4096). The
# message ring is --keep 5000. Memory bound: the high-water mark stays
# within 32 MiB of the resident size after connecting (a plain build
# needs about 8 MiB; 4 times that under AddressSanitizer or valgrind).
. "$top_srcdir/tests/lib.sh"
tui_setup
fault_setup

N=100000
BATCH=10000
MEM_KB=32768
# The client queue holds a whole batch: the sim drops nothing.
sim_start --token t --no-workflow --client-queue $((BATCH * 2))
tui_start scale 120 30 --keep 5000
mem_base "$TUI_PID"

i=1
while [ "$i" -le "$N" ]; do
	awk -v a="$i" -v b=$((i + BATCH - 1)) 'BEGIN {
	    printf "[";
	    for (n = a; n <= b; n++)
		printf "%s{\"msg_type\": \"stf_gen\", \"run_id\": %d, \"sender_agent\": \"agent-%d\", \"filename\": \"f%d.stf\"}",
		    (n > a ? ", " : ""), n, n, n;
	    printf "]" }' >"$T/batch.json"
	publish_file "$T/batch.json"
	i=$((i + BATCH))
done
tmux_wait_screen scale 60 "total $N " || {
	tmux_screen scale >&2
	bad "the status bar never counted $N messages"
}
dropped=$(sim_get /sim/stats | jq '.dropped_total')
[ "$dropped" = 0 ] || bad "the sim dropped $dropped messages"

tmux_keys scale 2
tui_expect scale '^4096 runs, by last activity (oldest evicted)'
tmux_screen scale | sed -n 5p | grep -q "^$N " ||
    bad "the newest run is not on top: $(tmux_screen scale | sed -n 5p)"
tmux_keys scale 3
tui_expect scale '^1024 agents seen'
tui_expect scale "agent-$N "
case_ok "aggregates capped at 4096 runs and 1024 agents"

pub '{"msg_type": "start_run", "run_id": "fresh", "sender_agent": "late-agent",
    "state": "run", "substate": "physics"}'
tui_expect scale '^1024 agents seen'
tmux_keys scale 1
tui_expect scale 'start_run  *late-agent  *fresh'
tmux_keys scale 2
tui_expect scale '^fresh  *-  *run/physics'
tui_expect scale '^4096 runs, by last activity (oldest evicted)'
case_ok "a run seen later enters; the count stays 4096"

alive "$TUI_PID" scale
mem_bounded "$TUI_PID" "$MEM_KB" scale 4
tui_quit scale
tui_wait_dead scale 30
[ "$TUI_RC" = 0 ] || bad "exit status $TUI_RC"
tui_clean scale
fault_finish
