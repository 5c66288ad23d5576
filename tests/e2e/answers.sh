# The modules that decode their answers, against real servers in the lab
# (tests/servers.sh): every server found, the decoded values equal to what
# the server was configured with, and the same answers read by tshark from
# a capture of the scan, field by field.

source tests/servers.sh

# The lab for these tests: two IPv4 and two IPv6 servers, and live hosts
# beside them that run no server (their kernels answer ICMP port
# unreachable).
answers_lab() {
	LAB_LIVE="198.18.53.0/29 2001:2:0:53::/125" scan_lab_up
	SRV="198.18.53.1 198.18.53.2 2001:2:0:53::1 2001:2:0:53::2"
}

# scan_of MODULE PORT ZSEND-ARGS ZRECV-ARGS: every live host of the lab at
# PORT, output in $T/out.json (JSON lines), with a capture of the answers
# on the scanner's link in $T/cap.pcap.
scan_of() {
	local m=$1 port=$2 zs=$3 zr=$4
	awk -v p="$port" '{print $1 "," p}' "$LAB_DIR/live.txt" >"$T/targets"
	start_capture "$LAB_SCAN" zs0 "udp src port $port"
	in_scan bash -c "'$ZS_BIN/zsend' -q -b /dev/null -M $m $zs -r 200 <'$T/targets' | '$ZS_BIN/zrecv' -q -c 3 -O json $zr" \
		>"$T/out.json" 2>"$T/err" || fail "scan: $(cat "$T/err")"
	stop_capture
}

# info KIND KEY: what tests/servers.sh wrote of KIND's configuration for
# KEY (the rest of the first line of $SERVERS_DIR/KIND.info that starts
# with it)
info() {
	awk -v k="$2" '$1 == k {sub(/^[^ ]+ /, ""); print; exit}' "$SERVERS_DIR/$1.info"
}

# The servers that answered (success), sorted.
answered() {
	python3 -c 'import json, sys
print("\n".join(sorted({r["saddr"] for r in map(json.loads, open(sys.argv[1])) if r["success"]})))' "$T/out.json"
}

test_answers_dns_decodes_what_dnsmasq_serves() {
	answers_lab
	server_up dns "$LAB_NET" $SRV
	local rec=$SERVERS_DIR/dns.records args n
	# one question for each name and type served, every one asked of every
	# target (-P as many as the questions)
	args=$(awk '{print $2 "," $1}' "$rec" | sort -u | paste -sd';')
	n=$(awk '{print $2 "," $1}' "$rec" | sort -u | wc -l)
	scan_of dns 53 "--probe-args '$args' -P $n" \
		"-f saddr,success,classification,app_success,dns_id,dns_rcode,dns_aa,dns_ancount,dns_questions,dns_answers,dns_parse_error"
	expect_eq "servers found" "$(answered | tr '\n' ' ')" "$(printf '%s\n' $SRV | sorted | tr '\n' ' ')"
	python3 - "$T/out.json" "$rec" "$n" <<'PY' || fail "decoded answers differ from dnsmasq's records"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = {}
for l in open(sys.argv[2]):
    name, typ, val = l.rstrip("\n").split(" ", 2)
    want.setdefault((name, typ), set()).add(val)
n = int(sys.argv[3])
asked = {}
for r in rows:
    if not r["success"]:
        assert r["classification"] == "port-unreachable" and r["dns_id"] == "", r
        continue
    assert r["app_success"] is True and r["dns_rcode"] == 0 and r["dns_aa"] is True, r
    assert r["dns_parse_error"] == "", r
    q = r["dns_questions"][0]
    key = (q["name"], q["qtype"])
    asked.setdefault(r["saddr"], set()).add(key)
    got = {a["rdata"] for a in r["dns_answers"] if a["type"] == q["qtype"] and a["name"] == q["name"]}
    assert got == want[key], (r["saddr"], key, got, want[key])
    assert r["dns_ancount"] == len(r["dns_answers"]), r
for a, qs in asked.items():
    assert qs == set(want), (a, set(want) - qs)
print("  %d answers: every record of %d names and types as configured, on %d servers" % (
    sum(1 for r in rows if r["success"]), n, len(asked)))
PY
	# tshark's reading of the same answers: id, rcode, counts, question
	tshark -r "$T/cap.pcap" -Y "dns.flags.response == 1" -T fields -E separator=' ' \
		-e ip.src -e ipv6.src -e dns.id -e dns.flags.rcode -e dns.count.answers \
		-e dns.qry.name -e dns.qry.type 2>/dev/null |
		awk '{print $1, $2, $3, $4, $5, $6}' | sorted >"$T/theirs"
	python3 - "$T/out.json" <<'PY' | sorted >"$T/ours"
import json, sys
code = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33, "CAA": 257}
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        q = r["dns_questions"][0]
        print(r["saddr"], "0x%04x" % r["dns_id"], r["dns_rcode"], r["dns_ancount"], q["name"], code[q["qtype"]])
PY
	cmp -s "$T/ours" "$T/theirs" || fail "ours != tshark's: $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
}

test_answers_ntp_decodes_what_chrony_serves() {
	answers_lab
	server_up ntp "$LAB_NET" $SRV
	scan_of ntp 123 "" "-f saddr,success,app_success,ntp_leap,ntp_version,ntp_mode,ntp_stratum,ntp_poll,ntp_precision,ntp_reference_id,ntp_origin_time,ntp_receive_time,ntp_transmit_time,ntp_parse_error"
	expect_eq "servers found" "$(answered | tr '\n' ' ')" "$(printf '%s\n' $SRV | sorted | tr '\n' ' ')"
	python3 - "$T/out.json" "$(info ntp stratum)" "$(info ntp refid)" "$(info ntp leap)" <<'PY' || fail "decoded NTP answers differ from chrony's"
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
for r in map(json.loads, open(sys.argv[1])):
    if not r["success"]:
        continue
    assert r["app_success"] is True and r["ntp_parse_error"] == "", r
    assert (r["ntp_version"], r["ntp_mode"], r["ntp_stratum"]) == (4, 4, int(sys.argv[2])), r
    assert r["ntp_reference_id"] == sys.argv[3] and r["ntp_leap"] == int(sys.argv[4]), r
    t = datetime.datetime.strptime(r["ntp_transmit_time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    assert abs((t - now).total_seconds()) < 120, (t, now)
    assert r["ntp_receive_time"] <= r["ntp_transmit_time"], r
PY
	# tshark's reading: version, mode, stratum, poll, precision, and the
	# transmit time to the microsecond
	tshark -r "$T/cap.pcap" -T fields -E separator='|' -e ip.src -e ipv6.src -e ntp.flags.vn \
		-e ntp.flags.mode -e ntp.stratum -e ntp.ppoll -e ntp.precision -e ntp.xmt 2>/dev/null |
		python3 -c '
import datetime, sys
for l in sys.stdin:
    s4, s6, vn, mode, st, poll, prec, xmt = l.rstrip("\n").split("|")
    d, frac = xmt.replace(" UTC", "").rsplit(".", 1)
    t = datetime.datetime.strptime(" ".join(d.split()), "%b %d, %Y %H:%M:%S")
    prec = int(prec) - 256 if int(prec) > 127 else int(prec)  # tshark shows the byte
    print(s4 or s6, vn, mode, st, poll, prec, t.strftime("%Y-%m-%dT%H:%M:%S.") + frac[:6] + "Z")' | sorted >"$T/theirs"
	python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        print(r["saddr"], r["ntp_version"], r["ntp_mode"], r["ntp_stratum"], r["ntp_poll"], r["ntp_precision"], r["ntp_transmit_time"])' "$T/out.json" | sorted >"$T/ours"
	[ -s "$T/ours" ] || fail "no answers"
	cmp -s "$T/ours" "$T/theirs" || fail "ours != tshark's: $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
}

test_answers_memcached_decodes_what_memcached_serves() {
	answers_lab
	server_up memcached "$LAB_NET" $SRV
	scan_of memcached 11211 "" "-f saddr,success,app_success,memcached_seq,memcached_version,memcached_pid,memcached_uptime,memcached_curr_connections,memcached_stats,memcached_parse_error"
	expect_eq "servers found" "$(answered | tr '\n' ' ')" "$(printf '%s\n' $SRV | sorted | tr '\n' ' ')"
	# Python's own reading of each datagram tshark shows (an answer may
	# take two): its frame header, and the STAT lines it holds whole (one
	# cut at its end, or begun in the datagram before, is not read)
	tshark -r "$T/cap.pcap" -T fields -E separator=' ' -e ip.src -e ipv6.src -e udp.payload 2>/dev/null |
		python3 -c '
import sys
for l in sys.stdin:
    f = l.split()
    src, p = f[0], bytes.fromhex(f[-1])
    seq = int.from_bytes(p[2:4], "big")
    body = p[8:].decode()
    if seq > 0 and body.startswith("\n"):  # the CRLF was cut between the two
        body = body[1:]
    lines = body.split("\r\n")
    lines = lines[:-1]
    if seq > 0 and lines and not lines[0].startswith(("STAT ", "END")):
        lines = lines[1:]
    stats = dict(x.split(" ", 2)[1:] for x in lines if x.startswith("STAT ") and x.count(" ") >= 2)
    print(src, seq, stats.get("version", "-"), stats.get("pid", "-"), len(stats))' | sorted >"$T/theirs"
	python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        assert r["app_success"] is True and r["memcached_parse_error"] == "", r
        stats = {s["name"]: s["value"] for s in r["memcached_stats"]}
        if r["memcached_seq"] == 0:
            assert stats["version"] == r["memcached_version"] and int(stats["pid"]) == r["memcached_pid"], r
        print(r["saddr"], r["memcached_seq"], stats.get("version", "-"), stats.get("pid", "-"), len(stats))' "$T/out.json" | sorted >"$T/ours"
	[ -s "$T/ours" ] || fail "no answers"
	cmp -s "$T/ours" "$T/theirs" || fail "ours != the datagrams': $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
	expect_eq "version" "$(awk '$2 == 0 {print $3}' "$T/ours" | sort -u)" "$(info memcached version)"
}

test_answers_upnp_decodes_what_gssdp_serves() {
	answers_lab
	server_up upnp "$LAB_NET" $SRV
	scan_of upnp 1900 "" "-f saddr,success,app_success,upnp_status_code,upnp_server,upnp_location,upnp_usn,upnp_st,upnp_cache_control,upnp_parse_error"
	# GSSDP answers after a random delay of up to MX (1) second: zrecv's
	# cooldown (3 s) waits for it
	expect_eq "servers found" "$(answered | tr '\n' ' ')" "$(printf '%s\n' $SRV | sorted | tr '\n' ' ')"
	python3 - "$T/out.json" "$SERVERS_DIR/upnp.info" <<'PY' || fail "decoded SSDP answers differ from GSSDP's"
import json, sys
info = {}
for l in open(sys.argv[2]):
    k, _, v = l.rstrip("\n").partition(" ")
    info.setdefault(k, []).append(v)
loc = dict(v.split(" ", 1) for v in info["location"])
for r in map(json.loads, open(sys.argv[1])):
    if not r["success"]:
        continue
    assert r["app_success"] is True and r["upnp_status_code"] == 200, r
    assert r["upnp_server"] == info["server"][0], r
    assert r["upnp_location"] == loc[r["saddr"]], (r, loc)
    assert r["upnp_usn"].startswith(info["usn"][0]), r
    assert r["upnp_st"] in info["st"] + ["upnp:rootdevice"], r
    assert r["upnp_cache_control"] == "max-age=%s" % info["max_age"][0], r
PY
	tshark -r "$T/cap.pcap" -T fields -E separator='|' -e ip.src -e ipv6.src -e http.response.code \
		-e http.server -e http.location 2>/dev/null | awk -F'|' '{print ($1 != "" ? $1 : $2) "|" $3 "|" $4 "|" $5}' | sorted >"$T/theirs"
	python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        print("%s|%d|%s|%s" % (r["saddr"], r["upnp_status_code"], r["upnp_server"], r["upnp_location"]))' "$T/out.json" | sorted >"$T/ours"
	[ -s "$T/ours" ] || fail "no answers"
	cmp -s "$T/ours" "$T/theirs" || fail "ours != tshark's: $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
}

test_answers_snmp_decodes_what_snmpd_serves() {
	answers_lab
	server_up snmp "$LAB_NET" $SRV
	local v
	for v in v2c v1; do
		scan_of snmp 161 "--probe-args $v:public" "-f saddr,success,app_success,snmp_version,snmp_community,snmp_request_id,snmp_error_status,snmp_sysdescr,snmp_sysobjectid,snmp_syscontact,snmp_sysname,snmp_syslocation,snmp_varbinds,snmp_parse_error"
		expect_eq "$v: servers found" "$(answered | tr '\n' ' ')" "$(printf '%s\n' $SRV | sorted | tr '\n' ' ')"
		python3 - "$T/out.json" "$SERVERS_DIR/snmp.info" "$v" <<'PY' || fail "$v: decoded SNMP answers differ from snmpd's"
import json, sys
want = {}
for l in open(sys.argv[2]):
    f = l.rstrip("\n").split(" ", 2)
    if len(f) == 3 and f[1].startswith("1.3."):
        want[f[0].lower()] = f[2]
for r in map(json.loads, open(sys.argv[1])):
    if not r["success"]:
        continue
    assert r["app_success"] is True and r["snmp_parse_error"] == "" and r["snmp_error_status"] == 0, r
    assert r["snmp_version"] == sys.argv[3] and r["snmp_community"] == "public", r
    for k in ("sysdescr", "sysobjectid", "syscontact", "sysname", "syslocation"):
        assert r["snmp_" + k] == want[k], (k, r["snmp_" + k], want[k])
PY
		# tshark's reading: request id, community, the OIDs answered
		tshark -r "$T/cap.pcap" -T fields -E separator=' ' -E aggregator=, -e ip.src -e ipv6.src \
			-e snmp.request_id -e snmp.community -e snmp.name 2>/dev/null | awk '{$1 = $1; print}' | sorted >"$T/theirs"
		python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        print(r["saddr"], r["snmp_request_id"], r["snmp_community"], ",".join(b["oid"] for b in r["snmp_varbinds"]))' "$T/out.json" | sorted >"$T/ours"
		[ -s "$T/ours" ] || fail "no answers"
		cmp -s "$T/ours" "$T/theirs" || fail "$v: ours != tshark's: $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
	done
}

test_answers_netbios_decodes_what_nmbd_serves() {
	answers_lab
	server_up netbios "$LAB_NET" 198.18.53.1 198.18.53.2
	scan_of netbios 137 "" "-f saddr,success,app_success,netbios_names,netbios_name,netbios_workgroup,netbios_mac,netbios_parse_error"
	expect_eq "servers found" "$(answered | tr '\n' ' ')" "198.18.53.1 198.18.53.2 "
	python3 - "$T/out.json" "$SERVERS_DIR/netbios.info" <<'PY' || fail "decoded node status differs from nmbd's"
import json, sys
info = [l.split() for l in open(sys.argv[2])]
kv = {f[0]: f[1] for f in info if len(f) == 2}
names = sorted((f[1], f[2].lower(), f[3]) for f in info if f[0] == "name")
for r in map(json.loads, open(sys.argv[1])):
    if not r["success"]:
        continue
    assert r["app_success"] is True and r["netbios_parse_error"] == "", r
    assert r["netbios_name"] == kv["netbios_name"] and r["netbios_workgroup"] == kv["workgroup"], r
    assert r["netbios_mac"] == kv["mac"], r
    got = sorted((n["name"], n["suffix"].lower(), n["type"]) for n in r["netbios_names"])
    assert got == names, (got, names)
PY
	tshark -r "$T/cap.pcap" -T fields -E separator=' ' -E aggregator=, -e ip.src -e nbns.number_of_names \
		-e nbns.unit_id 2>/dev/null | sorted >"$T/theirs"
	python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if r["success"]:
        print(r["saddr"], len(r["netbios_names"]), r["netbios_mac"])' "$T/out.json" | sorted >"$T/ours"
	[ -s "$T/ours" ] || fail "no answers"
	cmp -s "$T/ours" "$T/theirs" || fail "ours != tshark's: $(diff "$T/ours" "$T/theirs" | head -4 | tr '\n' ' ')"
}
