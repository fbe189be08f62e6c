#!/bin/sh
# Configuration at start-up: the receiver name is required (with the
# reference receiver's message), plain http only to loopback unless
# --allow-http (checked before any connection), ~/.env is read, usage
# errors exit 1; and the token appears in no output at all.
. "$top_srcdir/tests/lib.sh"
client_setup

# run_dash ARGS...: run swf-dash to completion; rc in $RC.
run_dash() {
	"$SWF_DASH" "$@" >"$T/run.out" 2>"$T/run.err" </dev/null
	RC=$?
}

# The name is required, with the message users know.
( unset SWF_SSE_RECEIVER_NAME
  run_dash --url http://127.0.0.1:1 --output json
  [ "$RC" = 1 ] || fail "no name: exit $RC"
  [ "$(cat "$T/run.err")" = \
      "swf-dash: SWF_SSE_RECEIVER_NAME must be set to a descriptive agent name" ] ||
      fail "no name: $(cat "$T/run.err")"
) || exit 1
ok "no receiver name: refused"

run_dash --output json
[ "$RC" = 1 ] && grep -q 'no monitor URL: set SWF_MONITOR_PROD_URL' \
    "$T/run.err" || fail "no URL: exit $RC $(cat "$T/run.err")"
ok "no URL: says how to set it"

# http to a host that is not loopback: refused before any connection
# (192.0.2.1 is TEST-NET-1: a connection attempt would hang, not fail).
start=$(date +%s)
run_dash --url http://192.0.2.1:1 --output json -v
[ "$RC" = 1 ] || fail "http to 192.0.2.1: exit $RC"
grep -q "refusing http:// to 192.0.2.1, which is not a loopback address" \
    "$T/run.err" || fail "http: $(cat "$T/run.err")"
grep -q 'pre-check\|reconnect\|stream' "$T/run.err" &&
    fail "http: a connection was tried"
[ $(($(date +%s) - start)) -le 2 ] || fail "http: took too long"
ok "http to a non-loopback host: refused"

run_dash --bogus
[ "$RC" = 1 ] && [ "$(cat "$T/run.err")" = \
    "swf-dash: unknown option --bogus; try --help" ] ||
    fail "bad option: exit $RC"
run_dash --idle-timeout never
[ "$RC" = 1 ] && grep -q "idle-timeout: 'never'" "$T/run.err" ||
    fail "bad value: exit $RC $(cat "$T/run.err")"
run_dash --help
[ "$RC" = 0 ] && grep -q '^Exit status: 0 normal' "$T/run.out" ||
    fail "--help"
run_dash --version
[ "$RC" = 0 ] && grep -q '^swf-dash [0-9]' "$T/run.out" || fail "--version"
ok "usage errors exit 1; --help, --version"

# A distinctive token, from a file; never in any output.
TOKEN=SeCrEtToKeN-0123456789-abcdef
printf '%s\n' "$TOKEN" > "$T/token"
chmod 600 "$T/token"
REG="$T/reg.json"
sim_start --token "$TOKEN" --no-workflow --heartbeat-interval 0.5 \
    --registry-dump "$REG"
unset SWF_API_TOKEN
# --allow-http: 0.0.0.0 is not loopback by name, yet reaches the sim.
URL0="http://0.0.0.0:${SIM_URL##*:}"
bg_start "$SWF_DASH" --url "$URL0" --token-file "$T/token" --allow-http \
    -vv --output events --record "$T/rec.jsonl" --insecure \
    >"$T/tok.out" 2>"$T/tok.err"
PID=$BG_PID
wait_for 10 grep -q 'stream open' "$T/tok.err" || { cat "$T/tok.err"; fail "token-file: no connect"; }
wait_for 5 grep -q heartbeat "$T/tok.out" || fail "no heartbeat"
curl -sS --noproxy '*' -o /dev/null -H "Authorization: Token $TOKEN" \
    -H 'Content-Type: application/json' --data-binary \
    '{"msg_type":"sse_test","n":1}' "$SIM_URL/sim/publish"
wait_for 5 grep -q sse_test "$T/tok.out" || fail "no message"
tr '\0' ' ' < "/proc/$PID/cmdline" > "$T/cmdline"
kill -TERM "$PID"
wait "$PID" || fail "token run: exit $?"
grep -q '^swf-dash: warning: --insecure: TLS certificates are NOT verified' "$T/tok.err" || fail "--insecure: no warning"
ok "--allow-http reaches 0.0.0.0; --insecure warns"
for f in "$T/tok.out" "$T/tok.err" "$T/rec.jsonl" "$T/cmdline" "$REG"; do
	[ -s "$f" ] || fail "$f is empty"
	grep -q "$TOKEN" "$f" && fail "the token is in $f"
	grep -q "SeCr" "$f" && fail "a token hint is in $f"
done
[ "$(stat -c %a "$T/rec.jsonl")" = 600 ] || fail "recording not 0600"
ok "the token is in no output, log, recording or command line"

# ~/.env supplies what the environment does not ("export" and quotes).
cat > "$HOME/.env" <<EOT
# the reference receiver's file
export SWF_MONITOR_PROD_URL="$SIM_URL"
SWF_API_TOKEN='$TOKEN'
export SWF_SSE_RECEIVER_NAME=from-dotenv
EOT
unset SWF_SSE_RECEIVER_NAME
bg_start "$SWF_DASH" --output json >"$T/env.out" 2>"$T/env.err"
PID=$BG_PID
wait_for 10 grep -q 'stream open' "$T/env.err" ||
    { cat "$T/env.err"; fail "~/.env: no connect"; }
wait_for 5 reg_is from-dotenv OK READY || fail "~/.env: name not used"
kill -INT "$PID"
wait "$PID" || fail "~/.env run: exit $?"
ok "~/.env"
