# Interruption and resume: signals to each stage and to a whole pipeline,
# and a scan stopped half-way then continued with zgen --resume, checked
# against the lab's ground truth and the probes counted on the net side.

test_interrupt_then_resume_covers_every_target_once() {
	LAB_LIVE="198.18.16.0/20:20 198.18.64.0/22:50" LAB_TCP_PORTS="80 443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local zgen_args="-b $T/link.block -e 7 -p 80,443 198.18.0.0/17"
	"$ZS_BIN/zgen" $zgen_args >"$T/all"
	local total
	total=$(wc -l <"$T/all")
	# two sender threads, so a stop catches them at different points of
	# their jobs and zsend has to settle an exact prefix
	local zsend="'$ZS_BIN/zsend' -b /dev/null -q -T 2 -r 20000"
	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	in_scan bash -c "'$ZS_BIN/zgen' --header $zgen_args | $zsend --metadata '$T/s1.json' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r1.json'" >"$T/part1.csv" 2>"$T/part1.err" &
	local scan=$!
	local zs
	zs=$(pid_of "$ZS_BIN/zsend" "$T/s1.json")
	sleep 1.5
	kill -INT "$zs"
	wait $scan || true
	stop_capture
	mv "$T/cap.pcap" "$T/cap1.pcap"
	cat "$T/part1.err"
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	expect_eq "zsend interrupted" "$(json "$T/s1.json" interrupted)" true
	expect_eq "zrecv saw an interrupted sender" "$(json "$T/r1.json" sender_done)" true
	local n
	n=$(json "$T/s1.json" consumed)
	[ "$n" -gt 0 ] && [ "$n" -lt "$total" ] || fail "consumed $n of $total"
	expect_eq "resume = consumed on a fresh scan" "$(json "$T/s1.json" resume)" "$n"
	expect_eq "probed beyond" "$(json "$T/s1.json" probed_beyond_consumed)" false
	grep -q "zgen --seed 7 --shards 1 --shard 0 --resume $n" "$T/part1.err" || fail "no resume hint"
	# the net side saw exactly the first n targets, each once
	head -n "$n" "$T/all" | sorted >"$T/want1"
	probes_in "$T/cap1.pcap" >"$T/got1"
	expect_eq "duplicate probes, part 1" "$(uniq -d "$T/got1" | wc -l)" 0
	cmp -s "$T/got1" "$T/want1" || fail "part 1 probes != first $n targets: $(comm -3 "$T/got1" "$T/want1" | head -3)"

	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	in_scan bash -c "'$ZS_BIN/zgen' --header $zgen_args --resume $n | $zsend --metadata '$T/s2.json' | '$ZS_BIN/zrecv' -q -c 1" >"$T/part2.csv"
	stop_capture
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	expect_eq "part 2 not interrupted" "$(json "$T/s2.json" interrupted)" false
	expect_eq "part 2 records" "$(json "$T/s2.json" consumed)" $((total - n))
	expect_eq "resume after part 2" "$(json "$T/s2.json" resume)" "$total"
	tail -n +$((n + 1)) "$T/all" | sorted >"$T/want2"
	probes_in "$T/cap.pcap" >"$T/got2"
	cmp -s "$T/got2" "$T/want2" || fail "part 2 probes != the other $((total - n)) targets"
	expect_eq "every target probed exactly once" "$(sort -m "$T/got1" "$T/got2" | uniq -u | wc -l)" "$total"

	# each part found exactly the open pairs among its own targets, so the
	# union is what one uninterrupted scan finds (answers in flight at the
	# stop were still received)
	grep -E '^198\.18\.([0-9]|[1-9][0-9]|1[01][0-9]|12[0-7])\.' "$LAB_DIR/open_pairs.txt" | sorted >"$T/open"
	for part in 1 2; do
		awk -F, 'NR > 1 && $11 == 1 {print $1 "," $3}' "$T/part$part.csv" | sorted >"$T/found$part"
		comm -12 "$T/want$part" "$T/open" >"$T/open$part"
		cmp -s "$T/found$part" "$T/open$part" || fail "part $part found != its open pairs: $(comm -3 "$T/found$part" "$T/open$part" | head -3)"
	done
	cmp -s <(sort -m "$T/found1" "$T/found2") "$T/open" || fail "union != open pairs"
	echo "  stopped after $n of $total targets; resumed; $(wc -l <"$T/open") open pairs found, each target probed once"
}

test_interrupt_ctrl_c_on_the_whole_pipeline() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	"$ZS_BIN/zgen" -b "$T/link.block" -e 3 -p 80 198.18.0.0/18 >"$T/all"
	# the pipeline in a process group of its own, as a terminal would run it
	in_scan setsid bash -c "'$ZS_BIN/zgen' -b '$T/link.block' -e 3 -p 80 198.18.0.0/18 | '$ZS_BIN/zsend' -b /dev/null -q -r 10000 --metadata '$T/s.json' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json' | '$ZS_BIN/zfilter'" >"$T/hosts" 2>"$T/err" &
	local scan=$!
	local pgid
	pgid=$(ps -o pgid= -p "$(pid_of "$ZS_BIN/zsend" "$T/s.json")" | tr -d ' ')
	sleep 1.5
	# zsend took the key at once: nothing is left to read
	expect_eq "handover files while it runs" "$(handover_files)" ""
	kill -INT -- "-$pgid"
	local start=$SECONDS
	wait $scan || true
	[ $((SECONDS - start)) -le 4 ] || fail "the pipeline took $((SECONDS - start)) s to end"
	cat "$T/err"
	expect_eq "handover files left" "$(handover_files)" ""
	expect_eq "zsend interrupted" "$(json "$T/s.json" interrupted)" true
	expect_eq "zrecv interrupted" "$(json "$T/r.json" interrupted)" true
	grep -qvE '^198\.18\.[0-9]+\.[0-9]+$' "$T/hosts" && fail "a torn or stray line: $(grep -vE '^198\.18\.[0-9]+\.[0-9]+$' "$T/hosts" | head -1)"
	local n
	n=$(json "$T/s.json" consumed)
	[ "$n" -gt 0 ] && [ "$n" -lt "$(wc -l <"$T/all")" ] || fail "consumed $n"
	# every live host among the targets probed was found, and no other
	head -n "$n" "$T/all" | cut -d, -f1 | sorted >"$T/probed"
	comm -12 "$T/probed" <(sorted "$LAB_DIR/live.txt") >"$T/want"
	cmp -s <(sorted "$T/hosts") "$T/want" || fail "hosts != live hosts probed: $(comm -3 <(sorted "$T/hosts") "$T/want" | head -3)"
	echo "  Ctrl-C after $n targets: $(wc -l <"$T/want") hosts, all whole lines, key removed"
}

test_interrupt_zrecv_gone_stops_zsend() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link.block' -p 80 198.18.0.0/16 | '$ZS_BIN/zsend' -b /dev/null -q -r 5000 --metadata '$T/s.json' 2>'$T/zsend.err' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json'" >"$T/res.csv" 2>"$T/zrecv.err" &
	local scan=$!
	local zr
	zr=$(pid_of "$ZS_BIN/zrecv" "$T/r.json")
	sleep 1.5
	kill -TERM "$zr"
	local start=$SECONDS
	wait $scan || true
	[ $((SECONDS - start)) -le 3 ] || fail "zsend went on for $((SECONDS - start)) s without a receiver"
	cat "$T/zsend.err"
	grep -q "zrecv has gone (its end of the pipe closed): stopped" "$T/zsend.err" || fail "zsend did not say why it stopped"
	expect_eq "zsend interrupted" "$(json "$T/s.json" interrupted)" true
	expect_eq "zrecv interrupted" "$(json "$T/r.json" interrupted)" true
	local sent
	sent=$(json "$T/s.json" probes_sent)
	[ "$sent" -lt 30000 ] || fail "zsend sent $sent probes"
	[ -z "$(tail -c1 "$T/res.csv")" ] || fail "zrecv's output ends in a torn line"
	expect_eq "rows with another field count than the header" \
		"$(awk -F, 'NR == 1 {n = NF} NF != n' "$T/res.csv" | wc -l)" 0
	[ "$(wc -l <"$T/res.csv")" -gt 1 ] || fail "no results before the stop"
}

test_interrupt_zgen_ends_on_a_whole_line() {
	local sig
	for sig in INT TERM HUP; do
		"$ZS_BIN/zgen" 0.0.0.0/0 >"$T/out" &
		local pid=$!
		sleep 0.3
		kill -"$sig" $pid
		local rc=0
		wait $pid || rc=$?
		expect_eq "zgen exit after SIG$sig" "$rc" 1
		[ -z "$(tail -c1 "$T/out")" ] || fail "SIG$sig: the output ends in a torn line"
		expect_eq "SIG$sig: lines that are not addresses" "$(grep -cvE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || true)" 0
		[ "$(wc -l <"$T/out")" -gt 16384 ] || fail "SIG$sig: only $(wc -l <"$T/out") lines"
	done
	# a reader that leaves: zgen ends at once
	local start=$SECONDS
	expect_eq "head" "$("$ZS_BIN/zgen" 0.0.0.0/0 | head -3 | wc -l)" 3
	[ $((SECONDS - start)) -le 2 ] || fail "zgen went on after its reader left"
}

test_interrupt_zfilter_reads_a_pipe_to_its_end() {
	for i in $(seq 1 200); do echo "198.18.$((i / 256)).$((i % 256)),x,1"; done | sed '1i saddr,c,success' >"$T/rows"
	mkfifo "$T/in"
	# a first SIGINT with a pipe on stdin: the upstream ends the stream
	"$ZS_BIN/zfilter" -f saddr <"$T/in" >"$T/out" &
	local pid=$!
	{ head -101 "$T/rows"; sleep 1.5; tail -n +102 "$T/rows"; } >"$T/in" &
	sleep 0.5
	kill -INT "$pid"
	local rc=0
	wait $pid || rc=$?
	expect_eq "exit after one SIGINT on a pipe" "$rc" 0
	expect_eq "rows after one SIGINT" "$(wc -l <"$T/out")" 200
	wait
	# SIGTERM, SIGHUP or a second SIGINT stop at once, with whole lines out
	local sigs
	for sigs in TERM HUP "INT INT"; do
		"$ZS_BIN/zfilter" -f saddr <"$T/in" >"$T/out" &
		pid=$!
		{ head -101 "$T/rows"; sleep 3; tail -n +102 "$T/rows"; } >"$T/in" 2>/dev/null &
		sleep 0.5
		for s in $sigs; do
			kill -"$s" "$pid"
			sleep 0.2
		done
		for _ in $(seq 20); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && fail "SIG$sigs: zfilter still runs"
		rc=0
		wait "$pid" || rc=$?
		expect_eq "SIG$sigs: exit" "$rc" 1
		expect_eq "SIG$sigs: rows written" "$(wc -l <"$T/out")" 100
		wait
	done
}

test_interrupt_zsend_on_each_signal() {
	make_key "$T/key"
	local sig
	for sig in INT TERM HUP; do
		# 5 targets, then an idle pipe: the signal must end a blocked read
		{ printf '1.2.3.%d\n' 1 2 3 4 5; sleep 2; } |
			"$ZS_BIN/zsend" --dryrun -q -k "$T/key" -p 80 -S 10.0.0.1 -G 02:00:00:00:00:01 \
				--metadata "$T/m.json" >"$T/frames" 2>"$T/err" &
		local pid
		pid=$(pid_of "$ZS_BIN/zsend" "$T/m.json")
		sleep 0.5
		kill -"$sig" "$pid"
		for _ in $(seq 20); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -0 "$pid" 2>/dev/null && fail "SIG$sig: zsend still runs"
		expect_eq "SIG$sig: interrupted" "$(json "$T/m.json" interrupted)" true
		expect_eq "SIG$sig: consumed" "$(json "$T/m.json" consumed)" 5
		expect_eq "SIG$sig: probes" "$(json "$T/m.json" probes_sent)" 5
		grep -q "interrupted: the first 5 input lines" "$T/err" || fail "SIG$sig: $(cat "$T/err")"
		# the key is in no output: only its fingerprint
		! grep -qi "$(cat "$T/key")" "$T/m.json" "$T/err" || fail "the key leaked"
		wait
	done
}
