#!/bin/sh
# The man pages are clean mdoc, and document what the programs accept.
. "$top_srcdir/tests/lib.sh"
[ -n "${MANDOC:-}" ] || MANDOC=$(command -v mandoc) || skip "no mandoc"

for page in swf-dash.1 swf-sim.1; do
	out=$("$MANDOC" -Tlint -W warning "$top_srcdir/man/$page" 2>&1)
	[ -z "$out" ] || fail "mandoc -Tlint $page: $out"
	ok "$page lints clean"
	# JSON on a macro line keeps its quotes: there a word that starts
	# with " is an argument delimiter, and the quotes vanish from the
	# page (write \(dq). The rendered page must show what to type.
	bad=$(grep -n '^\.' "$top_srcdir/man/$page" | grep -E '[{]|": ' |
	    grep '"' | head -n 3)
	[ -z "$bad" ] || fail "$page: JSON with bare quotes on a macro line: $bad"
	"$MANDOC" -Tascii "$top_srcdir/man/$page" | col -b |
	    grep -E '[{][a-z_]+:|, [a-z_]+: ' >"$T/noquote" &&
	    fail "$page: JSON rendered without quotes: $(head -n 2 "$T/noquote")"
	ok "$page: JSON examples keep their quotes"
done

# Every long option in --help appears in the man page, and vice versa.
for prog in swf-dash swf-sim; do
	eval bin=\$$(echo "$prog" | tr a-z- A-Z_)
	"$bin" --help >"$T/help" 2>&1 || fail "$prog --help failed"
	grep -o -E -- '--[a-z][a-z0-9-]+' "$T/help" | sort -u >"$T/help.opts"
	"$MANDOC" -Tascii "$top_srcdir/man/$prog.1" | col -b >"$T/man.txt"
	grep -o -E -- '--[a-z][a-z0-9-]+' "$T/man.txt" | sort -u >"$T/man.opts"
	missing=$(comm -23 "$T/help.opts" "$T/man.opts" | tr '\n' ' ')
	[ -z "$missing" ] || fail "$prog: in --help but not in the man page: $missing"
	extra=$(comm -13 "$T/help.opts" "$T/man.opts" | tr '\n' ' ')
	[ -z "$extra" ] || fail "$prog: in the man page but not in --help: $extra"
	ok "$prog --help and man page list the same options"
done

# The numeric defaults --help shows (formatted from cfg.h's macros, so
# they follow the code) are the ones the man page states for that option.
"$SWF_DASH" --help >"$T/help" 2>&1 || fail "swf-dash --help failed"
awk '
	/^  (-[a-zA-Z], )?--[a-z]/ || /^      --[a-z]/ {
		match($0, /--[a-z][a-z0-9-]+/)
		opt = substr($0, RSTART, RLENGTH)
	}
	match($0, /\(default [0-9][0-9.]*[KMG]?[,;)]/) {
		v = substr($0, RSTART + 9, RLENGTH - 10)
		print opt, v
	}' "$T/help" >"$T/defaults"
n=$(wc -l <"$T/defaults")
[ "$n" -ge 12 ] || fail "only $n numeric defaults found in --help"
while read -r opt v; do
	awk -v it=".It Fl -${opt#--} " '
		index($0, it) == 1 { on = 1; next }
		on && /^\.It / { exit }
		on' "$top_srcdir/man/swf-dash.1" | tr '\n' ' ' |
	    grep -q -E -- "default $v([,;). ]|\$)" ||
	    fail "man page: $opt does not say (default $v) as --help does"
done <"$T/defaults"
ok "$n numeric defaults of --help are the man page's"
