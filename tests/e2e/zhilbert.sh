# End-to-end tests of zhilbert: its pictures are read back with a PNG
# decoder written here (zlib and struct only) and checked against a Hilbert
# curve, counts and colour scale worked out here from the input.

# check_map PNG INPUT PREFIX UNIT: the picture is that of INPUT's
# addresses (first field; a first line that is a name, blank lines,
# comments and bad lines skipped) under PREFIX, one pixel per /UNIT; prints
# "ok" or what differs.
check_map_py='
import ipaddress, re, struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, "bad CRC in " + str(kind)
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, ctype, interlace) == (8, 2, 0), "not 8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    raw, stride, rows, prior = zlib.decompress(idat), 3 * w, [], bytes(3 * w)
    for y in range(h):
        f, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if not line.strip(b"\0") and (f == 2 or not prior.strip(b"\0")):
            cur = prior if f == 2 else bytes(stride)
        else:
            out = bytearray(stride)
            for i in range(stride):
                a = out[i - 3] if i >= 3 else 0
                b = prior[i]
                c = prior[i - 3] if i >= 3 else 0
                if f == 0: p = 0
                elif f == 1: p = a
                elif f == 2: p = b
                elif f == 3: p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else b if pb <= pc else c
                out[i] = (line[i] + p) & 255
            cur = bytes(out)
        rows.append(cur)
        prior = cur
    return w, h, rows

def hilbert(order, d):
    # top down: the quadrant of the highest two bits, then the rest inside it
    if order == 0:
        return 0, 0
    s = 1 << (order - 1)
    q, rest = d >> (2 * (order - 1)), d & (s * s - 1)
    x, y = hilbert(order - 1, rest)
    return [(y, x), (x, y + s), (x + s, y + s), (2 * s - 1 - y, s - 1 - x)][q]

STOPS = [(48, 0, 112), (136, 16, 160), (224, 40, 72), (255, 152, 0), (255, 248, 168)]

def colour(b, top):
    if b == 0:
        return (0, 0, 0)
    pos = 255 if top <= 1 else (b - 1) * 255 // (top - 1)
    seg = min(pos // 64, 3)
    span, f = (63 if seg == 3 else 64), pos - 64 * min(pos // 64, 3)
    return tuple((STOPS[seg][c] * (span - f) + STOPS[seg + 1][c] * f) // span for c in range(3))

png, inp, prefix, unit = sys.argv[1], sys.argv[2], ipaddress.ip_network(sys.argv[3]), int(sys.argv[4])
order = (unit - prefix.prefixlen) // 2
side = 1 << order
counts = {}
for n, line in enumerate(open(inp, errors="replace"), 1):
    field = re.split(r"[,\s#]", line.strip(" \t"), maxsplit=1)[0]
    try:
        a = ipaddress.ip_address(field)
    except ValueError:
        continue
    if a.version != prefix.version or a not in prefix:
        continue
    d = (int(a) - int(prefix.network_address)) >> (prefix.max_prefixlen - unit)
    counts[hilbert(order, d)] = counts.get(hilbert(order, d), 0) + 1
top = max(counts.values()).bit_length() if counts else 0
w, h, rows = read_png(png)
W = max(side, 256)
if (w, h) != (W, side + 20 * (W // 256)):
    sys.exit("size %dx%d, want %dx%d" % (w, h, W, side + 20 * (W // 256)))
seen = {}
for y in range(side):
    for m in re.finditer(rb"[^\0]", rows[y][:3 * side]):
        x = m.start() // 3
        seen[(x, y)] = tuple(rows[y][3 * x:3 * x + 3])
want = {xy: colour(c.bit_length(), top) for xy, c in counts.items()}
if seen != want:
    extra = sorted(set(seen) - set(want))[:5]
    missing = sorted(set(want) - set(seen))[:5]
    wrong = [(xy, seen[xy], want[xy]) for xy in want if xy in seen and seen[xy] != want[xy]][:5]
    sys.exit("pixels differ: extra %s missing %s wrong %s" % (extra, missing, wrong))
# the legend bar: bin b (0 = none) in block b of top + 1
s, nb = W // 256, top + 1
for b in range(nb):
    x = b * (W // nb) + (W // nb) // 2
    got = tuple(rows[side + 5 * s][3 * x:3 * x + 3])
    if got != colour(b, top):
        sys.exit("legend block %d is %s, want %s" % (b, got, colour(b, top)))
# ticks and digits in the light ink under the bar
if b"\xe8\xe8\xe8" not in b"".join(rows[side + 13 * s:side + 18 * s]):
    sys.exit("no label under the legend bar")
print("ok")
'

check_map() { # PNG INPUT PREFIX UNIT
	local got
	got=$(python3 -c "$check_map_py" "$@" 2>&1) || fail "$1: $got"
	expect_eq "$1" "$got" ok
}

# repeat N ADDRESS: N lines of ADDRESS's /24 (ADDRESS ends in .0), hosts .1-.N
hosts_in() {
	local i
	for ((i = 1; i <= $2; i++)); do echo "${1%.0}.$i"; done
}

test_zhilbert_ipv4_24s_are_coloured_by_count() {
	{
		echo "saddr,sport,success" # zrecv's header, then its rows
		hosts_in 1.2.3.0 3 | sed 's/$/,443,1/'
		hosts_in 10.0.0.0 8
		hosts_in 198.18.64.0 200
		hosts_in 0.0.0.0 2
		echo "1.2.4.9 trailing words"
		echo "255.255.255.255#comment"
		echo
		echo "# a comment"
		echo "2001:db8::1" # the other family: outside
	} >"$T/in"
	local rc=0
	"$ZS_BIN/zhilbert" <"$T/in" >"$T/map.png" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 0
	expect_eq "stderr" "$(cat "$T/err")" "zhilbert: 1 address outside 0.0.0.0/0 skipped"
	check_map "$T/map.png" "$T/in" 0.0.0.0/0 24
	# the same picture by name
	"$ZS_BIN/zhilbert" -u 24 -p 0.0.0.0/0 -q <"$T/in" >"$T/again.png"
	cmp -s "$T/map.png" "$T/again.png" || fail "-u 24 -p 0.0.0.0/0 draws another picture"
}

test_zhilbert_ipv4_16s() {
	{
		hosts_in 1.2.3.0 3
		hosts_in 1.2.200.0 4
		hosts_in 198.18.64.0 100
		echo 255.255.0.1
		echo 128.0.0.1
	} >"$T/in"
	"$ZS_BIN/zhilbert" -u 16 <"$T/in" >"$T/map.png"
	check_map "$T/map.png" "$T/in" 0.0.0.0/0 16
	# a random sample, many /16s with one to a few hosts
	python3 -c '
import random
r = random.Random(5)
for _ in range(20000):
    print("%d.%d.%d.%d" % (r.randrange(256) * r.randrange(256) // 255, r.randrange(256),
                           r.randrange(256), r.randrange(256)))' >"$T/many"
	"$ZS_BIN/zhilbert" -u 16 <"$T/many" >"$T/many.png"
	check_map "$T/many.png" "$T/many" 0.0.0.0/0 16
	# an IPv4 prefix of its own: the /28s of a /20
	"$ZS_BIN/zhilbert" -q -p 198.18.48.0/20 -u 28 <"$T/many" >"$T/sub.png"
	check_map "$T/sub.png" "$T/many" 198.18.48.0/20 28
}

test_zhilbert_ipv6_units_under_a_prefix() {
	{
		echo 2001:db8::1
		echo 2001:db8::2
		echo 2001:db8:0:1::1
		echo 2001:db8:1::1
		echo 2001:db8:1:ffff::1
		echo 2001:db8:ffff::1
		echo 2001:db8:8000::1
		for i in $(seq 1 40); do echo "2001:db8:1234::$i,443"; done
		echo 2001:db9::1 # outside
		echo 2001:db7:ffff:ffff::1
		echo 198.18.0.1 # the other family
	} >"$T/in"
	local rc=0
	"$ZS_BIN/zhilbert" -p 2001:db8::/32 -u 48 <"$T/in" >"$T/map.png" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 0
	expect_eq "stderr" "$(cat "$T/err")" "zhilbert: 3 addresses outside 2001:db8::/32 skipped"
	check_map "$T/map.png" "$T/in" 2001:db8::/32 48
	# the default unit under a /32 is the /48
	"$ZS_BIN/zhilbert" -q -p 2001:db8::/32 <"$T/in" >"$T/default.png"
	cmp -s "$T/map.png" "$T/default.png" || fail "the default unit under a /32 is not /48"
	# a small square: the addresses of a /120, 16 x 16
	for i in 1 2 3 ff 80 81; do echo "2001:2:0:10::$i"; done >"$T/small"
	"$ZS_BIN/zhilbert" -p 2001:2:0:10::/120 -u 128 <"$T/small" >"$T/small.png"
	check_map "$T/small.png" "$T/small" 2001:2:0:10::/120 128
	# the largest: 4096 x 4096 /56s of a /32
	"$ZS_BIN/zhilbert" -q -p 2001:db8::/32 -u 56 <"$T/in" >"$T/big.png"
	check_map "$T/big.png" "$T/in" 2001:db8::/32 56
}

test_zhilbert_bad_lines_are_named_and_skipped() {
	printf 'saddr\n1.2.3.4\nnot-an-address\n1.2.3\n,443\nsaddr\n1.2.3.5\n' >"$T/in"
	local rc=0
	"$ZS_BIN/zhilbert" -u 16 <"$T/in" >"$T/map.png" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "stderr" "$(cat "$T/err")" "zhilbert: stdin:3: not an address 'not-an-address'
zhilbert: stdin:4: not an address '1.2.3'
zhilbert: stdin:5: no address before ',443'
zhilbert: stdin:6: not an address 'saddr'
zhilbert: 4 bad lines skipped (of 7)"
	# the picture is still written, of the good lines
	check_map "$T/map.png" "$T/in" 0.0.0.0/0 16
	# -q: the lines are still named, the summary is not
	rc=0
	"$ZS_BIN/zhilbert" -q -u 16 <"$T/in" >/dev/null 2>"$T/err" || rc=$?
	expect_eq "exit with -q" "$rc" 1
	expect_eq "lines named with -q" "$(wc -l <"$T/err")" 4
	# a line over 64 KiB: its address still counts
	{
		echo 1.2.3.4
		printf '9.9.9.9,'
		head -c 200000 /dev/zero | tr '\0' x
		echo
		echo 9.9.9.10
	} >"$T/long"
	"$ZS_BIN/zhilbert" -u 16 <"$T/long" >"$T/long.png"
	check_map "$T/long.png" "$T/long" 0.0.0.0/0 16
}

test_zhilbert_write_error_is_one_line() {
	hosts_in 1.2.3.0 10 >"$T/in"
	local rc=0
	"$ZS_BIN/zhilbert" <"$T/in" >/dev/full 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "stderr" "$(cat "$T/err")" "zhilbert: stdout: write error: No space left on device"
	rc=0
	"$ZS_BIN/zhilbert" -u 16 </dev/null >/dev/full 2>"$T/err" || rc=$?
	expect_eq "exit (small)" "$rc" 1
	expect_eq "stderr (small)" "$(cat "$T/err")" "zhilbert: stdout: write error: No space left on device"
	# a reader that is gone: a pipe whose reading end is closed first
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1]], stdin=open(sys.argv[2]), stdout=w, stderr=subprocess.PIPE)
print(p.returncode, p.stderr.decode().strip())' "$ZS_BIN/zhilbert" "$T/in" >"$T/pipe"
	expect_eq "closed pipe" "$(cat "$T/pipe")" "1 zhilbert: stdout: write error: Broken pipe"
}

test_zhilbert_usage_errors() {
	expect_error "-u 23: the unit /23 under a /0: its length less the prefix's must be even" \
		"$ZS_BIN/zhilbert" -u 23 </dev/null
	expect_error "-u 26: .*at most 24" "$ZS_BIN/zhilbert" -u 26 </dev/null
	expect_error "-u 48: .*at most /32" "$ZS_BIN/zhilbert" -u 48 </dev/null
	expect_error "-u 28: the unit /28 is not longer than the prefix /32" \
		"$ZS_BIN/zhilbert" -p 2001:db8::/32 -u 28 </dev/null
	expect_error "-u: " "$ZS_BIN/zhilbert" -u x </dev/null
	expect_error "-p: 'nonsense' is not a prefix" "$ZS_BIN/zhilbert" -p nonsense </dev/null
	expect_error "-p: '2001:db8::' is not a prefix" "$ZS_BIN/zhilbert" -p 2001:db8:: </dev/null
	expect_error "-p: '10.0.0.1/8' has bits set below its /8" \
		"$ZS_BIN/zhilbert" -p 10.0.0.1/8 </dev/null
	expect_error "unexpected argument 'x'" "$ZS_BIN/zhilbert" x </dev/null
	expect_error "unknown option '--nope'" "$ZS_BIN/zhilbert" --nope </dev/null
	expect_error "option '-u' needs a value" "$ZS_BIN/zhilbert" -u
	# a terminal is no place for a PNG (script gives it one)
	if command -v script >/dev/null; then
		script -qec "$ZS_BIN/zhilbert </dev/null; echo rc=\$?" /dev/null >"$T/tty" || true
		grep -q "zhilbert: stdout is a terminal" "$T/tty" || fail "a terminal: $(cat "$T/tty")"
		grep -q "rc=2" "$T/tty" || fail "a terminal: $(cat "$T/tty")"
	fi
}
