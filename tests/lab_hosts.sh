# The lab with several scanner machines and a controller that reaches them
# by ssh, for scans across machines (tests/e2e/multihost.sh). Source it
# after tests/lab.sh; after lab_up, lab_hosts_up N adds:
#   <id>h1..<id>hN  scanner hosts: each has one link, zh0, into the lab's net
#                   namespace (198.18.2.(4i+1)/30 and 2001:2:0:f00i::1/64,
#                   default routes via the net side, .(4i+2) and ::2), and
#                   its own sshd on port 22 of that address
#   <id>c           the controller: zc0 198.18.3.1/24 into the net namespace,
#                   where ssh and GNU parallel run
# The net namespace routes between them as it routes the lab; nothing
# leaves the lab. Scan targets never include 198.18.0.0/22 or
# 2001:2:0:f000::/52: the blocklist lab_hosts_blocklist writes (read
# through ZSCAN_SYSCONFDIR) blocks them and everything outside the lab.
#
# Each sshd runs in a mount namespace of its own where $LAB_HOSTS_DIR/hI is
# /root, so each host has its own home, as separate machines have: files
# come back to the controller only by ssh. Root logs in by key only. The
# ssh client reads only $LAB_HOSTS_DIR/ssh/config (ssh -F), which names the
# hosts host1..hostN and trusts only their generated host keys; never
# ~/.ssh or the machine's known_hosts.
# Session environment (sshd's SetEnv): LAB_HOSTS_PATH as PATH (the tools
# under test first) and ZSCAN_SYSCONFDIR=$LAB_HOSTS_DIR/etc.
# After lab_hosts_up: LAB_HOSTS (the namespace names), LAB_CTL,
# LAB_HOST_ADDR (their addresses), LAB_SSH (the ssh command with its config).

lab_hosts_up() { # N DIR
	local n=$1 i ns net=$LAB_NET
	LAB_HOSTS_DIR=$2
	LAB_HOSTS=()
	LAB_HOST_ADDR=()
	LAB_SSHD_PIDS=()
	mkdir -p "$LAB_HOSTS_DIR/ssh" "$LAB_HOSTS_DIR/etc"
	lab_hosts_blocklist "$LAB_HOSTS_DIR/etc"
	LAB_CTL=${LAB_ID}c
	ip netns add "$LAB_CTL"
	ip link add zc0 netns "$LAB_CTL" type veth peer name zc1 netns "$net"
	ip -n "$LAB_CTL" addr add 198.18.3.1/24 dev zc0
	ip -n "$net" addr add 198.18.3.254/24 dev zc1
	ip -n "$LAB_CTL" link set lo up
	ip -n "$LAB_CTL" link set zc0 up
	ip -n "$net" link set zc1 up
	ip -n "$LAB_CTL" route add default via 198.18.3.254 dev zc0
	for ((i = 1; i <= n; i++)); do
		ns=${LAB_ID}h$i
		LAB_HOSTS+=("$ns")
		LAB_HOST_ADDR+=("198.18.2.$((4 * i + 1))")
		ip netns add "$ns"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
			net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
		ip link add zh0 netns "$ns" type veth peer name "zh$i" netns "$net"
		ip -n "$ns" addr add "198.18.2.$((4 * i + 1))/30" dev zh0
		ip -n "$net" addr add "198.18.2.$((4 * i + 2))/30" dev "zh$i"
		ip -n "$ns" addr add "2001:2:0:f00$i::1/64" dev zh0 nodad
		ip -n "$net" addr add "2001:2:0:f00$i::2/64" dev "zh$i" nodad
		ip -n "$ns" link set lo up
		ip -n "$ns" link set zh0 up
		ip -n "$net" link set "zh$i" up
		ip -n "$ns" route add default via "198.18.2.$((4 * i + 2))" dev zh0
		ip -n "$ns" -6 route add default via "2001:2:0:f00$i::2" dev zh0
	done
	lab_hosts_ssh "$n"
	for ((i = 1; i <= n; i++)); do
		mkdir -p -m 700 "$LAB_HOSTS_DIR/h$i"
		lab_host_sshd "$i"
	done
	for ((i = 1; i <= n; i++)); do
		lab_host_answers "$i" || return 1
	done
}

# Starts host I's sshd (again, after a test ended it), its home bind-mounted
# on /root in a mount namespace of its own; LAB_SSHD_PIDS[I - 1] is its pid.
lab_host_sshd() { # I
	local i=$1
	# sshd's privilege separation directory (Debian's service makes it)
	mkdir -p -m 755 /run/sshd
	ip netns exec "${LAB_HOSTS[i - 1]}" unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" /root && exec /usr/sbin/sshd -D -e -f "$2"' sshd \
		"$LAB_HOSTS_DIR/h$i" "$LAB_HOSTS_DIR/ssh/sshd$i.conf" 2>>"$LAB_HOSTS_DIR/sshd$i.log" &
	LAB_SSHD_PIDS[i - 1]=$!
}

# Host I is up once it answers a command by ssh from the controller (60 s
# at most: a bound for a broken sshd only).
lab_host_answers() { # I
	local i=$1 deadline=$((SECONDS + 60))
	until ip netns exec "$LAB_CTL" $LAB_SSH "host$i" true 2>"$LAB_HOSTS_DIR/probe$i.err"; do
		if [ $SECONDS -ge $deadline ]; then
			echo "lab: sshd on host$i: $(cat "$LAB_HOSTS_DIR/sshd$i.log" "$LAB_HOSTS_DIR/probe$i.err")" >&2
			return 1
		fi
		sleep 0.1
	done
}

# Host keys, the client's key, each sshd's configuration and the client's.
lab_hosts_ssh() { # N
	local n=$1 i d=$LAB_HOSTS_DIR/ssh
	ssh-keygen -q -t ed25519 -N '' -C zscan-lab-client -f "$d/id"
	# in each host's home, where sshd's StrictModes checks only that home
	# and / above it (an absolute path would be checked all the way up: a
	# checkout under /tmp, mode 1777, is refused)
	for ((i = 1; i <= n; i++)); do
		mkdir -p -m 700 "$LAB_HOSTS_DIR/h$i" "$LAB_HOSTS_DIR/h$i/.ssh"
		cp "$d/id.pub" "$LAB_HOSTS_DIR/h$i/.ssh/authorized_keys"
	done
	: >"$d/known_hosts"
	{
		echo "# the lab's hosts only (ssh -F this file)"
		for ((i = 1; i <= n; i++)); do
			printf 'Host host%d\n  HostName %s\n' "$i" "${LAB_HOST_ADDR[i - 1]}"
		done
		printf '%s\n' 'Host *' '  User root' "  IdentityFile $d/id" '  IdentitiesOnly yes' \
			"  UserKnownHostsFile $d/known_hosts" '  GlobalKnownHostsFile /dev/null' \
			'  StrictHostKeyChecking yes' '  CheckHostIP no' '  BatchMode yes' \
			'  ConnectTimeout 30' '  ServerAliveInterval 10' '  LogLevel ERROR'
	} >"$d/config"
	for ((i = 1; i <= n; i++)); do
		ssh-keygen -q -t ed25519 -N '' -C "host$i" -f "$d/host$i"
		echo "${LAB_HOST_ADDR[i - 1]} $(cut -d' ' -f1,2 "$d/host$i.pub")" >>"$d/known_hosts"
		printf '%s\n' "ListenAddress ${LAB_HOST_ADDR[i - 1]}:22" "HostKey $d/host$i" \
			"PidFile $LAB_HOSTS_DIR/sshd$i.pid" 'AuthorizedKeysFile .ssh/authorized_keys' \
			'PermitRootLogin prohibit-password' 'PasswordAuthentication no' \
			'KbdInteractiveAuthentication no' 'UsePAM no' \
			'AllowTcpForwarding no' 'X11Forwarding no' 'PrintMotd no' 'UseDNS no' \
			"SetEnv PATH=${LAB_HOSTS_PATH:-/usr/bin:/bin} ZSCAN_SYSCONFDIR=$LAB_HOSTS_DIR/etc" \
			'MaxStartups 100' >"$d/sshd$i.conf"
	done
	LAB_SSH="ssh -F $d/config"
}

# Blocklists that leave only the lab to scan, less its machines' own links
# (198.18.0.0/22, 2001:2::/64 and 2001:2:0:f000::/52): everything outside
# 198.18.0.0/15 and 2001:2::/48 is blocked.
lab_hosts_blocklist() { # DIR
	python3 - "$1" <<'PY'
import ipaddress as ip, sys
def outside(whole, lab):
    return [str(n) for n in sorted(ip.ip_network(whole).address_exclude(ip.ip_network(lab)))]
with open(sys.argv[1] + "/blocklist.conf", "w") as f:
    f.write("\n".join(outside("0.0.0.0/0", "198.18.0.0/15") + ["198.18.0.0/22"]) + "\n")
with open(sys.argv[1] + "/blocklist6.conf", "w") as f:
    f.write("\n".join(outside("::/0", "2001:2::/48") + ["2001:2::/64", "2001:2:0:f000::/52"]) + "\n")
PY
}

# Ends the sshds and removes the hosts' and the controller's namespaces;
# safe to call twice and after a half-built set (then lab_down).
lab_hosts_down() (
	set +e
	local pid ns
	for pid in "${LAB_SSHD_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${LAB_HOSTS[@]}" "${LAB_CTL:-}"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
)

in_ctl() { ip netns exec "$LAB_CTL" "$@"; }
in_host() { # I CMD...: in host I's namespace (1-based)
	local i=$1
	shift
	ip netns exec "${LAB_HOSTS[i - 1]}" "$@"
}
