#!/bin/sh
# tui-startup.sh: what first use found, on the dashboard: a REC marker
# while recording and a write failure shown and counted in the status bar;
# r reads a fixed --token-file again; a certificate that fails
# verification is a permanent failure in words (the trouble box).
. "$top_srcdir/tests/lib.sh"
tui_setup

sim_start --token t --no-workflow --heartbeat-interval 0.5

# REC while recording.
tui_start rec 100 24 --record "$T/rec.jsonl"
tui_expect rec ' REC\( \|$\)'
pub '{"msg_type":"sse_test","n":1}'
wait_for 5 grep -q '"n": *1' "$T/rec.jsonl" || fail "REC: not recorded"
tui_absent rec 'lost'
tmux_keys rec C-c
tui_wait_dead rec
tui_clean rec
ok "REC shown while recording"

# A write failure: shown in the status bar with the count of lost events.
if [ -w /dev/full ]; then
	tui_start full 120 24 --record /dev/full
	pub '{"msg_type":"sse_test","n":2}'
	tui_expect full 'REC failed, [0-9][0-9]* lost: No space left on device'
	tmux_keys full C-c
	tui_wait_dead full
	tui_clean full
	ok "REC write failure shown and counted"
fi

# r reads the fixed token file again.
printf 'wrong-token-1234\n' > "$T/token"
chmod 600 "$T/token"
TUI_NOWAIT=1 tui_start tok 100 24 --token-file "$T/token"
tui_expect tok 'token rejected' 10
printf 't\n' > "$T/token"
tmux_keys tok r
tui_expect tok ' connected ' 10
tui_absent tok 'wrong-token'
tmux_keys tok C-c
tui_wait_dead tok
tui_clean tok
ok "r re-reads a fixed --token-file"

# A certificate that fails verification: the trouble box, in words.
OPENSSL_PROG=${OPENSSL_PROG:-$(command -v openssl)}
[ -n "$OPENSSL_PROG" ] || skip "no openssl"
"$OPENSSL_PROG" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
    skip "openssl cannot make a certificate"
sim_start --token t --no-workflow --tls-cert "$T/cert.pem" \
    --tls-key "$T/key.pem"
TUI_NOWAIT=1 tui_start tls 100 24
tui_expect tls "TLS certificate failed verification" 10
tui_expect tls 'self.signed certificate'
tui_expect tls 'failed: '
tui_expect tls '\-\-cacert FILE or REQUESTS_CA_BUNDLE'
sleep 1
grep -q 'reconnecting' "$T/tls.err" && fail "TLS: retried"
tmux_keys tls C-c
tui_wait_dead tls
[ "$TUI_RC" = 3 ] || fail "TLS: exit status $TUI_RC"
tui_clean tls
ok "certificate failure: the trouble box, not retried"
