# make install honours PREFIX and DESTDIR and installs binaries, man pages
# and conf/; the installed binaries run.

test_make_install_layout() {
	make -s install DESTDIR="$T/root" PREFIX=/opt/zs >"$T/make.log" 2>&1 || fail "make install: $(cat "$T/make.log")"
	for f in bin/zgen bin/zblacklist bin/zsend bin/zrecv bin/zfilter share/man/man1/zgen.1 share/man/man1/zblacklist.1 share/man/man1/zsend.1 share/man/man1/zrecv.1 share/man/man1/zfilter.1 \
		etc/zscan/blocklist.conf share/zscan/udp-probes/dns_53.pkt share/zscan/udp-probes/ssdp_1900.pkt; do
		[ -f "$T/root/opt/zs/$f" ] || fail "missing $f"
	done
	[ -x "$T/root/opt/zs/bin/zgen" ] || fail "zgen not executable"
	cmp -s "$T/root/opt/zs/etc/zscan/blocklist.conf" conf/blocklist.conf || fail "blocklist.conf differs"
	expect_eq "installed zblacklist --count" "$("$T/root/opt/zs/bin/zblacklist" --count)" 3702258432
	make -s uninstall DESTDIR="$T/root" PREFIX=/opt/zs >/dev/null 2>&1
	[ -z "$(find "$T/root" -type f)" ] || fail "uninstall left: $(find "$T/root" -type f)"
}
