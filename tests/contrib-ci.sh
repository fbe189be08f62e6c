#!/bin/sh
# .ci/run runs exactly the README's test command, and installs what it
# needs from the package lists, with no LLVM version pinned in them.
. "$top_srcdir/tests/lib.sh"

readme=$(grep -E '^    autoreconf -fi && \./configure --enable-sanitizers' \
    "$top_srcdir/README.md" | sed 's/^    //')
[ -n "$readme" ] || fail "no test command in README.md"
[ "$(printf '%s\n' "$readme" | wc -l)" = 1 ] || fail "several test commands in README.md"
grep -q -x -F "$readme || rc=\$?" "$top_srcdir/.ci/run" ||
    fail ".ci/run does not run the README's test command: $readme"
ok "the README's test command is the one .ci/run runs"

for f in build test; do
	grep -q "contrib/debian-packages-$f" "$top_srcdir/.ci/run" ||
	    fail ".ci/run does not install contrib/debian-packages-$f"
	grep -q "contrib/debian-packages-$f" "$top_srcdir/README.md" ||
	    fail "README.md does not name contrib/debian-packages-$f"
done
grep -q 'contrib/clang-rt-package' "$top_srcdir/.ci/run" ||
    fail ".ci/run does not install clang's runtime"
if grep -E -q -- '-[0-9]+(-dev)?( |$)' "$top_srcdir/contrib/debian-packages-build" \
    "$top_srcdir/contrib/debian-packages-test"; then
	fail "a package list pins a version"
fi
for p in debhelper lintian dpkg-dev; do
	grep -q -w -- "$p" "$top_srcdir/contrib/debian-packages-test" ||
	    fail "check-deb needs $p in contrib/debian-packages-test"
done
ok "package lists: build and test, nothing pinned, check-deb's tools"
