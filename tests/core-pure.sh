#!/bin/sh
# core-pure.sh: the core stays pure (issue #13). No file of the core
# (src/libswfcore.a, listed in Makefile.am and src/core.am) includes
# curses, curl, OpenSSL or an engine or dashboard header; the library
# needs no symbol of theirs; and the core's unit tests load none of their
# shared libraries (they link src/libswfcore.a, jansson, libbsd, libm).
. "$top_srcdir/tests/lib.sh"

# The core's sources, from the automake fragments.
files=$(sed -n '/^src_libswfcore_a_SOURCES/,/^$/p' \
    "$top_srcdir/Makefile.am" "$top_srcdir/src/core.am" |
    tr ' \t\\' '\n\n\n' | grep '^src/.*\.[ch]$' | sort -u)
[ -n "$files" ] || fail "no core sources found in the fragments"
n=0
for f in $files; do
	n=$((n + 1))
	[ -r "$top_srcdir/$f" ] || fail "$f: listed but missing"
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]((n?curses|term|panel)\.h|curl/|openssl/|(loop|net|client|client-int|out|check|tui|tui-int|sim)\.h)' \
	    "$top_srcdir/$f"; then
		fail "$f: a core file includes curses, curl, OpenSSL or the engine"
	fi
done
ok "$n core sources include no curses, curl, OpenSSL or engine header"

# What the library leaves undefined: nothing of curl, curses, OpenSSL or
# the engine (whose functions are prefixed by their files).
lib=$top_builddir/src/libswfcore.a
[ -r "$lib" ] || fail "no $lib"
nm -u "$lib" >"$T/undef" 2>/dev/null || fail "nm failed on $lib"
bad='^ *U (curl_|Curl_|SSL_|EVP_|OPENSSL_|initscr|newterm|endwin|refresh|wrefresh|wmove|waddnstr|wattr_on|stdscr|curscr|wgetch|wget_wch|start_color|init_pair|keypad|loop_|client_|net_|stream_|agent_|tui_|view_|status_|out_|record_|replay_)'
if grep -E "$bad" "$T/undef"; then
	fail "src/libswfcore.a needs curl, curses, OpenSSL or engine symbols"
fi
ok "src/libswfcore.a needs no curl, curses, OpenSSL or engine symbol"

# The core's unit tests load only the core's libraries.
progs=$(sed -n '/^check_PROGRAMS/,/^$/p' "$top_srcdir/src/core.am" |
    tr ' \t\\' '\n\n\n' | grep '^tests/unit/t-' | sort -u)
[ -n "$progs" ] || fail "no core unit tests found in src/core.am"
if command -v readelf >/dev/null 2>&1; then
	m=0
	for p in $progs; do
		[ -x "$top_builddir/$p" ] || fail "$p: not built"
		readelf -d "$top_builddir/$p" | grep NEEDED >"$T/needed"
		if grep -E 'curl|curses|tinfo|ssl|crypto|microhttpd|gnutls' \
		    "$T/needed"; then
			fail "$p links more than the core"
		fi
		m=$((m + 1))
	done
	ok "$m core unit tests load no curl, curses or OpenSSL"
else
	echo "no readelf: the unit tests' libraries are not checked"
fi
