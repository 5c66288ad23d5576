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
	LAB_LIVE="198.18.0.0/16:50" lab_up "zt$$" "$T/lab"
	# 65536 targets at 500 probes/s: far more than the test waits for; a
	# cooldown longer than any test, so that only a second Ctrl-C ends it
	in_scan setsid bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.0.0/16 |
		'$ZS_BIN/zsend' -b /dev/null -q -r 500 | '$ZS_BIN/zrecv' -c 300 --metadata '$T/r.json' >'$T/out.csv' 2>'$T/recv.err'" &
	scan=$!
	# some rows out (zrecv writes them each second)
	wait_until 120 sh -c "[ \$(cat '$T/out.csv' 2>/dev/null | wc -l) -gt 101 ]"
	pgid=$(ps -o pgid= -p "$(pgrep -f "^$ZS_BIN/zrecv -c 300" | head -1)" | tr -d ' ')
	[ -n "$pgid" ] || fail "pipeline not running"
	# a first Ctrl-C stops zsend and leaves zrecv a cooldown for answers in
	# flight; a second one, a second or more later, ends it at once
	kill -INT -- "-$pgid"
	wait_until 60 sh -c "! pgrep -f '^$ZS_BIN/zsend' >/dev/null"
	pgrep -f "^$ZS_BIN/zrecv -c 300" >/dev/null || fail "zrecv ended at the first Ctrl-C"
	sleep 1.2
	kill -INT -- "-$pgid"
	start=$SECONDS
	wait $scan || true
	[ $((SECONDS - start)) -le 30 ] || fail "took $((SECONDS - start)) s of a 300 s cooldown to stop after a second Ctrl-C"
	rows=$(($(wc -l <"$T/out.csv") - 1))
	[ "$rows" -gt 100 ] || fail "$rows rows"
	bad=$(awk -F, 'NF != 15 || (NR > 1 && $0 !~ /,[0-9]+$/)' "$T/out.csv" | wc -l)
	expect_eq "torn lines" "$bad" 0
	[ "$(tail -c1 "$T/out.csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "output does not end in a newline"
	grep -q "interrupted" "$T/recv.err" || fail "zrecv did not say it was interrupted: $(tail -1 "$T/recv.err")"
	# the cooldown was cut short: answers in flight may be lost
	grep -q "the scan is incomplete: zsend was stopped, and zrecv stopped before the cooldown ended; the answers are whole for the first [0-9]* input lines" "$T/recv.err" ||
		fail "zrecv did not say the scan is incomplete: $(cat "$T/recv.err")"
	expect_eq "zrecv's exit status" "$(json "$T/r.json" exit_status)" 3
	expect_eq "handover files left" "$(handover_files)" ""
}

# answerblast (tests/tools) sends valid SYN-ACKs from the net side, computed
# from the key for distinct (address, port) pairs, faster than the lab's
# kernel answers (for one second, at up to 200,000 a second: as many as the
# machine manages): zrecv must capture and validate every one, print each
# pair once, drop nothing, and reject all of them under another key. zrecv
# is armed before the blast and stopped once its counts have all of it.
test_zrecv_validates_every_blasted_answer_without_drops() {
	scan_lab_up
	make_key "$T/key"
	make_key "$T/other.key"
	smac=$(in_scan cat /sys/class/net/zs0/address)
	lab_drop_unsolicited_synacks
	local col
	for k in key other.key; do
		in_scan "$ZS_BIN/zrecv" -q -i zs0 -k "$T/$k" -f saddr,sport -o "$T/$k.csv" \
			--metadata "$T/$k.json" --status-updates "$T/$k.u.csv" </dev/null &
		zr=$!
		wait_armed "$T/$k.u.csv"
		in_net "$LAB_ROOT/build/tools/answerblast" zn0 "$smac" 198.18.0.1 "$T/key" 200000 1 >"$T/$k.blast"
		read -r _ sent _ failed _ <"$T/$k.blast"
		col=valid
		[ "$k" = key ] || col=failed_validation
		wait_until 120 update_at_least "$T/$k.u.csv" "$col" "$sent"
		kill -INT "$(pid_of "$ZS_BIN/zrecv" "$T/$k.json")"
		wait $zr || true
		expect_eq "blaster failures" "$failed" 0
		[ "$sent" -gt 0 ] || fail "blaster sent nothing"
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

# tcpdump on every interface of the scanner namespace, writing $T/any.pcap
# as Linux cooked v2 (what tcpdump -i any writes today; -y asks for it
# where the default is still v1), until stop_capture.
start_capture_any_sll2() {
	ip netns exec "$LAB_SCAN" tcpdump --immediate-mode -B 65536 -Z root -i any -y LINUX_SLL2 -U -n \
		-w "$T/any.pcap" tcp 2>"$T/tcpdump.err" &
	CAP_PID=$!
	any_listens() {
		grep -q "listening on" "$T/tcpdump.err" && return 0
		kill -0 "$CAP_PID" 2>/dev/null || fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
		return 1
	}
	poll_until 60 any_listens || fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
}

# A scan of both families, its answers captured live on "any" (Linux
# cooked v1) and by tcpdump -i any as LINUX_SLL2: zrecv -r reads the SLL2
# file, and the same packets as raw IPv4 and raw IPv6 files (link types
# 228, 229), to the live results, which are the lab's ground truth. The
# same packets with an IP length one byte past what was captured answer
# nothing; with bytes after them (padding) they answer the same.
test_zrecv_reads_sll2_and_raw_ip_captures() {
	LAB_LIVE="198.18.16.0/24:30 2001:2:0:10::/120:30" scan_lab_up
	make_key "$T/key"
	local f=saddr,sport,classification,success
	start_capture_any_sll2
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 2001:2:0:10::/120 |
		'$ZS_BIN/zsend' -b /dev/null -q -k '$T/key' -r 5000 |
		'$ZS_BIN/zrecv' -q -c 1 -k '$T/key' -i any -f $f" >"$T/live.csv"
	stop_capture
	rows() { tail -n +2 "$1" | sorted -u; }
	rows "$T/live.csv" >"$T/live.rows"
	awk -F, '$4 == 1 {print $1}' "$T/live.rows" | sorted -u >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") ||
		fail "live on any != live hosts: $(comm -3 "$T/found" <(sorted "$LAB_DIR/live.txt") | head -3)"
	grep -q : "$T/found" && grep -vq : "$T/found" || fail "not both families: $(head -3 "$T/found")"
	"$ZS_BIN/zrecv" -q -k "$T/key" -M tcp_syn -r "$T/any.pcap" -f $f >"$T/sll2.csv"
	cmp -s <(rows "$T/sll2.csv") "$T/live.rows" ||
		fail "SLL2 file: $(diff <(rows "$T/sll2.csv") "$T/live.rows" | head -5)"
	# the SLL2 file's packets as raw IPv4 and raw IPv6 files; with lengths
	# that lie; with 20 bytes after each packet
	python3 - "$T" <<'PY'
import struct, sys
d = sys.argv[1]
data = open(d + "/any.pcap", "rb").read()
e = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
magic, vmaj, vmin, zone, sig, snap, link = struct.unpack(e + "IHHiIII", data[:24])
assert link == 276, "tcpdump wrote link type %d, not LINUX_SLL2" % link
def header(lt):
    return struct.pack(e + "IHHiIII", magic, vmaj, vmin, zone, sig, snap, lt)
out = {k: [] for k in ("raw4", "raw6", "lie", "padded")}
def rec(ts, us, f):
    return struct.pack(e + "IIII", ts, us, len(f), len(f)) + f
off = 24
while off < len(data):
    ts, us, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    proto, ip = struct.unpack(">H", f[:2])[0], bytearray(f[20:])
    out["raw4" if proto == 0x0800 else "raw6"].append(rec(ts, us, bytes(ip)))
    out["padded"].append(rec(ts, us, f + b"\xff" * 20))
    # the IP length: one byte more than the frame holds
    if proto == 0x0800:
        ip[2:4] = struct.pack(">H", len(ip) + 1)
    else:
        ip[4:6] = struct.pack(">H", len(ip) - 40 + 1)
    out["lie"].append(rec(ts, us, f[:20] + bytes(ip)))
for k, lt in (("raw4", 228), ("raw6", 229), ("lie", 276), ("padded", 276)):
    open("%s/%s.pcap" % (d, k), "wb").write(header(lt) + b"".join(out[k]))
PY
	# tcpdump reads the raw files as the same packets
	n=$(tcpdump -r "$T/any.pcap" -n 2>/dev/null | wc -l)
	expect_eq "packets of the raw files" \
		$(($(tcpdump -r "$T/raw4.pcap" -n 2>/dev/null | wc -l) + $(tcpdump -r "$T/raw6.pcap" -n 2>/dev/null | wc -l))) "$n"
	for v in 4 6; do
		"$ZS_BIN/zrecv" -q -k "$T/key" -M tcp_syn -r "$T/raw$v.pcap" -f $f >"$T/raw$v.csv"
	done
	expect_eq "IPv6 rows of the raw IPv4 file" "$(rows "$T/raw4.csv" | grep -c : || true)" 0
	expect_eq "IPv4 rows of the raw IPv6 file" "$(rows "$T/raw6.csv" | grep -vc : || true)" 0
	cmp -s <(cat "$T/raw4.csv" "$T/raw6.csv" | grep -v '^saddr,' | sorted -u) "$T/live.rows" ||
		fail "raw files: $(diff <(cat "$T/raw4.csv" "$T/raw6.csv" | grep -v '^saddr,' | sorted -u) "$T/live.rows" | head -5)"
	"$ZS_BIN/zrecv" -q -k "$T/key" -M tcp_syn -r "$T/lie.pcap" -f $f --metadata "$T/lie.json" >"$T/lie.csv"
	expect_eq "rows, lengths past the capture" "$(rows "$T/lie.csv" | wc -l)" 0
	expect_eq "not IP, lengths past the capture" "$(json "$T/lie.json" non_ip_frames)" "$(json "$T/lie.json" frames_captured)"
	"$ZS_BIN/zrecv" -q -k "$T/key" -M tcp_syn -r "$T/padded.pcap" -f $f >"$T/padded.csv"
	cmp -s <(rows "$T/padded.csv") "$T/live.rows" || fail "padded: $(diff <(rows "$T/padded.csv") "$T/live.rows" | head -5)"
	echo "  $(wc -l <"$T/live.rows") answers, $n packets in the SLL2 file"
}
