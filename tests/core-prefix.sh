#!/bin/sh
# core-prefix.sh: every exported symbol is named after its file (issue #13,
# STYLE.md convention 8, tmux's rule), so nm and grep find its home.
#
# The rule, checked with nm on the object of every src/*.c listed in the
# automake fragments (src/libswfcore.a, src/libswf.a, swf-dash, swf-sim):
# a defined global symbol (T, D, B, R, C, V, W...) of file a-b.c is
# either a_b exactly (the file's main subject, as the vtable view_runs of
# view-runs.c) or begins with a_b_ (sim-stream.c: sim_stream_*, tui.c:
# tui_*, run.c: run_*, including the functions of a sys/tree.h tree,
# named run_agent_tree_RB_*). The only other names, both named by
# STYLE.md as tmux's:
#   - main, in main.c and sim-main.c (each program's entry point);
#   - in xmalloc.c, the xmalloc family (x followed by letters: xmalloc,
#     xcalloc, xstrdup, xasprintf...) and fatal, fatalx and fatal_*.
# Names beginning with "__" are the compiler's (ASan's __odr_asan.*) and
# are not ours. Static functions are not concerned. There is no
# allowlist: an offender is renamed, or its file is.
. "$top_srcdir/tests/lib.sh"

# The C sources of the programs and libraries, from the fragments.
srcs=$(sed -n '/_SOURCES/,/^$/p' "$top_srcdir/Makefile.am" \
    "$top_srcdir"/src/*.am | tr ' \t\\=' '\n\n\n\n' |
    grep '^src/[^/]*\.c$' | sed 's|^src/||; s|\.c$||' | sort -u)
[ -n "$srcs" ] || fail "no sources found in the fragments"
printf '%s\n' $srcs >"$T/srcs"

# Each object, whatever automake's per-target prefix (libswfcore_a-cfg.o,
# swf_sim-sim-http.o: the target's canonical name has an "_" and no "-",
# a source name has no "_"), is checked against its source's name.
n=0
: >"$T/bad"
for o in "$top_builddir"/src/*.o; do
	[ -r "$o" ] || continue
	b=${o##*/}
	b=${b%.o}
	case ${b%%-*} in
	*_*)	b=${b#*-} ;;
	esac
	grep -qx "$b" "$T/srcs" || continue	# not ours (a stale object)
	echo "$b" >>"$T/seen"
	p=$(echo "$b" | tr - _)
	nm -g --defined-only -P "$o" >"$T/syms" || fail "nm failed on $o"
	awk -v f="$b.c" -v p="$p" '
	    $1 ~ /^__/ { next }
	    $1 == p || index($1, p "_") == 1 { next }
	    $1 == "main" && (f == "main.c" || f ~ /-main\.c$/) { next }
	    f == "xmalloc.c" && ($1 ~ /^x[a-z]+$/ || $1 ~ /^fatal(x|_.*)?$/) { next }
	    { printf "%s: %s %s (not %s or %s_*)\n", f, $2, $1, p, p }' \
	    "$T/syms" >>"$T/bad"
	n=$((n + 1))
done
for b in $srcs; do
	grep -qx "$b" "$T/seen" 2>/dev/null || fail "src/$b.c: no object built"
done
if [ -s "$T/bad" ]; then
	cat "$T/bad"
	fail "$(wc -l <"$T/bad") exported symbols not named after their file"
fi
[ "$n" -ge 40 ] || fail "only $n objects checked"
ok "the exported symbols of $n objects are named after their files"
