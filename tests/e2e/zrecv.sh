# zrecv's answers to bad input, and a pipeline interrupted by Ctrl-C.

test_zrecv_rejects_bad_input() {
	make_key "$T/key"
	expect_error "/nonexistent.pcap" "$ZS_BIN/zrecv" -q -k "$T/key" -r /nonexistent.pcap
	printf 'not a capture\n' >"$T/junk.pcap"
	expect_error "format|magic|capture file" "$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/junk.pcap"
	expect_error "-r FILE needs the scan's key" "$ZS_BIN/zrecv" -q -r "$T/junk.pcap"
	expect_error "capture on nosuch0" "$ZS_BIN/zrecv" -q -k "$T/key" -i nosuch0 -t 1
	chmod 640 "$T/key"
	expect_error "mode 0640 lets group or others read the key" "$ZS_BIN/zrecv" -q -k "$T/key" -t 1
	expect_error "-O: 'xml' is not csv or json" "$ZS_BIN/zrecv" -O xml
	expect_error "-f: no field 'bogus' in any module" "$ZS_BIN/zrecv" -f saddr,bogus
	expect_error "-f: no field 'data' in module tcp_syn" "$ZS_BIN/zrecv" -M tcp_syn -f saddr,data
	expect_error "-f: no field 'window' in module icmp_echo" "$ZS_BIN/zrecv" -M icmp_echo -f window
	"$ZS_BIN/zrecv" --list-fields -M icmp_echo | grep -q '^icmp_id ' || fail "--list-fields"
}

# zsend's start record on stdin tells zrecv the source ports and probes;
# one that names more than zsend can send is refused, not truncated.
test_zrecv_refuses_a_start_record_out_of_range() {
	scan_lab_up
	make_key "$T/key"
	start() { # FINGERPRINT SPORT-FIRST SPORT-COUNT PROBES
		printf '{"type":"start","module":"tcp_syn","key_fingerprint":"%s","sport_first":%s,"sport_count":%s,"probes":%s}\n' "$@"
	}
	rc=0
	start zz 32768 100 1 | in_scan "$ZS_BIN/zrecv" -q -k "$T/key" -i zs0 -t 5 >/dev/null 2>"$T/err" || rc=$?
	expect_eq "exit, wrong key" "$rc" 1
	fp=$(sed -n 's/.*zrecv key \([0-9a-f]*\):.*/\1/p' "$T/err")
	[ -n "$fp" ] || fail "no fingerprint in: $(cat "$T/err")"
	for bad in "65000 1000 1" "70000 1 1" "32768 100 256"; do
		rc=0
		# shellcheck disable=SC2086 # three numbers
		start "$fp" $bad | in_scan "$ZS_BIN/zrecv" -q -k "$T/key" -i zs0 -t 5 >/dev/null 2>"$T/err" || rc=$?
		expect_eq "exit, $bad" "$rc" 1
		grep -q "zsend's start record has source ports" "$T/err" || fail "$bad: $(cat "$T/err")"
	done
	# a good one is taken: zrecv runs until the done record and its cooldown
	rc=0
	{ start "$fp" 32768 100 1; echo '{"type":"done","sent":0}'; } |
		in_scan "$ZS_BIN/zrecv" -q -k "$T/key" -i zs0 -c 0 -t 5 >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit, good record: $(cat "$T/err")" "$rc" 0
	# a stream that ends without its done record is a sender that failed
	rc=0
	start "$fp" 32768 100 1 | in_scan "$ZS_BIN/zrecv" -q -k "$T/key" -i zs0 -c 0 -t 5 >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit, no done record" "$rc" 1
	expect_eq "message" "$(cat "$T/err")" "zrecv: zsend ended without its done record (it failed or was killed: see its message)"
	# a done record with no start record before it (a start record lost or
	# never written) is a failure, not a scan that found nothing
	rc=0
	{ echo '{"type":"status","sent":3}'; echo '{"type":"done","sent":3}'; } |
		in_scan "$ZS_BIN/zrecv" -q -k "$T/key" -i zs0 -c 0 -t 5 >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit, no start record" "$rc" 1
	expect_eq "message" "$(cat "$T/err")" "zrecv: zsend's records ended with no start record before them: nothing it sent could be checked"
}

test_pipeline_interrupted_by_ctrl_c_writes_whole_lines() {
	source tests/lab.sh
	trap lab_down EXIT
	LAB_LIVE="198.18.16.0/20:50" lab_up "zt$$" "$T/lab"
	# 4096 targets at 500 probes/s: about 8 s; interrupted after 2 s
	in_scan setsid bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/20 |
		'$ZS_BIN/zsend' -b /dev/null -q -r 500 | '$ZS_BIN/zrecv' -c 8 >'$T/out.csv' 2>'$T/recv.err'" &
	scan=$!
	sleep 2
	pgid=$(ps -o pgid= -p "$(pgrep -f "$ZS_BIN/zrecv" | head -1)" | tr -d ' ')
	[ -n "$pgid" ] || fail "pipeline not running"
	# a first Ctrl-C stops zsend and leaves zrecv a cooldown for answers in
	# flight; a second one ends it at once
	kill -INT -- "-$pgid"
	start=$SECONDS
	sleep 0.5
	pgrep -f "^$ZS_BIN/zrecv -c 8" >/dev/null || fail "zrecv ended at the first Ctrl-C"
	pgrep -f "^$ZS_BIN/zsend" >/dev/null && fail "zsend still runs after Ctrl-C"
	kill -INT -- "-$pgid"
	wait $scan || true
	[ $((SECONDS - start)) -le 2 ] || fail "took $((SECONDS - start)) s to stop after a second Ctrl-C"
	rows=$(($(wc -l <"$T/out.csv") - 1))
	[ "$rows" -gt 100 ] && [ "$rows" -lt 2000 ] || fail "$rows rows: not interrupted half-way?"
	bad=$(awk -F, 'NF != 15 || (NR > 1 && $0 !~ /,[0-9]+$/)' "$T/out.csv" | wc -l)
	expect_eq "torn lines" "$bad" 0
	[ "$(tail -c1 "$T/out.csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "output does not end in a newline"
	grep -q "interrupted" "$T/recv.err" || fail "zrecv did not say it was interrupted: $(tail -1 "$T/recv.err")"
	expect_eq "handover files left" "$(handover_files)" ""
}

# answerblast (tests/tools) sends valid SYN-ACKs from the net side, computed
# from the key for distinct (address, port) pairs, faster than the lab's
# kernel answers: zrecv must capture and validate every one, print each
# pair once, drop nothing, and reject all of them under another key.
test_zrecv_validates_every_blasted_answer_without_drops() {
	scan_lab_up
	make_key "$T/key"
	make_key "$T/other.key"
	smac=$(in_scan cat /sys/class/net/zs0/address)
	lab_drop_unsolicited_synacks
	for k in key other.key; do
		in_scan "$ZS_BIN/zrecv" -q -i zs0 -k "$T/$k" -t 4 -f saddr,sport -o "$T/$k.csv" \
			--metadata "$T/$k.json" </dev/null &
		zr=$!
		sleep 1.5
		in_net "$LAB_ROOT/build/tools/answerblast" zn0 "$smac" 198.18.0.1 "$T/key" 200000 1 >"$T/$k.blast"
		wait $zr
		read -r _ sent _ failed _ <"$T/$k.blast"
		expect_eq "blaster failures" "$failed" 0
		[ "$sent" -gt 150000 ] || fail "blaster sent only $sent"
		expect_eq "$k: frames captured" "$(json "$T/$k.json" frames_captured)" "$sent"
		expect_eq "$k: drops" "$(json "$T/$k.json" pcap_drops)/$(json "$T/$k.json" interface_drops)" 0/0
	done
	sent=$(cut -d' ' -f2 "$T/key.blast")
	expect_eq "validated" "$(json "$T/key.json" responses_validated)" "$sent"
	expect_eq "rows" "$(tail -n +2 "$T/key.csv" | sort -u | wc -l)" "$sent"
	bad=$(tail -n +2 "$T/key.csv" | awk -F, '$1 !~ /^198\.1[89]\./ || $2 < 1 || $2 > 2' | wc -l)
	expect_eq "rows outside 198.18.0.0/15 x ports 1-2" "$bad" 0
	expect_eq "validated under another key" "$(json "$T/other.key.json" responses_validated)" 0
	expect_eq "failed validation under another key" "$(json "$T/other.key.json" failed_validation)" \
		"$(cut -d' ' -f2 "$T/other.key.blast")"
}
