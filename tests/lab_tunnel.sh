# A layer-3 tunnel in the lab (tests/lab.sh), for zsend's IP layer (-X):
# interfaces with no link-layer header between the scanner and the net
# namespaces, carried over the lab's veth.
# Source it after tests/lab.sh, call lab_tunnel_up after lab_up, and make
# sure lab_tunnel_down runs on exit before lab_down (trap).
#
# The kernel's own tunnels (ipip, GRE, sit, ip6tnl, WireGuard) are built
# into some kernels only, and into none the lab may count on; tun is. So
# the tunnel is two tun devices, whose packets a relay on each side carries
# in UDP datagrams over zs0/zn0, as a VPN in user space (wireguard-go,
# OpenVPN in tun mode) does. The scanner's end is what zsend sees of a
# WireGuard interface: link type ARPHRD_NONE, no header, no neighbours.
#
#   <id>s  zt0 198.18.2.1/24 and 2001:2:0:2::1/64, mtu 1400 (the
#          veth's 1500 less room for the datagram's headers); each
#          LAB_TUNNEL prefix routed out of it (IPv4 ones with no gateway,
#          as `dev wg0` routes are; IPv6 ones via 2001:2:0:2::2); all else
#          still goes out of zs0 (its default routes)
#   <id>n  zt1 198.18.2.2/24 and 2001:2:0:2::2/64: answers to the
#          scanner's tunnel addresses go back through it
#   relays UDP 198.18.0.1:4790 <-> 198.18.0.2:4790 over zs0/zn0, one
#          datagram per packet of either family; datagrams from any other
#          address are dropped
#
# Configuration (environment, read by lab_tunnel_up):
#   LAB_TUNNEL  prefixes routed through the tunnel in the scanner namespace
#               (of either family; usually among LAB_LIVE)
# After lab_tunnel_up: LAB_TUNNEL_PIDS holds the relays' pids.

LAB_TUNNEL_PORT=4790

# The relay, in Python: a tun device NAME made in the namespace it runs
# in, whose packets go to PEER:PORT in UDP datagrams from LOCAL:PORT, and
# into which datagrams from PEER go. Prints "up" once the device exists,
# and ends by itself after SECONDS (a test that leaves it is still
# bounded).
lab_tunnel_relay_py() {
	cat <<'PY'
import fcntl, os, select, socket, struct, sys, time
name, local, peer = sys.argv[1], sys.argv[2], sys.argv[3]
port, secs = int(sys.argv[4]), float(sys.argv[5])
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
udp.bind((local, port))
print("up", flush=True)
end = time.monotonic() + secs
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    ready, _, _ = select.select([tun, udp], [], [], min(left, 1.0))
    if tun in ready:
        udp.sendto(os.read(tun, 65535), (peer, port))
    if udp in ready:
        data, (addr, _) = udp.recvfrom(65535)
        if addr == peer:
            try:
                os.write(tun, data)
            except OSError:
                pass  # not an IP packet: the kernel refuses it
PY
}

lab_tunnel_up() {
	local s=$LAB_SCAN n=$LAB_NET ns dev here peer i prefix
	LAB_TUNNEL_PIDS=""
	lab_tunnel_relay_py >"$LAB_DIR/tunnel_relay.py"
	for dev in zt0 zt1; do
		if [ $dev = zt0 ]; then
			ns=$s here=198.18.0.1 peer=198.18.0.2
		else
			ns=$n here=198.18.0.2 peer=198.18.0.1
		fi
		# run by ip netns exec directly: $! is the relay itself
		ip netns exec "$ns" python3 -u "$LAB_DIR/tunnel_relay.py" $dev $here $peer \
			"$LAB_TUNNEL_PORT" 900 >"$LAB_DIR/relay-$dev.out" 2>&1 &
		LAB_TUNNEL_PIDS="$LAB_TUNNEL_PIDS $!"
	done
	for i in $(seq 100); do
		if grep -q '^up' "$LAB_DIR/relay-zt0.out" 2>/dev/null &&
			grep -q '^up' "$LAB_DIR/relay-zt1.out" 2>/dev/null; then
			break
		fi
		[ "$i" -lt 100 ] || {
			echo "lab: the tunnel's relays did not start: $(cat "$LAB_DIR"/relay-*.out)" >&2
			return 1
		}
		sleep 0.1
	done
	# a queue of 10000 packets each way: a relay that falls behind for a
	# moment (a loaded machine) loses nothing
	ip -n "$s" link set zt0 mtu 1400 txqueuelen 10000 up
	ip -n "$n" link set zt1 mtu 1400 txqueuelen 10000 up
	ip -n "$s" addr add 198.18.2.1/24 dev zt0
	ip -n "$n" addr add 198.18.2.2/24 dev zt1
	ip -n "$s" addr add 2001:2:0:2::1/64 dev zt0 nodad
	ip -n "$n" addr add 2001:2:0:2::2/64 dev zt1 nodad
	for prefix in ${LAB_TUNNEL:-}; do
		if [[ $prefix == *:* ]]; then
			ip -n "$s" -6 route add "$prefix" via 2001:2:0:2::2 dev zt0
		else
			ip -n "$s" route add "$prefix" dev zt0 src 198.18.2.1
		fi
	done
}

# Ends the relays (their tun devices go with them); safe to call twice,
# and under `set -e` (it runs in a subshell that ignores failures).
lab_tunnel_down() (
	set +e
	local pid i
	for pid in ${LAB_TUNNEL_PIDS:-}; do
		kill "$pid" 2>/dev/null
		# not this subshell's child: watched, not waited for
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	return 0
)
