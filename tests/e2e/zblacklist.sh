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
