# End-to-end tests of zsend: frames checked by an independent decoder
# (text2pcap + tshark), and what reaches the lab's net side checked by a
# capture there.

test_zsend_dryrun_frames_decode_with_tshark() {
	printf '198.18.16.5,80\n# comment\n198.18.16.6\n198.18.99.1,443\n' |
		"$ZS_BIN/zsend" --dryrun -S 198.18.0.1 -p 22 -P 2 -b /dev/null >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	tshark -r "$T/dry.pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields \
		-e ip.src -e ip.dst -e tcp.dstport -e tcp.flags -e ip.checksum.status \
		-e tcp.checksum.status -e tcp.srcport 2>/dev/null >"$T/decoded"
	expect_eq "frames" "$(wc -l <"$T/decoded")" 6
	expect_eq "targets" "$(cut -f2,3 "$T/decoded" | sort | uniq -c | awk '{print $1, $2, $3}' | tr '\n' ';')" \
		"2 198.18.16.5 80;2 198.18.16.6 22;2 198.18.99.1 443;"
	expect_eq "flags, checksums" "$(cut -f1,4-6 "$T/decoded" | sort -u | tr '\t' ' ')" "198.18.0.1 0x0002 1 1"
	# the two probes to one target use two source ports
	expect_eq "source ports per target" "$(cut -f2,7 "$T/decoded" | sort -u | wc -l)" 6
	printf '198.18.16.5\n' | "$ZS_BIN/zsend" --dryrun -M icmp_echo -S 198.18.0.1 -b /dev/null >"$T/icmp.txt"
	text2pcap -q "$T/icmp.txt" "$T/icmp.pcap" 2>/dev/null
	expect_eq "icmp" "$(tshark -r "$T/icmp.pcap" -o ip.check_checksum:TRUE -T fields -e ip.dst -e icmp.type -e icmp.checksum.status -e ip.checksum.status 2>/dev/null | tr '\t' ' ')" \
		"198.18.16.5 8 1 1"
}

test_zsend_sends_exactly_the_unblocked_targets() {
	source tests/lab.sh
	trap lab_down EXIT
	LAB_LIVE="198.18.16.0/24" lab_up "zt$$" "$T/lab"
	make_key "$T/key"
	printf '198.18.16.64/26\n' >"$T/block"
	"$ZS_BIN/zgen" -b /dev/null -e 4 198.18.16.0/24 >"$T/targets"
	start_capture "$LAB_NET" zn0 "tcp[13] == 2 and src host 198.18.0.1"
	in_scan "$ZS_BIN/zsend" -k "$T/key" -b "$T/block" -p 80 -r 5000 <"$T/targets" >"$T/status" 2>"$T/err"
	stop_capture
	tshark -r "$T/cap.pcap" -T fields -e ip.dst 2>/dev/null | sorted >"$T/probed"
	python3 -c 'import ipaddress
for a in ipaddress.ip_network("198.18.16.0/24"):
    if a not in ipaddress.ip_network("198.18.16.64/26"): print(a)' | sorted >"$T/want"
	cmp -s "$T/probed" "$T/want" || fail "probed set differs: $(diff "$T/probed" "$T/want" | head -5)"
	grep -q '"type":"start".*"module":"tcp_syn"' "$T/status" || fail "no start record: $(head -2 "$T/status")"
	grep -q '"type":"done".*"sent":192,.*"targets":192,"blocked":64' "$T/status" ||
		fail "done record: $(tail -1 "$T/status")"
	grep -q "64 blocked targets skipped" "$T/err" || fail "no blocked count: $(cat "$T/err")"
	# with the default blocklist nothing in 198.18.0.0/15 is ever probed
	start_capture "$LAB_NET" zn0 "src host 198.18.0.1 and not arp"
	in_scan "$ZS_BIN/zsend" -k "$T/key" -p 80 <"$T/targets" >"$T/status2" 2>"$T/err2"
	stop_capture
	expect_eq "probes under the default blocklist" "$(tshark -r "$T/cap.pcap" 2>/dev/null | wc -l)" 0
	grep -q '"sent":0,.*"blocked":256' "$T/status2" || fail "done record: $(tail -1 "$T/status2")"
}

# At -r 100000 a batch is 64 frames; a target that arrives alone must still
# go out at once, not wait for 63 more: the second line is written only
# once the first target's probe has reached the net side, which it must
# do while zsend's input waits (within 60 s, on any machine).
test_zsend_sends_a_lone_target_without_waiting_for_a_batch() {
	scan_lab_up
	make_key "$T/key"
	start_capture "$LAB_NET" zn0 "tcp[13] == 2 and src host 198.18.0.1"
	mkfifo "$T/in"
	in_scan "$ZS_BIN/zsend" -q -k "$T/key" -b /dev/null -p 80 -r 100000 -T 2 <"$T/in" >/dev/null 2>"$T/err" &
	local zs=$!
	exec 3>"$T/in"
	echo 198.18.16.1 >&3
	probe_captured() { [ "$(tcpdump -r "$T/cap.pcap" -n 2>/dev/null | wc -l)" -ge 1 ]; }
	if ! poll_until 60 probe_captured; then
		exec 3>&-
		wait $zs || true
		fail "no probe for the first line while the second was unwritten: $(cat "$T/err")"
	fi
	echo 198.18.16.2 >&3
	exec 3>&-
	wait $zs || fail "zsend: $(cat "$T/err")"
	stop_capture 2
	tshark -r "$T/cap.pcap" -T fields -e ip.dst 2>/dev/null >"$T/probes"
	expect_eq "probes, in order" "$(tr '\n' ' ' <"$T/probes")" "198.18.16.1 198.18.16.2 "
}

test_zsend_rejects_bad_input() {
	make_key "$T/key"
	printf '198.18.16.5,80\n300.1.1.1\n198.18.16.6,99999\n198.18.16.7\n' >"$T/in"
	rc=0
	"$ZS_BIN/zsend" --dryrun -S 198.18.0.1 -b /dev/null <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	grep -q "stdin:2: not an IPv4 address: '300.1.1.1'" "$T/err" || fail "$(cat "$T/err")"
	grep -q "stdin:3: not a port .*'198.18.16.6,99999'" "$T/err" || fail "$(cat "$T/err")"
	grep -q "stdin:4: no port on the line and no -p for '198.18.16.7'" "$T/err" || fail "$(cat "$T/err")"
	expect_eq "frames for the good line" "$(grep -c '^000000' "$T/out")" 1
	chmod 644 "$T/key"
	expect_error "$T/key: mode 0644 lets group or others read the key" \
		"$ZS_BIN/zsend" -k "$T/key" -i lo -S 198.18.0.1 -G 02:00:00:00:00:01
	printf 'xyz\n' >"$T/badkey" && chmod 600 "$T/badkey"
	expect_error "$T/badkey: want one line of 32 to 128 hex digits" "$ZS_BIN/zsend" -k "$T/badkey"
	chmod 600 "$T/key"
	expect_error "interface 'nosuch0'" "$ZS_BIN/zsend" -k "$T/key" -i nosuch0
	expect_error "-M: no probe module 'udpx'" "$ZS_BIN/zsend" -M udpx
	expect_error "-G: 'zz' is not a MAC" "$ZS_BIN/zsend" -G zz
	expect_error "-r and -B exclude each other" "$ZS_BIN/zsend" -r 5 -B 1M --dryrun
	# without -k, the key comes through the pipe to zrecv: with no pipe, at once
	expect_error "no key: without -k FILE, zsend's output must be the pipe to zrecv" \
		"$ZS_BIN/zsend" -i lo
}

# At low rates zsend keeps a sender thread for 20 probes a second at most
# (each then waits no more than 50 ms between its probes, and a stop
# settles within that): -T 16 at -r 40 runs 2 threads and says so; the
# default -T says nothing. Into the lab's sink, which drops every frame.
test_zsend_threads_follow_a_low_rate() {
	source tests/lab.sh
	trap lab_down EXIT
	lab_up "zt$$" "$T/lab"
	make_key "$T/key"
	local t
	for t in "-T 16" ""; do
		# shellcheck disable=SC2086 # -T and its value, or nothing
		printf '198.18.16.%d,80\n' 1 2 3 | in_scan "$ZS_BIN/zsend" -b /dev/null -k "$T/key" -i zk0 \
			-G 02:00:00:00:00:01 -S 198.18.0.1 -r 40 $t --metadata "$T/m.json" >/dev/null 2>"$T/err" ||
			fail "zsend $t: $(cat "$T/err")"
		# the default is a thread per CPU, at most 4
		local want=2
		[ -n "$t" ] || [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || want=1
		expect_eq "threads with '$t' at -r 40" "$(json "$T/m.json" threads)" "$want"
		if [ -n "$t" ]; then
			grep -q "^zsend: -T 16 at 40 probes/s: 2 sender threads (one for 20 probes a second at most" "$T/err" ||
				fail "no word of it: $(cat "$T/err")"
		else
			[ ! -s "$T/err" ] || fail "the default said: $(cat "$T/err")"
		fi
	done
}
