# End-to-end tests of zblacklist, checked against Python's ipaddress module.

default_list_py='
import ipaddress
BLOCKED = [ipaddress.ip_network(n) for n in """0.0.0.0/8 10.0.0.0/8 100.64.0.0/10
127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.88.99.0/24
192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4
255.255.255.255/32""".split()]
'

test_zblacklist_agrees_with_independent_default_list() {
	# random addresses plus both edges of every blocked range
	python3 -c "$default_list_py"'
import random
r = random.Random(1)
out = [str(ipaddress.ip_address(r.getrandbits(32))) for _ in range(200000)]
for b in BLOCKED:
    for a in (int(b.network_address) - 1, int(b.network_address),
              int(b.broadcast_address), int(b.broadcast_address) + 1):
        if 0 <= a < 2**32:
            out.append(str(ipaddress.ip_address(a)))
print("\n".join(out))' >"$T/in"
	python3 -c "$default_list_py"'
import sys
for l in open(sys.argv[1]):
    a = ipaddress.ip_address(l.strip())
    if not any(a in b for b in BLOCKED):
        sys.stdout.write(l)' "$T/in" >"$T/want"
	"$ZS_BIN/zblacklist" <"$T/in" >"$T/got"
	cmp -s "$T/got" "$T/want" || fail "filtered output differs: $(diff "$T/got" "$T/want" | head -5)"
	# --count and --cidrs from the same independent list
	python3 -c "$default_list_py"'
allowed = [ipaddress.ip_network("0.0.0.0/0")]
for b in BLOCKED:
    allowed = [x for a in allowed for x in ((a.address_exclude(b)) if b.subnet_of(a) else [a])]
allowed = sorted(ipaddress.collapse_addresses(allowed))
print(sum(a.num_addresses for a in allowed))
for a in allowed: print(a)' >"$T/py"
	expect_eq "--count" "$("$ZS_BIN/zblacklist" --count)" "$(head -1 "$T/py")"
	tail -n +2 "$T/py" >"$T/cidrs_want"
	"$ZS_BIN/zblacklist" --cidrs >"$T/cidrs_got"
	cmp -s "$T/cidrs_got" "$T/cidrs_want" || fail "--cidrs differs: $(diff "$T/cidrs_got" "$T/cidrs_want" | head -5)"
}

test_zblacklist_lines_pass_unchanged() {
	printf '8.8.8.8,53,udp\n10.1.1.1,80\n  1.1.1.1 # resolver\n# comment\n\n9.9.9.9\n' >"$T/in"
	"$ZS_BIN/zblacklist" <"$T/in" >"$T/got"
	printf '8.8.8.8,53,udp\n  1.1.1.1 # resolver\n9.9.9.9\n' >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "got: $(cat "$T/got")"
	# a partly allowed CIDR becomes its allowed blocks; a whole one is unchanged
	printf '192.0.0.0/22,x\n8.8.0.0/16\n10.0.0.0/8\n' | "$ZS_BIN/zblacklist" >"$T/got"
	printf '192.0.1.0/24,x\n192.0.3.0/24,x\n8.8.0.0/16\n' >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "CIDR lines: $(cat "$T/got")"
	# -w and -b as in zgen
	printf '1.2.3.0/24\n' >"$T/allow"
	printf '1.2.3.7\n' >"$T/block"
	printf '1.2.3.6\n1.2.3.7\n1.2.4.1\n' | "$ZS_BIN/zblacklist" -w "$T/allow" -b "$T/block" >"$T/got"
	expect_eq "-w/-b" "$(cat "$T/got")" "1.2.3.6"
	expect_eq "-w/-b --count" "$("$ZS_BIN/zblacklist" -w "$T/allow" -b "$T/block" --count)" 255
	expect_eq "no blocklist" "$("$ZS_BIN/zblacklist" -b /dev/null --count)" 4294967296
}

test_zblacklist_reports_bad_lines_and_keeps_going() {
	printf '1.1.1.1\n300.1.1.1\n2.2.2.2\n1.2.3.4/33\nhello\n3.3.3.3' >"$T/in"
	rc=0
	"$ZS_BIN/zblacklist" <"$T/in" >"$T/got" 2>"$T/err" || rc=$?
	expect_eq "exit status" "$rc" 1
	printf '1.1.1.1\n2.2.2.2\n3.3.3.3\n' >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "good lines: $(cat "$T/got")"
	grep -q "^zblacklist: stdin:2: .*'300.1.1.1'" "$T/err" || fail "line 2 not reported: $(cat "$T/err")"
	grep -q "^zblacklist: stdin:4: .*'1.2.3.4/33'" "$T/err" || fail "line 4 not reported"
	grep -q "^zblacklist: stdin:5: .*'hello'" "$T/err" || fail "line 5 not reported"
	grep -q "3 bad lines skipped (of 6)" "$T/err" || fail "no summary: $(cat "$T/err")"
	expect_error "'1.2.3.4/33'" "$ZS_BIN/zblacklist" --count 1.2.3.4/33
	expect_error "/nonexistent.*No such file" "$ZS_BIN/zblacklist" -b /nonexistent
	expect_error "exclude each other" "$ZS_BIN/zblacklist" --count --cidrs
	rc=0
	"$ZS_BIN/zblacklist" --cidrs >/dev/full 2>/dev/null || rc=$?
	expect_eq "--cidrs to /dev/full" "$rc" 1
}

# Behind a live source, allowed lines come out as they arrive, not only
# when the output buffer fills or the input ends.
test_zblacklist_prints_lines_as_they_come() {
	expect_output_while_input_waits $'1.1.1.1\n10.0.0.1\n' $'2.2.2.2\n' \
		"1.1.1.1" "1.1.1.1 2.2.2.2 " "$ZS_BIN/zblacklist"
}

# IPv6 lines, against Python's ipaddress with the blocklist read from
# conf/blocklist6.conf by Python itself: with no allow entries every
# address not blocked passes; with -w only the allowed ranges, singles and
# slice points do; a partly allowed prefix becomes the minimal cover of its
# allowed part, in address order, each block with the rest of the line.
test_zblacklist_filters_ipv6_like_python() {
	cat >"$T/allow" <<-'A'
		2400:cb00::/120
		2400:cb00::1:0/112
		2600:1f00::/32-40
		2a00:1450::5
		1.2.3.0/24
	A
	cat >"$T/block" <<-'B'
		2400:cb00::80/121
		2600:1f00:8000::/33
		10.0.0.0/8
	B
	python3 - conf/blocklist6.conf "$T/allow" "$T/block" "$T" <<-'PY'
		import ipaddress as ia, random, sys
		def nets(path):
		    out = []
		    for l in open(path):
		        l = l.split("#")[0].strip()
		        if l:
		            out.append(l)
		    return out
		default6 = [ia.ip_network(n) for n in nets(sys.argv[1])]
		allow_txt = [n for n in nets(sys.argv[2]) if ":" in n]
		block6 = [ia.ip_network(n) for n in nets(sys.argv[3]) if ":" in n]
		ranges, slices = [], []
		for n in allow_txt:
		    if "-" in n.partition("/")[2]:
		        p, l = n.split("/"); l, s = map(int, l.split("-"))
		        slices.append((ia.ip_network(p + "/" + str(l)), s))
		    else:
		        ranges.append(ia.ip_network(n))
		def sl_points(net, s):
		    base = int(net.network_address)
		    return [base + (i << (128 - s)) + 1 for i in range(1 << (s - net.prefixlen))]
		points = {p for n, s in slices for p in sl_points(n, s)}
		def blocked(a, bl):
		    return any(a in b for b in bl)
		def allowed_all(a):  # no allow entries, default blocklist
		    return not blocked(a, default6)
		def allowed_w(a):  # -w allow, -b block
		    if blocked(a, block6):
		        return False
		    return any(a in r for r in ranges) or int(a) in points
		r = random.Random(7)
		probe = []
		for n in default6 + ranges + block6 + [s[0] for s in slices]:
		    lo, hi = int(n.network_address), int(n.broadcast_address)
		    for v in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1):
		        if 0 <= v < 2**128:
		            probe.append(v)
		probe += [int(ia.IPv6Address(p)) for p in sorted(points)][:50]
		probe += [r.getrandbits(128) for _ in range(3000)]
		probe += [(0x2400cb00 << 96) + r.getrandbits(9) for _ in range(300)]
		lines = [str(ia.IPv6Address(v)) + ("" if i % 3 else ",x") for i, v in enumerate(probe)]
		# prefixes, some wholly, some partly allowed
		pref = ["2400:cb00::/119 y", "2400:cb00::/121", "2400:cb00::/118", "2600:1f00::/34",
		        "2600:1f00::/32", "2a00:1450::/126", "2001:db8::/48", "::/0", "2400::/12"]
		open(sys.argv[4] + "/in6", "w").write("\n".join(lines + pref) + "\n")
		def cover(prefix, ok_nets):
		    rest = []
		    for a in ok_nets:
		        if a.subnet_of(prefix):
		            rest.append(a)
		        elif prefix.subnet_of(a):
		            rest.append(prefix)
		    return list(ia.collapse_addresses(rest))
		def expect(allowed_fn, ok_nets, path):
		    with open(path, "w") as f:
		        for l in lines:
		            if allowed_fn(ia.ip_address(l.split(",")[0])):
		                f.write(l + "\n")
		        for l in pref:
		            tok, _, tail = l.partition(" ")
		            tail = (" " + tail) if tail else ""
		            p = ia.ip_network(tok)
		            blocks = cover(p, ok_nets)
		            if blocks == [p]:
		                f.write(l + "\n")
		            else:
		                for b in blocks:
		                    f.write(str(b) + tail + "\n")
		# the allowed set as networks: all but the default list; and the -w set
		allv6 = [ia.ip_network("::/0")]
		for b in default6:
		    allv6 = [x for a in allv6 for x in (a.address_exclude(b) if b.subnet_of(a) else ([] if a.subnet_of(b) else [a]))]
		expect(allowed_all, list(ia.collapse_addresses(allv6)), sys.argv[4] + "/want_all")
		w = list(ranges) + [ia.ip_network(ia.IPv6Address(p)) for p in points]
		for b in block6:
		    w = [x for a in w for x in (a.address_exclude(b) if b.subnet_of(a) else ([] if a.subnet_of(b) else [a]))]
		w = list(ia.collapse_addresses(w))
		expect(allowed_w, w, sys.argv[4] + "/want_w")
		open(sys.argv[4] + "/count_w", "w").write(str(sum(n.num_addresses for n in w) + 256))
		with open(sys.argv[4] + "/cidrs_w", "w") as f:
		    for n in w:
		        f.write(str(n) + "\n")
	PY
	[ -s "$T/want_all" ] || fail "no expectation written"
	"$ZS_BIN/zblacklist" <"$T/in6" >"$T/got_all" || fail "zblacklist failed (default lists)"
	cmp -s "$T/got_all" "$T/want_all" ||
		fail "default lists: $(diff "$T/got_all" "$T/want_all" | head -5)"
	"$ZS_BIN/zblacklist" -w "$T/allow" -b "$T/block" <"$T/in6" >"$T/got_w" ||
		fail "zblacklist -w -b failed"
	cmp -s "$T/got_w" "$T/want_w" || fail "-w/-b: $(diff "$T/got_w" "$T/want_w" | head -5)"
	# the scan's target space: IPv4 (the /24) and IPv6 as -w names it
	expect_eq "--count" "$("$ZS_BIN/zblacklist" -w "$T/allow" -b "$T/block" --count)" \
		"$(cat "$T/count_w")"
	{ echo 1.2.3.0/24; cat "$T/cidrs_w"; } >"$T/cidrs_want"
	"$ZS_BIN/zblacklist" -w "$T/allow" -b "$T/block" --cidrs >"$T/cidrs_got"
	cmp -s "$T/cidrs_got" "$T/cidrs_want" ||
		fail "--cidrs: $(diff "$T/cidrs_got" "$T/cidrs_want" | head -5)"
	# with no allow entries, --count and --cidrs stay IPv4's (what zgen scans)
	expect_eq "default --count" "$("$ZS_BIN/zblacklist" --count)" 3702258432
	"$ZS_BIN/zblacklist" --cidrs | grep -q : && fail "default --cidrs lists IPv6"
	# counts past 2^64 are exact: the whole of IPv6 allowed is 2^128 less
	# ::ffff:0:0/96, which is IPv4's (2^128 - 2^32)
	expect_eq "--count ::/0" "$("$ZS_BIN/zblacklist" -b /dev/null --count ::/0)" \
		340282366920938463463374607427473244160
	return 0
}

# A cover that would list more than 65,536 single slice addresses is a bad
# line, not millions of lines; bad IPv6 tokens are reported like IPv4 ones.
test_zblacklist_refuses_endless_ipv6_covers() {
	printf '2600:1f00::/32-64\n' >"$T/allow"
	printf '2600:1f00::/32,a\n2600:1f00::/48,b\n2600:1f00::1/64\n2600:1f00::/32-40\n2600::zz\n' \
		>"$T/in"
	rc=0
	timeout 20 "$ZS_BIN/zblacklist" -w "$T/allow" <"$T/in" >"$T/got" 2>"$T/err" || rc=$?
	expect_eq "exit status" "$rc" 1
	expect_eq "lines out" "$(wc -l <"$T/got")" 65536
	expect_eq "first" "$(head -1 "$T/got")" "2600:1f00::1/128,b"
	expect_eq "last" "$(tail -1 "$T/got")" "2600:1f00:0:ffff::1/128,b"
	grep -q "^zblacklist: stdin:1: its allowed part holds too many .*'2600:1f00::/32'" "$T/err" ||
		fail "line 1: $(cat "$T/err")"
	grep -q "stdin:3: host bits set (the network is 2600:1f00::/64)" "$T/err" || fail "line 3"
	grep -q "stdin:4: a prefix slice is no address" "$T/err" || fail "line 4"
	grep -q "stdin:5: not an IPv6 address or prefix: '2600::zz'" "$T/err" || fail "line 5"
	rc=0
	"$ZS_BIN/zblacklist" --cidrs -w "$T/allow" >/dev/null 2>"$T/err" || rc=$?
	expect_eq "--cidrs of 2^32 slice points" "$rc" 1
	grep -q "^zblacklist: --cidrs: more than 1048576 addresses of prefix slices" "$T/err" ||
		fail "--cidrs: $(cat "$T/err")"
	expect_eq "--count of them" "$("$ZS_BIN/zblacklist" -w "$T/allow" --count)" 4294967296
}
