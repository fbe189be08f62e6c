#!/bin/sh
# swf-dash --check, the doctor, against swf-sim: every step passes with a
# good token (exit 0); a wrong token fails the status step (exit 2); the
# TLS step reads protocol, subject, issuer and days left from the
# connection, fails an expired certificate (exit 3) and warns for one
# that expires soon; a buffering proxy, a quiet stream, a stream that ends
# after "connected", a redirect, a closed port, a bad config file line and
# a token file others can read are each diagnosed with a remedy. The
# token is never printed.
. "$top_srcdir/tests/lib.sh"
client_setup

TOKEN=s3cret-token-4567
printf '%s\n' "$TOKEN" > "$T/token"
chmod 600 "$T/token"
unset SWF_API_TOKEN SWF_SSE_RECEIVER_NAME
sim_start --token "$TOKEN" --no-workflow --heartbeat-interval 0.5

# chk ARGS...: run --check; output in $T/chk.out, status in $RC.
chk() {
	"$SWF_DASH" --check "$@" >"$T/chk.out" 2>"$T/chk.err" </dev/null
	RC=$?
	if grep -q -e "$TOKEN" -e "s3cr" "$T/chk.out" "$T/chk.err"; then
		cat "$T/chk.out"
		fail "the token was printed"
	fi
}

# has PATTERN: the checklist has a line matching PATTERN.
has() {
	grep -q -e "$1" "$T/chk.out" || { cat "$T/chk.out"; fail "no line: $1"; }
}

# fault JSON with our token.
tfault() {
	curl -sS --noproxy '*' -o /dev/null ${CA:+--cacert "$CA"} \
	    -H "Authorization: Token $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary "$1" \
	    "$SIM_URL/sim/fault"
}

# All good, from a config file and a token file.
mkdir -p "$HOME/.config/swf-dash"
CONF="$HOME/.config/swf-dash/config"
printf 'url = %s\nSWF_SSE_RECEIVER_NAME = check-recv\n' "$SIM_URL" > "$CONF"
chk --token-file "$T/token"
[ "$RC" = 0 ] || { cat "$T/chk.out"; fail "good: exit $RC"; }
has "^✓ config file   $CONF read$"
has "^✓ url           $SIM_URL (from $CONF)$"
has "^✓ name          check-recv (from $CONF)$"
has "^✓ token         set (17 characters), from the file $T/token (named in the command line)$"
has "^✓ token file    $T/token: mode 0600, yours$"
has '^✓ DNS           127.0.0.1 is 127.0.0.1$'
has '^✓ TCP           connected to 127.0.0.1 port [0-9]* in'
has '^- TLS           not used: the URL is http://$'
has '^✓ status        HTTP 200: the token is accepted$'
has '^✓ stream        text/event-stream, "connected" in [0-9]* ms (client id [0-9a-f-]*)$'
has '^✓ traffic       heartbeat after 0\.[0-9] s$'
has '^✓ registration  HTTP 20[01]: heartbeat accepted for check-recv'
has '^✓ history       HTTP 200: [0-9]* running executions'
has '^all checks passed$'
grep -q '✗' "$T/chk.out" && fail "good: a failed step"
ok "good token: all steps pass, exit 0"

# A token file others can read: a warning with the remedy, still exit 0.
chmod 644 "$T/token"
chk --token-file "$T/token"
[ "$RC" = 0 ] || fail "0644 token file: exit $RC"
has "^! token file    $T/token: mode 0644, others may read it$"
has "→ chmod 600 $T/token$"
chmod 600 "$T/token"
ok "token file readable by others: warned"

# A wrong token: exit 2, later steps skipped.
printf 'wrong-token-000\n' > "$T/bad"
chmod 600 "$T/bad"
chk --token-file "$T/bad"
[ "$RC" = 2 ] || { cat "$T/chk.out"; fail "wrong token: exit $RC"; }
has '^✗ status        HTTP 403: the token is not accepted$'
has '→ check SWF_API_TOKEN or --token-file'
has '^- stream        skipped'
grep -q 'wrong-token' "$T/chk.out" && fail "wrong token printed"
ok "wrong token: exit 2"

# A redirect on the status pre-check: the Authorization header is lost.
tfault '{"fault": "redirect", "endpoint": "status", "count": 1}'
chk --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "redirect: exit $RC"; }
has '^✗ status        HTTP 302 redirect: the Authorization header is not reaching'
has '→ the web server in front of the monitor drops the Authorization header'
ok "redirect diagnosed, exit 3"

# A proxy that buffers: 200 and the headers, but no "connected" in 5 s.
tfault '{"fault": "stall", "count": 1}'
chk --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "stall: exit $RC"; }
has '^✗ stream        HTTP 200 and text/event-stream, but no "connected" event within 5 s: a proxy buffers the stream$'
has '→ turn buffering off'
ok "buffering proxy diagnosed, exit 3"

# The stream ends right after "connected".
tfault '{"fault": "close_after", "events": 1, "count": 1}'
chk --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "close: exit $RC"; }
has '^✗ traffic       the server ended the stream right after "connected"$'
ok "stream ending after connected diagnosed"

# A quiet stream: a warning, not a failure.
sim_stop
sim_start --token "$TOKEN" --no-workflow --heartbeat-interval 30
printf 'url = %s\nSWF_SSE_RECEIVER_NAME = check-recv\n' "$SIM_URL" > "$CONF"
chk --token-file "$T/token" --idle-timeout 1.5
[ "$RC" = 0 ] || { cat "$T/chk.out"; fail "quiet: exit $RC"; }
has '^! traffic       the stream stays open but quiet: no heartbeat or message in 2 s$'
has '^all checks passed, with warnings$'
ok "quiet stream: warned, exit 0"

# A closed port.
sim_stop
chk --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "closed port: exit $RC"; }
has '^✗ TCP           127.0.0.1 port [0-9]*: Connection refused$'
has '→ is the monitor up'
ok "closed port diagnosed, exit 3"

# A bad line in the config file: named with its line.
printf 'url = %s\nidle-timeout = soon\n' "$SIM_URL" > "$CONF"
chk --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "bad config: exit $RC"; }
has "^✗ config        $CONF:2: idle-timeout: 'soon' is not a number"
rm -f "$CONF"
ok "bad config line named, exit 3"

# --demo --check: the private swf-sim passes every step.
chk --demo
[ "$RC" = 0 ] || { cat "$T/chk.out"; fail "--demo --check: exit $RC"; }
has '^✓ name          swf-dash-demo (from the default)$'
has '^✓ registration  HTTP 20[01]: heartbeat accepted for swf-dash-demo'
ok "--demo --check passes"

# TLS: a private CA and certificates, good, soon expiring and expired.
OPENSSL_PROG=${OPENSSL_PROG:-$(command -v openssl)}
[ -n "$OPENSSL_PROG" ] || skip "no openssl"
C="$T/ca"
mkdir -p "$C/db" && : >"$C/db/index.txt" && echo 1000 >"$C/db/serial"
cat >"$C/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $C/db/index.txt
serial = $C/db/serial
new_certs_dir = $C/db
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
EOF
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
"$OPENSSL_PROG" req -x509 $ec -days 30 -subj /CN=swf-dash-check-CA \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$C/ca.key" -out "$C/ca.pem" >/dev/null 2>&1 ||
    skip "openssl cannot make a CA"
cert() {
	_n=$1; shift
	"$OPENSSL_PROG" req -new $ec -subj "/CN=$_n" \
	    -addext "subjectAltName=IP:127.0.0.1" -keyout "$C/$_n.key" \
	    -out "$C/$_n.csr" >/dev/null 2>&1 &&
	"$OPENSSL_PROG" ca -batch -config "$C/ca.cnf" -cert "$C/ca.pem" \
	    -keyfile "$C/ca.key" -in "$C/$_n.csr" -out "$C/$_n.pem" \
	    "$@" >/dev/null 2>&1 || skip "openssl cannot make $_n"
}
cert good -days 20
cert soon -days 5
cert expired -startdate 20200101000000Z -enddate 20200102000000Z
CA="$C/ca.pem"
tls() {
	sim_stop
	sim_start --token "$TOKEN" --no-workflow --heartbeat-interval 0.5 \
	    --tls-cert "$C/$1.pem" --tls-key "$C/$1.key"
}

tls good
chk --url "$SIM_URL" --name check-recv --token-file "$T/token" --cacert "$CA"
[ "$RC" = 0 ] || { cat "$T/chk.out"; fail "TLS good: exit $RC"; }
has '^✓ TLS           TLSv1\.[23], subject CN=good, issuer CN=swf-dash-check-CA, expires in \(19\|20\) days$'
has '^✓ stream '
ok "TLS: protocol, subject, issuer, days left"

tls soon
chk --url "$SIM_URL" --name check-recv --token-file "$T/token" --cacert "$CA"
[ "$RC" = 0 ] || { cat "$T/chk.out"; fail "TLS soon: exit $RC"; }
has '^! TLS           TLSv1\.[23], subject CN=soon, issuer CN=swf-dash-check-CA, expires in [45] days$'
has '→ the certificate expires in under 14 days'
ok "TLS: a certificate expiring within 14 days warned, exit 0"

tls expired
chk --url "$SIM_URL" --name check-recv --token-file "$T/token" --cacert "$CA"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "TLS expired: exit $RC"; }
has '^✗ TLS           SSL certificate problem: certificate has expired$'
has '^  CN=expired; issuer CN=swf-dash-check-CA; expired [0-9]* days ago$'
has '→ give the site.s CA with --cacert'
has '^- HTTP          skipped: no connection$'
ok "TLS: expired certificate, exit 3"

tls good
chk --url "$SIM_URL" --name check-recv --token-file "$T/token"
[ "$RC" = 3 ] || { cat "$T/chk.out"; fail "TLS unknown CA: exit $RC"; }
has '^✗ TLS           SSL certificate problem: unable to get local issuer certificate$'
ok "TLS: unknown CA, exit 3"
