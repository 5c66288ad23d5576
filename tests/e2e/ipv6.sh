# IPv6 end to end, in the lab's 2001:2::/48 (RFC 5180): zgen | zsend | zrecv
# over IPv6 prefixes and hitlists with every module, a stream of both
# families, ICMPv6 errors, another scan's answers, resume over an IPv6
# hitlist, and nmap -6 in the same lab; each against the lab's ground truth.

LIVE6=2001:2:0:10::/120

# pipeline6 ZGEN-ARGS...: the default pipeline in the scanner namespace;
# env ZSEND_ARGS, ZRECV_ARGS
pipeline6() {
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null $* | '$ZS_BIN/zsend' -b /dev/null -q ${ZSEND_ARGS:-} | '$ZS_BIN/zrecv' -q -c 1 ${ZRECV_ARGS:-}"
}

# the successes' saddr column of CSV on stdin, sorted and distinct
found_hosts() {
	python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print("\n".join(sorted({r["saddr"] for r in rows if r["success"] == "1" and r.get("repeat", "0") == "0"})))'
}

# the live hosts of a prefix (of live.txt), sorted as found_hosts sorts
live_in() { # PREFIX
	python3 -c '
import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1])
print("\n".join(sorted(a for a in open(sys.argv[2]).read().split() if ipaddress.ip_address(a) in net)))' "$1" "$LAB_DIR/live.txt"
}

test_ipv6_every_module_finds_exactly_the_live_hosts() {
	LAB_LIVE="$LIVE6:30" LAB_TCP_PORTS=80 LAB_UDP_PORTS=53 scan_lab_up
	live_in "$LIVE6" >"$T/want"
	[ "$(wc -l <"$T/want")" -gt 40 ] || fail "too few live hosts: $(wc -l <"$T/want")"
	ZSEND_ARGS="-M tcp_syn" pipeline6 -p 80 "$LIVE6" >"$T/syn.csv" || fail "tcp_syn scan failed"
	found_hosts <"$T/syn.csv" >"$T/syn"
	cmp -s "$T/syn" "$T/want" || fail "tcp_syn: $(diff "$T/syn" "$T/want" | head -5)"
	head -1 "$T/syn.csv" | grep -q '^saddr,daddr,sport,dport' || fail "no header"
	# every row's addresses are IPv6 text, its daddr ours
	awk -F, 'NR > 1 && $2 != "2001:2::1" {bad++} END {exit bad > 0}' "$T/syn.csv" ||
		fail "a row not to 2001:2::1: $(sed -n 2p "$T/syn.csv")"
	ZSEND_ARGS="-M tcp_ack" pipeline6 -p 80 "$LIVE6" | found_hosts >"$T/ack"
	cmp -s "$T/ack" "$T/want" || fail "tcp_ack: $(diff "$T/ack" "$T/want" | head -5)"
	for m in icmp_echo icmp_echo_time; do
		ZSEND_ARGS="-M $m" pipeline6 "$LIVE6" | found_hosts >"$T/$m"
		cmp -s "$T/$m" "$T/want" || fail "$m: $(diff "$T/$m" "$T/want" | head -5)"
	done
	ZSEND_ARGS="-M udp --probe-args text:hello" pipeline6 -p 53 "$LIVE6" >"$T/udp.csv"
	found_hosts <"$T/udp.csv" >"$T/udp"
	cmp -s "$T/udp" "$T/want" || fail "udp: $(diff "$T/udp" "$T/want" | head -5)"
	# the listener's answer: "zscan-lab 53 " and the probe's payload
	grep -q ",$(printf 'zscan-lab 53 hello' | od -An -tx1 | tr -d ' \n')," "$T/udp.csv" ||
		fail "udp data: $(sed -n 2p "$T/udp.csv")"
	# the round-trip time of icmp_echo_time is there and sane (under 1 s)
	ZSEND_ARGS="-M icmp_echo_time" ZRECV_ARGS="-f saddr,rtt_us,success" pipeline6 "$LIVE6" >"$T/rtt.csv"
	awk -F, 'NR > 1 && $3 == 1 && ($2 < 1 || $2 > 1000000) {bad++} END {exit bad > 0}' "$T/rtt.csv" ||
		fail "rtt: $(sed -n 2p "$T/rtt.csv")"
}

# One stream of both families, as zgen writes it: both are found, each
# family by its own path (an IPv6 next hop by neighbour discovery).
test_ipv6_mixed_stream_finds_both_families() {
	LAB_LIVE="198.18.16.0/24:25 $LIVE6:25" scan_lab_up
	{ live_in 198.18.16.0/24; live_in "$LIVE6"; } | LC_ALL=C sort >"$T/want"
	# an empty neighbour table: zsend solicits both next hops; the stream
	# starts with either family (the second family's path and templates
	# come while the senders run)
	local first seed
	for first in v4 v6; do
		for seed in $(seq 1 50); do
			"$ZS_BIN/zgen" -b /dev/null -e "$seed" -p 80 198.18.16.0/24 "$LIVE6" | head -1 |
				grep -q : && [ "$first" = v6 ] && break
			"$ZS_BIN/zgen" -b /dev/null -e "$seed" -p 80 198.18.16.0/24 "$LIVE6" | head -1 |
				grep -qv : && [ "$first" = v4 ] && break
		done
		in_scan ip neigh flush all
		pipeline6 -e "$seed" -p 80 198.18.16.0/24 "$LIVE6" >"$T/out.csv" ||
			fail "mixed scan, $first first, failed"
		found_hosts <"$T/out.csv" | LC_ALL=C sort >"$T/got"
		cmp -s "$T/got" "$T/want" || fail "mixed, $first first: $(diff "$T/got" "$T/want" | head -5)"
	done
	grep -q '^198\.18\.16\.' "$T/got" && grep -q '^2001:2:0:10::' "$T/got" || fail "one family missing"
	# -S of both families: each family's probes leave from its own
	ZSEND_ARGS="-S 198.18.0.1,2001:2::1" pipeline6 -p 80 198.18.16.0/24 "$LIVE6" |
		found_hosts | LC_ALL=C sort >"$T/got_s"
	cmp -s "$T/got_s" "$T/want" || fail "-S both: $(diff "$T/got_s" "$T/want" | head -5)"
	# 256 sources of each family, the IPv6 ones as long as text goes: a
	# start record of 14 KiB reaches zrecv whole, and every answer is found
	local hi6=2001:2:0:ff00:ffff:ffff:ffff
	in_net ip route add 198.18.3.0/24 via 198.18.0.1
	in_net ip -6 route add "$hi6:ff00/120" via 2001:2::1
	ZSEND_ARGS="-S 198.18.3.0-198.18.3.255,$hi6:ff00-$hi6:ffff" \
		ZRECV_ARGS="-f saddr,daddr,success,repeat" \
		pipeline6 -p 80 198.18.16.0/24 "$LIVE6" >"$T/many.csv" || fail "256 + 256 sources: scan failed"
	found_hosts <"$T/many.csv" | LC_ALL=C sort >"$T/got_m"
	cmp -s "$T/got_m" "$T/want" || fail "256 + 256 sources: $(diff "$T/got_m" "$T/want" | head -5)"
	expect_eq "distinct sources answered" "$(python3 -c '
import csv, sys
print(len({r["daddr"] for r in csv.DictReader(open(sys.argv[1]))}) > 40)' "$T/many.csv")" True
	# zfilter dedups and filters the IPv6 rows like the IPv4 ones
	cat "$T/out.csv" "$T/out.csv" | "$ZS_BIN/zfilter" | LC_ALL=C sort >"$T/zf"
	cmp -s "$T/zf" "$T/want" || fail "zfilter: $(diff "$T/zf" "$T/want" | head -5)"
	one=$(grep : "$T/want" | head -1)
	expect_eq "zfilter --where saddr = $one" "$("$ZS_BIN/zfilter" --where "saddr = $one" <"$T/out.csv")" "$one"
	expect_eq "zfilter --where saddr > 2001:2:0:10::ff" \
		"$("$ZS_BIN/zfilter" --where 'saddr > 2001:2:0:10::ff' <"$T/out.csv" | wc -l)" 0
}

# ICMPv6 errors quoting our probes are answers, classified, with the router
# that sent them; answers to another scan's probes (another key) are not.
test_ipv6_icmpv6_errors_and_other_scans() {
	LAB_LIVE="$LIVE6:50" LAB_UNREACH=2001:2:0:20::/124 LAB_PROHIBIT=2001:2:0:30::/124 scan_lab_up
	ZRECV_ARGS="-f saddr,classification,icmp_type,icmp_code,icmp_responder,success" \
		pipeline6 -p 80 2001:2:0:20::/124 2001:2:0:30::/124 >"$T/err.csv"
	# (the net side sends them from its own address)
	expect_eq "unreachable" "$(grep -c '^2001:2:0:20::[0-9a-f]*,unreach,1,3,2001:2::2,0$' "$T/err.csv")" 16
	expect_eq "prohibited" "$(grep -c '^2001:2:0:30::[0-9a-f]*,unreach,1,1,2001:2::2,0$' "$T/err.csv")" 16
	# two scans at once of the same targets, each with its key: each sees
	# only its own answers (the other's fail validation). The other key's
	# zrecv is armed (its first status row) before the scan starts, and
	# ended by SIGINT once it has refused as many answers as there are live
	# hosts (-t is only a backstop); ip netns exec directly: $! is zrecv
	make_key "$T/k1"
	make_key "$T/k2"
	local live rc=0
	live_in "$LIVE6" >"$T/want"
	live=$(wc -l <"$T/want")
	ip netns exec "$LAB_SCAN" "$ZS_BIN/zrecv" -q -k "$T/k2" -M tcp_syn -t 240 -i zs0 \
		--status-updates "$T/other.upd" --metadata "$T/other.json" </dev/null >"$T/other.csv" 2>"$T/other.err" &
	local other=$!
	wait_armed "$T/other.upd"
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 $LIVE6 | '$ZS_BIN/zsend' -q -b /dev/null -k '$T/k1' | '$ZS_BIN/zrecv' -q -c 1 -k '$T/k1' >'$T/own.csv'"
	wait_until 60 update_at_least "$T/other.upd" failed_validation "$live"
	kill -INT $other
	wait $other || rc=$?
	expect_eq "the other key's zrecv, ended by SIGINT with no stream" "$rc" 0
	found_hosts <"$T/own.csv" >"$T/own"
	cmp -s "$T/own" "$T/want" || fail "own scan: $(diff "$T/own" "$T/want" | head -3)"
	expect_eq "rows of the other key's zrecv" "$(tail -n +2 "$T/other.csv" | wc -l)" 0
	expect_eq "valid answers for the other key" "$(json "$T/other.json" responses_validated)" 0
	local refused
	refused=$(json "$T/other.json" failed_validation)
	[ "$refused" -ge "$live" ] || fail "the other key's zrecv refused $refused answers, want $live or more"
	echo "  the other key's zrecv refused $refused answers; the scan has $live live hosts"
}

# The IPv6 SYN probes in a capture, as "address,port" lines, sorted.
probes6_in() { # PCAP
	tshark -r "$1" -T fields -E separator=, -e ipv6.dst -e tcp.dstport 2>/dev/null | LC_ALL=C sort
}

# An IPv6 hitlist, interrupted and resumed: every live host is found across
# the parts, and the net side sees the first part's targets and then the
# rest, each exactly once. zsend is stopped once it says it has sent 100
# probes, and its input's last 500 lines come only after the signal: the
# stop lands part-way on any machine.
test_ipv6_resume_is_exact_over_a_hitlist() {
	LAB_LIVE="2001:2:0:10::/116:20" scan_lab_up
	python3 -c '
import ipaddress, random
r = random.Random(4)
net = list(ipaddress.ip_network("2001:2:0:10::/116"))
print("\n".join(str(a) for a in r.sample(net, 3000)))' >"$T/hits"
	local zg="'$ZS_BIN/zgen' -e 5 -b /dev/null -p 80 -w '$T/hits'"
	"$ZS_BIN/zgen" -e 5 -b /dev/null -p 80 -w "$T/hits" >"$T/all"
	"$ZS_BIN/zgen" -e 5 -b /dev/null -p 80 -w "$T/hits" --header >"$T/in1"
	# at -r 1000 zsend hands out targets (and writes a status row each
	# second) until all but about half a second of its input is sent
	local zs="'$ZS_BIN/zsend' -q -b /dev/null -T 2 -r 1000"
	start_capture "$LAB_NET" zn0 "ip6 and ip6[6] == 6 and ip6[53] & 18 == 2"
	in_scan bash -c "{ head -n -500 '$T/in1'; while [ ! -e '$T/go' ]; do sleep 0.05; done; tail -n 500 '$T/in1'; } |
		$zs --metadata '$T/s1.json' --status-updates '$T/u1.csv' | '$ZS_BIN/zrecv' -q -c 1" >"$T/p1.csv" 2>"$T/p1.err" &
	local scan=$! pid rc=0
	pid=$(pid_of "$ZS_BIN/zsend" "$T/s1.json")
	wait_sent "$T/u1.csv" 100
	kill -INT "$pid"
	touch "$T/go"
	wait $scan || rc=$?
	expect_eq "part 1's exit (zsend was stopped)" "$rc" 3
	local n
	n=$(json "$T/s1.json" resume)
	[ "$n" -ge 100 ] && [ "$n" -le 2500 ] || fail "resume point $n: want 100 (sent before the signal) to 2500 (read before it)"
	stop_capture "$n"
	mv "$T/cap.pcap" "$T/cap1.pcap"
	head -n "$n" "$T/all" | LC_ALL=C sort >"$T/want1"
	probes6_in "$T/cap1.pcap" >"$T/got1"
	cmp -s "$T/got1" "$T/want1" || fail "part 1 probes != the first $n targets: $(comm -3 "$T/got1" "$T/want1" | head -3)"
	start_capture "$LAB_NET" zn0 "ip6 and ip6[6] == 6 and ip6[53] & 18 == 2"
	in_scan bash -c "$zg --header --resume $n | $zs | '$ZS_BIN/zrecv' -q -c 1" >"$T/p2.csv"
	stop_capture $((3000 - n))
	tail -n +$((n + 1)) "$T/all" | LC_ALL=C sort >"$T/want2"
	probes6_in "$T/cap.pcap" >"$T/got2"
	cmp -s "$T/got2" "$T/want2" || fail "part 2 probes != the other $((3000 - n)) targets"
	cat "$T/p1.csv" "$T/p2.csv" | found_hosts >"$T/got"
	python3 -c '
import sys
live = set(open(sys.argv[1]).read().split())
print("\n".join(sorted(a for a in open(sys.argv[2]).read().split() if a in live)))' "$LAB_DIR/live.txt" "$T/hits" >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "found across the parts: $(comm -3 "$T/got" "$T/want" | head -3)"
	echo "  stopped after $n of 3000 targets; every target probed once across the parts"
}

# nmap -6 -sS over the same addresses finds the same open set.
test_ipv6_nmap_finds_the_same_set() {
	command -v nmap >/dev/null || fail "nmap is not installed"
	LAB_LIVE="$LIVE6:30" scan_lab_up
	lab_drop_unsolicited_synacks
	pipeline6 -p 80 "$LIVE6" | found_hosts >"$T/zscan"
	python3 -c '
import ipaddress, sys
print("\n".join(str(a) for a in ipaddress.ip_network(sys.argv[1])))' "$LIVE6" >"$T/targets"
	in_scan timeout 120 nmap -6 -n -Pn -sS -p 80 --open -oG "$T/nmap.txt" -iL "$T/targets" >/dev/null 2>&1 ||
		fail "nmap failed"
	grep -o 'Host: [0-9a-f:]*' "$T/nmap.txt" | awk '{print $2}' | sort -u | python3 -c '
import sys
print("\n".join(sorted(sys.stdin.read().split())))' >"$T/nmap"
	[ -s "$T/nmap" ] || fail "nmap found nothing"
	cmp -s "$T/zscan" "$T/nmap" || fail "zscan and nmap differ: $(diff "$T/zscan" "$T/nmap" | head -5)"
	live_in "$LIVE6" >"$T/want"
	cmp -s "$T/zscan" "$T/want" || fail "zscan differs from the lab"
}

# Forged IPv6 answers in flight: while the scan runs, the net side sends
# 1000 SYN-ACKs from addresses of the live prefix (live or not) to the
# scanner's source ports, with random sequence numbers, once zrecv
# validates answers (it has zsend's start record), with zsend's input held
# open until they are all sent. None passes: the results are exactly the
# live hosts, and every forgery is counted as failed validation or as
# dropped by the capture.
test_ipv6_forged_answers_are_refused() {
	LAB_LIVE="$LIVE6:30" scan_lab_up
	lab_drop_unsolicited_synacks
	local forged=1000
	in_scan bash -c "{ '$ZS_BIN/zgen' -b /dev/null -p 80 $LIVE6; while [ ! -e '$T/go' ]; do sleep 0.05; done; } |
		'$ZS_BIN/zsend' -b /dev/null -q -r 100 |
		'$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json' --status-updates '$T/r.upd'" >"$T/out.csv" 2>"$T/err" &
	local scan=$!
	poll_until 60 update_at_least "$T/r.upd" valid 1 || {
		touch "$T/go"
		fail "no answer validated: $(cat "$T/err")"
	}
	in_net python3 - "$forged" >"$T/forged.out" 2>&1 <<-'PY' || {
		import ipaddress, random, socket, struct, sys, time
		r = random.Random(9)
		net = list(ipaddress.ip_network("2001:2:0:10::/120"))
		for _ in range(int(sys.argv[1])):
		    f = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_TCP)
		    f.setsockopt(socket.IPPROTO_IPV6, 7, 16)  # IPV6_CHECKSUM: the kernel fills it
		    f.setsockopt(socket.IPPROTO_IPV6, 78, 1)  # IPV6_FREEBIND: any source
		    f.bind((str(r.choice(net)), 0))
		    tcp = struct.pack(">HHIIBBHHH", 80, r.randrange(32768, 61001), r.getrandbits(32),
		                      r.getrandbits(32), 0x50, 0x12, 28800, 0, 0)
		    f.sendto(tcp, ("2001:2::1", 0))
		    f.close()
		    time.sleep(0.001)
	PY
		touch "$T/go"
		fail "the forger failed: $(cat "$T/forged.out")"
	}
	touch "$T/go"
	wait "$scan" || fail "the scan failed: $(cat "$T/err")"
	live_in "$LIVE6" >"$T/want"
	found_hosts <"$T/out.csv" >"$T/got"
	cmp -s "$T/got" "$T/want" || fail "results != the live hosts: $(comm -3 "$T/got" "$T/want" | head -3)"
	local bad drops
	bad=$(json "$T/r.json" failed_validation)
	drops=$(($(json "$T/r.json" pcap_drops) + $(json "$T/r.json" interface_drops)))
	[ $((bad + drops)) -ge "$forged" ] || fail "$bad failed validation and $drops dropped of $forged forged"
	echo "  $forged forged SYN-ACKs, $bad failed validation, $drops dropped, $(wc -l <"$T/got") hosts found"
}

# Every module's IPv6 frame, decoded by an independent decoder (text2pcap
# and tshark, checksums verified): the addresses, hop limit, ports, types
# and the transport checksum over the IPv6 pseudo-header.
test_ipv6_dryrun_frames_decode_with_tshark() {
	dry6() { # MODULE LINE [ARGS...]
		local m=$1 line=$2
		shift 2
		echo "$line" | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 2001:2::1 -M "$m" "$@" >"$T/dry.txt"
		text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	}
	decode6() {
		tshark -r "$T/dry.pcap" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
			-T fields "$@" 2>/dev/null | tr '\t' ' '
	}
	dry6 tcp_syn 2001:2:0:10::5,443
	expect_eq "tcp_syn" "$(decode6 -e ipv6.src -e ipv6.dst -e ipv6.hlim -e tcp.dstport -e tcp.flags -e tcp.checksum.status)" \
		"2001:2::1 2001:2:0:10::5 255 443 0x0002 1"
	dry6 tcp_ack 2001:2:0:10::5,22
	expect_eq "tcp_ack" "$(decode6 -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.checksum.status)" \
		"2001:2:0:10::5 22 0x0010 1"
	dry6 icmp_echo 2001:2:0:10::6
	expect_eq "icmp_echo" "$(decode6 -e ipv6.dst -e icmpv6.type -e icmpv6.code -e icmpv6.checksum.status)" \
		"2001:2:0:10::6 128 0 1"
	dry6 icmp_echo_time 2001:2:0:10::6
	expect_eq "icmp_echo_time" "$(decode6 -e icmpv6.type -e icmpv6.checksum.status -e frame.len)" "128 1 78"
	dry6 udp 2001:2:0:10::7,9999 --probe-args hex:00ff10
	expect_eq "udp" "$(decode6 -e ipv6.dst -e udp.dstport -e udp.length -e udp.checksum.status -e data.data)" \
		"2001:2:0:10::7 9999 11 1 00ff10"
	printf 'to ${daddr}:${dport} from ${saddr}\n' >"$T/tmpl"
	dry6 udp 2001:2:0:10::7,9999 --probe-args "template:$T/tmpl"
	expect_eq "udp template" "$(decode6 -e udp.checksum.status -e data.data | awk '{print $1}')" 1
	expect_eq "udp template text" "$(decode6 -e data.data | xxd -r -p)" "to 2001:2:0:10::7:9999 from 2001:2::1"
	# a payload IPv6 cannot carry is a bad line for IPv6 targets only
	head -c 1460 /dev/zero >"$T/big"
	printf '2001:2:0:10::7,53\n198.18.16.7,53\n' | "$ZS_BIN/zsend" --dryrun -b /dev/null \
		-S 2001:2::1,198.18.0.1 -M udp --probe-args "file:$T/big" >"$T/dry.txt" 2>"$T/err" || true
	grep -q "stdin:1: an IPv6 target, and this module's probe has no IPv6 form" "$T/err" ||
		fail "big payload: $(cat "$T/err")"
	grep -q '^000000' "$T/dry.txt" || fail "the IPv4 target was not probed"
}

# Answers behind IPv6 extension headers (hop-by-hop, destination options)
# pass the capture filter, whose ip6[6] tests cannot follow the chain, and
# are validated like any other: the lab's real SYN-ACKs, captured, each
# rewritten with one and with the other header, are every live host.
test_ipv6_answers_behind_extension_headers_are_read() {
	LAB_LIVE="$LIVE6:30" scan_lab_up
	make_key "$T/key"
	start_capture "$LAB_SCAN" zs0 "ip6 and tcp and src net $LIVE6"
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 $LIVE6 | '$ZS_BIN/zsend' -b /dev/null -q -k '$T/key' -r 5000" >/dev/null
	stop_capture
	local live n
	live=$(live_in "$LIVE6" | wc -l)
	n=$(tcpdump -r "$T/cap.pcap" -n 2>/dev/null | wc -l)
	[ "$n" -ge "$live" ] || fail "captured $n answers for $live live hosts"
	python3 - "$T/cap.pcap" "$T/ext.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
hdr, off, out = data[:24], 24, []
while off < len(data):
    ts, us, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    ip = f[14:]
    plen = struct.unpack(">H", ip[4:6])[0] + 8
    for kind in (0, 60):  # hop-by-hop, destination options: PadN inside
        ext = bytes([ip[6], 0, 1, 4, 0, 0, 0, 0])
        g = f[:14] + ip[:4] + struct.pack(">H", plen) + bytes([kind]) + ip[7:40] + ext + ip[40:]
        out.append(struct.pack("<IIII", ts, us, len(g), len(g)) + g)
open(sys.argv[2], "wb").write(hdr + b"".join(out))
PY
	"$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/ext.pcap" --metadata "$T/ext.json" >"$T/ext.csv"
	expect_eq "validated behind extension headers" "$(json "$T/ext.json" responses_validated)" $((2 * n))
	expect_eq "targets up" "$(json "$T/ext.json" targets_up)" "$live"
	found_hosts <"$T/ext.csv" | LC_ALL=C sort >"$T/got"
	live_in "$LIVE6" | LC_ALL=C sort >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "$(diff "$T/got" "$T/want" | head -5)"
}
