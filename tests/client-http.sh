#!/bin/sh
# Responses that are not retried: 401/403 (the token; exit 2), a redirect
# (the Authorization header lost behind Apache; exit 3), 204 and a wrong
# content type (exit 3); on the stream and on the status pre-check.
. "$top_srcdir/tests/lib.sh"
client_setup

sim_start --token t --no-workflow

# expect_exit CODE PATTERN ARGS...: swf-dash exits CODE, saying PATTERN,
# without retrying.
expect_exit() {
	_code=$1 _pat=$2; shift 2
	dash_start --output json "$@"
	dash_wait 10
	[ "$DASH_RC" = "$_code" ] ||
	    { cat "$DASH_ERR"; fail "exit $DASH_RC, want $_code ($_pat)"; }
	err_has "$_pat" || { cat "$DASH_ERR"; fail "no '$_pat'"; }
	err_has 'reconnecting' && fail "retried after '$_pat'"
	[ -s "$DASH_OUT" ] && fail "output after '$_pat'"
	:
}

# The sim, like the monitor, answers a bad token with 401 or 403.
SWF_API_TOKEN=wrongtoken-XYZZY-1234 expect_exit 2 \
    'token wron\.\.\. rejected (HTTP 40[13]: Invalid token\.)'
err_has 'XYZZY' && fail "the token was printed"
ok "bad token: exit 2"

( unset SWF_API_TOKEN; expect_exit 2 'token missing (HTTP 40[13]' ) || exit 1
ok "no token: exit 2"

fault '{"fault": "status", "code": 401, "endpoint": "stream", "body": "{\"detail\": \"Authentication credentials were not provided.\"}"}'
expect_exit 2 'rejected (HTTP 401: Authentication credentials were not provided\.)'
ok "401 on the stream: exit 2"

fault '{"fault": "status", "code": 403, "endpoint": "status", "body": "{\"detail\": \"You do not have permission to perform this action.\"}"}'
expect_exit 2 'rejected (HTTP 403: You do not have permission'
ok "403 on the pre-check: exit 2"

fault '{"fault": "redirect", "code": 302, "location": "/login/?next=/api/"}'
expect_exit 3 'HTTP 302 redirect: the Authorization header is not reaching the monitor (Apache: WSGIPassAuthorization On)'
ok "302 on the stream: exit 3, not followed"

fault '{"fault": "redirect", "code": 301, "endpoint": "status"}'
expect_exit 3 'HTTP 301 redirect: .*WSGIPassAuthorization On'
ok "301 on the pre-check: exit 3"

fault '{"fault": "status", "code": 204}'
expect_exit 3 'HTTP 204 No Content'
ok "204: exit 3"

fault '{"fault": "content_type", "content_type": "text/html; charset=utf-8"}'
expect_exit 3 'unexpected Content-Type text/html; charset=utf-8 (expected text/event-stream)'
ok "content type: exit 3"

fault '{"fault": "status", "code": 404, "body": "<h1>Not Found</h1>"}'
expect_exit 3 'HTTP 404: <h1>Not Found</h1> (is the URL'
ok "404: exit 3"

# Other pre-check failures only log: the stream is tried anyway.
fault '{"fault": "status", "code": 500, "endpoint": "status"}'
dash_start --output json
dash_connected
err_has 'status pre-check failed (HTTP 500' || fail "pre-check 500 not logged"
kill -TERM "$DASH_PID"; dash_wait
[ "$DASH_RC" = 0 ] || fail "exit $DASH_RC after pre-check 500"
ok "pre-check 500: logged, stream opened"
