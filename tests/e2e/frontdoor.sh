# zscan, the front door for ZMap users: ZMap's flags become the pipeline
# zgen --header | zsend | zrecv [| zfilter], each flag at the stage that
# owns it (--explain prints it, checked here against a table); a scan of
# the lab gives ZMap's own output (checked against the ground truth and
# Debian's zmap); the output flags, -N, --dryrun, errors, and signals
# passed on to the stages, none left behind.

# The pipeline zscan prints for ARGS, with the stages' directory as @.
explained() { # ARGS...
	"$ZS_BIN/zscan" --explain "$@" | sed "s|$ZS_BIN/|@/|g"
}

test_frontdoor_explain_table() {
	local n=0 args want got
	while IFS='|' read -r args want; do
		[ -n "$args" ] || continue
		want=${want# }
		want=${want//!/|}
		eval "set -- $args"
		got=$(explained "$@")
		expect_eq "zscan $args" "$got" "$want"
		n=$((n + 1))
	done <<'TABLE'
-p 443 -n 1% -o hosts.csv| @/zgen --header -p 443 -n 1% ! @/zsend ! @/zrecv ! @/zfilter > hosts.csv
-p 80 198.51.100.0/24| @/zgen --header -p 80 198.51.100.0/24 ! @/zsend ! @/zrecv ! @/zfilter
-p 80,443 -o -| @/zgen --header -p 80,443 ! @/zsend ! @/zrecv ! @/zfilter -f saddr,sport
-p 8000-8100 10.0.0.0/8| @/zgen --header -p 8000-8100 10.0.0.0/8 ! @/zsend ! @/zrecv ! @/zfilter -f saddr,sport
-p 80 -w hosts.txt -b block.conf -e 42 --shards 4 --shard 1| @/zgen --header -p 80 -w hosts.txt -b block.conf --seed 42 --shards 4 --shard 1 ! @/zsend -b block.conf ! @/zrecv ! @/zfilter
-p 22 -r 100000 -B 10M -i eth0 -S 192.0.2.1 -G 02:00:00:00:00:01 -T 2| @/zgen --header -p 22 ! @/zsend -r 100000 -B 10M -i eth0 -S 192.0.2.1 -G 02:00:00:00:00:01 -T 2 ! @/zrecv -i eth0 ! @/zfilter
-p 53 -M dns --probe-args 'A,example.com'| @/zgen --header -p 53 ! @/zsend -M dns --probe-args A,example.com ! @/zrecv ! @/zfilter
-M icmp_echo -c 2 -t 600 -N 1000 -q| @/zgen --header ! @/zsend -M icmp_echo -q ! @/zrecv -c 2 -t 600 -N 1000 -q ! @/zfilter -q
-p 80 -O json -o out.json| @/zgen --header -p 80 ! @/zsend ! @/zrecv -f saddr -O json -o out.json
-p 80,443 -O csv| @/zgen --header -p 80,443 ! @/zsend ! @/zrecv -f saddr,sport
-p 80 -f saddr,ttl,classification| @/zgen --header -p 80 ! @/zsend ! @/zrecv -f saddr,ttl,classification
-p 80 --output-filter 'success = 1 && repeat = 0' -o up.csv| @/zgen --header -p 80 ! @/zsend ! @/zrecv -f '*' ! @/zfilter --where 'success = 1 && repeat = 0' --no-dedup -f saddr -O csv > up.csv
-p 80,81 --output-filter 'classification = rst' -O json| @/zgen --header -p 80,81 ! @/zsend ! @/zrecv -f '*' -O json ! @/zfilter --where 'classification = rst' --no-dedup -f saddr,sport -O json
-p 80 --output-filter '' -f saddr| @/zgen --header -p 80 ! @/zsend ! @/zrecv -f saddr
-p 80 --dryrun -o ignored.csv -c 3| @/zgen --header -p 80 ! @/zsend --dryrun
-p 80 -d| @/zgen --header -p 80 ! @/zsend --dryrun
-p 80 -C /dev/null| @/zgen -C /dev/null --header -p 80 ! @/zsend -C /dev/null ! @/zrecv -C /dev/null ! @/zfilter -C /dev/null
-p 80 -P 2 -s 40000-40999 -X --probe-ttl 32 --max-sendto-failures 10 --min-hitrate 0.5 --dedup-method full --dedup-window-size 100| @/zgen --header -p 80 ! @/zsend -P 2 -s 40000-40999 -X --probe-ttl 32 --max-sendto-failures 10 ! @/zrecv --min-hitrate 0.5 --dedup-method full --dedup-window 100 ! @/zfilter
--target-port 80 --max-targets 10 --rate 5 --cooldown-time 1 --output-file o.txt --blacklist-file b --whitelist-file w| @/zgen --header -p 80 -n 10 -b b -w w ! @/zsend -r 5 -b b ! @/zrecv -c 1 ! @/zfilter > o.txt
-e 7 -p 80 --resume 1234 198.18.16.0/20| @/zgen --header --seed 7 -p 80 --resume 1234 198.18.16.0/20 ! @/zsend ! @/zrecv ! @/zfilter
198.51.100.0/24 -p 443| @/zgen --header -p 443 198.51.100.0/24 ! @/zsend ! @/zrecv ! @/zfilter
TABLE
	# words that need quoting come out as a shell reads them back
	local weird=$'a b\'c' ctl=$'x\ty'
	got=$("$ZS_BIN/zscan" --explain -p 80 -o "out file.csv" -- "$weird" "$ctl" -dash)
	eval "set -- ${got%% | *}"
	expect_eq "zgen's words, read back" "$(printf '<%s>' "$@")" "<$ZS_BIN/zgen><--header><-p><80><--><$weird><$ctl><-dash>"
	eval "set -- ${got##* > }"
	expect_eq "the output file, read back" "$1" "out file.csv"
	[ "$(printf '%s\n' "$got" | wc -l)" -eq 1 ] || fail "not one line: $got"
	# a word that starts with '=' is quoted (zsh reads =ls as a path)
	got=$("$ZS_BIN/zscan" --explain -p 80 -b =ls 198.18.0.0/30)
	[[ $got == *" -b '=ls' "* ]] || fail "=ls not quoted: $got"
	# the stages are those beside zscan's binary, wherever it is, not $PATH's
	mkdir "$T/elsewhere"
	cp "$ZS_BIN"/z{scan,gen,send,recv,filter} "$T/elsewhere/"
	expect_eq "a copy elsewhere" "$(PATH="$ZS_BIN:$PATH" "$T/elsewhere/zscan" --explain -p 80)" \
		"$T/elsewhere/zgen --header -p 80 | $T/elsewhere/zsend | $T/elsewhere/zrecv | $T/elsewhere/zfilter"
	ln -s "$T/elsewhere/zscan" "$T/zscan-link"
	expect_eq "through a symbolic link" "$("$T/zscan-link" --explain -p 80 | cut -d' ' -f1)" "$T/elsewhere/zgen"
	# nothing runs, no file is made
	(cd "$T" && "$ZS_BIN/zscan" --explain -p 80 -o made.csv >/dev/null)
	[ ! -e "$T/made.csv" ] || fail "--explain made the -o file"
	echo "  $((n + 1)) ZMap command lines explained as their pipelines"
}

test_frontdoor_errors_write_nothing() {
	printf 'old results\n' >"$T/keep.csv"
	local bad
	for bad in "--bogus" "-p 80 -p 99999" "-p 80,x" "-O xml" "-n 1x" "-M nosuch" "-p" "-o ''"; do
		eval "expect_error '^zscan: ' '$ZS_BIN/zscan' -o '$T/keep.csv' $bad"
		expect_eq "-o after zscan $bad" "$(cat "$T/keep.csv")" "old results"
		eval "expect_error '^zscan: ' '$ZS_BIN/zscan' -o '$T/none.csv' $bad"
		[ ! -e "$T/none.csv" ] || fail "zscan $bad made the -o file"
	done
	local rc=0
	"$ZS_BIN/zscan" --bogus -o "$T/keep.csv" >/dev/null 2>&1 || rc=$?
	expect_eq "exit of an unknown flag" "$rc" 2
	expect_error "^zscan: unknown option '--output-modules' \(see --help\)$" "$ZS_BIN/zscan" --output-modules json
	# ZMap's rule: a module that probes ports needs -p
	expect_error "^zscan: -p: the tcp_syn module probes ports: say which, e.g. -p 80$" "$ZS_BIN/zscan" -o "$T/keep.csv"
	expect_error "^zscan: -p: the udp module probes ports" "$ZS_BIN/zscan" -M udp 198.18.16.0/30
	expect_error "^zscan: -O: 'x\\\\x09y' is not csv or json$" "$ZS_BIN/zscan" -O $'x\ty'
	# a file another user may have planted in a shared directory is not
	# written through
	mkdir -m 1777 "$T/shared"
	printf 'theirs\n' >"$T/victim"
	ln -s "$T/victim" "$T/shared/out.txt"
	expect_error "out.txt: a symbolic link in a shared directory" "$ZS_BIN/zscan" -p 80 -o "$T/shared/out.txt" 198.18.16.0/30
	expect_eq "the link's target" "$(cat "$T/victim")" theirs
	# the stages must be beside zscan
	mkdir "$T/alone"
	cp "$ZS_BIN/zscan" "$T/alone/"
	expect_error "^zscan: $T/alone/zgen: zscan runs the stages beside it: No such file" "$T/alone/zscan" -p 80
}

# A stage that fails fails the pipeline, with its status named: no route
# in the suite's own namespace (its loopback is down, so nothing is sent),
# and a zgen list that is not there.
test_frontdoor_stage_failure_is_not_hidden() {
	local rc=0
	"$ZS_BIN/zscan" -p 80 -c 1 -b /dev/null -S 198.18.0.1 198.18.16.0/30 >"$T/out" 2>"$T/err" || rc=$?
	cat "$T/err"
	[ "$rc" -ne 0 ] || fail "exit 0 after zsend failed"
	grep -q "^zsend: no route to 198.18.16" "$T/err" || fail "zsend said nothing"
	grep -Eq "^zscan: the scan failed: zgen [0-9]+, zsend $rc, zrecv 1, zfilter 0$" "$T/err" || fail "no word of zsend's status $rc"
	rc=0
	"$ZS_BIN/zscan" -p 80 -c 1 -q -w "$T/nonexistent" >"$T/out" 2>"$T/err" || rc=$?
	grep -q "^zgen: $T/nonexistent: No such file or directory" "$T/err" || fail "zgen: $(cat "$T/err")"
	grep -Eq "^zscan: the scan failed: zgen $rc, zsend [0-9]+, zrecv [0-9]+, zfilter 0$" "$T/err" || fail "$(cat "$T/err")"
	[ "$rc" -ne 0 ] || fail "exit 0 after zgen failed"
	expect_eq "output" "$(cat "$T/out")" ""
}

# zsend failing in the middle of a scan (its link gone: more sends fail
# than --max-sendto-failures allows) fails zscan, with zsend's status
# named, though zfilter, the last stage, ended well. At -r 400 the 4096
# targets take 10 s or more: the link goes long before the end.
test_frontdoor_zsend_failure_mid_scan() {
	LAB_LIVE="198.18.16.0/24" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	sent_400() { grep -qE '^zrecv: [0-9]+s: sent ([4-9][0-9]{2}|[0-9]{4,}) ' "$T/err"; }
	local rc=0
	: >"$T/err"
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zscan" -p 80 -e 7 -r 400 -c 1 --max-sendto-failures 20 \
		-b "$T/link.block" 198.18.16.0/20 >"$T/hosts" 2>>"$T/err" &
	local scan=$!
	wait_until 120 sent_400
	ip -n "$LAB_SCAN" link set zs0 down
	wait $scan || rc=$?
	ip -n "$LAB_SCAN" link set zs0 up
	grep -v '^zrecv: [0-9]*s:' "$T/err"
	expect_eq "exit" "$rc" 1
	grep -q "more than --max-sendto-failures allows: stopped" "$T/err" || fail "zsend said nothing"
	grep -Eq "^zscan: the scan failed: zgen [0-9]+, zsend 1, zrecv 1, zfilter 0$" "$T/err" || fail "zscan named no failing stage"
}

# --dryrun: zsend's frames on standard output, as ZMap's, nothing sent;
# text2pcap and tshark read them back.
test_frontdoor_dryrun_prints_the_frames() {
	"$ZS_BIN/zscan" --dryrun -q -b /dev/null -S 198.18.0.1 -p 80,443 198.18.16.0/31 >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	expect_eq "frames" "$(tshark -r "$T/dry.pcap" -o tcp.check_checksum:TRUE -T fields -e ip.dst -e tcp.dstport \
		-e tcp.flags -e tcp.checksum.status 2>/dev/null | tr '\t' ' ' | sort | tr '\n' ';')" \
		"198.18.16.0 443 0x0002 1;198.18.16.0 80 0x0002 1;198.18.16.1 443 0x0002 1;198.18.16.1 80 0x0002 1;"
}

# The lab scanned as a ZMap user scans: zscan's output is ZMap's default
# output, byte for byte the kind Debian's zmap writes: the live hosts, one
# address a line, no header; with several ports, address,port.
test_frontdoor_scan_gives_zmaps_output() {
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/26" LAB_TCP_PORTS="80 443" LAB_OPEN="198.18.17.0/24=80" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	: >"$T/empty"
	local gw rc=0
	gw=$(in_net cat /sys/class/net/zn0/address)
	in_scan timeout 60 zmap -C /dev/null -b "$T/empty" -q -i zs0 -S 198.18.0.1 -G "$gw" -p 80 \
		-r 20000 -c 2 -o "$T/zmap.txt" 198.18.16.0/22 198.18.64.0/26 >/dev/null 2>"$T/zmap.err" ||
		fail "zmap: $(tail -3 "$T/zmap.err")"
	in_scan "$ZS_BIN/zscan" -p 80 -b "$T/link.block" -c 1 198.18.16.0/22 198.18.64.0/26 >"$T/zscan.txt" 2>"$T/err" || rc=$?
	expect_eq "exit ($(tail -3 "$T/err"))" "$rc" 0
	grep -qvE '^198\.18\.[0-9]+\.[0-9]+$' "$T/zscan.txt" && fail "not an address a line: $(grep -vE '^198\.18\.[0-9]+\.[0-9]+$' "$T/zscan.txt" | head -1)"
	expect_eq "each host once" "$(sort "$T/zscan.txt" | uniq -d)" ""
	cmp -s <(sorted "$T/zscan.txt") <(sorted "$LAB_DIR/live.txt") || fail "zscan != live: $(comm -3 <(sorted "$T/zscan.txt") <(sorted "$LAB_DIR/live.txt") | head -3)"
	cmp -s <(sorted "$T/zscan.txt") <(sorted "$T/zmap.txt") || fail "zscan != zmap: $(comm -3 <(sorted "$T/zscan.txt") <(sorted "$T/zmap.txt") | head -3)"
	# two ports, of which 198.18.17.0/24 has only 80 open
	rc=0
	in_scan "$ZS_BIN/zscan" -p 80,443 -q -b "$T/link.block" -c 1 198.18.16.0/22 198.18.64.0/26 >"$T/pairs.txt" 2>"$T/err" || rc=$?
	expect_eq "exit, two ports ($(cat "$T/err"))" "$rc" 0
	expect_eq "each pair once" "$(sort "$T/pairs.txt" | uniq -d)" ""
	cmp -s <(sorted "$T/pairs.txt") "$LAB_DIR/open_pairs.txt" || fail "pairs != open pairs: $(comm -3 <(sorted "$T/pairs.txt") "$LAB_DIR/open_pairs.txt" | head -3)"
	echo "  $(wc -l <"$T/zscan.txt") hosts as zmap prints them; $(wc -l <"$T/pairs.txt") open (host, port) pairs on two ports"
}

# Beyond ZMap: both families in one zscan, as the stages take them.
test_frontdoor_both_families() {
	LAB_LIVE="198.18.16.0/24:30 2001:2:0:10::/120:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local rc=0
	in_scan "$ZS_BIN/zscan" -p 80 -q -c 1 -b "$T/link.block" 198.18.16.0/24 2001:2:0:10::/120 >"$T/hosts" 2>"$T/err" || rc=$?
	expect_eq "exit ($(cat "$T/err"))" "$rc" 0
	cmp -s <(sorted "$T/hosts") <(sorted "$LAB_DIR/live.txt") || fail "hosts != live: $(comm -3 <(sorted "$T/hosts") <(sorted "$LAB_DIR/live.txt") | head -3)"
	echo "  $(grep -c : "$T/hosts") IPv6 and $(grep -vc : "$T/hosts") IPv4 hosts"
}

# The issue's example, `zscan -p 443 -n 1% -o hosts.csv`, kept inside the
# lab by an allowlist; a seed makes the 1% sample one zgen can list.
test_frontdoor_issue_example_with_o() {
	LAB_LIVE="198.18.64.0/18:20" LAB_TCP_PORTS="443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	echo 198.18.64.0/18 >"$T/lab.txt"
	printf 'an older, longer file that the scan replaces\n%.0s' $(seq 1000) >"$T/hosts.csv"
	local rc=0
	in_scan "$ZS_BIN/zscan" -p 443 -n 1% -o "$T/hosts.csv" -w "$T/lab.txt" -b "$T/link.block" -e 5 -c 1 -q >"$T/stdout" 2>"$T/err" || rc=$?
	expect_eq "exit ($(cat "$T/err"))" "$rc" 0
	expect_eq "stdout" "$(cat "$T/stdout")" ""
	"$ZS_BIN/zgen" -p 443 -n 1% -w "$T/lab.txt" -b "$T/link.block" -e 5 | cut -d, -f1 | sorted >"$T/sample"
	expect_eq "the sample" "$(wc -l <"$T/sample")" 163
	comm -12 "$T/sample" <(sorted "$LAB_DIR/live.txt") >"$T/want"
	cmp -s <(sorted "$T/hosts.csv") "$T/want" || fail "hosts.csv != live hosts of the sample: $(comm -3 <(sorted "$T/hosts.csv") "$T/want" | head -3)"
	# -O json: zrecv writes -o itself, every answer, ZMap's one field
	rc=0
	in_scan "$ZS_BIN/zscan" -p 443 -n 1% -o "$T/hosts.json" -O json -w "$T/lab.txt" -b "$T/link.block" -e 5 -c 1 -q 2>"$T/err" || rc=$?
	expect_eq "exit, -O json ($(cat "$T/err"))" "$rc" 0
	expect_eq "JSON lines" "$(sorted "$T/hosts.json" | tr -d '\n')" "$(sed 's/.*/{"saddr":"&"}/' "$T/want" | tr -d '\n')"
	echo "  1% of 16384: 163 targets, $(wc -l <"$T/want") live hosts in hosts.csv"
}

# -f and --output-filter leave ZMap's default mode as ZMap's do: a header
# row and every answer (a closed port's RSTs too), or those the filter
# keeps, in CSV or JSON.
test_frontdoor_fields_and_filters() {
	LAB_LIVE="198.18.16.0/24:30" LAB_TCP_PORTS="80" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local live rc=0
	live=$(wc -l <"$LAB_DIR/live.txt")
	in_scan "$ZS_BIN/zscan" -p 80,81 -q -c 1 -b "$T/link.block" -f saddr,sport,classification,success 198.18.16.0/24 >"$T/all.csv" 2>"$T/err" || rc=$?
	expect_eq "exit ($(cat "$T/err"))" "$rc" 0
	expect_eq "header" "$(head -1 "$T/all.csv")" "saddr,sport,classification,success"
	expect_eq "SYN-ACKs" "$(grep -c ',80,synack,1$' "$T/all.csv")" "$live"
	expect_eq "RSTs" "$(grep -c ',81,rst,0$' "$T/all.csv")" "$live"
	expect_eq "rows" "$(($(wc -l <"$T/all.csv") - 1))" $((2 * live))
	# the RSTs alone, by ZMap's filter syntax, with the default fields of two ports
	rc=0
	in_scan "$ZS_BIN/zscan" -p 80,81 -q -c 1 -b "$T/link.block" --output-filter 'classification = rst && repeat = 0' 198.18.16.0/24 >"$T/rst.csv" 2>"$T/err" || rc=$?
	expect_eq "exit, filter ($(cat "$T/err"))" "$rc" 0
	expect_eq "filtered" "$(tail -n +2 "$T/rst.csv" | sorted | tr '\n' ' ')" "$(sed 's/$/,81/' "$LAB_DIR/live.txt" | sorted | tr '\n' ' ')"
	expect_eq "filtered header" "$(head -1 "$T/rst.csv")" "saddr,sport"
	# JSON keeps the types of zrecv's JSON
	rc=0
	in_scan "$ZS_BIN/zscan" -p 80 -q -c 1 -b "$T/link.block" -O json -f saddr,success,ttl --output-filter 'success = 1' 198.18.16.0/24 >"$T/up.json" 2>"$T/err" || rc=$?
	expect_eq "exit, JSON ($(cat "$T/err"))" "$rc" 0
	expect_eq "JSON rows" "$(grep -cE '^\{"saddr":"198\.18\.16\.[0-9]+","success":true,"ttl":[0-9]+\}$' "$T/up.json")" "$live"
	expect_eq "JSON hosts" "$(grep -o '198[.0-9]*' "$T/up.json" | sorted | tr '\n' ' ')" "$(sorted "$LAB_DIR/live.txt" | tr '\n' ' ')"
}

# -N stops the scan as ZMap's does; zrecv asks zsend to settle (exit 3).
# At -r 200 the 1024 targets take 5 s or more to send on any machine, and
# 30% of them answer: 20 are found long before the end.
test_frontdoor_max_results() {
	LAB_LIVE="198.18.16.0/22:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local rc=0
	in_scan "$ZS_BIN/zscan" -p 80 -N 20 -r 200 -c 1 -e 3 -b "$T/link.block" 198.18.16.0/22 >"$T/hosts" 2>"$T/err" || rc=$?
	expect_eq "exit ($(grep -v '^zrecv: [0-9]*s:' "$T/err"))" "$rc" 3
	grep -q "zrecv: -N 20 reached" "$T/err" || fail "no word of -N"
	grep -q "zsend: to continue: zgen --seed 3 --shards 1 --shard 0 --resume [0-9]*" "$T/err" || fail "no resume line"
	[ "$(wc -l <"$T/hosts")" -ge 20 ] || fail "$(wc -l <"$T/hosts") hosts, -N 20"
	expect_eq "hosts not live" "$(comm -23 <(sorted "$T/hosts") <(sorted "$LAB_DIR/live.txt"))" ""
	expect_eq "repeats" "$(sort "$T/hosts" | uniq -d)" ""
}

# zsend has sent something: zrecv's status line (each second) in FILE says so.
has_sent() { # FILE
	grep -qE '^zrecv: [0-9]+s: sent [1-9]' "$1"
}

# The stage processes zscan PID started (its children), one a line.
stages_of() {
	pgrep -P "$1" || true
}

# all_gone PID...: none of them runs (gone, or a zombie of no one)
all_gone() {
	local p
	for p in "$@"; do
		is_gone "$p" || return 1
	done
}

# Signals to zscan reach every stage: Ctrl-C (timeout -s INT) gives
# zsend's resume line, and the scan resumed from it with --resume finds
# every other live host; SIGTERM to zscan alone, and an INT to its whole
# process group, as a terminal's Ctrl-C, stop it the same way; SIGKILL of
# zscan leaves stages that end by themselves; a signal at once, before
# the stages are ready for it, still stops them with no stage killed.
test_frontdoor_signals_reach_every_stage() {
	LAB_LIVE="198.18.16.0/22:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local args="-p 80 -e 9 -r 200 -c 1 -b $T/link.block 198.18.16.0/22" rc=0 zpid kids n
	# timeout's INT comes within the 5 s of sending (or before it starts:
	# the resume then starts at 0)
	in_scan timeout -s INT --preserve-status 3 "$ZS_BIN/zscan" $args >"$T/part1" 2>"$T/err" || rc=$?
	expect_eq "exit, timeout -s INT ($(grep -v '^zrecv: [0-9]*s:' "$T/err"))" "$rc" 3
	n=$(sed -n 's/^zsend: to continue: zgen --seed 9 --shards 1 --shard 0 --resume \([0-9]*\).*/\1/p' "$T/err")
	[ -n "$n" ] || fail "no resume line: $(cat "$T/err")"
	grep -q "killed by signal" "$T/err" && fail "a stage was killed: $(grep 'killed by' "$T/err")"
	rc=0
	in_scan "$ZS_BIN/zscan" $args -q -r 10000 --resume "$n" >"$T/part2" 2>"$T/err2" || rc=$?
	expect_eq "exit, resumed ($(cat "$T/err2"))" "$rc" 0
	cmp -s <(sort -m <(sorted "$T/part1") <(sorted "$T/part2")) <(sorted "$LAB_DIR/live.txt") ||
		fail "the two parts != live: $(comm -3 <(sort -m <(sorted "$T/part1") <(sorted "$T/part2")) <(sorted "$LAB_DIR/live.txt") | head -3)"
	echo "  Ctrl-C after $n of 1024 targets; the resume found the other $(wc -l <"$T/part2") hosts"

	# SIGTERM to zscan alone, once zsend has sent
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zscan" $args >/dev/null 2>"$T/term.err" &
	zpid=$!
	wait_until 60 has_sent "$T/term.err"
	# zgen may have written all its lines and ended
	kids=$(stages_of $zpid)
	[ "$(echo "$kids" | wc -l)" -ge 3 ] || fail "stages: $kids"
	kill -TERM $zpid
	rc=0
	wait $zpid || rc=$?
	expect_eq "exit, SIGTERM" "$rc" 3
	grep -q "^zsend: to continue: zgen --seed 9" "$T/term.err" || fail "no resume line after SIGTERM"
	all_gone $kids || fail "stages left after zscan: $(ps -o pid,stat,args -p "$(echo $kids | tr ' ' ,)")"

	# an INT to the whole process group, as a terminal sends Ctrl-C
	ip netns exec "$LAB_SCAN" setsid "$ZS_BIN/zscan" $args >/dev/null 2>"$T/int.err" &
	zpid=$!
	wait_until 60 has_sent "$T/int.err"
	kids=$(stages_of $zpid)
	kill -INT -- "-$(ps -o pgid= -p $zpid | tr -d ' ')"
	rc=0
	wait $zpid || rc=$?
	expect_eq "exit, Ctrl-C to the group" "$rc" 3
	grep -q "^zsend: to continue: zgen --seed 9" "$T/int.err" || fail "no resume line after Ctrl-C"
	all_gone $kids || fail "stages left after zscan"

	# SIGKILL: zscan can pass nothing on; zgen gets SIGTERM from the
	# kernel, and the rest end after it
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zscan" $args >/dev/null 2>"$T/kill.err" &
	zpid=$!
	wait_until 60 has_sent "$T/kill.err"
	kids=$(stages_of $zpid)
	kill -KILL $zpid
	wait $zpid || true
	wait_until 120 all_gone $kids

	# a signal as soon as zscan has started its first stage, while the
	# stages are still getting ready for it: each gets it once it catches
	# it, and none is killed by it
	has_stages() { [ -n "$(stages_of "$1")" ]; }
	for sig in INT TERM HUP; do
		ip netns exec "$LAB_SCAN" "$ZS_BIN/zscan" $args -q >/dev/null 2>"$T/$sig.err" &
		zpid=$!
		wait_until 60 has_stages $zpid
		kill -$sig $zpid
		rc=0
		wait $zpid || rc=$?
		expect_eq "exit, SIG$sig at once ($(cat "$T/$sig.err"))" "$rc" 3
		# so early, zsend may not have read zgen's header (its seed) yet
		grep -q "^zsend: interrupted" "$T/$sig.err" || fail "zsend was not stopped by SIG$sig at once"
		expect_eq "stages left after SIG$sig at once" "$(pgrep -f -- "-b $T/link.block" || true)" ""
	done
	expect_eq "handover files left" "$(handover_files)" ""
}

# A configuration file in ZMap's form (-C, as each stage reads it): its
# lines for zscan's options, by ZMap's names, shape the pipeline as the
# same flags would, and every stage is given the same file. The scan it
# sets up finds the live hosts.
test_frontdoor_config_file_sets_up_the_scan() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	cat >"$T/zscan.conf" <<CONF
# as a zmap.conf would say it
target-ports 80
blocklist-file $T/link.block
cooldown-time 1
rate 20000
quiet
CONF
	chmod 600 "$T/zscan.conf"
	local c=$T/zscan.conf rc=0
	expect_eq "explained" "$(explained -C "$c" 198.18.16.0/24)" \
		"@/zgen -C $c --header -p 80 -b $T/link.block 198.18.16.0/24 | @/zsend -C $c -b $T/link.block -r 20000 -q | @/zrecv -C $c -c 1 -q | @/zfilter -C $c -q"
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zscan" -C "$c" 198.18.16.0/24 >"$T/hosts" 2>"$T/err" || rc=$?
	expect_eq "exit ($(cat "$T/err"))" "$rc" 0
	expect_eq "stderr (quiet)" "$(cat "$T/err")" ""
	cmp -s <(sorted "$T/hosts") <(sorted "$LAB_DIR/live.txt") || fail "hosts != live"
	# the command line wins over the file (its lines come first, and a
	# flag given drops them); an output line in the file leaves ZMap's
	# default mode as the flag does
	echo "output-module json" >>"$c"
	expect_eq "the file's -O" "$(explained -C "$c" -p 81 198.18.16.0/24 | sed 's/ -C [^ ]*//g')" \
		"@/zgen --header -b $T/link.block -p 81 198.18.16.0/24 | @/zsend -b $T/link.block -r 20000 -q | @/zrecv -c 1 -q -f saddr -O json"
	# a fault in the file is found before anything runs
	echo "explain" >"$T/bad.conf"
	chmod 600 "$T/bad.conf"
	expect_error "^zscan: $T/bad.conf:1: explain: explain is for the command line$" "$ZS_BIN/zscan" -C "$T/bad.conf" -p 80
	echo "rate-limit 5" >"$T/bad.conf"
	expect_error "^zscan: $T/bad.conf:1: unknown option 'rate-limit'" "$ZS_BIN/zscan" -C "$T/bad.conf" -p 80
}

# README's way in for ZMap users, as a new user types it: the --explain
# line prints the pipeline the README shows under it (the tools installed
# in /usr/local/bin there, $ZS_BIN here). The other line scans the
# Internet and is never run.
test_frontdoor_readme_explain_line() {
	local block cmd want
	block=$(awk '/^A ZMap user.s command line runs as it is/ {on = 1} on && /^```sh/ {c = 1; next} c && /^```/ {exit} c' README.md)
	cmd=$(echo "$block" | grep -- '--explain' | sed 's/ *#.*//')
	want=$(echo "$block" | sed -n 's|^# /usr/local/bin/|/usr/local/bin/|p')
	[ -n "$cmd" ] && [ -n "$want" ] || fail "no --explain example in README: $block"
	expect_eq "README's zscan --explain" "$(cd "$T" && PATH="$ZS_BIN:$PATH" bash -c "$cmd")" "${want//\/usr\/local\/bin/$ZS_BIN}"
	[ ! -e "$T/hosts.csv" ] || fail "--explain wrote hosts.csv"
}
