#!/bin/sh
# The bash completion completes options from --help and option values.
. "$top_srcdir/tests/lib.sh"
command -v bash >/dev/null || skip "no bash"

comp() {
	# comp CWORD WORDS...: print COMPREPLY for the words, one per line.
	PATH="$(dirname "$SWF_DASH"):$PATH" bash --norc --noprofile -c '
		. "$1"; shift
		cword=$1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$cword
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_swf_dash
		printf "%s\n" "${COMPREPLY[@]}"
	' comp "$top_srcdir/contrib/bash-completion/swf-dash" "$@"
}

out=$(comp 1 swf-dash --outp)
[ "$out" = "--output" ] || [ "$out" = "--output=" ] || fail "--outp completed to '$out'"
out=$(comp 1 swf-dash --no-mo)
[ "$out" = "--no-mouse" ] || fail "--no-mo completed to '$out'"
ok "option names come from --help"

out=$(comp 2 swf-dash --output j)
[ "$out" = "json" ] || fail "--output j completed to '$out'"
ok "--output values"

out=$(comp 2 swf-dash -m stf_gen,stf_r)
[ "$out" = "stf_gen,stf_ready" ] || fail "-m list completed to '$out'"
out=$(comp 2 swf-dash -m data_r)
[ -z "$out" ] || fail "-m completed the renamed data_ready: '$out'"
ok "message type lists"

out=$(comp 1 swf-dash --namespace-f)
[ "$out" = "--namespace-filter" ] || [ "$out" = "--namespace-filter=" ] ||
    fail "--namespace-f completed to '$out'"
out=$(comp 1 swf-dash --locat)
[ "$out" = "--location" ] || [ "$out" = "--location=" ] ||
    fail "--locat completed to '$out'"
out=$(comp 2 swf-dash --namespace-filter alice,pro)
[ "$out" = "alice,prodops" ] || fail "--namespace-filter completed to '$out'"
out=$(comp 2 swf-dash --location sw)
[ -z "$out" ] || fail "--location completed to '$out'"
ok "--namespace-filter, --location"

out=$(comp 1 swf-sim --heartbeat-i)
[ "$out" = "--heartbeat-interval" ] || [ "$out" = "--heartbeat-interval=" ] || fail "swf-sim option completed to '$out'"
ok "swf-sim options"

out=$(comp 1 swf-dash --no-such-optio)
[ -z "$out" ] || fail "unknown option completed to '$out'"
ok "no false completions"
