# make install honours PREFIX, SYSCONFDIR and DESTDIR and installs
# binaries, man pages and conf/ (the blocklists in SYSCONFDIR, /etc/zscan
# by default, where the tools read them); the installed binaries run.

test_make_install_layout() {
	make -s install DESTDIR="$T/root" PREFIX=/opt/zs >"$T/make.log" 2>&1 || fail "make install: $(cat "$T/make.log")"
	for f in bin/zgen bin/zblacklist bin/zsend bin/zrecv bin/zfilter share/man/man1/zgen.1 share/man/man1/zblacklist.1 share/man/man1/zsend.1 share/man/man1/zrecv.1 share/man/man1/zfilter.1 \
		share/zscan/udp-probes/dns_53.pkt share/zscan/udp-probes/ssdp_1900.pkt share/bash-completion/completions/zsend; do
		[ -f "$T/root/opt/zs/$f" ] || fail "missing $f"
	done
	[ -x "$T/root/opt/zs/bin/zgen" ] || fail "zgen not executable"
	cmp -s "$T/root/etc/zscan/blocklist.conf" conf/blocklist.conf || fail "blocklist.conf differs"
	cmp -s "$T/root/etc/zscan/blocklist6.conf" conf/blocklist6.conf || fail "blocklist6.conf differs"
	cmp -s "$T/root/etc/zscan/zscan.conf" conf/zscan.conf || fail "zscan.conf differs"
	# an edited configuration is neither replaced by a new install nor
	# removed by uninstall
	echo "rate 500" >>"$T/root/etc/zscan/zscan.conf"
	make -s install DESTDIR="$T/root" PREFIX=/opt/zs >"$T/make.log" 2>&1 || fail "make install again: $(cat "$T/make.log")"
	tail -1 "$T/root/etc/zscan/zscan.conf" | grep -qx "rate 500" || fail "install replaced an edited zscan.conf"
	make -s uninstall DESTDIR="$T/root" PREFIX=/opt/zs >/dev/null 2>&1
	[ "$(find "$T/root" -type f)" = "$T/root/etc/zscan/zscan.conf" ] || fail "uninstall: $(find "$T/root" -type f)"
	rm "$T/root/etc/zscan/zscan.conf"
	make -s install DESTDIR="$T/root" PREFIX=/opt/zs >"$T/make.log" 2>&1 || fail "make install: $(cat "$T/make.log")"
	expect_eq "installed zblacklist --count" "$("$T/root/opt/zs/bin/zblacklist" --count)" 3702258432
	make -s uninstall DESTDIR="$T/root" PREFIX=/opt/zs >/dev/null 2>&1
	[ -z "$(find "$T/root" -type f)" ] || fail "uninstall left: $(find "$T/root" -type f)"
}

# Without -b the tools read the installed blocklists (the configuration
# directory: /etc/zscan, or $ZSCAN_SYSCONFDIR), each replaced by its
# built-in copy only where it is absent, and --help says which; a fault
# in an installed list is an error naming file:line, as with -b.
test_install_blocklists_are_read_by_default() {
	local d=$T/etc z=$ZS_BIN/zblacklist
	mkdir -p "$d"
	export ZSCAN_SYSCONFDIR=$d
	# none installed: the built-in copies (10.0.0.0/8 blocked)
	expect_eq "none installed" "$(printf '10.0.0.1\n1.2.3.4\n' | "$z")" 1.2.3.4
	"$z" --help | grep -q "$d/blocklist.conf (absent: the built-in copy instead)" || fail "--help: $("$z" --help | tail -1)"
	# an installed IPv4 list replaces the built-in IPv4 one only
	printf '# ours\n1.2.3.0/24\n' >"$d/blocklist.conf"
	expect_eq "IPv4 list installed" "$(printf '10.0.0.1\n1.2.3.4\n2001:db8::1\n2a00:1450::1\n' | "$z")" \
		"$(printf '10.0.0.1\n2a00:1450::1')"
	"$z" --help | grep -q "$d/blocklist.conf (installed: read) and $d/blocklist6.conf (absent" || fail "--help: $("$z" --help | tail -1)"
	expect_eq "zgen reads it too" "$("$ZS_BIN/zgen" 1.2.3.0/30 10.0.0.0/30 | sort | tr '\n' ' ')" "10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3 "
	printf '2a00:1450::/32\n' >"$d/blocklist6.conf"
	expect_eq "both installed" "$(printf '2001:db8::1\n2a00:1450::1\n' | "$z")" 2001:db8::1
	# -b still wins
	expect_eq "-b wins" "$(printf '1.2.3.4\n' | "$z" -b /dev/null)" 1.2.3.4
	printf '1.2.3.0/24\nnot-a-cidr\n' >"$d/blocklist.conf"
	expect_error "^zgen: $d/blocklist.conf:2: " "$ZS_BIN/zgen" 1.2.3.0/30
	unset ZSCAN_SYSCONFDIR
}
