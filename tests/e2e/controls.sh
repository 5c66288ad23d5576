# ZMap's daily scan controls: zrecv's -N and --min-hitrate stop zsend
# through the pipeline's own channel, as -t does; zsend settles an exact
# prefix, and resuming from the resume point finds the rest with every
# target probed once.

# ZGEN for one lab scan: 198.18.16.0/22 port 80, seed 7
controls_zgen() { # EXTRA-ZGEN-ARGS...
	echo "'$ZS_BIN/zgen' --header --seed 7 -b '$T/link' -p 80 $* 198.18.16.0/22"
}

test_controls_max_results_stops_and_resumes_exactly() {
	LAB_LIVE="198.18.16.0/22:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	local rc=0
	# the input's last 424 targets wait behind a FIFO until -N has been
	# reached, so that the stop lands before the end however fast the
	# machine (the first 600 hold about 180 live hosts)
	mkfifo "$T/gate"
	local feed="{ $(controls_zgen) | head -n 601; cat '$T/gate'; $(controls_zgen) | tail -n +602; }"
	in_scan bash -c "$feed | '$ZS_BIN/zsend' -q -b /dev/null -r 400 --metadata '$T/s1.json' | '$ZS_BIN/zrecv' -c 1 -N 40 --metadata '$T/r1.json'" \
		>"$T/p1.csv" 2>"$T/p1.err" &
	local scan=$!
	wait_until 120 grep -q "zrecv: -N 40 reached" "$T/p1.err"
	# the rest of the input, to a reader still there (opening and closing
	# the FIFO never blocks; one still to come gets a writer for 30 s)
	exec 3<>"$T/gate"
	exec 3>&-
	timeout 30 sh -c ": >'$T/gate'" 2>/dev/null &
	local gate=$!
	wait $scan || rc=$?
	kill "$gate" 2>/dev/null || true
	wait "$gate" 2>/dev/null || true
	expect_eq "part 1: exit ($(tr '\n' ' ' <"$T/p1.err"))" "$rc" 3
	expect_eq "limit" "$(json "$T/r1.json" limit_reached)" max_results
	grep -q "zrecv: -N 40 reached: receiving until zsend is done" "$T/p1.err" || fail "no word of -N: $(cat "$T/p1.err")"
	grep -q "the scan is incomplete: zsend was stopped (-N 40 reached); the answers are whole for the first [0-9]* input lines; to continue: zgen --seed 7 --shards 1 --shard 0 --resume [0-9]*" "$T/p1.err" ||
		fail "no resume point: $(cat "$T/p1.err")"
	local up resume
	up=$(python3 -c 'import csv,sys; print(len({r["saddr"] for r in csv.DictReader(open(sys.argv[1])) if r["success"] == "1"}))' "$T/p1.csv")
	[ "$up" -ge 40 ] || fail "$up targets up, -N 40"
	resume=$(json "$T/r1.json" resume)
	expect_eq "zrecv's resume point is zsend's" "$resume" "$(json "$T/s1.json" consumed)"
	rc=0
	in_scan bash -c "$(controls_zgen --resume "$resume") | '$ZS_BIN/zsend' -q -b /dev/null -r 2000 | '$ZS_BIN/zrecv' -q -c 1" \
		>"$T/p2.csv" 2>"$T/p2.err" || rc=$?
	expect_eq "part 2: exit ($(cat "$T/p2.err"))" "$rc" 0
	stop_capture
	cat "$T/p1.csv" "$T/p2.csv" | awk -F, '$1 != "saddr" && $11 == 1 {print $1}' | sorted -u >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "found != live ($(wc -l <"$T/found") of $(wc -l <"$LAB_DIR/live.txt"))"
	probes_in "$T/cap.pcap" >"$T/probes"
	expect_eq "probes on the net: each target once" "$(wc -l <"$T/probes")/$(sort -u "$T/probes" | wc -l)" "1024/1024"
	echo "  -N 40 stopped after $resume of 1024 targets with $up up; the resume found the rest"
}

test_controls_min_hitrate_aborts_a_dead_scan() {
	LAB_LIVE="198.18.16.0/30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	local rc=0 start=$SECONDS
	# 4,096 targets at 200 a second: the warm-up ends long before the scan
	in_scan bash -c "'$ZS_BIN/zgen' --header --seed 7 -b '$T/link' -p 80 198.18.16.0/20 | '$ZS_BIN/zsend' -q -b /dev/null -r 200 | '$ZS_BIN/zrecv' -c 1 --min-hitrate 5 --metadata '$T/r.json'" \
		>"$T/out.csv" 2>"$T/err" || rc=$?
	expect_eq "exit ($(tr '\n' ' ' <"$T/err"))" "$rc" 1
	expect_eq "limit" "$(json "$T/r.json" limit_reached)" min_hitrate
	grep -q "zrecv: hit rate 0.[0-9]*% below --min-hitrate 5%: receiving until zsend is done" "$T/err" || fail "no word of the hit rate: $(cat "$T/err")"
	grep -q "the scan is incomplete: zsend was stopped (hit rate .* below --min-hitrate 5%); the answers are whole for the first [0-9]* input lines; to continue: zgen --seed 7" "$T/err" ||
		fail "no resume point: $(cat "$T/err")"
	# not before the warm-up: 1,000 probes, 10 s
	[ "$(json "$T/r.json" probes_sent)" -ge 1000 ] || fail "judged after $(json "$T/r.json" probes_sent) probes"
	[ $((SECONDS - start)) -ge 10 ] || fail "judged after $((SECONDS - start)) s"
	[ "$(json "$T/r.json" probes_sent)" -lt 4096 ] || fail "the whole scan ran"
}

# --max-sendto-failures: the scanner's link goes down mid-scan, sends fail,
# and zsend stops once more than N failed (settling, exit 1, with its
# resume point) instead of failing every probe to the end.
test_controls_max_sendto_failures_stops_a_failing_scan() {
	LAB_LIVE="198.18.16.0/24" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	expect_error "^zsend: --max-sendto-failures: 'x'" sh -c "echo 198.18.16.1,80 | '$ZS_BIN/zsend' --dryrun -q --max-sendto-failures x"
	local rc=0
	in_scan bash -c "'$ZS_BIN/zgen' --header --seed 7 -b '$T/link' -p 80 198.18.16.0/20 | '$ZS_BIN/zsend' -b /dev/null -r 400 --max-sendto-failures 20 --metadata '$T/s.json' --status-updates '$T/u.csv' 2>'$T/s.err' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json'" \
		>"$T/out.csv" 2>"$T/err" &
	local scan=$!
	wait_sent "$T/u.csv" 400
	ip -n "$LAB_SCAN" link set zs0 down
	wait $scan || rc=$?
	ip -n "$LAB_SCAN" link set zs0 up
	expect_eq "the pipeline's exit" "$rc" 1
	expect_eq "too many failures" "$(json "$T/s.json" too_many_send_failures)" true
	[ "$(json "$T/s.json" send_failures)" -gt 20 ] || fail "$(json "$T/s.json" send_failures) failures"
	[ "$(json "$T/s.json" probes_sent)" -lt 4096 ] || fail "it went on to the end"
	grep -q "probes could not be sent (.*), more than --max-sendto-failures allows: stopped" "$T/s.err" || fail "zsend: $(cat "$T/s.err")"
	grep -q "to continue: zgen --seed 7 " "$T/s.err" || fail "no resume point: $(cat "$T/s.err")"
	grep -q "zsend failed" "$T/err" || fail "zrecv: $(cat "$T/err")"
}

# --dedup-method with ZMap's names, over one capture of a scan with two
# probes per target on two ports (every open pair answers twice): full,
# window and the default mark every answer after a pair's first as a
# repeat; none marks none. Each counted against the distinct pairs.
test_controls_dedup_methods() {
	LAB_LIVE="198.18.16.0/25:40" LAB_TCP_PORTS="80 443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	make_key "$T/key"
	start_capture "$LAB_SCAN" zs0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)"
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link' -p 80,443 198.18.16.0/25 | '$ZS_BIN/zsend' -q -b /dev/null -k '$T/key' -P 2 -r 2000 | '$ZS_BIN/zrecv' -q -k '$T/key' -c 1" >"$T/live.csv"
	stop_capture
	local method answers pairs repeats
	pairs=$(awk -F, 'NR > 1 && $11 == 1 {print $1 "," $3}' "$T/live.csv" | sort -u | wc -l)
	[ "$pairs" -gt 20 ] || fail "$pairs open pairs answered"
	for method in default full window none; do
		"$ZS_BIN/zrecv" -q -r "$T/cap.pcap" -k "$T/key" -M tcp_syn -P 2 --dedup-method $method \
			--dedup-window 1024 -f saddr,sport,success,repeat >"$T/$method.csv"
		answers=$(awk -F, 'NR > 1 && $3 == 1' "$T/$method.csv" | wc -l)
		repeats=$(awk -F, 'NR > 1 && $3 == 1 && $4 == 1' "$T/$method.csv" | wc -l)
		[ "$answers" -gt "$pairs" ] || fail "$method: $answers answers, $pairs pairs: no second answers"
		if [ $method = none ]; then
			expect_eq "none: repeats" "$repeats" 0
		else
			expect_eq "$method: repeats = answers - pairs" "$repeats" $((answers - pairs))
			expect_eq "$method: each pair once as new" \
				"$(awk -F, 'NR > 1 && $3 == 1 && $4 == 0 {print $1 "," $2}' "$T/$method.csv" | sort | uniq -d | wc -l)" 0
		fi
	done
	expect_error "^zrecv: --dedup-method: 'bloom' is not default, full, window or none$" "$ZS_BIN/zrecv" --dedup-method bloom
}
