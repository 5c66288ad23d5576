# The lab's real servers (tests/servers.sh), asked from the scanner's
# namespace by clients of their own (dig, snmpget, nmblookup, and Python's
# sockets, which show an answer's source address): each given address
# answers from itself with the configured values, and an address not given
# (a live host of the lab all the same) does not answer.

source tests/servers.sh

# Given: two IPv4 and two IPv6 live hosts. Not given: one of each, live.
SRV_V4="198.18.53.1 198.18.53.2"
SRV_V6="2001:2:0:53::1 2001:2:0:53::2"
SRV_NOT="198.18.53.3 2001:2:0:53::3"

servers_lab() {
	LAB_LIVE="198.18.53.0/29 2001:2:0:53::/125" scan_lab_up
}

# ask KIND ADDR [ARG [N]]: one query of KIND to ADDR from the scanner, by
# Python's sockets; a line for each answer: its source address, then what
# it says, sorted. It waits for N answers (default 1), 1 s at most (upnp:
# 1.5 s, as GSSDP answers after up to MX = 1 s); nothing if none came.
ask() {
	[ -f "$T/ask.py" ] || cat >"$T/ask.py" <<'PY'
import socket, struct, sys, time
kind, addr = sys.argv[1], sys.argv[2]
arg = sys.argv[3] if len(sys.argv) > 3 else ""
want = int(sys.argv[4]) if len(sys.argv) > 4 else 1
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)

def ber(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 128 else bytes([0x81, n])) + body

def name_nb(n):  # NetBIOS first-level encoding of the 16-byte name n
    return bytes([32]) + bytes(x for c in n for x in (0x41 + (c >> 4), 0x41 + (c & 15))) + b"\0"

if kind == "dns":  # lab.test SOA, no recursion
    q = struct.pack("!HHHHHH", 0x5a5a, 0, 1, 0, 0, 0) + b"\x03lab\x04test\x00" + struct.pack("!HH", 6, 1)
    port = 53
elif kind == "ntp":  # a client request, version 4
    q = bytes([0x23]) + bytes(47)
    port = 123
elif kind == "snmp":  # GetRequest sysName.0, community public, version arg (0: v1, 1: v2c)
    oid = bytes([0x2b, 6, 1, 2, 1, 1, 5, 0])
    pdu = ber(0xa0, ber(2, b"\x01") + ber(2, b"\0") + ber(2, b"\0") + ber(0x30, ber(0x30, ber(6, oid) + b"\x05\x00")))
    q = ber(0x30, ber(2, bytes([int(arg or 1)])) + ber(4, b"public") + pdu)
    port = 161
elif kind == "memcached":
    q = struct.pack("!HHHH", 0x77, 0, 1, 0) + b"version\r\n"
    port = 11211
elif kind == "netbios":  # node status of "*"
    q = struct.pack("!HHHHHH", 0x4242, 0, 1, 0, 0, 0) + name_nb(b"*" + bytes(15)) + struct.pack("!HH", 0x21, 1)
    port = 137
elif kind == "upnp":
    host = "[%s]" % addr if ":" in addr else addr
    q = ("M-SEARCH * HTTP/1.1\r\nHOST: %s:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: %s\r\n\r\n"
         % (host, arg or "ssdp:all")).encode()
    port = 1900
s.sendto(q, (addr, port))
end = time.time() + (1.5 if kind == "upnp" else 1)
out = []
while len(out) < want:
    s.settimeout(max(end - time.time(), 0.01))
    try:
        d, src = s.recvfrom(65535)
    except (socket.timeout, TimeoutError):
        break
    src = src[0]
    if kind == "dns":
        _, flags, _, an, ns, ar = struct.unpack("!HHHHHH", d[:12])
        out.append("%s qr=%d aa=%d rcode=%d an=%d" % (src, flags >> 15, (flags >> 10) & 1, flags & 15, an))
    elif kind == "ntp":
        out.append("%s leap=%d version=%d mode=%d stratum=%d refid=%s" % (
            src, d[0] >> 6, (d[0] >> 3) & 7, d[0] & 7, d[1], ".".join(str(b) for b in d[12:16])))
    elif kind == "snmp":
        out.append("%s %s" % (src, "lab-snmp" if b"\x04\x08lab-snmp" in d else d.hex()))
    elif kind == "memcached":
        out.append("%s %s %s" % (src, d[:8].hex(), d[8:].decode(errors="replace").strip()))
    elif kind == "netbios":
        i = 12
        while d[i]:
            i += d[i] + 1
        i += 1 + 10
        names = []
        for k in range(d[i]):
            e = d[i + 1 + 18 * k: i + 19 + 18 * k]
            flags = struct.unpack("!H", e[16:18])[0]
            names.append("%s<%02x>%s" % (e[:15].decode().rstrip(), e[15], "G" if flags & 0x8000 else ""))
        mac = d[i + 1 + 18 * d[i]: i + 7 + 18 * d[i]]
        out.append("%s %s %s" % (src, " ".join(names), ":".join("%02x" % b for b in mac)))
    elif kind == "upnp":
        lines = d.decode(errors="replace").split("\r\n")
        h = {l.split(":", 1)[0].upper(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        out.append("%s %s|%s|%s|%s|%s|%s" % (src, lines[0], h.get("ST"), h.get("USN"), h.get("LOCATION"),
                                             h.get("SERVER"), h.get("CACHE-CONTROL")))
print("\n".join(sorted(out)))
PY
	in_scan python3 "$T/ask.py" "$@"
}

# info KIND KEY: the rest of the first line of $T/servers/KIND.info that starts with KEY
info() {
	awk -v k="$2" '$1 == k {sub(/^[^ ]+ /, ""); print; exit}' "$SERVERS_DIR/$1.info"
}

# An address not given gets no answer, by Python and by the kind's client.
expect_silent() { # KIND ADDR...
	local kind=$1 a
	shift
	for a in "$@"; do
		expect_eq "$kind answer from $a, not given" "$(ask "$kind" "$a")" ""
	done
}

test_servers_dns() {
	servers_lab
	# and one address outside the live prefixes (server_up puts it on lo)
	server_up dns "$LAB_NET" $SRV_V4 $SRV_V6 198.18.54.1
	local rec=$SERVERS_DIR/dns.records a name type want got
	expect_eq "addrs" "$(tr '\n' ' ' <"$SERVERS_DIR/dns.addrs")" "198.18.53.1 198.18.53.2 2001:2:0:53::1 2001:2:0:53::2 198.18.54.1 "
	expect_eq "records of every type decoded" "$(awk '{print $2}' "$rec" | sort -u | tr '\n' ' ')" \
		"A AAAA CAA CNAME MX NS PTR SOA SRV TXT "
	grep -qx 'empty.lab.test TXT ""' "$rec" || fail "no empty TXT in dns.records"
	for a in $SRV_V4 $SRV_V6 198.18.54.1; do
		expect_eq "raw query to $a" "$(ask dns "$a")" "$a qr=1 aa=1 rcode=0 an=1"
		# every name and type: dig's answer section is the configured records
		awk '{print $1, $2}' "$rec" | sort -u | while read -r name type; do
			want=$(awk -v n="$name" -v t="$type" '$1 == n && $2 == t {sub(/^[^ ]+ [^ ]+ /, ""); print}' "$rec" | sort)
			got=$(in_scan dig +norec +time=2 +tries=1 +short @"$a" "$name" "$type" |
				sed -E 's/\.( |$)/\1/g' | sort)
			[ "$got" = "$want" ] || fail "dig @$a $name $type: got '$got', want '$want'"
		done
	done
	# authoritative, and nothing outside its zones
	in_scan dig +norec +time=2 +tries=1 @198.18.53.2 www.lab.test A | grep -q 'flags: qr aa;' ||
		fail "not authoritative"
	in_scan dig +norec +time=2 +tries=1 @198.18.53.2 www.example.com A | grep -q 'status: REFUSED' ||
		fail "answers outside its zones"
	expect_silent dns $SRV_NOT
	! in_scan dig +time=1 +tries=1 +short @198.18.53.3 lab.test SOA >/dev/null 2>&1 ||
		fail "dig got an answer from 198.18.53.3"
	echo "  $(awk '{print $1, $2}' "$rec" | sort -u | wc -l) names and types, each on 5 addresses, as configured"
}

test_servers_ntp() {
	servers_lab
	server_up ntp "$LAB_NET" $SRV_V4 $SRV_V6
	local a stratum refid
	stratum=$(info ntp stratum)
	refid=$(info ntp refid)
	expect_eq "stratum" "$stratum" 8
	for a in $SRV_V4 $SRV_V6; do
		expect_eq "ntp answer of $a" "$(ask ntp "$a")" \
			"$a leap=$(info ntp leap) version=4 mode=4 stratum=$stratum refid=$refid"
	done
	expect_silent ntp $SRV_NOT
}

test_servers_snmp() {
	servers_lab
	server_up snmp "$LAB_NET" $SRV_V4 $SRV_V6
	local a v target oids want got
	oids=$(awk '$2 ~ /^1\.3\./ {print $2}' "$SERVERS_DIR/snmp.info" | tr '\n' ' ')
	want=$(awk '$2 ~ /^1\.3\./ {$1 = ""; $2 = ""; sub(/^  /, ""); print}' "$SERVERS_DIR/snmp.info")
	export SNMP_PERSISTENT_DIR=$T/snmpclient # net-snmp's clients write there too
	for a in $SRV_V4 $SRV_V6; do
		target=$a
		[[ $a == *:* ]] && target="udp6:[$a]"
		for v in $(info snmp versions); do
			got=$(in_scan snmpget -m '' -M /dev/null -v"$v" -c "$(info snmp community)" -t 2 -r 0 -On -Oqv \
				"$target" $oids | sed -e 's/^"\(.*\)"$/\1/' -e 's/^\.//')
			expect_eq "snmpget -v$v $a" "$got" "$want"
		done
		expect_eq "v1 answer's source" "$(ask snmp "$a" 0)" "$a lab-snmp"
		expect_eq "v2c answer's source" "$(ask snmp "$a" 1)" "$a lab-snmp"
	done
	expect_silent snmp $SRV_NOT
	! in_scan snmpget -m '' -M /dev/null -v2c -c public -t 1 -r 0 198.18.53.3 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 ||
		fail "snmpget got an answer from 198.18.53.3"
	# a wrong community gets nothing
	expect_eq "wrong community" "$(in_scan snmpget -m '' -M /dev/null -v2c -c private -t 1 -r 0 198.18.53.1 \
		1.3.6.1.2.1.1.5.0 2>&1 || true)" "Timeout: No Response from 198.18.53.1."
}

test_servers_memcached() {
	servers_lab
	server_up memcached "$LAB_NET" $SRV_V4 $SRV_V6
	local a version
	version=$(info memcached version)
	[[ $version =~ ^1\.[0-9]+\.[0-9]+$ ]] || fail "version '$version'"
	for a in $SRV_V4 $SRV_V6; do
		# the frame header echoed: request id 0x77, sequence 0 of 1
		expect_eq "memcached answer of $a" "$(ask memcached "$a")" "$a 0077000000010000 VERSION $version"
	done
	expect_silent memcached $SRV_NOT
	# UDP only
	! in_scan bash -c 'exec 3<>/dev/tcp/198.18.53.1/11211' 2>/dev/null || fail "TCP port 11211 open"
}

test_servers_netbios() {
	servers_lab
	server_up netbios "$LAB_NET" $SRV_V4
	local a names got want
	names=$(awk '$1 == "name" {printf "%s%s<%s>%s", sep, $2, $3, ($4 == "group" ? "G" : ""); sep = " "}' \
		"$SERVERS_DIR/netbios.info")
	for a in $SRV_V4; do
		expect_eq "node status of $a" "$(ask netbios "$a")" "$a $names $(info netbios mac)"
		# and by Samba's own client
		got=$(in_scan timeout 20 nmblookup -A "$a" | awk '/<..>/ {print $1, $2, ($4 == "<GROUP>" ? "group" : "unique")}')
		want=$(awk '$1 == "name" {print $2, "<" $3 ">", $4}' "$SERVERS_DIR/netbios.info")
		expect_eq "nmblookup -A $a" "$got" "$want"
	done
	expect_eq "netbios name" "$(info netbios netbios_name)" LABNB
	expect_eq "workgroup" "$(info netbios workgroup)" ZLABGRP
	expect_silent netbios 198.18.53.3
	# NetBIOS has no IPv6: refused, and nothing left half started
	local rc=0
	server_up netbios "$LAB_NET" 2001:2:0:53::1 2>"$T/v6.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "netbios on IPv6 started"
	grep -q 'no NetBIOS over IPv6' "$T/v6.err" || fail "netbios on IPv6: $(cat "$T/v6.err")"
}

test_servers_upnp() {
	servers_lab
	server_up upnp "$LAB_NET" $SRV_V4 $SRV_V6
	local a st u usn loc want n
	usn=$(info upnp usn)
	n=$(grep -c '^st ' "$SERVERS_DIR/upnp.info")
	for a in $SRV_V4 $SRV_V6; do
		loc=$(awk -v a="$a" '$1 == "location" && $2 == a {print $3}' "$SERVERS_DIR/upnp.info")
		# ssdp:all: an answer for each search target, from the address asked
		want=$(for st in $(awk '$1 == "st" {print $2}' "$SERVERS_DIR/upnp.info"); do
			u="$usn::$st"
			[ "$st" = "$usn" ] && u=$usn
			echo "$a HTTP/1.1 200 OK|$st|$u|$loc|$(info upnp server)|max-age=$(info upnp max_age)"
		done | sort)
		expect_eq "ssdp:all to $a" "$(ask upnp "$a" ssdp:all "$n")" "$want"
	done
	# one target: its answer only (waiting for a second one that must not come)
	for a in 198.18.53.1 2001:2:0:53::2; do
		expect_eq "upnp:rootdevice to $a" "$(ask upnp "$a" upnp:rootdevice 2 | cut -d'|' -f2)" upnp:rootdevice
	done
	expect_eq "unknown target" "$(ask upnp 198.18.53.1 urn:schemas-upnp-org:device:Printer:1)" ""
	expect_silent upnp $SRV_NOT
}

# servers_down ends every server and takes back all it added: processes,
# addresses on lo, the nftables table, files; the namespace is as the lab
# made it, and the servers can come up again.
test_servers_down_leaves_nothing() {
	servers_lab
	local before_addrs before_nft before_pids kind
	before_addrs=$(ip -n "$LAB_NET" -o addr show | awk '$4 !~ /^fe80:/ {print $2, $4}' | sort)
	before_nft=$(ip netns exec "$LAB_NET" nft list tables | sort)
	before_pids=$(ip netns pids "$LAB_NET" | sort)
	for kind in dns ntp snmp memcached upnp; do
		server_up "$kind" "$LAB_NET" $SRV_V4 $SRV_V6
	done
	server_up netbios "$LAB_NET" $SRV_V4
	expect_eq "EXIT trap" "$(trap -p EXIT)" "trap -- 'servers_down; lab_down' EXIT"
	local rc=0
	server_up dns "$LAB_NET" 198.18.53.1 2>"$T/twice.err" || rc=$?
	[ "$rc" -ne 0 ] && grep -q 'dns is up already' "$T/twice.err" || fail "a second dns: $(cat "$T/twice.err")"
	rc=0
	server_up dns "$LAB_NET" 10.0.0.1 2>"$T/out.err" || rc=$?
	[ "$rc" -ne 0 ] && grep -q 'outside the lab' "$T/out.err" || fail "10.0.0.1: $(cat "$T/out.err")"
	local pids
	pids=$(awk '{print $1}' "$SERVERS_DIR/pids")
	expect_eq "servers running" "$(echo "$pids" | wc -l)" 9 # 4 chronyd
	local run
	run=$(cat "$SERVERS_DIR/tmpdirs")
	[ -d "$run" ] || fail "no nmbd run directory"
	servers_down
	servers_down # twice is fine
	local p
	for p in $pids; do
		[ ! -e "/proc/$p" ] || fail "pid $p ($(cat "/proc/$p/comm" 2>/dev/null)) still there"
	done
	expect_eq "processes in the namespace" "$(ip netns pids "$LAB_NET" | sort)" "$before_pids"
	expect_eq "addresses" "$(ip -n "$LAB_NET" -o addr show | awk '$4 !~ /^fe80:/ {print $2, $4}' | sort)" "$before_addrs"
	expect_eq "nftables" "$(ip netns exec "$LAB_NET" nft list tables | sort)" "$before_nft"
	[ ! -e "$T/servers" ] || fail "$T/servers left: $(ls -R "$T/servers")"
	[ ! -e "$run" ] || fail "$run left"
	expect_eq "ports" "$(ip netns exec "$LAB_NET" ss -Hlun | wc -l)" 0
	# up again, answering
	server_up memcached "$LAB_NET" 198.18.53.1
	expect_eq "memcached again" "$(ask memcached 198.18.53.1 | cut -d' ' -f1,3)" "198.18.53.1 VERSION"
}
