#!/bin/sh
# sim-tls.sh: HTTPS with --tls-cert and --tls-key.
. "$top_srcdir/tests/lib.sh"

OPENSSL_PROG=${OPENSSL_PROG:-$(command -v openssl)} || skip "no openssl"
[ -n "$OPENSSL_PROG" ] || skip "no openssl"
"$OPENSSL_PROG" req -x509 -newkey rsa:2048 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
    skip "openssl cannot make a certificate"

sim_start --token t --no-workflow --tls-cert "$T/cert.pem" \
    --tls-key "$T/key.pem"
echo "$SIM_URL" | grep -E -q '^https://127\.0\.0\.1:[1-9][0-9]*$' ||
    fail "URL: $SIM_URL"

# The stream and the API over TLS, verified against the certificate.
STREAM_CA="--cacert $T/cert.pem"
bg_start curl -sN --noproxy '*' --max-time 20 --cacert "$T/cert.pem" \
    -H 'Authorization: Token t' "$SIM_URL/api/messages/stream/" >"$T/s"
wait_for 10 grep -q '^event: connected' "$T/s" || fail "no connected over TLS"
code=$(curl -s --noproxy '*' --max-time 5 --cacert "$T/cert.pem" \
    -o /dev/null -w '%{http_code}' -H 'Authorization: Token t' \
    -H 'Content-Type: application/json' \
    --data-binary '{"msg_type":"sse_test","run_id":"tls"}' \
    "$SIM_URL/sim/publish")
[ "$code" = 202 ] || fail "publish over TLS: $code"
wait_for 5 grep -q '"run_id": "tls"' "$T/s" || fail "message over TLS"
code=$(curl -s --noproxy '*' --max-time 5 --cacert "$T/cert.pem" \
    -o /dev/null -w '%{http_code}' "$SIM_URL/api/messages/stream/")
[ "$code" = 401 ] || fail "401 over TLS: $code"
ok "TLS stream, publish, 401"

# Without the CA the certificate is refused; plain HTTP gets nothing.
curl -s --noproxy '*' --max-time 5 -o /dev/null \
    "$SIM_URL/api/systemagents/" && fail "an unknown CA was accepted"
plain=$(echo "$SIM_URL" | sed 's/^https/http/')
code=$(curl -s --noproxy '*' --max-time 3 -o /dev/null -w '%{http_code}' \
    "$plain/api/systemagents/")
[ "$code" = 200 ] && fail "plain HTTP answered on the TLS port"
ok "verification"
sim_stop_clean

# A key that does not parse is a start-up error.
echo junk >"$T/bad.pem"
"$SWF_SIM" --listen 127.0.0.1:0 --no-workflow --tls-cert "$T/cert.pem" \
    --tls-key "$T/bad.pem" >"$T/o" 2>"$T/e" && fail "a bad key was accepted"
[ ! -s "$T/o" ] || fail "a URL was printed with a bad key"
ok "bad key"
