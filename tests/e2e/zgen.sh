# End-to-end tests of zgen, checked against Python's ipaddress module.

# The expected target set for allow entries minus block entries, times ports.
expected_set() { # allow-file block-file [ports]
	python3 - "$@" <<'PY'
import ipaddress, sys
allow = [ipaddress.ip_network(l.split('#')[0].strip(), strict=False)
         for l in open(sys.argv[1]) if l.split('#')[0].strip()]
block = [ipaddress.ip_network(l.split('#')[0].strip(), strict=False)
         for l in open(sys.argv[2]) if l.split('#')[0].strip()]
ports = sys.argv[3].split(',') if len(sys.argv) > 3 else None
out = []
for net in allow:
    for a in net:
        if not any(a in b for b in block):
            if ports:
                out.extend('%s,%s' % (a, p) for p in ports)
            else:
                out.append(str(a))
print('\n'.join(sorted(set(out))))
PY
}

setup_space() {
	printf '10.0.0.0/22\n# comment\n\n198.18.3.0/24   # lab\n1.2.3.4\n' >"$T/allow"
	printf '10.0.1.0/25\n10.0.2.17\n198.18.3.128/26\n' >"$T/block"
}

test_zgen_set_equals_independent_expansion() {
	setup_space
	"$ZS_BIN/zgen" -w "$T/allow" -b "$T/block" | sorted >"$T/got"
	expected_set "$T/allow" "$T/block" >"$T/want"
	expect_eq "lines" "$(wc -l <"$T/got")" "$(wc -l <"$T/want")"
	cmp -s "$T/got" "$T/want" || fail "set differs: $(diff "$T/got" "$T/want" | head)"
	# the same space given as arguments instead of -w
	"$ZS_BIN/zgen" -b "$T/block" 10.0.0.0/22 198.18.3.0/24 1.2.3.4 | sorted >"$T/got2"
	cmp -s "$T/got2" "$T/want" || fail "arguments and -w differ"
	# --count agrees
	expect_eq "--count" "$("$ZS_BIN/zgen" -w "$T/allow" -b "$T/block" --count)" "$(wc -l <"$T/want")"
}

test_zgen_ports_give_exact_product() {
	setup_space
	"$ZS_BIN/zgen" -w "$T/allow" -b "$T/block" -p 443,80,8000-8002 | sorted >"$T/got"
	expected_set "$T/allow" "$T/block" 80,443,8000,8001,8002 >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "product differs: $(diff "$T/got" "$T/want" | head)"
	# the product is permuted, not an inner loop over ports
	"$ZS_BIN/zgen" -w "$T/allow" -b "$T/block" -p 80,443 -e 1 | head -1000 | cut -d, -f1 >"$T/firsts"
	adjacent=$(uniq -d "$T/firsts" | wc -l)
	[ "$adjacent" -lt 50 ] || fail "$adjacent addresses repeat on adjacent lines: ports look nested"
}

test_zgen_seed_fixes_order() {
	a=$("$ZS_BIN/zgen" -e 42 -n 100000 | md5sum)
	b=$("$ZS_BIN/zgen" -e 42 -n 100000 -T 3 | md5sum)
	c=$("$ZS_BIN/zgen" -e 43 -n 100000 | md5sum)
	d=$("$ZS_BIN/zgen" -n 100000 | md5sum)
	e=$("$ZS_BIN/zgen" -n 100000 | md5sum)
	expect_eq "same seed, other -T" "$b" "$a"
	[ "$a" != "$c" ] || fail "seeds 42 and 43 gave the same order"
	[ "$d" != "$e" ] || fail "two unseeded runs gave the same order"
	# the same set in another order
	"$ZS_BIN/zgen" -e 1 198.18.0.0/20 -b /dev/null >"$T/s1"
	"$ZS_BIN/zgen" -e 2 198.18.0.0/20 -b /dev/null >"$T/s2"
	cmp -s "$T/s1" "$T/s2" && fail "seeds 1 and 2 gave the same order"
	cmp -s <(sorted "$T/s1") <(sorted "$T/s2") || fail "seeds 1 and 2 gave different sets"
}

test_zgen_shards_partition() {
	for spec in "100%" "12345"; do
		"$ZS_BIN/zgen" -e 9 -n "$spec" -p 22,80 198.18.0.0/17 -b /dev/null | sorted >"$T/all"
		for i in 0 1 2 3 4; do
			"$ZS_BIN/zgen" -e 9 -n "$spec" -p 22,80 --shards 5 --shard $i -T $((i % 3 + 1)) \
				198.18.0.0/17 -b /dev/null >"$T/shard$i"
			n=$(wc -l <"$T/shard$i")
			c=$("$ZS_BIN/zgen" -e 9 -n "$spec" -p 22,80 --shards 5 --shard $i 198.18.0.0/17 -b /dev/null --count)
			expect_eq "shard $i --count" "$c" "$n"
		done
		cat "$T"/shard? | sorted >"$T/union"
		expect_eq "duplicates across shards" "$(uniq -d "$T/union" | wc -l)" 0
		cmp -s "$T/union" "$T/all" || fail "-n $spec: union of shards differs from the unsharded scan"
	done
	expect_eq "-n 12345 total" "$(wc -l <"$T/union")" 12345
}

test_zgen_max_targets_exact() {
	expect_eq "-n 1000" "$("$ZS_BIN/zgen" -n 1000 | wc -l)" 1000
	# a percentage is of the allowed targets (addresses x ports), rounded down
	expect_eq "-n 10% of 4096 x 3" "$("$ZS_BIN/zgen" -b /dev/null -n 10% -p 1-3 198.18.0.0/20 | wc -l)" 1228
	expect_eq "-n above the space" "$("$ZS_BIN/zgen" -b /dev/null -n 999999 198.18.0.0/24 | wc -l)" 256
	expect_eq "-n 1% --count" "$("$ZS_BIN/zgen" -n 1% --count)" 37022584
}

test_zgen_samples_an_allowlist_of_addresses() {
	python3 -c 'import random; r = random.Random(5)
for _ in range(1000): print(".".join(str(r.randrange(1, 224)) for _ in range(4)))' | sorted -u >"$T/list"
	total=$(wc -l <"$T/list")
	"$ZS_BIN/zgen" -b /dev/null -w "$T/list" -n 100 -e 1 | sorted >"$T/s1"
	"$ZS_BIN/zgen" -b /dev/null -w "$T/list" -n 100 -e 2 | sorted >"$T/s2"
	expect_eq "sample size" "$(sorted -u "$T/s1" | wc -l)" 100
	expect_eq "outside the list" "$(comm -23 "$T/s1" "$T/list" | wc -l)" 0
	cmp -s "$T/s1" "$T/s2" && fail "two seeds drew the same sample"
	expect_eq "10% sample" "$("$ZS_BIN/zgen" -b /dev/null -w "$T/list" -n 10% | wc -l)" $((total / 10))
	# everything, once
	"$ZS_BIN/zgen" -b /dev/null -w "$T/list" | sorted >"$T/all"
	cmp -s "$T/all" "$T/list" || fail "full allowlist differs"
}

test_zgen_default_blocklist_applies() {
	# the default list blocks 198.18.0.0/15, 10/8 and others, so these are empty
	expect_error "^zgen: no address is allowed: every allowed address is in the built-in blocklist .*-b /dev/null none$" \
		"$ZS_BIN/zgen" 198.18.0.0/15 10.0.0.0/8
	expect_error "^zgen: no address is allowed: every allowed address is in the built-in blocklist" \
		"$ZS_BIN/zgen" 2001:db8::/120
	: >"$T/none"
	expect_error "^zgen: no address is allowed: the allow entries \(arguments and -w\) hold no address$" \
		"$ZS_BIN/zgen" -w "$T/none"
	# and a sample of everything never hits a blocked range
	"$ZS_BIN/zgen" -n 200000 -e 3 >"$T/sample"
	python3 - "$T/sample" <<'PY'
import ipaddress, sys
blocked = [ipaddress.ip_network(n) for n in """0.0.0.0/8 10.0.0.0/8 100.64.0.0/10
127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.88.99.0/24
192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4
255.255.255.255/32""".split()]
ranges = [(int(b.network_address), int(b.broadcast_address)) for b in blocked]
def num(l):
    a, b, c, d = map(int, l.split('.'))
    return a << 24 | b << 16 | c << 8 | d
bad = [l for l in open(sys.argv[1]) if any(lo <= num(l) <= hi for lo, hi in ranges)]
sys.exit('blocked addresses emitted: %s' % bad[:5] if bad else 0)
PY
}

test_zgen_first_percent_is_uniform_over_slash8() {
	# expected share of each /8: its allowed addresses under the default list
	for i in $(seq 0 255); do
		echo "$i $("$ZS_BIN/zblacklist" --count "$i.0.0.0/8")"
	done >"$T/weights"
	"$ZS_BIN/zgen" -n 1% -e 2026 -T 2 | build/tools/octet_chisq "$T/weights"
}

test_zgen_rejects_bad_input() {
	printf '1.2.3.0/24\n\n5.6.7.8/40\n' >"$T/badlist"
	printf '5.6.7.8/32\n' >"$T/only"
	expect_error "'1\.2\.3\.4/33'.*prefix length|prefix length.*'1\.2\.3\.4/33'" "$ZS_BIN/zgen" 1.2.3.4/33
	expect_error "'300\.1\.1\.1'" "$ZS_BIN/zgen" 300.1.1.1
	expect_error "/nonexistent/list.*No such file" "$ZS_BIN/zgen" -b /nonexistent/list
	expect_error "/nonexistent/allow.*No such file" "$ZS_BIN/zgen" -w /nonexistent/allow
	expect_error "$T/badlist:3: .*'5\.6\.7\.8/40'" "$ZS_BIN/zgen" -b "$T/badlist"
	expect_error "'70000'" "$ZS_BIN/zgen" -p 70000
	expect_error "'80-'" "$ZS_BIN/zgen" -p 80-
	expect_error "--shard 3 must be below --shards 3" "$ZS_BIN/zgen" -e 1 --shards 3 --shard 3
	expect_error "--shards needs --seed" "$ZS_BIN/zgen" --shards 2 --shard 1
	expect_error "-n: '-5'" "$ZS_BIN/zgen" -n -5
	expect_error "-n: '0'" "$ZS_BIN/zgen" -n 0
	expect_error "-n: '101%'" "$ZS_BIN/zgen" -n 101%
	expect_error "-T: '0'" "$ZS_BIN/zgen" -T 0
	expect_error "--seed: 'abc'" "$ZS_BIN/zgen" -e abc
	expect_error "^zgen: no address is allowed: every allowed address is in the blocklist $T/only$" \
		"$ZS_BIN/zgen" -b "$T/only" 5.6.7.8
	# an unknown option: one line, exit 2 (more cases in badinput.sh)
	expect_error "^zgen: unknown option '--bogus' \(see --help\)$" "$ZS_BIN/zgen" --bogus
	# a failed write is an error, not a silent exit 0
	rc=0
	"$ZS_BIN/zgen" -n 100000 >/dev/full 2>"$T/full.err" || rc=$?
	[ "$rc" -eq 1 ] || fail "write to /dev/full: exit $rc"
	grep -q "No space left" "$T/full.err" || fail "write to /dev/full: $(cat "$T/full.err")"
}

test_zgen_help_and_version() {
	"$ZS_BIN/zgen" --help | grep -q -- "--shards" || fail "--help lacks --shards"
	"$ZS_BIN/zgen" --version | grep -Eq "^zgen \(zscan\) [0-9]+\.[0-9]+" || fail "--version"
	expect_eq "-o FILE" "$("$ZS_BIN/zgen" -e 1 -n 10 -o "$T/o" && cat "$T/o" | md5sum)" \
		"$("$ZS_BIN/zgen" -e 1 -n 10 | md5sum)"
}

test_zgen_takes_ipv6_list_entries() {
	printf '2001:db8::/126\n198.18.0.0/30\nfe80::1\n' >"$T/allow"
	"$ZS_BIN/zgen" -b /dev/null -w "$T/allow" 2>"$T/err" | sorted >"$T/got"
	printf '198.18.0.0\n198.18.0.1\n198.18.0.2\n198.18.0.3\n2001:db8::\n2001:db8::1\n2001:db8::2\n2001:db8::3\nfe80::1\n' |
		sorted >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "got $(cat "$T/got")"
	expect_eq "no warning" "$(cat "$T/err")" ""
	# one too large to permute is refused, naming it and a slice instead
	printf '2001:db8::/32\n' >"$T/big"
	expect_error "$T/big:1: 2001:db8::/32: 2\\^96 addresses, more than zgen can permute \\(2\\^48\\); scan a slice of it, such as 2001:db8::/32-80" \
		"$ZS_BIN/zgen" -b /dev/null -w "$T/big"
}

test_zgen_resume_continues_exactly() {
	# the lines before N, then --resume N, are the whole run: sharded,
	# sampled, multi-port, any -T
	for args in "-e 3 198.18.0.0/15" "-e 4 -p 80,443 -n 50000 --shards 3 --shard 2 198.18.0.0/15" \
		"-e 5 -n 1% -T 3" "-e 6 -p 1-3 10.0.0.0/24 -b /dev/null"; do
		# shellcheck disable=SC2086
		"$ZS_BIN/zgen" $args | head -200000 >"$T/full"
		total=$(wc -l <"$T/full")
		for n in 0 1 4095 4096 $((total / 2)) $((total - 1)); do
			# shellcheck disable=SC2086
			{ head -n "$n" "$T/full"; "$ZS_BIN/zgen" $args --resume "$n" | head -n $((total - n)); } >"$T/joined"
			cmp -s "$T/full" "$T/joined" || fail "zgen $args: --resume $n does not continue the run"
		done
	done
	expect_eq "resume past the end" "$("$ZS_BIN/zgen" -e 1 -n 10 --resume 10 | wc -l)" 0
	expect_eq "--count after resume" "$("$ZS_BIN/zgen" -e 1 -n 10 --resume 3 --count)" 7
	expect_error "--resume needs the --seed" "$ZS_BIN/zgen" --resume 5
}

# The expected set of a mixed allowlist, by Python: IPv4 CIDRs, IPv6
# prefixes, a hitlist of singles (repeats, blocked ones, ones a prefix or a
# slice holds), a prefix slice at an interface id, minus the blocklist
# (conf/blocklist6.conf as Python reads it, plus our own), times ports.
expected_mixed() { # allow block iid ports
	python3 - "$@" conf/blocklist.conf conf/blocklist6.conf <<'PY'
import ipaddress as ia, sys
allow, block, iid, ports = sys.argv[1], sys.argv[2], int(ia.IPv6Address(sys.argv[3])), sys.argv[4]
def entries(path):
    return [l.split('#')[0].strip() for l in open(path) if l.split('#')[0].strip()]
blocks = [ia.ip_network(b) for p in (block, sys.argv[5], sys.argv[6]) for b in entries(p)]
out = set()
def add(a):
    if not any(a in b for b in blocks if b.version == a.version):
        out.update('%s,%s' % (a, p) for p in ports.split(','))
for e in entries(allow):
    net, _, ln = e.partition('/')
    if '-' in ln:
        plen, sl = map(int, ln.split('-'))
        base = int(ia.ip_network(net + '/' + str(plen)).network_address)
        for i in range(1 << (sl - plen)):
            add(ia.IPv6Address(base + (i << (128 - sl)) + (iid & ((1 << (128 - sl)) - 1))))
    else:
        for a in ia.ip_network(e):
            add(a)
print('\n'.join(sorted(out)))
PY
}

mixed_space() {
	cat >"$T/allow" <<-'A'
		9.9.9.0/26
		2400:cb00::/120        # a prefix
		2400:cb00::/121        # inside it again
		2600:1f00::/40-48      # a slice: 256 /48s
		2a00:1450::5           # hitlist singles
		2a00:1450::5
		2a00:1450::6
		2400:cb00::7           # held by the prefix
		2600:1f00:3::abcd      # a slice's point (with --iid ::abcd)
		2001:db8::1            # documentation: blocked by default
		fe80::1                # link local: blocked
		2a00:1450::/127
	A
	printf '2400:cb00::80/125\n2600:1f00:80::/41\n9.9.9.8/29\n2a00:1450::6\n' >"$T/block"
}

test_zgen_ipv6_set_equals_independent_expansion() {
	mixed_space
	expected_mixed "$T/allow" "$T/block" ::abcd 80,443 >"$T/want"
	# the default lists and -b together: -b names a file of both families,
	# so the defaults go; give them back in the same file
	cat conf/blocklist.conf conf/blocklist6.conf "$T/block" >"$T/blocks"
	"$ZS_BIN/zgen" -e 7 -p 80,443 --iid ::abcd -w "$T/allow" -b "$T/blocks" 2>"$T/err" |
		sorted >"$T/got"
	expect_eq "duplicates" "$(uniq -d "$T/got" | wc -l)" 0
	cmp -s "$T/got" "$T/want" || fail "set differs: $(diff "$T/got" "$T/want" | head -6)"
	expect_eq "--count" "$("$ZS_BIN/zgen" -p 80,443 --iid ::abcd -w "$T/allow" -b "$T/blocks" --count)" \
		"$(wc -l <"$T/want")"
	# IPv4 comes first in the index order, yet the permutation mixes them
	"$ZS_BIN/zgen" -e 7 -p 80,443 --iid ::abcd -w "$T/allow" -b "$T/blocks" | head -100 >"$T/head"
	grep -q : "$T/head" && grep -qv : "$T/head" || fail "the first 100 are of one family"
}

test_zgen_ipv6_shards_threads_samples_resume() {
	mixed_space
	cat conf/blocklist.conf conf/blocklist6.conf "$T/block" >"$T/blocks"
	args=(-p 80,443 --iid ::abcd -w "$T/allow" -b "$T/blocks")
	"$ZS_BIN/zgen" -e 3 "${args[@]}" >"$T/all1"
	for th in 2 3; do
		"$ZS_BIN/zgen" -e 3 -T $th "${args[@]}" >"$T/allT"
		cmp -s "$T/all1" "$T/allT" || fail "-T $th changes the output"
	done
	total=$(wc -l <"$T/all1")
	for n in 1 7 100 $((total - 1)) 50%; do
		rm -f "$T"/shard?
		for i in 0 1 2; do
			"$ZS_BIN/zgen" -e 3 -n "$n" --shards 3 --shard $i -T $((i + 1)) "${args[@]}" >"$T/shard$i"
			expect_eq "-n $n shard $i --count" \
				"$("$ZS_BIN/zgen" -e 3 -n "$n" --shards 3 --shard $i "${args[@]}" --count)" \
				"$(wc -l <"$T/shard$i")"
		done
		cat "$T"/shard? | sorted >"$T/union"
		expect_eq "-n $n duplicates across shards" "$(uniq -d "$T/union" | wc -l)" 0
		want=$n
		[ "$n" = 50% ] && want=$((total / 2))
		expect_eq "-n $n total" "$(wc -l <"$T/union")" "$want"
		"$ZS_BIN/zgen" -e 3 -n "$n" "${args[@]}" | sorted >"$T/one"
		cmp -s "$T/union" "$T/one" || fail "-n $n: shards' union is not the unsharded sample"
		comm -23 "$T/one" <(sorted "$T/all1") | grep -q . && fail "-n $n: a target outside the set"
	done
	# --resume continues exactly, at any point
	for r in 0 1 $((total / 3)) $((total - 1)) "$total"; do
		{ head -n "$r" "$T/all1"; "$ZS_BIN/zgen" -e 3 --resume "$r" "${args[@]}"; } >"$T/joined"
		cmp -s "$T/joined" "$T/all1" || fail "--resume $r does not continue the run"
	done
	# another seed, another order, the same set
	"$ZS_BIN/zgen" -e 4 "${args[@]}" >"$T/seed4"
	cmp -s "$T/seed4" "$T/all1" && fail "seeds 3 and 4 give one order"
	cmp -s <(sorted "$T/seed4") <(sorted "$T/all1") || fail "seed 4 has another set"
}

# A hitlist file of 300,000 IPv6 addresses with repeats streams in and
# comes out as exactly its distinct allowed addresses; a slice of 2^20
# /64s is scanned whole, and one of 2^49 is refused, naming it.
test_zgen_ipv6_hitlist_and_large_slices() {
	python3 - "$T/hits" <<-'PY'
		import random, ipaddress as ia, sys
		r = random.Random(3)
		base = [int(ia.IPv6Address("2a00:1450::")), int(ia.IPv6Address("2400:cb00::")),
		        int(ia.IPv6Address("fe80::"))]
		with open(sys.argv[1], "w") as f:
		    for i in range(300000):
		        f.write(str(ia.IPv6Address(r.choice(base) + r.getrandbits(20))) + "\n")
	PY
	grep -v '^fe80:' "$T/hits" | sorted -u >"$T/want"
	"$ZS_BIN/zgen" -e 1 -w "$T/hits" | sorted >"$T/got"
	cmp -s "$T/got" "$T/want" || fail "hitlist: $(diff "$T/got" "$T/want" | head -4)"
	"$ZS_BIN/zgen" -e 1 2600:1f00::/44-64 >"$T/slice"
	expect_eq "1M slice" "$(sorted -u "$T/slice" | wc -l)" 1048576
	expect_eq "1M slice, each a /64 of it at ::1" "$(python3 -c '
import ipaddress as ia, sys
n = ia.ip_network("2600:1f00::/44")
print(sum(1 for l in open(sys.argv[1])
          if ia.IPv6Address(l.strip()) not in n or int(ia.IPv6Address(l.strip())) & (2**64 - 1) != 1))' "$T/slice")" 0
	expect_error "2600::/15-64: 2\\^49 slices, more than zgen can permute \\(2\\^48\\)" \
		"$ZS_BIN/zgen" 2600::/15-64
	expect_error "'2600::/64-48': bad prefix length" "$ZS_BIN/zgen" 2600::/64-48
	expect_error "--iid: '1.2.3.4' is not an IPv6 address" "$ZS_BIN/zgen" --iid 1.2.3.4 2600::/32-48
	expect_error "overlap" "$ZS_BIN/zgen" 2600::/32-48 2600:0:1::/48-64
}

# ::ffff:a.b.c.d/96+n is IPv4's a.b.c.d/n wherever it is written (argument,
# -w, -b, zblacklist's input): IPv4 block entries hold it, IPv6-written
# block entries hold IPv4 targets, each address comes out once, and a wider
# IPv6 prefix never brings IPv4 addresses in through the IPv6 side.
test_zgen_ipv4_mapped_entries_are_ipv4() {
	echo 10.0.0.0/8 >"$T/bl4"
	echo ::ffff:10.0.0.0/120 >"$T/bl6"
	expect_error "every allowed address is in the blocklist" "$ZS_BIN/zgen" -b "$T/bl4" ::ffff:10.0.0.0/126
	expect_error "every allowed address is in the blocklist" "$ZS_BIN/zgen" -b "$T/bl6" 10.0.0.0/30
	expect_eq "mapped and IPv4 together" \
		"$("$ZS_BIN/zgen" -b /dev/null ::ffff:10.0.0.0/126 10.0.0.0/30 ::ffff:10.0.0.1 | sort | tr '\n' ' ')" \
		"10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3 "
	printf '::ffff:10.1.0.0/120\n10.1.0.7\n' >"$T/allow"
	expect_eq "-w, mapped" "$("$ZS_BIN/zgen" -b "$T/bl6" -w "$T/allow" | wc -l)" 256
	expect_eq "-w, mapped, blocked" "$("$ZS_BIN/zgen" -b "$T/bl4" -w "$T/allow" 2>&1 | grep -c '^10\.')" 0
	# ::/80 holds ::ffff:0:0/96: none of it comes out (2^48 - 2^32 targets)
	expect_eq "--count ::/80" "$("$ZS_BIN/zgen" -b /dev/null --count ::/80)" 281470681743360
	"$ZS_BIN/zgen" -b /dev/null -n 100000 ::/80 | grep -q '\.' && fail "::/80 gave IPv4 addresses"
	# past 2^48: the entry to blame is one the blocklist left past the
	# limit, never one it took whole (2001:db8::/64 is documentation)
	expect_error "^zgen: about 2\^49 IPv6 targets past the blocklist, more than zgen can permute \(2\^48\); its largest part starts at 2a00::; " \
		"$ZS_BIN/zgen" --count 2001:db8::/64 2a00::/80 2a01::/80
	expect_error "^zgen: 2001:db8::/64: 2\^64 addresses, more than zgen can permute" \
		"$ZS_BIN/zgen" -b /dev/null --count 2001:db8::/64 2a00::/80
	# a host-bits warning keeps the slice it was given
	printf '2a00::5/120-124\n' >"$T/slice"
	expect_eq "slice warning" "$("$ZS_BIN/zgen" -b /dev/null -w "$T/slice" 2>&1 >/dev/null)" \
		"zgen: $T/slice:1: '2a00::5/120-124' has host bits set below the /120: taken as 2a00::/120-124"
	# zblacklist: a mapped prefix is judged and split as the IPv4 CIDR it is
	expect_eq "zblacklist, mapped blocked" "$(echo ::ffff:10.0.0.0/104 | "$ZS_BIN/zblacklist" -b "$T/bl4" | wc -l)" 0
	echo ::ffff:10.0.0.0/104 | "$ZS_BIN/zblacklist" -b "$T/bl6" >"$T/split"
	expect_eq "zblacklist split, first" "$(head -1 "$T/split")" 10.0.1.0/24
	"$ZS_BIN/zblacklist" -b /dev/null -w "$T/split" --count >"$T/n" || fail "split output is not a list: $(cat "$T/n")"
	expect_eq "zblacklist split, count" "$(cat "$T/n")" $((16777216 - 256))
	expect_eq "zblacklist, both ways blocked" \
		"$(printf '::ffff:10.0.0.1\n10.0.0.1\n' | "$ZS_BIN/zblacklist" -b "$T/bl6" | wc -l)" 0
}

# Random target spaces of IPv4 CIDRs, IPv4-mapped prefixes (spelled
# several ways), IPv6 prefixes and prefix slices, as arguments, -w and -b
# entries, against a Python expansion of what each entry means: zgen's
# whole output and --count, zblacklist's --count, --cidrs and filter. A
# third of them also hold a prefix slice of IPv4-mapped addresses, which
# IPv4 has not: every tool and mode refuses it, naming it (file:line in a
# list), and writes nothing; before, it painted a /96..128 IPv4 CIDR and
# dropped the slice (::ffff:10.1.2.0/120-124 allowed all of IPv4 2^8 times
# over; as a block it blocked nothing, or all of IPv4).
test_zgen_mapped_slices_against_brute_force() {
	python3 - 4242 36 "$T" <<-'PY'
		import ipaddress as ia, os, random, sys
		seed, n, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
		def ere(s):
		    return "".join("\\" + c if c in ".[]()*+?{}|^$\\" else c for c in s)
		def mapped(r, net4, ln6, sl=None):
		    a = int(net4.network_address)
		    t = r.choice(["::ffff:%s" % net4.network_address, "::FFFF:%s" % net4.network_address,
		                  "0:0:0:0:0:ffff:%x:%x" % (a >> 16, a & 0xffff),
		                  "::ffff:%x:%x" % (a >> 16, a & 0xffff)])
		    return t + "/%d" % ln6 + ("-%d" % sl if sl else "")
		for k in range(n):
		    r = random.Random(seed * 1000 + k)
		    d = os.path.join(top, "sc%02d" % k)
		    os.makedirs(d)
		    reg4 = [r.randrange(1, 224) << 24 | r.getrandbits(8) << 16 for _ in range(2)]
		    reg6 = [(0x2a00 << 112) | (r.getrandbits(16) << 96) | (j << 64) for j in range(8)]
		    iid = r.getrandbits(20) | 1
		    def net4(lo, hi):
		        return ia.ip_network((r.choice(reg4) | r.getrandbits(16), r.randint(lo, hi)), strict=False)
		    def net6(lo, hi):
		        return ia.ip_network((r.choice(reg6) | r.getrandbits(16), r.randint(lo, hi)), strict=False)
		    args, allow, block = [], [], []
		    v4, v6 = set(), set()
		    free = list(range(8))
		    r.shuffle(free)
		    for _ in range(r.randint(1, 7)):
		        c = r.random()
		        if c < 0.25:
		            nt = net4(20, 32); text = str(nt); v4.update(range(int(nt[0]), int(nt[-1]) + 1))
		        elif c < 0.45:
		            nt = net4(20, 32); text = mapped(r, nt, nt.prefixlen + 96)
		            v4.update(range(int(nt[0]), int(nt[-1]) + 1))
		        elif c < 0.65:
		            nt = net6(116, 128); text = str(nt); v6.update(range(int(nt[0]), int(nt[-1]) + 1))
		        elif free:
		            j = free.pop(); ln = r.randint(100, 124); sl = r.randint(ln + 1, min(128, ln + 9))
		            base = int(ia.ip_network((reg6[j] | r.getrandbits(28), ln), strict=False)[0])
		            text = "%s/%d-%d" % (ia.IPv6Address(base), ln, sl)
		            low = (1 << (128 - sl)) - 1
		            v6.update(base + (i << (128 - sl)) + (iid & low) for i in range(1 << (sl - ln)))
		        else:
		            continue
		        (args if r.random() < 0.5 else allow).append(text)
		    b4, b6 = set(), set()
		    for _ in range(r.randint(0, 5)):
		        c = r.random()
		        if c < 0.35:
		            nt = net4(22, 32); block.append(str(nt))
		            b4.update(range(int(nt[0]), int(nt[-1]) + 1))
		        elif c < 0.7:
		            nt = net4(22, 32); block.append(mapped(r, nt, nt.prefixlen + 96))
		            b4.update(range(int(nt[0]), int(nt[-1]) + 1))
		        else:
		            nt = net6(118, 128); block.append(str(nt))
		            b6.update(range(int(nt[0]), int(nt[-1]) + 1))
		    v4 -= b4
		    v6 -= b6
		    err = ""
		    if k % 3 == 2 or not (v4 or v6):  # a mapped slice somewhere
		        ln = r.randint(96, 124); sl = r.randint(ln + 1, min(128, ln + 10))
		        nt = ia.ip_network((r.choice(reg4) | r.getrandbits(16), ln - 96), strict=False)
		        bad = mapped(r, nt, ln, sl)
		        where = r.choice([args, allow, block])
		        where.insert(r.randint(0, len(where)), bad)
		        why = ("IPv4 has no prefix slices \\(::ffff:0:0/96 is IPv4's; for all of the "
		               "prefix, write %s\\)" % ere(str(nt)))
		        if bad in args:
		            err = "'%s': %s$" % (ere(bad), why)
		        else:
		            path = os.path.join(d, "allow" if bad in allow else "block")
		            lines = allow if bad in allow else block
		            err = "%s:%d: %s: '%s'$" % (ere(path), lines.index(bad) + 1, why, ere(bad))
		    open(d + "/args", "w").write("".join(a + "\n" for a in args))
		    open(d + "/allow", "w").write("".join(a + "\n" for a in allow))
		    open(d + "/block", "w").write("".join(a + "\n" for a in block))
		    open(d + "/iid", "w").write(str(ia.IPv6Address(iid)) + "\n")
		    open(d + "/want_err", "w").write(err and err + "\n")
		    s4 = sorted(v4); s6 = sorted(v6)
		    open(d + "/want_set", "w").write("".join(
		        sorted([str(ia.IPv4Address(a)) + "\n" for a in s4] + [str(ia.IPv6Address(a)) + "\n" for a in s6])))
		    open(d + "/want_count", "w").write("%d\n" % (len(v4) + len(v6)))
		    cid = [str(x) for x in ia.collapse_addresses(ia.IPv4Network(a) for a in s4)]
		    cid += [str(x) for x in ia.collapse_addresses(ia.IPv6Network(a) for a in s6)]
		    open(d + "/want_cidrs", "w").write("".join(c + "\n" for c in cid))
		    # lines to filter: in, beside and outside every entry, in several spellings
		    probe = []
		    for _ in range(400):
		        if r.random() < 0.5:
		            a = (r.choice(reg4) | r.getrandbits(16)) if r.random() < 0.5 or not s4 else r.choice(s4) + r.choice((-1, 0, 0, 1))
		            a &= 0xffffffff
		            ok = a in v4
		            t = r.choice([str(ia.IPv4Address(a)), "%s,80" % ia.IPv4Address(a), "::ffff:%s" % ia.IPv4Address(a)])
		        else:
		            a = (r.choice(reg6) | r.getrandbits(16)) if r.random() < 0.4 or not s6 else r.choice(s6) + r.choice((-1, 0, 0, 1))
		            ok = a in v6
		            t = r.choice([str(ia.IPv6Address(a)), ia.IPv6Address(a).exploded.upper() + ",x"])
		        probe.append((t, ok))
		    open(d + "/probe", "w").write("".join(t + "\n" for t, _ in probe))
		    open(d + "/want_filter", "w").write("".join(t + "\n" for t, ok in probe if ok))
	PY
	local d args nerr=0 nok=0
	for d in "$T"/sc*; do
		mapfile -t args <"$d/args"
		local opts=(--iid "$(cat "$d/iid")" -w "$d/allow" -b "$d/block")
		if [ -s "$d/want_err" ]; then
			local want
			want=$(cat "$d/want_err")
			echo keep >"$d/out"
			expect_error "^zgen: $want" "$ZS_BIN/zgen" "${opts[@]}" -o "$d/out" "${args[@]}"
			expect_eq "-o file after the refusal" "$(cat "$d/out")" keep
			expect_error "^zgen: $want" "$ZS_BIN/zgen" --count "${opts[@]}" "${args[@]}"
			expect_error "^zblacklist: $want" "$ZS_BIN/zblacklist" --count "${opts[@]}" "${args[@]}"
			expect_error "^zblacklist: $want" "$ZS_BIN/zblacklist" --cidrs "${opts[@]}" "${args[@]}"
			expect_error "^zblacklist: $want" "$ZS_BIN/zblacklist" "${opts[@]}" "${args[@]}" <"$d/probe"
			nerr=$((nerr + 1))
			continue
		fi
		"$ZS_BIN/zgen" -e 5 "${opts[@]}" "${args[@]}" | sorted >"$d/got_set"
		cmp -s "$d/got_set" "$d/want_set" || fail "$d: zgen's set: $(diff "$d/got_set" "$d/want_set" | head -4)"
		expect_eq "$d: zgen --count" "$("$ZS_BIN/zgen" --count "${opts[@]}" "${args[@]}")" "$(cat "$d/want_count")"
		expect_eq "$d: zblacklist --count" "$("$ZS_BIN/zblacklist" --count "${opts[@]}" "${args[@]}")" \
			"$(cat "$d/want_count")"
		"$ZS_BIN/zblacklist" --cidrs "${opts[@]}" "${args[@]}" >"$d/got_cidrs"
		cmp -s "$d/got_cidrs" "$d/want_cidrs" || fail "$d: --cidrs: $(diff "$d/got_cidrs" "$d/want_cidrs" | head -4)"
		"$ZS_BIN/zblacklist" --no-duplicate-checking "${opts[@]}" "${args[@]}" <"$d/probe" >"$d/got_filter"
		cmp -s "$d/got_filter" "$d/want_filter" ||
			fail "$d: filter: $(diff "$d/got_filter" "$d/want_filter" | head -4)"
		nok=$((nok + 1))
	done
	echo "  $nok target spaces as Python expands them, $nerr with a mapped slice refused by every tool and mode"
	[ "$nerr" -ge 10 ] && [ "$nok" -ge 15 ] || fail "too few of a kind: $nok, $nerr"
}

# The cases of the report: each refused with one line naming the entry,
# nothing written, no file emptied; a blocklist holding one is refused by
# every tool that reads it (it was applied as nothing, or as all of IPv4).
test_zgen_mapped_slices_refused() {
	local why="IPv4 has no prefix slices \(::ffff:0:0/96 is IPv4's; for all of the prefix, write"
	expect_error "^zgen: '::ffff:0:0/96-104': $why 0\.0\.0\.0/0\)$" "$ZS_BIN/zgen" -b /dev/null ::ffff:0:0/96-104
	expect_error "^zgen: '::ffff:0:0/96-128': $why 0\.0\.0\.0/0\)$" "$ZS_BIN/zgen" -b /dev/null ::ffff:0:0/96-128
	printf '# mine\n10.9.0.0/24\n::ffff:10.1.2.0/120-124\n' >"$T/allow"
	expect_error "^zgen: $T/allow:3: $why 10\.1\.2\.0/24\): '::ffff:10\.1\.2\.0/120-124'$" \
		"$ZS_BIN/zgen" -b /dev/null -w "$T/allow"
	expect_error "^zblacklist: $T/allow:3: $why" "$ZS_BIN/zblacklist" -b /dev/null -w "$T/allow" --count
	# host bits below the slice's prefix: the refusal, not a warning
	expect_error "^zgen: '::ffff:10\.1\.2\.9/120-124': $why 10\.1\.2\.0/24\)$" \
		"$ZS_BIN/zgen" -b /dev/null ::ffff:10.1.2.9/120-124
	printf '192.0.2.0/24\n::ffff:198.51.100.0/120-121\n' >"$T/block"
	echo keep >"$T/out"
	expect_error "^zgen: $T/block:2: $why 198\.51\.100\.0/24\): '::ffff:198\.51\.100\.0/120-121'$" \
		"$ZS_BIN/zgen" -b "$T/block" -o "$T/out" 198.51.100.0/24
	expect_eq "-o file" "$(cat "$T/out")" keep
	expect_error "^zgen: $T/block:2: " "$ZS_BIN/zgen" -b "$T/block" --count 198.51.100.0/24
	expect_error "^zblacklist: $T/block:2: " "$ZS_BIN/zblacklist" -b "$T/block" --cidrs
	expect_error "^zblacklist: $T/block:2: " "$ZS_BIN/zblacklist" -b "$T/block" --count
	expect_error "^zblacklist: $T/block:2: " "$ZS_BIN/zblacklist" -b "$T/block" <<<198.51.100.1
	# a mapped slice as a line to filter is a bad line, as every slice is
	rc=0
	printf '1.1.1.1\n::ffff:1.1.1.0/120-124\n1.1.1.2\n' | "$ZS_BIN/zblacklist" -b /dev/null >"$T/got" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "good lines" "$(cat "$T/got")" "$(printf '1.1.1.1\n1.1.1.2')"
	grep -q "^zblacklist: stdin:2: a prefix slice is no address or prefix to filter: '::ffff:1\.1\.1\.0/120-124'$" \
		"$T/err" || fail "stdin:2: $(cat "$T/err")"
	# mapped prefixes that are no slice are still IPv4's, and IPv6 slices
	# just outside the mapped range are still slices
	expect_eq "mapped /120" "$("$ZS_BIN/zgen" -b /dev/null --count ::ffff:10.1.2.0/120)" 256
	expect_eq "::fffe:0:0/96-104" "$("$ZS_BIN/zgen" -b /dev/null --count ::fffe:0:0/96-104)" 256
	expect_eq "::1:0:0:0/96-104" "$("$ZS_BIN/zgen" -b /dev/null --count ::1:0:0:0/96-104)" 256
}

# Two prefix slices that overlap are named as they were written, with the
# file and line of those from a list (the message named the --iid address
# of one of them twice).
test_zgen_slice_overlap_names_both_entries() {
	expect_error "^zgen: the prefix slices '2600::/32-48' and '2600::/40-56' overlap: scan them apart$" \
		"$ZS_BIN/zgen" -b /dev/null 2600::/32-48 2600::/40-56
	printf '2a00::/120-124\n# c\n2600:0:0:0::/40-56\n' >"$T/allow"
	expect_error "^zgen: the prefix slices '2600::/32-48' and '2600:0:0:0::/40-56' \($T/allow:3\) overlap: scan them apart$" \
		"$ZS_BIN/zgen" -b /dev/null -w "$T/allow" 2600::/32-48
	printf '2600:0:1::/48-64\n2600::/32-48\n' >"$T/allow2"
	expect_error "^zgen: the prefix slices '2600:0:1::/48-64' \($T/allow2:1\) and '2600::/32-48' \($T/allow2:2\) overlap: scan them apart$" \
		"$ZS_BIN/zgen" -b /dev/null -w "$T/allow2"
	expect_error "^zblacklist: the prefix slices '2600::/32-48' and '2600::/32-48' overlap" \
		"$ZS_BIN/zblacklist" -b /dev/null --count 2600::/32-48 2600::/32-48
}

# A port number with a leading zero is refused, as -n and --where refuse
# one: 080 is 80 to some readers and octal to others.
test_zgen_ports_refuse_leading_zeros() {
	local p
	for p in 080 0443,80 80,00 08-90 80-090 '22,0080-0090'; do
		expect_error "^zgen: -p: '[0-9-]+' has a leading zero" "$ZS_BIN/zgen" -p "$p" --count 1.2.3.0/24
	done
	expect_error "^zgen: -n: '080' has a leading zero" "$ZS_BIN/zgen" -n 080 --count 1.2.3.0/24
	expect_error "^zgen: -n: '01%' has a leading zero" "$ZS_BIN/zgen" -n 01% --count 1.2.3.0/24
	expect_eq "-p 0,80,0-1" "$("$ZS_BIN/zgen" -b /dev/null -p 0,80,0-1 --count 1.2.3.0/24)" 768
	expect_eq "-n 0.5%" "$("$ZS_BIN/zgen" -b /dev/null -n 0.5% --count 1.2.3.0/24)" 1
}

# -n P% that comes to less than one target is a usage error naming the
# value and what it comes to, as -n 0 is (it wrote nothing and exited 0);
# at one target or more it is rounded down.
test_zgen_percentage_below_one_target() {
	expect_error "^zgen: -n: '0\.000001%' of 256 targets is 0\.00000256 targets, less than one: give a larger percentage, or a count$" \
		"$ZS_BIN/zgen" -b /dev/null -n 0.000001% 1.2.3.0/24
	expect_error "^zgen: -n: '0\.39%' of 256 targets is 0\.9984 targets" \
		"$ZS_BIN/zgen" -b /dev/null -n 0.39% --count 1.2.3.0/24
	expect_error "^zgen: -n: '0\.09%' of 1024 targets is 0\.9216 targets" \
		"$ZS_BIN/zgen" -b /dev/null -n 0.09% -p 1-4 1.2.3.0/24
	echo keep >"$T/out"
	expect_error "less than one" "$ZS_BIN/zgen" -b /dev/null -n 0.1% -o "$T/out" 1.2.3.4
	expect_eq "-o file" "$(cat "$T/out")" keep
	expect_eq "-n 0.3907% of 256" "$("$ZS_BIN/zgen" -b /dev/null -n 0.3907% 1.2.3.0/24 | wc -l)" 1
	expect_eq "-n 0.1% of 1024" "$("$ZS_BIN/zgen" -b /dev/null -n 0.1% -p 1-4 --count 1.2.3.0/24)" 1
	expect_eq "-n 100% of 1" "$("$ZS_BIN/zgen" -b /dev/null -n 100% 1.2.3.4)" 1.2.3.4
	# a shard may get none of a small sample: that is no error
	expect_eq "shard 3 of 4 of 2 targets" \
		"$("$ZS_BIN/zgen" -b /dev/null -e 1 -n 1% --shards 4 --shard 3 --count 1.2.3.0/24)" 0
}

# expect_write_error WANT-LINE CMD...: exits 1 with exactly WANT-LINE on
# stderr (one line), whatever it wrote before.
expect_write_error() {
	local want=$1 rc=0
	shift
	"$@" 2>"$T/werr" || rc=$?
	expect_eq "'$*': exit" "$rc" 1
	expect_eq "'$*': stderr" "$(cat "$T/werr")" "$want"
}

# Every write of zgen's output is checked, to stdout and to -o, small and
# large, with one thread or three: the first failure ends zgen with one
# line naming the output, and exit 1 (the message lacked the file; a
# closed pipe killed zgen without a word).
test_zgen_write_errors_one_line() {
	local full="No space left on device"
	for th in 1 3; do
		expect_write_error "zgen: stdout: write error: $full" sh -c "'$ZS_BIN/zgen' -T $th -b /dev/null 1.2.3.4 >/dev/full"
		expect_write_error "zgen: stdout: write error: $full" sh -c "'$ZS_BIN/zgen' -T $th -b /dev/null 10.0.0.0/8 >/dev/full"
		expect_write_error "zgen: stdout: write error: $full" sh -c "'$ZS_BIN/zgen' -T $th --header -e 1 -b /dev/null 1.2.3.4 >/dev/full"
		expect_write_error "zgen: /dev/full: write error: $full" "$ZS_BIN/zgen" -T $th -b /dev/null -o /dev/full 1.2.3.4
		expect_write_error "zgen: /dev/full: write error: $full" "$ZS_BIN/zgen" -T $th -b /dev/null -o /dev/full 10.0.0.0/8
	done
	expect_write_error "zgen: stdout: write error: $full" sh -c "'$ZS_BIN/zgen' --count >/dev/full"
	# a reader that goes away, after a line or at once
	local st
	"$ZS_BIN/zgen" -b /dev/null 10.0.0.0/8 2>"$T/perr" | head -1 >/dev/null
	st=${PIPESTATUS[0]}
	expect_eq "| head -1: exit" "$st" 1
	expect_eq "| head -1: stderr" "$(cat "$T/perr")" "zgen: stdout: write error: Broken pipe"
	"$ZS_BIN/zgen" -T 2 -b /dev/null 10.0.0.0/8 2>"$T/perr" | true
	st=${PIPESTATUS[0]}
	expect_eq "| true: exit" "$st" 1
	expect_eq "| true: stderr" "$(cat "$T/perr")" "zgen: stdout: write error: Broken pipe"
	# a file system that fills up part-way (64 KiB; 700 KB to write)
	mkdir -p "$T/small"
	mount -t tmpfs -o size=64k tmpfs "$T/small"
	trap 'umount "$T/small"' EXIT
	expect_write_error "zgen: $T/small/out: write error: $full" "$ZS_BIN/zgen" -b /dev/null -o "$T/small/out" 10.0.0.0/16
	[ -s "$T/small/out" ] || fail "nothing was written before the disk filled"
	rm "$T/small/out"
	expect_write_error "zgen: stdout: write error: $full" sh -c "'$ZS_BIN/zgen' -T 2 -b /dev/null 10.0.0.0/16 >'$T/small/out'"
	[ -s "$T/small/out" ] || fail "nothing was written before the disk filled"
}

# SIGINT, SIGTERM and SIGHUP end the output on a whole line, with exit 3:
# what was written is an exact prefix of the run, and --resume continues.
test_zgen_signal_exits_incomplete() {
	local sig
	for sig in INT TERM HUP; do
		rm -f "$T/out" # not the last one's: the job opens its own a moment later
		"$ZS_BIN/zgen" -e 1 0.0.0.0/0 >"$T/out" &
		local pid=$!
		for _ in $(seq 200); do
			[ "$(stat -c %s "$T/out" 2>/dev/null || echo 0)" -gt 1000000 ] && break
			sleep 0.1
		done
		kill -"$sig" $pid
		local rc=0
		wait $pid || rc=$?
		expect_eq "exit after SIG$sig" "$rc" 3
		[ -z "$(tail -c1 "$T/out")" ] || fail "SIG$sig: a torn line"
		local n
		n=$(wc -l <"$T/out")
		cmp -s "$T/out" <("$ZS_BIN/zgen" -e 1 0.0.0.0/0 | head -n "$n") || fail "SIG$sig: not a prefix of the run"
		cmp -s <(tail -1 "$T/out") <("$ZS_BIN/zgen" -e 1 --resume $((n - 1)) 0.0.0.0/0 | head -1) ||
			fail "SIG$sig: --resume does not continue it"
	done
}

# nohup's request is kept: zgen started with SIGHUP ignored leaves it
# ignored, and a hang-up while it waits on its reader changes nothing (it
# caught SIGHUP, so the terminal's closing cut every nohup'd scan short);
# without nohup SIGHUP stops it on a whole line (exit 3); SIGINT ignored at
# the start (a background job of a script) is still caught.
test_zgen_nohup_outlives_a_hangup() {
	local how sig rc pid n
	mkfifo "$T/fifo"
	for how in nohup plain int-ignored; do
		# 300,000 lines, 3.3 MB: more than the pipe holds
		sig=HUP
		case $how in
		nohup) set -- env --ignore-signal=HUP ;;
		plain) set -- env --default-signal=HUP ;;
		int-ignored)
			sig=INT
			set -- env --ignore-signal=INT
			;;
		esac
		"$@" "$ZS_BIN/zgen" -e 1 -n 300000 -b /dev/null 10.0.0.0/8 >"$T/fifo" 2>"$T/err" &
		pid=$!
		exec 3<"$T/fifo"
		wait_until 60 is_catching $pid "$ZS_BIN/zgen"
		kill -$sig $pid
		cat <&3 >"$T/out"
		exec 3<&-
		rc=0
		wait $pid || rc=$?
		n=$(wc -l <"$T/out")
		echo "  $how, SIG$sig: exit $rc, $n lines"
		expect_eq "$how: stderr" "$(cat "$T/err")" ""
		if [ $how = nohup ]; then
			expect_eq "$how: exit" "$rc" 0
			expect_eq "$how: lines" "$n" 300000
		else
			expect_eq "$how: exit" "$rc" 3
			[ "$n" -lt 300000 ] && [ -z "$(tail -c1 "$T/out")" ] || fail "$how: $n lines, or a torn one"
			cmp -s "$T/out" <("$ZS_BIN/zgen" -e 1 -n 300000 -b /dev/null 10.0.0.0/8 | head -n "$n") ||
				fail "$how: not a prefix of the run"
		fi
	done
}

# SIGUSR1 (dd's "how far are you", or one sent to a whole group) is no stop
# request and must not kill zgen: it died without a word, exit 138.
test_zgen_ignores_sigusr1() {
	local rc pid
	mkfifo "$T/fifo"
	"$ZS_BIN/zgen" -e 1 -n 300000 -b /dev/null 10.0.0.0/8 >"$T/fifo" 2>"$T/err" &
	pid=$!
	exec 3<"$T/fifo"
	wait_until 60 is_catching $pid "$ZS_BIN/zgen"
	kill -USR1 $pid
	cat <&3 >"$T/out"
	exec 3<&-
	rc=0
	wait $pid || rc=$?
	expect_eq "exit after SIGUSR1" "$rc" 0
	expect_eq "lines" "$(wc -l <"$T/out")" 300000
	expect_eq "stderr" "$(cat "$T/err")" ""
}

# A reader that never reads: a stop request waits for the block in hand
# (a reader may be slow), and a second one, 1.5 s later, gives the write
# up: exit 3, and one line saying whether the output ends on a whole line
# (zgen retried its write for ever and ignored both). An -o FIFO that
# nobody has open is refused at once, in one line (zgen hung in open(2);
# interrupted, it said "zgen: FIFO: Interrupted system call").
test_zgen_stalled_output_gives_up_at_a_second_request() {
	local how rc pid
	mkfifo "$T/fifo"
	for how in stdout -o; do
		exec 3<>"$T/fifo" # open, never read
		if [ $how = stdout ]; then
			"$ZS_BIN/zgen" -e 1 -b /dev/null 10.0.0.0/8 >"$T/fifo" 2>"$T/err" &
		else
			"$ZS_BIN/zgen" -e 1 -b /dev/null -o "$T/fifo" 10.0.0.0/8 2>"$T/err" &
		fi
		pid=$!
		wait_until 60 is_catching $pid "$ZS_BIN/zgen"
		wait_until 60 in_pipe_write $pid
		kill -TERM $pid
		sleep 1.5 # a second request is one a second or more after the first
		is_gone $pid && fail "$how: a first request on a reader that waits ended zgen"
		kill -TERM $pid
		poll_until 60 is_gone $pid || {
			exec 3<&-
			kill -KILL $pid
			fail "$how: still running 60 s after a second request"
		}
		exec 3<&-
		rc=0
		wait $pid || rc=$?
		local name=stdout
		[ $how = stdout ] || name=$T/fifo
		expect_eq "$how: exit" "$rc" 3
		[ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "^zgen: $name: stopped with a write its reader did not take: (the output ends on a whole line|its last line may be torn)$" "$T/err" ||
			fail "$how: stderr: $(cat "$T/err")"
		echo "  $how: $(cat "$T/err")"
	done
	expect_error "^zgen: $T/fifo: a FIFO that nobody reads$" timeout 60 "$ZS_BIN/zgen" -n 3 -o "$T/fifo"
	[ "$(cat "$T/err.out")" = "" ] || fail "wrote: $(cat "$T/err.out")"
}

# After a stop request, a reader that goes (the next stage stopped too:
# every Ctrl-C of a rate-limited pipeline) is the expected end: exit 3 and
# no word (it said "zgen: stdout: write error: Broken pipe", exit 1, which
# made every interrupted scan look failed). Without a request it stays a
# write error (test_zgen_write_errors_one_line).
test_zgen_reader_gone_after_a_stop_is_a_stop() {
	local how rc pid
	mkfifo "$T/fifo"
	for how in stdout -o; do
		if [ $how = stdout ]; then
			"$ZS_BIN/zgen" -b /dev/null 10.0.0.0/8 >"$T/fifo" 2>"$T/err" &
		else
			"$ZS_BIN/zgen" -b /dev/null -o "$T/fifo" 10.0.0.0/8 2>"$T/err" &
		fi
		pid=$!
		exec 3<"$T/fifo"
		wait_until 60 is_catching $pid "$ZS_BIN/zgen"
		head -c 1000 <&3 >/dev/null
		wait_until 60 in_pipe_write $pid
		kill -INT $pid
		exec 3<&- # the reader goes, the rest unread
		rc=0
		wait $pid || rc=$?
		expect_eq "$how: exit" "$rc" 3
		expect_eq "$how: stderr" "$(cat "$T/err")" ""
	done
}

# With its standard error closed (2>&-), a file zgen opens takes no
# descriptor 0, 1 or 2: its messages never land in its output (the one a
# stop that gave up a write says went into the -o FIFO, among the
# targets).
test_zgen_closed_standard_descriptors() {
	local rc pid
	"$ZS_BIN/zgen" -e 1 -n 5 -b /dev/null -o "$T/out" 1.2.3.0/24 2>&- <&- >&-
	expect_eq "five targets, no more" "$(grep -cE '^1\.2\.3\.[0-9]+$' "$T/out")/$(wc -l <"$T/out")" 5/5
	mkfifo "$T/fifo"
	"$ZS_BIN/zgen" -e 1 -b /dev/null -o "$T/fifo" 10.0.0.0/8 2>&- &
	pid=$!
	exec 3<"$T/fifo"
	wait_until 60 is_catching $pid "$ZS_BIN/zgen"
	wait_until 60 in_pipe_write $pid
	kill -TERM $pid
	sleep 1.5
	kill -TERM $pid
	poll_until 60 is_gone $pid || {
		cat <&3 >/dev/null &
		fail "still running 60 s after a second request"
	}
	cat <&3 >"$T/out"
	exec 3<&-
	rc=0
	wait $pid || rc=$?
	expect_eq "exit" "$rc" 3
	# every line a target but perhaps a torn last one
	expect_eq "lines not targets" "$(head -n -1 "$T/out" | grep -cvE '^10\.[0-9]+\.[0-9]+\.[0-9]+$' || true)" 0
	! grep -q zgen "$T/out" || fail "a message in the output: $(grep zgen "$T/out" | head -c 300)"
}
