# Scans across machines: the shards of one scan (zgen --seed --shards
# --shard) and zrecv/zscan-merge, which merges their --metadata. Here the
# shards are real lab scans in one scanner namespace, and their metadata is
# merged, refused or reported incomplete as zscan-merge(1) says; the
# README's GNU parallel command over ssh runs on the lab's scanner hosts
# (tests/lab_hosts.sh) in test_multihost_parallel_*.

ZSCAN_MERGE=$PWD/zrecv/zscan-merge

# shard_scan NAME ZGEN-ARGS...: one shard's pipeline in the scanner
# namespace, zrecv's metadata to $T/NAME.json, zsend's to $T/NAME.s.json,
# results to $T/NAME.csv; env CUT: keep only the first CUT lines of zgen's
# output (its header included), a shard stopped short. Prints zrecv's exit.
shard_scan() {
	local name=$1 rc=0
	shift
	local cut=cat
	[ -z "${CUT:-}" ] || cut="head -n $CUT"
	in_scan bash -c "'$ZS_BIN/zgen' --header -b '$T/link.block' $* | $cut |
		'$ZS_BIN/zsend' -q -b /dev/null ${ZSEND_ARGS:-} --metadata '$T/$name.s.json' |
		'$ZS_BIN/zrecv' -q -c 1 --metadata '$T/$name.json' >'$T/$name.csv'" || rc=$?
	echo "$rc"
}

# merge ARGS...: zscan-merge's JSON (stdout) to $T/merged.json, its stderr
# to $T/merge.err; prints its exit status
merge() {
	local rc=0
	"$ZSCAN_MERGE" "$@" >"$T/merged.json" 2>"$T/merge.err" || rc=$?
	echo "$rc"
}

# sum KEY FILE...: the sum of KEY over the JSON files
sum() {
	local key=$1 s=0 f
	shift
	for f in "$@"; do s=$((s + $(json "$f" "$key"))); done
	echo "$s"
}

test_multihost_merge_sums_refuses_and_reports_missing() {
	release_build_only && return 0
	LAB_LIVE="198.18.16.0/22:10 2001:2:0:10::/120:30" LAB_TCP_PORTS="80 443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local space="--seed 7 -p 80,443 198.18.16.0/22 2001:2:0:10::/120" i
	for i in 0 1 2; do
		expect_eq "shard $i" "$(ZSEND_ARGS="-r 3000" shard_scan "r$i" "$space --shards 3 --shard $i")" 0
	done
	local all=("$T/r0.json" "$T/r1.json" "$T/r2.json") total
	total=$("$ZS_BIN/zgen" -b "$T/link.block" $space | wc -l)

	# the whole scan: counts summed, times spanned, complete
	expect_eq "merge exit" "$(merge "$T/r2.json" "$T/r0.json" "$T/r1.json")" 0
	expect_eq "merge stderr" "$(cat "$T/merge.err")" ""
	local m=$T/merged.json k
	for k in probes_sent successes targets_up responses_validated pcap_drops interface_drops consumed; do
		expect_eq "merged $k" "$(json "$m" "$k")" "$(sum "$k" "${all[@]}")"
	done
	expect_eq "probes sent: every target" "$(json "$m" probes_sent)" "$total"
	expect_eq "targets up: the lab's open pairs" "$(json "$m" targets_up)" "$(wc -l <"$LAB_DIR/open_pairs.txt")"
	expect_eq "complete" "$(json "$m" complete)" true
	expect_eq "exit_status" "$(json "$m" exit_status)" 0
	expect_eq "seed, shards" "$(json "$m" seed),$(json "$m" shards)" 7,3
	expect_eq "shards merged" "$(json "$m" shards_merged)" "[0, 1, 2]"
	expect_eq "shards missing" "$(json "$m" shards_missing)" "[]"
	python3 - "$m" "${all[@]}" <<'PY' || fail "times or hit rate"
import json, sys
m = json.load(open(sys.argv[1]))
s = [json.load(open(f)) for f in sys.argv[2:]]
assert m["start_time"] == min(x["start_time"] for x in s), "start"
assert m["end_time"] == max(x["end_time"] for x in s), "end"
assert m["duration_s"] == max(x["duration_s"] for x in s), "duration"
want = 100.0 * m["targets_up"] / m["probes_sent"]
assert abs(m["hit_rate_pct"] - want) < 1e-4 * want, (m["hit_rate_pct"], want)
assert "shard" not in m and "resume" not in m
PY
	# zscan-db's reader finds the module in the merged file, as in zrecv's
	grep -q '"module":"tcp_syn"' "$m" || fail "merged: compact module field: $(head -c 200 "$m")"
	# zsend's metadata merges too: each shard sends at its own -r
	expect_eq "zsend merge" "$(merge "$T/r0.s.json" "$T/r1.s.json" "$T/r2.s.json")" 0
	expect_eq "zsend: the rate of the three" "$(json "$m" rate)" 9000
	expect_eq "zsend: probes" "$(json "$m" probes_sent)" "$total"

	# a shard missing: merged, reported, exit 3, with -o written whole
	local rc=0
	"$ZSCAN_MERGE" -o "$T/part.json" "$T/r0.json" "$T/r2.json" 2>"$T/merge.err" || rc=$?
	expect_eq "missing: exit" "$rc" 3
	expect_eq "missing: one line" "$(cat "$T/merge.err")" \
		"zscan-merge: the scan is incomplete: shard 1 of 3 missing"
	expect_eq "missing: complete" "$(json "$T/part.json" complete)" false
	expect_eq "missing: shards_missing" "$(json "$T/part.json" shards_missing)" "[1]"
	expect_eq "missing: probes" "$(json "$T/part.json" probes_sent)" "$(sum probes_sent "$T/r0.json" "$T/r2.json")"
	expect_eq "two missing" "$(merge "$T/r1.json")" 3
	expect_eq "two missing: stderr" "$(cat "$T/merge.err")" \
		"zscan-merge: the scan is incomplete: shards 0,2 of 3 missing"

	# a shard stopped short (its input cut: zsend exits 3, zrecv too)
	expect_eq "cut shard" "$(CUT=40 shard_scan cut1 "$space --shards 3 --shard 1")" 3
	expect_eq "cut: merge exit" "$(merge "$T/r0.json" "$T/cut1.json" "$T/r2.json")" 3
	expect_eq "cut: incomplete" "$(json "$m" shards_incomplete)" "[1]"
	grep -q '^zscan-merge: the scan is incomplete: shard 1: zsend.s input was cut short (to continue: zgen --seed 7 --shards 3 --shard 1 --resume 39)$' "$T/merge.err" ||
		fail "cut: the reason names the shard and its resume point: $(cat "$T/merge.err")"

	# resumed as zscan-merge says, the two parts are the shard, whole
	expect_eq "resumed part" "$(shard_scan res1 "$space --shards 3 --shard 1 --resume 39")" 0
	expect_eq "cut and resumed: merge exit" "$(merge "$T/r0.json" "$T/res1.json" "$T/cut1.json" "$T/r2.json")" 0
	expect_eq "cut and resumed: probes, every target once" "$(json "$m" probes_sent)" "$total"
	expect_eq "cut and resumed: targets up" "$(json "$m" targets_up)" "$(wc -l <"$LAB_DIR/open_pairs.txt")"
	expect_eq "cut and resumed: shards" "$(json "$m" shards_merged),$(json "$m" complete)" "[0, 1, 2],true"
	# zsend's: zgen's count of a shard's targets is the shard's, once,
	# though the shard came in two parts
	expect_eq "zsend's, cut and resumed: merge exit" \
		"$(merge "$T/r0.s.json" "$T/res1.s.json" "$T/cut1.s.json" "$T/r2.s.json")" 0
	expect_eq "zsend's, cut and resumed: zgen_targets" "$(json "$m" zgen_targets)" "$total"
	# the resumed part alone, or resumed past the cut: a gap
	expect_eq "resumed part alone" "$(merge "$T/r0.json" "$T/res1.json" "$T/r2.json")" 3
	expect_eq "resumed part alone: stderr" "$(cat "$T/merge.err")" \
		"zscan-merge: the scan is incomplete: shard 1: positions 0 to 39 never scanned (run the shard again)"
	shard_scan res50 "$space --shards 3 --shard 1 --resume 50" >/dev/null
	expect_eq "a gap" "$(merge "$T/r0.json" "$T/cut1.json" "$T/res50.json" "$T/r2.json")" 3
	expect_eq "a gap: stderr" "$(cat "$T/merge.err")" \
		"zscan-merge: the scan is incomplete: shard 1: positions 39 to 50 never scanned (run the shard again)"
	expect_eq "a gap: incomplete" "$(json "$m" shards_incomplete)" "[1]"

	# a shard whose zsend failed (an interface that does not exist)
	expect_eq "failed shard" "$(ZSEND_ARGS="-i zsnone" shard_scan bad1 "$space --shards 3 --shard 1")" 1
	# (zrecv never learnt its shard: zgen's header never reached it)
	expect_eq "failed: merge exit" "$(merge "$T/r0.json" "$T/bad1.json" "$T/r2.json")" 1
	expect_eq "failed: complete" "$(json "$m" complete)" false
	expect_eq "failed: shards_missing" "$(json "$m" shards_missing)" "[1]"
	expect_eq "failed: probes of the others" "$(json "$m" probes_sent)" "$(sum probes_sent "$T/r0.json" "$T/r2.json")"
	grep -q '^zscan-merge: the scan is incomplete: shard 1 of 3 missing; .*/bad1\.json: failed (zrecv failed) before it knew its shard$' \
		"$T/merge.err" || fail "failed: stderr: $(cat "$T/merge.err")"
	expect_error "^zscan-merge: no shard's metadata among the files: .*/bad1\.json: failed \(zrecv failed\) before it knew its shard$" \
		"$ZSCAN_MERGE" "$T/bad1.json"
	# an empty file: a shard killed before it wrote its metadata
	: >"$T/killed2.json"
	expect_eq "killed: merge exit" "$(merge "$T/r0.json" "$T/r1.json" "$T/killed2.json")" 1
	expect_eq "killed: stderr" "$(sed "s|$T/||g" "$T/merge.err")" \
		"zscan-merge: the scan is incomplete: shard 2 of 3 missing; killed2.json: empty: its zrecv or zsend was killed before it wrote it"

	# refused, nothing written: another scan's shard (seed, shard count),
	# a shard twice, zsend's beside zrecv's, a scan without zgen's header
	shard_scan seed8 "--seed 8 -p 80,443 198.18.16.0/22 2001:2:0:10::/120 --shards 3 --shard 1" >/dev/null
	shard_scan half "$space --shards 2 --shard 1" >/dev/null
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link.block' $space --shards 3 --shard 1 |
		'$ZS_BIN/zsend' -q -b /dev/null | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/nohdr.json' >/dev/null"
	echo previous >"$T/out.json"
	local o=(-o "$T/out.json")
	expect_error '^zscan-merge: .*/seed8\.json: seed 8, not 7 as in .*/r0\.json: shards of different scans$' \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/seed8.json" "$T/r2.json"
	expect_error '^zscan-merge: .*/half\.json: shards 2, not 3 as in .*/r0\.json: shards of different scans$' \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/half.json"
	expect_error '^zscan-merge: .*/r1\.json: shard 1 again \(also in .*/r1\.json\)$' \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/r1.json" "$T/r1.json" "$T/r2.json"
	cp "$T/r1.json" "$T/r1copy.json"
	expect_error '^zscan-merge: .*/r1copy\.json: shard 1 again' \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/r1.json" "$T/r1copy.json" "$T/r2.json"
	expect_error "^zscan-merge: .*/r1\.s\.json: zsend's metadata, not zrecv's as in .*/r0\.json" \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/r1.s.json"
	expect_error '^zscan-merge: .*/nohdr\.json: no seed: not the metadata of a shard \(give zgen --header' \
		"$ZSCAN_MERGE" "${o[@]}" "$T/r0.json" "$T/nohdr.json"
	expect_eq "refused: -o untouched" "$(cat "$T/out.json")" previous
	expect_eq "refused: no temporary file left" "$(find "$T" -maxdepth 1 -name '.zscan-merge*' | wc -l)" 0
}

# Bad input a hostile or careless user gives: not JSON, the wrong JSON,
# wrong types, a huge file, a FIFO, invisible bytes in a name; usage errors.
test_multihost_merge_bad_input() {
	local z=$ZSCAN_MERGE
	expect_error '^zscan-merge: no shard metadata given \(usage: zscan-merge ' "$z"
	expect_error "^zscan-merge: unknown option '-x'" "$z" -x "$T/a.json"
	expect_error "^zscan-merge: option '-o' needs a value" "$z" -o
	local rc=0
	"$z" -x >/dev/null 2>&1 || rc=$?
	expect_eq "usage: exit" "$rc" 2
	"$z" --help | grep -q '^usage: zscan-merge \[-o MERGED.json\] SHARD.json' || fail "--help"
	expect_error '^zscan-merge: .*/none\.json: No such file or directory$' "$z" "$T/none.json"
	echo 'not json' >"$T/text.json"
	expect_error '^zscan-merge: .*/text\.json: not JSON: ' "$z" "$T/text.json"
	echo '[1, 2]' >"$T/list.json"
	expect_error '^zscan-merge: .*/list\.json: not the --metadata of zrecv or zsend$' "$z" "$T/list.json"
	local good='"tool":"zrecv","module":"tcp_syn","seed":1,"shards":2,"shard":0'
	echo "{$good,\"probes_sent\":\"12\"}" >"$T/type.json"
	expect_error '^zscan-merge: .*/type\.json: probes_sent: "12" is not a count$' "$z" "$T/type.json"
	echo "{$good,\"probes_sent\":-1}" >"$T/neg.json"
	expect_error '^zscan-merge: .*/neg\.json: probes_sent: -1 is not a count$' "$z" "$T/neg.json"
	echo "{$good,\"duration_s\":NaN}" >"$T/nan.json"
	expect_error '^zscan-merge: .*/nan\.json: not JSON: NaN is not a JSON number' "$z" "$T/nan.json"
	echo "{$good,\"targets_up\":1,\"targets_up\":9}" >"$T/dup.json"
	expect_error '^zscan-merge: .*/dup\.json: not JSON: the key "targets_up" twice' "$z" "$T/dup.json"
	echo '{"tool":"zrecv","module":"tcp_syn","seed":1,"shards":2,"shard":2}' >"$T/range.json"
	expect_error '^zscan-merge: .*/range\.json: shard 2 of 2 does not exist$' "$z" "$T/range.json"
	head -c 2000000 /dev/zero >"$T/big.json"
	expect_error '^zscan-merge: .*/big\.json: over 1048576 bytes' "$z" "$T/big.json"
	expect_error '^zscan-merge: .*/: not a regular file$' "$z" "$T/"
	expect_error '^zscan-merge: /dev/zero: not a regular file$' "$z" /dev/zero
	local bad=$'\e[31mred\x01.json'
	echo x >"$T/$bad"
	expect_error '^zscan-merge: .*/\\x1b\[31mred\\x01\.json: not JSON' "$z" "$T/$bad"
	echo "{$good,\"duration_s\":1e400}" >"$T/inf.json"
	expect_error '^zscan-merge: .*/inf\.json: not JSON: 1e400 is out of a number.s range' "$z" "$T/inf.json"
	# a file that says complete with a failing status is not taken at its word
	local said='"tool":"zrecv","module":"tcp_syn","complete":true,"seed":1,"shards":1,"shard":0'
	expect_eq "complete, exit status 3" "$(merge <(echo "{$said,\"exit_status\":3}"))" 3
	# a pipe is read: metadata straight from ssh
	local two='"tool":"zrecv","module":"tcp_syn","complete":true,"exit_status":0,"seed":1,"shards":2'
	expect_eq "from pipes" "$(merge <(echo "{$two,\"shard\":0}") <(echo "{$two,\"shard\":1}"))" 0
	# a write error is one line and exit 1
	echo "{$good}" >"$T/ok.json"
	rc=0
	"$z" "$T/ok.json" >/dev/full 2>"$T/full.err" || rc=$?
	expect_eq "full: exit" "$rc" 1
	expect_eq "full: stderr" "$(cat "$T/full.err")" "zscan-merge: stdout: write error: No space left on device"
	expect_error '^zscan-merge: .*/nodir/m\.json: write error: No such file or directory$' \
		"$z" -o "$T/nodir/m.json" "$T/ok.json"
	# -o a device: written in place (a full one fails), never replaced by a file
	expect_error '^zscan-merge: /dev/full: write error: No space left on device$' "$z" -o /dev/full "$T/ok.json"
	[ -c /dev/full ] || fail "-o /dev/full replaced the device"
	"$z" -o /dev/stdout "$T/ok.json" >"$T/via-stdout.json" 2>/dev/null || true
	grep -q '"tool":"zrecv"' "$T/via-stdout.json" || fail "-o /dev/stdout: $(head -c 200 "$T/via-stdout.json")"
	[ -L /dev/stdout ] || fail "-o /dev/stdout replaced the link"
	# -o over a planted symlink replaces the link, never writes through it
	echo precious >"$T/precious"
	ln -s "$T/precious" "$T/link.json"
	rc=0
	"$z" -o "$T/link.json" <(echo "{$two,\"shard\":0}") <(echo "{$two,\"shard\":1}") || rc=$?
	expect_eq "-o over a symlink: exit" "$rc" 0
	expect_eq "-o over a symlink: its target" "$(cat "$T/precious")" precious
	[ -f "$T/link.json" ] && [ ! -L "$T/link.json" ] || fail "-o over a symlink: not replaced by the file"
}

# The README's command (section "GNU parallel over ssh") as written, with
# the lab's targets for its `-p 443 -n 1%`
readme_parallel_command() {
	local cmd
	cmd=$(awk '/^### GNU parallel over ssh/ {s = 1} s && /^```sh/ {c = 1; next} c && /^```/ {exit} c' README.md)
	[[ $cmd == *"parallel --hgrp -S @0/1/host1,@1/1/host2,@2/1/host3 "* && $cmd == *"-p 443 -n 1%"* ]] ||
		fail "README: no parallel command with -p 443 -n 1% under 'GNU parallel over ssh': $cmd"
	echo "${cmd//-p 443 -n 1%/$LAB_TARGETS}"
}

# Three scanner hosts with sshd and a controller (tests/lab_hosts.sh), the
# tools under test on the hosts' PATH and the controller's, the lab-only
# blocklist as the installed one everywhere.
hosts_lab_up() {
	LAB_LIVE="198.18.16.0/22:10 2001:2:0:10::/120:30" LAB_TCP_PORTS="80 443" scan_lab_up
	source tests/lab_hosts.sh
	trap 'lab_hosts_down; lab_down' EXIT
	mkdir -p "$T/path" "$T/ctl"
	ln -sf "$ZS_BIN"/zgen "$ZS_BIN"/zsend "$ZS_BIN"/zrecv "$ZS_BIN"/zfilter "$ZSCAN_MERGE" "$T/path/"
	LAB_HOSTS_PATH=$T/path:/usr/sbin:/usr/bin:/sbin:/bin lab_hosts_up 3 "$T/hosts"
	LAB_TARGETS="-p 80,443 198.18.16.0/22 2001:2:0:10::/120"
	export ZSCAN_SYSCONFDIR=$T/hosts/etc
}

# run_readme DIR: the README's command in the controller, from DIR (made),
# its output in DIR.log; prints its exit status
run_readme() {
	local dir=$1 cmd rc=0
	cmd=$(readme_parallel_command)
	mkdir -p "$dir"
	(cd "$dir" && in_ctl env HOME="$T/ctl" PATH="$T/path:$PATH" PARALLEL_SSH="$LAB_SSH" \
		timeout 200 bash -c "$cmd") >"$dir.log" 2>&1 || rc=$?
	echo "$rc"
}

# the SYNs in a capture on the net namespace's links (any), as
# "SOURCE DESTINATION,PORT" lines, sorted
syns_by_source() { # PCAP
	tcpdump -r "$1" -n 2>/dev/null | awk '{
		for (i = 1; i < NF; i++) if ($i == "IP" || $i == "IP6") break
		s = $(i + 1); d = $(i + 3); sub(/:$/, "", d)
		sub(/\.[0-9]+$/, "", s); n = split(d, p, "."); port = p[n]; sub(/\.[0-9]+$/, "", d)
		print s, d "," port }' | sorted
}

# The README's command over ssh to three lab hosts: host I+1 runs shard I
# (its probes, counted on the net side, are exactly that shard's targets,
# from its own addresses), every target is probed once, the merged
# results are the lab's open pairs and what one host scanning the same
# space alone finds, and the merged metadata adds up to the shards' and to
# that scan's.
test_multihost_parallel_ssh_scan_equals_one_host() {
	release_build_only && return 0
	hosts_lab_up
	# each host has its own home: what the controller sees there came by ssh
	in_ctl $LAB_SSH host2 'pwd && echo here >marker' >"$T/pwd"
	expect_eq "host2's home" "$(cat "$T/pwd"),$(cat "$T/hosts/h2/marker")" "/root,here"
	rm "$T/hosts/h2/marker"
	[ ! -e /root/marker ] || fail "host2 wrote into the machine's /root"
	local i
	for i in 0 1 2; do
		"$ZS_BIN/zgen" --seed 42 --shards 3 --shard "$i" $LAB_TARGETS | sorted >"$T/shard$i"
	done
	"$ZS_BIN/zgen" --seed 42 $LAB_TARGETS | sorted >"$T/all_targets"
	grep -Eqv '^198\.18\.(16|17|18|19)\.|^2001:2:0:10::' "$T/all_targets" &&
		fail "a target outside the lab's live prefixes: $(grep -Ev '^198\.18\.(16|17|18|19)\.|^2001:2:0:10::' "$T/all_targets" | head -3)"

	start_capture "$LAB_NET" any "not port 22 and ((tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 18 == 2))"
	local rc
	rc=$(run_readme "$T/ctl/run")
	stop_capture "$(wc -l <"$T/all_targets")"
	expect_eq "the README's command: exit ($(tail -n 3 "$T/ctl/run.log" | tr '\n' ' '))" "$rc" 0
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"

	# on the net side: every target once, each host one whole shard
	syns_by_source "$T/cap.pcap" >"$T/syns"
	cut -d' ' -f2 "$T/syns" | sorted >"$T/probes"
	cmp -s "$T/probes" "$T/all_targets" ||
		fail "probes != each target once: $(comm -3 "$T/probes" "$T/all_targets" | head -3 | tr '\n' ' ')($(wc -l <"$T/probes") probes, $(wc -l <"$T/all_targets") targets)"
	local h
	for h in 1 2 3; do
		# a host's probes come from its IPv4 or its IPv6 address
		grep -E "^(198\.18\.2\.$((4 * h + 1))|2001:2:0:f00$h::1) " "$T/syns" | cut -d' ' -f2 | sorted >"$T/from$h"
		cmp -s "$T/from$h" "$T/shard$((h - 1))" ||
			fail "host$h's probes != shard $((h - 1))'s targets: $(comm -3 "$T/from$h" "$T/shard$((h - 1))" | head -3 | tr '\n' ' ')"
	done

	# the results: the lab's open pairs, each once
	local d=$T/ctl/run/scan42
	"$ZS_BIN/zfilter" -a -f saddr,sport <"$d/results.csv" | sorted >"$T/merged"
	expect_eq "repeats in results.csv" "$(uniq -d "$T/merged" | head -3)" ""
	cmp -s "$T/merged" "$LAB_DIR/open_pairs.txt" ||
		fail "merged != the lab's open pairs: $(comm -3 "$T/merged" "$LAB_DIR/open_pairs.txt" | head -3 | tr '\n' ' ')"
	expect_eq "results.csv: header" "$(head -n 1 "$d/results.csv")" "$(head -n 1 "$d/recv-0.csv")"
	# nothing left on the hosts
	expect_eq "files left in the hosts' homes" "$(find "$T"/hosts/h[123] -type f -name 'recv-*' | head -3)" ""

	# one host alone, the same space, unsharded
	in_scan env ZSCAN_SYSCONFDIR="$ZSCAN_SYSCONFDIR" bash -c "'$ZS_BIN/zgen' --header --seed 42 $LAB_TARGETS |
		'$ZS_BIN/zsend' -q -r 10000 | '$ZS_BIN/zrecv' -q -c 1 -o '$T/single.csv' --metadata '$T/single.json'"
	"$ZS_BIN/zfilter" -f saddr,sport <"$T/single.csv" | sorted >"$T/single"
	cmp -s "$T/merged" "$T/single" || fail "merged != one host's scan: $(comm -3 "$T/merged" "$T/single" | head -3)"

	# the metadata
	local m=$d/recv.json shards=("$d/recv-0.json" "$d/recv-1.json" "$d/recv-2.json") k
	expect_eq "merged: complete" "$(json "$m" complete),$(json "$m" shards_merged)" "true,[0, 1, 2]"
	for k in probes_sent successes targets_up responses_validated pcap_drops interface_drops; do
		expect_eq "merged $k: the shards' sum" "$(json "$m" "$k")" "$(sum "$k" "${shards[@]}")"
	done
	expect_eq "merged: probes sent, the targets" "$(json "$m" probes_sent)" "$(wc -l <"$T/all_targets")"
	for k in probes_sent targets_up; do
		expect_eq "merged $k: one host's" "$(json "$m" "$k")" "$(json "$T/single.json" "$k")"
	done
	expect_eq "merged: targets up, the open pairs" "$(json "$m" targets_up)" "$(wc -l <"$LAB_DIR/open_pairs.txt")"
	python3 - "$m" "${shards[@]}" <<'PY' || fail "merged duration or times"
import json, sys
m = json.load(open(sys.argv[1]))
s = [json.load(open(f)) for f in sys.argv[2:]]
assert m["duration_s"] == max(x["duration_s"] for x in s)
assert m["start_time"] == min(x["start_time"] for x in s) and m["end_time"] == max(x["end_time"] for x in s)
PY
	# the merged scan loads into a database as one scan
	ZRECV=$ZS_BIN/zrecv "$PWD/zrecv/zscan-db" sqlite "$T/scans.db" "$d/results.csv" "$m" >/dev/null ||
		fail "zscan-db: the merged scan"
	expect_eq "zscan-db: the scan's row, its results" \
		"$(sqlite3 "$T/scans.db" "SELECT seed, shards, sent, hits, complete FROM scans; SELECT count(*) FROM results_tcp_syn;" | tr '\n' ' ')" \
		"42|3|$(json "$m" probes_sent)|$(json "$m" targets_up)|1 $(wc -l <"$T/merged") "
	echo "  host1-3 sent exactly shards 0-2; $(wc -l <"$T/probes") probes, each target once;" \
		"$(wc -l <"$T/merged") open pairs, as the lab's and one host's alone"
}

# Nothing silently partial: a host whose sshd is gone, then a host whose
# zsend fails (no route to the targets): the README's command exits
# non-zero, zscan-merge names the missing or failed shard, and what came
# back is merged.
test_multihost_parallel_ssh_failures_are_reported() {
	release_build_only && return 0
	hosts_lab_up
	# host3 unreachable: sshd ended
	kill "${LAB_SSHD_PIDS[2]}"
	wait "${LAB_SSHD_PIDS[2]}" 2>/dev/null || true
	local rc d=$T/ctl/down/scan42
	rc=$(run_readme "$T/ctl/down")
	[ "$rc" != 0 ] || fail "host3 down: the command exited 0"
	grep -q '^zscan-merge: the scan is incomplete: shard 2 of 3 missing$' "$T/ctl/down.log" ||
		fail "host3 down: no missing shard reported: $(grep zscan-merge "$T/ctl/down.log")"
	expect_eq "host3 down: complete" "$(json "$d/recv.json" complete)" false
	expect_eq "host3 down: shards_missing" "$(json "$d/recv.json" shards_missing)" "[2]"
	expect_eq "host3 down: the shards back" "$(cd "$d" && echo recv-[0-2].json)" "recv-0.json recv-1.json"
	"$ZS_BIN/zfilter" -a -f saddr,sport <"$d/results.csv" | sorted >"$T/down"
	cat "$d"/recv-[0-2].csv | "$ZS_BIN/zfilter" -f saddr,sport | sorted >"$T/back"
	cmp -s "$T/down" "$T/back" || fail "host3 down: results.csv != the shards that came back"
	expect_eq "host3 down: probes" "$(json "$d/recv.json" probes_sent)" "$(sum probes_sent "$d"/recv-[0-2].json)"
	echo "  host3 down: exit $rc, shard 2 missing"

	# host3 back; host2 up, but its zsend finds no route to the targets
	lab_host_sshd 3
	lab_host_answers 3
	in_host 2 ip route add unreachable 198.18.16.0/22
	in_host 2 ip -6 route add unreachable 2001:2:0:10::/120
	d=$T/ctl/noroute/scan42
	rc=$(run_readme "$T/ctl/noroute")
	[ "$rc" != 0 ] || fail "host2's zsend failing: the command exited 0"
	grep -q "^zsend: " "$T/ctl/noroute.log" || fail "no zsend error: $(cat "$T/ctl/noroute.log")"
	grep -q '^zscan-merge: the scan is incomplete: shard 1 of 3 missing; recv-1\.json: failed (zrecv failed) before it knew its shard$' \
		"$T/ctl/noroute.log" || fail "host2 failing: $(grep zscan-merge "$T/ctl/noroute.log")"
	expect_eq "host2 failing: exit_status" "$(json "$d/recv.json" exit_status),$(json "$d/recv.json" complete)" "1,false"
	expect_eq "host2 failing: its shard's metadata came back" "$(json "$d/recv-1.json" exit_status)" 1
	expect_eq "host2 failing: the others merged, complete" \
		"$(json "$d/recv.json" shards_merged),$(json "$d/recv.json" shards_incomplete)" "[0, 2],[]"
	echo "  host2's zsend failing: exit $rc; $(grep '^zscan-merge' "$T/ctl/noroute.log")"
}

# tools_in NAMESPACE...: the zsend and zrecv processes running there
tools_in() {
	local ns pid
	for ns in "$@"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			case $(cat "/proc/$pid/comm" 2>/dev/null) in zsend | zrecv) echo "$ns:$pid" ;; esac
		done
	done
}
every_host_scans() { [ "$(tools_in "${LAB_HOSTS[@]}" | wc -l)" -ge 6 ]; }
no_tool_left() { [ -z "$(tools_in "${LAB_HOSTS[@]}" "$LAB_CTL")" ]; }

# A Ctrl-C to the README's command while every host scans (its -r turned
# down so that the scans outlast the signal): every host's zsend and zrecv
# end (GNU parallel ends the remote jobs as their ssh goes), and the
# command's status is not 0.
test_multihost_parallel_ssh_ctrl_c_stops_every_host() {
	release_build_only && return 0
	hosts_lab_up
	local cmd rc=0
	cmd=$(readme_parallel_command)
	[[ $cmd == *"zsend -r 10000 "* ]] || fail "README: the command's zsend -r 10000 is gone: $cmd"
	# 853 targets a host at 5/s: scans that would outlast the 60 s below
	cmd=${cmd//zsend -r 10000 /zsend -r 5 }
	mkdir -p "$T/ctl/int"
	# setsid: the command leads a process group of its own, as in a
	# terminal, and the INT goes to all of it, as a Ctrl-C does
	(cd "$T/ctl/int" && exec ip netns exec "$LAB_CTL" setsid env HOME="$T/ctl" PATH="$T/path:$PATH" \
		PARALLEL_SSH="$LAB_SSH" timeout 120 bash -c "$cmd") >"$T/ctl/int.log" 2>&1 &
	local pid=$!
	wait_until 60 every_host_scans
	kill -INT -- -"$pid"
	wait "$pid" || rc=$?
	[ "$rc" != 0 ] || fail "after a Ctrl-C the command exited 0"
	poll_until 60 no_tool_left || fail "60 s after a Ctrl-C, still running: $(tools_in "${LAB_HOSTS[@]}" "$LAB_CTL")"
	# whatever came back, the merge does not call it whole
	local m=$T/ctl/int/scan42/recv.json
	[ ! -e "$m" ] || expect_eq "after a Ctrl-C: complete" "$(json "$m" complete)" false
	echo "  Ctrl-C: exit $rc, every host's zsend and zrecv gone; $(grep -m 1 '^zscan-merge: ' "$T/ctl/int.log" || true)"
}
