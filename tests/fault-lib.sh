# tests/fault-lib.sh: helpers for the fault matrix (tests/fault-*.sh), on
# top of tests/lib.sh (and tests/client-lib.sh or tests/tui-lib.sh, which
# the script sources first).
#
# Every case of the matrix checks the same four things: swf-dash is still
# running (no crash, no hang), its memory stayed under a stated bound,
# it said what happened (stderr in headless mode, the status bar in the
# dashboard), and messages published once the fault is over arrive. A
# case that fails records the failure and the script goes on with the
# next case, so one run shows every regression; fault_finish exits 1 if
# any case failed.

_fault_fails=0

# bad MESSAGE: record a failed check and go on.
bad() {
	echo "FAIL: $*" >&2
	_fault_fails=$((_fault_fails + 1))
}

# case_ok WHAT: the end of a case: "ok: WHAT" if none of its checks
# failed, else "FAIL: WHAT".
_fault_case_start=0
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

# Memory bounds are stated for a plain build. AddressSanitizer keeps freed
# memory in quarantine (256 MB by default: resident, so any program that
# churns looks as if it grew by that much), pads every block and never
# returns small blocks to the system; valgrind (check-valgrind sets
# SWF_VALGRIND) holds freed blocks back too and the process image is the
# tool's. The fault tests shrink the quarantine to 16 MB (use-after-free
# is still caught within that much freeing), and a case that allocates
# and frees a lot (the dashboard laying out a big detail view, 100 000
# messages, TLS handshakes) passes mem_bounded a scale for the rest.
FAULT_SCALED=0
if LC_ALL=C grep -q -a '__asan_init' "$SWF_DASH" 2>/dev/null; then
	FAULT_SCALED=1
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=16"
	export ASAN_OPTIONS
fi
[ -n "${SWF_VALGRIND:-}" ] && FAULT_SCALED=1
# Time and CPU bounds are stated for a native build; valgrind runs the
# program some 20 times slower (and checks for leaks at exit).
FAULT_SLOW=1
[ -n "${SWF_VALGRIND:-}" ] && FAULT_SLOW=20

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

# alive PID WHAT: the process is still running (a child that crashed
# stays a zombie until reaped: that counts as dead).
alive() {
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	""|Z*|X*)
		bad "$2: swf-dash died"
		return 1
		;;
	esac
	return 0
}

# no_sanitizer FILE WHAT: no sanitizer report in FILE.
no_sanitizer() {
	if grep -E -q 'Sanitizer|runtime error' "$1"; then
		cat "$1" >&2
		bad "$2: sanitizer report"
	fi
}

# stop_dash WHAT: SIGTERM; exit status 0 and no sanitizer report.
stop_dash() {
	kill -TERM "$DASH_PID"
	dash_wait 30
	[ "$DASH_RC" = 0 ] || bad "$1: exit status $DASH_RC"
	no_sanitizer "$DASH_ERR" "$1"
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
	_code=$(curl -sS --noproxy '*' -o "$T/fault.out" -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "@$T/raw-fault.json" "$SIM_URL/sim/fault")
	[ "$_code" = 200 ] || fail "raw fault: HTTP $_code $(cat "$T/fault.out")"
}

# publish_file FILE: POST a JSON file to /sim/publish; fails unless 202.
publish_file() {
	_code=$(curl -sS --noproxy '*' -o "$T/pub.out" -w '%{http_code}' \
	    -H 'Authorization: Token t' -H 'Content-Type: application/json' \
	    --data-binary "@$1" "$SIM_URL/sim/publish")
	[ "$_code" = 202 ] || fail "publish $1: HTTP $_code $(cat "$T/pub.out")"
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
		_sim_n=$((_sim_n + 1))
		SIM_OUT="$T/sim$_sim_n.out"
		SIM_ERR="$T/sim$_sim_n.err"
		bg_start "$SWF_SIM" --listen "127.0.0.1:$_port" "$@" \
		    >"$SIM_OUT" 2>"$SIM_ERR"
		SIM_PID=$BG_PID
		wait_for 30 sh -c "grep -q '^http' '$SIM_OUT' ||
		    ! kill -0 $SIM_PID" 2>/dev/null
		if grep -q '^http' "$SIM_OUT"; then
			SIM_URL=$(head -n 1 "$SIM_OUT")
			export SIM_URL
			return 0
		fi
		_i=$((_i + 1))
		[ "$_i" -lt 20 ] ||
		    { cat "$SIM_ERR" >&2; fail "port $_port stays busy"; }
		sleep 0.25
	done
}

# stream_clients N: whether the sim serves exactly N stream clients.
stream_clients() {
	[ "$(curl -sS --noproxy '*' -H 'Authorization: Token t' \
	    "$SIM_URL/sim/stats" | jq '.clients | length')" = "$1" ]
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
