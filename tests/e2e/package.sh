# The Debian package (debian/). dpkg-buildpackage -us -uc -b builds it
# from what the checkout holds (its tracked files and new ones not ignored,
# as they are in the work tree), running the unit tests; lintian finds no
# error in it nor in the source package. It holds every tool of the
# Makefile's TOOLS in /usr/bin with its man page and bash completion,
# every program there has a man page, the UDP payloads are there, and the
# files in /etc/zscan are its conffiles. Installed with dpkg --root into
# the scratch directory (the machine's own dpkg database is never touched),
# the package's installed-test passes, an edited conffile survives a
# reinstall and a remove and is read by the tools, and a purge takes it;
# README's statoverride keeps zsend's mode over an upgrade, which drops
# its capability.
# The package builds its own binaries, whichever build the suite tests, so
# this runs once, with the release build's tests. Here it takes about 70 s
# (the build 45 s, of which the compile about 25 s on 2 CPUs, lintian 8 s).

# pkg_copy_checkout DIR: the files git knows or would add, from the work
# tree (a file deleted there stays out); outside git, the tree without the
# build outputs and test logs
pkg_copy_checkout() {
	if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		tar --exclude=./bin --exclude=./build --exclude='./tests/out*' -cf - . | tar -xf - -C "$1"
		return
	fi
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf - | tar -xf - -C "$1"
}

test_package_builds_lints_and_installs() {
	if [[ $ZS_BIN != "$PWD/bin" ]]; then
		echo "  (runs once, with the release build's tests: the package builds its own binaries)"
		return 0
	fi
	local c
	for c in dpkg-buildpackage dh lintian git; do
		command -v "$c" >/dev/null || fail "$c is not installed (make deps)"
	done
	# the machine's own record of zscan, which dpkg --root must leave alone
	local machine
	machine=$(dpkg-query -W -f '${Status} ${Version}' zscan 2>&1 || true)
	local src=$T/src start
	mkdir "$src"
	pkg_copy_checkout "$src" || fail "cannot copy the checkout"
	[ -f "$src/debian/changelog" ] || fail "the copy of the checkout has no debian/changelog"

	# the package's version is the tools' --version
	local ver arch
	ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -SVersion)
	expect_eq "debian/changelog's version" "$ver" \
		"$(sed -n 's/^#define ZSCAN_VERSION "\(.*\)"$/\1/p' common/tool/version.h)"
	arch=$(dpkg --print-architecture)

	# the source package, before the build leaves its files in the tree;
	# what a developer's tree also holds (the Makefile's outputs, test logs)
	# stays out of it
	mkdir -p "$src/bin" "$src/build/rel" "$src/tests/out-x"
	echo planted | tee "$src/bin/zgen" "$src/build/rel/x.o" "$src/tests/out-x/log" >/dev/null
	(cd "$T" && dpkg-source -b src) >"$T/source.log" 2>&1 || fail "dpkg-source -b: $(tail -5 "$T/source.log")"
	rm -r "$src/bin" "$src/build" "$src/tests/out-x"
	local planted
	planted=$(tar -tJf "$T/zscan_$ver.tar.xz" | grep -E '^src/(bin|build|tests/out-x)/' || true)
	[ -z "$planted" ] || fail "the source package holds build outputs: $planted"
	tar -tJf "$T/zscan_$ver.tar.xz" | grep -qx 'src/zgen/main.c' || fail "the source package has no zgen/main.c"

	# nocheck drops the unit tests; without it they run (MAKE=echo: what
	# debian/rules would make, made by none)
	local made
	made=$(cd "$src" && DEB_BUILD_OPTIONS=nocheck debian/rules override_dh_auto_test MAKE=echo)
	[[ $made != *check-unit* ]] || fail "DEB_BUILD_OPTIONS=nocheck still runs the unit tests: $made"
	made=$(cd "$src" && DEB_BUILD_OPTIONS= debian/rules override_dh_auto_test MAKE=echo)
	[[ $made == *check-unit* ]] || fail "debian/rules runs no unit tests: $made"

	start=$SECONDS
	(cd "$src" && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 ||
		fail "dpkg-buildpackage -us -uc -b: $(tail -15 "$T/build.log")"
	echo "  dpkg-buildpackage -us -uc -b: $((SECONDS - start)) s, $(grep -E '^unit: ' "$T/build.log")"
	grep -Eq '^unit: [1-9][0-9]* passed, 0 failed$' "$T/build.log" || fail "the build ran no unit tests"
	local deb=$T/zscan_${ver}_$arch.deb
	[ -f "$deb" ] || fail "no $deb: $(ls "$T")"

	# lintian: no error, in the binary package or the source package
	local rc=0 tags
	start=$SECONDS
	lintian --pedantic -I "$T/zscan_${ver}_$arch.changes" "$T/zscan_$ver.dsc" >"$T/lintian.log" 2>&1 || rc=$?
	tags=$(grep -E '^[EWIP]: ' "$T/lintian.log" || true)
	! grep -q '^E: ' <<<"$tags" || fail "lintian: $(grep '^E: ' <<<"$tags")"
	[ "$rc" -eq 0 ] || fail "lintian exited $rc: $(tail -5 "$T/lintian.log")"
	echo "  lintian --pedantic -I: $((SECONDS - start)) s, no error, $(grep -c . <<<"$tags" || true) tags${tags:+:}"
	[ -z "$tags" ] || sed 's/^/    /' <<<"$tags"

	# the contents
	local root=$T/root tools t f out n=0
	dpkg-deb -x "$deb" "$root"
	tools=$(make -s -C "$src" -pnq 2>/dev/null | sed -n 's/^TOOLS := //p')
	[ -n "$tools" ] || fail "no TOOLS in the Makefile"
	for t in $tools; do
		[ -x "$root/usr/bin/$t" ] || fail "no /usr/bin/$t"
		zcat "$root/usr/share/man/man1/$t.1.gz" | cmp -s - "$src/$t/$t.1" || fail "man page $t.1 missing or not $t/$t.1"
		cmp -s "$root/usr/share/bash-completion/completions/$t" "$src/conf/bash-completion/zscan" ||
			fail "bash completion for $t missing or not conf/bash-completion/zscan"
		out=$("$root/usr/bin/$t" --version) || fail "$t --version: exit $?"
		[[ $out == *"$ver"* ]] || fail "$t --version: '$out' does not say $ver"
	done
	for f in "$root"/usr/bin/*; do
		[ -f "$root/usr/share/man/man1/${f##*/}.1.gz" ] || fail "/usr/bin/${f##*/} has no man page"
		n=$((n + 1))
	done
	[ -x "$root/usr/bin/zscan-db" ] || fail "no /usr/bin/zscan-db"
	if command -v mandoc >/dev/null; then
		for f in "$root"/usr/share/man/man1/*.1.gz; do
			out=$(zcat "$f" | mandoc -Tlint -Wwarning 2>&1 || true)
			expect_eq "mandoc -Tlint ${f##*/}" "$out" ""
		done
	fi
	for f in "$src"/conf/udp-probes/*.pkt "$src"/conf/udp-probes/*.tpl; do
		cmp -s "$f" "$root/usr/share/zscan/udp-probes/${f##*/}" || fail "UDP payload ${f##*/} missing or changed"
	done
	# a python3 script (zscan-merge) makes python3 a dependency, and only then
	local py=
	for f in "$root"/usr/bin/*; do
		if head -n 1 "$f" | grep -aqE '^#!.*python3'; then py=1; fi
	done
	if [ -n "$py" ]; then
		dpkg-deb -f "$deb" Depends | grep -qE '(^|, )python3(,|$| )' || fail "a python3 script, no python3 dependency"
	else
		! dpkg-deb -f "$deb" Depends | grep -q python3 || fail "python3 dependency without a python3 script"
	fi

	# every file in /etc/zscan is a conffile, and is conf/'s file
	dpkg-deb -e "$deb" "$T/control"
	expect_eq "conffiles" "$(sort "$T/control/conffiles")" "$(cd "$root" && find etc -type f | sed 's|^|/|' | sort)"
	grep -qx /etc/zscan/blocklist.conf "$T/control/conffiles" || fail "blocklist.conf is not a conffile"
	for f in "$root"/etc/zscan/*; do
		cmp -s "$f" "$src/conf/${f##*/}" || fail "/etc/zscan/${f##*/} is not conf/${f##*/}"
	done
	expect_eq "extracted zblacklist --count" \
		"$(ZSCAN_SYSCONFDIR=$root/etc/zscan "$root/usr/bin/zblacklist" --count)" 3702258432
	echo "  $n programs in /usr/bin ($(echo $tools) from TOOLS), each with its man page; $(wc -l <"$T/control/conffiles") conffiles"

	# installed into a root of the scratch directory
	local r=$T/dpkgroot
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
	: >"$r/var/lib/dpkg/status"
	: >"$r/var/lib/dpkg/available"
	pkg_dpkg() { # ARGS...: dpkg on that root, its log in the scratch dir
		dpkg --root="$r" --log="$T/dpkg.log" --force-depends --force-confold "$@" </dev/null >>"$T/dpkg.out" 2>&1 ||
			fail "dpkg $*: $(tail -5 "$T/dpkg.out")"
	}
	pkg_dpkg -i "$deb"
	(cd "$src" && DPKG_ROOT=$r debian/tests/installed) >"$T/installed.log" 2>&1 ||
		fail "debian/tests/installed: $(cat "$T/installed.log")"
	sed 's/^/  /' "$T/installed.log"
	expect_eq "conffiles dpkg recorded" \
		"$(dpkg-query --root="$r" -W -f '${Conffiles}\n' zscan | awk 'NF {print $1}' | sort)" "$(sort "$T/control/conffiles")"
	# the admin's edit is kept by a reinstall and read by the tools
	echo "1.0.0.0/8" >>"$r/etc/zscan/blocklist.conf"
	pkg_dpkg -i "$deb"
	grep -qx '1.0.0.0/8' "$r/etc/zscan/blocklist.conf" || fail "reinstalling overwrote the edited blocklist.conf"
	expect_eq "zblacklist --count after the edit" \
		"$(ZSCAN_SYSCONFDIR=$r/etc/zscan "$r/usr/bin/zblacklist" --count)" $((3702258432 - 16777216))
	# README's capability recipe: the statoverride's mode outlives an
	# upgrade, the capability does not (so the README says to set it again)
	if command -v setcap >/dev/null; then
		dpkg-statoverride --root="$r" --update --add root root 0750 /usr/bin/zsend
		setcap cap_net_raw+ep "$r/usr/bin/zsend"
		[ -n "$(getcap "$r/usr/bin/zsend")" ] || fail "setcap in the scratch root did nothing"
		pkg_dpkg -i "$deb"
		expect_eq "zsend's mode after an upgrade under a statoverride" "$(stat -c %a "$r/usr/bin/zsend")" 750
		expect_eq "zsend's capability after an upgrade" "$(getcap "$r/usr/bin/zsend")" ""
		dpkg-statoverride --root="$r" --remove /usr/bin/zsend
	fi
	pkg_dpkg -r zscan
	[ ! -e "$r/usr/bin/zgen" ] || fail "dpkg -r left /usr/bin/zgen"
	grep -qx '1.0.0.0/8' "$r/etc/zscan/blocklist.conf" || fail "dpkg -r took the edited conffile"
	pkg_dpkg -P zscan
	[ ! -e "$r/etc/zscan" ] || fail "dpkg -P left: $(ls -A "$r/etc/zscan")"
	[ -z "$(find "$r" -path "$r/var" -prune -o ! -type d -print)" ] ||
		fail "dpkg -P left: $(find "$r" -path "$r/var" -prune -o ! -type d -print | head -5)"
	expect_eq "the machine's own zscan" "$(dpkg-query -W -f '${Status} ${Version}' zscan 2>&1 || true)" "$machine"

	# the package's autopkgtest of the unit tests, in the built tree: its
	# objects, made with the same flags by the same make check-unit, are
	# reused (in a fresh tree, as autopkgtest gives, it compiles them all)
	start=$SECONDS
	mkdir "$T/adt"
	(cd "$src" && AUTOPKGTEST_TMP=$T/adt debian/tests/unit) >"$T/adt.log" 2>&1 ||
		fail "debian/tests/unit: $(tail -5 "$T/adt.log")"
	echo "  debian/tests/unit: $((SECONDS - start)) s, $(tail -1 "$T/adt.log")"
}
