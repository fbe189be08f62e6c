#!/bin/sh
# tests/check-deb.sh TARBALL: "make check-deb". Builds the Debian package
# from the dist tarball with dpkg-buildpackage -us -uc -b (debian/: dh
# with autoreconf), checks that it holds both programs, their man pages,
# the completions, the example configuration and the systemd user unit,
# and runs lintian, which must report no errors. Without
# dpkg-buildpackage it says so and skips (CI installs it from
# contrib/debian-packages-test).
set -eu
tarball=$1
if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
	echo "check-deb: SKIP: dpkg-buildpackage is not installed"
	exit 0
fi
for p in dh lintian; do
	command -v "$p" >/dev/null 2>&1 || {
		echo "check-deb: $p is missing: apt-get install debhelper lintian" >&2
		exit 1
	}
done
T=$(mktemp -d "${TMPDIR:-/tmp}/swf-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT
tar -C "$T" -xzf "$tarball"
src=$(find "$T" -mindepth 1 -maxdepth 1 -type d)
start=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
	tail -n 60 "$T/build.log"
	echo "check-deb: dpkg-buildpackage failed" >&2
	exit 1
fi
tail -n 4 "$T/build.log"
deb=$(ls "$T"/swf-dash_*.deb)
dpkg-deb -c "$deb" | awk '{ print $6 }' > "$T/contents"
for f in ./usr/bin/swf-dash ./usr/bin/swf-sim \
    ./usr/share/man/man1/swf-dash.1.gz ./usr/share/man/man1/swf-sim.1.gz \
    ./usr/share/bash-completion/completions/swf-dash \
    ./usr/share/zsh/site-functions/_swf-dash \
    ./usr/share/doc/swf-dash/examples/swf-dash.config.example \
    ./usr/lib/systemd/user/swf-dash-record.service; do
	grep -q -x -F "$f" "$T/contents" || {
		cat "$T/contents"
		echo "check-deb: $f is not in the package" >&2
		exit 1
	}
done
echo "check-deb: $(basename "$deb"): $(wc -l < "$T/contents") entries," \
    "built in $(( $(date +%s) - start )) s"
changes=$(ls "$T"/swf-dash_*.changes)
lintian --fail-on error --tag-display-limit 0 "$changes" > "$T/lintian" 2>&1 ||
    { cat "$T/lintian"; echo "check-deb: lintian reports errors" >&2; exit 1; }
cat "$T/lintian"
echo "check-deb: lintian: $(grep -c '^E:' "$T/lintian" || true) errors," \
    "$(grep -c '^W:' "$T/lintian" || true) warnings"
