# Every option a tool's --help lists is documented in its man page, and the
# man page renders without warnings.

check_manpage() { # TOOL
	local tool=$1 page="$1/$1.1" opt
	[ -f "$page" ] || fail "$page missing"
	for opt in $("$ZS_BIN/$tool" --help | grep -Eo -- '--[a-z][a-z-]+' | sort -u); do
		grep -q -- "${opt//-/\\\\-}" "$page" || fail "$page does not document $opt"
	done
	grep -q '^\.SH EXIT STATUS' "$page" || fail "$page has no EXIT STATUS"
	warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
	[ -z "$warnings" ] || fail "$page: $warnings"
}

test_manpages_document_every_option() {
	check_manpage zgen
	check_manpage zblacklist
	check_manpage zsend
	check_manpage zrecv
	check_manpage zfilter
	check_manpage zhilbert
	check_manpage zscan
}
