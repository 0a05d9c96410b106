#!/usr/bin/env bats
# make deb (issue 12): a Debian package of tp that lintian finds no error in, holding
# the files of make install, that installs with dpkg into a scratch root, runs the demo
# job there and is removed again without leaving a file.

load helper

# (bats cannot skip in setup_file: the package is built by the first test that needs it)
need_deb() {
	command -v dpkg-deb >/dev/null || skip "SKIP: dpkg-deb is not installed"
	# packaging holds no memory error to find: CI's sanitizer run stays within its time
	[ "${TP_SANITIZE:-}" != 1 ] || skip "SKIP: not under the sanitizers (make check SANITIZE=1)"
	KT=$BATS_FILE_TMPDIR
	[ -s "$KT/deb.path" ] || "$TP_ROOT/.ci/deb" "$KT/pkg" >"$KT/deb.path"
}

@test "deb: lintian shows no error; the dependencies are Debian package names" {
	need_deb
	local deb
	deb=$(cat "$KT/deb.path")
	[ -f "$deb" ] || flunk "no package: $deb"
	dpkg-deb -f "$deb" Depends >depends
	grep -q 'libcsv3' depends && grep -q 'parallel' depends || flunk "Depends: $(cat depends)"
	expect_eq "$(dpkg-deb -f "$deb" Version)" "$(sed -n 's/^#define TP_VERSION "\(.*\)"$/\1/p' "$TP_ROOT/lib/version.h")" "version"
	command -v lintian >/dev/null || skip "SKIP: lintian is not installed"
	lintian --no-tag-display-limit "$deb" >lint 2>&1 || true
	grep -q '^E: ' lint && flunk "lintian errors:" "$(cat lint)"
	return 0
}

@test "deb: the package's files are those of make install (man pages gzipped, plus copyright and changelog)" {
	need_deb
	local deb
	deb=$(cat "$KT/deb.path")
	make -s -C "$TP_ROOT" install-only DESTDIR="$PWD/inst" PREFIX=/usr >/dev/null
	(cd inst && find . ! -type d | sed 's|^\./|/|; s|^\(/usr/share/man/.*\)$|\1.gz|' | sort) >want
	printf '%s\n' /usr/share/doc/tp/changelog.gz /usr/share/doc/tp/copyright >>want
	sort -o want want
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort >got
	diff want got
}

@test "deb: dpkg -i into a scratch root, the installed tp-run runs the demo job, dpkg -r leaves nothing" {
	need_deb
	local deb r=$PWD/root
	deb=$(cat "$KT/deb.path")
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
	: >"$r/var/lib/dpkg/status"
	export PATH=$PATH:/usr/sbin:/sbin
	dpkg --root="$r" --force-depends --force-not-root --force-script-chrootless -i "$deb" >log 2>&1 ||
		flunk "dpkg -i:" "$(cat log)"
	expect_eq "$(dpkg --root="$r" -s tp | sed -n 's/^Status: //p')" "install ok installed"
	"$r/usr/bin/tp-run" --version >v
	expect_eq "$(cat v)" "tp-run (tp) $(dpkg-deb -f "$deb" Version)"
	tp-gen-orders -n 3 -r 300 -o in >/dev/null
	"$r/usr/bin/tp-run" -q -l isFraud in out
	tp-run -q -l isFraud in ref
	expect_same_tree ref out _tp # (the completion records hold the tools' paths)
	[ -f "$r/usr/share/bash-completion/completions/tp-run" ] || flunk "no completion installed"
	dpkg --root="$r" --force-not-root --force-script-chrootless -r tp >log 2>&1 || flunk "dpkg -r:" "$(cat log)"
	expect_eq "$(find "$r/usr" ! -type d 2>/dev/null)" "" "files left after dpkg -r"
}
