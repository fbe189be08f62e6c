# tests/lib.sh: the one helper library of the shell tests. Every test
# sources it first, and only it:
#   . "$top_srcdir/tests/lib.sh"
#
# Sourcing it makes a private temporary directory ($T) and a private
# $HOME, scrubs the environment, and arranges that every process started
# with bg_start (swf-sim, swf-dash, stream readers) and every tmux server
# is killed on exit. Nothing here talks to anything but loopback.
#
# What only some tests want is an explicit call after sourcing:
#   client_setup   headless swf-dash tests (tests/client-*.sh, the fault
#                  matrix run headless): token and receiver name, jq, curl
#   tui_setup      tmux-driven dashboard tests (tests/tui-*.sh): jq
#   fault_setup    the fault matrix (tests/fault-*.sh and the tests that
#                  borrow its checks): the ASan quarantine and the scales
#
# Sections:
#   1. Environment (at source time)      6. Headless swf-dash
#   2. Outcomes                          7. tmux
#   3. Processes and waiting             8. The dashboard under tmux
#   4. swf-sim                           9. The fault matrix
#   5. Sanitizer reports

# -------------------------------------------------------------------------
# 1. Environment (at source time, for every test)
# -------------------------------------------------------------------------

set -u
: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SWF_DASH:=$top_builddir/src/swf-dash}"
: "${SWF_SIM:=$top_builddir/src/swf-sim}"

T=$(mktemp -d "${TMPDIR:-/tmp}/swf-test.XXXXXX") || exit 99
_bg_pids=""
_tmux_socks=""
# Keep tests away from the user's configuration.
HOME="$T/home"; mkdir -p "$HOME"; export HOME
XDG_CONFIG_HOME="$HOME/.config"; export XDG_CONFIG_HOME
unset SWF_API_TOKEN SWF_MONITOR_PROD_URL SWF_MONITOR_URL REQUESTS_CA_BUNDLE \
    SWF_SSE_RECEIVER_NAME NO_COLOR http_proxy https_proxy HTTP_PROXY \
    HTTPS_PROXY ALL_PROXY all_proxy
NO_PROXY='*'; export NO_PROXY
# swf-dash writes ASCII under a locale that is not UTF-8; the tests expect
# UTF-8 (a clean machine may have LANG unset).
case $(locale charmap 2>/dev/null) in
UTF-8) ;;
*) LC_ALL=C.UTF-8; export LC_ALL ;;
esac

# _cleanup: the EXIT trap: kill the tmux servers and the background
# processes (under make check-valgrind, first give them $SWF_KILL_WAIT
# seconds to finish their leak check), then remove $T unless $KEEP_TMP.
_cleanup() {
	for s in $_tmux_socks; do
		"${TMUX_PROG:-tmux}" -S "$s" kill-server 2>/dev/null
	done
	for p in $_bg_pids; do
		kill "$p" 2>/dev/null
	done
	if [ -n "${SWF_KILL_WAIT:-}" ]; then
		wait_for "$SWF_KILL_WAIT" _bg_all_stopped
	else
		sleep 0.1
	fi
	for p in $_bg_pids; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -z "${KEEP_TMP:-}" ]; then rm -rf "$T"; fi
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

# -------------------------------------------------------------------------
# 2. Outcomes
# -------------------------------------------------------------------------

# fail MESSAGE: report and exit non-zero (the EXIT trap cleans up).
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip MESSAGE: exit 77, which automake counts as skipped.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# ok MESSAGE: report a check that passed.
ok() {
	echo "ok: $*"
}

# -------------------------------------------------------------------------
# 3. Processes and waiting
# -------------------------------------------------------------------------

# bg_start CMD...: run in the background, remember the pid in $BG_PID (the
# EXIT trap kills it).
bg_start() {
	"$@" &
	BG_PID=$!
	_bg_pids="$_bg_pids $BG_PID"
}

# wait_for SECONDS CMD...: poll CMD every 0.05 s until it succeeds; return
# 1 if it still fails after SECONDS.
wait_for() {
	_limit=$1; shift
	_n=0
	_max=$(awk "BEGIN { print int($_limit * 20) }")
	while ! "$@" 2>/dev/null; do
		_n=$((_n + 1))
		[ "$_n" -ge "$_max" ] && return 1
		sleep 0.05
	done
	return 0
}

# proc_running PID: whether PID is running (a child that crashed or exited
# stays a zombie until reaped: that counts as not running).
proc_running() {
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	""|Z*|X*) return 1 ;;
	esac
	return 0
}

# proc_gone PID: whether PID no longer exists at all (reaped).
proc_gone() {
	! kill -0 "$1" 2>/dev/null
}

# _bg_all_stopped: whether no process started with bg_start still runs.
_bg_all_stopped() {
	for p in $_bg_pids; do
		proc_running "$p" && return 1
	done
	return 0
}

# -------------------------------------------------------------------------
# 4. swf-sim
# -------------------------------------------------------------------------

# _sim_spawn ADDR:PORT [ARGS...]: start a swf-sim listening there, its
# stdout and stderr in $SIM_OUT and $SIM_ERR, pid in $SIM_PID (no wait).
_sim_n=0
_sim_spawn() {
	_listen=$1; shift
	_sim_n=$((_sim_n + 1))
	SIM_OUT="$T/sim$_sim_n.out"
	SIM_ERR="$T/sim$_sim_n.err"
	bg_start "$SWF_SIM" --listen "$_listen" "$@" >"$SIM_OUT" 2>"$SIM_ERR"
	SIM_PID=$BG_PID
}

# _sim_has_url: whether the last swf-sim printed its URL; if so, set and
# export SIM_URL.
_sim_has_url() {
	grep -q '^http' "$SIM_OUT" || return 1
	SIM_URL=$(head -n 1 "$SIM_OUT")
	export SIM_URL
}

# sim_start [ARGS...]: start a private swf-sim on a free loopback port with
# token "t" (unless ARGS give --token). Sets SIM_URL, SIM_PID, SIM_OUT,
# SIM_ERR.
sim_start() {
	_sim_spawn 127.0.0.1:0 "$@"
	wait_for 10 grep -q '^http' "$SIM_OUT" || {
		cat "$SIM_ERR" >&2
		fail "swf-sim did not print its URL"
	}
	_sim_has_url
}

# sim_port: the port of the running swf-sim.
sim_port() {
	echo "${SIM_URL##*:}"
}

# sim_restart_same_port ARGS...: start a new swf-sim on the last one's port
# (retrying while the port is still held).
sim_restart_same_port() {
	_port=$(sim_port)
	_i=0
	while :; do
		_sim_spawn "127.0.0.1:$_port" "$@"
		wait_for 30 sh -c "grep -q '^http' '$SIM_OUT' ||
		    ! kill -0 $SIM_PID" 2>/dev/null
		_sim_has_url && return 0
		_i=$((_i + 1))
		[ "$_i" -lt 20 ] ||
		    { cat "$SIM_ERR" >&2; fail "port $_port stays busy"; }
		sleep 0.25
	done
}

# sim_stop: SIGTERM the last swf-sim and wait for it.
sim_stop() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
}

# sim_stop_clean: SIGTERM the last swf-sim and fail unless it exits 0
# without a sanitizer report on stderr.
sim_stop_clean() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID"
	_rc=$?
	if has_sanitizer "$SIM_ERR"; then
		cat "$SIM_ERR" >&2
		fail "swf-sim reported a sanitizer error"
	fi
	[ "$_rc" -eq 0 ] || { cat "$SIM_ERR" >&2; fail "swf-sim exited $_rc"; }
}

# sim_post PATH DATA OUT: POST DATA (JSON, or @FILE) to the sim's
# /sim/PATH with token t, the response body to OUT; prints the HTTP code.
sim_post() {
	curl -sS --noproxy '*' -o "$3" -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$2" "$SIM_URL/sim/$1"
}

# sim_get PATH: GET a sim path with token t, body on stdout.
sim_get() {
	curl -sS --noproxy '*' -H 'Authorization: Token t' "$SIM_URL$1"
}

# publish JSON: POST to the sim's /sim/publish; prints the HTTP code.
publish() {
	sim_post publish "$1" /dev/null
}

# pub JSON: publish (an object or an array), failing unless accepted.
pub() {
	_code=$(publish "$1")
	[ "$_code" = 202 ] ||
	    fail "publish $(printf '%.200s' "$1"): HTTP $_code"
}

# publish_file FILE: POST a JSON file to /sim/publish; fails unless 202.
publish_file() {
	_code=$(sim_post publish "@$1" "$T/pub.out")
	[ "$_code" = 202 ] || fail "publish $1: HTTP $_code $(cat "$T/pub.out")"
}

# sim_fault JSON: POST a fault to the sim's /sim/fault; prints the code.
sim_fault() {
	sim_post fault "$1" /dev/null
}

# fault JSON: queue a swf-sim fault, failing unless accepted; prints
# nothing.
fault() {
	_code=$(sim_post fault "$1" "$T/fault.out")
	[ "$_code" = 200 ] || fail "fault $1: HTTP $_code $(cat "$T/fault.out")"
}

# raw_fault FILE [MEMBERS]: queue a raw fault whose bytes are FILE's, with
# more JSON members (default '"close": true, "count": 1': one connection
# gets the bytes, then the stream ends).
raw_fault() {
	_m=${2:-}
	[ -n "$_m" ] || _m='"close": true, "count": 1'
	{
		printf '{"fault": "raw", %s, "bytes_b64": "' "$_m"
		base64 -w 0 "$1"
		printf '"}'
	} >"$T/raw-fault.json"
	_code=$(sim_post fault "@$T/raw-fault.json" "$T/fault.out")
	[ "$_code" = 200 ] || fail "raw fault: HTTP $_code $(cat "$T/fault.out")"
}

# sim_stream OUT [QUERY [CURL-ARGS...]]: read the sim's stream with token t
# into OUT in the background (pid in $STREAM_PID) and wait for "connected".
# QUERY is appended to the stream URL, e.g. '?msg_types=a,b'.
sim_stream() {
	_out=$1; _q=${2:-}
	shift; [ $# -gt 0 ] && shift
	bg_start curl -sN --noproxy '*' --max-time "${STREAM_MAX_TIME:-60}" \
	    -H 'Authorization: Token t' "$@" \
	    "$SIM_URL/api/messages/stream/$_q" >"$_out"
	STREAM_PID=$BG_PID
	wait_for 10 grep -q '^event: connected' "$_out" ||
	    fail "stream $_q did not connect"
}

# sim_events FILE: the event names in a stream file, one a line.
sim_events() {
	sed -n 's/^event: //p' "$1"
}

# stream_clients N: whether the sim serves exactly N stream clients.
stream_clients() {
	[ "$(sim_get /sim/stats | jq '.clients | length')" = "$1" ]
}

# -------------------------------------------------------------------------
# 5. Sanitizer reports
# -------------------------------------------------------------------------

# has_sanitizer FILE: whether FILE (a program's stderr) holds an
# AddressSanitizer, LeakSanitizer or UBSan report.
has_sanitizer() {
	grep -E -q 'Sanitizer|runtime error' "$1"
}

# -------------------------------------------------------------------------
# 6. Headless swf-dash
# -------------------------------------------------------------------------

# client_setup: for the tests of headless swf-dash: token "t" and receiver
# name "test-recv" in the environment; skip without jq or curl.
client_setup() {
	: "${SWF_DASH_BACKOFF:=}"
	SWF_API_TOKEN=t; export SWF_API_TOKEN
	SWF_SSE_RECEIVER_NAME=test-recv; export SWF_SSE_RECEIVER_NAME
	command -v jq >/dev/null || skip "jq is needed"
	command -v curl >/dev/null || skip "curl is needed"
}

# dash_start ARGS...: run swf-dash in the background against $SIM_URL;
# its stdout and stderr go to $DASH_OUT and $DASH_ERR; pid in $DASH_PID.
_dash_n=0
dash_start() {
	_dash_n=$((_dash_n + 1))
	DASH_OUT="$T/dash$_dash_n.out"
	DASH_ERR="$T/dash$_dash_n.err"
	bg_start "$SWF_DASH" --url "$SIM_URL" "$@" >"$DASH_OUT" 2>"$DASH_ERR"
	DASH_PID=$BG_PID
}

# dash_wait [SECONDS]: wait for swf-dash to exit (default 10 s, else
# fail); its status in $DASH_RC.
dash_wait() {
	wait_for "${1:-10}" proc_gone "$DASH_PID" || {
		cat "$DASH_ERR" >&2
		fail "swf-dash did not exit"
	}
	wait "$DASH_PID"
	DASH_RC=$?
}

# dash_connected [SECONDS]: wait until swf-dash says the stream is open.
dash_connected() {
	wait_for "${1:-10}" grep -q 'stream open' "$DASH_ERR" || {
		cat "$DASH_ERR" >&2
		fail "swf-dash did not connect"
	}
}

# out_has PATTERN: whether swf-dash's stdout matches.
out_has() {
	grep -q -e "$1" "$DASH_OUT"
}

# err_has PATTERN: whether swf-dash's stderr matches.
err_has() {
	grep -q -e "$1" "$DASH_ERR"
}

# reg_field NAME FIELD: a field of NAME's record in the registry dump $REG.
reg_field() {
	jq -r --arg n "$1" --arg f "$2" \
	    '.[] | select(.instance_name == $n) | .[$f]' "$REG" 2>/dev/null
}

# reg_is NAME STATUS OPSTATE: whether the registry shows that state.
reg_is() {
	[ "$(reg_field "$1" status)/$(reg_field "$1" operational_state)" = \
	    "$2/$3" ]
}

# has_all JSON: whether the object on stdin has every member of JSON (the
# sim adds sender_agent, recipient_agent, ... as the monitor does).
has_all() {
	jq -e --argjson m "$1" \
	    '. as $o | $m | to_entries | all(.value == $o[.key])' >/dev/null
}

# -------------------------------------------------------------------------
# 7. tmux
# -------------------------------------------------------------------------

# tmux_start NAME COLS ROWS CMD: a detached tmux session on a private socket
# ($TMUX_SOCK; skip without tmux).
tmux_start() {
	[ -n "${TMUX_PROG:-}" ] || TMUX_PROG=$(command -v tmux) || skip "no tmux"
	TMUX_SOCK="$T/tmux.sock"
	_tmux_socks="$_tmux_socks $TMUX_SOCK"
	_name=$1 _cols=$2 _rows=$3; shift 3
	"$TMUX_PROG" -S "$TMUX_SOCK" -f /dev/null new-session -d -s "$_name" \
	    -x "$_cols" -y "$_rows" "$@" || fail "tmux new-session"
	"$TMUX_PROG" -S "$TMUX_SOCK" set-option -t "$_name" remain-on-exit on \
	    >/dev/null
}

# tmux_keys NAME KEYS...: send keys.
tmux_keys() {
	_name=$1; shift
	"$TMUX_PROG" -S "$TMUX_SOCK" send-keys -t "$_name" "$@"
}

# tmux_screen NAME: print the visible screen.
tmux_screen() {
	"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -p -t "$1"
}

# tmux_wait_screen NAME SECONDS PATTERN: wait until the screen matches.
tmux_wait_screen() {
	_name=$1 _secs=$2 _pat=$3
	wait_for "$_secs" sh -c "'$TMUX_PROG' -S '$TMUX_SOCK' capture-pane -p -t '$_name' | grep -q -e \"\$0\"" "$_pat"
}

# -------------------------------------------------------------------------
# 8. The dashboard under tmux
# -------------------------------------------------------------------------

# tui_setup: for the tmux-driven dashboard tests: skip without jq.
tui_setup() {
	command -v jq >/dev/null 2>&1 || skip "no jq"
}

# tui_pane NAME FORMAT: a tmux format of the pane, e.g. '#{pane_dead}'.
tui_pane() {
	"$TMUX_PROG" -S "$TMUX_SOCK" display -p -t "$1" "$2"
}

# tui_start NAME COLS ROWS [ARGS...]: run swf-dash against $SIM_URL in a
# detached tmux session of that size, as the pane's process (pid in
# $TUI_PID), stderr in $T/NAME.err; wait until it shows it is connected
# (unless $TUI_NOWAIT). $TUI_TOKEN and $TUI_NAME override the token "t"
# and the receiver name "tui-test".
tui_start() {
	_tn=$1 _tc=$2 _tr=$3; shift 3
	_targs=""
	for _a in "$@"; do
		_targs="$_targs '$_a'"
	done
	tmux_start "$_tn" "$_tc" "$_tr" "exec env SWF_API_TOKEN=\${TUI_TOKEN:-t} \
SWF_SSE_RECEIVER_NAME=\${TUI_NAME:-tui-test} '$SWF_DASH' --url '$SIM_URL' \
$_targs 2>'$T/$_tn.err'"
	TUI_PID=$(tui_pane "$_tn" '#{pane_pid}')
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

# _tui_quit_asked NAME: whether the pane is dead or asks to confirm a quit.
_tui_quit_asked() {
	[ "$(tui_pane "$1" '#{pane_dead}')" = 1 ] ||
	    tmux_screen "$1" | grep -q 'quit swf-dash?'
}

# tui_quit NAME: quit from a top view: q, then y when the dashboard asks
# (it does while the stream is live); then tui_wait_dead.
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
	if has_sanitizer "$T/$1.err"; then
		cat "$T/$1.err" >&2
		fail "sanitizer report"
	fi
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

# seq_publish_bg FIRST LAST TYPE RUN: in the background, publish the
# seq_msgs messages FIRST..LAST one at a time, 40 ms apart (to span a
# reconnect or a subscription switch), then create $T/published.
seq_publish_bg() {
	(
		for _i in $(seq "$1" "$2"); do
			publish "$(seq_msgs "$_i" "$_i" "$3" "$4")" >/dev/null
			sleep 0.04
		done
		touch "$T/published"
	) &
}

# seq_shown_once SCREEN FIRST LAST: fail unless each of the seq_msgs
# messages FIRST..LAST ends exactly one line of SCREEN (none lost, none
# shown twice).
seq_shown_once() {
	for _i in $(seq "$2" "$3"); do
		_n=$(printf 'n=%03d' "$_i")
		_c=$(echo "$1" | grep -c "$_n\$")
		[ "$_c" = 1 ] || fail "$_n shown $_c times"
	done
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

# -------------------------------------------------------------------------
# 9. The fault matrix
# -------------------------------------------------------------------------
#
# Every case of the matrix checks the same four things: swf-dash is still
# running (no crash, no hang), its memory stayed under a stated bound,
# it said what happened (stderr in headless mode, the status bar in the
# dashboard), and messages published once the fault is over arrive. A
# case that fails records the failure (bad) and the script goes on with
# the next case, so one run shows every regression; fault_finish exits 1
# if any case failed.

_fault_fails=0
_fault_case_start=0

# fault_setup: for the fault matrix, after client_setup or tui_setup.
# Memory bounds are stated for a plain build. AddressSanitizer keeps freed
# memory in quarantine (256 MB by default: resident, so any program that
# churns looks as if it grew by that much), pads every block and never
# returns small blocks to the system; valgrind (check-valgrind sets
# SWF_VALGRIND) holds freed blocks back too and the process image is the
# tool's. The fault tests shrink the quarantine to 16 MB (use-after-free
# is still caught within that much freeing), and a case that allocates
# and frees a lot (the dashboard laying out a big detail view, 100 000
# messages, TLS handshakes) passes mem_bounded a scale for the rest:
# $FAULT_SCALED says whether the scale applies. Time and CPU bounds are
# stated for a native build; valgrind runs the program some 20 times
# slower (and checks for leaks at exit): $FAULT_SLOW is that factor.
fault_setup() {
	FAULT_SCALED=0
	if LC_ALL=C grep -q -a '__asan_init' "$SWF_DASH" 2>/dev/null; then
		FAULT_SCALED=1
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=16"
		export ASAN_OPTIONS
	fi
	[ -n "${SWF_VALGRIND:-}" ] && FAULT_SCALED=1
	FAULT_SLOW=1
	[ -n "${SWF_VALGRIND:-}" ] && FAULT_SLOW=20
	return 0
}

# bad MESSAGE: record a failed check and go on.
bad() {
	echo "FAIL: $*" >&2
	_fault_fails=$((_fault_fails + 1))
}

# case_ok WHAT: the end of a case: "ok: WHAT" if none of its checks
# failed, else "FAIL: WHAT".
case_ok() {
	if [ "$_fault_fails" -eq "$_fault_case_start" ]; then
		echo "ok: $*"
	else
		echo "FAIL: $*" >&2
	fi
	_fault_case_start=$_fault_fails
}

# fault_finish: exit 1 if any check failed, else 0.
fault_finish() {
	if [ "$_fault_fails" -ne 0 ]; then
		echo "$_fault_fails check(s) failed" >&2
		exit 1
	fi
	exit 0
}

# vm_kb PID FIELD: a Vm* figure (kB) of a process from /proc, or 0.
vm_kb() {
	awk -v f="$2:" '$1 == f { print $2; found = 1 }
	    END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null ||
	    echo 0
}

# mem_base PID: remember the process's resident size as the baseline, and
# reset its high-water mark to it (Linux: "5" to clear_refs), so that the
# next mem_bounded sees only what came after. swf-dash holding a token is
# not dumpable, so its clear_refs belongs to root: for another user the
# reset fails, and the baseline is the high-water mark so far instead.
mem_base() {
	if (echo 5 >"/proc/$1/clear_refs") 2>/dev/null; then
		MEM_BASE=$(vm_kb "$1" VmRSS)
	else
		MEM_BASE=$(vm_kb "$1" VmHWM)
	fi
}

# mem_bounded PID GROWTH_KB WHAT [SCALE]: the high-water mark (VmHWM) of
# PID is at most GROWTH_KB (times SCALE under AddressSanitizer or
# valgrind) above the baseline taken by mem_base.
mem_bounded() {
	_hwm=$(vm_kb "$1" VmHWM)
	_sc=1
	[ "$FAULT_SCALED" = 1 ] && _sc=${4:-1}
	_lim=$((MEM_BASE + $2 * _sc))
	if [ "$_hwm" -gt "$_lim" ]; then
		bad "$3: VmHWM ${_hwm} kB > ${_lim} kB (base $MEM_BASE kB + $2 kB x $_sc)"
		return 1
	fi
	echo "  $3: VmHWM ${_hwm} kB, bound ${_lim} kB"
	return 0
}

# alive PID WHAT: the process is still running, else a failure.
alive() {
	proc_running "$1" || {
		bad "$2: swf-dash died"
		return 1
	}
	return 0
}

# no_sanitizer FILE WHAT: no sanitizer report in FILE, else a failure.
no_sanitizer() {
	if has_sanitizer "$1"; then
		cat "$1" >&2
		bad "$2: sanitizer report"
	fi
}

# stop_dash WHAT: SIGTERM swf-dash; exit status 0 and no sanitizer report.
stop_dash() {
	kill -TERM "$DASH_PID"
	dash_wait 30
	[ "$DASH_RC" = 0 ] || bad "$1: exit status $DASH_RC"
	no_sanitizer "$DASH_ERR" "$1"
}

# big_event_json FILE MIB: a message whose event on the wire is about MIB
# MiB although the request is a third of that: the monitor writes JSON
# with ensure_ascii, so each "é" (2 bytes) goes out as \u00e9 (6 bytes).
big_event_json() {
	_n=$(($2 * 1024 * 1024 / 6 + 8))
	{
		printf '{"msg_type": "big", "message": "'
		awk -v n="$_n" 'BEGIN { s = "éééééééééééééééééééééééééééééééé";
		    for (i = 0; i + 32 <= n; i += 32) printf "%s", s;
		    for (; i < n; i++) printf "é" }'
		printf '"}'
	} >"$1"
}

# hostile_events FILE: a stream body of events that are not what a
# client expects, ending with a "sentinel" message: NUL bytes and invalid
# UTF-8 in the event name, the id and the data (bare and inside JSON
# strings); escape sequences and C0/C1 controls as raw bytes; data that is
# not JSON; JSON of the wrong shape (an array, a number, a string, null,
# arrays and objects nested 10 000 deep, an object nested 2000 deep,
# which jansson still parses); a 1 MB string; duplicate keys; no fields
# at all; fields of the wrong type. HOSTILE_N is the number of events.
hostile_events() {
	{
		printf 'event: n\000ul\377\376\ndata: {"msg_type": "nul", "message": "a\\u0000b"}\n\n'
		printf 'id: i\000d\nevent: bad-utf8\ndata: {"msg_type": "u\300\257\355\240\200\364\220\200\200x", "message": "\377\376\375"}\n\n'
		printf 'data: raw \033]0;PWNT\007\033]52;c;UFdORUQ=\007\033[5;38;5;201mX\302\233\061m\302\235\062;PWNC\302\234 \001\010\177 end\n\n'
		printf 'event: \033[31mred\033[0m\ndata: {"msg_type": "esc\\u001b[5mB\\u001b]2;PWNT\\u0007", "sender": "\\u009b31m\\u009d0;PWNC\\u009c"}\n\n'
		printf 'data: not json at all {\n\n'
		printf 'data: [1, 2, {"msg_type": "in-array"}]\n\n'
		printf 'data: 42\n\n'
		printf 'data: "just a string"\n\n'
		printf 'data: null\n\n'
		awk 'BEGIN { printf "data: "; for (i = 0; i < 10000; i++) printf "[";
		    for (i = 0; i < 10000; i++) printf "]"; printf "\n\n" }'
		awk 'BEGIN { printf "data: "; for (i = 0; i < 10000; i++)
		    printf "{\"a\":"; printf "1"; for (i = 0; i < 10000; i++)
		    printf "}"; printf "\n\n" }'
		awk 'BEGIN { printf "data: {\"msg_type\": \"deep2000\", \"d\": ";
		    for (i = 0; i < 1998; i++) printf "{\"a\":"; printf "1";
		    for (i = 0; i < 1998; i++) printf "}"; printf "}\n\n" }'
		awk 'BEGIN { printf "data: {\"msg_type\": \"huge\", \"message\": \"";
		    s = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
		    for (i = 0; i < 15625; i++) printf "%s", s; printf "\"}\n\n" }'
		printf 'data: {"msg_type": "dup1", "msg_type": "dup2", "run_id": 1, "run_id": "r2"}\n\n'
		printf 'data: {}\n\n'
		printf 'data: {"msg_type": 7, "run_id": {"x": [1]}, "sender": null, "filename": true, "message": [1, 2], "sent_at": "not a time", "timestamp": -1e400}\n\n'
		printf 'event: sentinel\ndata: {"msg_type": "sentinel", "message": "last"}\n\n'
	} >"$1"
	HOSTILE_N=17
}

# evil_connected FILE: a "connected" event whose client id holds escape
# sequences, then an event whose name and id hold them too.
evil_connected() {
	printf 'event: connected\ndata: {"client_id": "id\\u001b]0;PWNT\\u0007-\\u001b[5m\\u009b7mX\\u001b]52;c;UFdORUQ=\\u0007", "status": "connected"}\n\n' >"$1"
	printf 'id: \033]0;PWNT\007i\ndata: {"message": "evil id"}\nevent: ev\033]0;PWNT\007\033[5mZ\n\n' >>"$1"
}

# evil_fields: one message with escape sequences (OSC title and OSC 52
# clipboard, SGR blink and 256-colour 201, 8-bit CSI/OSC/ST, DCS), C0/C1
# controls, DEL, a bidi override, CR/LF and a tab in every common field
# and in an extra key and value. The letters A to J survive sanitizing.
evil_fields() {
	_p='A\u001b]0;PWNT\u0007B\u001b]52;c;UFdORUQ=\u0007C\u001b[5;38;5;201mD\u009b7m\u009d2;PWNC\u009cE\u001bP1$qm\u001b\\F\u202eG\u0001\u0008\u007fH\r\nI\tJ'
	printf '{"msg_type": "t%s", "run_id": "r%s", "execution_id": "e%s", "filename": "f%s", "sequence": "q%s", "state": "st%s", "substate": "ss%s", "namespace": "n%s", "sender": "s%s", "processed_by": "p%s", "sender_agent": "a%s", "recipient_agent": "ra%s", "queue_name": "qn%s", "sent_at": "%s", "timestamp": "%s", "message": "m%s", "x%s": "v%s"}' \
	    "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" \
	    "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p" "$_p"
}

# screen_clean NAME WHAT: nothing foreign reached the terminal of pane
# NAME: no blinking text and no colour 201 (capture-pane -e shows every
# cell's attributes), the pane title still $TITLE0, and no tmux buffer
# (an OSC 52 would have set one: the server runs with set-clipboard on).
screen_clean() {
	_e=$(printf '\033')
	"$TMUX_PROG" -S "$TMUX_SOCK" capture-pane -p -e -t "$1" >"$T/cap-e"
	if grep -q -e "$_e\[5m" -e "$_e\[[34]8;5;201m" "$T/cap-e"; then
		cat -v "$T/cap-e" >&2
		bad "$2: a foreign SGR attribute on the screen"
	fi
	_t=$(tui_pane "$1" '#{pane_title}')
	[ "$_t" = "$TITLE0" ] || bad "$2: pane title changed to '$_t'"
	if "$TMUX_PROG" -S "$TMUX_SOCK" show-buffer >"$T/buf" 2>/dev/null; then
		bad "$2: a tmux buffer was set (OSC 52): $(cat "$T/buf")"
	fi
}

# tmux_detects: a control on a private tmux server: a program that does
# print the escapes does change the title, set a buffer and blink, so
# screen_clean can see a leak.
tmux_detects() {
	_s="$T/tmux-control.sock"
	_tmux_socks="$_tmux_socks $_s"
	echo 'set-option -g set-clipboard on' >"$T/tmux-control.conf"
	"$TMUX_PROG" -S "$_s" -f "$T/tmux-control.conf" new-session -d -s c \
	    -x 40 -y 5 "printf '\033]2;PWNT\007\033]52;c;UFdORUQ=\007\033[5;38;5;201mX\033[0m'; sleep 30" ||
	    return 1
	wait_for 5 sh -c "'$TMUX_PROG' -S '$_s' display -p -t c '#{pane_title}' |
	    grep -q PWNT" || return 1
	"$TMUX_PROG" -S "$_s" show-buffer 2>/dev/null | grep -q PWNED ||
	    return 1
	"$TMUX_PROG" -S "$_s" capture-pane -p -e -t c |
	    grep -q '38;5;201' || return 1
	"$TMUX_PROG" -S "$_s" kill-server
}

# status_watch NAME: sample the first line of pane NAME (the connection
# part of the status bar) every 50 ms into $T/NAME.status, in the
# background, so that states lasting a moment are seen.
status_watch() {
	bg_start sh -c "while :; do '$TMUX_PROG' -S '$TMUX_SOCK' \
	    capture-pane -p -t '$1' -S 0 -E 0 2>/dev/null || exit 0; \
	    sleep 0.05; done >>'$T/$1.status'"
}

# status_seen NAME SECONDS PATTERN WHAT: the sampled status bar of NAME
# matched PATTERN at some time (waiting up to SECONDS), else a failure.
status_seen() {
	wait_for "$2" grep -q -e "$3" "$T/$1.status" || {
		tail -n 5 "$T/$1.status" >&2
		bad "$4: the status bar never showed: $3"
		return 1
	}
}

# status_count NAME PATTERN: how many samples of NAME's status bar match.
status_count() {
	grep -c -e "$2" "$T/$1.status"
}
