# zsend's IP layer (-X): scans through a layer-3 tunnel (tests/lab_tunnel.sh)
# whose interface has no link-layer header, found by route or named by -i,
# of both families, against the lab's ground truth, with a capture at the far
# end of the scanner's Ethernet link showing that every probe went through
# the tunnel (ZMap's issue 955: its probes left by Ethernet); -X refused on an
# Ethernet interface; -X's dry run, IP packets that text2pcap -l 101 reads.

TUN4=198.18.40.0/24
TUN6=2001:2:0:40::/120

# The lab with the tunnel: live hosts in both tunnel prefixes and in a
# prefix reached by Ethernet, torn down on exit.
tunnel_lab_up() {
	source tests/lab.sh
	source tests/lab_tunnel.sh
	trap 'lab_tunnel_down; lab_down' EXIT
	LAB_LIVE="$TUN4:30 $TUN6:30 198.18.16.0/24:30" lab_up "zt$$" "$T/lab"
	LAB_TUNNEL="$TUN4 $TUN6" lab_tunnel_up
}

# tunnel_scan ZGEN-ARGS...: zgen | zsend | zrecv in the scanner namespace,
# zrecv capturing on the tunnel (raw IP) or on ZRECV_IF; env ZSEND_ARGS.
# zsend's stderr in $T/zsend.err.
tunnel_scan() {
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null $* | '$ZS_BIN/zsend' -b /dev/null -r 1000 ${ZSEND_ARGS:-} 2>'$T/zsend.err' | '$ZS_BIN/zrecv' -q -c 1 -i ${ZRECV_IF:-zt0}"
}

# The successes' saddr of zrecv's CSV on stdin, distinct, sorted.
found_in() {
	awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "success") c = i; next}
		c && $c == 1 {print $1}' | sorted -u
}

# The live hosts of the lab within PREFIXES, sorted.
live_in() { # PREFIX...
	python3 -c '
import ipaddress, sys
nets = [ipaddress.ip_network(n) for n in sys.argv[2:]]
for a in open(sys.argv[1]).read().split():
    if any(ipaddress.ip_address(a) in n for n in nets):
        print(a)' "$LAB_DIR/live.txt" "$@" | sorted
}

# Every address of PREFIXES, sorted.
all_in() { # PREFIX...
	python3 -c '
import ipaddress, sys
for n in sys.argv[1:]:
    for a in ipaddress.ip_network(n):
        print(a)' "$@" | sorted
}

# What a capture on the net side of the scanner's Ethernet link (zn0, an
# Ethernet pcap) holds for the tunnel's prefixes: "bare N", the packets to
# them with no tunnel around them, and in $T/probes the destinations of the
# SYN probes the tunnel's datagrams carried (UDP from the scanner to port
# 4790), one a line, sorted.
tunnel_traffic() { # PCAP
	python3 - "$1" "$TUN4" "$TUN6" >"$T/bare" 3>"$T/probes.unsorted" <<'PY'
import ipaddress, os, struct, sys
f = open(sys.argv[1], "rb")
nets = [ipaddress.ip_network(n) for n in sys.argv[2:]]
head = f.read(24)
e = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
if struct.unpack(e + "I", head[20:24])[0] != 1:
    sys.exit("not an Ethernet capture")
def ip_of(p):  # (src, dst, protocol, transport header) of an IP packet
    if len(p) >= 20 and p[0] >> 4 == 4:
        return (ipaddress.ip_address(p[12:16]), ipaddress.ip_address(p[16:20]), p[9],
                p[(p[0] & 15) * 4:])
    if len(p) >= 40 and p[0] >> 4 == 6:
        return ipaddress.ip_address(p[8:24]), ipaddress.ip_address(p[24:40]), p[6], p[40:]
    return None
def tunnelled(a):
    return any(a.version == n.version and a in n for n in nets)
bare, out = 0, os.fdopen(3, "w")
while True:
    rec = f.read(16)
    if len(rec) < 16:
        break
    frame = f.read(struct.unpack(e + "I", rec[8:12])[0])
    if frame[12:14] not in (b"\x08\x00", b"\x86\xdd") or not (pkt := ip_of(frame[14:])):
        continue
    src, dst, proto, l4 = pkt
    if tunnelled(dst):
        bare += 1
    elif (src == ipaddress.ip_address("198.18.0.1") and proto == 17 and
          l4[2:4] == struct.pack(">H", 4790)):
        inner = ip_of(l4[8:])
        if inner and tunnelled(inner[1]) and inner[2] == 6 and len(inner[3]) > 13 and inner[3][13] == 0x02:
            print(inner[1], file=out)
print("bare", bare)
PY
	sorted <"$T/probes.unsorted" >"$T/probes"
}

# A scan of both families through the tunnel found by route (no -i): it
# finds exactly the live hosts of the tunnel's prefixes, says once that the
# interface takes IP packets, and every probe reached the net side inside
# the tunnel's datagrams, none bare on the Ethernet link.
test_tunnel_scan_by_route_finds_exactly_the_live_hosts() {
	tunnel_lab_up
	# what zrecv -i zt0 captures: raw IP, no link-layer header
	expect_eq "zt0's link types" "$(in_scan tcpdump -i zt0 -L 2>&1 | tail -n +2 | awk '{print $1}' | tr '\n' ' ')" "RAW "
	start_capture "$LAB_NET" zn0 "ip or ip6"
	tunnel_scan -p 80 "$TUN4" "$TUN6" >"$T/res.csv"
	stop_capture
	found_in <"$T/res.csv" >"$T/found"
	live_in "$TUN4" "$TUN6" >"$T/live"
	if ! grep -q : "$T/live" || ! grep -vq : "$T/live"; then fail "the lab has no live hosts of one family"; fi
	cmp -s "$T/found" "$T/live" || fail "found != live: $(comm -3 "$T/found" "$T/live" | head -5)"
	expect_eq "zsend's note" "$(cat "$T/zsend.err")" \
		"zsend: zt0 (tun or WireGuard) has no link-layer header: sending IP packets, as -X does"
	# the answers came to the tunnel's addresses
	expect_eq "daddr" "$(awk -F, 'NR > 1 {print $2}' "$T/res.csv" | sort -u | tr '\n' ' ')" \
		"198.18.2.1 2001:2:0:2::1 "
	tunnel_traffic "$T/cap.pcap"
	expect_eq "probes bare on zs0's link" "$(cat "$T/bare")" "bare 0"
	all_in "$TUN4" "$TUN6" >"$T/targets"
	cmp -s "$T/probes" "$T/targets" ||
		fail "the tunnel carried $(wc -l <"$T/probes") probes, not one to each of 512 targets"
	echo "  $(wc -l <"$T/live") live hosts of 512 found; 512 probes in the tunnel, none bare"
}

# With -i zt0 (ZMap's issue 955: -i wg0 sent by Ethernet all the same), with
# -X, and with -q: the same hosts, every probe in the tunnel; the note only
# when zsend chose the IP layer itself and is not quiet. Other modules too.
test_tunnel_scan_with_interface_and_iplayer() {
	tunnel_lab_up
	live_in "$TUN4" "$TUN6" >"$T/live"
	all_in "$TUN4" "$TUN6" >"$T/targets"
	local args note
	for args in "-i zt0" "-X" "-X -i zt0" "-q -i zt0"; do
		start_capture "$LAB_NET" zn0 "ip or ip6"
		ZSEND_ARGS="$args --metadata $T/send.json" tunnel_scan -p 80 "$TUN4" "$TUN6" >"$T/res.csv"
		stop_capture
		found_in <"$T/res.csv" >"$T/found"
		cmp -s "$T/found" "$T/live" || fail "$args: found != live: $(comm -3 "$T/found" "$T/live" | head -5)"
		note=""
		[ "$args" != "-i zt0" ] || note="zsend: zt0 (tun or WireGuard) has no link-layer header: sending IP packets, as -X does"
		expect_eq "$args: zsend's stderr" "$(cat "$T/zsend.err")" "$note"
		expect_eq "$args: interface, probes sent, failures" \
			"$(json "$T/send.json" interface) $(json "$T/send.json" probes_sent) $(json "$T/send.json" send_failures)" \
			"zt0 512 0"
		tunnel_traffic "$T/cap.pcap"
		expect_eq "$args: probes bare on zs0's link" "$(cat "$T/bare")" "bare 0"
		cmp -s "$T/probes" "$T/targets" || fail "$args: the tunnel carried $(wc -l <"$T/probes") probes"
	done
	# another module through it, ICMP echo and ICMPv6 echo, with zrecv on
	# every interface (Linux cooked capture): the tunnel's answers are
	# there once, inside their datagrams as well as out of them
	ZSEND_ARGS="-q -i zt0 -M icmp_echo" ZRECV_IF=any tunnel_scan "$TUN4" "$TUN6" | found_in >"$T/found"
	cmp -s "$T/found" "$T/live" || fail "icmp_echo: found != live: $(comm -3 "$T/found" "$T/live" | head -5)"
}

# -X where the interface has a link-layer header is refused, before anything
# is sent: named by -i (a usage error at once), or found by route (zsend
# exits 2 before its first probe and its zrecv fails too); and -X with -G.
test_tunnel_iplayer_on_ethernet_is_refused() {
	tunnel_lab_up
	make_key "$T/key"
	local rc=0 zrecv_rc
	start_capture "$LAB_NET" zn0 "tcp"
	echo 198.18.16.1,80 >"$T/one"
	expect_error '^zsend: -X: zs0 \(Ethernet\) has a link-layer header: -X is for interfaces without one \(tun, WireGuard, IP tunnels, PPP\)$' \
		in_scan "$ZS_BIN/zsend" -X -i zs0 -k "$T/key" -b /dev/null <"$T/one"
	in_scan "$ZS_BIN/zsend" -X -i zs0 -k "$T/key" -b /dev/null <"$T/one" >/dev/null 2>&1 || rc=$?
	expect_eq "-X -i zs0: exit" "$rc" 2
	# by route: 198.18.16.0/24 is reached by Ethernet
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -b /dev/null -X 2>'$T/route.err' |
		'$ZS_BIN/zrecv' -q -c 1 >'$T/route.csv' 2>'$T/zrecv.err'; echo \${PIPESTATUS[1]} \${PIPESTATUS[2]}" >"$T/route.rc"
	read -r rc zrecv_rc <"$T/route.rc"
	expect_eq "-X by route: zsend's exit" "$rc" 2
	expect_eq "-X by route: zsend's message" "$(cat "$T/route.err")" \
		"zsend: -X: zs0 (Ethernet) has a link-layer header: -X is for interfaces without one (tun, WireGuard, IP tunnels, PPP)"
	[ "$zrecv_rc" -ne 0 ] || fail "zrecv exited 0 after zsend refused -X"
	echo "  by route: zsend exit $rc, zrecv exit $zrecv_rc: $(cat "$T/zrecv.err")"
	expect_error '^zsend: -X and -G exclude each other: IP packets have no next-hop MAC$' \
		in_scan "$ZS_BIN/zsend" -X -G 02:00:00:00:00:01 -i zt0 -k "$T/key" -b /dev/null <"$T/one"
	stop_capture
	expect_eq "probes sent" "$(tcpdump -r "$T/cap.pcap" -n 2>/dev/null | wc -l)" 0
	# the same Ethernet interface without -X: the scan goes on as ever
	in_scan bash -c "'$ZS_BIN/zgen' -b /dev/null -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -q -b /dev/null -r 1000 | '$ZS_BIN/zrecv' -q -c 1" |
		found_in >"$T/found"
	cmp -s "$T/found" <(live_in 198.18.16.0/24) || fail "a scan by Ethernet found $(wc -l <"$T/found") hosts"
}

# A dry run prints IP packets with -X, which text2pcap reads as raw IP (-l
# 101), of both families; without -X its frames are Ethernet ones as ever,
# even on the tunnel's interface.
test_tunnel_iplayer_dryrun_prints_ip_packets() {
	tunnel_lab_up
	printf '198.18.40.5,80\n2001:2:0:40::5,443\n' >"$T/two"
	local args
	for args in "-X" "-X -i zt0"; do
		in_scan "$ZS_BIN/zsend" --dryrun $args -b /dev/null <"$T/two" >"$T/dry.txt" 2>"$T/dry.err"
		[ ! -s "$T/dry.err" ] || fail "$args: stderr: $(cat "$T/dry.err")"
		head -c 10 "$T/dry.txt" | grep -q '^000000  45' || fail "$args: not an IPv4 header first: $(head -1 "$T/dry.txt")"
		text2pcap -q -l 101 "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
		expect_eq "$args: decoded" "$(tshark -r "$T/dry.pcap" -o tcp.check_checksum:TRUE -T fields \
			-e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.checksum.status 2>/dev/null |
			tr '\t' ' ' | tr '\n' ';')" \
			"198.18.2.1  198.18.40.5  80 0x0002 1; 2001:2:0:2::1  2001:2:0:40::5 443 0x0002 1;"
	done
	in_scan "$ZS_BIN/zsend" --dryrun -i zt0 -b /dev/null <"$T/two" >"$T/eth.txt" 2>"$T/eth.err"
	[ ! -s "$T/eth.err" ] || fail "without -X: stderr: $(cat "$T/eth.err")"
	text2pcap -q "$T/eth.txt" "$T/eth.pcap" 2>/dev/null
	expect_eq "without -X: decoded as Ethernet" "$(tshark -r "$T/eth.pcap" -T fields -e eth.type -e ip.dst -e ipv6.dst 2>/dev/null |
		tr '\t' ' ' | tr '\n' ';')" "0x0800 198.18.40.5 ;0x86dd  2001:2:0:40::5;"
}
