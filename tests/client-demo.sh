#!/bin/sh
# --demo: starts swf-sim next to swf-dash on a free loopback port with a
# throwaway token (in a file, not on any command line), shows its lively
# workflow, and stops it on exit.
. "$top_srcdir/tests/lib.sh"
client_setup

unset SWF_API_TOKEN SWF_SSE_RECEIVER_NAME
bg_start "$SWF_DASH" --demo --output json >"$T/demo.out" 2>"$T/demo.err"
PID=$BG_PID
wait_for 15 sh -c "[ \$(wc -l < '$T/demo.out') -ge 5 ]" ||
    { cat "$T/demo.err"; fail "no messages from the demo"; }
jq -e . "$T/demo.out" >/dev/null || fail "demo output is not JSON lines"
SIM=$(pgrep -P "$PID" | head -n 1)
[ -n "$SIM" ] || fail "no swf-sim child"
tr '\0' ' ' < "/proc/$SIM/cmdline" > "$T/simcmd"
grep -q -- '--token-file' "$T/simcmd" || fail "sim not given a token file"
grep -q -- '--token ' "$T/simcmd" && fail "a token on the command line"
tokfile=$(sed 's/.*--token-file \([^ ]*\).*/\1/' "$T/simcmd")
[ ! -e "$tokfile" ] || fail "the token file was left behind"
grep -q 'registered with the monitor as swf-dash-demo' "$T/demo.err" ||
    fail "not registered as swf-dash-demo"
kill -INT "$PID"
wait "$PID" || fail "demo: exit $?"
wait_for 3 sh -c "! kill -0 $SIM" || fail "swf-sim left running"
ok "--demo"
