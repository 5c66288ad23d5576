# End-to-end scans of the lab with the real pipeline, checked against the
# lab's ground truth, a replayed capture, injected forgeries and Debian's zmap.

test_scan_finds_exactly_the_live_hosts() {
	LAB_LIVE="198.18.16.0/20:5 198.18.64.0/24:50 198.18.128.0/26" LAB_TCP_PORTS="80 443" scan_lab_up
	ZSEND_ARGS="-r 100000" pipeline -p 80 198.18.0.0/15 >"$T/res.csv"
	head -1 "$T/res.csv" | grep -q '^saddr,daddr,sport,dport,seqnum,acknum,window,ttl,ipid,classification,success' ||
		fail "header: $(head -1 "$T/res.csv")"
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	sorted "$LAB_DIR/live.txt" >"$T/live"
	expect_eq "duplicates" "$(uniq -d "$T/found" | wc -l)" 0
	cmp -s "$T/found" "$T/live" || fail "found != live: $(comm -3 "$T/found" "$T/live" | head -5)"
	# the only other answers: the few ICMP net unreachable the kernel sends
	# (one a second) for unrouted parts of the range
	expect_eq "non-success rows that are not unreach" \
		"$(awk -F, 'NR > 1 && $11 != 1 && $10 != "unreach"' "$T/res.csv" | wc -l)" 0
	echo "  found all $(wc -l <"$T/live") live hosts of 131072 targets, no false positive"
	# a closed port on live hosts: every one answers RST, none counts as up
	ZSEND_ARGS="-r 100000" pipeline -p 81 198.18.64.0/24 198.18.128.0/26 >"$T/closed.csv"
	awk -F, 'NR > 1 {print $10 "," $11}' "$T/closed.csv" | sort | uniq -c | awk '{print $1, $2}' >"$T/classes"
	expect_eq "closed port" "$(cat "$T/classes")" "$(grep -c -e '^198.18.64.' -e '^198.18.128.' "$T/live") rst,0"
}

test_scan_icmp_echo_finds_the_same_hosts() {
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/28" scan_lab_up
	ZSEND_ARGS="-M icmp_echo -r 50000" pipeline 198.18.0.0/16 >"$T/res.csv"
	head -1 "$T/res.csv" | grep -q '^saddr,daddr,type,code,icmp_id,seq,ttl,ipid,classification,success' ||
		fail "header: $(head -1 "$T/res.csv")"
	awk -F, 'NR > 1 && $9 == "echoreply" && $10 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "echo replies != live hosts"
}

test_scan_classifies_icmp_errors() {
	LAB_LIVE="198.18.16.0/28" LAB_PROHIBIT="198.18.32.0/28" LAB_UNREACH="198.18.33.0/28" scan_lab_up
	ZRECV_ARGS="-O json -f saddr,classification,success,icmp_type,icmp_code" \
		pipeline -p 80 198.18.32.0/28 198.18.33.0/28 >"$T/res.json"
	expect_eq "records" "$(wc -l <"$T/res.json")" 32
	expect_eq "prohibited" "$(grep -c '"classification":"unreach","success":false,"icmp_type":3,"icmp_code":13' "$T/res.json")" 16
	expect_eq "unreachable" "$(grep -c '"classification":"unreach","success":false,"icmp_type":3,"icmp_code":1}' "$T/res.json")" 16
	grep '"saddr":"198.18.32.' "$T/res.json" | grep -q '"icmp_code":13' || fail "saddr is not the target"
}

test_scan_rejects_stale_key_and_forged_answers() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	make_key "$T/keyA"
	make_key "$T/keyB"
	live=$(wc -l <"$LAB_DIR/live.txt")
	# capture what a scan with key A receives...
	start_capture "$LAB_SCAN" zs0 "tcp and src net 198.18.16.0/24"
	# with -k the receiver must be armed before the sender starts: start it
	# first and wait for its first status row; it runs until every live
	# host is in, then SIGINT ends it (-t is only a backstop). ip netns
	# exec directly: $! is zrecv itself
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zrecv" -q -k "$T/keyA" -t 240 --status-updates "$T/live.upd" \
		</dev/null >"$T/live.csv" 2>"$T/live.err" &
	local recv=$! rc=0
	wait_armed "$T/live.upd"
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -b /dev/null -q -k '$T/keyA'" >/dev/null
	wait_until 60 update_at_least "$T/live.upd" targets_up "$live"
	kill -INT $recv
	wait $recv || rc=$?
	expect_eq "zrecv's exit, ended by SIGINT with no stream" "$rc" 0
	stop_capture "$live"
	expect_eq "live scan" "$(awk -F, 'NR > 1 && $11 == 1' "$T/live.csv" | wc -l)" "$live"
	# ...replayed: valid under key A, all rejected and counted under key B
	"$ZS_BIN/zrecv" -r "$T/cap.pcap" -k "$T/keyA" >"$T/a.csv" 2>"$T/a.err"
	expect_eq "replay, key A" "$(awk -F, 'NR > 1 && $11 == 1' "$T/a.csv" | wc -l)" "$live"
	"$ZS_BIN/zrecv" -r "$T/cap.pcap" -k "$T/keyB" >"$T/b.csv" 2>"$T/b.err"
	# nothing valid: the header row alone (a scan that finds nothing says so)
	expect_eq "replay, key B: records" "$(tail -n +2 "$T/b.csv" | wc -l)" 0
	expect_eq "replay, key B: header" "$(head -1 "$T/b.csv")" "$(head -1 "$T/a.csv")"
	grep -q "0 valid answers (0 targets up); $live failed validation" "$T/b.err" || fail "key B: $(cat "$T/b.err")"
	# forged SYN-ACKs from dead addresses, injected from the net side during
	# a scan: once zrecv validates answers (so it has zsend's start record),
	# and with zsend's input held open until they are all sent, so that
	# zrecv is still capturing
	mac=$(in_scan cat /sys/class/net/zs0/address)
	cat >"$T/forge.cfg" <<CFG
{ eth(da=$mac, sa=02:00:00:00:00:99), ipv4(saddr=198.18.17.1, daddr=198.18.0.1), tcp(sp=80, dp=drnd(), seq=drnd(), ackseq=drnd(), syn, ack) }
CFG
	in_scan bash -c "{ '$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24; while [ ! -e '$T/forged.go' ]; do sleep 0.05; done; } |
		'$ZS_BIN/zsend' -b /dev/null -q -r 100 |
		'$ZS_BIN/zrecv' -q -c 1 --status-updates '$T/forged.upd' --metadata '$T/forged.json'" >"$T/forged.csv" 2>"$T/forged.err" &
	scan=$!
	wait_until 60 update_at_least "$T/forged.upd" valid 1
	in_net trafgen --no-sock-mem -q -i zn0 -o /dev/null -c "$T/forge.cfg" -n 5000 >/dev/null 2>&1 ||
		in_net trafgen --no-sock-mem -q -o zn0 -c "$T/forge.cfg" -n 5000 >"$T/trafgen.log" 2>&1 || {
		touch "$T/forged.go"
		fail "trafgen: $(cat "$T/trafgen.log")"
	}
	touch "$T/forged.go"
	wait $scan || fail "the scan with forgeries failed: $(cat "$T/forged.err")"
	expect_eq "forged rows" "$(grep -c '^198.18.17.' "$T/forged.csv" || true)" 0
	local failed drops
	failed=$(json "$T/forged.json" failed_validation)
	drops=$(($(json "$T/forged.json" pcap_drops) + $(json "$T/forged.json" interface_drops)))
	[ $((failed + drops)) -ge 5000 ] || fail "only $failed of 5000 forgeries counted ($drops dropped)"
	expect_eq "live hosts still found" "$(awk -F, 'NR > 1 && $11 == 1' "$T/forged.csv" | wc -l)" "$live"
	echo "  5000 forged SYN-ACKs: $failed failed validation, $drops dropped by the capture"
}

test_scan_split_setup_with_a_key_file() {
	# the Zippier ZMap split: the sender in one namespace sends from an
	# address that lives in another, where the receiver captures the answers
	LAB_LIVE="198.18.16.0/24:30" LAB_RECEIVER=1 scan_lab_up
	make_key "$T/key"
	local live rc=0
	live=$(wc -l <"$LAB_DIR/live.txt")
	# armed (its first status row) before zsend starts; ended by SIGINT once
	# every live host is in (-t is only a backstop)
	ip netns exec "$LAB_RECV" "$ZS_BIN/zrecv" -q -k "$T/key" -i zr0 -t 240 --status-updates "$T/recv.upd" \
		</dev/null >"$T/res.csv" 2>"$T/recv.err" &
	recv=$!
	wait_armed "$T/recv.upd"
	"$ZS_BIN/zgen" -b /dev/null -p 80 198.18.16.0/24 |
		in_scan "$ZS_BIN/zsend" -b /dev/null -q -k "$T/key" -S 198.18.1.1 >/dev/null
	wait_until 60 update_at_least "$T/recv.upd" targets_up "$live"
	kill -INT $recv
	wait $recv || rc=$?
	expect_eq "zrecv's exit, ended by SIGINT with no stream" "$rc" 0
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "split setup found $(wc -l <"$T/found") of $live"
	expect_eq "answers to the receiver's address" "$(awk -F, 'NR > 1 {print $2}' "$T/res.csv" | sort -u)" 198.18.1.1
	# a conflicting flag is refused with a clear message
	rc=0
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/30 | '$ZS_BIN/zsend' -b /dev/null -q -k '$T/key' | '$ZS_BIN/zrecv' -q -k '$T/key' -M icmp_echo" >/dev/null 2>"$T/conflict.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "conflicting -M accepted"
	grep -q -- "-M icmp_echo conflicts with zsend's module tcp_syn" "$T/conflict.err" || fail "$(cat "$T/conflict.err")"
}

test_scan_agrees_with_debian_zmap() {
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/26" scan_lab_up
	: >"$T/empty"
	gw=$(in_net cat /sys/class/net/zn0/address)
	in_scan timeout 60 zmap -C /dev/null -b "$T/empty" -q -i zs0 -S 198.18.0.1 -G "$gw" -p 80 \
		-r 20000 -c 2 -o "$T/zmap.txt" 198.18.16.0/22 198.18.64.0/26 >/dev/null 2>"$T/zmap.err" ||
		fail "zmap: $(tail -3 "$T/zmap.err")"
	pipeline -p 80 198.18.16.0/22 198.18.64.0/26 | awk -F, 'NR > 1 && $11 == 1 {print $1}' | sorted >"$T/zscan"
	sorted -u "$T/zmap.txt" >"$T/zmap"
	cmp -s "$T/zscan" "$T/zmap" || fail "zscan and zmap differ: $(comm -3 "$T/zscan" "$T/zmap" | head)"
	cmp -s "$T/zscan" <(sorted "$LAB_DIR/live.txt") || fail "both differ from the ground truth"
	echo "  zmap and zscan both found the $(wc -l <"$T/zscan") live hosts"
}

test_scan_four_stage_pipeline_with_zfilter() {
	LAB_LIVE="198.18.16.0/22:10" LAB_TCP_PORTS="80 443" scan_lab_up
	# two ports: zfilter prints each live host once
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80,443 198.18.16.0/22 | '$ZS_BIN/zsend' -b /dev/null -q | '$ZS_BIN/zrecv' -q -c 1 | '$ZS_BIN/zfilter'" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "found $(wc -l <"$T/found") of $(wc -l <"$LAB_DIR/live.txt")"
}

test_scan_with_sender_threads_finds_the_same_hosts() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	for t in 2 4; do
		ZSEND_ARGS="-T $t -r 40000" pipeline -p 80 198.18.16.0/20 |
			awk -F, 'NR > 1 && $11 == 1 {print $1}' | sorted >"$T/found$t"
		cmp -s "$T/found$t" <(sorted "$LAB_DIR/live.txt") ||
			fail "-T $t found $(wc -l <"$T/found$t") of $(wc -l <"$LAB_DIR/live.txt")"
	done
}

test_scan_probes_per_target_count_hosts_once() {
	LAB_LIVE="198.18.16.0/22:30" scan_lab_up
	ZSEND_ARGS="-P 3" ZRECV_ARGS="-f saddr,dport,success,repeat" pipeline -p 80 198.18.16.0/22 >"$T/res.csv" 2>"$T/err"
	live=$(wc -l <"$LAB_DIR/live.txt")
	expect_eq "answers" "$(awk -F, 'NR > 1 && $3 == 1' "$T/res.csv" | wc -l)" $((3 * live))
	expect_eq "first answers" "$(awk -F, 'NR > 1 && $4 == 0' "$T/res.csv" | wc -l)" "$live"
	expect_eq "source ports per host" "$(awk -F, 'NR > 1 {print $1 "," $2}' "$T/res.csv" | sort -u | wc -l)" $((3 * live))
	awk -F, 'NR > 1 && $4 == 0 {print $1}' "$T/res.csv" | sorted | cmp -s - <(sorted "$LAB_DIR/live.txt") ||
		fail "hosts differ from the ground truth"
}

test_scan_key_files_in_one_pipeline_lose_nothing() {
	# zsend -k waits for the zrecv -k of its pipeline to say it is armed;
	# when it gives up waiting it says "...; sending anyway"
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	make_key "$T/key"
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -b /dev/null -q -k '$T/key' |
		'$ZS_BIN/zrecv' -q -c 1 -k '$T/key' | '$ZS_BIN/zfilter'" 2>"$T/err" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "found $(wc -l <"$T/found") of $(wc -l <"$LAB_DIR/live.txt")"
	if grep -q "sending anyway" "$T/err"; then fail "zsend did not see zrecv: $(cat "$T/err")"; fi
}

test_scan_metadata_and_status_updates() {
	LAB_LIVE="198.18.16.0/22:10" scan_lab_up
	ZSEND_ARGS="-r 2000 --metadata $T/send.json --status-updates $T/send.csv" \
		ZRECV_ARGS="--metadata $T/recv.json --status-updates $T/recv.csv" \
		pipeline --header -e 9 -p 80 198.18.16.0/22 >"$T/res.csv"
	live=$(wc -l <"$LAB_DIR/live.txt")
	python3 - "$T" "$live" <<'PY' || fail "metadata"
import csv, json, sys
t, live = sys.argv[1], int(sys.argv[2])
s = json.load(open(t + "/send.json"))
r = json.load(open(t + "/recv.json"))
def eq(what, got, want):
    if got != want:
        sys.exit("%s: got %r, want %r" % (what, got, want))
eq("send tool/module", (s["tool"], s["module"], s["probes_per_target"]), ("zsend", "tcp_syn", 1))
eq("send counts", (s["targets"], s["probes_sent"], s["blocked_skipped"], s["bad_lines"], s["interrupted"]),
   (1024, 1024, 0, 0, False))
# over the whole run, path setup and the last flush included: never above
# -r, however fast the machine (probe k is due k / rate after the first,
# so 1024 probes take 1023/2000 s at least: the run is never shorter); a
# slow machine may be below -r
eq("send rate", 0 < s["send_rate"] <= 2040, True)
eq("duration at least 1023 / 2000 s", s["duration_s"] >= 0.51, True)
eq("zgen's header", (s["seed"], s["shard"], s["shards"], s["zgen_targets"]), (9, 0, 1, 1024))
eq("recv module", (r["tool"], r["module"], r["probes_sent"], r["sender_done"]), ("zrecv", "tcp_syn", 1024, True))
eq("recv counts", (r["targets_up"], r["successes"], r["failed_validation"], r["pcap_drops"]), (live, live, 0, 0))
eq("hit rate", round(r["hit_rate_pct"], 3), round(100.0 * live / 1024, 3))
eq("same key", s["key_fingerprint"], r["key_fingerprint"])
eq("times", s["start_time"] < s["end_time"] and r["start_time"] <= s["start_time"], True)
u = list(csv.DictReader(open(t + "/send.csv")))
eq("send updates: last", (u[-1]["type"], int(u[-1]["sent"])), ("done", 1024))
# a status row each second of the run, by the rows' own clock (the done
# row's time): the one due just before the end may be overtaken by it
st = [float(x["time"]) for x in u if x["type"] == "status"]
done_t = float(u[-1]["time"])
eq("send updates: types", {x["type"] for x in u[:-1]} <= {"status"}, True)
eq("send updates: status rows for a run of %.3f s" % done_t, int(done_t) - 1 <= len(st) <= int(done_t), True)
eq("send updates: each a second on", all(k + 1 <= t < done_t for k, t in enumerate(st)), True)
eq("send updates: sent grows", [int(x["sent"]) for x in u] == sorted(int(x["sent"]) for x in u), True)
v = list(csv.DictReader(open(t + "/recv.csv")))
eq("recv updates: last", int(v[-1]["targets_up"]), live)
eq("recv updates: time grows", [float(x["time"]) for x in v] == sorted(float(x["time"]) for x in v), True)
PY
	echo "  $(cat "$T/recv.json")"
}
