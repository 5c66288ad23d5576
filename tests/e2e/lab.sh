# The lab itself: what its hosts answer matches its ground truth, as seen by
# the kernel's own TCP stack (build/tools/connscan), and it leaves nothing
# behind. The scanners' tests rely on both.

test_lab_answers_match_ground_truth() {
	source tests/lab.sh
	trap lab_down EXIT
	LAB_LIVE="198.18.16.0/22:10 198.18.64.0/28" LAB_TCP_PORTS="80 443" \
		LAB_PROHIBIT=198.18.32.0/24 lab_up "zt$$" "$T/lab"
	ulimit -n 20000
	python3 -c '
import ipaddress
for net in ("198.18.16.0/22", "198.18.64.0/28"):
    for a in ipaddress.ip_network(net):
        for port in (80, 81):
            print("%s,%d" % (a, port))' >"$T/targets"
	in_scan build/tools/connscan 400 <"$T/targets" >"$T/seen"
	grep ',80,open$' "$T/seen" | cut -d, -f1 | sorted >"$T/open80"
	grep ',81,refused$' "$T/seen" | cut -d, -f1 | sorted >"$T/refused81"
	sorted "$LAB_DIR/live.txt" >"$T/live"
	live=$(wc -l <"$T/live")
	[ "$live" -gt 80 ] && [ "$live" -lt 160 ] || fail "$live live hosts: want about 10% of 1024 plus 16"
	cmp -s "$T/open80" "$T/live" || fail "port 80 open set differs from ground truth"
	cmp -s "$T/refused81" "$T/live" || fail "port 81 refused set differs from ground truth"
	expect_eq "others" "$(grep -vc -e ',open$' -e ',refused$' "$T/seen")" $((2 * 1040 - 2 * live))
	expect_eq "prohibited" "$(echo 198.18.32.7,80 | in_scan build/tools/connscan 400)" "198.18.32.7,80,unreachable"
	# the scanner's only links lead into the lab
	expect_eq "scanner links" "$(in_scan ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')" "lo zk0 zs0 "
	expect_eq "scanner routes" "$(in_scan ip route show | sort | tr '\n' ';')" \
		"198.18.0.0/30 dev zs0 proto kernel scope link src 198.18.0.1 ;default via 198.18.0.2 dev zs0 ;"
	expect_eq "net links" "$(in_net ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')" "lo zn0 "
	lab_down
	ip netns list | grep -q "zt$$" && fail "namespaces left: $(ip netns list)"
	true
}

# The suite itself runs where no tool can reach a network: a namespace of
# its own (not init's), whose one link is a loopback that is down, with no
# route; only the lab's namespaces have links.
test_lab_suite_runs_in_an_isolated_namespace() {
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
		fail "the suite runs in init's network namespace"
	expect_eq "links" "$(ip -o link show | awk '{print $2}')" "lo:"
	ip -o link show lo | grep -q 'state DOWN' || fail "lo is up: $(ip -o link show lo)"
	expect_eq "IPv4 routes" "$(ip route show | wc -l)" 0
	expect_eq "IPv6 routes" "$(ip -6 route show | wc -l)" 0
}
