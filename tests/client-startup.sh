#!/bin/sh
# Start-up and headless problems found on first use, each with the check
# that would have caught it: a --record that cannot be written (exit 1 at
# start; a later write failure counted), stdout closed with no traffic at
# all (exit within 2 s, EXITED), --cacert missing or on http://, a
# certificate that fails verification (permanent, exit 3), no doubled
# prefixes, 4xx versus 429, an HTML error page summarised by its title,
# an unknown option in one line, -m with an unknown type warned once.
. "$top_srcdir/tests/lib.sh"
client_setup

SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
REG="$T/reg.json"
sim_start --token t --no-workflow --heartbeat-interval 30 \
    --registry-dump "$REG"

# lines FILE: how many lines FILE has.
lines() {
	wc -l < "$1" | tr -d ' '
}

# --- the command line: one line and "try --help".
"$SWF_DASH" --url "$SIM_URL" --bogus >"$T/o" 2>"$T/e"
[ $? = 1 ] || fail "unknown option: not exit 1"
[ "$(cat "$T/e")" = "swf-dash: unknown option --bogus; try --help" ] ||
    { cat "$T/e"; fail "unknown option: not one line"; }
[ -s "$T/o" ] && fail "unknown option: usage on stdout"
"$SWF_DASH" --url "$SIM_URL" -x 2>"$T/e"
[ "$(cat "$T/e")" = "swf-dash: unknown option -x; try --help" ] ||
    { cat "$T/e"; fail "unknown short option"; }
"$SWF_DASH" --url 2>"$T/e"
[ "$(cat "$T/e")" = "swf-dash: a value is needed after --url; try --help" ] ||
    { cat "$T/e"; fail "missing value"; }
"$SWF_DASH" --url "$SIM_URL" stray 2>"$T/e"
[ "$(lines "$T/e")" = 1 ] && grep -q 'unexpected argument stray; try --help' "$T/e" ||
    { cat "$T/e"; fail "stray argument"; }
"$SWF_DASH" --help | grep -q 'a 4xx other than 408 and 429' ||
    fail "--help: the 4xx text does not follow the code"
ok "bad command lines: one line, try --help"

# --- --record that cannot be written: exit 1 at start, naming the flag.
"$SWF_DASH" --url "$SIM_URL" -o json --record "$T/no/such/dir.jsonl" \
    >/dev/null 2>"$T/e"
[ $? = 1 ] || fail "bad --record: not exit 1"
grep -q "^swf-dash: --record $T/no/such/dir.jsonl: No such file or directory$" "$T/e" ||
    { cat "$T/e"; fail "bad --record: message"; }
ok "--record that cannot be opened: exit 1 at start"

# A write failure later (a full disk: /dev/full) is logged and counted.
if [ -w /dev/full ]; then
	dash_start -o json --record /dev/full
	dash_connected
	pub '{"msg_type":"sse_test","n":1}'
	pub '{"msg_type":"sse_test","n":2}'
	wait_for 5 out_has '"n": *2' || fail "record full: output stopped"
	kill -INT "$DASH_PID"; dash_wait
	[ "$DASH_RC" = 0 ] || fail "record full: exit $DASH_RC"
	err_has 'writing the recording /dev/full: No space left on device' ||
	    { cat "$DASH_ERR"; fail "record full: no error"; }
	# connected, and two messages: at least 3 events not recorded.
	n=$(sed -n 's/.*: \([0-9]*\) events not recorded to \/dev\/full$/\1/p' "$DASH_ERR")
	[ -n "$n" ] && [ "$n" -ge 3 ] || { cat "$DASH_ERR"; fail "record full: not counted ($n)"; }
	ok "--record write failure logged and counted ($n events)"
fi

# --- stdout closed with no traffic at all (heartbeats every 30 s): out
# within 2 s, with EXITED.
(
	"$SWF_DASH" --url "$SIM_URL" -o json --name quiet-recv 2>"$T/q.err"
	echo "$?" > "$T/q.rc"
) | {
	wait_for 10 grep -q 'stream open' "$T/q.err"
	date +%s.%N > "$T/q.closed"
}
wait_for 3 test -s "$T/q.rc" || { cat "$T/q.err"; fail "stdout closed: still running after 3 s"; }
date +%s.%N > "$T/q.end"
took=$(awk -v a="$(cat "$T/q.closed")" -v b="$(cat "$T/q.end")" 'BEGIN { print b - a }')
awk -v t="$took" 'BEGIN { exit !(t < 2.5) }' || fail "stdout closed: took $took s"
[ "$(cat "$T/q.rc")" = 0 ] || fail "stdout closed: exit $(cat "$T/q.rc")"
wait_for 5 reg_is quiet-recv EXITED EXITED || fail "stdout closed: not EXITED"
ok "stdout closed with no traffic: out in ${took}s with EXITED"

# --- no doubled prefixes.
fault '{"fault": "status", "code": 500, "endpoint": "heartbeat"}'
dash_start -o json --insecure
dash_connected
wait_for 5 err_has 'registration failed' || fail "no registration failure"
kill -INT "$DASH_PID"; dash_wait
fault '{"fault": "none"}'
err_has 'registration failed: registration failed' && fail "doubled: registration failed"
err_has 'warning: WARNING' && fail "doubled: warning: WARNING"
err_has 'warning: --insecure: TLS certificates are NOT verified' ||
    { cat "$DASH_ERR"; fail "--insecure warning"; }
ok "no doubled prefixes"

# --- another 4xx is permanent (exit 3); 429 is retried.
fault '{"fault": "status", "code": 418}'
dash_start -o json
dash_wait 10
[ "$DASH_RC" = 3 ] || { cat "$DASH_ERR"; fail "418: exit $DASH_RC"; }
fault '{"fault": "status", "code": 429, "count": 2}'
dash_start -o json
wait_for 10 err_has 'reconnecting in .*HTTP 429' || { cat "$DASH_ERR"; fail "429 not retried"; }
dash_connected 10
kill -INT "$DASH_PID"; dash_wait
ok "418 permanent (exit 3), 429 retried"

# --- an HTML error page: its <title>, not its doctype.
fault '{"fault": "status", "code": 502}'
dash_start -o json
wait_for 10 err_has 'HTTP 502' || { cat "$DASH_ERR"; fail "502 not reported"; }
kill -INT "$DASH_PID"; dash_wait
fault '{"fault": "none"}'
err_has 'DOCTYPE\|<html\|<title' && { cat "$DASH_ERR"; fail "502: HTML shown"; }
grep 'HTTP 502' "$DASH_ERR" | head -n 1 | grep -q 'HTTP 502: [A-Za-z0-9]' ||
    { cat "$DASH_ERR"; fail "502: no title"; }
fault '{"fault": "status", "code": 404, "body": "<!DOCTYPE html>\n<html><head>\n<title>Page not\n found at /api/</title></head><body>x</body></html>", "content_type": "text/html"}'
dash_start -o json
dash_wait 10
[ "$DASH_RC" = 3 ] || fail "404: exit $DASH_RC"
err_has 'HTTP 404: Page not found at /api/ (is the URL' ||
    { cat "$DASH_ERR"; fail "404: title not summarised"; }
fault '{"fault": "none"}'
ok "HTML error pages summarised as their title"

# --- -m with a type outside the catalogue: warned once.
dash_start -o json -m data_ready,stf_gen,bogus_type -m end_run
dash_connected
kill -INT "$DASH_PID"; dash_wait
[ "$(grep -c 'not a known message type' "$DASH_ERR")" = 1 ] ||
    { cat "$DASH_ERR"; fail "-m: not warned once"; }
err_has 'warning: -m: bogus_type, data_ready (renamed stf_ready): not a known message type' ||
    { cat "$DASH_ERR"; fail "-m: warning text"; }
dash_start -o json -m stf_gen,end_run,prodtask_done
dash_connected
kill -INT "$DASH_PID"; dash_wait
err_has 'not a known message type' && fail "-m: known types warned"
ok "-m with unknown types warned once"

# --- --cacert: missing or unreadable exits 1 naming it; with http:// it
# warns.
"$SWF_DASH" --url "$SIM_URL" -o json --cacert "$T/none.pem" 2>"$T/e"
[ $? = 1 ] || fail "missing --cacert: not exit 1"
grep -q "CA bundle $T/none.pem (--cacert, from the command line): No such file or directory" "$T/e" ||
    { cat "$T/e"; fail "missing --cacert: message"; }
REQUESTS_CA_BUNDLE="$T" "$SWF_DASH" --url "$SIM_URL" -o json 2>"$T/e"
[ $? = 1 ] || fail "directory CA bundle: not exit 1"
grep -q "CA bundle $T (--cacert, from the environment): not a regular file" "$T/e" ||
    { cat "$T/e"; fail "directory CA bundle: message"; }
: > "$T/empty.pem"
dash_start -o json --cacert "$T/empty.pem"
dash_connected
kill -INT "$DASH_PID"; dash_wait
err_has "warning: --cacert $T/empty.pem has no effect: the URL is http://" ||
    { cat "$DASH_ERR"; fail "--cacert on http: no warning"; }
ok "--cacert missing: exit 1; with http://: warned"

# --- a certificate that fails verification: permanent, exit 3, in words.
OPENSSL_PROG=${OPENSSL_PROG:-$(command -v openssl)}
if [ -n "$OPENSSL_PROG" ] && "$OPENSSL_PROG" req -x509 -newkey ec \
    -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
    -out "$T/cert.pem" >/dev/null 2>&1; then
	PLAIN_URL=$SIM_URL
	sim_start --token t --no-workflow --tls-cert "$T/cert.pem" \
	    --tls-key "$T/key.pem"
	dash_start -o json
	dash_wait 10
	[ "$DASH_RC" = 3 ] || { cat "$DASH_ERR"; fail "bad certificate: exit $DASH_RC"; }
	err_has 'TLS certificate verification failed, not retrying: SSL certificate problem: self.signed certificate' ||
	    { cat "$DASH_ERR"; fail "bad certificate: words"; }
	err_has 'reconnecting' && fail "bad certificate: retried"
	dash_start -o json --cacert "$T/cert.pem"
	dash_connected
	kill -INT "$DASH_PID"; dash_wait
	[ "$DASH_RC" = 0 ] || fail "good --cacert: exit $DASH_RC"
	ok "certificate verification failure: exit 3 at once, in words"
fi
