# The UDP payload library (conf/udp-probes/, written by its generate
# script) and the udp module's template fields: every probe file, sent by
# zsend --dryrun to its protocol's port over IPv4 and IPv6, decodes with an
# independent decoder (text2pcap + tshark) as its protocol, with no
# malformed packet and no expert warning or error; the template fields
# render as specified, differ across targets and repeat under one key.
#
# tshark (4.0) has no dissector for these, so their bytes are checked
# against their formats instead:
#   db2_523        IBM DB2 discovery: no Wireshark dissector (DRDA is TCP)
#   digi_2362      Digi ADDP: no Wireshark dissector
#   mssql_1434     MC-SQLR (SQL Server Browser): no Wireshark dissector
#   pca_5632       pcAnywhere: proprietary, no Wireshark dissector
#   qotd_17        RFC 865 Quote of the Day: no Wireshark dissector
#   valve_27015    Valve's A2S queries: no Wireshark dissector
# and these decode with an option, as tshark does not pick them by port:
#   ipmi_623       the IPMI message inside RMCP's session wrapper takes
#                  ipmi.dissect_bus_commands (else shown as raw bus data)
#   ubiquiti_10001 UBDP is not registered on 10001: -d udp.port==10001,ubdp
#   wsd_3702       WS-Discovery has no dissector of its own: XML, by the
#                  xml_udp heuristic
# memcached_11211 decodes as memcache but tshark skips the 8-byte UDP frame
# header, so its bytes are checked too; quic_443 is deliberately not
# encrypted (a version no one speaks has no keys), so tshark's failed
# attempt to decrypt it with QUIC v1's Initial keys (an expert warning of
# the Decryption group) is the one warning allowed.

# dry PORT ARGS...: the frames zsend would send to port on one IPv4 and
# one IPv6 target, as $T/dry.pcap
dry() {
	local port=$1
	shift
	printf '198.18.16.9,%s\n2001:2:0:10::9,%s\n' "$port" "$port" |
		"$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1,2001:2::1 -M udp "$@" >"$T/dry.txt"
	text2pcap -q "$T/dry.txt" "$T/dry.pcap" 2>/dev/null
}

# tshark fields of the dry-run frames, checksums verified, one line each
decode() {
	tshark -r "$T/dry.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o ipmi.dissect_bus_commands:TRUE -d udp.port==10001,ubdp --enable-heuristic xml_udp \
		-T fields "$@" 2>/dev/null | tr '\t' ' '
}

hex_of() { od -An -tx1 -v "$1" | tr -d ' \n'; }

# file | protocol in frame.protocols | tshark fields | their values
PROBE_TABLE='
bacnet_47808.pkt|bacapp|bvlc.function bacapp.confirmed_service bacapp.instance_number bacapp.property_identifier|0x0a 12 4194303 121
chargen_19.pkt|chargen|udp.length|10
coap_5683.pkt|coap|coap.type coap.code coap.opt.uri_path_recon|0 1 /.well-known/core
db2_523.pkt|data||
digi_2362.pkt|data||
dns_53.pkt|dns|dns.flags.response dns.qry.name dns.qry.type|0 example.com 1
dtls_443.pkt|dtls|dtls.record.version dtls.handshake.type dtls.handshake.version dtls.handshake.extension.type|0xfeff 1 0xfefd 10,11,13,23,65281
ike_500.pkt|isakmp|isakmp.version isakmp.exchangetype isakmp.flag_i isakmp.key_exchange.dh_group isakmp.prop.transforms|0x20 34 1 14 9
ipmi_623.pkt|ipmi|rmcp.class ipmi_session.authtype ipmi.header.netfn ipmi.header.command|0x07 0x00 0x06 0x38
l2tp_1701.pkt|l2tp|l2tp.type l2tp.avp.message_type l2tp.avp.host_name l2tp.avp.assigned_tunnel_id|1 1 zscan 23123
ldap_389.pkt|cldap|ldap.protocolOp ldap.scope ldap.present|3 0 objectClass
mdns_5353.pkt|mdns|dns.flags.response dns.qry.name dns.qry.type|0 _services._dns-sd._udp.local 12
memcached_11211.pkt|memcache||
mssql_1434.pkt|data||
natpmp_5351.pkt|portcontrol|nat-pmp.version nat-pmp.opcode|0 0
netbios_137.pkt|nbns|nbns.flags.opcode nbns.count.queries nbns.type|0 1 33
ntp_123.pkt|ntp|ntp.flags.vn ntp.flags.mode ntp.ctrl.flags2.opcode|2 6 2
ntp-monlist_123.pkt|ntp|ntp.flags.vn ntp.flags.mode ntp.priv.impl ntp.priv.reqcode ntp.priv.numitems|2 7 3 42 0
openvpn_1194.pkt|openvpn|openvpn.opcode openvpn.keyid openvpn.mpid|0x07 0 0
pca_5632.pkt|data||
pcp_5351.pkt|portcontrol|portcontrol.version portcontrol.opcode|2 0
portmap_111.pkt|rpc|rpc.msgtyp rpc.program rpc.procedure|0 100000 4
qotd_17.pkt|data||
quic_443.pkt|quic|quic.header_form quic.long.packet_type quic.version quic.dcil|1 0 0x1a2a3a4a 8
rdp_3389.pkt|rdpudp|rdpudp.flags rdpudp.upstreammtu rdpudp.downstreammtu|0x0001 1232 1232
ripv1_520.pkt|rip|rip.command rip.version rip.family rip.metric|1 1 0 16
sip_5060.pkt|sip|sip.Method sip.CSeq.method sip.Max-Forwards sip.Via.sent-by.port|OPTIONS OPTIONS 70 5060
snmp1_161.pkt|snmp|snmp.version snmp.community snmp.name|0 public 1.3.6.1.2.1.1.1.0
snmp2_161.pkt|snmp|snmp.version snmp.community snmp.name|1 public 1.3.6.1.2.1.1.1.0
snmp3_161.pkt|snmp|snmp.msgVersion snmp.msgFlags snmp.msgSecurityModel snmp.msgAuthoritativeEngineBoots|3 04 3 0
ssdp_1900.pkt|ssdp|http.request.method http.request.uri|M-SEARCH *
tftp_69.pkt|tftp|tftp.opcode tftp.source_file tftp.type|1 zscan-probe octet
ubiquiti_10001.pkt|ubdp|ubdp.version ubdp.command|1 0
upnp_1900.pkt|ssdp|http.request.method http.request.uri|M-SEARCH *
valve_27015.pkt|data||
wsd_3702.pkt|xml||
xdmcp_177.pkt|xdmcp|xdmcp.version xdmcp.opcode xdmcp.length|1 0x0002 1
'

test_payloads_generator_writes_the_committed_files() {
	# the generator rewrites the committed files byte for byte, the same
	# set of names, run after run
	mkdir -p "$T/a" "$T/b"
	conf/udp-probes/generate "$T/a"
	conf/udp-probes/generate "$T/b"
	expect_eq "file names" "$(cd "$T/a" && ls)" "$(cd conf/udp-probes && ls | grep -v '^generate$')"
	for f in "$T"/a/*; do
		cmp -s "$f" "conf/udp-probes/${f##*/}" || fail "${f##*/} differs from what the generator writes"
		cmp -s "$f" "$T/b/${f##*/}" || fail "${f##*/}: two runs of the generator differ"
	done
	# every probe file has its row below, and each fits IPv6's 1452 bytes
	for f in conf/udp-probes/*.pkt; do
		grep -q "^${f##*/}|" <<<"$PROBE_TABLE" || fail "${f##*/} has no row in PROBE_TABLE"
		[ "$(stat -c %s "$f")" -le 1452 ] || fail "${f##*/}: over 1452 bytes"
	done
	echo "  $(ls conf/udp-probes/*.pkt | wc -l) probe files, $(ls conf/udp-probes/*.tpl | wc -l) template"
}

test_payloads_decode_as_their_protocols() {
	local file proto fields want port args f n=0
	while IFS='|' read -r file proto fields want; do
		[ -n "$file" ] || continue
		port=${file%.pkt}
		port=${port##*_}
		[ -f "conf/udp-probes/$file" ] || fail "$file: no such probe file"
		dry "$port" --probe-args "file:conf/udp-probes/$file"
		args=()
		for f in $fields; do args+=(-e "$f"); done
		# both frames, by one tshark run: the port, a good checksum, the
		# payload whole (the file's bytes), the protocol, nothing malformed,
		# no expert warning or error (severity 0x600000 and up; QUIC's
		# decryption, group 0x0c000000, excepted) and the protocol's fields
		decode -E separator='|' -e udp.dstport -e udp.checksum.status -e udp.payload \
			-e frame.protocols -e _ws.expert.severity -e _ws.expert.group "${args[@]}" >"$T/dec"
		python3 - "$T/dec" "conf/udp-probes/$file" "$port" "$proto" "$want" <<'EOF' || fail "$file"
import sys
dec, path, port, proto, want = sys.argv[1:]
lines = open(dec).read().splitlines()
payload = open(path, "rb").read().hex()
assert len(lines) == 2, "%d frames, want 2 (IPv4 and IPv6)" % len(lines)
for line in lines:
    c = line.split("|")
    assert c[0:2] == [port, "1"], "port and checksum status %s, want %s 1" % (c[0:2], port)
    assert c[2].replace(":", "") == payload, "the payload is not the file's bytes"
    protos = c[3].split(":")
    assert "udp" in protos and proto in protos[protos.index("udp") + 1:], "decoded as " + c[3]
    assert not any("malformed" in p for p in protos), "malformed: " + c[3]
    for sev, grp in zip(c[4].split(","), c[5].split(",")):
        if sev and int(sev) >= 0x600000 and not (proto == "quic" and int(grp) == 0x0C000000):
            sys.exit("expert info of severity %#x, group %#x" % (int(sev), int(grp)))
    if want:
        got = " ".join(c[6:])
        assert got == want, "fields: got %r, want %r" % (got, want)
EOF
		n=$((n + 1))
	done <<<"$PROBE_TABLE"
	echo "  $n probe files decoded over IPv4 and IPv6"

	# what the decoded fields above do not show
	grep -q 'ST: upnp:rootdevice' conf/udp-probes/ssdp_1900.pkt || fail "ssdp search target"
	grep -q 'ST: ssdp:all' conf/udp-probes/upnp_1900.pkt || fail "upnp search target"
	dry 3702 --probe-args file:conf/udp-probes/wsd_3702.pkt
	decode -e xml.tag | head -1 | grep -q '<wsd:Probe/>' || fail "wsd: no Probe element"
	dry 5060 --probe-args file:conf/udp-probes/sip_5060.pkt
	[[ "$(decode -e sip.Via.branch | head -1)" == z9hG4bK* ]] || fail "sip: branch without RFC 3261's magic cookie"
	dry 137 --probe-args file:conf/udp-probes/netbios_137.pkt
	expect_eq "netbios name" "$(decode -e nbns.name | head -1)" "*$(printf '<00>%.0s' {1..15})"
	dry 623 --probe-args file:conf/udp-probes/ipmi_623.pkt
	tshark -r "$T/dry.pcap" -o ipmi.dissect_bus_commands:TRUE -V 2>/dev/null |
		grep -q 'Command: Get Channel Authentication Capabilities (0x38)' || fail "ipmi command"
	expect_eq "ipmi checksums" "$(tshark -r "$T/dry.pcap" -o ipmi.dissect_bus_commands:TRUE -V 2>/dev/null |
		grep -ci 'checksum: 0x[0-9a-f]* (correct)')" 4
	dry 500 --probe-args file:conf/udp-probes/ike_500.pkt
	expect_eq "ike key exchange" "$(decode -e isakmp.key_exchange.data | head -1 | tr -d : | wc -c)" $((2 * 256 + 1))

	# the files tshark cannot decode, against their formats
	python3 - conf/udp-probes <<'EOF' || fail "probe files without a dissector"
import re, sys
d = sys.argv[1] + "/"
b = lambda n: open(d + n, "rb").read()
# MC-SQLR 2.2.2: CLNT_UCAST_EX
assert b("mssql_1434.pkt") == b"\x03"
# DB2 discovery: command, NUL, a DRDA product id SQLvvrrm, NUL
assert re.fullmatch(rb"DB2GETADDR\0SQL[0-9]{5}\0", b("db2_523.pkt"))
# ADDP: magic, type 1 (discovery request), payload length, a MAC address
p = b("digi_2362.pkt")
assert p[:4] == b"DIGI" and p[4:6] == b"\0\1" and int.from_bytes(p[6:8], "big") == len(p) - 8 == 6
# A2S_INFO: the simple header -1, 'T', "Source Engine Query" and its NUL
assert b("valve_27015.pkt") == b"\xff" * 4 + b"TSource Engine Query\0"
# pcAnywhere's name query
assert b("pca_5632.pkt") == b"NQ"
# RFC 865: any datagram (its data ignored)
assert 0 < len(b("qotd_17.pkt")) <= 512
# memcached protocol.txt: the UDP frame header (id, sequence 0, 1
# datagram, reserved 0), then a text command ending in CRLF
p = b("memcached_11211.pkt")
assert p[2:8] == b"\0\0\0\1\0\0" and p[8:] == b"stats\r\n"
# RFC 9000 14.1: an Initial's datagram is at least 1200 bytes
assert len(b("quic_443.pkt")) >= 1200
# MS-RDPEUDP 3.1.5.1.1: the SYN datagram is padded to 1232 bytes
assert len(b("rdp_3389.pkt")) == 1232
EOF
}

# template FILE ARGS...: the payloads zsend renders from template FILE for
# the targets on standard input (port 9999), one hex line each
template() {
	local tpl=$1
	shift
	"$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1,2001:2::1 -M udp \
		--probe-args "template:$tpl" "$@" >"$T/tpl.txt"
	text2pcap -q "$T/tpl.txt" "$T/tpl.pcap" 2>/dev/null
	tshark -r "$T/tpl.pcap" -o udp.check_checksum:TRUE -T fields -e udp.checksum.status \
		-e udp.payload 2>/dev/null | awk '$1 != 1 {print "bad checksum: " $0; exit 1} {print $2}' | tr -d :
}

test_payloads_template_fields() {
	make_key "$T/k1"
	make_key "$T/k2"
	printf 'B${RAND_BYTE=5}D${RAND_DIGIT=7}A${RAND_ALPHA=9}N${RAND_ALPHANUM=11}S${UNIXTIME_SEC}U${UNIXTIME_USEC}T${NTP_TIMESTAMP}B${RAND_BYTE=5}.' >"$T/t"
	# three targets, the first twice, and one over IPv6
	printf '198.18.16.1,9999\n198.18.16.2,9999\n198.18.16.1,9999\n2001:2:0:10::1,9999\n' >"$T/targets"
	local before after
	before=$(date +%s)
	template "$T/t" -k "$T/k1" <"$T/targets" >"$T/run1"
	template "$T/t" -k "$T/k1" <"$T/targets" >"$T/run2"
	template "$T/t" -k "$T/k2" <"$T/targets" >"$T/run3"
	after=$(date +%s)
	expect_eq "rendered probes" "$(cat "$T/run1" "$T/run2" "$T/run3" | wc -l)" 12
	python3 - "$T" "$before" "$after" <<'EOF' || fail "template fields"
import string, sys
T, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = [[bytes.fromhex(l) for l in open(f"{T}/{r}").read().split()] for r in ("run1", "run2", "run3")]

def fields(p):
    # B 5 bytes, D 7 digits, A 9 letters, N 11 alphanumerics, S 4, U 4,
    # T 8, B 5 bytes, "."
    assert len(p) == 8 + 5 + 7 + 9 + 11 + 4 + 4 + 8 + 5 + 1, len(p)
    out, i = {}, 0
    for tag, n in (("B", 5), ("D", 7), ("A", 9), ("N", 11), ("S", 4), ("U", 4), ("T", 8), ("B2", 5)):
        assert p[i:i + 1] == tag[:1].encode(), (tag, p)
        out[tag] = p[i + 1:i + 1 + n]
        i += 1 + n
    assert p[i:] == b"."
    return out

for run in runs:
    for p in run:
        f = fields(p)
        assert all(c in string.digits.encode() for c in f["D"]), f["D"]
        assert all(c in string.ascii_letters.encode() for c in f["A"]), f["A"]
        assert all(c in (string.ascii_letters + string.digits).encode() for c in f["N"]), f["N"]
        sec, usec = int.from_bytes(f["S"], "big"), int.from_bytes(f["U"], "big")
        assert before - 2 <= sec <= after + 2 and usec < 10**6, (sec, usec, before, after)
        # RFC 5905 6: era 0 seconds since 1900 (the top bit set from 1968
        # to 2036), a 2^-32 fraction; the same clock reading as S and U
        ntp_sec, frac = int.from_bytes(f["T"][:4], "big"), int.from_bytes(f["T"][4:], "big")
        assert ntp_sec == (sec + 2208988800) % 2**32 and ntp_sec >= 2**31, (ntp_sec, sec)
        assert abs(frac * 10**6 // 2**32 - usec) <= 1, (frac, usec)
        assert f["B"] != f["B2"]

RANDOM = ("B", "D", "A", "N", "B2")
r1 = [fields(p) for p in runs[0]]
r2 = [fields(p) for p in runs[1]]
r3 = [fields(p) for p in runs[2]]
for k in RANDOM:
    # keyed per target: the same target, the same bytes (in one run and
    # in the next under the same key) ...
    assert r1[0][k] == r1[2][k] == r2[0][k] == r2[2][k], k
    assert [f[k] for f in r1] == [f[k] for f in r2], k
    # ... other targets, other bytes; another key, other bytes
    assert len({r1[0][k], r1[1][k], r1[3][k]}) == 3, k
    assert all(a[k] != b[k] for a, b in zip(r1, r3)), k
EOF
	# a ZMap-style SIP template: decoded as SIP, its fields filled, the
	# same for a target under one key
	printf '198.18.16.1,5060\n198.18.16.2,5060\n' >"$T/sip_targets"
	template conf/udp-probes/sip_5060.tpl -k "$T/k1" <"$T/sip_targets" >"$T/sip1"
	template conf/udp-probes/sip_5060.tpl -k "$T/k1" <"$T/sip_targets" >"$T/sip2"
	cmp -s "$T/sip1" "$T/sip2" || fail "sip template: two runs under one key differ"
	expect_eq "sip: two targets, two requests" "$(sort -u "$T/sip1" | wc -l)" 2
	tshark -r "$T/tpl.pcap" -o udp.check_checksum:TRUE -T fields -e frame.protocols -e sip.Method \
		-e sip.r-uri -e sip.Via.sent-by.address -e sip.Via.sent-by.port -e udp.srcport -e sip.Via.branch \
		-e sip.tag -e sip.Call-ID -e _ws.expert.severity 2>/dev/null >"$T/sip.dec"
	local n=0 proto method ruri via_addr via_port sport branch tag callid sev
	while IFS=$'\t' read -r proto method ruri via_addr via_port sport branch tag callid sev; do
		n=$((n + 1))
		[[ "$proto" == *:udp:sip ]] || fail "sip template: decoded as $proto"
		expect_eq "sip method" "$method" OPTIONS
		expect_eq "sip request uri" "$ruri" "sip:198.18.16.$n:5060"
		expect_eq "sip via" "$via_addr $via_port" "198.18.0.1 $sport"
		[[ "$branch" =~ ^z9hG4bK[A-Za-z0-9]{16}$ ]] || fail "sip branch '$branch'"
		[[ "$tag" =~ ^[A-Za-z0-9]{8}$ ]] || fail "sip tag '$tag'"
		[[ "$callid" =~ ^[A-Za-z0-9]{20}@198\.18\.0\.1$ ]] || fail "sip call-id '$callid'"
		[ -z "$sev" ] || [ "$(tr ',' '\n' <<<"$sev" | sort -n | tail -1)" -lt $((0x600000)) ] ||
			fail "sip template: expert info $sev"
	done <"$T/sip.dec"
	expect_eq "sip requests decoded" "$n" 2
	# a field's mistakes are one line naming the byte, and nothing is sent
	printf 'ok ${RAND_ALPHA}\n' >"$T/bad"
	expect_error "$T/bad: byte 4: '\\$\\{RAND_ALPHA\\}' wants a length: \\$\\{RAND_ALPHA=N\\}" \
		"$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 -M udp --probe-args "template:$T/bad" </dev/null
	printf '${RAND_BYTE=1473}' >"$T/bad"
	expect_error "byte 1: '\\$\\{RAND_BYTE=1473\\}': the length is 1 to 1472" \
		"$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 -M udp --probe-args "template:$T/bad" </dev/null
}
