# Scans across machines: the shards of one scan (zgen --seed --shards
# --shard) and zrecv/zscan-merge, which merges their --metadata. Here the
# shards are real lab scans in one scanner namespace, and their metadata is
# merged, refused or reported incomplete as zscan-merge(1) says; the
# README's GNU parallel command over ssh is in test_multihost_parallel_*.

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

	# a shard whose zsend failed (an interface that does not exist)
	expect_eq "failed shard" "$(ZSEND_ARGS="-i zsnone" shard_scan bad1 "$space --shards 3 --shard 1")" 1
	# (zrecv never learnt its shard: zgen's header never reached it)
	expect_eq "failed: merge exit" "$(merge "$T/r0.json" "$T/bad1.json" "$T/r2.json")" 1
	expect_eq "failed: complete" "$(json "$m" complete)" false
	expect_eq "failed: shards_missing" "$(json "$m" shards_missing)" "[1]"
	expect_eq "failed: probes of the others" "$(json "$m" probes_sent)" "$(sum probes_sent "$T/r0.json" "$T/r2.json")"
	grep -q '^zscan-merge: the scan is incomplete: shard 1 of 3 missing; .*/bad1\.json: failed (zrecv failed) before it knew its shard$' \
		"$T/merge.err" || fail "failed: stderr: $(cat "$T/merge.err")"
	expect_error '^zscan-merge: .*/bad1\.json: failed \(zrecv failed\) before it knew its shard, as did every file given$' \
		"$ZSCAN_MERGE" "$T/bad1.json"

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
	expect_eq "refused: no temporary file left" "$(ls -A "$T" | grep -c '^\.zscan-merge' || true)" 0
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
}
