#!/bin/sh
# sim-auth.sh: the monitor's token rules, endpoint by endpoint.
. "$top_srcdir/tests/lib.sh"

# req METHOD PATH [CURL-ARGS...]: prints "CODE CONTENT-TYPE" and saves the
# body in $T/body.
req() {
	_m=$1 _p=$2; shift 2
	curl -s --noproxy '*' --max-time 5 -X "$_m" -o "$T/body" \
	    -w '%{http_code} %{content_type}' "$@" "$SIM_URL$_p"
}

printf 't\n' >"$T/tokens"
printf '# tokens\n\n  second  \n' >>"$T/tokens"
sim_start --token-file "$T/tokens" --token third --no-workflow

NOTP='{"detail": "Authentication credentials were not provided."}'
DRF_NOTP='{"detail":"Authentication credentials were not provided."}'

# The stream view: 401 with its own JSON for a missing or wrong token,
# and for anything but "Token <key>" exactly.
for h in "" "Authorization: Token wrong" "Authorization: token t" \
    "Authorization: Bearer t" "Authorization: Token" \
    "Authorization: Token  t"; do
	if [ -n "$h" ]; then
		r=$(req GET /api/messages/stream/ -H "$h")
	else
		r=$(req GET /api/messages/stream/)
	fi
	[ "$r" = "401 application/json" ] || fail "stream '$h': $r"
	[ "$(cat "$T/body")" = "$NOTP" ] || fail "stream '$h' body: $(cat "$T/body")"
done
ok "stream 401"

# Status and heartbeat are DRF views with session auth first: 403, with
# DRF's texts.
for p in /api/messages/stream/status/ /api/systemagents/heartbeat/; do
	m=GET; [ "$p" = /api/systemagents/heartbeat/ ] && m=POST
	r=$(req $m $p)
	[ "$r" = "403 application/json" ] || fail "$p no token: $r"
	[ "$(cat "$T/body")" = "$DRF_NOTP" ] || fail "$p body $(cat "$T/body")"
	r=$(req $m $p -H 'Authorization: Token wrong')
	[ "$r" = "403 application/json" ] || fail "$p wrong token: $r"
	[ "$(cat "$T/body")" = '{"detail":"Invalid token."}' ] ||
	    fail "$p wrong token body $(cat "$T/body")"
	req $m $p -H 'Authorization: Token' >/dev/null
	grep -q 'No credentials provided' "$T/body" || fail "$p bare Token"
	req $m $p -H 'Authorization: Token a b' >/dev/null
	grep -q 'should not contain spaces' "$T/body" || fail "$p spaces"
done
# DRF takes the keyword in any case.
r=$(req GET /api/messages/stream/status/ -H 'Authorization: token t')
[ "$r" = "200 application/json" ] || fail "status with 'token t': $r"
ok "DRF 403 on status and heartbeat"

# Every configured token works: --token, and --token-file lines trimmed.
for t in t second third; do
	r=$(req GET /api/messages/stream/status/ -H "Authorization: Token $t")
	[ "$r" = "200 application/json" ] || fail "token $t: $r"
	code=$(curl -s --noproxy '*' --max-time 1 -o /dev/null \
	    -w '%{http_code}' -H "Authorization: Token $t" \
	    "$SIM_URL/api/messages/stream/")
	[ "$code" = 200 ] || fail "stream with token $t: $code"
done
r=$(req GET /api/messages/stream/status/ -H 'Authorization: Token # tokens')
[ "${r%% *}" = 403 ] || fail "a comment line became a token"
ok "token file"

# The agent list needs no token, but a wrong one is still refused.
r=$(req GET /api/systemagents/)
[ "$r" = "200 application/json" ] || fail "agents without token: $r"
[ "$(cat "$T/body")" = "[]" ] || fail "agents body $(cat "$T/body")"
r=$(req GET /api/systemagents/ -H 'Authorization: Token t')
[ "$r" = "200 application/json" ] || fail "agents with token: $r"
r=$(req GET /api/systemagents/ -H 'Authorization: Token wrong')
[ "${r%% *}" = 403 ] || fail "agents with a wrong token: $r"
ok "agent list"

# The /sim/ endpoints want a token like the stream.
for p in /sim/publish /sim/fault; do
	r=$(req POST $p --data-binary '{}')
	[ "$r" = "401 application/json" ] || fail "$p without token: $r"
done
r=$(req GET /sim/stats -H 'Authorization: Token wrong')
[ "${r%% *}" = 401 ] || fail "/sim/stats wrong token: $r"
ok "sim endpoints"
sim_stop_clean

# Without any token configured, any non-empty token passes, none fails.
sim_start --no-workflow
grep -q 'any non-empty token' "$SIM_ERR" || fail "no warning without tokens"
r=$(req GET /api/messages/stream/status/ -H 'Authorization: Token whatever')
[ "${r%% *}" = 200 ] || fail "open mode, any token: $r"
r=$(req GET /api/messages/stream/)
[ "${r%% *}" = 401 ] || fail "open mode, no token: $r"
[ "$(publish '{"msg_type":"x"}')" = 202 ] || fail "publish in open mode"
sim_stop_clean
ok "no token configured"
