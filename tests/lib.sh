# tests/lib.sh: shared helpers for the shell tests. Source it first:
#   . "$top_srcdir/tests/lib.sh"
# It makes a private temporary directory ($T), kills every process started
# with sim_start/bg_start on exit, and never talks to anything but loopback.

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

_cleanup() {
	for s in $_tmux_socks; do
		"${TMUX_PROG:-tmux}" -S "$s" kill-server 2>/dev/null
	done
	for p in $_bg_pids; do
		kill "$p" 2>/dev/null
	done
	if [ -n "${SWF_KILL_WAIT:-}" ]; then
		# make check-valgrind: let them finish their leak check.
		_n=$(awk "BEGIN { print int($SWF_KILL_WAIT * 20) }")
		while [ "$_n" -gt 0 ]; do
			_left=0
			for p in $_bg_pids; do
				# Running, not a zombie waiting to be reaped.
				case $(sed 's/.*) //' "/proc/$p/stat" \
				    2>/dev/null) in
				""|Z*) ;;
				*) _left=1 ;;
				esac
			done
			[ "$_left" = 0 ] && break
			_n=$((_n - 1))
			sleep 0.05
		done
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

ok() {
	echo "ok: $*"
}

# bg_start CMD...: run in the background, remember the pid in $BG_PID.
bg_start() {
	"$@" &
	BG_PID=$!
	_bg_pids="$_bg_pids $BG_PID"
}

# wait_for SECONDS CMD...: poll CMD every 0.05 s until it succeeds.
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

# sim_start [ARGS...]: start a private swf-sim on a free loopback port with
# token "t" (unless ARGS give --token). Sets SIM_URL, SIM_PID, SIM_OUT.
_sim_n=0
sim_start() {
	_sim_n=$((_sim_n + 1))
	SIM_OUT="$T/sim$_sim_n.out"
	SIM_ERR="$T/sim$_sim_n.err"
	bg_start "$SWF_SIM" --listen 127.0.0.1:0 "$@" >"$SIM_OUT" 2>"$SIM_ERR"
	SIM_PID=$BG_PID
	wait_for 10 grep -q '^http' "$SIM_OUT" || {
		cat "$SIM_ERR" >&2
		fail "swf-sim did not print its URL"
	}
	SIM_URL=$(head -n 1 "$SIM_OUT")
	export SIM_URL
}

# sim_stop: SIGTERM the last swf-sim and wait for it.
sim_stop() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
}

# publish JSON: POST to the sim's /sim/publish with token t.
publish() {
	curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/sim/publish"
}

# tmux_start NAME COLS ROWS CMD: a detached tmux session on a private socket.
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

# sim_fault JSON: POST a fault to the sim's /sim/fault; prints the code.
sim_fault() {
	curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$SIM_URL/sim/fault"
}

# sim_stop_clean: SIGTERM the last swf-sim and fail unless it exits 0
# without a sanitizer report on stderr.
sim_stop_clean() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID"
	_rc=$?
	if grep -E -q 'Sanitizer|runtime error' "$SIM_ERR"; then
		cat "$SIM_ERR" >&2
		fail "swf-sim reported a sanitizer error"
	fi
	[ "$_rc" -eq 0 ] || { cat "$SIM_ERR" >&2; fail "swf-sim exited $_rc"; }
}
