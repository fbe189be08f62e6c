#!/bin/sh
# tests/fuzz/run.sh: build every libFuzzer target with clang and run each
# for a bounded time, two at a time (2 cores), from its seed corpus.
#   run.sh SRCDIR BUILDDIR SECONDS
# BUILDDIR holds the configured config.h; the fuzz binaries, their grown
# corpora and logs go to BUILDDIR/fuzz-run. Exits non-zero on any crash,
# and prints each target's executions, execs/s and coverage.
set -u
srcdir=$1 builddir=$2 secs=${3:-60}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "fuzz: no clang" >&2; exit 1; }
out="$builddir/fuzz-run"
mkdir -p "$out" || exit 1
flags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I$builddir -I$srcdir/src \
    $(pkg-config --cflags jansson libbsd-overlay)"
libs="$(pkg-config --libs jansson libbsd-overlay) -lm"
core="cfg filter history jscan log msg sse text xmalloc"
targets=""
for f in "$srcdir"/tests/fuzz/fuzz-*.c; do
	targets="$targets $(basename "$f" .c | sed 's/^fuzz-//')"
done

# One object per core file, shared by all targets.
objs=""
for m in $core; do
	# shellcheck disable=SC2086
	"$CLANG" $flags -fsanitize=fuzzer-no-link -c "$srcdir/src/$m.c" \
	    -o "$out/$m.o" || exit 1
	objs="$objs $out/$m.o"
done
for t in $targets; do
	# shellcheck disable=SC2086
	"$CLANG" $flags "$srcdir/tests/fuzz/fuzz-$t.c" $objs $libs \
	    -o "$out/fuzz-$t" || exit 1
done

run() {
	mkdir -p "$out/corpus-$1"
	"$out/fuzz-$1" -max_total_time="$secs" -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix="$out/crash-$1-" \
	    "$out/corpus-$1" "$srcdir/tests/fuzz/corpus-$1" \
	    >"$out/fuzz-$1.log" 2>&1
}

rc=0
set -- $targets
while [ $# -gt 0 ]; do
	a=$1; shift
	run "$a" & pa=$!
	pb=""
	if [ $# -gt 0 ]; then b=$1; shift; run "$b" & pb=$!; fi
	wait $pa || { echo "fuzz-$a: FAILED"; tail -n 40 "$out/fuzz-$a.log"; rc=1; }
	if [ -n "$pb" ]; then
		wait $pb || { echo "fuzz-$b: FAILED"; tail -n 40 "$out/fuzz-$b.log"; rc=1; }
	fi
done
for t in $targets; do
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz-$t.log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz-$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/fuzz-$t.log" | tail -n 1)
	echo "fuzz-$t: ${secs} s, ${runs:-?} runs, ${eps:-?} execs/s, ${cov:-cov: ?}"
done
exit $rc
