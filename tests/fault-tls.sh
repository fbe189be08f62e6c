#!/bin/sh
# fault-tls.sh: the fault matrix, TLS, headless. Certificates are made
# here with openssl: a private CA, and from it a certificate for
# 127.0.0.1, one for another host name and one that expired in 2020.
#   T1 an unknown CA (no --cacert): refused, "unable to get local issuer
#      certificate"; accepted with --cacert CA, and with REQUESTS_CA_BUNDLE;
#   T2 a wrong host name: refused, "no alternative certificate subject
#      name matches target host name '127.0.0.1'";
#   T3 an expired certificate: refused, "certificate has expired".
# A certificate that fails verification fails the same way on every
# try: headless swf-dash says so in words and exits 3 at once, without
# retrying. Started again once the server has the right certificate
# (same port), it connects and a message published then arrives. Memory
# bound: the high-water mark stays within 8 MiB of the resident size
# after connecting, 4 times that under AddressSanitizer or valgrind,
# where every handshake's freed memory is held back.
. "$top_srcdir/tests/lib.sh"
client_setup
fault_setup

OPENSSL_PROG=${OPENSSL_PROG:-$(command -v openssl)}
[ -n "$OPENSSL_PROG" ] || skip "no openssl"
SWF_DASH_BACKOFF=0.2,1,60; export SWF_DASH_BACKOFF
MEM_KB=8192

# The CA and three server certificates (EC keys: quick to make).
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
"$OPENSSL_PROG" req -x509 $ec -days 2 -subj /CN=swf-dash-test-CA \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$C/ca.key" -out "$C/ca.pem" >/dev/null 2>&1 ||
    skip "openssl cannot make a CA"
# cert NAME SAN [CA-ARGS...]: a key and a certificate signed by the CA.
cert() {
	_n=$1 _san=$2; shift 2
	"$OPENSSL_PROG" req -new $ec -subj "/CN=$_n" \
	    -addext "subjectAltName=$_san" -keyout "$C/$_n.key" \
	    -out "$C/$_n.csr" >/dev/null 2>&1 &&
	"$OPENSSL_PROG" ca -batch -config "$C/ca.cnf" -cert "$C/ca.pem" \
	    -keyfile "$C/ca.key" -in "$C/$_n.csr" -out "$C/$_n.pem" \
	    "$@" >/dev/null 2>&1 || skip "openssl cannot make the $_n certificate"
}
cert good IP:127.0.0.1 -days 2
cert wrong DNS:wrong-host.invalid -days 2
cert expired IP:127.0.0.1 -startdate 20200101000000Z -enddate 20200102000000Z

# tls_sim NAME: swf-sim serving certificate NAME (on the last port if
# there was one).
tls_sim() {
	if [ -n "${SIM_URL:-}" ]; then
		sim_stop
		sim_restart_same_port --token t --no-workflow \
		    --tls-cert "$C/$1.pem" --tls-key "$C/$1.key"
	else
		sim_start --token t --no-workflow --tls-cert "$C/$1.pem" \
		    --tls-key "$C/$1.key"
	fi
}

# pubs N: publish a message with the text "after-N" (over TLS).
pubs() {
	_code=$(curl -sS --noproxy '*' --cacert "$C/ca.pem" -o /dev/null \
	    -w '%{http_code}' -H 'Authorization: Token t' \
	    -H 'Content-Type: application/json' \
	    --data-binary "{\"msg_type\": \"sse_test\", \"message\": \"after-$1\"}" \
	    "$SIM_URL/sim/publish")
	[ "$_code" = 202 ] || fail "publish: HTTP $_code"
}

# refused WHAT PATTERN: swf-dash exits 3 at once, saying PATTERN (a fixed
# string) as a permanent certificate failure; it never opened or retried.
refused() {
	dash_wait 15
	[ "$DASH_RC" = 3 ] || { cat "$DASH_ERR" >&2; bad "$1: exit $DASH_RC, not 3"; }
	grep -F -q "TLS certificate verification failed, not retrying: $2" \
	    "$DASH_ERR" || { cat "$DASH_ERR" >&2; bad "$1: not refused with: $2"; }
	err_has 'stream open' && bad "$1: the stream opened"
	err_has 'reconnecting' && bad "$1: retried"
	no_sanitizer "$DASH_ERR" "$1"
}

# accepted WHAT N: the stream opens; message N arrives.
accepted() {
	wait_for 15 err_has 'stream open' ||
	    { cat "$DASH_ERR" >&2; bad "$1: the stream did not open"; return; }
	pubs "$2"
	wait_for 10 out_has "after-$2" || bad "$1: message after-$2 lost"
	alive "$DASH_PID" "$1"
	mem_bounded "$DASH_PID" "$MEM_KB" "$1" 4
}

# T1: the CA is unknown until given.
tls_sim good
dash_start --output json
refused T1 'SSL certificate problem: unable to get local issuer certificate'
dash_start --output json --cacert "$C/ca.pem"
dash_connected
mem_base "$DASH_PID"
accepted "T1 --cacert" 1
stop_dash "T1 --cacert"
REQUESTS_CA_BUNDLE="$C/ca.pem"; export REQUESTS_CA_BUNDLE
dash_start --output json
unset REQUESTS_CA_BUNDLE
dash_connected
mem_base "$DASH_PID"
accepted "T1 REQUESTS_CA_BUNDLE" 2
stop_dash "T1 REQUESTS_CA_BUNDLE"
case_ok "T1: unknown CA refused, then accepted with --cacert"

# T2: a certificate for another host; then the right one.
tls_sim wrong
dash_start --output json --cacert "$C/ca.pem"
refused T2 "SSL: no alternative certificate subject name matches target host name '127.0.0.1'"
tls_sim good
dash_start --output json --cacert "$C/ca.pem"
dash_connected
mem_base "$DASH_PID"
accepted T2 3
stop_dash T2
case_ok "T2: wrong host name refused, then the right certificate accepted"

# T3: an expired certificate; then a valid one.
tls_sim expired
dash_start --output json --cacert "$C/ca.pem"
refused T3 'SSL certificate problem: certificate has expired'
tls_sim good
dash_start --output json --cacert "$C/ca.pem"
dash_connected
mem_base "$DASH_PID"
accepted T3 4
stop_dash T3
case_ok "T3: expired certificate refused, then a valid one accepted"

fault_finish
