#!/bin/sh
# tests/bench/bench.sh: "make bench", the benchmark of issues #7 and #13. It builds
# swf-dash and swf-sim without sanitizers (CFLAGS=-O2) in a build directory
# of its own, starts swf-sim on 127.0.0.1 only, measures swf-dash and the
# curl | sed | jq pipeline side by side, prints a table and writes the same
# figures as JSON. Not part of "make check". Linux only (it reads /proc).
#
# Knobs (environment, or make variables of the same name):
#   BENCH_RUNS          full runs; the table shows each and the median (3)
#   BENCH_N             messages per throughput and memory run (1000000;
#                       past 1M the dashboard shows its total as "1.23M",
#                       which can show up to 0.5 % early)
#   BENCH_JQ_N          messages for the jq pipeline (200000)
#   BENCH_LAT_SECONDS   seconds of each latency run (5)
#   BENCH_IDLE_SECONDS  seconds of the idle measurement (60)
#   BENCH_HEARTBEAT     heartbeat interval of the idle stream (30, as the
#                       monitor's)
#   BENCH_KEY_TRIALS    pairs of keypresses timed during the flood (5)
#   BENCH_TIMER_SECONDS seconds of heartbeats watched under a flood (10)
#   (--history off: json_nohist measures the ingest without the history's
#   per-message identity check, which the baseline may not have)
#   BENCH_BASELINE      a second source tree (e.g. a git worktree of an
#                       older main) built beside this one; its headless
#                       json throughput and heartbeat spacing are measured
#                       in the same runs, as json_before_* and *_before_*
#   BENCH_BUILD         the build directory (bench-build)
#   BENCH_OUT           the JSON file (bench-results.json)
#   BENCH_JOBS          make -j for the build (2)
#   BENCH_HIST_RUNS     running executions in the history run (16)
#   BENCH_HIST_MSGS     stf_gen messages of each (2000)
#   BENCH_ONLY          only these measurements, e.g. "json keys" (json
#                       json_nohist json_filtered plain jq dash
#                       dash_keep1M lat1000 lat1000_curl lat50000 idle
#                       keys timers history json_tok40, and with
#                       BENCH_BASELINE json_before json_before_tok40
#                       timers_before); all when empty
# make passes abs_top_srcdir, abs_top_builddir, CC, MAKE and
# BENCH_SANITIZED (whether the calling build uses sanitizers).
set -u

: "${abs_top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_builddir:=$(pwd)}"
: "${CC:=cc}"
: "${MAKE:=make}"
: "${BENCH_SANITIZED:=no}"
: "${BENCH_RUNS:=3}"
: "${BENCH_N:=1000000}"
: "${BENCH_JQ_N:=200000}"
: "${BENCH_LAT_SECONDS:=5}"
: "${BENCH_IDLE_SECONDS:=60}"
: "${BENCH_HEARTBEAT:=30}"
: "${BENCH_KEY_TRIALS:=5}"
: "${BENCH_TIMER_SECONDS:=10}"
: "${BENCH_BASELINE:=}"
: "${BENCH_BUILD:=$abs_top_builddir/bench-build}"
: "${BENCH_OUT:=$abs_top_builddir/bench-results.json}"
: "${BENCH_JOBS:=2}"
: "${BENCH_ONLY:=}"
: "${BENCH_HIST_RUNS:=16}"
: "${BENCH_HIST_MSGS:=2000}"

W=$(mktemp -d "${TMPDIR:-/tmp}/swf-bench.XXXXXX") || exit 1
_pids=""
_socks=""

cleanup() {
	for s in $_socks; do
		tmux -S "$s" kill-server 2>/dev/null
	done
	for p in $_pids; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $_pids; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

die() {
	echo "bench: $*" >&2
	exit 1
}

note() {
	echo "bench: $*" >&2
}

# Keep the user's configuration and proxies out of it.
HOME="$W/home"; mkdir -p "$HOME"; export HOME
XDG_CONFIG_HOME="$HOME/.config"; export XDG_CONFIG_HOME
unset SWF_MONITOR_PROD_URL SWF_MONITOR_URL REQUESTS_CA_BUNDLE NO_COLOR \
    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
NO_PROXY='*'; export NO_PROXY
SWF_API_TOKEN=t; export SWF_API_TOKEN
SIM_TOKEN=t
# The monitor's tokens are 40 hexadecimal characters. "t" is shorter than
# the 8 the token scrubber looks for, so only the *_tok40 runs measure the
# scrubbing of every event (#15), which the baseline may not do.
TOKEN40=4f1d9c2b7a6e05831c9d2e7f40b6a3d85e1c7f92
SWF_SSE_RECEIVER_NAME=bench; export SWF_SSE_RECEIVER_NAME
LC_ALL=C.UTF-8; export LC_ALL

# --- build -----------------------------------------------------------

build() {
	if [ -f "$abs_top_srcdir/config.status" ]; then
		# Configured in the source tree: no second build can live here.
		[ "$BENCH_SANITIZED" = no ] ||
		    die "the source tree is configured with sanitizers; run make bench from a build without them"
		note "source tree configured in place: measuring its build as it is (check it uses -O2)"
		B=$abs_top_builddir
		env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$B" -j"$BENCH_JOBS" \
		    src/swf-dash src/swf-sim >"$W/build.log" 2>&1 ||
		    { cat "$W/build.log" >&2; die "build failed"; }
	else
		B=$BENCH_BUILD
		mkdir -p "$B" || die "cannot make $B"
		if [ ! -f "$B/config.status" ]; then
			note "configuring $B (CFLAGS=-O2 -g, no sanitizers)"
			(cd "$B" && "$abs_top_srcdir/configure" CC="$CC" \
			    CFLAGS="-O2 -g" --disable-sanitizers \
			    --disable-werror) >"$W/configure.log" 2>&1 ||
			    { cat "$W/configure.log" >&2; die "configure failed"; }
		fi
		note "building in $B"
		env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$B" -j"$BENCH_JOBS" \
		    src/swf-dash src/swf-sim >"$W/build.log" 2>&1 ||
		    { cat "$W/build.log" >&2; die "build failed"; }
	fi
	DASH=$B/src/swf-dash
	SIM=$B/src/swf-sim
	BASE_DASH=
	if [ -n "$BENCH_BASELINE" ]; then
		_bb=$BENCH_BUILD-baseline
		mkdir -p "$_bb" || die "cannot make $_bb"
		[ -f "$BENCH_BASELINE/configure" ] ||
		    (cd "$BENCH_BASELINE" && autoreconf -fi) \
		    >"$W/baseline-autoreconf.log" 2>&1 ||
		    die "autoreconf failed in $BENCH_BASELINE"
		if [ ! -f "$_bb/config.status" ]; then
			note "configuring the baseline in $_bb"
			(cd "$_bb" && "$BENCH_BASELINE/configure" CC="$CC" \
			    CFLAGS="-O2 -g" --disable-sanitizers \
			    --disable-werror) >"$W/baseline-configure.log" 2>&1 ||
			    { cat "$W/baseline-configure.log" >&2; die "baseline configure failed"; }
		fi
		note "building the baseline in $_bb"
		env -u MAKEFLAGS -u MFLAGS "$MAKE" -C "$_bb" -j"$BENCH_JOBS" \
		    src/swf-dash >"$W/baseline-build.log" 2>&1 ||
		    { cat "$W/baseline-build.log" >&2; die "baseline build failed"; }
		BASE_DASH=$_bb/src/swf-dash
	fi
	TOOL=$BENCH_BUILD/bench-tool
	mkdir -p "$BENCH_BUILD"
	"$CC" -std=c11 -O2 -o "$TOOL" \
	    "$abs_top_srcdir/tests/bench/bench-tool.c" ||
	    die "cannot build bench-tool"
}

# --- helpers ---------------------------------------------------------

# sim_start ARGS...: a private swf-sim on a free loopback port; URL in $URL.
_simn=0
sim_start() {
	_simn=$((_simn + 1))
	"$SIM" --listen 127.0.0.1:0 --token "$SIM_TOKEN" --no-workflow -q "$@" \
	    >"$W/sim$_simn.out" 2>"$W/sim$_simn.err" &
	SIM_PID=$!
	_pids="$_pids $SIM_PID"
	_i=0
	while ! grep -q '^http' "$W/sim$_simn.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { cat "$W/sim$_simn.err" >&2; die "swf-sim did not start"; }
		sleep 0.05
	done
	URL=$(head -n 1 "$W/sim$_simn.out")
}

sim_stop() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
}

# calc EXPR: awk arithmetic.
calc() {
	awk "BEGIN { printf \"%.6g\", ($1) }"
}

# rate N SECONDS: messages per second, whole.
rate() {
	awk "BEGIN { printf \"%d\", $1 / ($2) + 0.5 }"
}

# field NAME LINE: the value of NAME=... in a bench-tool line.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# put KEY VALUE: record a figure of this run.
put() {
	echo "$1 ${2:--}" >>"$W/run$RUN.txt"
}

# The status bar's "total" once n messages are in (tui_util_fmt_count()).
total_pattern() {
	awk -v n="$1" 'BEGIN {
		if (n < 1000000) printf "total %d", n;
		else if (n < 100000000) printf "total %.2fM", n / 1e6;
		else printf "total %.0fM", n / 1e6 }'
}

# dash_start NAME ARGS...: the dashboard in a detached 200x50 tmux session
# against $URL; its pid in $DPID, the socket in $SOCK.
dash_start() {
	_dn=$1; shift
	SOCK=$W/tmux-$_dn.sock
	_socks="$_socks $SOCK"
	TERM=${TERM:-xterm-256color} tmux -S "$SOCK" -f /dev/null new-session \
	    -d -s "$_dn" -x 200 -y 50 \
	    "exec '$DASH' --url '$URL' $* 2>'$W/$_dn.err'" ||
	    die "tmux new-session failed"
	DPID=$(tmux -S "$SOCK" display -p -t "$_dn" '#{pane_pid}')
}

# timers [DASH SUFFIX]: how late the timers fire while swf-dash takes a
# flood as fast as swf-sim sends it (--rate 0). The spacing of the
# registration heartbeats (--agent-interval 1) as swf-sim's registry saw
# them (last_heartbeat of --registry-dump), for the dashboard and for
# headless --output plain; and from swf-dash's own report
# (SWF_DASH_TIMER_STATS, absent in older builds) the worst lateness of the
# dashboard's redraw timer and of the heartbeat timer of both.
timers() {
	_td=${1:-$DASH} _ts=${2:-}
	sim_start --rate 0 --registry-dump "$W/reg$_ts.json"
	SWF_DASH_TIMER_STATS=$W/timers-dash$_ts.txt
	export SWF_DASH_TIMER_STATS
	_od=$DASH; DASH=$_td
	dash_start "timers$_ts" --agent-interval 1
	DASH=$_od
	unset SWF_DASH_TIMER_STATS
	if "$TOOL" screen "$SOCK" "timers$_ts" ' connected ' 20 >/dev/null; then
		sleep 1
		_r=$("$TOOL" beats "$W/reg$_ts.json" "$BENCH_TIMER_SECONDS")
		put "beat_dash${_ts}_gap_max_ms" "$(field gap_max_ms "$_r")"
		put "beat_dash${_ts}_gap_mean_ms" "$(field gap_mean_ms "$_r")"
		# q asks first while the stream is live; q again quits.
		tmux -S "$SOCK" send-keys -t "timers$_ts" q q
		_i=0
		while kill -0 "$DPID" 2>/dev/null && [ $_i -lt 100 ]; do
			_i=$((_i + 1)); sleep 0.1
		done
		kill -0 "$DPID" 2>/dev/null &&
		    note "timers$_ts: the dashboard did not quit on q q"
	else
		note "timers$_ts: the dashboard did not connect"
	fi
	dash_stop
	sim_stop
	_f=$W/timers-dash$_ts.txt
	if [ -s "$_f" ]; then
		put "timer_redraw${_ts}_late_ms_max" "$(awk '$2 == "redraw" {
		    printf "%.1f", $6 / 1000 }' "$_f")"
		put "timer_beat_dash${_ts}_late_ms_max" "$(awk '$2 == "heartbeat" {
		    printf "%.1f", $6 / 1000 }' "$_f")"
		put "round_dash${_ts}_wall_ms_max" "$(awk '$1 == "round" {
		    printf "%.1f", $5 / 1000 }' "$_f")"
		put "round_dash${_ts}_cpu_ms_max" "$(awk '$1 == "round" {
		    printf "%.1f", $7 / 1000 }' "$_f")"
	fi

	sim_start --rate 0 --registry-dump "$W/regh$_ts.json"
	SWF_DASH_TIMER_STATS=$W/timers-plain$_ts.txt "$_td" --url "$URL" \
	    --output plain --agent-interval 1 >/dev/null 2>"$W/timers-plain$_ts.err" &
	_hp=$!
	_pids="$_pids $_hp"
	_i=0
	until grep -q 'stream open' "$W/timers-plain$_ts.err" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 400 ] && break
		sleep 0.05
	done
	sleep 1
	_r=$("$TOOL" beats "$W/regh$_ts.json" "$BENCH_TIMER_SECONDS")
	put "beat_plain${_ts}_gap_max_ms" "$(field gap_max_ms "$_r")"
	kill -TERM "$_hp" 2>/dev/null
	wait "$_hp" 2>/dev/null
	sim_stop
	_f=$W/timers-plain$_ts.txt
	if [ -s "$_f" ]; then
		put "timer_beat_plain${_ts}_late_ms_max" \
		    "$(awk '$2 == "heartbeat" { printf "%.1f", $6 / 1000 }' "$_f")"
		put "round_plain${_ts}_wall_ms_max" "$(awk '$1 == "round" {
		    printf "%.1f", $5 / 1000 }' "$_f")"
		put "round_plain${_ts}_cpu_ms_max" "$(awk '$1 == "round" {
		    printf "%.1f", $7 / 1000 }' "$_f")"
	fi
}

dash_stop() {
	tmux -S "$SOCK" kill-server 2>/dev/null
}

# --- measurements ----------------------------------------------------

# headless KEY N ARGS...: swf-dash ARGS > /dev/null on an N-message flood
# (the swf-dash of $HDASH if set, e.g. the baseline's).
headless() {
	_k=$1 _n=$2; shift 2
	sim_start --rate 0 --count "$_n"
	_r=$("$TOOL" run 500 300 "exec '${HDASH:-$DASH}' --url '$URL' $* 2>'$W/$_k.err'") ||
	    { cat "$W/$_k.err" >&2; sim_stop; note "$_k: no result"; return; }
	sim_stop
	_wall=$(field wall "$_r")
	put "${_k}_msgs_s" "$(rate "$_n" "$_wall")"
	put "${_k}_cpu_s_per_M" "$(calc "$(field cpu "$_r") / $_n * 1e6")"
	put "${_k}_hwm_kb" "$(field hwm_kb "$_r")"
	[ "$_k" = json ] && put json_bytes_per_msg \
	    "$(calc "$(field wchar "$_r") / $_n - 1")"
}

# headless_tok40 KEY ARGS...: headless with a token of the monitor's length.
headless_tok40() {
	_kt=$1; shift
	SIM_TOKEN=$TOKEN40; SWF_API_TOKEN=$TOKEN40
	headless "$_kt" "$BENCH_N" "$@"
	SIM_TOKEN=t; SWF_API_TOKEN=t
}

jq_pipeline() {
	if ! command -v jq >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
		note "no jq or curl: pipeline skipped"
		return
	fi
	sim_start --rate 0 --count "$BENCH_JQ_N"
	_r=$("$TOOL" run 1000 600 "curl -sN --noproxy '*' -H 'Authorization: Token t' '$URL/api/messages/stream/' | sed -n 's/^data: //p' | jq -c ." 2>"$W/jq.err") ||
	    { sim_stop; note "jq: no result"; return; }
	sim_stop
	put jq_msgs_s "$(rate "$BENCH_JQ_N" "$(field wall "$_r")")"
	put jq_cpu_s_per_M "$(calc "$(field cpu "$_r") / $BENCH_JQ_N * 1e6")"
}

# dashboard KEY ARGS...: ingest BENCH_N messages in tmux until the status
# bar says so; the peak RSS then.
dashboard() {
	_k=$1; shift
	sim_start --rate 0 --count "$BENCH_N"
	_t0=$("$TOOL" now)
	dash_start "$_k" "$@"
	_r=$("$TOOL" screen "$SOCK" "$_k" "$(total_pattern "$BENCH_N")" 300) || {
		tmux -S "$SOCK" capture-pane -p -t "$_k" >&2
		dash_stop; sim_stop; note "$_k: the total never showed"; return; }
	_cpu=$("$TOOL" cpu "$DPID")
	_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status")
	dash_stop
	sim_stop
	put "${_k}_msgs_s" "$(rate "$BENCH_N" "$(field at "$_r") - $_t0")"
	put "${_k}_cpu_s_per_M" "$(calc "$_cpu / $BENCH_N * 1e6")"
	put "${_k}_hwm_kb" "$_hwm"
}

# latency_with RATE KEY READER: p50 and p99 from the sim stamping sent_at
# to the lat tool seeing the line that the function READER (run once the
# sim is up, so $URL is set) writes; stored as lat<RATE><KEY>_p50_us/_p99_us.
latency_with() {
	_rate=$1 _key=$2 _n=$(($1 * BENCH_LAT_SECONDS))
	sim_start --rate "$_rate" --client-queue 10000000
	rm -f "$W/lat.fifo"
	mkfifo "$W/lat.fifo" || die "mkfifo failed"
	"$3" >"$W/lat.fifo" 2>"$W/lat$_key.err" &
	_lp=$!
	_pids="$_pids $_lp"
	_r=$(timeout $((BENCH_LAT_SECONDS * 4 + 20)) "$TOOL" lat "$_n" \
	    <"$W/lat.fifo")
	_rc=$?
	kill "$_lp" 2>/dev/null
	wait "$_lp" 2>/dev/null
	sim_stop
	[ $_rc = 0 ] || { note "latency$_key $_rate: no result"; return; }
	put "lat${_rate}${_key}_p50_us" "$(field p50_us "$_r")"
	put "lat${_rate}${_key}_p99_us" "$(field p99_us "$_r")"
}

read_dash() {
	"$DASH" --url "$URL" --output json
}

read_curl() {
	curl -sN --noproxy '*' -H 'Authorization: Token t' \
	    "$URL/api/messages/stream/"
}

# latency RATE: swf-dash --output json as the reader.
latency() {
	latency_with "$1" "" read_dash
}

# latency_curl RATE: curl -sN as the reader, which shows the floor set by
# swf-sim, the kernel and the machine.
latency_curl() {
	command -v curl >/dev/null 2>&1 || return
	latency_with "$1" _curl read_curl
}

# idle: CPU of a connected headless client and dashboard, heartbeats only.
idle() {
	sim_start --heartbeat-interval "$BENCH_HEARTBEAT"
	"$DASH" --url "$URL" --output json >/dev/null 2>"$W/idle-json.err" &
	_hp=$!
	_pids="$_pids $_hp"
	dash_start idle
	_i=0
	until grep -q 'stream open' "$W/idle-json.err" 2>/dev/null &&
	    tmux -S "$SOCK" capture-pane -p -t idle | grep -q ' connected '; do
		_i=$((_i + 1))
		[ $_i -gt 400 ] && {
			cat "$W/idle-json.err" "$W/idle.err" >&2
			tmux -S "$SOCK" capture-pane -p -t idle >&2
			kill $_hp; dash_stop; sim_stop
			note "idle: no connection"; return; }
		sleep 0.05
	done
	sleep 2
	_h0=$("$TOOL" cpu "$_hp") _d0=$("$TOOL" cpu "$DPID")
	sleep "$BENCH_IDLE_SECONDS"
	_h1=$("$TOOL" cpu "$_hp") _d1=$("$TOOL" cpu "$DPID")
	put idle_json_cpu_pct "$(calc "($_h1 - $_h0) / $BENCH_IDLE_SECONDS * 100")"
	put idle_dash_cpu_pct "$(calc "($_d1 - $_d0) / $BENCH_IDLE_SECONDS * 100")"
	put dash_base_hwm_kb "$(awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status")"
	kill "$_hp" 2>/dev/null
	wait "$_hp" 2>/dev/null
	dash_stop
	sim_stop
}

# keys: keypress to redraw while the dashboard ingests a flood as fast as
# it can (at least 100 000 msg/s is the target; the rate it shows is
# recorded): "?" shows the help, "q" goes back; each press is one sample.
# bench-tool talks to tmux in control mode, so polling the screen costs no
# process per poll.
keys() {
	sim_start --rate 0
	dash_start keys
	"$TOOL" screen "$SOCK" keys ' connected ' 10 >/dev/null || {
		dash_stop; sim_stop; note "keys: no connection"; return; }
	sleep 2
	timeout $((BENCH_KEY_TRIALS * 20 + 10)) "$TOOL" keys "$SOCK" keys \
	    "$BENCH_KEY_TRIALS" 5 >"$W/keys.txt" ||
	    note "keys: some presses got no redraw within 5 s"
	# The ingest rate the dashboard shows under this flood.
	_rate=$(tmux -S "$SOCK" capture-pane -p -t keys |
	    sed -n 's/^ *\([0-9][0-9]*\) msg\/s.*/\1/p' | head -n 1)
	dash_stop
	sim_stop
	[ -s "$W/keys.txt" ] || { note "keys: no sample"; return; }
	put key_ms_median "$(sort -n "$W/keys.txt" | awk '{ v[NR] = $1 }
	    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f", m * 1000 }')"
	put key_ms_max "$(sort -n "$W/keys.txt" | tail -n 1 |
	    awk '{ printf "%.1f", $1 * 1000 }')"
	put key_samples "$(wc -l <"$W/keys.txt" | tr -d ' ')"
	put key_flood_shown_msgs_s "$_rate"
}

# history: the back-fill of issue #11. swf-sim holds BENCH_HIST_RUNS
# running executions of BENCH_HIST_MSGS stf_gen messages each, and floods
# live at 200 msg/s meanwhile. Headless --history all: the time from
# "connected" to the merged history and the bytes read (its own report)
# and how late the heartbeat timer fired; the dashboard: how late its
# redraw timer and the merge's own slices fired, and its peak RSS against
# the same run with --history off (the growth holds the merged messages
# in the store as well as the answer being read).
hist_populate() {
	_r=0
	while [ $_r -lt "$BENCH_HIST_RUNS" ]; do
		_r=$((_r + 1))
		awk -v r=$((200000 + _r)) -v n="$BENCH_HIST_MSGS" 'BEGIN {
		    e = "stf_datataking-bench-" r
		    printf "[{\"msg_type\":\"run_imminent\",\"run_id\":\"%d\",\"execution_id\":\"%s\",\"sender\":\"daq-agent-bench-1\",\"timestamp\":\"2026-12-01 13:00:00\",\"state\":\"beam\",\"substate\":\"not_ready\"}", r, e
		    printf ",{\"msg_type\":\"start_run\",\"run_id\":\"%d\",\"execution_id\":\"%s\",\"sender\":\"daq-agent-bench-1\",\"timestamp\":\"2026-12-01 13:00:01\",\"state\":\"run\",\"substate\":\"physics\"}", r, e
		    for (i = 1; i <= n; i++)
			printf ",{\"msg_type\":\"stf_gen\",\"run_id\":\"%d\",\"execution_id\":\"%s\",\"sequence\":%d,\"filename\":\"swf.%d.%06d.stf\",\"timestamp\":\"2026-12-01 13:%02d:%02d.%03d\",\"sender\":\"daq-agent-bench-1\",\"state\":\"run\",\"substate\":\"physics\",\"size_bytes\":80033137,\"checksum\":\"ad:39c5fb9e\",\"message\":\"STF file generated\"}", r, e, i, r, i, (i / 60) % 60, i % 60, i % 1000
		    printf "]\n" }' >"$W/hist-run.json"
		curl -sS --noproxy '*' -o /dev/null -H 'Authorization: Token t' \
		    -H 'Content-Type: application/json' \
		    --data-binary @"$W/hist-run.json" "$URL/sim/publish" ||
		    die "history: publish failed"
	done
}

# hist_headless MODE: swf-dash --output json --history MODE until merged;
# its report line in $W/hist-MODE.err.
hist_headless() {
	SWF_DASH_TIMER_STATS=$W/hist-timers-$1.txt "$DASH" --url "$URL" \
	    --output json --history "$1" --agent-interval 1 >/dev/null \
	    2>"$W/hist-$1.err" &
	_hp=$!
	_pids="$_pids $_hp"
	_i=0
	until grep -q "${2:-history of the running executions merged}" \
	    "$W/hist-$1.err" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 600 ] && break
		sleep 0.01
	done
	sleep 1.2
	kill -TERM "$_hp" 2>/dev/null
	wait "$_hp" 2>/dev/null
}

# hist_dash MODE: the dashboard with --history MODE for the merge's time
# and 1.5 s more; its VmHWM (kB) in $HWM, its timers' report in
# $W/hist-timers-dash-MODE.txt.
hist_dash() {
	SWF_DASH_TIMER_STATS=$W/hist-timers-dash-$1.txt
	export SWF_DASH_TIMER_STATS
	dash_start "hist$1" --history "$1"
	unset SWF_DASH_TIMER_STATS
	"$TOOL" screen "$SOCK" "hist$1" ' connected ' 20 >/dev/null &&
	    sleep "$(calc "$_secs + 1.5")"
	HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status")
	tmux -S "$SOCK" send-keys -t "hist$1" q q
	_i=0
	while kill -0 "$DPID" 2>/dev/null && [ $_i -lt 100 ]; do
		_i=$((_i + 1)); sleep 0.1
	done
	dash_stop
}

history_merge() {
	sim_start --rate 200
	hist_populate
	hist_headless all
	_l=$(grep 'history of the running executions merged' "$W/hist-all.err")
	[ -n "$_l" ] || { cat "$W/hist-all.err" >&2; sim_stop; note "history: not merged"; return; }
	_msgs=$(echo "$_l" | sed -n 's/.*merged: \([0-9]*\) messages.*/\1/p')
	_bytes=$(echo "$_l" | sed -n 's/.*(\([0-9]*\) bytes read.*/\1/p')
	_secs=$(echo "$_l" | sed -n 's/.* in \([0-9.]*\) s).*/\1/p')
	put history_msgs "$_msgs"
	put history_bytes "$_bytes"
	put history_merge_s "$_secs"
	put history_beat_late_ms_max "$(awk '$2 == "heartbeat" {
	    printf "%.1f", $6 / 1000 }' "$W/hist-timers-all.txt")"
	if command -v tmux >/dev/null 2>&1; then
		hist_dash all
		_hwm_all=$HWM
		put history_redraw_late_ms_max "$(awk '$2 == "redraw" {
		    printf "%.1f", $6 / 1000 }' "$W/hist-timers-dash-all.txt")"
		put history_slice_late_ms_max "$(awk '$2 == "history_merge" {
		    printf "%.1f", $6 / 1000 }' "$W/hist-timers-dash-all.txt")"
		hist_dash off
		put history_rss_growth_kb "$((_hwm_all - HWM))"
		put history_rss_per_byte \
		    "$(calc "($_hwm_all - $HWM) * 1024 / $_bytes")"
	fi
	sim_stop
}

one_run() {
	: >"$W/run$RUN.txt"
	if [ -n "$BENCH_ONLY" ]; then
		for _f in $BENCH_ONLY; do
			note "run $RUN/$BENCH_RUNS: $_f"
			case $_f in
			json) headless json "$BENCH_N" --output json ;;
			json_nohist) headless json_nohist "$BENCH_N" \
			    --output json --history off ;;
			json_filtered) headless json_filtered "$BENCH_N" \
			    --output json --agent data-agent-flood-9 ;;
			plain) headless plain "$BENCH_N" --output plain ;;
			jq) jq_pipeline ;;
			dash) dashboard dash ;;
			dash_keep1M) dashboard dash_keep1M --keep 1000000 \
			    --keep-bytes 4G ;;
			lat1000) latency 1000 ;;
			lat1000_curl) latency_curl 1000 ;;
			lat50000) latency 50000 ;;
			idle) idle ;;
			keys) keys ;;
			timers) timers ;;
			history) history_merge ;;
			json_before)
				[ -n "$BASE_DASH" ] || die "json_before needs BENCH_BASELINE"
				HDASH=$BASE_DASH headless json_before "$BENCH_N" \
				    --output json ;;
			json_tok40) headless_tok40 json_tok40 --output json ;;
			json_before_tok40)
				[ -n "$BASE_DASH" ] || die "json_before_tok40 needs BENCH_BASELINE"
				HDASH=$BASE_DASH headless_tok40 \
				    json_before_tok40 --output json ;;
			timers_before)
				[ -n "$BASE_DASH" ] || die "timers_before needs BENCH_BASELINE"
				timers "$BASE_DASH" _before ;;
			*) die "BENCH_ONLY: unknown $_f" ;;
			esac
		done
		derived
		return
	fi
	note "run $RUN/$BENCH_RUNS: headless json, json with a client-side filter, plain"
	headless json "$BENCH_N" --output json
	headless json_nohist "$BENCH_N" --output json --history off
	[ -n "$BASE_DASH" ] && HDASH=$BASE_DASH headless json_before \
	    "$BENCH_N" --output json
	headless_tok40 json_tok40 --output json
	[ -n "$BASE_DASH" ] && HDASH=$BASE_DASH headless_tok40 \
	    json_before_tok40 --output json
	# swf-sim's flood comes from data-agent-flood-9 (sim-flood.c).
	headless json_filtered "$BENCH_N" --output json \
	    --agent data-agent-flood-9
	headless plain "$BENCH_N" --output plain
	note "run $RUN/$BENCH_RUNS: curl | sed | jq"
	jq_pipeline
	if command -v tmux >/dev/null 2>&1; then
		note "run $RUN/$BENCH_RUNS: dashboard (default --keep, then --keep 1000000)"
		dashboard dash
		dashboard dash_keep1M --keep 1000000 --keep-bytes 4G
	else
		note "no tmux: dashboard figures skipped"
	fi
	note "run $RUN/$BENCH_RUNS: latency at 1000 (swf-dash, then curl) and 50000 msg/s"
	latency 1000
	latency_curl 1000
	latency 50000
	if command -v tmux >/dev/null 2>&1; then
		note "run $RUN/$BENCH_RUNS: idle for $BENCH_IDLE_SECONDS s"
		idle
		note "run $RUN/$BENCH_RUNS: key latency under a flood"
		keys
		note "run $RUN/$BENCH_RUNS: timers under a flood"
		timers
		[ -n "$BASE_DASH" ] && timers "$BASE_DASH" _before
	fi
	note "run $RUN/$BENCH_RUNS: history back-fill of $BENCH_HIST_RUNS x $BENCH_HIST_MSGS"
	history_merge
	derived
}

# Figures computed from others of the same run.
derived() {
	_f=$W/run$RUN.txt
	_get() { awk -v k="$1" '$1 == k { print $2 }' "$_f"; }
	_j=$(_get json_msgs_s) _q=$(_get jq_msgs_s)
	[ -n "$_j" ] && [ -n "$_q" ] && put json_vs_jq "$(calc "$_j / $_q")"
	_jb=$(_get json_before_msgs_s)
	[ -n "$_j" ] && [ -n "$_jb" ] && put json_vs_before "$(calc "$_j / $_jb")"
	_c=$(_get json_cpu_s_per_M) _cb=$(_get json_before_cpu_s_per_M)
	[ -n "$_c" ] && [ -n "$_cb" ] &&
	    put json_cpu_vs_before "$(calc "$_c / $_cb")"
	_jn=$(_get json_nohist_msgs_s)
	[ -n "$_jn" ] && [ -n "$_jb" ] &&
	    put json_nohist_vs_before "$(calc "$_jn / $_jb")"
	_c=$(_get json_nohist_cpu_s_per_M)
	[ -n "$_c" ] && [ -n "$_cb" ] &&
	    put json_nohist_cpu_vs_before "$(calc "$_c / $_cb")"
	_c=$(_get json_tok40_cpu_s_per_M) _cb=$(_get json_before_tok40_cpu_s_per_M)
	[ -n "$_c" ] && [ -n "$_cb" ] &&
	    put json_tok40_cpu_vs_before "$(calc "$_c / $_cb")"
	_a=$(_get dash_hwm_kb) _b=$(_get dash_keep1M_hwm_kb)
	_jb=$(_get json_bytes_per_msg)
	if [ -n "$_a" ] && [ -n "$_b" ]; then
		# Both ingested BENCH_N; one keeps 50 000 (the default), the other all.
		_per=$(calc "($_b - $_a) * 1024 / ($BENCH_N - 50000)")
		put mem_bytes_per_msg "$_per"
		[ -n "$_jb" ] && put mem_per_json_byte "$(calc "$_per / $_jb")"
	fi
}

# --- report ----------------------------------------------------------

# The median of each figure over the runs: "key v1 v2 ... median".
medians() {
	for r in $(seq 1 "$BENCH_RUNS"); do
		sed "s/^/$r /" "$W/run$r.txt"
	done | awk -v runs="$BENCH_RUNS" '
	{ if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
	  val[$2, $1] = $3; cnt[$2]++ }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]; m = 0; line = k
			for (r = 1; r <= runs; r++) {
				v = ((k, r) in val) ? val[k, r] : "-"
				line = line " " v
				if (v != "-") s[++m] = v + 0
			}
			for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++)
				if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
			med = m == 0 ? "-" : (m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2)
			print line, med
		}
	}' >"$W/medians.txt"
}

# target KEY: "target met" for a figure's median, from the issue.
target() {
	_m=$(awk -v k="$1" '$1 == k { print $NF }' "$W/medians.txt")
	[ -z "$_m" ] || [ "$_m" = - ] && { echo "- -"; return; }
	case $1 in
	json_msgs_s)		_t=">=1000000"; _ok=$(calc "$_m >= 1000000") ;;
	json_filtered_msgs_s)	_t=">=300000"; _ok=$(calc "$_m >= 300000") ;;
	json_vs_jq)		_t=">=5"; _ok=$(calc "$_m >= 5") ;;
	json_vs_before)		_t=">=1"; _ok=$(calc "$_m >= 1") ;;
	json_cpu_vs_before|json_nohist_cpu_vs_before)
				_t="<=1"; _ok=$(calc "$_m <= 1") ;;
	json_nohist_vs_before)	_t=">=1"; _ok=$(calc "$_m >= 1") ;;
	dash_msgs_s|dash_keep1M_msgs_s) _t=">=100000"; _ok=$(calc "$_m >= 100000") ;;
	key_ms_median|key_ms_max) _t="<=50"; _ok=$(calc "$_m <= 50") ;;
	lat1000_p99_us)		_t="<=2000"; _ok=$(calc "$_m <= 2000") ;;
	beat_dash_gap_max_ms|beat_plain_gap_max_ms)
				_t="<=1020"; _ok=$(calc "$_m <= 1020") ;;
	timer_redraw_late_ms_max|timer_beat_dash_late_ms_max|timer_beat_plain_late_ms_max)
				_t="<=20"; _ok=$(calc "$_m <= 20") ;;
	mem_per_json_byte)	_t="<=1.3"; _ok=$(calc "$_m <= 1.3") ;;
	dash_base_hwm_kb)	_t="<16384"; _ok=$(calc "$_m < 16384") ;;
	idle_json_cpu_pct|idle_dash_cpu_pct) _t="<=0.1"; _ok=$(calc "$_m <= 0.1") ;;
	history_merge_s)	_t="<=1"; _ok=$(calc "$_m <= 1") ;;
	history_rss_per_byte)	_t="<=2"; _ok=$(calc "$_m <= 2") ;;
	history_beat_late_ms_max|history_redraw_late_ms_max)
				_t="<=50"; _ok=$(calc "$_m <= 50") ;;
	*)			echo "- -"; return ;;
	esac
	[ "$_ok" = 1 ] && echo "$_t yes" || echo "$_t NO"
}

report() {
	medians
	{
		echo "swf-dash benchmark (issues #7, #11, #13), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "machine: $MACHINE"
		echo "load average: before $LOAD0, after $(cut -d' ' -f1-3 /proc/loadavg)"
		echo
		printf '%-26s' figure
		for r in $(seq 1 "$BENCH_RUNS"); do printf ' %12s' "run$r"; done
		printf ' %12s %10s %4s\n' median target met
		while read -r k rest; do
			set -- $rest
			printf '%-26s' "$k"
			for r in $(seq 1 "$BENCH_RUNS"); do
				printf ' %12s' "$1"; shift
			done
			set -- $(target "$k") "$1"
			printf ' %12s %10s %4s\n' "$3" "$1" "$2"
		done <"$W/medians.txt"
	} | tee "$W/table.txt"
	{
		printf '{\n  "machine": "%s",\n' "$MACHINE"
		printf '  "load_before": "%s",\n  "load_after": "%s",\n' "$LOAD0" \
		    "$(cut -d' ' -f1-3 /proc/loadavg)"
		printf '  "runs": %s,\n  "messages": %s,\n  "figures": {\n' \
		    "$BENCH_RUNS" "$BENCH_N"
		_first=1
		while read -r k rest; do
			set -- $rest
			[ $_first = 1 ] || printf ',\n'
			_first=0
			printf '    "%s": { "runs": [' "$k"
			_sep=""
			for r in $(seq 1 "$BENCH_RUNS"); do
				[ "$1" = - ] && _v=null || _v=$1
				printf '%s%s' "$_sep" "$_v"; _sep=", "; shift
			done
			[ "$1" = - ] && _v=null || _v=$1
			set -- $(target "$k")
			printf '], "median": %s, "target": "%s", "met": %s }' "$_v" \
			    "$1" "$([ "$2" = yes ] && echo true || { [ "$2" = NO ] && echo false || echo null; })"
		done <"$W/medians.txt"
		printf '\n  }\n}\n'
	} >"$BENCH_OUT"
	note "figures written to $BENCH_OUT"
}

# --- main ------------------------------------------------------------

[ -r /proc/self/io ] || die "needs Linux /proc"
command -v timeout >/dev/null 2>&1 || die "needs timeout(1)"
build
MACHINE="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
note "machine: $MACHINE; load $LOAD0"
RUN=0
while [ $RUN -lt "$BENCH_RUNS" ]; do
	RUN=$((RUN + 1))
	one_run
done
report
