# The configuration file (-C FILE, by default $ZSCAN_SYSCONFDIR/zscan.conf):
# its values are used as the same options typed would be, the command line
# wins, one file serves every tool, a fault names FILE:LINE before
# anything is written, and a file that root tools must not trust (another
# user's, writable by others, planted as a link, endless) is refused.

TOOLS_ALL="zgen zblacklist zsend zrecv zfilter zhilbert"

# conf FILE: standard input into FILE, mode 0600, as a user writes one.
conf() {
	(umask 077 && cat >"$1")
}

# The ip.src of each frame of a zsend --dryrun's hex dump, sorted, one a line.
dry_sources() { # DUMP-FILE
	text2pcap -q "$1" "$T/dry.pcap" 2>/dev/null
	tshark -r "$T/dry.pcap" -T fields -e ip.src 2>/dev/null | sort -u
}

test_config_values_used_and_the_command_line_wins() {
	local z=$ZS_BIN/zgen
	conf "$T/a.conf" <<'EOF'
# zgen's options, one in ZMap's name
seed 7
target-ports 80,443
max-targets 5
blocklist-file /dev/null
rate 100          # zsend's: zgen skips it
EOF
	expect_eq "the file's values" "$("$z" -C "$T/a.conf" 198.18.0.0/24)" \
		"$("$z" -e 7 -p 80,443 -n 5 -b /dev/null 198.18.0.0/24)"
	expect_eq "--config too" "$("$z" --config "$T/a.conf" 198.18.0.0/24 | wc -l)" 5
	expect_eq "-p on the command line wins" "$("$z" -C "$T/a.conf" -p 22 198.18.0.0/24)" \
		"$("$z" -e 7 -p 22 -n 5 -b /dev/null 198.18.0.0/24)"
	expect_eq "--ports too, wherever it is" "$("$z" -C "$T/a.conf" 198.18.0.0/24 --ports 22)" \
		"$("$z" -e 7 -p 22 -n 5 -b /dev/null 198.18.0.0/24)"
	# a repeatable option: two lines add up as two -S do, and one -S on
	# the command line drops both
	conf "$T/s.conf" <<'EOF'
source-ip 198.18.0.7
source-ip 198.18.0.8
target-port 80
blocklist /dev/null
gateway-mac 02:00:00:00:00:01
EOF
	"$ZS_BIN/zgen" -b /dev/null -e 1 198.18.16.0/28 >"$T/targets"
	"$ZS_BIN/zsend" -C "$T/s.conf" --dryrun <"$T/targets" >"$T/dry1.txt"
	expect_eq "the file's two -S" "$(dry_sources "$T/dry1.txt" | tr '\n' ' ')" "198.18.0.7 198.18.0.8 "
	"$ZS_BIN/zsend" -C "$T/s.conf" --dryrun -S 198.18.0.9 <"$T/targets" >"$T/dry2.txt"
	expect_eq "-S on the command line" "$(dry_sources "$T/dry2.txt" | tr '\n' ' ')" "198.18.0.9 "
	expect_eq "frames" "$(tshark -r "$T/dry.pcap" 2>/dev/null | wc -l)" 16
	# options that exclude each other: the command line's drops the file's
	printf 'rate 100\n' | conf "$T/r.conf"
	"$ZS_BIN/zsend" -C "$T/r.conf" -C "$T/s.conf" --dryrun </dev/null ||
		fail "the last -C is the one read"
	"$ZS_BIN/zsend" -C "$T/r.conf" --dryrun -B 1M -b /dev/null </dev/null || fail "-B and the file's rate"
	printf 'all\nunique saddr,sport\n' | conf "$T/f.conf"
	printf 'saddr,sport,success\n1.2.3.4,80,1\n1.2.3.4,80,0\n1.2.3.4,81,0\n' >"$T/res.csv"
	expect_eq "zfilter: all and unique" "$("$ZS_BIN/zfilter" -C "$T/f.conf" <"$T/res.csv" | tr '\n' ' ')" \
		"1.2.3.4,80 1.2.3.4,81 "
	expect_eq "zfilter: --where drops the file's all" \
		"$("$ZS_BIN/zfilter" -C "$T/f.conf" --where 'sport = 81' <"$T/res.csv" | tr '\n' ' ')" "1.2.3.4,81 "
	# flags, quotes, CRLF, '=' and a tool's own prefix
	printf 'zblacklist.count\r\nzgen.count\r\nblocklist = "%s"\r\n' "$T/b list" | conf "$T/c.conf"
	echo 198.18.0.0/25 >"$T/b list"
	expect_eq "zblacklist from a CRLF file" "$("$ZS_BIN/zblacklist" -C "$T/c.conf" 198.18.0.0/24)" 128
	expect_eq "zgen from the same file" "$("$z" -C "$T/c.conf" 198.18.0.0/24)" 128
}

# A usage error in the file is one line naming FILE:LINE, exit 2, and
# nothing is written or emptied: the outputs named on the command line
# keep what they held.
test_config_faults_name_the_line_and_write_nothing() {
	local f=$T/bad.conf
	echo "results of an earlier scan" >"$T/out.csv"
	echo "old metadata" >"$T/meta.json"
	conf "$f" <<'EOF'
# a good line, then a mistake
cooldown 2
frobnicate 1
EOF
	expect_error "^zrecv: $f:3: unknown option 'frobnicate'$" \
		"$ZS_BIN/zrecv" -C "$f" -o "$T/out.csv" --metadata "$T/meta.json" -k /nonexistent
	local rc=0
	"$ZS_BIN/zrecv" -C "$f" -o "$T/out.csv" 2>/dev/null || rc=$?
	expect_eq "exit status" $rc 2
	printf 'quiet\nzrecv.output-format xml\n' | conf "$f"
	expect_error "^zrecv: $f:2: zrecv.output-format: -O: 'xml' is not csv or json$" \
		"$ZS_BIN/zrecv" -C "$f" -o "$T/out.csv" --metadata "$T/meta.json"
	printf '\n\nrate fast\n' | conf "$f"
	expect_error "^zsend: $f:3: rate: -r: 'fast' is not a non-negative integer$" \
		"$ZS_BIN/zsend" -C "$f" --dryrun --metadata "$T/meta.json"
	# every tool finds a mistake in a line for another one
	for t in $TOOLS_ALL; do
		printf 'zsend.rate 1\nzsend.ports 80\n' | conf "$f"
		expect_error "^$t: $f:2: 'zsend.ports': that tool has no such option$" "$ZS_BIN/$t" -C "$f"
	done
	printf 'ports 80\noutput %s\nmax-targets many\n' "$T/out.csv" | conf "$f"
	expect_error "^zgen: $f:3: max-targets: -n: 'many' is not a positive count" "$ZS_BIN/zgen" -C "$f"
	printf 'version\n' | conf "$f"
	expect_error "^zhilbert: $f:1: 'version' is for the command line, not a configuration file$" \
		"$ZS_BIN/zhilbert" -C "$f"
	printf 'quiet on\n' | conf "$f"
	expect_error "^zfilter: $f:1: 'quiet' takes no value" "$ZS_BIN/zfilter" -C "$f"
	printf 'output-file\n' | conf "$f"
	expect_error "^zfilter: $f:1: 'output-file' needs a value$" "$ZS_BIN/zfilter" -C "$f"
	expect_eq "outputs untouched" "$(cat "$T/out.csv" "$T/meta.json")" \
		"$(printf 'results of an earlier scan\nold metadata')"
	# --help answers whatever the file holds
	"$ZS_BIN/zrecv" -C "$f" --help | grep -q -- '--config FILE' || fail "--help with a bad file"
}

# The options each tool's --help lists, one "name" or "name VALUE" a line
# (a value where the option takes one); not those for the command line.
help_option_lines() { # TOOL
	"$ZS_BIN/$1" --help | awk '
		/^ +(-[A-Za-z], )?--[a-z]/ {
			match($0, /--[a-z][-a-z0-9]*/); n = substr($0, RSTART + 2, RLENGTH - 2)
			rest = substr($0, RSTART + RLENGTH)
			arg[n] = rest ~ /^ [A-Z][A-Z0-9_\/]*( |$)/ }
		{ s = $0; while (match(s, /--[a-z][-a-z0-9]*/)) {
			n = substr(s, RSTART + 2, RLENGTH - 2); if (!(n in arg)) arg[n] = 1
			s = substr(s, RSTART + RLENGTH) } }
		END { for (n in arg) print n (arg[n] ? " 1" : "") }' |
		grep -vE '^(help|version|config|list-modules|list-fields|schema)( |$)' | sort
}

# Every option in any tool's --help is known to every other tool, which
# skips it: the list of all tools' options (made from their longopts at
# build time) misses none. Each tool is given every other tool's options
# (those it has not itself) and runs as usual.
test_config_every_tools_options_skipped_by_the_others() {
	local t u n=0
	for t in $TOOLS_ALL; do
		help_option_lines "$t" >"$T/$t.opts"
		[ "$(wc -l <"$T/$t.opts")" -ge 3 ] || fail "$t: no options in --help"
	done
	for u in $TOOLS_ALL; do
		: >"$T/$u.conf.tmp"
		for t in $TOOLS_ALL; do
			[ "$t" = "$u" ] && continue
			# not the options u has too (those it would apply)
			awk 'NR == FNR {own[$1]; next} !($1 in own)' "$T/$u.opts" "$T/$t.opts" >>"$T/$u.conf.tmp"
		done
		sort -u "$T/$u.conf.tmp" | conf "$T/$u.conf"
		n=$((n + $(wc -l <"$T/$u.conf")))
		case $u in
		zgen) out=$("$ZS_BIN/zgen" -C "$T/$u.conf" -b /dev/null 198.18.0.0/30 | wc -l) want=4 ;;
		zblacklist) out=$("$ZS_BIN/zblacklist" -C "$T/$u.conf" -b /dev/null --count 198.18.0.0/30) want=4 ;;
		zsend) out=$("$ZS_BIN/zsend" -C "$T/$u.conf" -b /dev/null --dryrun </dev/null | wc -l) want=0 ;;
		zrecv) out=$("$ZS_BIN/zrecv" -C "$T/$u.conf" --list-fields | grep -c '^saddr ') want=1 ;;
		zfilter) out=$(printf 'saddr\n1.2.3.4\n' | "$ZS_BIN/zfilter" -C "$T/$u.conf" -a -u saddr -f saddr -O text) want=1.2.3.4 ;;
		zhilbert) out=$(echo 1.2.3.4 | "$ZS_BIN/zhilbert" -C "$T/$u.conf" -p 1.2.3.0/24 -u 32 | head -c 4 | tail -c 3) want=PNG ;;
		esac
		expect_eq "$u with every other tool's options" "$out" "$want"
	done
	echo "  $n lines of other tools' options, each skipped"
	# and the list is no longer than the tools' options: a name none has
	printf 'no-such-option 1\n' | conf "$T/x.conf"
	expect_error "unknown option 'no-such-option'" "$ZS_BIN/zgen" -C "$T/x.conf"
}

# Without -C, $ZSCAN_SYSCONFDIR/zscan.conf (SYSCONFDIR at build time,
# /etc/zscan) is read if it is there, and --help says so; -C /dev/null
# reads none. The default file is checked as sshd checks its own.
test_config_default_file_read_and_checked() {
	local d=$T/etc z=$ZS_BIN/zgen
	mkdir -p "$d"
	export ZSCAN_SYSCONFDIR=$d
	"$z" --help | grep -qF "read from $d/zscan.conf (absent: none is read)" || fail "--help: $("$z" --help | tail -2)"
	expect_eq "absent: all" "$("$z" -b /dev/null 198.18.0.0/30 | wc -l)" 4
	printf 'max-targets 2\nzsend.rate 5\n' | conf "$d/zscan.conf"
	for t in $TOOLS_ALL; do
		"$ZS_BIN/$t" --help | grep -qF "read from $d/zscan.conf (installed: read)" ||
			fail "$t --help: $("$ZS_BIN/$t" --help | tail -2)"
	done
	expect_eq "the default file" "$("$z" -b /dev/null 198.18.0.0/30 | wc -l)" 2
	expect_eq "-C /dev/null: none" "$("$z" -C /dev/null -b /dev/null 198.18.0.0/30 | wc -l)" 4
	printf 'max-targets 3\n' | conf "$T/other.conf"
	expect_eq "-C FILE instead" "$("$z" -C "$T/other.conf" -b /dev/null 198.18.0.0/30 | wc -l)" 3
	# writable by the group, or by everyone
	chmod 664 "$d/zscan.conf"
	expect_error "^zgen: $d/zscan.conf: writable by its group \(mode 0664\)" "$z" -b /dev/null 198.18.0.0/30
	"$z" --help | grep -qF "read from $d/zscan.conf (refused: " || fail "--help: $("$z" --help | tail -2)"
	chmod 602 "$d/zscan.conf"
	expect_error "^zsend: $d/zscan.conf: writable by others" "$ZS_BIN/zsend" --dryrun
	chmod 600 "$d/zscan.conf"
	# another user's file: not for root to trust
	chown nobody "$d/zscan.conf"
	expect_error "^zrecv: $d/zscan.conf: owned by uid $(id -u nobody), neither root nor" "$ZS_BIN/zrecv" --list-fields
	chown root "$d/zscan.conf"
	# a link planted in its place, even to a good file, or a directory
	mv "$d/zscan.conf" "$T/good.conf"
	ln -s "$T/good.conf" "$d/zscan.conf"
	expect_error "^zblacklist: $d/zscan.conf: a symbolic link: the default file must not be one" \
		"$ZS_BIN/zblacklist" --count
	expect_eq "the link named with -C is the user's choice" \
		"$("$z" -C "$d/zscan.conf" -b /dev/null 198.18.0.0/30 | wc -l)" 2
	rm "$d/zscan.conf"
	ln -s /nonexistent "$d/zscan.conf"
	expect_error "^zfilter: $d/zscan.conf: a symbolic link" "$ZS_BIN/zfilter"
	rm "$d/zscan.conf"
	mkdir "$d/zscan.conf"
	expect_error "^zhilbert: $d/zscan.conf: a directory, not a file" "$ZS_BIN/zhilbert"
	rmdir "$d/zscan.conf"
	expect_eq "gone again" "$("$z" -b /dev/null 198.18.0.0/30 | wc -l)" 4
	unset ZSCAN_SYSCONFDIR
	# a user's own file is the user's to use, another user's is not
	mkdir -m 755 "$T/u"
	chmod 755 "$T"
	printf 'max-targets 1\n' >"$T/u/own.conf"
	cp "$T/u/own.conf" "$T/u/other.conf"
	chmod 644 "$T/u/own.conf" "$T/u/other.conf"
	chown nobody "$T/u/own.conf"
	chown daemon "$T/u/other.conf"
	as_nobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }
	expect_eq "nobody's own file" "$(as_nobody "$z" -C "$T/u/own.conf" -b /dev/null 198.18.0.0/30 | wc -l)" 1
	expect_error "^zgen: $T/u/other.conf: owned by uid $(id -u daemon), neither root nor" \
		as_nobody "$z" -C "$T/u/other.conf" -b /dev/null 198.18.0.0/30
}

test_config_files_complete_after_dash_c() {
	[ -r /usr/share/bash-completion/bash_completion ] || fail "bash-completion is not installed (make deps)"
	mkdir "$T/d" && : >"$T/d/scan.conf"
	local opt got completion=$PWD/conf/bash-completion/zscan
	for opt in -C --config; do
		got=$(cd "$T" && COMPLETION=$completion bash -c '
			source /usr/share/bash-completion/bash_completion
			source "$COMPLETION"
			COMP_WORDS=(zsend "$1" d/sc); COMP_CWORD=2; COMP_LINE="zsend $1 d/sc"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _zscan_tool zsend; printf "%s\n" "${COMPREPLY[@]}"' comp "$opt")
		expect_eq "zsend $opt d/sc<TAB>" "$got" d/scan.conf
	done
}

# Files no tool should read, or read whole: each refused in one line, at
# once (a generous bound: none waits on its input).
test_config_hostile_files_refused_at_once() {
	local z=$ZS_BIN/zgen f=$T/h.conf
	expect_error "^zgen: /dev/zero: a character device, not a file$" timeout 20 "$z" -C /dev/zero
	mkfifo "$T/fifo"
	# an endless writer, if the FIFO were ever opened for reading
	(yes 'quiet' >"$T/fifo" &) 2>/dev/null
	expect_error "^zgen: $T/fifo: a FIFO, not a file$" timeout 20 "$z" -C "$T/fifo"
	# unblock and end the writer
	timeout 5 head -c 1 "$T/fifo" >/dev/null || true
	expect_error "^zgen: $T: a directory, not a file$" timeout 20 "$z" -C "$T"
	expect_error "^zgen: /nonexistent.conf: No such file or directory$" "$z" -C /nonexistent.conf
	expect_error "^zgen: -C: an empty file name$" "$z" -C ''
	printf 'seed 1\nports 80\0\n' | conf "$f"
	expect_error "^zgen: $f:2: a NUL byte$" "$z" -C "$f"
	{ printf 'seed 1\nwhere '; head -c 1048000 /dev/zero | tr '\0' x; echo; } | conf "$f"
	expect_error "^zgen: $f:2: longer than 4096 bytes$" timeout 20 "$z" -C "$f"
	{ for i in $(seq 1 70000); do echo "# padding line $i"; done; } | conf "$f"
	expect_error "^zgen: $f: [0-9]+ bytes, more than the 1048576 a configuration file may hold$" "$z" -C "$f"
	# what a line shows of itself is escaped: one line, nothing invisible
	printf 'ra\033[31mte 5\n' | conf "$f"
	expect_error "^zgen: $f:1: a control byte \(\\\\x1b\)$" "$z" -C "$f"
	printf 'r\xc3\xa4te 5\n' | conf "$f"
	expect_error "^zgen: $f:1: 'r\\\\xc3\\\\xa4te' is not an option name$" "$z" -C "$f"
	printf -- '--rate 5\n' | conf "$f"
	expect_error "^zgen: $f:1: '--rate': option names go without dashes$" "$z" -C "$f"
	# options the stream keeps for after the file: many in one argument
	"$z" -C /dev/null -b /dev/null -n 1 "-$(printf 'v%.0s' $(seq 1 300))" 198.18.0.1 >/dev/null 2>&1 ||
		fail "300 -v in one argument"
	# a file name with a newline in it stays on one line
	printf 'frob 1\n' | conf "$T/a
b"
	expect_error "^zgen: $T/a\\\\x0ab:1: unknown option 'frob'$" "$z" -C "$T/a
b"
}

# The installed example (conf/zscan.conf) changes nothing as installed,
# and every line of it, uncommented, names a real option with a value its
# tool takes.
test_config_example_file_is_valid() {
	local t
	grep -vE '^[[:space:]]*(#|$)' conf/zscan.conf && fail "conf/zscan.conf has a line that is not a comment"
	# its paths made the test's own
	mkdir -p "$T/etc" "$T/var"
	echo 198.18.0.0/24 >"$T/etc/allowlist.conf"
	: >"$T/etc/blocklist.conf"
	sed -nE 's/^#([a-z][-a-z0-9.]*)( .*)?$/\1\2/p' conf/zscan.conf |
		sed "s|/etc/zscan/|$T/etc/|; s|/var/log/zscan/|$T/var/|" | conf "$T/all.conf"
	[ "$(wc -l <"$T/all.conf")" -gt 20 ] || fail "few options in the example: $(cat "$T/all.conf")"
	expect_eq "zgen" "$("$ZS_BIN/zgen" -C "$T/all.conf" --count 198.18.0.0/24)" 512
	expect_eq "zblacklist" "$("$ZS_BIN/zblacklist" -C "$T/all.conf" --count 198.18.0.0/24)" 256
	"$ZS_BIN/zrecv" -C "$T/all.conf" --list-fields >/dev/null || fail zrecv
	expect_eq "zfilter" "$(printf 'saddr,success\n1.2.3.4,1\n' | "$ZS_BIN/zfilter" -C "$T/all.conf")" 1.2.3.4
	echo 1.2.3.4 | "$ZS_BIN/zhilbert" -C "$T/all.conf" >/dev/null || fail zhilbert
	# zsend's values pass its option checks; the interface the example
	# names is on no test machine, so it stops there, having opened nothing
	expect_error "^zsend: -i: interface 'eth0'" "$ZS_BIN/zsend" -C "$T/all.conf" -b /dev/null -k /dev/null
	[ -z "$(ls "$T/var")" ] || fail "zsend wrote $(ls "$T/var")"
	for t in $TOOLS_ALL; do
		"$ZS_BIN/$t" -C conf/zscan.conf --help >/dev/null || fail "$t -C conf/zscan.conf"
	done
}

# README's Configuration example, as a new user types it: the file it
# writes is one every stage takes (zsend stops at the interface, eth0,
# which no test machine has).
test_config_readme_example() {
	local readme=$PWD/README.md
	awk '/^## Configuration/ {on = 1} on && /^```sh/ {code = 1; next} code && /^```/ {exit}
		code && /^zgen/ {exit} code' "$readme" >"$T/make-conf.sh"
	grep -q "scan.conf" "$T/make-conf.sh" || fail "no example in README's Configuration: $(cat "$T/make-conf.sh")"
	(cd "$T" && bash -eu make-conf.sh) || fail "README's commands: $(cat "$T/make-conf.sh")"
	cd "$T"
	expect_eq "zgen -C scan.conf -n 1%" "$("$ZS_BIN/zgen" -C scan.conf --header -n 1% | head -c 6)" "# zgen"
	expect_eq "its ports" "$("$ZS_BIN/zgen" -C scan.conf -n 1 | cut -d, -f2)" 443
	expect_error "^zsend: -i: interface 'eth0'" "$ZS_BIN/zsend" -C scan.conf
	"$ZS_BIN/zrecv" -C scan.conf --list-fields >/dev/null || fail "zrecv -C scan.conf"
	[ ! -e results.csv ] && [ ! -e scan.json ] || fail "a file was written"
}

# A lab scan whose every setting comes from one file the three stages
# read: zgen its ports, seed and blocklist, zsend its rate, interface and
# module, zrecv its module, interface, cooldown, output and metadata. The
# hosts found are the lab's ground truth.
test_config_lab_scan_from_one_file() {
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/28" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	conf "$T/scan.conf" <<EOF
# one file for the whole pipeline
seed 11
zgen.blocklist $T/link.block
zsend.blocklist-file /dev/null
probe-module icmp_echo
rate 20000
interface zs0
cooldown-time 1
output-fields saddr,classification,success
output-file $T/res.csv
zsend.metadata $T/send.json
zrecv.metadata $T/recv.json
quiet
EOF
	in_scan bash -c "'$ZS_BIN/zgen' -C '$T/scan.conf' --header 198.18.0.0/16 |
		'$ZS_BIN/zsend' -C '$T/scan.conf' | '$ZS_BIN/zrecv' -C '$T/scan.conf'" >"$T/stdout" 2>"$T/err" ||
		fail "pipeline: $(cat "$T/err")"
	[ ! -s "$T/stdout" ] || fail "results on stdout, not in the file's output-file"
	head -1 "$T/res.csv" | grep -qx 'saddr,classification,success' || fail "fields: $(head -1 "$T/res.csv")"
	awk -F, 'NR > 1 && $2 == "echoreply" && $3 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") ||
		fail "found $(wc -l <"$T/found") of $(wc -l <"$LAB_DIR/live.txt"): $(comm -3 "$T/found" <(sorted "$LAB_DIR/live.txt") | head -3)"
	grep -q '"module":"icmp_echo"' "$T/send.json" || fail "zsend's module: $(head -c 300 "$T/send.json")"
	grep -q '"interface":"zs0"' "$T/send.json" || fail "zsend's interface: $(head -c 300 "$T/send.json")"
	grep -q '"rate":20000' "$T/send.json" || fail "zsend's rate: $(head -c 300 "$T/send.json")"
	grep -q '"seed":11' "$T/send.json" || fail "zgen's seed: $(head -c 300 "$T/send.json")"
	grep -q '"complete":true' "$T/recv.json" || fail "zrecv's metadata: $(head -c 300 "$T/recv.json")"
	echo "  $(wc -l <"$T/found") hosts up, the lab's ground truth, every setting from $T/scan.conf"
}

# One file for zscan and its stages: a line naming one of zscan's options
# is zscan's, which hands each stage what it takes of it; the stages zscan
# runs (ZSCAN_FRONT_DOOR=1) skip it, so that zrecv does not also write
# zscan's output-file or take a probe-module zscan gave zsend alone. And
# metadata and status-updates, files both zsend and zrecv write, go to
# zrecv alone unless a tool's name comes first (zsend.metadata).
test_config_front_door_lines_and_one_writer_per_file() {
	local c=$T/scan.conf
	printf 'output-file %s\nprobe-module icmp_echo\nmetadata %s\n' "$T/res.csv" "$T/m.json" >"$c"
	chmod 600 "$c"
	make_key "$T/key"
	python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' >"$T/empty.pcap"
	# alone, zrecv applies all three
	"$ZS_BIN/zrecv" -q -C "$c" -r "$T/empty.pcap" -k "$T/key" >"$T/out" || fail "zrecv alone: exit $?"
	[ -s "$T/res.csv" ] && [ ! -s "$T/out" ] || fail "zrecv alone: output-file not applied"
	expect_eq "zrecv alone: module" "$(json "$T/m.json" module)" icmp_echo
	rm -f "$T/res.csv" "$T/m.json"
	# under zscan, the lines of zscan's options are zscan's
	ZSCAN_FRONT_DOOR=1 "$ZS_BIN/zrecv" -q -C "$c" -r "$T/empty.pcap" -k "$T/key" >"$T/out" ||
		fail "zrecv under zscan: exit $?"
	[ ! -e "$T/res.csv" ] || fail "zrecv under zscan wrote zscan's output-file"
	head -n 1 "$T/out" | grep -q '^saddr,' || fail "zrecv under zscan: no results on stdout"
	expect_eq "zrecv under zscan: module (zscan gave -M to zsend)" "$(json "$T/m.json" module)" tcp_syn
	rm -f "$T/m.json"
	# metadata: zsend leaves the plain name to zrecv, takes zsend.metadata
	"$ZS_BIN/zgen" --header -p 80 -b /dev/null 198.18.0.0/31 >"$T/targets"
	"$ZS_BIN/zsend" -q -C "$c" --dryrun -S 198.18.0.1 -b /dev/null <"$T/targets" >/dev/null || fail "zsend: exit $?"
	[ ! -e "$T/m.json" ] || fail "zsend wrote the plain metadata line's file"
	printf 'zsend.metadata %s\nzrecv.metadata %s\n' "$T/s.json" "$T/r.json" >"$c"
	"$ZS_BIN/zsend" -q -C "$c" --dryrun -S 198.18.0.1 -b /dev/null <"$T/targets" >/dev/null || fail "zsend: exit $?"
	expect_eq "zsend.metadata" "$(json "$T/s.json" tool)" zsend
	[ ! -e "$T/r.json" ] || fail "zsend wrote zrecv.metadata's file"
}

# A default file kept to root (mode 600, for root's scans) is not another
# user's: their tools run as with no file, and --help says why.
test_config_default_file_kept_to_root() {
	local d=$T/etc
	mkdir -p "$d" && chmod 755 "$T" "$d"
	printf 'max-targets 1\n' >"$d/zscan.conf"
	chmod 600 "$d/zscan.conf"
	expect_eq "root reads it" "$(ZSCAN_SYSCONFDIR=$d "$ZS_BIN/zgen" -b /dev/null 198.18.0.0/30 | wc -l)" 1
	expect_eq "nobody runs without it" \
		"$(ZSCAN_SYSCONFDIR=$d setpriv --reuid nobody --regid nogroup --clear-groups "$ZS_BIN/zgen" -b /dev/null 198.18.0.0/30 | wc -l)" 4
	ZSCAN_SYSCONFDIR=$d setpriv --reuid nobody --regid nogroup --clear-groups "$ZS_BIN/zgen" --help |
		grep -q "not readable by this user: none is read" || fail "--help does not say it"
	# named with -C, it is an error, as any file that cannot be read
	expect_error "zscan.conf" setpriv --reuid nobody --regid nogroup --clear-groups "$ZS_BIN/zgen" -C "$d/zscan.conf" 198.18.0.0/30
}
