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
	"$ZS_BIN/zblacklist" --no-duplicate-checking <"$T/in" >"$T/got"
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
	"$ZS_BIN/zblacklist" --no-duplicate-checking <"$T/in6" >"$T/got_all" || fail "zblacklist failed (default lists)"
	cmp -s "$T/got_all" "$T/want_all" ||
		fail "default lists: $(diff "$T/got_all" "$T/want_all" | head -5)"
	"$ZS_BIN/zblacklist" --no-duplicate-checking -w "$T/allow" -b "$T/block" <"$T/in6" >"$T/got_w" ||
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

# expect_write_error WANT-LINE CMD...: exits 1 with exactly WANT-LINE on
# stderr (one line), whatever it wrote before.
expect_write_error() {
	local want=$1 rc=0
	shift
	"$@" 2>"$T/werr" || rc=$?
	expect_eq "'$*': exit" "$rc" 1
	expect_eq "'$*': stderr" "$(cat "$T/werr")" "$want"
}

# Every write is checked, in every mode, small and large: the first failure
# ends zblacklist with one line naming stdout, and exit 1 (it said "write
# error" without the file, and a full --count gave a second line; a closed
# pipe killed it without a word).
test_zblacklist_write_errors_one_line() {
	local full="No space left on device" z=$ZS_BIN/zblacklist
	# 1,000,000 address lines; a hitlist whose --cidrs is 200,000 lines
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "1.%d.%d.%d,80\n", i / 65536 % 256, i / 256 % 256, i % 256 }' >"$T/many"
	awk 'BEGIN { for (i = 0; i < 200000; i++) { a = i * 2; printf "2.%d.%d.%d\n", int(a / 65536), int(a / 256) % 256, a % 256 } }' >"$T/hits"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' --count >/dev/full"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' --count ::/0 >/dev/full"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' --cidrs >/dev/full"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' -b /dev/null -w '$T/hits' --cidrs >/dev/full"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "echo 1.1.1.1 | '$z' >/dev/full"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' <'$T/many' >/dev/full"
	# a reader that goes away, after a line or at once
	local st
	"$z" <"$T/many" 2>"$T/perr" | head -1 >/dev/null
	st=${PIPESTATUS[0]}
	expect_eq "filter | head -1: exit" "$st" 1
	expect_eq "filter | head -1: stderr" "$(cat "$T/perr")" "zblacklist: stdout: write error: Broken pipe"
	"$z" -b /dev/null -w "$T/hits" --cidrs 2>"$T/perr" | head -1 >/dev/null
	st=${PIPESTATUS[0]}
	expect_eq "--cidrs | head -1: exit" "$st" 1
	expect_eq "--cidrs | head -1: stderr" "$(cat "$T/perr")" "zblacklist: stdout: write error: Broken pipe"
	"$z" <"$T/many" 2>"$T/perr" | true
	st=${PIPESTATUS[0]}
	expect_eq "filter | true: exit" "$st" 1
	expect_eq "filter | true: stderr" "$(cat "$T/perr")" "zblacklist: stdout: write error: Broken pipe"
	# a file system that fills up part-way (64 KiB)
	mkdir -p "$T/small"
	mount -t tmpfs -o size=64k tmpfs "$T/small"
	trap 'umount "$T/small"' EXIT
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' <'$T/many' >'$T/small/out'"
	[ -s "$T/small/out" ] || fail "nothing was written before the disk filled"
	rm "$T/small/out"
	expect_write_error "zblacklist: stdout: write error: $full" sh -c "'$z' -b /dev/null -w '$T/hits' --cidrs >'$T/small/out'"
	[ -s "$T/small/out" ] || fail "nothing was written before the disk filled"
}

# A line on stdin is held up to 4096 bytes, as in list files: a longer one
# is a bad line (its start shown), skipped as it comes, whether it arrives
# in pieces or whole in one read; the lines after it are still filtered.
# 300 MB of NULs grew zblacklist to 300 MB and more (6.2 GB from
# /dev/zero).
test_zblacklist_overlong_lines_bounded() {
	python3 - "$ZS_BIN/zblacklist" "$T" <<-'PY' >"$T/run"
		import os, subprocess, sys
		head = subprocess.Popen(["head", "-c", "300M", "/dev/zero"], stdout=subprocess.PIPE)
		with open(sys.argv[2] + "/out", "w") as out, open(sys.argv[2] + "/err", "w") as err:
		    p = subprocess.Popen([sys.argv[1]], stdin=head.stdout, stdout=out, stderr=err)
		head.stdout.close()
		_, status, ru = os.wait4(p.pid, 0)
		p.returncode = os.waitstatus_to_exitcode(status)
		head.wait()
		print(p.returncode, ru.ru_maxrss // 1024)
	PY
	read -r rc mb <"$T/run"
	echo "  300 MB of NULs: exit $rc, peak RSS $mb MB"
	expect_eq "exit" "$rc" 1
	[ "$mb" -lt 64 ] || fail "peak RSS $mb MB"
	expect_eq "output" "$(wc -c <"$T/out")" 0
	expect_eq "stderr lines" "$(wc -l <"$T/err")" 2
	grep -Eq "^zblacklist: stdin:1: a line longer than 4096 bytes: '(\\\\x00){64}'$" "$T/err" ||
		fail "stdin:1: $(head -c 300 "$T/err")"
	grep -q "^zblacklist: 1 bad line skipped (of 1)$" "$T/err" || fail "summary: $(cat "$T/err")"
	# between good lines, at the limit and one over it
	python3 -c '
import sys
w = sys.stdout.write
w("1.1.1.1\n" + "x" * 10000 + "\n2.2.2.2\n")
w("3.3.3.3," + "a" * 4088 + "\n")          # 4096 bytes: a line
w("4.4.4.4," + "a" * 4089 + "\n")          # 4097: too long
w("5.5.5.5\n" + "1" * 5000000 + "\n6.6.6.6")' >"$T/in"
	printf '1.1.1.1\n2.2.2.2\n3.3.3.3,%s\n5.5.5.5\n6.6.6.6\n' "$(printf 'a%.0s' $(seq 4088))" >"$T/want"
	local how
	for how in file pieces; do
		rc=0
		if [ $how = file ]; then
			"$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/got" 2>"$T/err" || rc=$?
		else
			odd_writes "$T/in" 3 | "$ZS_BIN/zblacklist" -b /dev/null >"$T/got" 2>"$T/err" || rc=$?
		fi
		expect_eq "$how: exit" "$rc" 1
		cmp -s "$T/got" "$T/want" || fail "$how: got $(cut -c1-20 "$T/got")"
		expect_eq "$how: stderr" "$(cut -c1-60 "$T/err")" "$(printf '%s\n' \
			"zblacklist: stdin:2: a line longer than 4096 bytes: 'xxxxxxx" \
			"zblacklist: stdin:5: a line longer than 4096 bytes: '4.4.4.4" \
			"zblacklist: stdin:7: a line longer than 4096 bytes: '1111111" \
			"zblacklist: 3 bad lines skipped (of 8)")"
	done
}

# waits up to 20 s for process PID to end (gone, or a zombie)
ended_within_20s() { # PID
	local s
	for _ in $(seq 200); do
		s=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true)
		[ -z "$s" ] || [ "$s" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

# A stop signal ends zblacklist promptly, also while it skips a line that
# never ends: the lines before are out, whole, and the exit status is 1
# (the endless line is a bad line, which dominates the stop's 3, as in
# zfilter and zsend). A first
# request of any kind (SIGINT, SIGTERM, SIGHUP) with a pipe on stdin is a
# stop reaching every stage: the upstream ends the stream, and zblacklist
# reads it to the end (unless what comes is a line that never ends); a
# second one, a second or more later, stops it.
test_zblacklist_stop_signals() {
	local sig pid rc s
	for sig in TERM HUP INT; do
		rm -f "$T/err" # not the last one's: a job opens its own a moment later
		if [ $sig = INT ]; then
			"$ZS_BIN/zblacklist" </dev/zero >"$T/out" 2>"$T/err" &
		else
			{ printf '1.1.1.1\n10.0.0.1\n2.2.2.2\n'; cat /dev/zero; } | "$ZS_BIN/zblacklist" >"$T/out" 2>"$T/err" &
		fi
		pid=$!
		for _ in $(seq 200); do
			grep -qs "a line longer than" "$T/err" && break
			sleep 0.1
		done
		grep -q "a line longer than" "$T/err" || fail "SIG$sig: the endless line was not reported: $(cat "$T/err")"
		kill -"$sig" "$pid"
		ended_within_20s "$pid" || fail "SIG$sig: still running 20 s after the signal"
		rc=0
		wait "$pid" || rc=$?
		expect_eq "SIG$sig: exit" "$rc" 1
		[ $sig = INT ] || expect_eq "SIG$sig: output" "$(cat "$T/out")" "$(printf '1.1.1.1\n2.2.2.2')"
	done
	# the first request on a pipe: read to the end
	mkfifo "$T/in"
	for sig in INT TERM HUP; do
		rm -f "$T/out"
		"$ZS_BIN/zblacklist" <"$T/in" >"$T/out" 2>"$T/err" &
		pid=$!
		{
			printf '1.1.1.1\n'
			for _ in $(seq 200); do
				[ -s "$T/out" ] && break
				sleep 0.1
			done
			kill -$sig "$pid"
			sleep 0.5
			printf '2.2.2.2\n'
		} >"$T/in"
		rc=0
		wait "$pid" || rc=$?
		expect_eq "one SIG$sig on a pipe: exit" "$rc" 0
		expect_eq "one SIG$sig on a pipe: output" "$(cat "$T/out")" "$(printf '1.1.1.1\n2.2.2.2')"
	done
	# a second one, while the pipe stays open, stops it (SIGINTs sent
	# together are one: one is sent at a time until it ends)
	rm -f "$T/out"
	"$ZS_BIN/zblacklist" <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	exec 3>"$T/in"
	printf '1.1.1.1\n' >&3
	for _ in $(seq 200); do
		[ -s "$T/out" ] && break
		sleep 0.1
	done
	local ended=
	for _ in $(seq 100); do
		kill -INT "$pid" 2>/dev/null || true
		sleep 0.2
		s=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		if [ -z "$s" ] || [ "$s" = Z ]; then
			ended=1
			break
		fi
	done
	exec 3>&-
	[ -n "$ended" ] || fail "SIGINTs on a pipe held open did not stop it"
	rc=0
	wait "$pid" || rc=$?
	expect_eq "SIGINT twice on a pipe: exit" "$rc" 3
	expect_eq "SIGINT twice on a pipe: output" "$(cat "$T/out")" 1.1.1.1
}

# nohup's request is kept: zblacklist started with SIGHUP ignored leaves it
# ignored: two hang-ups a second apart change nothing, and it filters its
# pipe to the end (exit 0); it caught SIGHUP, and the second stopped it.
# Without nohup they stop it (exit 3); SIGINT ignored at the start (a
# background job of a script) is still caught.
test_zblacklist_nohup_outlives_a_hangup() {
	local how sig rc pid
	mkfifo "$T/in"
	for how in nohup plain int-ignored; do
		sig=HUP
		case $how in
		nohup) set -- env --ignore-signal=HUP ;;
		plain) set -- env --default-signal=HUP ;;
		int-ignored)
			sig=INT
			set -- env --ignore-signal=INT
			;;
		esac
		rm -f "$T/out"
		"$@" "$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/out" 2>"$T/err" &
		pid=$!
		exec 3>"$T/in"
		to_fd3 $'1.1.1.1\n'
		wait_until 60 has_output "$T/out"
		kill -$sig $pid
		sleep 1.2 # a second request is one a second or more after the first
		kill -$sig $pid
		# stopped, it ends without reading on: a line written before it
		# saw the signal might be read first, so wait for it to end
		[ $how = nohup ] || wait_until 60 is_gone $pid
		to_fd3 $'2.2.2.2\n'
		exec 3>&-
		rc=0
		wait $pid || rc=$?
		echo "  $how: two SIG$sig: exit $rc"
		expect_eq "$how: stderr" "$(cat "$T/err")" ""
		if [ $how = nohup ]; then
			expect_eq "$how: exit" "$rc" 0
			expect_eq "$how: output" "$(cat "$T/out")" "$(printf '1.1.1.1\n2.2.2.2')"
		else
			expect_eq "$how: exit" "$rc" 3
			expect_eq "$how: output" "$(cat "$T/out")" 1.1.1.1
		fi
	done
}

# SIGUSR1 (dd's "how far are you", or one sent to a whole group) is no stop
# request and must not kill zblacklist, filtering or listing --cidrs: it
# died without a word, exit 138.
test_zblacklist_ignores_sigusr1() {
	local rc pid
	mkfifo "$T/in" "$T/fifo"
	"$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	exec 3>"$T/in"
	to_fd3 $'1.1.1.1\n'
	wait_until 60 has_output "$T/out"
	kill -USR1 $pid
	to_fd3 $'2.2.2.2\n'
	exec 3>&-
	rc=0
	wait $pid || rc=$?
	expect_eq "filter: exit" "$rc" 0
	expect_eq "filter: output" "$(cat "$T/out")" "$(printf '1.1.1.1\n2.2.2.2')"
	# --cidrs, waiting on its reader: 200,000 lines
	awk 'BEGIN { for (i = 0; i < 200000; i++) { a = i * 2; printf "2.%d.%d.%d\n", int(a / 65536), int(a / 256) % 256, a % 256 } }' >"$T/hits"
	"$ZS_BIN/zblacklist" -b /dev/null -w "$T/hits" --cidrs >"$T/fifo" 2>"$T/err" &
	pid=$!
	exec 3<"$T/fifo"
	wait_until 60 in_pipe_write $pid
	kill -USR1 $pid
	cat <&3 >"$T/out"
	exec 3<&-
	rc=0
	wait $pid || rc=$?
	expect_eq "--cidrs: exit" "$rc" 0
	expect_eq "--cidrs: lines" "$(wc -l <"$T/out")" 200000
	expect_eq "--cidrs: stderr" "$(cat "$T/err")" ""
}

# An output nobody reads: a first request waits for it (on a pipe,
# zblacklist goes on filtering: the stages before end the stream), and a
# second, 1.5 s later, gives the write up: exit 3 and one line saying
# whether the output ends on a whole line (zblacklist retried its write
# for ever and ignored both).
test_zblacklist_stalled_output_gives_up_at_a_second_request() {
	local how rc pid
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "1.%d.%d.%d,80\n", i / 65536 % 256, i / 256 % 256, i % 256 }' >"$T/many"
	mkfifo "$T/fifo"
	for how in file pipe; do
		exec 3<>"$T/fifo" # open, never read
		if [ $how = file ]; then
			"$ZS_BIN/zblacklist" -b /dev/null <"$T/many" >"$T/fifo" 2>"$T/err" &
		else
			cat "$T/many" | "$ZS_BIN/zblacklist" -b /dev/null >"$T/fifo" 2>"$T/err" &
		fi
		pid=$!
		wait_until 60 is_catching $pid "$ZS_BIN/zblacklist"
		wait_until 60 in_pipe_write $pid
		kill -TERM $pid
		sleep 1.5 # a second request is one a second or more after the first
		is_gone $pid && fail "$how: a first request on a reader that waits ended it"
		kill -TERM $pid
		poll_until 60 is_gone $pid || {
			exec 3<&-
			kill -KILL $pid
			fail "$how: still running 60 s after a second request"
		}
		exec 3<&-
		rc=0
		wait $pid || rc=$?
		wait # cat, if any
		expect_eq "$how: exit" "$rc" 3
		[ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "^zblacklist: stdout: stopped with a write its reader did not take: (the output ends on a whole line|its last line may be torn)$" "$T/err" ||
			fail "$how: stderr: $(cat "$T/err")"
		echo "  $how: $(cat "$T/err")"
	done
}

# After a stop request, a reader that goes (the next stage stopped too) is
# the expected end: exit 3 and no word (it said "zblacklist: stdout: write
# error: Broken pipe", exit 1). Without a request it stays a write error
# (test_zblacklist_write_errors_one_line).
test_zblacklist_reader_gone_after_a_stop_is_a_stop() {
	local how rc pid
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "1.%d.%d.%d,80\n", i / 65536 % 256, i / 256 % 256, i % 256 }' >"$T/many"
	mkfifo "$T/fifo"
	for how in file pipe; do
		if [ $how = file ]; then
			"$ZS_BIN/zblacklist" -b /dev/null <"$T/many" >"$T/fifo" 2>"$T/err" &
		else
			cat "$T/many" | "$ZS_BIN/zblacklist" -b /dev/null >"$T/fifo" 2>"$T/err" &
		fi
		pid=$!
		exec 3<"$T/fifo"
		wait_until 60 is_catching $pid "$ZS_BIN/zblacklist"
		wait_until 60 in_pipe_write $pid
		kill -INT $pid
		exec 3<&- # the reader goes, the rest unread
		rc=0
		wait $pid || rc=$?
		wait # cat, if any
		expect_eq "$how: exit" "$rc" 3
		expect_eq "$how: stderr" "$(cat "$T/err")" ""
	done
}

# A first request on a pipe reads it to its end, also past an overlong
# line that begins after the request and comes in pieces: it is a bad line
# skipped, and the lines after it are filtered (the request ended the
# input at the long line's second piece). Only a request that comes while
# such a line is skipped ends it (test_zblacklist_stop_signals).
test_zblacklist_long_line_after_a_request_is_skipped() {
	local rc pid
	mkfifo "$T/in"
	"$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	exec 3>"$T/in"
	to_fd3 $'1.1.1.1\n'
	wait_until 60 has_output "$T/out"
	kill -TERM $pid
	to_fd3 "$(head -c 6000 /dev/zero | tr '\0' x)"
	wait_until 60 grep -q "a line longer than" "$T/err" # being skipped
	to_fd3 "$(head -c 6000 /dev/zero | tr '\0' y)"
	to_fd3 $'\n2.2.2.2\n'
	exec 3>&-
	rc=0
	wait $pid || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "output" "$(cat "$T/out")" "$(printf '1.1.1.1\n2.2.2.2')"
	expect_eq "stderr" "$(cut -c1-60 "$T/err")" "$(printf '%s\n' \
		"zblacklist: stdin:2: a line longer than 4096 bytes: 'xxxxxxx" \
		"zblacklist: 1 bad line skipped (of 3)")"
}

# Bad lines dominate a stop: exit 1, as zfilter and zsend (it exited 3,
# which a scheduler retries, and the bad input went unlooked at).
test_zblacklist_bad_lines_and_a_stop_exit_1() {
	local rc pid
	mkfifo "$T/in"
	"$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	exec 3>"$T/in"
	to_fd3 $'bad\n1.1.1.1\n'
	wait_until 60 has_output "$T/out"
	kill -TERM $pid
	sleep 1.2 # a second request is one a second or more after the first
	kill -TERM $pid
	# stopped, it reads on no more: wait for its end, so that the next
	# line cannot be read before it saw the signal
	wait_until 60 is_gone $pid
	to_fd3 $'2.2.2.2\n'
	exec 3>&-
	rc=0
	wait $pid || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "output" "$(cat "$T/out")" 1.1.1.1
	expect_eq "stderr" "$(cat "$T/err")" "$(printf '%s\n' \
		"zblacklist: stdin:1: not an IPv4 address or CIDR: 'bad'" \
		"zblacklist: 1 bad line skipped (of 2)")"
}

# Closed standard descriptors (2>&-, <&-, >&-) are held by /dev/null
# opened the other way, so that no list file takes their number: reading
# or writing them fails as before, and messages go nowhere.
test_zblacklist_closed_standard_descriptors() {
	local rc
	printf '1.2.3.0/24\n' >"$T/allow"
	printf '1.2.3.4\nbad\n9.9.9.9\n1.2.3.5\n' >"$T/in"
	rc=0
	"$ZS_BIN/zblacklist" -b /dev/null -w "$T/allow" <"$T/in" >"$T/out" 2>&- || rc=$?
	expect_eq "2>&-: exit" "$rc" 1
	expect_eq "2>&-: output" "$(cat "$T/out")" "$(printf '1.2.3.4\n1.2.3.5')"
	rc=0
	"$ZS_BIN/zblacklist" -b /dev/null -w "$T/allow" <&- >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "<&-: exit" "$rc" 1
	expect_eq "<&-: stderr" "$(cat "$T/err")" "zblacklist: stdin: read error: Bad file descriptor"
	rc=0
	"$ZS_BIN/zblacklist" -b /dev/null -w "$T/allow" --cidrs >&- 2>"$T/err" || rc=$?
	expect_eq ">&-: exit" "$rc" 1
	expect_eq ">&-: stderr" "$(cat "$T/err")" "zblacklist: stdout: write error: Bad file descriptor"
}

# Repeats are dropped by default, as ZMap's zblocklist drops them (its own
# test suite feeds it repeated addresses): a line that passes whole is
# printed the first time only, its address taken in any form (2001:2::1
# and 2001:2:0::1 are one; a CR or trailing blanks change nothing), with
# the rest of the line part of what repeats; --no-duplicate-checking
# prints every one. Checked against Python's ipaddress on random lines.
test_zblacklist_drops_repeats_like_zblocklist() {
	python3 - "$T/in" <<-'PY'
		import ipaddress as ia, random, sys
		r = random.Random(5)
		pool4 = [str(ia.IPv4Address((198 << 24) + (18 << 16) + r.getrandbits(6))) for _ in range(40)]
		pool6 = [ia.IPv6Address((0x20010002 << 96) + r.getrandbits(5)) for _ in range(40)]
		lines = []
		for _ in range(3000):
		    k = r.randrange(6)
		    if k == 0:
		        lines.append(r.choice(pool4))
		    elif k == 1:
		        lines.append(r.choice(pool4) + r.choice(["", "\r", " ", "\t"]))
		    elif k == 2:
		        lines.append(r.choice(pool4) + "," + r.choice(["80", "443"]))
		    elif k == 3:
		        lines.append(r.choice([a.compressed, a.exploded]) if (a := r.choice(pool6)) else "")
		    elif k == 4:
		        lines.append(r.choice(pool6).exploded + ",53")
		    else:
		        lines.append("198.18.%d.0/30" % r.randrange(4))
		open(sys.argv[1], "w").write("\n".join(lines) + "\n")
	PY
	python3 - "$T/in" >"$T/want" <<-'PY'
		import ipaddress as ia, sys
		seen = set()
		for raw in open(sys.argv[1], newline=""):
		    line = raw.rstrip("\n")
		    body = line[:-1] if line.endswith("\r") else line
		    tok, sep, rest = body.partition(",") if "," in body else (body.rstrip(" \t"), "", "")
		    net = ia.ip_network(tok.strip(), strict=True)
		    key = (net.network_address, net.prefixlen, (sep + rest).rstrip(" \t"))
		    if key not in seen:
		        seen.add(key)
		        sys.stdout.write(body + "\n")
	PY
	"$ZS_BIN/zblacklist" -b /dev/null <"$T/in" >"$T/got"
	cmp -s "$T/got" "$T/want" || fail "repeats: $(diff "$T/got" "$T/want" | head -5 | tr '\n' ' ')"
	[ "$(wc -l <"$T/want")" -lt 600 ] || fail "few repeats in the input: $(wc -l <"$T/want")"
	"$ZS_BIN/zblacklist" -b /dev/null --no-duplicate-checking <"$T/in" >"$T/all"
	expect_eq "--no-duplicate-checking: every line" "$(wc -l <"$T/all")" 3000
	echo "  3,000 lines, $(wc -l <"$T/got") distinct as zblocklist counts them"
}
