#!/bin/sh
# fault-hostile.sh: the fault matrix, hostile servers and proxies
# (tests/hostile.py), headless. Each case asserts on the bytes swf-dash
# wrote, its memory (VmHWM) and how long it took:
#   H1 http_proxy and ALL_PROXY point at a fake proxy on loopback: a
#      plain http:// URL to loopback goes direct; the proxy receives
#      nothing (no token in clear text);
#   H2 a server that echoes the Authorization header in the pre-check
#      body (with OSC title, OSC 52, clear-screen and 8-bit CSI), in a
#      500 on the stream and a 400 on the heartbeat: at -v, stderr holds
#      neither the token nor any escape or C1 byte;
#   H3 SSE ids of 1 MiB and 3 MiB: ignored and counted, --output events
#      lines stay short, the stream goes on, memory stays bounded;
#   H4 start-up: no core file, not dumpable, descriptors 0-2 reserved;
#   H5 DEL, C1 controls, U+2028 and U+2029 escaped in json and events;
#   H6 a status pre-check that never answers (--idle-timeout 2): the
#      stream is tried after it and opens;
#   H7 "100 Continue" every 0.5 s, never a final status; H8 one header
#      line every 0.5 s; H9 one byte every 0.3 s that never ends a line
#      (all under --idle-timeout 1.5): each is dropped by the watchdog
#      within 4 s and retried, again and again.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

command -v python3 >/dev/null || skip "python3 is needed"
SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
TOKEN=Tok-h0stile-S3cret-0123456789abcdef

# hostile MODE [ARGS]: start tests/hostile.py MODE; its URL in $H_URL,
# what it received in $T/MODE.log.
hostile() {
	_m=$1; shift
	: >"$T/$_m.log"
	bg_start python3 "$top_srcdir/tests/hostile.py" "$_m" \
	    --log "$T/$_m.log" "$@" >"$T/$_m.url" 2>"$T/$_m.err"
	H_PID=$BG_PID
	wait_for 10 grep -q '^http' "$T/$_m.url" ||
	    fail "hostile.py $_m did not start: $(cat "$T/$_m.err")"
	H_URL=$(head -n 1 "$T/$_m.url")
}

# no_token FILE WHAT: FILE does not hold the token, nor its start.
no_token() {
	if grep -a -q -e "$TOKEN" -e "${TOKEN%??????????}" "$1"; then
		grep -a -e "${TOKEN%??????????}" "$1" | head -n 3 >&2
		bad "$2: the token is in $(basename "$1")"
	fi
}

# no_controls FILE WHAT: FILE holds no ESC, no other C0 control but
# newline and no C1 control (raw 0x80-0x9f or UTF-8 U+0080-U+009F).
no_controls() {
	if LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C grep -q '[[:cntrl:]]' ||
	    LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"; then
		cat -v "$1" | head -n 5 >&2
		bad "$2: a control character in $(basename "$1")"
	fi
}

# H1: a proxy that must receive nothing.
sim_start --token t --token "$TOKEN" --no-workflow --heartbeat-interval 0.5
hostile proxy
(
	unset NO_PROXY no_proxy
	http_proxy=$H_URL; ALL_PROXY=$H_URL; all_proxy=$H_URL
	HTTPS_PROXY=$H_URL; export http_proxy ALL_PROXY all_proxy HTTPS_PROXY
	SWF_API_TOKEN=$TOKEN; export SWF_API_TOKEN
	exec "$SWF_DASH" --url "$SIM_URL" --output json >"$T/h1.out" \
	    2>"$T/h1.err"
) &
DASH_PID=$!; DASH_ERR=$T/h1.err; DASH_OUT=$T/h1.out
_bg_pids="$_bg_pids $DASH_PID"
wait_for 10 grep -q 'stream open' "$DASH_ERR" ||
    bad "H1: no stream opened directly (with a proxy set)"
pub '{"msg_type": "sse_test", "n": 1}'
wait_for 10 out_has '"n": *1' || bad "H1: no message through the direct stream"
if [ -s "$T/proxy.log" ]; then
	head -c 300 "$T/proxy.log" | cat -v >&2
	bad "H1: the proxy received $(wc -c <"$T/proxy.log") bytes"
fi
no_token "$T/proxy.log" H1
stop_dash H1
echo "  H1: bytes at the proxy: $(wc -c <"$T/proxy.log")"
case_ok "H1: loopback http:// never goes through a proxy"
sim_stop

# H2: a server echoing the Authorization header, at -v.
hostile echo
SWF_API_TOKEN=$TOKEN dash_start --url "$H_URL" -v --output plain
wait_for 10 err_has 'HTTP 500: upstream rejected Authorization: Token \*\*\*' ||
    bad "H2: the 500's detail not shown with the token hidden"
# The pre-check is an authentication check only: its body (counts that
# mean nothing, here an echo) is never shown, even at -v.
wait_for 10 err_has 'status pre-check: token accepted' ||
    bad "H2: the pre-check not reported at -v"
wait_for 10 grep -q -a 'bad agent from Token \*\*\*' "$DASH_ERR" ||
    bad "H2: the registration error not shown with the token hidden"
sleep 1
alive "$DASH_PID" H2
stop_dash H2
no_token "$DASH_ERR" H2
no_token "$DASH_OUT" H2
no_controls "$DASH_ERR" H2
grep -q 'Authorization: Token' "$T/echo.log" ||
    bad "H2: the server never saw the token (the case proves nothing)"
case_ok "H2: echoed token hidden, pre-check body not shown at -v"

# H3: huge SSE ids.
# --max-event 4M lets the 3 MiB id line through the event cap: only the
# id cap stands between it and every later line and reconnect.
hostile bigid
dash_start --url "$H_URL" --output events --max-event 4M
wait_for 10 grep -q '"id":"20"' "$DASH_OUT" ||
    bad "H3: the stream did not go on past the big ids"
mem_base "$DASH_PID"
wait_for 10 sh -c "[ \$(grep -c 'stream open' '$DASH_ERR') -ge 2 ]" ||
    bad "H3: no reconnect after the server closed the stream"
wait_for 10 sh -c "[ \$(grep -c '\"id\":\"20\"' '$DASH_OUT') -ge 2 ]" ||
    bad "H3: the second stream did not deliver"
mem_bounded "$DASH_PID" 8192 H3
err_has 'ignored an event id longer than 1024 bytes; 2 so far' ||
    bad "H3: the big ids were not reported"
err_has 'Out of memory' && bad "H3: a reconnect failed with Out of memory"
_long=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' \
    "$DASH_OUT")
[ "$_long" -le 2048 ] || bad "H3: an events line of $_long bytes"
_lid=$(grep -a -i '^last-event-id:' "$T/bigid.log" | awk '{ print length($0) }' |
    sort -n | tail -n 1)
[ "${_lid:-0}" -le 1100 ] || bad "H3: a Last-Event-ID header of $_lid bytes"
stop_dash H3
echo "  H3: longest events line $_long bytes, $(wc -c <"$DASH_OUT") bytes out, Last-Event-ID ${_lid:-0} bytes"
case_ok "H3: SSE ids over 1 KiB ignored and counted"

# H4: start-up. Holding a token, swf-dash has no core limit and is not
# dumpable (its /proc files belong to root even when it runs as another
# user, so that user's other processes cannot read its environ or memory);
# started with stderr closed, the recording does not take descriptor 2
# and receive the log.
sim_start --token t --no-workflow --heartbeat-interval 0.5
dash_start --output json
dash_connected 10
grep -q '^Max core file size  *0  *0 ' "/proc/$DASH_PID/limits" ||
    bad "H4: core files not disabled: $(grep core "/proc/$DASH_PID/limits")"
stop_dash H4
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	# A copy nobody can run, wherever the build tree is (CI may build
	# under a home that only root can enter).
	cp "$SWF_DASH" "$T/swf-dash-h4"
	chmod 755 "$T/swf-dash-h4"
	bg_start setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env SWF_API_TOKEN=t SWF_SSE_RECEIVER_NAME=h4 "$T/swf-dash-h4" \
	    --url "$SIM_URL" --output json >/dev/null 2>&1
	_p=$BG_PID
	wait_for 10 grep -q '^Uid:.*65534' "/proc/$_p/status" ||
	    bad "H4: swf-dash did not start as nobody"
	sleep 0.5
	_own=$(stat -c %u "/proc/$_p/environ")
	[ "$_own" = 0 ] ||
	    bad "H4: /proc/PID/environ belongs to uid $_own: still dumpable"
	kill "$_p"
	echo "  H4: /proc/PID/environ of swf-dash run as nobody: uid $_own"
fi
SWF_API_TOKEN=t SWF_SSE_RECEIVER_NAME=h4 "$SWF_DASH" --url "$SIM_URL" \
    --output json --record "$T/h4.rec" >&- 2>"$T/h4.err" &
DASH_PID=$!
_bg_pids="$_bg_pids $DASH_PID"
wait_for 10 grep -q 'stream open' "$T/h4.err" ||
    bad "H4: no stream with stdout closed"
pub '{"msg_type": "sse_test", "n": 4}'
wait_for 10 grep -q '"n": *4' "$T/h4.rec" || bad "H4: nothing recorded"
_fd1=$(readlink "/proc/$DASH_PID/fd/1")
[ "$_fd1" = /dev/null ] ||
    bad "H4: with stdout closed, descriptor 1 is $_fd1 (output goes there)"
kill -TERM "$DASH_PID"
wait "$DASH_PID"
case_ok "H4: no core, not dumpable, descriptors 0-2 reserved"

# H5: DEL, C1 controls (U+0085, the 8-bit CSI U+009B) and U+2028/U+2029
# as raw bytes in a message: --output json and events escape them, and
# the JSON still means the same.
printf 'event: c1\ndata: {"msg_type": "c1", "message": "a\177b\302\205c\302\23331md\342\200\250e\342\200\251f"}\n\n' \
    >"$T/c1"
for _mode in json events; do
	raw_fault "$T/c1"
	dash_start --output "$_mode"
	wait_for 10 grep -q 'c1' "$DASH_OUT" || bad "H5 $_mode: no message"
	stop_dash "H5 $_mode"
	if LC_ALL=C grep -q -e "$(printf '\177')" \
	    -e "$(printf '\302[\200-\237]')" \
	    -e "$(printf '\342\200[\250\251]')" "$DASH_OUT"; then
		cat -v "$DASH_OUT" >&2
		bad "H5 $_mode: DEL, C1 or U+2028/9 written raw"
	fi
	if [ "$_mode" = json ]; then
		_m=$(grep c1 "$DASH_OUT" | jq -r .message)
	else
		_m=$(grep c1 "$DASH_OUT" | jq -r .data | jq -r .message)
	fi
	[ "$_m" = "$(printf 'a\177b\302\205c\302\23331md\342\200\250e\342\200\251f')" ] ||
	    bad "H5 $_mode: the escaped JSON means something else: $_m"
done
# The same bytes after runs of plain text of every length up to 33, so
# that each one falls at every place of out_json_write's word-at-a-time
# skipping and in its byte-by-byte tail.
_w="" _pad=""
for _i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 \
    24 25 26 27 28 29 30 31 32 33; do
	_w="$_w$_pad\177$_pad\302\233$_pad\342\200\251$_pad\302\205"
	_pad="${_pad}x"
done
printf "event: wide\ndata: {\"msg_type\": \"wide\", \"message\": \"$_w\"}\n\n" \
    >"$T/wide"
raw_fault "$T/wide"
dash_start --output json
wait_for 10 grep -q 'wide' "$DASH_OUT" || bad "H5 wide: no message"
stop_dash "H5 wide"
if LC_ALL=C grep -q -e "$(printf '\177')" \
    -e "$(printf '\302[\200-\237]')" \
    -e "$(printf '\342\200[\250\251]')" "$DASH_OUT"; then
	cat -v "$DASH_OUT" >&2
	bad "H5 wide: DEL, C1 or U+2028/9 written raw"
fi
[ "$(grep wide "$DASH_OUT" | jq -r .message)" = "$(printf "$_w")" ] ||
    bad "H5 wide: the escaped JSON means something else"
[ "$(grep -o '\\u00[0-9a-f][0-9a-f]\|\\u202[89]' "$DASH_OUT" | wc -l)" -eq 136 ] ||
    bad "H5 wide: not 136 escapes"
case_ok "H5: json and events escape DEL, C1, U+2028, U+2029"

# H6: the pre-check never answers.
hostile status-hang
_t0=$(date +%s%N)
dash_start --url "$H_URL" --output json --idle-timeout 2
wait_for 10 err_has 'stream open' ||
    bad "H6: the stream was never tried after a silent pre-check"
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
err_has 'pre-check: no answer' || bad "H6: the timeout was not said"
wait_for 5 out_has '"n": *3' || bad "H6: no messages"
stop_dash H6
echo "  H6: stream open $_ms ms after start (pre-check timeout 2 s)"
case_ok "H6: a silent pre-check goes on to the stream"

# H7-H9: responses that look alive but never make progress.
for _c in "H7 interim no response for" "H8 header-trickle no response for" \
    "H9 byte-trickle stalled: no data for"; do
	set -- $_c
	_id=$1 _mode=$2; shift 2
	_why="$*"
	hostile "$_mode"
	_t0=$(date +%s%N)
	dash_start --url "$H_URL" --output json --idle-timeout 1.5
	wait_for 6 err_has "reconnecting in [0-9.]*s ($_why" ||
	    bad "$_id: not dropped: $(tail -n 2 "$DASH_ERR")"
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	[ "$_ms" -le $((4000 * FAULT_SLOW)) ] ||
	    bad "$_id: dropped only after $_ms ms"
	wait_for 8 sh -c "[ \$(grep -c 'reconnecting in' '$DASH_ERR') -ge 2 ]" ||
	    bad "$_id: the second attempt was not dropped too"
	mem_base "$DASH_PID"
	sleep 1
	alive "$DASH_PID" "$_id"
	mem_bounded "$DASH_PID" 8192 "$_id"
	stop_dash "$_id"
	kill "$H_PID"
	echo "  $_id: first drop after $_ms ms"
	case_ok "$_id: $_mode cannot keep the stream alive"
done

# H10, H11: reasons in words, not libcurl's "No error" or "Out of memory".
for _c in "H10 cut-headers the connection closed before the response headers" \
    "H11 huge-header the response headers are too large"; do
	set -- $_c
	_id=$1 _mode=$2; shift 2
	_why="$*"
	hostile "$_mode"
	dash_start --url "$H_URL" --output json
	wait_for 6 err_has "reconnecting in [0-9.]*s ($_why" ||
	    bad "$_id: not said in words: $(grep reconnecting "$DASH_ERR" |
	    head -n 1)"
	err_has 'No error\|(Out of memory' && bad "$_id: a misleading reason"
	stop_dash "$_id"
	kill "$H_PID"
	case_ok "$_id: $_mode said in words"
done

# H13: a locale that is not UTF-8 (C): plain output and stderr hold only
# ASCII ('?' for the rest), never a byte 0x80-0x9F. Invisible look-alike
# letters in names are shown as escapes.
sim_start --token t --no-workflow --heartbeat-interval 0.5
printf 'event: loc\ndata: {"msg_type": "loc\\u00e9", "sender": "\\u3164", "processed_by": "ad\\u200bmin", "message": "caf\\u00e9 \\u65e5\\u672c \\u0085 \\u009b31m \342\200\250 raw\303\251"}\n\n' \
    >"$T/loc"
raw_fault "$T/loc"
LC_ALL=C dash_start --output plain
wait_for 10 out_has 'raw' || bad "H13: no message"
stop_dash H13
if LC_ALL=C grep -q "$(printf '[\200-\377]')" "$DASH_OUT" "$DASH_ERR"; then
	od -c "$DASH_OUT" | head >&2
	bad "H13: a byte over 0x7F under LC_ALL=C"
fi
out_has 'loc? ' || bad "H13: the type not shown as loc?: $(cat "$DASH_OUT")"
out_has 'caf? ?? ' || bad "H13: the text not shown with '?'"
out_has '\\u3164' || bad "H13: the Hangul filler not shown as an escape"
case_ok "H13: a non-UTF-8 locale gets ASCII; look-alikes are escapes"

# H14: TERM=dumb or unknown on a terminal: plain output, with a warning.
if command -v script >/dev/null; then
	for _term in dumb no-such-terminal-xyz; do
		TERM=$_term SWF_API_TOKEN=t SWF_SSE_RECEIVER_NAME=h14 \
		    script -q -e -c "timeout 3 '$SWF_DASH' --url '$SIM_URL'" \
		    /dev/null >"$T/h14.out" 2>&1
		grep -q 'writing plain output instead of the dashboard' \
		    "$T/h14.out" || bad "H14 $_term: no fallback: $(head -c 300 "$T/h14.out")"
		grep -q 'stream open' "$T/h14.out" ||
		    bad "H14 $_term: plain output did not connect"
	done
	case_ok "H14: TERM=dumb or unknown falls back to plain output"
fi
sim_stop

# H12: a registry answer of 3.5 million empty records and 40 names of
# 100 kB: counted and capped before anything is built, names cut.
hostile registry-bomb
dash_start --url "$H_URL" --output alerts --registry-interval 1
dash_connected 10
mem_base "$DASH_PID"
wait_for 20 sh -c "[ \$(grep -c 'GET /api/systemagents/ ' '$T/registry-bomb.log') -ge 3 ]" ||
    bad "H12: the registry was not read three times"
sleep 1
alive "$DASH_PID" H12
mem_bounded "$DASH_PID" 49152 H12 2
_t0=$(date +%s%N)
stop_dash H12
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
[ "$_ms" -le $((2000 * FAULT_SLOW)) ] || bad "H12: exit took $_ms ms"
kill "$H_PID"
echo "  H12: exit in $_ms ms"
case_ok "H12: a registry bomb is counted and capped"

fault_finish
