#!/bin/sh
# tui-keys.sh: the help screen (its table in src/tui-keys.c) and the KEYS
# section of the man page list the same keys, in the same order.
. "$top_srcdir/tests/lib.sh"

sed -n 's/^[[:space:]]*{ \(NULL\|"[^"]*"\), "\([^"]*\)".*/\2/p' \
    "$top_srcdir/src/tui-keys.c" >"$T/help"
sed -n '/^\.Sh KEYS/,/^\.Sh /p' "$top_srcdir/man/swf-dash.1" |
    sed -n 's/^\.It Ic //p' | sed 's/^"\(.*\)"$/\1/; s/\\&//g' >"$T/man"
[ "$(wc -l <"$T/help")" -gt 20 ] || fail "the key table was not found"
diff -u "$T/help" "$T/man" || fail "help and man page differ"
ok "$(wc -l <"$T/help") key entries agree"
