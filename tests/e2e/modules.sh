# Probe modules beyond tcp_syn and icmp_echo: each one's frames decoded by an
# independent decoder (text2pcap + tshark), and a lab scan per module checked
# against the lab's ground truth; multi-port scans; the UDP probe files.

# dry MODULE TARGET-LINE [ZSEND-ARGS...]: the frame zsend would send, as
# $T/dry.pcap
dry() {
	local m=$1 line=$2
	shift 2
	echo "$line" | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 -M "$m" "$@" >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
}

# the dry-run frame's bytes from OFFSET on, as hex
frame_hex() { # OFFSET
	awk '{for (i = 2; i <= NF; i++) printf "%s", $i}' "$T/dry.txt" | cut -c$((2 * $1 + 1))-
}

# tshark fields of the dry-run frame, checksums verified
decode() {
	tshark -r "$T/dry.pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -T fields "$@" 2>/dev/null | tr '\t' ' '
}

test_modules_dryrun_frames_decode_with_tshark() {
	dry tcp_ack 198.18.16.5,22
	expect_eq "tcp_ack" "$(decode -e ip.dst -e tcp.dstport -e tcp.flags -e ip.checksum.status -e tcp.checksum.status)" \
		"198.18.16.5 22 0x0010 1 1"
	# the MAC is in both seq and ack: a RST for this ACK carries it back
	expect_eq "tcp_ack seq = ack" "$(decode -e tcp.seq_raw -e tcp.ack_raw | awk '{print ($1 == $2)}')" 1
	dry icmp_echo_time 198.18.16.6
	expect_eq "icmp_echo_time" "$(decode -e ip.dst -e icmp.type -e icmp.checksum.status -e ip.checksum.status -e frame.len)" \
		"198.18.16.6 8 1 1 58"
	# its data: send time (8-byte seconds, 4-byte microseconds), then the target
	now=$(date +%s)
	frame_hex 42 | python3 -c "
import sys, time
d = bytes.fromhex(sys.stdin.read().strip())
sec, usec = int.from_bytes(d[:8], 'big'), int.from_bytes(d[8:12], 'big')
assert abs(sec - $now) <= 2 and usec < 10**6, (sec, usec)
assert d[12:] == bytes([198, 18, 16, 6]), d[12:]" || fail "icmp_echo_time data"
	dry udp 198.18.16.7,9999 --probe-args hex:00ff10
	expect_eq "udp hex" "$(decode -e ip.dst -e udp.dstport -e udp.length -e udp.checksum.status -e data.data)" \
		"198.18.16.7 9999 11 1 00ff10"
	# an echo window at odd offsets and ends: the checksum still holds
	# (the words it shares with the payload were counted twice)
	for ec in 0:2 1:2 1:1 2:3 3:5 1:8; do
		dry udp 198.18.16.7,9999 --probe-args "hex:0102030405060708090a0b;echo=$ec"
		expect_eq "udp echo=$ec checksum" "$(decode -e udp.checksum.status)" 1
	done
	dry udp 198.18.16.7,9999 --probe-args "text:hello world"
	expect_eq "udp text" "$(decode -e udp.length -e udp.checksum.status -e data.data)" \
		"19 1 $(printf 'hello world' | od -An -tx1 | tr -d ' \n')"
	printf 'probe ${daddr}:${dport} from ${saddr}:${sport} nonce ${nonce}\n' >"$T/tmpl"
	dry udp 198.18.16.7,9999 --probe-args "template:$T/tmpl"
	text=$(decode -e data.data | xxd -r -p)
	sport=$(decode -e udp.srcport)
	[[ "$text" =~ ^"probe 198.18.16.7:9999 from 198.18.0.1:$sport nonce "[0-9a-f]{8}$ ]] || fail "template: '$text'"
	expect_eq "template checksum" "$(decode -e udp.checksum.status)" 1
	# the nonce is keyed per target: two targets, two nonces
	printf '198.18.16.7,9999\n198.18.16.8,9999\n' | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 \
		-M udp --probe-args "template:$T/tmpl" >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	expect_eq "nonces" "$(decode -e data.data | xxd -r -p | awk '{print $NF}' | sort -u | wc -l)" 2
}

test_modules_udp_probe_files_are_the_protocols() {
	# the committed files are what conf/udp-probes/generate writes
	mkdir -p "$T/gen"
	conf/udp-probes/generate "$T/gen"
	for f in "$T"/gen/*.pkt; do
		cmp -s "$f" "conf/udp-probes/$(basename "$f")" || fail "$(basename "$f") differs from its generator"
	done
	# (which files there are: tests/e2e/payloads.sh)
	# each decodes as its protocol (memcached: wireshark does not know its
	# UDP frame header, so the bytes are checked instead)
	dry udp 198.18.16.9,53 --probe-args file:conf/udp-probes/dns_53.pkt
	expect_eq "dns" "$(decode -e dns.flags.response -e dns.qry.name -e dns.qry.type -e udp.checksum.status)" "0 example.com 1 1"
	dry udp 198.18.16.9,123 --probe-args file:conf/udp-probes/ntp_123.pkt
	expect_eq "ntp" "$(decode -e ntp.flags.vn -e ntp.flags.mode -e ntp.ctrl.flags2.opcode)" "2 6 2"
	dry udp 198.18.16.9,1900 --probe-args file:conf/udp-probes/ssdp_1900.pkt
	expect_eq "ssdp" "$(decode -e http.request.method -e http.request.uri)" "M-SEARCH *"
	grep -q 'ST: upnp:rootdevice' conf/udp-probes/ssdp_1900.pkt || fail "ssdp search target"
	dry udp 198.18.16.9,161 --probe-args file:conf/udp-probes/snmp1_161.pkt
	expect_eq "snmp" "$(decode -e snmp.version -e snmp.community -e snmp.name)" "0 public 1.3.6.1.2.1.1.1.0"
	dry udp 198.18.16.9,11211 --probe-args file:conf/udp-probes/memcached_11211.pkt
	expect_eq "memcached" "$(decode -e udp.payload)" "5a5300000001000073746174730d0a"
}

test_modules_tcp_ack_finds_every_live_host() {
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/28" scan_lab_up
	# any port: a host with no connection answers an ACK with RST, open or not
	ZSEND_ARGS="-M tcp_ack -r 50000" pipeline -p 81 198.18.0.0/16 >"$T/res.csv"
	head -1 "$T/res.csv" | grep -q '^saddr,daddr,sport,dport,seqnum,acknum,window,ttl,ipid,classification,success' ||
		fail "header: $(head -1 "$T/res.csv")"
	awk -F, 'NR > 1 && $10 == "rst" && $11 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "RSTs != live hosts: $(comm -3 "$T/found" <(sorted "$LAB_DIR/live.txt") | head -3)"
	echo "  $(wc -l <"$T/found") live hosts answered the ACK"
}

# tcp_synack (ZMap's synackscan): a SYN-ACK nobody asked for draws a RST
# carrying its acknowledgement, open port or not, on both families; the
# probe as tshark reads it.
test_modules_tcp_synack_finds_every_live_host() {
	dry tcp_synack 198.18.16.5,443
	expect_eq "the probe" "$(decode -e tcp.flags -e tcp.checksum.status -e tcp.options.mss_val)" "0x0012 1 1460"
	expect_eq "seq = ack" "$(decode -e tcp.seq_raw -e tcp.ack_raw | awk '{print ($1 == $2)}')" 1
	LAB_LIVE="198.18.16.0/24:20 2001:2:0:16::/120:20" LAB_TCP_PORTS="443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link' -p 443,8443 198.18.16.0/24 2001:2:0:16::/120 | '$ZS_BIN/zsend' -b /dev/null -q -M tcp_synack -r 5000 | '$ZS_BIN/zrecv' -q -c 1" >"$T/res.csv"
	awk -F, 'NR > 1 && $10 == "rst" && $11 == 1 {print $1}' "$T/res.csv" | sorted -u >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "RSTs != live hosts: $(comm -3 "$T/found" <(sorted "$LAB_DIR/live.txt") | head -3)"
	expect_eq "both ports of every live host" "$(awk -F, 'NR > 1 && $11 == 1 {print $1 "," $3}' "$T/res.csv" | sort -u | wc -l)" \
		$((2 * $(wc -l <"$LAB_DIR/live.txt")))
	echo "  $(wc -l <"$T/found") live hosts of both families answered the SYN-ACK"
}

test_modules_icmp_echo_time_measures_rtt() {
	LAB_LIVE="198.18.16.0/24:20" scan_lab_up
	start=$(date +%s)
	ZSEND_ARGS="-M icmp_echo_time -r 10000" ZRECV_ARGS="-f saddr,sent_timestamp_ts,sent_timestamp_us,rtt_us,timestamp_ts,timestamp_us,success" \
		pipeline 198.18.16.0/24 >"$T/res.csv"
	end=$(date +%s)
	expect_eq "header" "$(head -1 "$T/res.csv")" "saddr,sent_timestamp_ts,sent_timestamp_us,rtt_us,timestamp_ts,timestamp_us,success"
	awk -F, 'NR > 1 && $7 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "echo replies != live hosts"
	# each RTT is capture time minus the echoed send time, and plausible on a veth
	awk -F, -v s="$start" -v e="$end" 'NR > 1 {
		rtt = ($5 - $2) * 1000000 + ($6 - $3)
		if ($4 != rtt || $4 > 1000000 || $2 < s || $2 > e) { print "bad row: " $0; exit 1 }
	}' "$T/res.csv" || fail "rtt"
	echo "  median rtt $(awk -F, 'NR > 1 {print $4}' "$T/res.csv" | sort -n | awk '{a[NR] = $1} END {print a[int(NR / 2) + 1]}') us"
}

# icmp_echo_time's rtt_us is for echo replies alone: an ICMP error quotes
# the request's first 8 bytes, not its send time, so its rtt_us is empty
# (CSV) or "" (JSON, as an absent icmp_responder), never 0; zfilter reads
# both back, and --where 'rtt_us >= 0' keeps the replies.
test_modules_icmp_echo_time_rtt_empty_for_errors() {
	LAB_LIVE="198.18.16.0/28 2001:2:0:10::/124" LAB_UNREACH="198.18.20.0/28 2001:2:0:20::/124" \
		LAB_PROHIBIT=198.18.21.0/28 scan_lab_up
	local targets="198.18.16.0/28 198.18.20.0/28 198.18.21.0/28 2001:2:0:10::/124 2001:2:0:20::/124"
	for fmt in csv json; do
		in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null $targets | '$ZS_BIN/zsend' -b /dev/null -q -M icmp_echo_time |
			'$ZS_BIN/zrecv' -q -c 1 -O $fmt -f saddr,classification,rtt_us,success" >"$T/res.$fmt"
	done
	# JSON lines as CSV rows, by zfilter
	"$ZS_BIN/zfilter" -a -f saddr,classification,rtt_us,success -O csv <"$T/res.json" >"$T/json.csv"
	for f in res.csv json.csv; do
		expect_eq "$f: echo replies with an rtt" \
			"$(awk -F, '$2 == "echoreply" && $3 ~ /^[0-9]+$/ && $4 == 1' "$T/$f" | wc -l)" 32
		expect_eq "$f: errors with no rtt" "$(awk -F, '$2 == "unreach" && $3 == "" && $4 == 0' "$T/$f" | wc -l)" 48
		expect_eq "$f: rows" "$(tail -n +2 "$T/$f" | wc -l)" 80
	done
	expect_eq "JSON rtt_us of errors" "$(grep -c '"classification":"unreach","rtt_us":"","success":false}$' "$T/res.json")" 48
	expect_eq "--where 'rtt_us >= 0'" "$("$ZS_BIN/zfilter" --where 'rtt_us >= 0' -f saddr <"$T/res.csv" | sorted)" \
		"$(sorted "$LAB_DIR/live.txt")"
}

test_modules_udp_finds_listeners_and_closed_ports() {
	LAB_LIVE="198.18.16.0/24:30 198.18.20.0/28" LAB_UDP_PORTS="53 161" scan_lab_up
	ZSEND_ARGS="-M udp --probe-args file:$PWD/conf/udp-probes/dns_53.pkt -r 20000" \
		ZRECV_ARGS="-f saddr,sport,classification,success,udp_pkt_size,data" \
		pipeline -p 53 198.18.16.0/24 198.18.20.0/28 >"$T/res.csv"
	awk -F, 'NR > 1 && $3 == "udp" && $4 == 1 {print $1}' "$T/res.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(sorted "$LAB_DIR/live.txt") || fail "UDP answers != live hosts: $(comm -3 "$T/found" <(sorted "$LAB_DIR/live.txt") | head -3)"
	# the listener echoes the probe after "zscan-lab 53 ": data is the answer's payload
	want=$(printf 'zscan-lab 53 ' | od -An -tx1 | tr -d ' \n')$(od -An -tx1 conf/udp-probes/dns_53.pkt | tr -d ' \n')
	expect_eq "answer data" "$(awk -F, 'NR > 1 {print $6}' "$T/res.csv" | sort -u)" "$want"
	expect_eq "udp_pkt_size" "$(awk -F, 'NR > 1 {print $5}' "$T/res.csv" | sort -u)" $((8 + 13 + 29))
	# a closed port on every live host: ICMP port unreachable, not success
	ZSEND_ARGS="-M udp --probe-args text:x -r 20000" ZRECV_ARGS="-f saddr,classification,success,icmp_type,icmp_code,icmp_responder" \
		pipeline -p 54 198.18.16.0/24 198.18.20.0/28 >"$T/closed.csv"
	awk -F, 'NR > 1 && $2 == "port-unreachable" && $3 == 0 && $4 == 3 && $5 == 3 && $1 == $6 {print $1}' "$T/closed.csv" |
		sorted >"$T/unreach"
	cmp -s "$T/unreach" <(sorted "$LAB_DIR/live.txt") || fail "port unreachable != live hosts"
	expect_eq "other rows" "$(awk -F, 'NR > 1 && $2 != "port-unreachable"' "$T/closed.csv" | wc -l)" 0
	echo "  $(wc -l <"$T/found") UDP answers, $(wc -l <"$T/unreach") port unreachable"
}

test_modules_udp_answers_under_another_key_are_rejected() {
	LAB_LIVE="198.18.16.0/24:30" LAB_UDP_PORTS="161" scan_lab_up
	make_key "$T/keyA"
	make_key "$T/keyB"
	start_capture "$LAB_SCAN" zs0 "(udp or icmp) and src net 198.18.16.0/24"
	in_scan "$ZS_BIN/zrecv" -q -M udp -k "$T/keyA" -t 3 </dev/null >"$T/a.csv" &
	recv=$!
	sleep 1
	"$ZS_BIN/zgen" -b /dev/null -p 161,162 198.18.16.0/24 >"$T/targets"
	in_scan "$ZS_BIN/zsend" -q -b /dev/null -M udp --probe-args file:conf/udp-probes/snmp1_161.pkt \
		-k "$T/keyA" <"$T/targets" >/dev/null
	wait $recv
	stop_capture
	live=$(wc -l <"$LAB_DIR/live.txt")
	expect_eq "key A: answers on 161" "$(awk -F, 'NR > 1 && $3 == 161 && $13 == 1' "$T/a.csv" | wc -l)" "$live"
	expect_eq "key A: unreachable on 162" "$(awk -F, 'NR > 1 && $3 == 162 && $12 == "port-unreachable"' "$T/a.csv" | wc -l)" "$live"
	"$ZS_BIN/zrecv" -r "$T/cap.pcap" -M udp -k "$T/keyB" >"$T/b.csv" 2>"$T/b.err"
	expect_eq "key B: records" "$(tail -n +2 "$T/b.csv" | wc -l)" 0
	grep -q "0 valid answers (0 targets up); $((2 * live)) failed validation" "$T/b.err" || fail "key B: $(cat "$T/b.err")"
}

test_modules_multi_port_scan_finds_exactly_the_open_pairs() {
	LAB_LIVE="198.18.16.0/24:40 198.18.17.0/24:40 198.18.18.0/25" LAB_TCP_PORTS="22 80 443" \
		LAB_OPEN="198.18.16.0/24=80 198.18.17.0/24=22,443" scan_lab_up
	ZSEND_ARGS="-r 50000" ZRECV_ARGS="-f saddr,sport,classification,success,repeat" \
		pipeline -p 22,80,443,8080 198.18.16.0/23 198.18.18.0/25 >"$T/res.csv"
	awk -F, 'NR > 1 && $4 == 1 {print $1 "," $2}' "$T/res.csv" | sorted >"$T/found"
	sorted "$LAB_DIR/open_pairs.txt" >"$T/want"
	expect_eq "duplicates" "$(uniq -d "$T/found" | wc -l)" 0
	cmp -s "$T/found" "$T/want" || fail "open pairs differ: $(comm -3 "$T/found" "$T/want" | head -5)"
	# every other probed pair of a live host answered RST, none twice
	expect_eq "rst rows" "$(awk -F, 'NR > 1 && $3 == "rst"' "$T/res.csv" | wc -l)" \
		$((4 * $(wc -l <"$LAB_DIR/live.txt") - $(wc -l <"$T/want")))
	expect_eq "repeats" "$(awk -F, 'NR > 1 && $5 == 1' "$T/res.csv" | wc -l)" 0
	# found pairs feed back into zsend as targets: re-probing finds them all again
	ZSEND_ARGS="-r 50000" in_scan bash -c "'$ZS_BIN/zsend' -q -b /dev/null <'$T/found' | '$ZS_BIN/zrecv' -q -c 1" >"$T/again.csv"
	expect_eq "re-probe" "$(awk -F, 'NR > 1 && $11 == 1 {print $1 "," $3}' "$T/again.csv" | sorted | cmp - "$T/want" && echo same)" same
	echo "  $(wc -l <"$T/want") open (address, port) pairs of $(wc -l <"$LAB_DIR/live.txt") live hosts x 4 ports"
}

# tcp_syn's option profiles: each SYN as tshark decodes it (the kinds in
# order, checksums good), and a lab scan with timestamps whose decoded
# answer options equal tshark's reading of the SYN-ACKs captured on the
# scanner's link, host by host, with rtt_us from the echoed timestamp.
test_modules_tcp_syn_option_profiles_and_answer_options() {
	local prof want
	for prof in smallest-probes:2 windows:2,1,3,1,1,4 linux:2,4,8,1,3 bsd:2,1,3,4,8; do
		dry tcp_syn 198.18.16.5,80 --probe-args "${prof%%:*}"
		want=${prof#*:}
		expect_eq "${prof%%:*}: kinds, checksum" \
			"$(decode -e tcp.option_kind -e tcp.checksum.status -e tcp.options.mss_val)" "$want 1 1460"
	done
	expect_error "^zsend: --probe-args: 'solaris': no option profile of that name \\(smallest-probes, windows, linux, bsd\\)$" \
		sh -c "echo 198.18.16.5,80 | '$ZS_BIN/zsend' --dryrun -q -b /dev/null -S 198.18.0.1 --probe-args solaris"
	LAB_LIVE="198.18.16.0/26" scan_lab_up
	start_capture "$LAB_SCAN" zs0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)"
	ZSEND_ARGS="--probe-args linux" ZRECV_ARGS="-f saddr,tcpopt_mss,tcpopt_wscale,tcpopt_sack_perm,tcpopt_ts_val,tcpopt_ts_ecr,tcpopt_kinds,rtt_us,success" \
		pipeline -p 80 198.18.16.0/26 >"$T/out.csv"
	stop_capture 64
	# read as CSV is read (the kinds' cell is quoted); rtt from the echo:
	# more than nothing, less than the scan took
	python3 - "$T/out.csv" "$T/found" "$T/ours" <<'PY' || fail "rows: $(head -3 "$T/out.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = [r for r in rows if r["success"] == "1"]
open(sys.argv[2], "w").write("".join(r["saddr"] + "\n" for r in ok))
bad = [r for r in ok if not r["rtt_us"] or not 0 < int(r["rtt_us"]) < 5000000]
assert not bad, bad[:2]
with open(sys.argv[3], "w") as f:
    for r in ok:
        f.write(" ".join([r["saddr"], r["tcpopt_mss"], r["tcpopt_wscale"],
                          "1" if r["tcpopt_sack_perm"] == "1" else "0", r["tcpopt_ts_val"],
                          r["tcpopt_ts_ecr"], r["tcpopt_kinds"]]) + "\n")
PY
	cmp -s <(sorted "$T/found") <(sorted "$LAB_DIR/live.txt") || fail "found != live"
	tshark -r "$T/cap.pcap" -T fields -E separator=' ' -e ip.src -e tcp.options.mss_val \
		-e tcp.options.wscale.shift -e tcp.options.sack_perm -e tcp.options.timestamp.tsval \
		-e tcp.options.timestamp.tsecr -e tcp.option_kind 2>/dev/null |
		awk '{print $1, $2, $3, ($4 != "" ? "1" : "0"), $5, $6, $7}' | sorted -u >"$T/theirs"
	cmp -s <(sorted -u "$T/ours") "$T/theirs" || fail "decoded options != tshark's: $(diff <(sorted -u "$T/ours") "$T/theirs" | head -4 | tr '\n' ' ')"
	echo "  $(wc -l <"$T/theirs") SYN-ACKs: options as tshark reads them; rtt_us from the echoed timestamp"
}

# The modules built on UDP: each probe as tshark decodes it as its
# protocol, checksums good; the DNS questions of --probe-args spread across
# targets, and their RD bit as asked.
test_modules_udp_protocol_probes_decode_with_tshark() {
	dry dns 198.18.16.7,53 --probe-args "A,example.com"
	expect_eq "dns" "$(decode -e dns.qry.name -e dns.qry.type -e dns.flags.recdesired -e dns.count.queries -e udp.checksum.status)" \
		"example.com 1 1 1 1"
	dry dns 198.18.16.7,53 --probe-args "TXT:nr,example.org"
	expect_eq "dns :nr" "$(decode -e dns.qry.name -e dns.qry.type -e dns.flags.recdesired)" "example.org 16 0"
	for i in $(seq 1 40); do echo "198.18.16.$i,53"; done | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 \
		-M dns --probe-args "A,a.example;MX,b.example;CAA,c.example" >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	expect_eq "dns: three questions over 40 targets" "$(decode -e dns.qry.name -e dns.qry.type | sort -u | tr '\n' ' ')" \
		"a.example 1 b.example 15 c.example 257 "
	expect_eq "dns: distinct ids" "$(decode -e dns.id | sort -u | wc -l)" 40
	dry ntp 198.18.16.7,123
	expect_eq "ntp" "$(decode -e ntp.flags.vn -e ntp.flags.mode -e udp.length -e udp.checksum.status)" "4 3 56 1"
	[ "$(decode -e ntp.xmt)" != "$(decode -e ntp.org)" ] || fail "ntp: no transmit time"
	dry memcached 198.18.16.7,11211
	# after the request id (the MAC): sequence 0, 1 datagram, reserved, "stats\r\n"
	expect_eq "memcached" "$(frame_hex 44)" "00000001000073746174730d0a"
	expect_eq "memcached checksum" "$(decode -e udp.checksum.status)" 1
	dry upnp 198.18.16.7,1900
	expect_eq "upnp" "$(decode -e ssdp -e http.request.method -e http.request.uri -e udp.checksum.status)" "ssdp M-SEARCH * 1"
	expect_error "^zsend: --probe-args: " sh -c "echo 198.18.16.7,53 | '$ZS_BIN/zsend' --dryrun -q -b /dev/null -S 198.18.0.1 -M dns --probe-args 'BOGUS,example.com'"
	expect_error "^zsend: -M dns needs --probe-args " sh -c "echo 198.18.16.7,53 | '$ZS_BIN/zsend' --dryrun -q -b /dev/null -S 198.18.0.1 -M dns"
}
