# The threaded tools with one thread and with two give the same output, and
# tests/run runs these tests once more on a ThreadSanitizer build (which
# exits 66 at the first data race it sees).

# No sanitizer report in FILE (a race also shows in the exit status).
no_race_report() { # FILE
	! grep -q -e 'ThreadSanitizer' -e 'runtime error' -e 'AddressSanitizer' "$1" ||
		fail "sanitizer report: $(grep -m3 -e 'WARNING' -e 'ERROR' -e 'runtime error' "$1")"
}

test_threads_zfilter_agrees_with_one_thread() {
	result_rows 11 150000 30000 >"$T/rows.csv"
	# JSON lines whose names move every third line
	awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) h[i] = $i; next}
	{ s = "{"; for (i = 1; i <= NF; i++) { j = NR % 3 ? i : NF + 1 - i; v = $j
	    if (h[j] == "saddr" || h[j] == "classification") v = "\"" v "\""
	    s = s (i > 1 ? "," : "") "\"" h[j] "\":" v }
	  print s "}" }' "$T/rows.csv" >"$T/rows.json"
	local n=0 opts input
	for input in rows.csv rows.json; do
		while IFS= read -r opts; do
			n=$((n + 1))
			odd_writes "$T/$input" $n | eval "'$ZS_BIN/zfilter' -T 1 $opts" >"$T/one" 2>"$T/one.err" || true
			odd_writes "$T/$input" $n | eval "'$ZS_BIN/zfilter' -T 2 $opts" >"$T/two" 2>"$T/two.err" || true
			no_race_report "$T/two.err"
			[ -s "$T/one" ] || fail "$input $opts: no output"
			cmp -s "$T/one" "$T/two" || fail "$input $opts: -T 2 differs from -T 1: $(diff "$T/one" "$T/two" | head -3)"
			cmp -s "$T/one.err" "$T/two.err" || fail "$input $opts: stderr differs: $(diff "$T/one.err" "$T/two.err" | head -3)"
		done <<'OPTS'
-a
-f saddr,sport
-f saddr,sport,ttl,classification,success -u saddr
-u saddr -f '*' -O json
--where 'ttl > 128' -f saddr,ttl -O csv
OPTS
	done
	echo "  $n option sets x input formats: -T 2 prints what -T 1 prints"
}

test_threads_zgen_agrees_with_one_thread() {
	"$ZS_BIN/zgen" -T 1 -b /dev/null -p 1-20 -e 5 198.18.0.0/20 | sorted >"$T/one"
	"$ZS_BIN/zgen" -T 2 -b /dev/null -p 1-20 -e 5 198.18.0.0/20 2>"$T/two.err" | sorted >"$T/two"
	no_race_report "$T/two.err"
	expect_eq "targets" "$(wc -l <"$T/one")" $((4096 * 20))
	cmp -s "$T/one" "$T/two" || fail "-T 2 targets differ from -T 1"
}

test_threads_scan_pipeline_finds_the_live_hosts() {
	LAB_LIVE="198.18.16.0/21:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	in_scan bash -c "'$ZS_BIN/zgen' -p 80 -b '$T/link.block' 198.18.16.0/21 |
		'$ZS_BIN/zsend' -T 2 -r 20000 -b /dev/null -q 2>'$T/zsend.err' |
		'$ZS_BIN/zrecv' -q -c 1 2>'$T/zrecv.err' | '$ZS_BIN/zfilter' -T 2 2>'$T/zfilter.err'" |
		sorted >"$T/found"
	for f in zsend zrecv zfilter; do no_race_report "$T/$f.err"; done
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") ||
		fail "found $(wc -l <"$T/found") hosts, the lab has $(wc -l <"$LAB_DIR/live.txt")"
	echo "  zsend -T 2 and zfilter -T 2 found all $(wc -l <"$T/found") live hosts"
}
