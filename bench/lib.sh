# Shared by the lab benchmarks (bench/send, rate, recv, recvlive, labscan).
# Source it from the repository root; LAB_* settings for the lab come from
# the caller's environment (see tests/lab.sh).
#
# bench_lab_up ID: builds the lab, makes a scratch directory $tmp and a
#   fresh key $tmp/key in it, sets SINK_MAC (the sink veth's peer), and
#   tears it all down on exit (bench_down; a script that needs more on exit
#   sets its own trap and calls bench_down from it).
# sink_tx: packets sent on the scanner's sink veth so far.
# sink_drop_at_ingress: from now on the sink drops frames as they arrive
#   (an nftables netdev ingress chain), not in its IP layer after early
#   demux and a route lookup, which run in the sender's softirq.

source tests/lab.sh

bench_down() {
	lab_down
	rm -rf "${tmp:-/nonexistent}"
}

bench_lab_up() { # ID
	tmp=$(mktemp -d)
	trap bench_down EXIT
	lab_up "$1$$" "$tmp/lab" >/dev/null
	(umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$tmp/key")
	SINK_MAC=$(ip netns exec "$LAB_SINK" cat /sys/class/net/zk1/address)
}

sink_tx() { in_scan cat /sys/class/net/zk0/statistics/tx_packets; }

sink_drop_at_ingress() {
	ip netns exec "$LAB_SINK" nft add table netdev sink
	ip netns exec "$LAB_SINK" nft add chain netdev sink in \
		"{ type filter hook ingress device zk1 priority 0; policy drop; }"
}
