# Load: a 60 s scan at full rate while the net side floods the scanner with
# forged answers and junk frames. Nothing crashes, memory stays flat, every
# forgery is rejected and counted (or its drop reported), and what was
# found is right. Nothing here depends on how fast the machine is: the
# target stream never runs out, so zsend is always stopped at 60 s, and
# every count is checked against another count, never against a rate.

# rss PID: resident KiB
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

test_load_sixty_seconds_under_a_flood() {
	LAB_LIVE="198.18.0.0/15:10" LAB_TCP_PORTS="80" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local secs=60
	# ASan keeps freed memory in quarantine (256 MiB by default), which would
	# look like growth
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
	# the same permutation over and over, a stream no machine sends to its
	# end: zsend is stopped after 60 s, which also tests a stop under load; a
	# small --dedup-window, so that repeat tracking of ports after the
	# first turns over many times
	local gen="'$ZS_BIN/zgen' -b '$T/link.block' -e 5 -p 71-90 198.18.0.0/15"
	in_scan bash -c "while $gen; do :; done 2>/dev/null |
		'$ZS_BIN/zsend' -b /dev/null -q -r 0 --metadata '$T/s.json' --status-updates '$T/s.csv' |
		'$ZS_BIN/zrecv' -q -c 2 --dedup-window 65536 --metadata '$T/r.json' | '$ZS_BIN/zfilter' >'$T/hosts'" 2>"$T/err" &
	local scan=$!
	local zs zr
	zs=$(pid_of "$ZS_BIN/zsend")
	zr=$(pid_of "$ZS_BIN/zrecv")
	# zsend sends only once zrecv's capture is armed: from its first
	# status row on, every forgery reaches a listening zrecv
	local t
	for t in $(seq 1200); do
		[ "$(awk -F, 'NR > 1 && $3 > 0' "$T/s.csv" 2>/dev/null | wc -l)" -gt 0 ] && break
		kill -0 "$zs" 2>/dev/null || fail "zsend ended before sending: $(cat "$T/err")"
		sleep 0.1
	done
	[ "$t" -lt 1200 ] || fail "zsend sent nothing in 120 s"
	local start=$SECONDS
	# forged SYN-ACKs (random ports and numbers, from live-looking addresses)
	# and frames too short to be IPv4, from the net side, ~15k/s each: a
	# fixed count (300,000 of each), all sent before zsend is stopped,
	# however long they take
	local mac
	mac=$(in_scan cat /sys/class/net/zs0/address)
	cat >"$T/flood.cfg" <<CFG
{ eth(da=$mac, sa=02:00:00:00:00:99), ipv4(saddr=198.18.$((RANDOM % 256)).1, daddr=198.18.0.1), tcp(sp=80, dp=drnd(), seq=drnd(), ackseq=drnd(), syn, ack) }
{ eth(da=$mac, sa=02:00:00:00:00:99, type=0x0800), drnd(9) }
CFG
	in_net trafgen --no-sock-mem -q -o zn0 -c "$T/flood.cfg" -t 33us -n 600000 >"$T/trafgen.log" 2>&1 &
	local flood=$!
	# RSS every 5 s, for at least $secs s and until the flood is over;
	# then zsend is stopped, as a Ctrl-C would
	local rs_zs=() rs_zr=()
	while [ $((SECONDS - start)) -lt "$secs" ] || kill -0 "$flood" 2>/dev/null; do
		sleep 5
		rs_zs+=("$(rss "$zs")")
		rs_zr+=("$(rss "$zr")")
	done
	wait $flood || fail "trafgen failed: $(cat "$T/trafgen.log")"
	kill -INT "$zs"
	wait $scan || fail "the pipeline failed: $(tail -3 "$T/err")"
	echo "  RSS KiB every 5 s, zsend: ${rs_zs[*]}"
	echo "  RSS KiB every 5 s, zrecv: ${rs_zr[*]}"
	# flat: from 15 s on, no sample above the 15 s one by more than 8 MiB
	local i
	for i in $(seq 2 $((${#rs_zs[@]} - 1))); do
		[ "${rs_zs[$i]}" -le $((rs_zs[2] + 8192)) ] || fail "zsend grew: ${rs_zs[*]}"
		[ "${rs_zr[$i]}" -le $((rs_zr[2] + 8192)) ] || fail "zrecv grew: ${rs_zr[*]}"
	done
	local sent valid bad other drops consumed linkdrops
	sent=$(json "$T/s.json" probes_sent)
	consumed=$(json "$T/s.json" consumed)
	valid=$(json "$T/r.json" responses_validated)
	bad=$(json "$T/r.json" failed_validation)
	other=$(json "$T/r.json" other_frames)
	drops=$(($(json "$T/r.json" pcap_drops) + $(json "$T/r.json" interface_drops)))
	echo "  zsend: $sent probes in $((SECONDS - start)) s; zrecv: $valid valid, $bad failed validation, $other other frames, $drops dropped"
	expect_eq "zsend interrupted" "$(json "$T/s.json" interrupted)" true
	expect_eq "zrecv: the scan is incomplete" "$(json "$T/r.json" exit_status)" 3
	# every target of the prefix zsend reports done was probed (once per
	# pass of the stream)
	[ "$consumed" -gt 0 ] && [ "$sent" -ge "$consumed" ] || fail "$sent probes for $consumed targets done"
	# trafgen alternates the two frames; the kernel's filter drops the junk.
	# Every forgery reached zrecv and failed validation, or was dropped on
	# the way and counted there: by the capture, or by the veth pair
	local forged
	forged=$(($(tr -d '\r' <"$T/trafgen.log" | awk '/packets outgoing/ {print $1}') / 2))
	local forged_max=$((forged + 1)) # an odd count ends on a forgery
	linkdrops=$(($(in_scan cat /sys/class/net/zs0/statistics/rx_dropped) +
		$(in_net cat /sys/class/net/zn0/statistics/tx_dropped)))
	echo "  forged SYN-ACKs sent: $forged; counted as failed validation: $bad; dropped by the link: $linkdrops"
	[ "$forged" -gt 0 ] || fail "no forgery was sent: $(cat "$T/trafgen.log")"
	[ $((bad + drops + linkdrops)) -ge "$forged" ] && [ "$bad" -le "$forged_max" ] || fail "$bad of $forged forgeries counted ($drops + $linkdrops dropped)"
	# the hosts found: live ones among the targets probed; all of them
	# when nothing was dropped (a pass of the stream holds every target)
	local pass
	# (the ground truth from the release zgen: millions of lines under
	# ASan would only slow the check)
	pass=$("$LAB_ROOT/bin/zgen" --count -b "$T/link.block" -p 71-90 198.18.0.0/15)
	"$LAB_ROOT/bin/zgen" -b "$T/link.block" -e 5 -p 71-90 198.18.0.0/15 | head -n "$((consumed < pass ? consumed : pass))" |
		awk -F, '$2 == 80 {print $1}' | sorted >"$T/probed80"
	comm -12 "$T/probed80" <(sorted "$LAB_DIR/live.txt") >"$T/want"
	sorted "$T/hosts" >"$T/found"
	[ -z "$(comm -23 "$T/found" "$T/want")" ] || fail "found hosts that are not live or not probed: $(comm -23 "$T/found" "$T/want" | head -3)"
	if [ $((drops + linkdrops)) -eq 0 ]; then
		cmp -s "$T/found" "$T/want" || fail "no drops, yet $(comm -13 "$T/found" "$T/want" | wc -l) live hosts missed"
	fi
	[ -s "$T/want" ] || fail "no live host was probed on port 80: nothing to check"
	echo "  found $(wc -l <"$T/found") of $(wc -l <"$T/want") live hosts probed on port 80"
}
