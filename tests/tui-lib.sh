# tests/tui-lib.sh: helpers for the dashboard's tmux-driven tests
# (tests/tui-*.sh), on top of tests/lib.sh. Source it instead of lib.sh.
. "$top_srcdir/tests/lib.sh"

command -v jq >/dev/null 2>&1 || skip "no jq"

# tui_start NAME COLS ROWS [ARGS...]: run swf-dash against $SIM_URL in a
# detached tmux session of that size, as the pane's process (pid in
# $TUI_PID), stderr in $T/NAME.err; wait until it shows it is connected.
tui_start() {
	_tn=$1 _tc=$2 _tr=$3; shift 3
	_targs=""
	for _a in "$@"; do
		_targs="$_targs '$_a'"
	done
	tmux_start "$_tn" "$_tc" "$_tr" "exec env SWF_API_TOKEN=\${TUI_TOKEN:-t} \
SWF_SSE_RECEIVER_NAME=\${TUI_NAME:-tui-test} '$SWF_DASH' --url '$SIM_URL' \
$_targs 2>'$T/$_tn.err'"
	TUI_PID=$("$TMUX_PROG" -S "$TMUX_SOCK" display -p -t "$_tn" '#{pane_pid}')
	[ -n "${TUI_NOWAIT:-}" ] && return 0
	tmux_wait_screen "$_tn" 10 ' connected ' || {
		tmux_screen "$_tn" >&2
		cat "$T/$_tn.err" >&2
		fail "the dashboard did not connect"
	}
}

# tui_expect NAME PATTERN [SECONDS]: wait for the screen to show PATTERN
# (a grep -e regex), else fail showing the screen.
tui_expect() {
	tmux_wait_screen "$1" "${3:-5}" "$2" || {
		tmux_screen "$1" >&2
		fail "screen never showed: $2"
	}
}

# tui_absent NAME PATTERN: fail if the screen shows PATTERN now.
tui_absent() {
	if tmux_screen "$1" | grep -q -e "$2"; then
		tmux_screen "$1" >&2
		fail "screen shows: $2"
	fi
}

# tui_count NAME PATTERN: how many screen lines match PATTERN.
tui_count() {
	tmux_screen "$1" | grep -c -e "$2"
}

# tui_pane NAME FORMAT: a tmux format of the pane, e.g. '#{pane_dead}'.
tui_pane() {
	"$TMUX_PROG" -S "$TMUX_SOCK" display -p -t "$1" "$2"
}

# _tui_reaped NAME: whether tmux has the pane's exit status. A sanitizer
# build stops itself under ptrace at exit (LeakSanitizer), and tmux can
# miss the SIGCHLD that follows: once the pane is dead, nudge the server.
_tui_reaped() {
	[ "$(tui_pane "$1" '#{pane_dead}')" = 1 ] || return 1
	[ -n "$(tui_pane "$1" '#{pane_dead_status}')" ] && return 0
	kill -CHLD "$(tui_pane "$1" '#{pid}')" 2>/dev/null
	return 1
}

# tui_wait_dead NAME [SECONDS]: wait for the dashboard to exit; its exit
# status in $TUI_RC.
tui_wait_dead() {
	wait_for "${2:-10}" _tui_reaped "$1" || {
		tmux_screen "$1" >&2
		fail "the dashboard did not exit"
	}
	TUI_RC=$(tui_pane "$1" '#{pane_dead_status}')
}

# tui_quit NAME: quit from a top view: q, then y when the dashboard asks
# (it does while the stream is live); then tui_wait_dead.
_tui_quit_asked() {
	[ "$(tui_pane "$1" '#{pane_dead}')" = 1 ] ||
	    tmux_screen "$1" | grep -q 'quit swf-dash?'
}
tui_quit() {
	tmux_keys "$1" q
	wait_for 5 _tui_quit_asked "$1" || {
		tmux_screen "$1" >&2
		fail "q neither quit nor asked"
	}
	[ "$(tui_pane "$1" '#{pane_dead}')" = 1 ] || tmux_keys "$1" y
}

# tui_record NAME: keep everything the pane's program writes in $T/NAME.raw.
tui_record() {
	"$TMUX_PROG" -S "$TMUX_SOCK" pipe-pane -o -t "$1" "cat >'$T/$1.raw'"
}

# tui_restored NAME: after tui_record, the program's last words left the
# alternate screen and showed the cursor (tmux itself hides the cursor
# of a dead pane, so its flags cannot tell).
tui_restored() {
	_last=$(grep -a -o '\[?1049[hl]' "$T/$1.raw" | tail -n 1)
	[ "$_last" = '[?1049l' ] || fail "$1: the alternate screen was not left"
	_last=$(grep -a -o '\[?25[hl]' "$T/$1.raw" | tail -n 1)
	[ "$_last" = '[?25h' ] || fail "$1: the cursor was left hidden"
}

# tui_clean NAME: fail if the dashboard's stderr has a sanitizer report.
tui_clean() {
	if grep -E -q 'Sanitizer|runtime error|LeakSanitizer' "$T/$1.err"; then
		cat "$T/$1.err" >&2
		fail "sanitizer report"
	fi
}

# pub JSON: publish (an object or an array), failing unless accepted.
pub() {
	_code=$(publish "$1")
	[ "$_code" = 202 ] || fail "publish: HTTP $_code"
}

# seq_msgs FIRST LAST TYPE RUN [EXTRA]: a JSON array of messages whose
# text is "n=NNN" for each number.
seq_msgs() {
	_x=${5:-'{}'}
	jq -cn --argjson a "$1" --argjson b "$2" --arg t "$3" --argjson r "$4" \
	    --argjson x "$_x" \
	    '[range($a; $b + 1) | {msg_type: $t, run_id: $r,
	      sender: "tester", sender_agent: "tester",
	      message: ("n=" + (tostring |
	      if length < 3 then ("00" + .)[-3:] else . end))} + $x]'
}

# runs_fixture: three runs as a JSON array of messages: run 100 (numeric,
# a whole lifecycle, ended), "run-B" (a string id, running) and 99 (one
# message, no lifecycle), from agents daq, data and proc.
runs_fixture() {
	jq -cn '
	def m(t; r; a): {msg_type: t, run_id: r, sender: a, sender_agent: a,
	    namespace: "ns1"};
	def f(t; r; a; i): m(t; r; a) + {filename: ("f\(r)-\(i).stf")};
	[ m("run_imminent"; 100; "daq") + {state: "no_beam", substate: "not_ready"},
	  m("start_run"; 100; "daq") + {state: "run", substate: "physics"},
	  (range(1; 5) as $i | f("stf_gen"; 100; "daq"; $i),
	      f("stf_ready"; 100; "data"; $i)),
	  (range(1; 4) as $i | f("tf_file_registered"; 100; "data"; $i)),
	  (range(1; 3) as $i | f("calib_done"; 100; "proc"; $i)),
	  m("end_run"; 100; "daq") + {state: "run", substate: "physics"},
	  m("start_run"; "run-B"; "daq") + {state: "beam", substate: "standby"},
	  f("stf_gen"; "run-B"; "daq"; 1), f("stf_gen"; "run-B"; "daq"; 2),
	  f("stf_ready"; "run-B"; "data"; 1),
	  f("stf_gen"; 99; "daq"; 1) ]'
}

# fixture_count RUN [TYPE]: messages of the fixture for RUN (of TYPE).
fixture_count() {
	runs_fixture | jq --arg r "$1" --arg t "${2:-}" \
	    '[.[] | select((.run_id | tostring) == $r and
	      ($t == "" or .msg_type == $t))] | length'
}
