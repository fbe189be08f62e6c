#!/bin/sh
# tests/check-valgrind.sh: the two ends of "make check-valgrind" (see
# tests/fault.am), which runs integration tests with swf-dash and swf-sim
# under valgrind memcheck.
#
#   check-valgrind.sh prepare BUILDDIR SRCDIR VALGRIND
#	Write BUILDDIR/tests/valgrind/bin/swf-dash and swf-sim, wrappers
#	that exec the built programs under memcheck (leak check full,
#	definite leaks count as errors, exit status 99 on any error), each
#	process logging to BUILDDIR/tests/valgrind/logs/PID.log.
#   check-valgrind.sh report BUILDDIR STATUS
#	Wait for the last logs to be written, then say how many processes
#	ran, which had errors (with the first report of each) and which were
#	killed before their leak check; exit 1 if STATUS (make check's) is
#	not 0 or any process had an error.
set -u

VG_FLAGS="--leak-check=full --errors-for-leak-kinds=definite \
--show-leak-kinds=definite --error-exitcode=99 --num-callers=40 \
--track-origins=no --child-silent-after-fork=yes"

case ${1:-} in
prepare)
	b=$2 s=$3 vg=$4
	if [ -z "$vg" ] || ! "$vg" --version >/dev/null 2>&1; then
		echo "check-valgrind: valgrind not found (apt-get install valgrind), then configure again" >&2
		exit 1
	fi
	d="$b/tests/valgrind"
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/logs" || exit 1
	for p in swf-dash swf-sim; do
		cat >"$d/bin/$p" <<EOF
#!/bin/sh
exec '$vg' $VG_FLAGS --suppressions='$s/tests/valgrind.supp' \\
    --log-file='$d/logs/%p.log' '$b/src/$p' "\$@"
EOF
		chmod +x "$d/bin/$p" || exit 1
	done
	echo "check-valgrind: $("$vg" --version), logs in $d/logs"
	;;
report)
	b=$2 rc=$3
	d="$b/tests/valgrind/logs"
	# Programs the tests left to exit on their own (a dashboard in a tmux
	# pane sent SIGHUP) may still be checking for leaks.
	n=0
	while grep -q -a -s "log-file=$d/" /proc/[0-9]*/cmdline &&
	    [ "$n" -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	total=0 bad=0 cut=0
	for f in "$d"/*.log; do
		[ -e "$f" ] || continue
		total=$((total + 1))
		if ! grep -q 'ERROR SUMMARY:' "$f"; then
			cut=$((cut + 1))
			continue
		fi
		grep -q 'ERROR SUMMARY: 0 errors' "$f" && continue
		bad=$((bad + 1))
		echo "==== $f" >&2
		sed -n 's/^==[0-9]*== Command: /command: /p' "$f" >&2
		# The first report, up to its blank line.
		sed -n '/^==[0-9]*== Command:/,$p' "$f" |
		    sed -n '/^==[0-9]*== *$/,$p' | sed -n '2,/^==[0-9]*== *$/p' |
		    head -n 60 >&2
		grep 'ERROR SUMMARY' "$f" >&2
	done
	echo "check-valgrind: $total processes ran under memcheck: $bad with errors or definite leaks, $cut killed before the end (no leak check); make check exited $rc"
	[ "$rc" = 0 ] && [ "$bad" = 0 ]
	;;
*)
	echo "usage: check-valgrind.sh prepare BUILDDIR SRCDIR VALGRIND | report BUILDDIR STATUS" >&2
	exit 2
	;;
esac
