#!/bin/sh
# sim-basic.sh: swf-sim's command line, its URL line and a clean exit.
. "$top_srcdir/tests/lib.sh"

"$SWF_SIM" --version | grep -q '^swf-sim [0-9]' || fail "--version"
"$SWF_SIM" --help >"$T/help" || fail "--help exit status"
for o in --listen --token --token-file --tls-cert --tls-key \
    --heartbeat-interval --client-queue --max-clients --agent-stale \
    --registry-dump --no-workflow --speed --seed --namespaces --rate \
    --count --fault --verbose --quiet --help --version; do
	grep -q -e "$o" "$T/help" || fail "--help does not describe $o"
done
ok "help and version"

# Mistakes exit 2 with a word on stderr and nothing on stdout.
for args in "--bogus" "--heartbeat-interval 0" "--heartbeat-interval x" \
    "--client-queue 0" "--rate -1" "--tls-cert /nonexistent" \
    "--token-file /nonexistent" "--fault {" "--fault {\"fault\":\"nope\"}" \
    "extra"; do
	# shellcheck disable=SC2086
	"$SWF_SIM" --listen 127.0.0.1:0 $args >"$T/o" 2>"$T/e"
	rc=$?
	[ "$rc" -eq 2 ] || fail "'$args' exited $rc, not 2"
	[ -s "$T/e" ] || fail "'$args' said nothing"
	[ ! -s "$T/o" ] || fail "'$args' wrote to stdout"
done
ok "bad options exit 2"

# Port 0: the first and only stdout line is the URL with the real port.
sim_start --token t --no-workflow
echo "$SIM_URL" | grep -E -q '^http://127\.0\.0\.1:[1-9][0-9]*$' ||
    fail "URL line: $SIM_URL"
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' \
    "$SIM_URL/api/systemagents/")
[ "$code" = 200 ] || fail "the URL does not answer: $code"
# A GET without the trailing slash moves, as Django's APPEND_SLASH does.
loc=$(curl -s --noproxy '*' --max-time 5 -o /dev/null \
    -w '%{http_code} %{redirect_url}' "$SIM_URL/api/systemagents")
[ "$loc" = "301 $SIM_URL/api/systemagents/" ] || fail "append slash: $loc"
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' \
    "$SIM_URL/nowhere/")
[ "$code" = 404 ] || fail "unknown path: $code"
# A port in use is a start-up error: exit 1, no URL.
port=${SIM_URL##*:}
"$SWF_SIM" --listen "127.0.0.1:$port" --no-workflow >"$T/o" 2>"$T/e"
rc=$?
[ "$rc" -eq 1 ] || fail "port in use: exit $rc"
[ ! -s "$T/o" ] || fail "port in use: a URL was printed"
grep -q -i 'in use' "$T/e" || fail "port in use: $(cat "$T/e")"
sim_stop_clean
[ "$(wc -l <"$SIM_OUT")" -eq 1 ] || fail "stdout has more than the URL"
grep -q 'listening on' "$SIM_ERR" || fail "no log on stderr"
ok "port 0, URL line, SIGTERM exit 0"

# SIGINT is a clean exit too, with a client connected.
sim_start --token t --no-workflow
sim_stream "$T/s1"
kill -INT "$SIM_PID"
wait "$SIM_PID" || fail "SIGINT exit status $?"
ok "SIGINT with a client"

# IPv6 loopback, when the machine has it.
if "$SWF_SIM" --listen '[::1]:0' --no-workflow >"$T/v6" 2>"$T/v6e" &
then
	pid=$!
	_bg_pids="$_bg_pids $pid"
	if wait_for 5 grep -q '^http' "$T/v6"; then
		url=$(head -n 1 "$T/v6")
		echo "$url" | grep -E -q '^http://\[::1\]:[1-9][0-9]*$' ||
		    fail "IPv6 URL: $url"
		code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null \
		    -w '%{http_code}' "$url/api/systemagents/")
		[ "$code" = 200 ] || fail "IPv6 answer: $code"
		ok "IPv6"
	else
		echo "no IPv6 loopback here: $(cat "$T/v6e")"
	fi
	kill "$pid"
fi
exit 0
