# Bash completion (conf/bash-completion/zscan, installed under each tool's
# name): every option each tool's --help lists completes, and so do the
# module names, output formats and files; each option is in the man page
# too, and mandoc finds nothing above a warning in any man page.

TOOLS_ALL="zgen zblacklist zsend zrecv zfilter zhilbert zscan"
COMPLETION=$PWD/conf/bash-completion/zscan

# comp WORD...: what completing the last word offers, one a line, sorted
comp() {
	COMPLETION=$COMPLETION bash -c '
	source /usr/share/bash-completion/bash_completion
	source "$COMPLETION"
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	COMPREPLY=(); _zscan_tool "$1"; printf "%s\n" "${COMPREPLY[@]}"' comp "$@" | sort -u
}

# the options a --help lists: long ones, and -x short ones
help_options() { # TOOL
	"$ZS_BIN/$1" --help | grep -oE -- '(^|[ ,\[])--?[a-zA-Z][-a-zA-Z0-9]*' | grep -oE -- '--?[a-zA-Z][-a-zA-Z0-9]*' | sort -u
}

test_completion_offers_every_option_and_module() {
	[ -r /usr/share/bash-completion/bash_completion ] || fail "bash-completion is not installed (make deps)"
	export PATH="$ZS_BIN:$PATH"
	local t missing n=0
	for t in $TOOLS_ALL; do
		help_options "$t" >"$T/$t.help"
		[ "$(wc -l <"$T/$t.help")" -gt 3 ] || fail "$t: no options in --help"
		comp "$t" - >"$T/$t.comp"
		missing=$(comm -23 "$T/$t.help" "$T/$t.comp" | tr '\n' ' ')
		[ -z "$missing" ] || fail "$t: --help's options not completed: $missing"
		# and each long one is in the man page
		for o in $(grep -- '^--' "$T/$t.help"); do
			grep -qF -- "${o//-/\\-}" "$t/$t.1" || fail "$t: $o is not in $t.1"
			n=$((n + 1))
		done
	done
	expect_eq "-M completes the modules" "$(comp zsend -M "" | tr '\n' ' ')" \
		"$("$ZS_BIN/zsend" --list-modules | awk '/^[a-z]/ {print $1}' | sort | tr '\n' ' ')"
	expect_eq "zrecv -M too" "$(comp zrecv -M d | tr '\n' ' ')" "dns "
	expect_eq "zfilter -O" "$(comp zfilter -O "" | tr '\n' ' ')" "csv json lzr text zgrab2 "
	expect_eq "--dedup-method" "$(comp zrecv --dedup-method "" | tr '\n' ' ')" "default full none window "
	mkdir -p "$T/files" && : >"$T/files/list.txt"
	expect_eq "-b takes a file" "$(cd "$T" && comp zgen -b files/li)" "files/list.txt"
	# -r: zrecv's reads a pcap file; zsend's (and zscan's) is the rate
	expect_eq "zrecv -r takes a file" "$(cd "$T" && comp zrecv -r files/li)" "files/list.txt"
	expect_eq "zsend -r is a rate" "$(cd "$T" && comp zsend -r files/li)" ""
	expect_eq "zscan -r is a rate" "$(cd "$T" && comp zscan -r files/li)" ""
	echo "  $n long options of $TOOLS_ALL, each completed and in its man page"
}

test_completion_man_pages_lint_clean() {
	command -v mandoc >/dev/null || fail "mandoc is not installed (make deps)"
	local t out
	for t in $TOOLS_ALL; do
		out=$(mandoc -Tlint -Wwarning "$t/$t.1" 2>&1 || true)
		expect_eq "mandoc -Tlint $t.1" "$out" ""
	done
}
