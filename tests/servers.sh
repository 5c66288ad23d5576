# Real Debian servers in the lab, for the UDP probe modules' end-to-end
# tests. Source it after tests/lib.sh; bring the lab up (scan_lab_up), then
#
#   server_up KIND NAMESPACE ADDR...
#
# starts KIND in NAMESPACE (the lab's net namespace, $LAB_NET) answering on
# each ADDR only, every answer sent from the address that was asked. Each
# ADDR must be in 198.18.0.0/15 or 2001:2::/48 and reach the namespace: a
# live host of the lab ($LAB_DIR/live.txt, so a LAB_LIVE prefix at 100 %
# is simplest), or an address outside every LAB_LIVE prefix (the lab's
# nftables drop what is sent to a prefix's dead hosts). server_up adds each
# ADDR to the namespace's lo (/32 or /128) where it is not there yet: the
# daemons bind each address, and some of them (dnsmasq, nmbd) only take
# addresses that an interface holds. One server of each KIND at a time.
# server_up returns once every ADDR is bound and the IPv6 links of
# NAMESPACE and $LAB_SCAN are ready (servers_ipv6_ready), or fails, showing
# the daemon's log; it puts servers_down at the front of the EXIT trap (after
# scan_lab_up's lab_down is set) if it is not there yet. servers_down (safe
# to call twice, under set -e, or with nothing up) ends every server, takes
# the addresses and nftables rules it added away, and removes its files;
# when the test is failing ($? non-zero at the call) it first shows the
# end of each server's log on stderr.
#
# KIND  daemon                 port  what it answers (ports are the standard ones)
# dns   dnsmasq, authoritative 53    zone lab.test and its reverse zones, records
#                                    of every type the dns module decodes
# ntp   chronyd, one per ADDR  123   "local stratum 8" time, clock left alone (-x)
# snmp  snmpd                  161   v1 and v2c, community "public", system group
# memcached memcached          11211 UDP only (-U 11211 -p 0)
# netbios nmbd (IPv4 only)     137   node status of name LABNB, workgroup ZLABGRP
# upnp  libgssdp (Debian's GSSDP, through python3-gi)
#                              1900  unicast M-SEARCH with MAN "ssdp:discover"
#                                    and an MX header (GSSDP ignores a search
#                                    without them), for ST ssdp:all,
#                                    upnp:rootdevice and the device's type and
#                                    uuid; the answer comes after a random
#                                    delay of up to MX seconds (UDA 1.0)
#
# What each KIND serves, for tests to compare decoded answers with, in
# $T/servers (SERVERS_DIR) while it is up:
#   KIND.addrs      the addresses it answers on, one a line (IPv6 compressed)
#   dns.records     "NAME TYPE VALUE": every record of the zones, VALUE in
#                   dig's presentation format without the trailing dots of
#                   names (as the dns module writes rdata): MX "10 mail.lab.test",
#                   TXT "\"a\" \"b c\"", an empty TXT as "\"\"", SOA "mname
#                   rname serial refresh retry expire minimum", SRV "prio
#                   weight port target", CAA "0 issue \"ca.lab.test\""
#   ntp.info        "stratum 8", "refid 127.127.1.1" (chrony's LOCL), "leap 0"
#   snmp.info       "community public", "versions 1 2c", then "NAME OID VALUE"
#                   for sysDescr, sysObjectID (VALUE an OID, no leading dot),
#                   sysContact, sysName, sysLocation, sysServices
#   memcached.info  "version 1.6.18" (memcached -V of the installed one)
#   netbios.info    "netbios_name LABNB", "workgroup ZLABGRP", "mac
#                   00:00:00:00:00:00" (nmbd's node status has no MAC) and a
#                   "name NAME SUFFIX unique|group" line for each name of its
#                   node status (LABNB 00, 03, 20; ZLABGRP 00, 1e)
#   upnp.info       "server ...", "usn ..." (the device's uuid), "max_age
#                   1800", "st ..." for each search target it has (besides
#                   ssdp:all), and "location ADDR URL" for each ADDR
# Logs: $T/servers/KIND/*.log.

SERVERS_KINDS="dns ntp snmp memcached netbios upnp"
SERVERS_DIR=${T:-/nonexistent}/servers

# The lab's ranges: server_up refuses any other address.
servers_addrs_ok() { # ADDR... -> the addresses, IPv6 compressed, one a line
	python3 - "$@" <<'PY'
import ipaddress, sys
nets = [ipaddress.ip_network("198.18.0.0/15"), ipaddress.ip_network("2001:2::/48")]
for a in sys.argv[1:]:
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        sys.exit("servers: %s is not an address" % a)
    if not any(ip.version == n.version and ip in n for n in nets):
        sys.exit("servers: %s is outside the lab's 198.18.0.0/15 and 2001:2::/48" % a)
    print(ip.compressed)
PY
}

# servers_bound NAMESPACE PORT ADDR...: every ADDR has a UDP socket bound
# to PORT in NAMESPACE.
servers_bound() {
	local ns=$1 port=$2 a have
	shift 2
	have=$(ip netns exec "$ns" ss -Hlun "sport = :$port" | awk '{print $4}')
	for a in "$@"; do
		[[ $a == *:* ]] && a="[$a]"
		grep -qxF "$a:$port" <<<"$have" || return 1
	done
}

# servers_start NAME COMM CMD...: CMD in the background, its pid kept with
# the name its process will have (/proc/PID/comm), so that servers_down ends
# that process only. CMD is run by `ip netns exec` directly: the pid is the
# daemon's own.
servers_start() {
	local name=$1 comm=$2
	shift 2
	"$@" >"$SERVERS_DIR/$name.log" 2>&1 </dev/null &
	echo "$! $comm" >>"$SERVERS_DIR/pids"
}

# servers_wait KIND NAMESPACE PORT ADDR...: until all are bound (20 s);
# on a failure the kind's logs go to stderr.
servers_wait() {
	local kind=$1 ns=$2 port=$3 deadline=$((SECONDS + 20))
	shift 3
	until servers_bound "$ns" "$port" "$@"; do
		if [ $SECONDS -ge $deadline ]; then
			echo "servers: $kind did not bind $* port $port within 20 s" >&2
			tail -n 20 "$SERVERS_DIR/$kind"/*.log >&2 2>/dev/null
			return 1
		fi
		sleep 0.05
	done
}

server_up() { # KIND NAMESPACE ADDR...
	[ $# -ge 3 ] || {
		echo "usage: server_up KIND NAMESPACE ADDR..." >&2
		return 2
	}
	local kind=$1 ns=$2 addrs a
	shift 2
	[[ " $SERVERS_KINDS " == *" $kind "* ]] || {
		echo "servers: no kind $kind (kinds: $SERVERS_KINDS)" >&2
		return 2
	}
	addrs=$(servers_addrs_ok "$@") || return 2
	if [ "$kind" = netbios ] && [[ $addrs == *:* ]]; then
		echo "servers: netbios: nmbd has no NetBIOS over IPv6 ($(grep : <<<"$addrs" | head -1))" >&2
		return 2
	fi
	# shellcheck disable=SC2206
	local list=($addrs)
	SERVERS_DIR=$T/servers
	[ ! -e "$SERVERS_DIR/$kind.addrs" ] || {
		echo "servers: $kind is up already" >&2
		return 2
	}
	# shellcheck disable=SC2119
	servers_trap
	mkdir -p "$SERVERS_DIR/$kind"
	servers_ipv6_ready "$ns" ${LAB_SCAN:-} || return 1
	# on lo, unless some link of the namespace has it already
	for a in "${list[@]}"; do
		if ! ip -n "$ns" -o addr show | awk '{sub(/\/.*/, "", $4); print $4}' | grep -qxF "$a"; then
			if [[ $a == *:* ]]; then
				ip -n "$ns" addr add "$a/128" dev lo nodad
			else
				ip -n "$ns" addr add "$a/32" dev lo
			fi
			echo "$ns $a" >>"$SERVERS_DIR/lo_addrs"
		fi
	done
	"server_up_$kind" "$ns" "${list[@]}" || return 1
	printf '%s\n' "${list[@]}" >"$SERVERS_DIR/$kind.addrs"
}

# servers_ipv6_ready NAMESPACE...: until every link (but lo) of each
# NAMESPACE that has a global IPv6 address has its link-local one, out of
# the tentative state (5 s at most). Until then the link ignores neighbour
# solicitations: right after lab_up the first IPv6 packet to the net side
# waits a whole second for the kernel's next solicitation, longer than a
# client's wait (seen in one run of two).
servers_ipv6_ready() {
	local ns dev deadline=$((SECONDS + 5))
	for ns in "$@"; do
		for dev in $(ip -n "$ns" -6 -o addr show scope global | awk '$2 != "lo" {print $2}' | sort -u); do
			until ip -n "$ns" -6 -o addr show dev "$dev" scope link | grep -v tentative | grep -q fe80; do
				[ $SECONDS -lt $deadline ] || {
					echo "servers: $ns $dev: no IPv6 link-local address within 5 s" >&2
					return 1
				}
				sleep 0.02
			done
		done
	done
}

# Puts servers_down in front of the EXIT trap, once.
# shellcheck disable=SC2120 # its arguments are those of the trap's text
servers_trap() {
	local cur
	cur=$(trap -p EXIT)
	[[ $cur == *servers_down* ]] && return 0
	if [ -n "$cur" ]; then
		eval "set -- $cur" # trap -- 'CMD' EXIT
		# shellcheck disable=SC2064
		trap "servers_down; $3" EXIT
	else
		trap servers_down EXIT
	fi
}

# --- dns: dnsmasq, authoritative for lab.test (and the reverse zones of
# 198.18.99.0/24 and 2001:2:0:99::/64, where its A and AAAA records are:
# dnsmasq serves a name's addresses only inside the zone's subnets).
# Explicit --ptr-record entries are not served in auth mode: the PTRs are
# the ones dnsmasq derives from --host-record.
server_up_dns() {
	local ns=$1 d=$SERVERS_DIR/dns a
	shift
	{
		echo "no-resolv"
		echo "no-hosts"
		echo "keep-in-foreground"
		echo "bind-interfaces"
		for a in "$@"; do echo "listen-address=$a"; done
		echo "port=53"
		echo "pid-file="
		echo "log-queries"
		echo "log-facility=-"
		echo "auth-server=ns1.lab.test,$(IFS=,; echo "$*")"
		echo "auth-zone=lab.test,198.18.99.0/24,2001:2:0:99::/64"
		echo "auth-soa=2024010101,hostmaster.lab.test,1200,180,1209600"
		echo "auth-ttl=300"
		# a string of 255 bytes, the most one holds
		local long
		long=$(printf '%.255s' "$(printf '0123456789%.0s' {1..26})")
		cat <<EOF
host-record=www.lab.test,198.18.99.10,2001:2:0:99::10
host-record=www.lab.test,198.18.99.11
host-record=ns1.lab.test,198.18.99.53
host-record=mail.lab.test,198.18.99.25
cname=alias.lab.test,www.lab.test
mx-host=lab.test,mail.lab.test,10
srv-host=_sip._udp.lab.test,sip.lab.test,5060,10,20
txt-record=txt.lab.test,"v=zscan1","second string","third"
txt-record=empty.lab.test
txt-record=esc.lab.test,"say \"hi\"","back\\\\slash","tab\tend","semi;colon"
txt-record=long.lab.test,"$long"
caa-record=lab.test,0,issue,ca.lab.test
caa-record=lab.test,128,iodef,mailto:security@lab.test
EOF
	} >"$d/dnsmasq.conf"
	cat >"$SERVERS_DIR/dns.records" <<EOF
lab.test SOA ns1.lab.test hostmaster.lab.test 2024010101 1200 180 1209600 300
lab.test NS ns1.lab.test
lab.test MX 10 mail.lab.test
lab.test CAA 0 issue "ca.lab.test"
lab.test CAA 128 iodef "mailto:security@lab.test"
www.lab.test A 198.18.99.10
www.lab.test A 198.18.99.11
www.lab.test AAAA 2001:2:0:99::10
ns1.lab.test A 198.18.99.53
mail.lab.test A 198.18.99.25
alias.lab.test CNAME www.lab.test
txt.lab.test TXT "v=zscan1" "second string" "third"
empty.lab.test TXT ""
esc.lab.test TXT "say \\"hi\\"" "back\\\\slash" "tab\\009end" "semi;colon"
long.lab.test TXT "$long"
_sip._udp.lab.test SRV 10 20 5060 sip.lab.test
10.99.18.198.in-addr.arpa PTR www.lab.test
11.99.18.198.in-addr.arpa PTR www.lab.test
53.99.18.198.in-addr.arpa PTR ns1.lab.test
25.99.18.198.in-addr.arpa PTR mail.lab.test
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.9.0.0.0.0.0.0.2.0.0.0.1.0.0.2.ip6.arpa PTR www.lab.test
EOF
	servers_start dns/dnsmasq dnsmasq ip netns exec "$ns" dnsmasq -C "$d/dnsmasq.conf"
	servers_wait dns "$ns" 53 "$@"
}

# --- ntp: chronyd, one for each address: chronyd binds at most one IPv4
# and one IPv6 address (bindaddress), and one bound to a wildcard would
# answer on every address of the namespace. -x: the system clock is not
# touched; "local stratum 8" serves the local clock as synchronised.
server_up_ntp() {
	local ns=$1 d=$SERVERS_DIR/ntp a i=0 fam
	shift
	for a in "$@"; do
		i=$((i + 1))
		fam=-4
		[[ $a == *:* ]] && fam=-6
		# no command port, no command socket: nothing outside $T
		printf '%s\n' "bindaddress $a" "port 123" "cmdport 0" "bindcmdaddress /" \
			"pidfile $d/chronyd$i.pid" "local stratum 8" "allow all" >"$d/chrony$i.conf"
		servers_start "ntp/chronyd$i" chronyd ip netns exec "$ns" chronyd "$fam" -d -x -f "$d/chrony$i.conf"
	done
	printf '%s\n' "stratum 8" "refid 127.127.1.1" "leap 0" >"$SERVERS_DIR/ntp.info"
	servers_wait ntp "$ns" 123 "$@"
}

# --- snmp: snmpd on udp:ADDR:161 / udp6:[ADDR]:161, its own configuration
# only (-C), its persistent files in $T, no MIB loaded (-m ''): the values
# below are given by number.
server_up_snmp() {
	local ns=$1 d=$SERVERS_DIR/snmp a agents=""
	shift
	for a in "$@"; do
		if [[ $a == *:* ]]; then agents+=",udp6:[$a]:161"; else agents+=",udp:$a:161"; fi
	done
	mkdir -p "$d/persist"
	cat >"$d/snmpd.conf" <<'EOF'
rocommunity public default
rocommunity6 public default
sysDescr zscan lab snmpd (Debian net-snmp)
sysObjectID .1.3.6.1.4.1.8072.3.2.10
sysContact ops@lab.test
sysName lab-snmp
sysLocation lab, rack 1
sysServices 72
EOF
	cat >"$SERVERS_DIR/snmp.info" <<'EOF'
community public
versions 1 2c
sysDescr 1.3.6.1.2.1.1.1.0 zscan lab snmpd (Debian net-snmp)
sysObjectID 1.3.6.1.2.1.1.2.0 1.3.6.1.4.1.8072.3.2.10
sysContact 1.3.6.1.2.1.1.4.0 ops@lab.test
sysName 1.3.6.1.2.1.1.5.0 lab-snmp
sysLocation 1.3.6.1.2.1.1.6.0 lab, rack 1
sysServices 1.3.6.1.2.1.1.7.0 72
EOF
	servers_start snmp/snmpd snmpd env SNMP_PERSISTENT_DIR="$d/persist" ip netns exec "$ns" \
		snmpd -f -C -c "$d/snmpd.conf" -Lo -m '' -p "$d/snmpd.pid" "${agents#,}"
	# env execs ip, which execs snmpd: the pid is snmpd's
	servers_wait snmp "$ns" 161 "$@"
}

# --- memcached: UDP on port 11211 of each address, no TCP (-p 0).
server_up_memcached() {
	local ns=$1 a listen=""
	shift
	for a in "$@"; do
		if [[ $a == *:* ]]; then listen+=",[$a]"; else listen+=",$a"; fi
	done
	echo "version $(memcached -V | awk '{print $2}')" >"$SERVERS_DIR/memcached.info"
	servers_start memcached/memcached memcached ip netns exec "$ns" \
		memcached -U 11211 -p 0 -l "${listen#,}" -u nobody -m 16 -c 256
	servers_wait memcached "$ns" 11211 "$@"
}

# --- netbios: nmbd, NetBIOS over IPv4 only. "interfaces" names each
# address as a /32 and "bind interfaces only" binds port 137 on each; nmbd
# also binds 0.0.0.0:137 for broadcasts, but with bind interfaces only it
# drops what arrives there from outside its subnets (here: from anywhere
# but the addresses themselves), so an address not given does not answer
# (checked by the tests). Its run-time files (a messaging socket among
# them, whose path must stay short) are in a directory under /tmp, removed
# by servers_down; -l keeps its "cores" directory out of /var/log/samba.
server_up_netbios() {
	local ns=$1 d=$SERVERS_DIR/netbios a ifaces="" run sub
	shift
	for a in "$@"; do ifaces+=" $a/32"; done
	run=$(mktemp -d /tmp/zsrv-nb.XXXXXX)
	echo "$run" >>"$SERVERS_DIR/tmpdirs"
	for sub in lock state cache pid private ncalrpc sock log; do mkdir -p "$run/$sub"; done
	cat >"$d/smb.conf" <<EOF
[global]
netbios name = LABNB
workgroup = ZLABGRP
server string = zscan lab
interfaces =$ifaces
bind interfaces only = yes
local master = no
domain master = no
preferred master = no
dns proxy = no
wins support = no
disable netbios = no
lock directory = $run/lock
state directory = $run/state
cache directory = $run/cache
pid directory = $run/pid
private dir = $run/private
ncalrpc dir = $run/ncalrpc
nmbd:socket dir = $run/sock
log level = 1
EOF
	cat >"$SERVERS_DIR/netbios.info" <<'EOF'
netbios_name LABNB
workgroup ZLABGRP
mac 00:00:00:00:00:00
name LABNB 00 unique
name LABNB 03 unique
name LABNB 20 unique
name ZLABGRP 00 group
name ZLABGRP 1e group
EOF
	servers_start netbios/nmbd nmbd ip netns exec "$ns" \
		nmbd -F --no-process-group --debug-stdout -l "$run/log" -s "$d/smb.conf"
	servers_wait netbios "$ns" 137 "$@"
}

# --- upnp: a root device (an InternetGatewayDevice) announced by libgssdp,
# Debian's GSSDP (gir1.2-gssdp-1.6), through a few lines of Python: GSSDP
# answers M-SEARCH itself, from a socket bound to ADDR:1900, so the answer
# comes from the address asked.
# Why not the daemons Debian has: minissdpd answers only "peers from a
# LAN" of its interfaces (a routed scanner, as in the lab, gets nothing:
# "peer 198.18.0.1 is not from a LAN") and, bound to 0.0.0.0:1900, sends
# its answers from the routing's source address (198.18.0.2 in the lab,
# not the address asked); miniupnpd is built the same way (an SSDP socket
# on 0.0.0.0, answers to its LAN's subnets only) and needs a firewall
# backend besides.
# GSSDP is given: the namespace's link the queries come in by (the route
# to the scanner's 198.18.0.1: zn0; queries that come in by another link
# are ignored; SERVERS_UPNP_IFACE overrides), and a host mask of /0 (it
# answers only peers inside the mask, on a LAN by default). Its multicast
# announcements (NOTIFY to 239.255.255.250 and ff0X::c) and the IGMP/MLD
# reports of its group joins would go out to the scanner's namespace: an
# nftables table of the namespace (inet zsrv) drops them; its log says
# so ("Operation not permitted").
server_up_upnp() {
	local ns=$1 d=$SERVERS_DIR/upnp a iface
	shift
	iface=${SERVERS_UPNP_IFACE:-$(ip -n "$ns" -o route get 198.18.0.1 2>/dev/null |
		sed -n 's/.* dev \([^ ]*\).*/\1/p')}
	[ -n "$iface" ] || {
		echo "servers: upnp: no route to 198.18.0.1 in $ns (set SERVERS_UPNP_IFACE)" >&2
		return 1
	}
	printf '%s\n' 'table inet zsrv {' ' chain out {' \
		'  type filter hook output priority 0; policy accept;' \
		'  udp dport 1900 ip daddr 224.0.0.0/4 drop' \
		'  udp dport 1900 ip6 daddr ff00::/8 drop' \
		'  ip protocol igmp drop' \
		'  icmpv6 type { mld-listener-report, mld2-listener-report, mld-listener-done } drop' \
		' }' '}' | ip netns exec "$ns" nft -f -
	echo "$ns" >>"$SERVERS_DIR/nft"
	local server="Linux/6 UPnP/1.0 zscanlab/1.0" uuid=uuid:5ca1ab1e-0000-4000-8000-00000000ab1e
	local dev=urn:schemas-upnp-org:device:InternetGatewayDevice:1
	{
		echo "server $server"
		echo "usn $uuid"
		echo "max_age 1800"
		echo "st upnp:rootdevice"
		echo "st $uuid"
		echo "st $dev"
		for a in "$@"; do
			[[ $a == *:* ]] && echo "location $a http://[$a]:5000/rootDesc.xml" ||
				echo "location $a http://$a:5000/rootDesc.xml"
		done
	} >"$SERVERS_DIR/upnp.info"
	cat >"$d/gssdp_responder.py" <<'PY'
# GSSDP answers unicast M-SEARCH on ADDR:1900 for a root device: one
# client (sockets bound to ADDR) and resource group per address.
import signal, sys
import gi
gi.require_version("GSSDP", "1.6")
from gi.repository import GLib, Gio, GSSDP

iface, server, uuid, dev = sys.argv[1:5]
keep = []
for addr in sys.argv[5:]:
    v6 = ":" in addr
    client = GSSDP.Client(interface=iface, address=Gio.InetAddress.new_from_string(addr),
                          host_mask=Gio.InetAddressMask.new_from_string("::/0" if v6 else "0.0.0.0/0"),
                          server_id=server)
    client.init(None)
    group = GSSDP.ResourceGroup.new(client)
    loc = "http://%s:5000/rootDesc.xml" % ("[%s]" % addr if v6 else addr)
    group.add_resource_simple("upnp:rootdevice", uuid + "::upnp:rootdevice", loc)
    group.add_resource_simple(uuid, uuid, loc)
    group.add_resource_simple(dev, uuid + "::" + dev, loc)
    group.set_available(True)
    keep += [client, group]
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
print("listening", flush=True)
loop.run()
PY
	# Debian's python3: the one with gi (another python3 may come first in PATH)
	servers_start upnp/gssdp python3 ip netns exec "$ns" /usr/bin/python3 -u "$d/gssdp_responder.py" \
		"$iface" "$server" "$uuid" "$dev" "$@"
	servers_wait upnp "$ns" 1900 "$@"
}

# Ends everything server_up started and removes what it added; see the top.
servers_down() {
	local rc=$? opts=$-
	set +e
	local d=${SERVERS_DIR:-}
	if [ -z "$d" ] || [ ! -d "$d" ]; then
		[[ $opts == *e* ]] && set -e
		return 0
	fi
	local f
	if [ "$rc" -ne 0 ]; then
		for f in "$d"/*/*.log; do
			[ -s "$f" ] || continue
			echo "servers: ${f#"$d"/}, last lines:" >&2
			tail -n 8 "$f" | sed 's/^/  | /' >&2
		done
	fi
	local pid comm now live=() deadline
	if [ -f "$d/pids" ]; then
		while read -r pid comm; do
			now=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
			# ours: the daemon, or `ip`/`env` not yet replaced by it
			case $now in "$comm" | ip | env) ;; *) continue ;; esac
			kill -TERM "$pid" 2>/dev/null && live+=("$pid")
		done <"$d/pids"
		deadline=$((SECONDS + 5))
		for pid in "${live[@]}"; do
			while servers_running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
			servers_running "$pid" && kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		done
	fi
	local ns a
	if [ -f "$d/nft" ]; then
		sort -u "$d/nft" | while read -r ns; do
			ip netns exec "$ns" nft delete table inet zsrv 2>/dev/null
		done
	fi
	if [ -f "$d/lo_addrs" ]; then
		while read -r ns a; do
			if [[ $a == *:* ]]; then
				ip -n "$ns" addr del "$a/128" dev lo 2>/dev/null
			else
				ip -n "$ns" addr del "$a/32" dev lo 2>/dev/null
			fi
		done <"$d/lo_addrs"
	fi
	if [ -f "$d/tmpdirs" ]; then
		while read -r f; do
			[[ $f == /tmp/zsrv-* ]] && rm -rf "$f"
		done <"$d/tmpdirs"
	fi
	rm -rf "$d"
	[[ $opts == *e* ]] && set -e
	return 0
}

# A process that has not ended (a zombie has: only its parent's wait is left).
servers_running() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}
