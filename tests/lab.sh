# The lab: a simulated Internet in network namespaces, inside 198.18.0.0/15
# and, for IPv6, 2001:2::/48 (RFC 5180).
# Source this file, call lab_up, and make sure lab_down runs on exit (trap).
#
#   <id>s  scanner: its only links are veth zs0 (198.18.0.1/30 and
#          2001:2::1/64, default routes via 198.18.0.2 and 2001:2::2) into the
#          net namespace, and veth zk0 into the sink
#   <id>n  net: zn0 198.18.0.2/30 and 2001:2::2/64; live prefixes (of either
#          family: IPv6 ones inside 2001:2::/48) are local routes, so the
#          kernel answers for every address in them; lab_listen holds the open
#          TCP ports; an nftables set picks the live hosts, a numgen rule
#          drops a share at random; nftables rejects give ICMP errors (not
#          prohibit routes: the kernel limits route errors to one a second
#          per peer, globally, and that limit cannot be lifted in a namespace)
#   <id>k  sink: zk1 has no address, so frames sent there are dropped on arrival
#   <id>r  receiver (LAB_RECEIVER=1): zr0 198.18.1.1/24, veth to the net side's
#          zn1 198.18.1.254/24: answers to probes sent from 198.18.1.1 (zsend
#          -S 198.18.1.1 in the scanner) arrive here, for a split setup
# The net namespace has no other link: nothing sent in the lab can leave it.
#
# Configuration (environment, read by lab_up):
#   LAB_LIVE      "PREFIX[:PERCENT] ...", live prefixes and the share of their
#                 addresses that answer (default 100); e.g. "198.18.16.0/20:5"
#   LAB_TCP_PORTS open TCP ports (default "80")
#   LAB_OPEN      "PREFIX=PORT,PORT ...": in PREFIX only these of LAB_TCP_PORTS
#                 are open (the others answer RST), for multi-port scans
#   LAB_UDP_PORTS open UDP ports (lab_udp answers there; other ports give
#                 ICMP port unreachable)
#   LAB_PROHIBIT  prefixes answered with ICMP administratively prohibited
#                 (ICMPv6's for IPv6 prefixes)
#   LAB_UNREACH   prefixes answered with ICMP host unreachable (ICMPv6
#                 address unreachable)
#                 (addresses with no route at all get ICMP net unreachable,
#                 but the kernel sends at most one a second of those)
#   LAB_LOSS      percent of packets to the lab dropped at random (default 0)
#   LAB_SEED      seed of the live-host choice (default 1)
#   LAB_RECEIVER  1: also build the receiver namespace
# After lab_up: LAB_SCAN/LAB_NET/LAB_SINK are the namespace names,
# $LAB_DIR/live.txt holds the live addresses, one per line, sorted, and
# $LAB_DIR/open_pairs.txt the open TCP (address,port) pairs of live hosts.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

lab_up() { # ID DIR
	LAB_ID=$1
	LAB_DIR=$2
	LAB_SCAN=${LAB_ID}s
	LAB_NET=${LAB_ID}n
	LAB_SINK=${LAB_ID}k
	mkdir -p "$LAB_DIR"
	local s=$LAB_SCAN n=$LAB_NET k=$LAB_SINK
	ip netns add "$s"
	ip netns add "$n"
	ip netns add "$k"
	# links made from here on start IPv6 at once: no duplicate address
	# detection to wait for (nothing else is on these links)
	local ns
	for ns in "$s" "$n" "$k"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0
	done
	ip link add zs0 netns "$s" type veth peer name zn0 netns "$n"
	ip link add zk0 netns "$s" type veth peer name zk1 netns "$k"
	ip -n "$s" addr add 198.18.0.1/30 dev zs0
	ip -n "$n" addr add 198.18.0.2/30 dev zn0
	ip -n "$s" addr add 2001:2::1/64 dev zs0 nodad
	ip -n "$n" addr add 2001:2::2/64 dev zn0 nodad
	for ns in "$s" "$n" "$k"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$s" link set zs0 up
	ip -n "$n" link set zn0 up
	ip -n "$s" link set zk0 up
	ip -n "$k" link set zk1 up
	ip -n "$s" route add default via 198.18.0.2 dev zs0
	ip -n "$s" -6 route add default via 2001:2::2 dev zs0
	if [ "${LAB_RECEIVER:-0}" = 1 ]; then
		LAB_RECV=${LAB_ID}r
		ip netns add "$LAB_RECV"
		ip link add zr0 netns "$LAB_RECV" type veth peer name zn1 netns "$n"
		ip -n "$LAB_RECV" addr add 198.18.1.1/24 dev zr0
		ip -n "$n" addr add 198.18.1.254/24 dev zn1
		ip -n "$LAB_RECV" link set lo up
		ip -n "$LAB_RECV" link set zr0 up
		ip -n "$n" link set zn1 up
		ip -n "$LAB_RECV" route add default via 198.18.1.254 dev zr0
	fi
	ip netns exec "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.icmp_ratelimit=0 net.ipv4.tcp_max_syn_backlog=65536 net.ipv4.ip_forward=1
	ip netns exec "$n" sysctl -qw net.core.somaxconn=65536 2>/dev/null || true
	ip netns exec "$n" sysctl -qw net.ipv4.icmp_msgs_per_sec=10000000 net.ipv4.icmp_msgs_burst=10000000
	ip netns exec "$s" sysctl -qw net.ipv4.icmp_ratelimit=0
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0
	ip netns exec "$s" sysctl -qw net.ipv6.icmp.ratelimit=0

	local entry prefix pct
	: >"$LAB_DIR/live.txt"
	for entry in ${LAB_LIVE:-}; do
		prefix=$(lab_prefix "$entry")
		pct=100
		[ "$entry" = "$prefix" ] || pct=${entry##*:}
		ip -n "$n" route add local "$prefix" dev lo
		python3 - "$prefix" "$pct" "${LAB_SEED:-1}" >>"$LAB_DIR/live.txt" <<'PY'
import ipaddress, random, sys
net, pct, seed = ipaddress.ip_network(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
r = random.Random(seed + sys.argv[1])
for a in net:
    if r.random() * 100 < pct:
        print(a)
PY
	done
	for prefix in ${LAB_PROHIBIT:-} ${LAB_UNREACH:-}; do
		ip -n "$n" route add local "$prefix" dev lo
	done
	LC_ALL=C sort -u -o "$LAB_DIR/live.txt" "$LAB_DIR/live.txt"
	lab_open_pairs >"$LAB_DIR/open_pairs.txt"

	{
		lab_nft_table ip ipv4_addr icmp "" admin-prohibited host-unreachable
		lab_nft_table ip6 ipv6_addr icmpv6 6 admin-prohibited addr-unreachable
	} >"$LAB_DIR/lab.nft"
	ip netns exec "$n" nft -f "$LAB_DIR/lab.nft"

	ip netns exec "$n" "$LAB_ROOT/build/tools/lab_listen" ${LAB_TCP_PORTS:-80} >"$LAB_DIR/listen.out" 2>&1 &
	LAB_LISTEN_PID=$!
	if [ -n "${LAB_UDP_PORTS:-}" ]; then
		ip netns exec "$n" "$LAB_ROOT/build/tools/lab_udp" $LAB_UDP_PORTS >"$LAB_DIR/udp.out" 2>&1 &
		LAB_UDP_PID=$!
	fi
	local i
	for i in $(seq 50); do
		if grep -q listening "$LAB_DIR/listen.out" 2>/dev/null &&
			{ [ -z "${LAB_UDP_PID:-}" ] || grep -q listening "$LAB_DIR/udp.out" 2>/dev/null; }; then
			return 0
		fi
		sleep 0.1
	done
	echo "lab: listeners did not start: $(cat "$LAB_DIR"/*.out)" >&2
	return 1
}

# One family's nftables table: the live set and its drop rules, loss, the
# rejects. Each LAB_* entry goes in the table of its family.
lab_nft_table() { # FAMILY SET-TYPE REJECT-KIND SUFFIX PROHIBIT UNREACH
	local fam=$1 type=$2 kind=$3 sfx=$4 prohibit=$5 unreach=$6 entry prefix net
	of_family() { [[ $1 == *:* ]] && [ "$fam" = ip6 ] || { [[ $1 != *:* ]] && [ "$fam" = ip ]; }; }
	net=198.18.0.0/15
	[ "$fam" = ip6 ] && net=2001:2::/48
	echo "table $fam lab$sfx {"
	echo "  set live { type $type; flags interval; }"
	echo "  chain pre {"
	echo "    type filter hook prerouting priority raw; policy accept;"
	for entry in ${LAB_LIVE:-}; do
		prefix=$(lab_prefix "$entry")
		of_family "$prefix" && echo "    $fam daddr $prefix $fam daddr != @live drop"
	done
	[ "${LAB_LOSS:-0}" = 0 ] || echo "    $fam daddr $net numgen random mod 100 < $LAB_LOSS drop"
	echo "  }"
	echo "  chain in {"
	echo "    type filter hook input priority filter; policy accept;"
	for prefix in ${LAB_PROHIBIT:-}; do
		of_family "$prefix" && echo "    $fam daddr $prefix reject with $kind type $prohibit"
	done
	for prefix in ${LAB_UNREACH:-}; do
		of_family "$prefix" && echo "    $fam daddr $prefix reject with $kind type $unreach"
	done
	for entry in ${LAB_OPEN:-}; do
		of_family "${entry%%=*}" &&
			echo "    $fam daddr ${entry%%=*} tcp dport != { ${entry#*=} } reject with tcp reset"
	done
	echo "  }"
	echo "}"
	local live
	if [ "$fam" = ip6 ]; then live=$(grep : "$LAB_DIR/live.txt" | paste -sd, || true); else
		live=$(grep -v : "$LAB_DIR/live.txt" | paste -sd, || true); fi
	[ -z "$live" ] || echo "add element $fam lab$sfx live { $live }"
}

# The prefix of a LAB_LIVE entry, PREFIX or PREFIX:PERCENT (an IPv6
# prefix has colons of its own: the share follows the "/len").
lab_prefix() {
	local e=$1
	if [[ $e == *.* ]]; then echo "${e%%:*}"; elif [[ $e == */*:* ]]; then echo "${e%:*}"; else echo "$e"; fi
}

# The open (address,port) pairs of the live hosts, sorted: every port of
# LAB_TCP_PORTS, or LAB_OPEN's ports within its prefixes.
lab_open_pairs() {
	python3 - "$LAB_DIR/live.txt" "${LAB_TCP_PORTS:-80}" "${LAB_OPEN:-}" <<'PY'
import ipaddress, sys
ports = [int(p) for p in sys.argv[2].split()]
rules = [(ipaddress.ip_network(e.split("=")[0]), {int(p) for p in e.split("=")[1].split(",")})
         for e in sys.argv[3].split()]
out = []
for line in open(sys.argv[1]):
    a = ipaddress.ip_address(line.strip())
    open_ports = set(ports)
    for net, allowed in rules:
        if a in net:
            open_ports &= allowed
    out += ["%s,%d" % (a, p) for p in open_ports]
print("\n".join(sorted(out)))
PY
}

# Tears everything down; safe to call twice, after a half-built lab, and
# under `set -e` (it runs in a subshell that ignores failures).
lab_down() (
	set +e
	local pid
	for pid in "${LAB_LISTEN_PID:-}" "${LAB_UDP_PID:-}"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	local ns
	for ns in "${LAB_SCAN:-}" "${LAB_NET:-}" "${LAB_SINK:-}" "${LAB_RECV:-}"; do
		[ -n "$ns" ] || continue
		# end anything still running inside before the namespace goes
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
)

# An nftables rule in the scanner namespace that drops SYN-ACKs from the
# lab after any capture has seen them and before the stack, so the
# scanner's kernel does not answer each unsolicited one with a RST (for
# answers blasted at it, see tests/tools/answerblast.c).
lab_drop_unsolicited_synacks() {
	printf '%s\n' 'table inet scanner {' ' chain pre {' \
		'  type filter hook prerouting priority raw; policy accept;' \
		'  ip saddr 198.18.0.0/15 tcp flags & (syn|ack) == syn|ack drop' \
		'  ip6 saddr 2001:2::/48 tcp flags & (syn|ack) == syn|ack drop' ' }' '}' | in_scan nft -f -
}

in_scan() { ip netns exec "$LAB_SCAN" "$@"; }
in_net() { ip netns exec "$LAB_NET" "$@"; }
in_recv() { ip netns exec "$LAB_RECV" "$@"; }
