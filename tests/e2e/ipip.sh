# The ipip module: hosts that decapsulate IP-in-IP forward the probe's
# inner packet back to the scanner. This kernel may have no ipip module,
# so the decapsulating hosts are a stand-in: a raw socket in the lab's net
# namespace that takes protocol 4 addressed to some of the live hosts and
# sends the inner packet on, as a host with an ipip tunnel would route it.

test_ipip_finds_the_hosts_that_decapsulate() {
	LAB_LIVE="198.18.60.0/27" scan_lab_up
	# the first 8 live hosts decapsulate; the others take protocol 4 and
	# say nothing
	head -8 "$LAB_DIR/live.txt" | sorted >"$T/decap"
	cat >"$T/decap.py" <<'PY'
import socket, sys
decap = set(open(sys.argv[1]).read().split())
rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
rx.settimeout(120)
print("listening", flush=True)
while True:
    try:
        d, _ = rx.recvfrom(65535)
    except socket.timeout:
        break
    ihl = (d[0] & 15) * 4
    inner = d[ihl:]
    if socket.inet_ntoa(d[16:20]) in decap and len(inner) >= 20 and inner[0] >> 4 == 4:
        tx.sendto(inner, (socket.inet_ntoa(inner[16:20]), 0))
PY
	in_net python3 "$T/decap.py" "$T/decap" >"$T/decap.out" 2>&1 &
	local decap=$!
	wait_until 60 grep -q listening "$T/decap.out"
	# the probe as tshark reads it: IPv4 in IPv4, a UDP datagram inside
	# from the target to the scanner, checksums good
	echo 198.18.60.5,4789 | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 -M ipip >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
	expect_eq "the probe" "$(tshark -r "$T/dry.pcap" -o udp.check_checksum:TRUE -T fields -E separator=' ' \
		-e ip.proto -e ip.src -e ip.dst -e udp.srcport -e udp.checksum.status 2>/dev/null)" \
		"4,17 198.18.0.1,198.18.60.5 198.18.60.5,198.18.0.1 4789 1"
	echo 198.18.0.0/30 >"$T/link"
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link' -p 4789 198.18.60.0/27 | '$ZS_BIN/zsend' -q -b /dev/null -M ipip | '$ZS_BIN/zrecv' -q -c 1" >"$T/out.csv"
	kill "$decap" 2>/dev/null || true
	wait "$decap" 2>/dev/null || true
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/out.csv" | sorted >"$T/found"
	cmp -s "$T/found" "$T/decap" || fail "found != the hosts that decapsulate: $(comm -3 "$T/found" "$T/decap" | head -3 | tr '\n' ' ')"
	expect_eq "classification" "$(awk -F, 'NR > 1 && $11 == 1 {print $10}' "$T/out.csv" | sort -u)" ipip
	echo "  $(wc -l <"$T/found") of $(wc -l <"$LAB_DIR/live.txt") live hosts decapsulate, and those were found"
}
