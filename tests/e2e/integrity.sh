# No silent corruption (issue 15), tried with hostile and unusual inputs:
# CIDRs with host bits, endless and odd list and payload files, resume
# points past the end, UDP answers that only a port would have vouched
# for, link layers and fragments that zrecv skips (counted), messages that
# name the file.

test_integrity_cidrs_with_host_bits() {
	expect_error "'1.2.3.4/0': host bits set below the /0: the network is 0.0.0.0/0" \
		"$ZS_BIN/zgen" -b /dev/null 1.2.3.4/0 --count
	expect_error "'10.1.2.3/8': host bits set below the /8: the network is 10.0.0.0/8" \
		"$ZS_BIN/zblacklist" -b /dev/null --count 10.1.2.3/8
	# list files, as ZMap's hold them: taken as the network, with a warning
	printf '10.1.2.3/8\n# x\n192.168.1.1/16\n172.16.0.0/12\n' >"$T/hb.list"
	expect_eq "count" "$("$ZS_BIN/zgen" -b "$T/hb.list" --count 2>"$T/err")" $((2 ** 32 - 2 ** 24 - 2 ** 16 - 2 ** 20))
	expect_eq "warning" "$(cat "$T/err")" \
		"zgen: $T/hb.list:1: '10.1.2.3/8' has host bits set below the /8: taken as 10.0.0.0/8 (and 1 more entries with host bits set)"
	# zblacklist's input lines: a bad line, named
	local rc=0
	printf '10.1.2.3/8\n10.0.0.0/8 x\n' | "$ZS_BIN/zblacklist" -b /dev/null >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "passed" "$(cat "$T/out")" "10.0.0.0/8 x"
	expect_eq "message" "$(head -1 "$T/err")" "zblacklist: stdin:1: host bits set (the network is 10.0.0.0/8): '10.1.2.3/8'"
}

# Endless inputs are bounded: a list is streamed with a line limit, a
# payload file must be a small regular file; FIFOs and devices are one
# line, never read to the end or waited on (a tool that did would be
# killed by the timeout, with no such line).
test_integrity_inputs_are_bounded() {
	local tool
	for tool in "zgen -b" "zgen -w" "zblacklist -b"; do
		# shellcheck disable=SC2086 # tool and its option
		expect_error "/dev/zero:1: a line longer than 4096 bytes" timeout 30 $ZS_BIN/$tool /dev/zero --count
	done
	expect_error "/dev/zero: a character device, not a file" \
		"$ZS_BIN/zsend" --dryrun -M udp --probe-args file:/dev/zero
	mkfifo "$T/fifo"
	expect_error "$T/fifo: a FIFO, not a file" timeout 30 "$ZS_BIN/zsend" --dryrun -M udp --probe-args "file:$T/fifo"
	expect_error "$T: a directory, not a file" "$ZS_BIN/zsend" --dryrun -M udp --probe-args "file:$T"
	head -c 1473 /dev/urandom >"$T/big"
	expect_error "$T/big: 1473 bytes, more than the 1472 it may hold" \
		"$ZS_BIN/zsend" --dryrun -M udp --probe-args "file:$T/big"
	# a list through a pipe still works (process substitution)
	expect_eq "a list from a pipe" "$("$ZS_BIN/zgen" -b /dev/null -w <(echo 10.0.0.0/30) --count)" 4
	# a large allowlist: a hitlist of a million /32s costs its 4 bytes an
	# address (and the fixed lookup tables), not a tree path each or a copy
	# of the file: under 64 MiB (256 under ASan)
	python3 -c 'import random; r = random.Random(3); print("\n".join("%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256), r.randrange(256), r.randrange(256)) for _ in range(1000000)))' >"$T/big.list"
	/usr/bin/time -f '%M' "$ZS_BIN/zgen" -w "$T/big.list" --count >"$T/n" 2>"$T/kb"
	local kb limit=65536
	kb=$(tail -1 "$T/kb")
	[[ $ZS_BIN == *asan* ]] && limit=262144
	echo "  1,000,000 /32s: $(cat "$T/n") targets in $kb KiB"
	[ "$kb" -le "$limit" ] || fail "a million /32s took $kb KiB (limit $limit)"
	expect_eq "targets of the hitlist" "$(cat "$T/n")" "$(grep -Ev '^(0|10|127|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])|169\.254|172\.(1[6-9]|2[0-9]|3[01])|192\.168|198\.1[89]|192\.0\.[02]|192\.88\.99|198\.51\.100|203\.0\.113)\.' "$T/big.list" | sort -u | wc -l)"
}

test_integrity_resume_past_the_end() {
	expect_error "--resume 5 is past the end: shard 0 of 1 has 4 targets" \
		"$ZS_BIN/zgen" -e 1 -b /dev/null 10.0.0.0/30 --resume 5
	"$ZS_BIN/zgen" -e 1 -b /dev/null 10.0.0.0/30 --resume 4 >"$T/out" 2>"$T/err"
	expect_eq "at the end: nothing" "$(cat "$T/out")" ""
	grep -q "every target of the shard is done" "$T/err" || fail "no word: $(cat "$T/err")"
	expect_eq "one left" "$("$ZS_BIN/zgen" -e 1 -b /dev/null 10.0.0.0/30 --resume 3 | wc -l)" 1
}

# zrecv skips what holds no transport header it could validate, and says
# how many; VLAN-tagged answers are read; a pcap of another link type, or
# no pcap at all, is one line naming the file.
test_integrity_link_layers_and_fragments() {
	LAB_LIVE="198.18.16.0/24:40" scan_lab_up
	make_key "$T/key"
	start_capture "$LAB_SCAN" zs0 "tcp and src net 198.18.16.0/24"
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -b /dev/null -q -k '$T/key' -r 5000" >/dev/null
	stop_capture
	local live
	live=$(wc -l <"$LAB_DIR/live.txt")
	"$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/cap.pcap" --metadata "$T/plain.json" >/dev/null
	expect_eq "plain answers" "$(json "$T/plain.json" targets_up)" "$live"
	# the same frames with one and with two VLAN tags, and an ARP frame, an
	# IPv6 frame and a later fragment of each answer beside them; none
	# untagged
	python3 - "$T/cap.pcap" "$T/mixed.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
hdr, off, out = data[:24], 24, []
while off < len(data):
    ts, us, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    frames = [f[:12] + b"\x81\x00\x00\x05" + f[12:],
              f[:12] + b"\x88\xa8\x00\x07\x81\x00\x00\x05" + f[12:],
              f[:12] + b"\x08\x06" + bytes(28),
              f[:12] + b"\x86\xdd" + bytes(40)]
    ip = bytearray(f[14:])
    ip[6], ip[7] = 0x00, 0x10  # fragment offset 16 (128 bytes): no TCP header here
    frames.append(f[:14] + bytes(ip))
    for g in frames:
        out.append(struct.pack("<IIII", ts, us, len(g), len(g)) + g)
open(sys.argv[2], "wb").write(hdr + b"".join(out))
PY
	local n
	n=$(tcpdump -r "$T/cap.pcap" -n 2>/dev/null | wc -l)
	"$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/mixed.pcap" --metadata "$T/mixed.json" >"$T/mixed.csv"
	expect_eq "tagged answers validated" "$(json "$T/mixed.json" responses_validated)" $((2 * n))
	expect_eq "targets up" "$(json "$T/mixed.json" targets_up)" "$live"
	expect_eq "VLAN-tagged frames" "$(json "$T/mixed.json" vlan_tagged_frames)" $((2 * n))
	# ARP and IPv6 frames stop at the capture filter: the kernel counts them
	expect_eq "later fragments" "$(json "$T/mixed.json" fragments_skipped)" "$n"
	# another link type: named, with its number
	python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147))' "$T/user0.pcap"
	expect_error "$T/user0.pcap: link type 147 \(unnamed\) is not one zrecv reads" \
		"$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/user0.pcap"
	printf 'not a capture at all\n' >"$T/junk.pcap"
	expect_error "^zrecv: $T/junk.pcap: " "$ZS_BIN/zrecv" -q -k "$T/key" -r "$T/junk.pcap"
}

# UDP answers must carry the MAC's bits: the source port, and with
# ;echo=OFF:LEN the payload bytes the protocol echoes. With one source
# port, zsend warns that the port alone vouches for nothing; datagrams
# from hosts never probed, to that port, then pass, unless an echo rule
# is given, which they fail.
test_integrity_udp_answers_need_their_mac_bits() {
	LAB_LIVE="198.18.16.0/24" LAB_UDP_PORTS="53" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	# lab_udp answers "zscan-lab 53 " and the probe: the DNS id, at 0 in
	# the probe, comes back at 13
	local dns=conf/udp-probes/dns_53.pkt
	blast_strangers() { # unsolicited datagrams from never-probed hosts to port 40000
		in_net python3 -c '
import socket, time
for i in range(5):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND: any address of the lab
    s.bind(("198.18.16.%d" % (200 + i), 12345))
    s.sendto(b"zscan-lab 53 \x12\x34 stranger", ("198.18.0.1", 40000))
    time.sleep(0.05)'
	}
	for echo in "" ";echo=0:2@13"; do
		# the strangers come once zrecv validates answers (it has zsend's
		# start record), while zsend's input is held open: zrecv is
		# capturing until they are all sent
		rm -f "$T/go" "$T/upd.csv"
		in_scan bash -c "{ '$ZS_BIN/zgen' -b '$T/link' -p 53 198.18.16.0/26; while [ ! -e '$T/go' ]; do sleep 0.05; done; } |
			'$ZS_BIN/zsend' -b /dev/null -r 100 -s 40000-40000 -M udp --probe-args 'file:$dns$echo' |
			'$ZS_BIN/zrecv' -q -c 1 -f saddr,sport,classification,success --status-updates '$T/upd.csv'" >"$T/out.csv" 2>"$T/err" &
		local scan=$!
		poll_until 60 update_at_least "$T/upd.csv" valid 1 || {
			touch "$T/go"
			fail "no answer validated (echo '$echo'): $(cat "$T/err")"
		}
		blast_strangers
		touch "$T/go"
		wait $scan || fail "the scan failed (echo '$echo'): $(cat "$T/err")"
		local strangers
		strangers=$(grep -c '^198\.18\.16\.2[0-9][0-9],' "$T/out.csv" || true)
		awk -F, 'NR > 1 && $4 == 1 {print $1}' "$T/out.csv" | grep -v '^198\.18\.16\.2[0-9][0-9]$' | sorted -u >"$T/found"
		expect_eq "probed hosts found (echo '$echo')" "$(wc -l <"$T/found")" 64
		if [ -z "$echo" ]; then
			grep -q "udp answers carry 0.0 bits of the MAC with -s 40000-40000: .* odds of 1 in 1" "$T/err" ||
				fail "no warning: $(cat "$T/err")"
			expect_eq "strangers taken on the port alone" "$strangers" 5
		else
			expect_eq "strangers with an echo rule" "$strangers" 0
			grep -q "udp answers carry" "$T/err" && fail "a warning with 16 bits more: $(cat "$T/err")"
		fi
	done
	# the echo rule travels to zrecv in the start record; a conflicting
	# --probe-args is refused
	local rc=0
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link' -p 53 198.18.16.0/30 | '$ZS_BIN/zsend' -q -b /dev/null -M udp --probe-args 'file:$dns;echo=0:2@13' | '$ZS_BIN/zrecv' -q -c 0 --probe-args echo=0:2" >/dev/null 2>"$T/err" || rc=$?
	expect_eq "conflict" "$rc" 1
	grep -q "zrecv: --probe-args echo=0:2 conflicts with zsend's echo=0:2@13" "$T/err" || fail "$(cat "$T/err")"
	expect_error "echo=0:9: LEN is 1 to 8 bytes" "$ZS_BIN/zsend" --dryrun -M udp --probe-args "hex:00112233;echo=0:9"
	expect_error "echo=2:4 is past the payload's 4 bytes" "$ZS_BIN/zsend" --dryrun -M udp --probe-args "hex:00112233;echo=2:4"
}

# Every message is one line, showing the invisible bytes of what it quotes.
test_integrity_messages_show_invisible_bytes() {
	expect_error "^zsend: -S: '1.2\\\\x0a3' is not an address" "$ZS_BIN/zsend" -S "$(printf '1.2\n3')"
	expect_error "^zgen: -p: '80\\\\x0a1' is not a port" "$ZS_BIN/zgen" -p "$(printf '80\n1')"
	expect_error "^zsend: -M: no probe module 'x\\\\x09y'" "$ZS_BIN/zsend" -M "$(printf 'x\ty')"
	expect_error "^zrecv: -O: 'c\\\\x0dsv' is not csv or json" "$ZS_BIN/zrecv" -O "$(printf 'c\rsv')"
	expect_error "^zgen: '10.0.0.1\\\\x1b\[31m': not an IPv4 address" "$ZS_BIN/zgen" "$(printf '10.0.0.1\033[31m')"
	printf '198.51.100.1\000\n' >"$T/list"
	expect_error "$T/list:1: not an IPv4 address or CIDR: '198.51.100.1\\\\x00'" "$ZS_BIN/zgen" -w "$T/list"
}
