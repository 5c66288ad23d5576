# End-to-end tests of zfilter against an independent computation (awk/sort).

make_results() { # N: random result rows with repeats, CSV with a header
	python3 - "$1" >"$T/res.csv" <<'PY'
import random, sys
r = random.Random(3)
print("saddr,daddr,sport,dport,classification,success,repeat")
hosts = ["198.18.%d.%d" % (r.randrange(256), r.randrange(256)) for _ in range(2000)]
for _ in range(int(sys.argv[1])):
    ok = r.random() < 0.6
    print("%s,198.18.0.1,%d,40000,%s,%d,0" % (r.choice(hosts), r.choice((80, 443, 8080)),
                                             "synack" if ok else "rst", ok))
PY
}

test_zfilter_unique_success_addresses() {
	make_results 20000
	"$ZS_BIN/zfilter" <"$T/res.csv" >"$T/got"
	awk -F, 'NR > 1 && $6 == 1 {print $1}' "$T/res.csv" | awk '!seen[$0]++' >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "default: $(diff "$T/got" "$T/want" | head -3)"
	"$ZS_BIN/zfilter" -u saddr,sport <"$T/res.csv" >"$T/got2"
	awk -F, 'NR > 1 && $6 == 1 {print $1 "," $3}' "$T/res.csv" | awk '!seen[$0]++' >"$T/want2"
	cmp -s "$T/got2" "$T/want2" || fail "-u saddr,sport differs"
	"$ZS_BIN/zfilter" -a -u classification <"$T/res.csv" | sort >"$T/got3"
	expect_eq "-a" "$(tr '\n' ' ' <"$T/got3")" "rst synack "
	expect_eq "--no-dedup" "$("$ZS_BIN/zfilter" --no-dedup <"$T/res.csv" | wc -l)" \
		"$(awk -F, 'NR > 1 && $6 == 1' "$T/res.csv" | wc -l)"
	# JSON lines give the same answer
	awk -F, 'NR > 1 {printf "{\"saddr\":\"%s\",\"sport\":%s,\"success\":%s}\n", $1, $3, ($6 == 1 ? "true" : "false")}' \
		"$T/res.csv" | "$ZS_BIN/zfilter" -u saddr,sport >"$T/got4"
	cmp -s "$T/got4" "$T/want2" || fail "JSON input differs"
	# saddr,sport lines are target lines zsend reads back
	head -50 "$T/got2" | "$ZS_BIN/zsend" --dryrun -S 198.18.0.1 -b /dev/null | grep -c '^000000' >"$T/frames"
	expect_eq "re-probe frames" "$(cat "$T/frames")" 50
}

# Address keys are looked up some rows behind the parse (the bitmap words
# are prefetched): repeats far apart and close together, across read
# blocks of any size, and bad addresses among them, must still give the
# first row of each address in input order, as awk does.
# Rows wait in batches whose keys (an address, or a key's fields joined)
# are looked up together, by a second thread with -T 2, while the reader
# goes on to the next block: every row must be printed before the reader
# reuses the buffer it points into, in input order.
test_zfilter_address_dedup_across_blocks_matches_awk() {
	result_rows 5 400000 60000 >"$T/big.csv"
	awk -F, 'NR > 1 && $5 == 1 && $1 !~ /^300\./ {print $1 "," $2}' "$T/big.csv" |
		awk -F, '!seen[$1]++' >"$T/want"
	bad=$(awk -F, 'NR > 1 && $5 == 1 && $1 ~ /^300\./' "$T/big.csv" | wc -l)
	awk -F, 'NR > 1 && $5 == 1 {print $1 "," $2}' "$T/big.csv" | awk '!seen[$0]++' >"$T/want3"
	[ "$(wc -l <"$T/want3")" -gt 100000 ] || fail "too few pairs in the ground truth"
	awk -F, 'NR > 1 && $5 == 1 && $1 !~ /^300\./' "$T/big.csv" | awk -F, '!seen[$1]++' >"$T/want5"
	# in one thread, and with a second that deduplicates and prints
	for t in 1 2; do
		"$ZS_BIN/zfilter" -T $t -f saddr,sport -u saddr <"$T/big.csv" >"$T/got" 2>"$T/err" || true
		cmp -s "$T/got" "$T/want" || fail "-T $t from a file: $(diff "$T/got" "$T/want" | head -3)"
		grep -q "^zfilter: $bad bad lines skipped" "$T/err" ||
			fail "-T $t: want $bad bad lines reported: $(tail -1 "$T/err")"
		# through a pipe in odd-sized writes, so blocks end anywhere
		odd_writes "$T/big.csv" 7 | "$ZS_BIN/zfilter" -T $t -f saddr,sport -u saddr >"$T/got2" 2>/dev/null || true
		cmp -s "$T/got2" "$T/want" || fail "-T $t through a pipe: $(diff "$T/got2" "$T/want" | head -3)"
		# a key of two fields goes to the hash set: the same, from a file and a pipe
		"$ZS_BIN/zfilter" -T $t -f saddr,sport <"$T/big.csv" >"$T/got3"
		cmp -s "$T/got3" "$T/want3" || fail "-T $t pairs from a file: $(diff "$T/got3" "$T/want3" | head -3)"
		odd_writes "$T/big.csv" 8 | "$ZS_BIN/zfilter" -T $t -f saddr,sport >"$T/got4"
		cmp -s "$T/got4" "$T/want3" || fail "-T $t pairs through a pipe: $(diff "$T/got4" "$T/want3" | head -3)"
		# whole rows are split again to be printed, by the parsing thread
		odd_writes "$T/big.csv" 9 | "$ZS_BIN/zfilter" -T $t -u saddr -f '*' >"$T/got5" 2>/dev/null || true
		cmp -s "$T/got5" "$T/want5" || fail "-T $t whole rows: $(diff "$T/got5" "$T/want5" | head -3)"
	done
}

# An empty key is a key like any other, also as the first one (the hash
# set's arena does not exist until then).
test_zfilter_empty_key_values() {
	printf 'saddr,classification,success\n1.1.1.1,,1\n2.2.2.2,,1\n3.3.3.3,x,0\n4.4.4.4,x,1\n' >"$T/in"
	expect_eq "-u classification" "$("$ZS_BIN/zfilter" -a -u classification -f saddr <"$T/in" | tr '\n' ' ')" \
		"1.1.1.1 3.3.3.3 "
	expect_eq "-u classification,saddr" \
		"$("$ZS_BIN/zfilter" -u classification,saddr -f saddr <"$T/in" | tr '\n' ' ')" \
		"1.1.1.1 2.2.2.2 4.4.4.4 "
}

test_zfilter_rejects_bad_input() {
	printf 'saddr,sport,success\n1.1.1.1,80,1\n2.2.2.2,80\nnot-an-ip,80,1\n3.3.3.3,80,1\n' >"$T/in"
	rc=0
	"$ZS_BIN/zfilter" <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "exit" "$rc" 1
	expect_eq "good rows" "$(tr '\n' ' ' <"$T/out")" "1.1.1.1 3.3.3.3 "
	grep -q "stdin:3: wrong number of fields: '2.2.2.2,80'" "$T/err" || fail "$(cat "$T/err")"
	grep -q "stdin:4: saddr is not an IP address: 'not-an-ip,80,1'" "$T/err" || fail "$(cat "$T/err")"
	printf 'saddr,sport\n1.1.1.1,80\n' >"$T/nosucc"
	expect_error "no column 'success'" "$ZS_BIN/zfilter" <"$T/nosucc"
	expect_error "no column 'ttl'" "$ZS_BIN/zfilter" -u ttl <"$T/nosucc"
	rc=0
	printf 'saddr,success\n1.1.1.1,1\n' | "$ZS_BIN/zfilter" >/dev/full 2>/dev/null || rc=$?
	expect_eq "write to /dev/full" "$rc" 1
}

test_zfilter_where_matches_awk() {
	make_results 20000
	# each expression against the same selection done by awk; --no-dedup so
	# every passing row counts
	while read -r line; do
		expr=${line%% :: *}
		awkcond=${line#* :: }
		got=$("$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where "$expr" <"$T/res.csv" | md5sum)
		want=$(awk -F, "NR > 1 && ($awkcond) {print \$1 \",\" \$3}" "$T/res.csv" | md5sum)
		[ "$got" = "$want" ] || fail "--where '$expr' differs from awk '$awkcond'"
		n=$((${n:-0} + 1))
	done <<'CASES'
success = 1 :: $6 == 1
success = 1 && (sport = 80 || sport = 443) :: $6 == 1 && ($3 == 80 || $3 == 443)
!(sport = 8080) && classification = rst :: $3 != 8080 && $5 == "rst"
sport > 80 && sport <= 443 :: $3 > 80 && $3 <= 443
saddr < 198.18.100.0 :: $1 ~ /^198\.18\.([0-9]|[1-9][0-9])\./
classification != "synack" || sport >= 8080 :: $5 != "synack" || $3 >= 8080
CASES
	expect_eq "cases run" "$n" 6
	expect_error "--where: position 13: expected && or \|\| or the end" "$ZS_BIN/zfilter" --where 'success = 1 & sport = 80' <"$T/res.csv"
	expect_error "--where: no column 'ttl' in the input" "$ZS_BIN/zfilter" --where 'ttl > 3' <"$T/res.csv"
	expect_error "-a and --where exclude each other" "$ZS_BIN/zfilter" -a --where 'ttl > 3'
	expect_error "-O: 'xml' is not text, csv, json, zgrab2 or lzr" "$ZS_BIN/zfilter" -O xml
}

test_zfilter_fields_and_formats_both_ways() {
	make_results 3000
	# -f picks and orders fields; the key is those fields
	"$ZS_BIN/zfilter" -f sport,saddr <"$T/res.csv" >"$T/got"
	awk -F, 'NR > 1 && $6 == 1 {print $3 "," $1}' "$T/res.csv" | awk '!seen[$0]++' >"$T/want"
	cmp -s "$T/got" "$T/want" || fail "-f sport,saddr"
	# -u saddr with all fields: the first success row of each host
	"$ZS_BIN/zfilter" -u saddr -f '*' -O csv <"$T/res.csv" >"$T/first.csv"
	{ head -1 "$T/res.csv"; awk -F, 'NR > 1 && $6 == 1 && !seen[$1]++' "$T/res.csv"; } >"$T/want.csv"
	cmp -s "$T/first.csv" "$T/want.csv" || fail "-u saddr -f '*' -O csv: $(diff "$T/first.csv" "$T/want.csv" | head -3)"
	# CSV -> JSON -> CSV gives the CSV back; JSON values are typed by the
	# schema, booleans as zrecv writes them
	"$ZS_BIN/zfilter" -a --no-dedup -f '*' -O json <"$T/res.csv" >"$T/all.json"
	expect_eq "json line" "$(sed -n 1p "$T/all.json")" \
		"$(awk -F, 'function b(v) { return v == 1 ? "true" : "false" }
		NR == 2 {printf "{\"saddr\":\"%s\",\"daddr\":\"%s\",\"sport\":%s,\"dport\":%s,\"classification\":\"%s\",\"success\":%s,\"repeat\":%s}", $1, $2, $3, $4, $5, b($6), b($7)}' "$T/res.csv")"
	python3 -c 'import json, sys
for line in open(sys.argv[1]): json.loads(line)' "$T/all.json" || fail "not JSON"
	"$ZS_BIN/zfilter" -a --no-dedup -f '*' -O csv <"$T/all.json" >"$T/back.csv"
	cmp -s "$T/back.csv" "$T/res.csv" || fail "CSV -> JSON -> CSV: $(diff "$T/back.csv" "$T/res.csv" | head -3)"
	# zrecv's JSON booleans pass the default filter
	"$ZS_BIN/zfilter" -f saddr <"$T/all.json" | cmp -s - <("$ZS_BIN/zfilter" <"$T/res.csv") || fail "JSON success filter"
}

# An address key keeps a row's output values until its batch is settled, or
# its line when there are more than four: JSON lines whose names move from
# line to line must print the values of their own line either way.
test_zfilter_address_key_json_names_that_move() {
	make_results 6000
	python3 - "$T/res.csv" "$T/moved.json" "$T/want2" "$T/want5" <<'PY'
import csv, json, random, sys
r = random.Random(5)
rows = list(csv.DictReader(open(sys.argv[1])))
seen, two, five = set(), [], []
with open(sys.argv[2], "w") as out:
    for row in rows:
        obj = {"saddr": row["saddr"], "daddr": row["daddr"], "sport": int(row["sport"]),
               "dport": int(row["dport"]), "classification": row["classification"],
               "success": row["success"] == "1", "repeat": False}
        names = list(obj)
        r.shuffle(names)
        out.write(json.dumps({k: obj[k] for k in names}, separators=(",", ":")) + "\n")
        if obj["success"] and obj["saddr"] not in seen:
            seen.add(obj["saddr"])
            two.append("%s,%s" % (obj["sport"], obj["saddr"]))
            five.append("%s,%s,%s,%s,%s" % (obj["classification"], obj["dport"], obj["sport"],
                                            obj["daddr"], obj["saddr"]))
open(sys.argv[3], "w").write("".join(l + "\n" for l in two))
open(sys.argv[4], "w").write("".join(l + "\n" for l in five))
PY
	[ "$(wc -l <"$T/want2")" -gt 1000 ] || fail "too few hosts in the ground truth"
	"$ZS_BIN/zfilter" -u saddr -f sport,saddr <"$T/moved.json" >"$T/got2"
	cmp -s "$T/got2" "$T/want2" || fail "two fields: $(diff "$T/got2" "$T/want2" | head -3)"
	"$ZS_BIN/zfilter" -u saddr -f classification,dport,sport,daddr,saddr <"$T/moved.json" >"$T/got5"
	cmp -s "$T/got5" "$T/want5" || fail "five fields: $(diff "$T/got5" "$T/want5" | head -3)"
}

# Rows from a live scan come out as they are found: zfilter writes what it
# has whenever its next read would wait, not only when 1 MiB is full.
test_zfilter_prints_rows_as_they_come() {
	expect_output_while_input_waits $'saddr,sport,success\n1.1.1.1,80,1\n' $'2.2.2.2,80,1\n' \
		"1.1.1.1" "1.1.1.1 2.2.2.2 " "$ZS_BIN/zfilter"
}

# Keys compare whole: values that share their first 128 bytes, or whose
# bytes could join alike (a separator inside a value), stay apart; a key
# over the stated limit is a bad line naming it, never merged.
test_zfilter_long_and_tricky_keys_stay_apart() {
	local a
	a=$(printf 'ab%.0s' $(seq 64))
	printf 'saddr,data,success\n1.1.1.1,%s01,1\n1.1.1.1,%s02,1\n1.1.1.1,%s01,1\n' "$a" "$a" "$a" |
		"$ZS_BIN/zfilter" -a -u saddr,data -f data >"$T/out"
	expect_eq "long keys" "$(sed 's/^\(ab\)*//' "$T/out" | tr '\n' ' ')" "01 02 "
	printf 'a,b,success\nx\037y,z,1\nx,y\037z,1\nx\037y,z,1\n' | "$ZS_BIN/zfilter" -a -u a,b -f a,b >"$T/out"
	expect_eq "keys with the old separator inside" "$(wc -l <"$T/out")" 2
	for t in 1 2; do
		python3 -c 'print("k,success"); print("x" * 5000 + ",1"); print("y,1")' >"$T/in"
		local rc=0
		"$ZS_BIN/zfilter" -T $t -a -u k -f k <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
		expect_eq "exit, a key over the limit (-T $t)" "$rc" 1
		expect_eq "the other row (-T $t)" "$(cat "$T/out")" y
		grep -q "^zfilter: stdin:2: a key of 5002 bytes is over the limit of 4095: 'xxx" "$T/err" ||
			fail "message: $(head -1 "$T/err")"
	done
	# invisible bytes in a bad line are shown escaped
	printf 'a,b,success\n\001x\000y\n' | "$ZS_BIN/zfilter" -a -u a,b 2>"$T/err" >/dev/null || true
	expect_eq "escaped" "$(head -1 "$T/err")" "zfilter: stdin:2: wrong number of fields: '\\x01x\\x00y'"
}

# Numbers in --where are whole decimal integers in -2^63..2^64-1 or the
# expression is refused (exit 2, one line naming the position, nothing on
# stdout), never compared as bytes; quoted they are text. A field that is
# not such an integer is not a number for its row, never a prefix of one
# or a wrapped value.
test_zfilter_where_numbers_are_strict() {
	printf 'saddr,sport,success\n198.51.100.7,80,1\n198.51.100.8,443,1\n198.51.100.9,8080,1\n' >"$T/in.csv"
	local rc expr want
	while IFS='|' read -r expr want; do
		expect_error "^zfilter: --where: position $want" "$ZS_BIN/zfilter" --where "$expr" <"$T/in.csv"
		rc=0
		"$ZS_BIN/zfilter" --where "$expr" <"$T/in.csv" >/dev/null 2>&1 || rc=$?
		expect_eq "exit of --where '$expr'" "$rc" 2
	done <<'CASES'
sport > 1e3|9: '1e3' is not an integer \(write "1e3" in quotes to compare it as text\)$
sport > 0x10|9: '0x10' is not an integer \(write "0x10" in quotes to compare it as text\)$
sport >= 1000x|10: '1000x' is not an integer \(write "1000x" in quotes to compare it as text\)$
sport > 99999999999999999999|9: '99999999999999999999' is out of range \(at most 18446744073709551615\)$
sport = 18446744073709551616|9: '18446744073709551616' is out of range \(at most 18446744073709551615\)$
sport > -9223372036854775809|9: '-9223372036854775809' is out of range \(at least -9223372036854775808\)$
sport = 080|9: '080' is not an integer: it has a leading zero \(write "080" in quotes to compare it as text\)$
success = 1 && sport > .5|24: '.5' is not an integer \(write ".5" in quotes to compare it as text\)$
saddr = 198.51.100.07|9: '198.51.100.07' is not an integer or an IPv4 address
CASES
	where_rows() { "$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where "$1" <"$2" | tr '\n' ' '; }
	expect_eq "the top of the range" "$(where_rows 'sport <= 18446744073709551615' "$T/in.csv")" \
		"198.51.100.7,80 198.51.100.8,443 198.51.100.9,8080 "
	expect_eq "0 and -0" "$(where_rows 'sport > 0 && sport > -0' "$T/in.csv")" \
		"198.51.100.7,80 198.51.100.8,443 198.51.100.9,8080 "
	expect_eq "an address" "$(where_rows 'saddr = 198.51.100.7' "$T/in.csv")" "198.51.100.7,80 "
	expect_eq "an address range" "$(where_rows 'saddr > 198.51.100.7 && saddr < 198.51.100.10' "$T/in.csv")" \
		"198.51.100.8,443 198.51.100.9,8080 "
	expect_eq "quoted: text" "$(where_rows 'sport < "5"' "$T/in.csv")" "198.51.100.8,443 "
	# fields that are not integers, in CSV and as JSON numbers
	printf 'saddr,sport,success\n1.0.0.1,80x,1\n1.0.0.2,1e3,1\n1.0.0.3,99999999999999999999,1\n1.0.0.4,18446744073709551696,1\n1.0.0.5,080,1\n1.0.0.6,+80,1\n1.0.0.7,18446744073709551615,1\n1.0.0.8,80,1\n1.0.0.9,-9223372036854775808,1\n' >"$T/f.csv"
	expect_eq "CSV fields >= 0" "$(where_rows 'sport >= 0' "$T/f.csv")" "1.0.0.7,18446744073709551615 1.0.0.8,80 "
	expect_eq "CSV fields = 80" "$(where_rows 'sport = 80' "$T/f.csv")" "1.0.0.8,80 "
	expect_eq "CSV fields < 0" "$(where_rows 'sport < 0' "$T/f.csv")" "1.0.0.9,-9223372036854775808 "
	expect_eq "CSV fields != 80" "$(where_rows 'sport != 80' "$T/f.csv" | wc -w)" 8
	printf '{"saddr":"2.0.0.1","sport":1e3}\n{"saddr":"2.0.0.2","sport":80.0}\n{"saddr":"2.0.0.3","sport":18446744073709551696}\n{"saddr":"2.0.0.4","sport":80}\n{"saddr":"2.0.0.5","sport":8e1}\n' >"$T/f.json"
	expect_eq "JSON numbers >= 0" "$(where_rows 'sport >= 0' "$T/f.json")" "2.0.0.4,80 "
	expect_eq "JSON numbers = 80" "$(where_rows 'sport = 80' "$T/f.json")" "2.0.0.4,80 "
}

# A line may be 1 MiB (1,048,576 bytes, its newline not counted, a CR
# counted): one of exactly that passes whole, out through the 1 MiB output
# buffer; one byte more is a bad line, whether it comes whole in one read
# or in pieces through a pipe, and the rows after it are filtered.
test_zfilter_values_up_to_the_line_limit_pass_whole() {
	python3 -c '
import sys
w = sys.stdout.write
w("a,success\n"); w("x" * (1048576 - 2) + ",1\n"); w("y,1\n")
w("z" * (1048576 - 1) + ",1\n"); w("w,1\r\n"); w("v" * (1048576 - 3) + ",1\r\n"); w("u" * (1048576 - 2) + ",1\r\n"); w("t,1\n")' >"$T/in"
	local t how rc
	for t in 1 2; do
		for how in file pipe; do
			rc=0
			if [ $how = file ]; then
				"$ZS_BIN/zfilter" -T $t -a --no-dedup -f a <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
			else
				odd_writes "$T/in" $t | "$ZS_BIN/zfilter" -T $t -a --no-dedup -f a >"$T/out" 2>"$T/err" || rc=$?
			fi
			expect_eq "-T $t $how: exit" "$rc" 1
			expect_eq "-T $t $how: rows" "$(cut -c1-3 "$T/out" | tr '\n' ' ')" "xxx y w vvv t "
			expect_eq "-T $t $how: bytes" "$(wc -c <"$T/out")" $((1048574 + 1 + 2 + 2 + 1048573 + 1 + 2))
			expect_eq "-T $t $how: messages" "$(sed -E "s/'([a-z])\1+'$/'\1...'/" "$T/err")" "zfilter: stdin:4: a line over the limit of 1048576 bytes: 'z...'
zfilter: stdin:7: a line over the limit of 1048576 bytes: 'u...'
zfilter: 2 bad lines skipped (of 7)"
		done
	done
	"$ZS_BIN/zfilter" -a --no-dedup -f '*' -O csv <"$T/in" 2>/dev/null | cmp -s - <(sed -e 4d -e 7d -e 's/\r$//' "$T/in") ||
		fail "CSV back differs"
}

# $T/conv.py: the conversion rules written out independently of zfilter,
# on bytes: RFC 4180 fields quoted only where they must be, RFC 8259
# strings with the short escapes and \u00XX, bytes over 0x7f as they are,
# and JSON types from the schema's kinds (common/core/schema/fields.c) or, for
# other names, digits alone and true/false bare.
conv_helpers() {
	cat >"$T/conv.py" <<'PY'
import random, re
KINDS = dict(saddr="addr", daddr="addr", sport="uint", dport="uint", seqnum="uint",
             acknum="uint", window="uint", type="uint", code="uint", icmp_id="uint", seq="uint",
             ttl="uint", ipid="uint", icmp_responder="addr", icmp_type="uint", icmp_code="uint",
             udp_pkt_size="uint", data="hex", sent_timestamp_ts="uint", sent_timestamp_us="uint",
             rtt_us="uint", classification="str", success="bool", repeat="bool", cooldown="bool",
             timestamp_ts="uint", timestamp_us="uint", timestamp_str="time")
FIELDS = list(KINDS)  # zrecv's -f '*' order

def csv_field(v, alone=False):
    if any(c in v for c in b',"\r\n') or (alone and v == b""):
        return b'"' + v.replace(b'"', b'""') + b'"'
    return v

def csv_line(vals):
    return b",".join(csv_field(v, len(vals) == 1) for v in vals) + b"\n"

SHORT = {0x22: b'\\"', 0x5c: b"\\\\", 8: b"\\b", 12: b"\\f", 10: b"\\n", 13: b"\\r", 9: b"\\t"}

ESC = [SHORT.get(c, b"\\u%04x" % c if c < 0x20 else bytes([c])) for c in range(256)]

def json_str(v):
    return b'"' + b"".join(ESC[c] for c in v) + b'"'

def is_uint(v):
    return re.fullmatch(rb"0|[1-9][0-9]*", v) is not None

def json_value(name, v):  # a CSV value as zfilter writes it in JSON
    k = KINDS.get(name.decode())
    if k == "uint" and is_uint(v):
        return v
    if k == "bool" and v in (b"1", b"0"):
        return b"true" if v == b"1" else b"false"
    if k == "bool" and v in (b"true", b"false"):
        return v
    if k is None and (is_uint(v) or v in (b"true", b"false")):
        return v
    return json_str(v)

def json_line(names, vals):
    return b"{" + b",".join(json_str(n) + b":" + json_value(n, v) for n, v in zip(names, vals)) + b"}\n"

def zrecv_rows(n, seed):  # rows of every field, as zrecv's CSV has them
    r = random.Random(seed)
    rows = []
    for i in range(n):
        row = []
        for f in FIELDS:
            k = KINDS[f]
            if k == "addr":
                v = "" if f == "icmp_responder" and i % 3 else "%d.%d.%d.%d" % tuple(r.randrange(256) for _ in range(4))
            elif k == "uint":
                v = str(r.choice((0, 1, 80, 65535, 4294967295, r.randrange(10**6))))
            elif k == "bool":
                v = str(r.randrange(2))
            elif k == "hex":
                v = ["", "1234", "0", "00ff", "deadbeef", "0123456789"][i % 6]
            elif k == "str":
                v = r.choice(("synack", "rst", "echoreply", "udp", "port-unreachable"))
            else:
                v = "2026-11-21T10:%02d:%02d.%06dZ" % (r.randrange(60), r.randrange(60), r.randrange(10**6))
            row.append(v.encode())
        rows.append(row)
    return rows
PY
}

# zrecv's own output, every field of the schema (hex data that is all
# digits, "1234", stays a string; an empty icmp_responder; booleans 1/0
# and true/false), converts to the other format exactly as zrecv would
# have written it, and back byte for byte, in one thread and two, with
# dedup and without. Values holding , " CR LF, backslashes, control bytes
# and bytes over 0x7f go round CSV -> JSON -> CSV and JSON -> CSV -> JSON
# unchanged, and what zfilter writes reads back with Python's csv and json
# modules to the same values.
test_zfilter_csv_json_round_trip() {
	conv_helpers
	python3 - "$T" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from conv import *
T = sys.argv[1]
rows = zrecv_rows(3000, 7)
with open(T + "/z.csv", "wb") as c, open(T + "/z.json", "wb") as j:
    c.write(",".join(FIELDS).encode() + b"\n")
    for row in rows:
        c.write(b",".join(row) + b"\n")
        j.write(json_line([f.encode() for f in FIELDS], row))
tricky = [b"a,b", b'say "hi"', b"cr\rhere", b"lf\nhere", b"crlf\r\n", b"\\back\\slash", b"tab\there",
          b"\x01ctl\x1f", "é€😀".encode(), b"\xff\xfe raw", b"", b",", b'"', b'""', b" spaced ",
          b"1234", b"true", b"007", b"\x7f"]
names = [b"saddr", b"note", b"data", b"sport", b"success"]
with open(T + "/t.csv", "wb") as c, open(T + "/t.json", "wb") as j, open(T + "/t.vals", "w") as v:
    c.write(csv_line(names))
    for i, t in enumerate(tricky):
        row = [b"10.0.0.%d" % i, t, tricky[-1 - i], b"%d" % i, b"1"]
        c.write(csv_line(row))
        j.write(json_line(names, row))
        v.write(repr(row) + "\n")
PY
	local t opts
	for t in 1 2; do
		for opts in "--no-dedup" "-u saddr" "-u saddr,sport"; do
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O json <"$T/z.csv" >"$T/j" || fail "exit $? ($opts)"
			cmp -s "$T/j" "$T/z.json" || fail "-T $t $opts: zrecv CSV -> JSON is not zrecv's JSON: $(diff "$T/j" "$T/z.json" | head -3)"
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O csv <"$T/j" >"$T/c" || fail "exit $?"
			cmp -s "$T/c" "$T/z.csv" || fail "-T $t $opts: zrecv CSV -> JSON -> CSV: $(diff "$T/c" "$T/z.csv" | head -3)"
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O csv <"$T/z.json" >"$T/c2" || fail "exit $?"
			cmp -s "$T/c2" "$T/z.csv" || fail "-T $t $opts: zrecv JSON -> CSV is not zrecv's CSV: $(diff "$T/c2" "$T/z.csv" | head -3)"
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O json <"$T/c2" | cmp -s - "$T/z.json" ||
				fail "-T $t $opts: zrecv JSON -> CSV -> JSON differs"
			# and the same format back out as it came
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O csv <"$T/z.csv" | cmp -s - "$T/z.csv" || fail "CSV -> CSV"
			"$ZS_BIN/zfilter" -T $t -a $opts -f '*' -O json <"$T/z.json" | cmp -s - "$T/z.json" || fail "JSON -> JSON"
		done
		# the values that need quoting and escaping, through a pipe in odd pieces
		odd_writes "$T/t.csv" $t | "$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O json >"$T/tj" ||
			fail "tricky CSV -> JSON: exit $?"
		cmp -s "$T/tj" "$T/t.json" || fail "-T $t: tricky CSV -> JSON: $(diff <(od -c "$T/tj") <(od -c "$T/t.json") | head -5)"
		"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O csv <"$T/tj" >"$T/tc" || fail "tricky JSON -> CSV: exit $?"
		cmp -s "$T/tc" "$T/t.csv" || fail "-T $t: tricky CSV -> JSON -> CSV: $(diff <(od -c "$T/tc") <(od -c "$T/t.csv") | head -5)"
		"$ZS_BIN/zfilter" -T $t -a -u saddr -f '*' -O csv <"$T/t.json" | cmp -s - "$T/t.csv" ||
			fail "-T $t: tricky JSON -> CSV"
		"$ZS_BIN/zfilter" -T $t -a -u saddr -f '*' -O json <"$T/t.csv" | cmp -s - "$T/t.json" ||
			fail "-T $t: tricky CSV -> JSON, deduplicated"
	done
	# what zfilter wrote reads back, with tools that are not zfilter, to the values
	python3 - "$T" <<'PY' || fail "Python reads other values back"
import csv, io, json, sys
T = sys.argv[1]
want = [eval(l) for l in open(T + "/t.vals")]
got = list(csv.reader(io.StringIO(open(T + "/tc", "rb").read().decode("utf-8", "surrogateescape"), newline="")))
assert got[0] == ["saddr", "note", "data", "sport", "success"], got[0]
for g, w in zip(got[1:], want):
    assert [x.encode("utf-8", "surrogateescape") for x in g] == w, (g, w)
assert len(got) == len(want) + 1
for line, w in zip(open(T + "/tj", "rb"), want):
    o = json.loads(line.decode("utf-8", "surrogateescape"))
    assert list(o) == ["saddr", "note", "data", "sport", "success"], o
    n = o["note"]  # a string, or (digits alone, true) a number or a boolean
    assert (n.encode("utf-8", "surrogateescape") if isinstance(n, str) else json.dumps(n).encode()) == w[1], (o, w)
    assert isinstance(n, str) or w[1] in (b"1234", b"true"), (o, w)
    assert isinstance(o["sport"], int) and o["success"] is True and isinstance(o["data"], str)
PY
}

# Converting JSON lines to CSV (or text) with -f '*' takes the columns from
# the first good line, in its order, and places each later row's values by
# name, wherever they sit in its line; CSV to JSON names each value by its
# column and types it by the schema.
test_zfilter_conversions_map_by_name() {
	local rc t
	printf '{"saddr":"1.1.1.2","success":true}\n{"success":true,"saddr":"1.1.1.3"}\n' >"$T/in"
	rc=0
	"$ZS_BIN/zfilter" -a -f '*' -O csv <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "names that move: exit" "$rc" 0
	expect_eq "names that move" "$(cat "$T/out")" $'saddr,success\n1.1.1.2,1\n1.1.1.3,1'
	[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
	expect_eq "as text" "$("$ZS_BIN/zfilter" -a -f '*' <"$T/in")" $'1.1.1.2,1\n1.1.1.3,1'
	# many lines, every order of their names, against Python placing them by name
	conv_helpers
	python3 - "$T" <<'PY'
import sys, random; sys.path.insert(0, sys.argv[1]); from conv import *
T = sys.argv[1]
r = random.Random(11)
names = [b"saddr", b"sport", b"classification", b"note", b"success", b"ttl"]
with open(T + "/m.json", "wb") as j, open(T + "/m.csv", "wb") as c, open(T + "/m1.csv", "wb") as c1:
    c.write(csv_line(names)); c1.write(csv_line(names))
    seen = set()
    for i in range(5000):
        vals = {b"saddr": b"10.1.%d.%d" % (r.randrange(4), r.randrange(256)), b"sport": b"%d" % r.choice((80, 443)),
                b"classification": r.choice((b"synack", b"rst")), b"note": r.choice((b"x,y", b'q"q', b"plain", b"")),
                b"success": r.choice((b"1", b"0")), b"ttl": b"%d" % r.randrange(256)}
        order = names[:] if i == 0 else r.sample(names, len(names))
        j.write(json_line(order, [vals[n] for n in order]))
        c.write(csv_line([vals[n] for n in names]))
        if vals[b"saddr"] not in seen:
            seen.add(vals[b"saddr"]); c1.write(csv_line([vals[n] for n in names]))
PY
	for t in 1 2; do
		odd_writes "$T/m.json" $t | "$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O csv >"$T/got" ||
			fail "-T $t: exit $?"
		cmp -s "$T/got" "$T/m.csv" || fail "-T $t: by name: $(diff "$T/got" "$T/m.csv" | head -3)"
		"$ZS_BIN/zfilter" -T $t -a -u saddr -f '*' -O csv <"$T/m.json" | cmp -s - "$T/m1.csv" ||
			fail "-T $t: by name, deduplicated"
		"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' <"$T/m.json" | cmp -s - <(tail -n +2 "$T/m.csv") ||
			fail "-T $t: by name, as text"
		# and back: each JSON line in the columns' order
		"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O json <"$T/m.csv" |
			"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O csv | cmp -s - "$T/m.csv" || fail "-T $t: back"
	done
	# whole rows compare by name: the same row with its names moved is a
	# repeat; going out as JSON with their own names, rows whose names
	# differ are not
	printf '{"a":"1","b":"2"}\n{"b":"2","a":"1"}\n' | "$ZS_BIN/zfilter" -a -f '*' -O csv >"$T/out"
	expect_eq "a repeat with its names moved" "$(cat "$T/out")" $'a,b\n1,2'
	printf '{"a":"1"}\n{"b":"1"}\n{"a":"1"}\n' | "$ZS_BIN/zfilter" -a -f '*' -O json >"$T/out"
	expect_eq "other names, the same value" "$(cat "$T/out")" $'{"a":"1"}\n{"b":"1"}'
	# the first line bad: the columns (and the CSV header) come from the first good one
	for first in '{not json' '{"saddr":"9.9.9.9","x":{"nested":1,}}' '{"saddr":' '{"saddr":"9.9.9.9",}'; do
		printf '%s\n{"success":false,"saddr":"1.1.1.1"}\n{"saddr":"2.2.2.2","success":true}\n' "$first" >"$T/in"
		rc=0
		"$ZS_BIN/zfilter" -a -f '*' -O csv <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
		expect_eq "first line '$first': exit" "$rc" 1
		expect_eq "first line '$first'" "$(cat "$T/out")" $'success,saddr\n0,1.1.1.1\n1,2.2.2.2'
		grep -q "^zfilter: stdin:1: " "$T/err" || fail "first line '$first': $(cat "$T/err")"
		grep -q "^zfilter: 1 bad line skipped (of 3)" "$T/err" || fail "summary: $(cat "$T/err")"
		# named fields: the header is there too
		"$ZS_BIN/zfilter" -a -f saddr,success -O csv <"$T/in" >"$T/out" 2>/dev/null || true
		expect_eq "first line '$first', -f saddr,success" "$(cat "$T/out")" $'saddr,success\n1.1.1.1,0\n2.2.2.2,1'
	done
	# CSV to JSON: the schema's kinds; other names: digits alone and
	# true/false bare, the rest strings (007 is no JSON number)
	printf 'saddr,sport,success,data,icmp_responder,note,flag,zip,neg\n1.2.3.4,80,1,1234,,42,true,007,-1\n5.6.7.8,x,yes,00,,0,TRUE,,1.5\n' >"$T/in"
	expect_eq "kinds" "$("$ZS_BIN/zfilter" -a -f '*' -O json <"$T/in")" \
		'{"saddr":"1.2.3.4","sport":80,"success":true,"data":"1234","icmp_responder":"","note":42,"flag":true,"zip":"007","neg":"-1"}
{"saddr":"5.6.7.8","sport":"x","success":"yes","data":"00","icmp_responder":"","note":0,"flag":"TRUE","zip":"","neg":"1.5"}'
	expect_eq "named fields, their kinds" "$("$ZS_BIN/zfilter" -a -f data,sport,success -O json <"$T/in")" \
		'{"data":"1234","sport":80,"success":true}
{"data":"00","sport":"x","success":"yes"}'
	# JSON to CSV: a schema boolean as 1/0, another name's true as it is;
	# JSON to JSON keeps each value's type
	printf '{"saddr":"1.2.3.4","success":false,"repeat":true,"flag":true,"n":-1.5e3,"s":"80"}\n' >"$T/in"
	expect_eq "booleans" "$("$ZS_BIN/zfilter" -a -f '*' -O csv <"$T/in")" $'saddr,success,repeat,flag,n,s\n1.2.3.4,0,1,true,-1.5e3,80'
	expect_eq "JSON to JSON" "$("$ZS_BIN/zfilter" -a -f '*' -O json <"$T/in")" "$(cat "$T/in")"
	expect_eq "JSON to JSON, named" "$("$ZS_BIN/zfilter" -a -f s,n,repeat -O json <"$T/in")" '{"s":"80","n":-1.5e3,"repeat":true}'
}

# A row the output cannot hold is a bad line, named with its line number
# and what is wrong, skipped, and the exit status is 1; the rows around it
# are printed, in one thread and in two alike.
test_zfilter_unrepresentable_rows_are_errors() {
	local rc t fmt rows
	cat >"$T/in" <<'IN'
{"saddr":"1.1.1.1","sport":80,"success":true}
{"saddr":"1.1.1.2","sport":80,"success":true,"extra":1}
{"sport":80,"success":true}
{"saddr":"1.1.1.3","sport":80,"success":true,"sport":81}
{"saddr":"1.1.1.4","sport":{"n":80,},"success":true}
{"saddr":"1.1.1.5","sport":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[80]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"success":true}
{"saddr":"1.1.1.6","sport":null,"success":true}
{}
{"saddr":"1.1.1.7","sport":80,"success":true}
{"saddr":"1.1.1.8","sport":80,"success":true
{"saddr":"1.1.1.9","sport":80,"success":tru}
{"saddr":"1.1.\ud800","sport":80,"success":true}
{"success":false,"sport":443,"saddr":"1.1.1.10"}
IN
	cat >"$T/want.err" <<'ERR'
zfilter: stdin:2: field 'extra' is not among the columns, which the first line named: '{"saddr":"1.1.1.2","sport":80,"success":true,"extra":1}'
zfilter: stdin:3: missing field 'saddr', a column the first line named: '{"sport":80,"success":true}'
zfilter: stdin:5: not a JSON object (at byte 36): '{"saddr":"1.1.1.4","sport":{"n":80,},"success":true}'
zfilter: stdin:6: field 'sport' nests arrays or objects deeper than 32 levels: '{"saddr":"1.1.1.5","sport":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[80]]]]]]]]]]]]]]]]]]'
zfilter: stdin:7: field 'sport' is null, which CSV cannot tell from an empty value: '{"saddr":"1.1.1.6","sport":null,"success":true}'
zfilter: stdin:8: an object with no fields, which a CSV row cannot hold: '{}'
zfilter: stdin:10: not a JSON object (it ends too soon): '{"saddr":"1.1.1.8","sport":80,"success":true'
zfilter: stdin:11: not a JSON object (at byte 41): '{"saddr":"1.1.1.9","sport":80,"success":tru}'
zfilter: stdin:12: a \u escape of half a UTF-16 surrogate pair at byte 15: '{"saddr":"1.1.\\ud800","sport":80,"success":true}'
zfilter: 9 bad lines skipped (of 13)
ERR
	for t in 1 2; do
		for fmt in csv text; do
			rc=0
			"$ZS_BIN/zfilter" -T $t -a -f '*' -O $fmt <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
			expect_eq "-T $t -O $fmt: exit" "$rc" 1
			rows=$'1.1.1.1,80,1\n1.1.1.3,81,1\n1.1.1.7,80,1\n1.1.1.10,443,0'
			[ $fmt = text ] || rows=$'saddr,sport,success\n'$rows
			expect_eq "-T $t -O $fmt: rows" "$(cat "$T/out")" "$rows"
			cmp -s "$T/err" "$T/want.err" || fail "-T $t -O $fmt: messages: $(diff "$T/err" "$T/want.err")"
		done
	done
	# JSON to JSON: lines keep their own names, extra or missing; JSON
	# that is bad inside a nested value, or nests too deeply, is still
	# refused
	rc=0
	"$ZS_BIN/zfilter" -a -f '*' -O json <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "JSON out: exit" "$rc" 1
	expect_eq "JSON out: rows" "$(wc -l <"$T/out")" 8
	grep -q "^zfilter: stdin:6: field 'sport' nests arrays or objects deeper than 32" "$T/err" || fail "$(cat "$T/err")"
	grep -q "^zfilter: 5 bad lines skipped (of 13)" "$T/err" || fail "$(tail -1 "$T/err")"
	# named fields: the one missing is named
	rc=0
	printf '{"saddr":"1.1.1.1","sport":80}\n{"saddr":"1.1.1.2"}\n' |
		"$ZS_BIN/zfilter" -a -f saddr,sport -O csv >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "a named field missing: exit" "$rc" 1
	expect_eq "a named field missing" "$(head -1 "$T/err")" "zfilter: stdin:2: missing field 'sport': '{\"saddr\":\"1.1.1.2\"}'"
	# names with invisible bytes are shown escaped in the message
	printf '{"a\\u0001":1}\n{"b\\n":1}\n' | "$ZS_BIN/zfilter" -a -f '*' -O csv >/dev/null 2>"$T/err" || true
	expect_eq "an escaped name" "$(head -1 "$T/err")" \
		"zfilter: stdin:2: field 'b\\x0a' is not among the columns, which the first line named: '{\"b\\\\n\":1}'"
	# CSV that breaks RFC 4180's quoting, line numbers counting the lines
	# inside a quoted field: a bad record over lines 7-8 is named by its
	# range; a quote that never closes loses its line alone, and the next
	# line is read as a row
	printf 'a,b,success\n"x\ny",1,1\nab"c,2,1\n"q"r,3,1\n4,"four",1\n"m\nn"x,7,1\n5,"open,1\n6,6,1\n' >"$T/in"
	for t in 1 2; do
		rc=0
		"$ZS_BIN/zfilter" -T $t -a -f '*' -O json <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
		expect_eq "CSV -T $t: exit" "$rc" 1
		expect_eq "CSV -T $t: rows" "$(cat "$T/out")" '{"a":"x\ny","b":1,"success":true}
{"a":4,"b":"four","success":true}
{"a":6,"b":6,"success":true}'
		expect_eq "CSV -T $t: messages" "$(cat "$T/err")" "zfilter: stdin:4: a double quote in field 1, which is not quoted: 'ab\"c,2,1'
zfilter: stdin:5: text after the closing quote of field 1: '\"q\"r,3,1'
zfilter: stdin:7-8: text after the closing quote of field 1: '\"m\\x0an\"x,7,1'
zfilter: stdin:9: field 2 opens a quote that does not close (read on from the next line): '5,\"open,1'
zfilter: 4 bad lines skipped (of 7)"
	done
}

# CSV is read as RFC 4180 has it: a quoted field may hold commas, doubled
# quotes, CR and LF (a record then spans lines, and blocks of the input),
# and means the same as the field unquoted: for the key, --where and the
# output. CRLF line ends are taken off, a CR inside quotes is kept.
test_zfilter_reads_csv_per_rfc4180() {
	local t rc
	printf '"saddr","so,rt",note,success\r\n"1.1.1.1",80,"a,b",1\r\n1.1.1.1,81,x,1\r\n2.2.2.2,"80","cr\r\nlf",1\r\n' >"$T/in"
	expect_eq "quoted header and fields" "$("$ZS_BIN/zfilter" -a --no-dedup -f '*' -O json <"$T/in")" \
		'{"saddr":"1.1.1.1","so,rt":80,"note":"a,b","success":true}
{"saddr":"1.1.1.1","so,rt":81,"note":"x","success":true}
{"saddr":"2.2.2.2","so,rt":80,"note":"cr\r\nlf","success":true}'
	expect_eq "a quoted address is the address" "$("$ZS_BIN/zfilter" <"$T/in" | tr '\n' ' ')" "1.1.1.1 2.2.2.2 "
	printf 'saddr,sport,note,success\n1.1.1.1,80,x,1\n"1.1.1.1","80",x,1\n1.1.1.1,"80","x",1\n' >"$T/in2"
	expect_eq "quoted and not, one key" "$("$ZS_BIN/zfilter" -u saddr,sport,note -f '*' <"$T/in2")" "1.1.1.1,80,x,1"
	expect_eq "--where on a quoted value" \
		"$("$ZS_BIN/zfilter" --no-dedup --where 'note = "a,b"' -f saddr,note <"$T/in")" '1.1.1.1,"a,b"'
	# many records across blocks of any size: plain ones first, then ones
	# with quotes and line breaks, some of up to 99 lines and 1 MiB
	conv_helpers
	python3 - "$T" <<'PY'
import sys, random; sys.path.insert(0, sys.argv[1]); from conv import *
T = sys.argv[1]
r = random.Random(5)
names = [b"saddr", b"note", b"success"]
def note(i):
    if i < 20000 or r.random() < 0.5:
        return b"n%d" % r.randrange(500)
    if r.random() < 0.0005:  # up to the bounds: 100 lines, 1 MiB
        return (b"big" * r.randrange(100, 3400) + b"\n") * r.randrange(20, 99)
    return bytes(r.choice(b'ab,"\n\r ') for _ in range(r.randrange(12)))
with open(T + "/r.csv", "wb") as c, open(T + "/r.json", "wb") as j, open(T + "/r.key", "wb") as k:
    c.write(csv_line(names))
    seen, over = set(), 0
    for i in range(40000):
        row = [b"10.2.%d.%d" % (r.randrange(8), r.randrange(256)), note(i), b"1"]
        c.write(csv_line(row))
        j.write(json_line(names, row))
        if len(row[1]) > 4093:  # a key over the limit is a bad line
            over += 1
        elif row[1] not in seen:
            seen.add(row[1]); k.write(csv_line(row[:2]))
    open(T + "/r.over", "w").write("%d\n" % over)
PY
	[ "$(wc -c <"$T/r.csv")" -gt 2000000 ] && [ "$(cat "$T/r.over")" -gt 1 ] ||
		fail "no long records in the ground truth"
	for t in 1 2; do
		odd_writes "$T/r.csv" $((t + 20)) | "$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O json >"$T/got" ||
			fail "-T $t: exit $?"
		cmp -s "$T/got" "$T/r.json" || fail "-T $t: records across blocks: $(diff "$T/got" "$T/r.json" | head -c 300)"
		# a key of the values that had to be unquoted: rows wait in
		# batches, and from the first such row on keep their lines
		rc=0
		odd_writes "$T/r.csv" $((t + 30)) | "$ZS_BIN/zfilter" -T $t -a -u note -f saddr,note >"$T/got" 2>"$T/err" ||
			rc=$?
		cmp -s "$T/got" "$T/r.key" || fail "-T $t: unquoted keys: $(diff "$T/got" "$T/r.key" | head -c 300)"
		expect_eq "-T $t: exit, keys over the limit" "$rc" 1
		grep -q "^zfilter: $(cat "$T/r.over") bad lines skipped (of 40000)" "$T/err" || fail "$(tail -1 "$T/err")"
	done
}

# A header zfilter cannot use names its line; a missing column names the
# option that asked for it (-f's when the key is -f's).
test_zfilter_header_errors_name_line_and_option() {
	{ echo; python3 -c 'print(",".join("c%d" % i for i in range(70))); print(",".join(map(str, range(70))))'; } >"$T/wide"
	expect_error "^zfilter: stdin:2: the header row has more than 64 columns$" "$ZS_BIN/zfilter" -f c1 <"$T/wide"
	printf 'saddr,success\n1.2.3.4,1\n' >"$T/in"
	expect_error "^zfilter: -f: no column 'sport' in the input$" "$ZS_BIN/zfilter" -f saddr,sport <"$T/in"
	expect_error "^zfilter: -u: no column 'sport' in the input$" "$ZS_BIN/zfilter" -u saddr,sport <"$T/in"
	expect_error "^zfilter: -u: no column 'sport' in the input$" "$ZS_BIN/zfilter" -u sport -f saddr <"$T/in"
	expect_error "^zfilter: stdin:1: the header row is not CSV: its field 2 is quoted wrongly$" \
		"$ZS_BIN/zfilter" -a -f '*' < <(printf 'a,"b\n1,2\n')
}

# One address written two ways is one key, alone or in a key of several
# fields, in one thread and two, from CSV and JSON: IPv6 text in any case
# and compression, and ::ffff:a.b.c.d beside a.b.c.d. The first row's text
# is what goes out. A value that is no address stays a key of its bytes.
test_zfilter_one_address_two_ways_is_one_key() {
	printf 'saddr,sport,success\n2001:db8::1,80,1\n2001:DB8:0:0::1,80,1\n2001:0db8:0000:0000:0000:0000:0000:0001,80,1\n2001:db8::1,81,1\n::ffff:198.51.100.7,80,1\n198.51.100.7,80,1\n198.51.100.7,81,1\nnot-an-address,80,1\nNOT-AN-ADDRESS,80,1\n' >"$T/in.csv"
	python3 -c '
import csv, json, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(json.dumps({"saddr": r["saddr"], "sport": int(r["sport"]), "success": True}, separators=(",", ":")))' "$T/in.csv" >"$T/in.json"
	local t
	for t in 1 2; do
		expect_eq "-T $t -f saddr,sport" "$("$ZS_BIN/zfilter" -T "$t" -f saddr,sport <"$T/in.csv" | tr '\n' ' ')" \
			"2001:db8::1,80 2001:db8::1,81 ::ffff:198.51.100.7,80 198.51.100.7,81 not-an-address,80 NOT-AN-ADDRESS,80 "
		expect_eq "-T $t saddr alone" "$("$ZS_BIN/zfilter" -T "$t" <"$T/in.csv" 2>/dev/null | tr '\n' ' ')" \
			"2001:db8::1 ::ffff:198.51.100.7 "
		expect_eq "-T $t JSON -u sport,saddr" \
			"$("$ZS_BIN/zfilter" -T "$t" -u sport,saddr -f saddr,sport <"$T/in.json" | wc -l)" 6
	done
	# --where: the IPv4 address either way it is written, in the row or
	# in the expression
	local w
	for w in 'saddr = 198.51.100.7' 'saddr = ::ffff:198.51.100.7' 'saddr = ::FFFF:c633:6407'; do
		expect_eq "--where $w" "$("$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where "$w" <"$T/in.csv" | tr '\n' ' ')" \
			"::ffff:198.51.100.7,80 198.51.100.7,80 198.51.100.7,81 "
	done
}

# zfilter_run OUT ERR CMD...: CMD's exit status, and its peak RSS in MB
# (the kernel's own count for that one process), into $T/run as "RC MB".
# CMD's stdin is this function's.
zfilter_run() {
	python3 -c '
import os, subprocess, sys
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    p = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, ru = os.wait4(p.pid, 0)
print(os.waitstatus_to_exitcode(status), ru.ru_maxrss // 1024)' "$@" >"$T/run"
}

# CMD's exit status with its stdout a pipe whose reader has gone before it
# starts (no race with a reader that exits "at once"), and what it wrote on
# stderr, into $T/closed.rc and $T/closed.err. The child gets SIGPIPE's
# default action, as from a shell: only the tool ignoring it gives a word.
closed_pipe_run() { # INPUT CMD...
	python3 - "$@" <<-'PY'
		import os, subprocess, sys
		r, w = os.pipe()
		os.close(r)
		with open(sys.argv[1], "rb") as inp:
		    p = subprocess.run(sys.argv[2:], stdin=inp, stdout=w, stderr=subprocess.PIPE)
		T = os.environ["T"]
		open(T + "/closed.rc", "w").write("%d\n" % p.returncode)
		open(T + "/closed.err", "wb").write(p.stderr)
	PY
}

# Every write of the output is checked and the first failure ends zfilter
# with one line, "zfilter: stdout: write error: why", and exit 1: into a
# full disk (/dev/full, or a 64 KiB tmpfs that fills part-way, after which
# nothing more is written: what is there is an exact prefix), or a pipe
# whose reader left (at once, or after 100 bytes), with a few rows or many
# MB, written by the parsing thread (--no-dedup, whole rows split again),
# the second thread (-T 2), or one thread alone. Endless input is not read
# on after the failure. zfilter exited 141 from SIGPIPE into a closed pipe
# and said nothing.
test_zfilter_write_errors_are_one_line() {
	local full="No space left on device" opts rc st t
	printf 'saddr,sport,ttl,success\n1.1.1.1,80,64,1\n2.2.2.2,80,64,1\n3.3.3.3,443,64,1\n' >"$T/small.csv"
	result_rows 11 300000 100000 | grep -v '^300\.' >"$T/big.csv"
	awk -F, 'NR > 1 {printf "{\"saddr\":\"%s\",\"sport\":%s,\"ttl\":%s,\"success\":%s}\n", $1, $2, $3, $5 ? "true" : "false"}' \
		"$T/big.csv" >"$T/big.json"
	one_line() { # WHAT WANT-RC WANT-WHY
		expect_eq "$1: exit" "$rc" "$2"
		expect_eq "$1: stderr" "$(cat "$T/err")" "zfilter: stdout: write error: $3"
	}
	while IFS='|' read -r t opts; do
		for input in small.csv big.csv big.json; do
			rc=0
			eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/$input" >/dev/full 2>"$T/err" || rc=$?
			one_line "-T $t $opts <$input >/dev/full" 1 "$full"
			[ $input = small.csv ] && continue
			rc=0
			eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/$input" 2>"$T/err" | head -c 100 >/dev/null ||
				true
			rc=${PIPESTATUS[0]}
			one_line "-T $t $opts <$input | head -c 100" 1 "Broken pipe"
		done
		eval "closed_pipe_run '$T/small.csv' '$ZS_BIN/zfilter' -T $t $opts"
		rc=$(cat "$T/closed.rc")
		cp "$T/closed.err" "$T/err"
		one_line "-T $t $opts: a reader gone at once" 1 "Broken pipe"
	done <<'OPTS'
1|
2|
1|--no-dedup -a -f '*'
2|-a -f '*' -u saddr,sport -O json
2|-a -f saddr,sport,ttl
1|-a -f '*' -O csv
OPTS
	# endless input: the failure ends the run (timeout would say 124)
	for opts in "-T 1 --no-dedup" "-T 2 -f saddr,sport"; do
		rc=0
		awk 'BEGIN {print "saddr,sport,success"; for (i = 0;; i++) printf "10.%d.%d.%d,%d,1\n", i / 65536 % 256, i / 256 % 256, i % 256, i % 65536}' |
			timeout 60 "$ZS_BIN/zfilter" $opts >/dev/full 2>"$T/err" || rc=${PIPESTATUS[1]}
		one_line "endless input, $opts" 1 "$full"
	done
	# a disk that fills part-way: what is there is a prefix of the output
	mkdir -p "$T/small"
	mount -t tmpfs -o size=64k tmpfs "$T/small"
	trap 'umount "$T/small"' EXIT
	for opts in "-T 1 -a --no-dedup -f '*'" "-T 2 -f saddr,sport" "-T 2 -u saddr -f '*' -O json"; do
		eval "'$ZS_BIN/zfilter' $opts" <"$T/big.csv" >"$T/want" 2>/dev/null
		rc=0
		eval "'$ZS_BIN/zfilter' $opts" <"$T/big.csv" >"$T/small/out" 2>"$T/err" || rc=$?
		one_line "$opts into 64 KiB" 1 "$full"
		st=$(wc -c <"$T/small/out")
		[ "$st" -gt 0 ] || fail "$opts: nothing was written before the disk filled"
		cmp -s -n "$st" "$T/small/out" "$T/want" || fail "$opts: the $st bytes written are not the output's start"
		rm "$T/small/out"
	done
	# a usage error writes nothing, so it never meets the full disk
	rc=0
	"$ZS_BIN/zfilter" --where 'ttl >' <"$T/small.csv" >/dev/full 2>"$T/err" || rc=$?
	expect_eq "usage error into /dev/full: exit" "$rc" 2
}

# Every line is bounded: 300 MB of NULs (one endless line) is one bad line,
# reported once the input ends, with zfilter's peak memory far below the
# line (it grew to 616 MB and then refused the "header"). An overlong row
# between good rows, in CSV and JSON, whole in a file or cut into pieces
# through a pipe, is a bad line named by its number, and every row around
# it is filtered as without it (against the input with that row taken
# out).
test_zfilter_overlong_lines_are_bad_lines_held_briefly() {
	head -c 300M /dev/zero | zfilter_run "$T/out" "$T/err" "$ZS_BIN/zfilter"
	local rc mb t fmt how
	read -r rc mb <"$T/run"
	echo "  300 MB of NULs: exit $rc, peak RSS $mb MB"
	expect_eq "/dev/zero: exit" "$rc" 1
	[ "$mb" -lt 64 ] || fail "/dev/zero: peak RSS $mb MB"
	[ ! -s "$T/out" ] || fail "/dev/zero: output $(head -c 100 "$T/out" | od -c | head -2)"
	expect_eq "/dev/zero: messages" "$(sed 's/\(\\x00\)\{1,\}/.../' "$T/err")" \
		"zfilter: stdin:1: a line over the limit of 1048576 bytes: '...'
zfilter: 1 bad line skipped (of 1)"
	# an overlong row (2 and 5 MB) among good rows, CSV and JSON
	result_rows 12 20000 5000 >"$T/rows.csv"
	python3 - "$T" <<-'PY'
		import json, sys
		T = sys.argv[1]
		lines = open(T + "/rows.csv").read().splitlines(True)
		head, rows = lines[0], lines[1:]
		names = head.strip().split(",")
		def js(line):
		    v = line.strip().split(",")
		    return json.dumps({"saddr": v[0], "sport": int(v[1]), "ttl": int(v[2]), "classification": v[3],
		                       "success": v[4] == "1"}, separators=(",", ":")) + "\n"
		long_csv = ["9.9.9.9,80,64," + "x" * 2000000 + ",1\n", "8.8.8.8,80,64,synack,1" + " " * 5000000 + "\n"]
		long_json = ['{"saddr":"9.9.9.9","note":"' + "x" * 2000000 + '","success":true}\n',
		             '{"saddr":"8.8.8.8",' + " " * 5000000 + '"success":true}\n']
		for fmt, conv, lng, first in (("csv", lambda l: l, long_csv, [head]), ("json", js, long_json, [])):
		    body = [conv(l) for l in rows]
		    with open(T + "/in." + fmt, "w") as f, open(T + "/without." + fmt, "w") as g:
		        f.writelines(first + body[:7000] + [lng[0]] + body[7000:15000] + [lng[1]] + body[15000:])
		        g.writelines(first + body)
		    # the long rows' lines
		    off = len(first)
		    open(T + "/at." + fmt, "w").write("%d %d\n" % (off + 7001, off + 15002))
	PY
	for fmt in csv json; do
		local a b
		read -r a b <"$T/at.$fmt"
		for t in 1 2; do
			for opts in "" "-f saddr,sport" "-a --no-dedup -f '*' -O json"; do
				eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/without.$fmt" >"$T/want" 2>/dev/null || true
				for how in file pipe; do
					rc=0
					if [ $how = file ]; then
						eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/in.$fmt" >"$T/got" 2>"$T/err" || rc=$?
					else
						odd_writes "$T/in.$fmt" $t | eval "'$ZS_BIN/zfilter' -T $t $opts" >"$T/got" 2>"$T/err" || rc=$?
					fi
					expect_eq "$fmt -T $t $opts $how: exit" "$rc" 1
					cmp -s "$T/got" "$T/want" || fail "$fmt -T $t $opts $how: rows differ: $(diff "$T/got" "$T/want" | head -3)"
					grep -q "^zfilter: stdin:$a: a line over the limit of 1048576 bytes: '" "$T/err" ||
						fail "$fmt $opts $how: line $a: $(cut -c1-100 "$T/err")"
					grep -q "^zfilter: stdin:$b: a line over the limit of 1048576 bytes: '" "$T/err" ||
						fail "$fmt $opts $how: line $b: $(cut -c1-100 "$T/err")"
				done
			done
		done
	done
}

# SIGTERM, SIGHUP or SIGINT end zfilter promptly while it reads a line that
# keeps growing (cat /dev/zero), its memory small: though a first stop
# request on a pipe reads on to the end (the stages upstream end the
# stream), what comes is no line at all. It exits 1 (a bad line). zfilter
# went on growing: 1 GB in two seconds.
test_zfilter_stops_on_a_signal_in_an_endless_line() {
	local sigs pid rc i
	for sigs in TERM HUP INT; do
		cat /dev/zero | "$ZS_BIN/zfilter" >"$T/out" 2>"$T/err" &
		pid=$!
		trap "kill -KILL $pid 2>/dev/null || true" EXIT # a failed check leaves none behind
		# wait until it is zfilter, and it has read well past the limit
		for i in $(seq 200); do
			[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$ZS_BIN/zfilter" ] &&
				[ "$(awk '/^rchar/ {print $2}' "/proc/$pid/io" 2>/dev/null || echo 0)" -gt 50000000 ] && break
			sleep 0.1
		done
		[ "$i" -lt 200 ] || fail "SIG$sigs: zfilter did not read 50 MB in 20 s"
		local kb
		kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
		[ "$kb" -lt 65536 ] || fail "SIG$sigs: peak RSS $kb kB while reading"
		kill -"$sigs" "$pid"
		for i in $(seq 200); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && {
			kill -KILL "$pid"
			fail "SIG$sigs: zfilter still runs 20 s on"
		}
		rc=0
		wait "$pid" || rc=$?
		echo "  SIG$sigs: gone within $((i / 10)).$((i % 10)) s, exit $rc, peak ${kb} kB while reading"
		expect_eq "SIG$sigs: exit" "$rc" 1
		expect_eq "SIG$sigs: messages" "$(sed 's/\(\\x00\)\{1,\}/.../' "$T/err")" \
			"zfilter: stdin:1: a line over the limit of 1048576 bytes: '...'
zfilter: 1 bad line skipped (of 1)"
	done
}

# Each JSON line is judged on its own: a line without the key or a -f field
# is a bad line, whichever line it is (the first one lacking saddr or a -f
# field ended zfilter with exit 2 and nothing written); a line without a
# --where field compares false. Against Python on lines with fields left
# out at random; and a --where field that no line has is said at the end.
test_zfilter_json_rows_judged_each_alone() {
	local rc t opts
	printf '{"x":1,"success":1}\n{"saddr":"1.1.1.1","sport":80,"success":1}\n{"saddr":"2.2.2.2","success":true}\n' >"$T/in"
	rc=0
	"$ZS_BIN/zfilter" <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "first line without saddr: exit" "$rc" 1
	expect_eq "first line without saddr: rows" "$(tr '\n' ' ' <"$T/out")" "1.1.1.1 2.2.2.2 "
	expect_eq "first line without saddr: messages" "$(cat "$T/err")" "zfilter: stdin:1: missing field 'saddr': '{\"x\":1,\"success\":1}'
zfilter: 1 bad line skipped (of 3)"
	rc=0
	"$ZS_BIN/zfilter" -f saddr,sport -O csv <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "-f saddr,sport: exit" "$rc" 1
	expect_eq "-f saddr,sport: rows" "$(cat "$T/out")" $'saddr,sport\n1.1.1.1,80'
	expect_eq "-f saddr,sport: summary" "$(tail -1 "$T/err")" "zfilter: 2 bad lines skipped (of 3)"
	# -f '*' to CSV: the columns are the first good line's, one with the key
	printf '{"sport":1,"success":1}\n{"saddr":"1.1.1.1","sport":80,"success":1}\n{"sport":443,"success":1,"saddr":"2.2.2.2"}\n' |
		"$ZS_BIN/zfilter" -a -u saddr -f '*' -O csv >"$T/out" 2>"$T/err" || true
	expect_eq "-u saddr -f '*': rows" "$(cat "$T/out")" $'saddr,sport,success\n1.1.1.1,80,1\n2.2.2.2,443,1'
	expect_eq "-u saddr -f '*': first message" "$(head -1 "$T/err")" \
		"zfilter: stdin:1: missing field 'saddr': '{\"sport\":1,\"success\":1}'"
	python3 - "$T" <<-'PY'
		import json, random, sys
		T = sys.argv[1]
		r = random.Random(17)
		rows = []
		with open(T + "/rand.json", "w") as f:
		    for i in range(6000):
		        o = {"saddr": "10.9.%d.%d" % (r.randrange(2), r.randrange(150)), "sport": r.choice((80, 443)),
		             "ttl": r.randrange(256), "success": r.choice((True, False, 1, 0))}
		        for k in list(o):
		            if r.random() < 0.15:
		                del o[k]
		        keys = list(o)
		        r.shuffle(keys)
		        f.write(json.dumps({k: o[k] for k in keys}, separators=(",", ":")) + "\n")
		        rows.append(o)
		def run(name, key, out, where, need):
		    seen, lines, bad = set(), [], 0
		    for o in rows:
		        if any(k not in o for k in need):
		            bad += 1
		            continue
		        if not where(o):
		            continue
		        kv = tuple(o[k] for k in key)
		        if kv in seen:
		            continue
		        seen.add(kv)
		        lines.append(",".join(str(o[k]) for k in out))
		    open(T + "/want." + name, "w").write("".join(l + "\n" for l in lines))
		    open(T + "/bad." + name, "w").write("%d\n" % bad)
		ok = lambda o: "success" in o and o["success"] in (True, 1)
		run("default", ["saddr"], ["saddr"], ok, ["saddr"])
		run("pairs", ["saddr", "sport"], ["saddr", "sport"], ok, ["saddr", "sport"])
		run("ttl", ["saddr"], ["saddr"], lambda o: "ttl" in o and o["ttl"] > 100, ["saddr"])
		run("ttlor", ["sport", "saddr"], ["sport", "saddr"],
		    lambda o: ("ttl" in o and o["ttl"] > 200) or ("sport" in o and o["sport"] == 443), ["sport", "saddr"])
	PY
	for t in 1 2; do
		while IFS='|' read -r name opts; do
			rc=0
			eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/rand.json" >"$T/got" 2>"$T/err" || rc=$?
			expect_eq "-T $t $opts: exit" "$rc" 1
			cmp -s "$T/got" "$T/want.$name" || fail "-T $t $opts: $(diff "$T/got" "$T/want.$name" | head -3)"
			expect_eq "-T $t $opts: summary" "$(tail -1 "$T/err")" "zfilter: $(cat "$T/bad.$name") bad lines skipped (of 6000)"
		done <<-'OPTS'
			default|
			pairs|-f saddr,sport
			ttl|--where 'ttl > 100' -f saddr
			ttlor|--where 'ttl > 200 || sport = 443' -f sport,saddr
		OPTS
	done
	# a --where field no line has: the rows are filtered as said, and the
	# end says that every comparison with it was false
	printf '{"saddr":"1.1.1.1","sport":80,"success":1}\n{"saddr":"2.2.2.2","sport":443,"success":1}\n' >"$T/in"
	rc=0
	"$ZS_BIN/zfilter" --where 'tll > 3 || sport = 80' <"$T/in" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "a field no line has: exit" "$rc" 1
	expect_eq "a field no line has: rows" "$(cat "$T/out")" "1.1.1.1"
	expect_eq "a field no line has: message" "$(cat "$T/err")" \
		"zfilter: --where: no row had a field 'tll', so each comparison with it was false"
	rc=0
	printf '{"saddr":"1.1.1.1"}\n' | "$ZS_BIN/zfilter" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "no success anywhere: exit" "$rc" 1
	expect_eq "no success anywhere: message" "$(cat "$T/err")" \
		"zfilter: no row had a field 'success' (rows with success = 1 are kept; -a keeps every row)"
}

# true and false in --where are the numbers 1 and 0, as zrecv writes
# success in CSV (1/0) and JSON (true/false), and as a JSON 1 or "true" is:
# 'success = true' matched no row of zrecv's CSV and exited 0. Against awk
# on CSV and Python on JSON lines whose booleans are written every way.
# True or FALSE (which would match nothing) is refused.
test_zfilter_where_true_false_are_one_and_zero() {
	make_results 20000
	local expr awkcond rc
	while read -r line; do
		expr=${line%% :: *}
		awkcond=${line#* :: }
		"$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where "$expr" <"$T/res.csv" >"$T/got"
		awk -F, "NR > 1 && ($awkcond) {print \$1 \",\" \$3}" "$T/res.csv" >"$T/want"
		[ -s "$T/want" ] || fail "no row for '$awkcond'"
		cmp -s "$T/got" "$T/want" || fail "--where '$expr' differs from awk '$awkcond'"
	done <<-'CASES'
		success = true :: $6 == 1
		success == false :: $6 == 0
		success != true :: $6 != 1
		success = true && sport = 443 :: $6 == 1 && $3 == 443
		!(success = false) || repeat = true :: $6 != 0 || $7 == 1
		success > false :: $6 > 0
	CASES
	python3 - "$T" <<-'PY'
		import csv, json, random, sys
		T = sys.argv[1]
		r = random.Random(9)
		forms = {1: (True, 1, "1", "true"), 0: (False, 0, "0", "false")}
		with open(T + "/res.json", "w") as f, open(T + "/want.true", "w") as wt, open(T + "/want.false", "w") as wf:
		    for row in csv.DictReader(open(T + "/res.csv")):
		        s = int(row["success"])
		        v = r.choice(forms[s])
		        f.write(json.dumps({"saddr": row["saddr"], "sport": int(row["sport"]), "success": v},
		                           separators=(",", ":")) + "\n")
		        (wt if s else wf).write("%s,%s\n" % (row["saddr"], row["sport"]))
	PY
	"$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where 'success = true' <"$T/res.json" | cmp -s - "$T/want.true" ||
		fail "JSON: success = true"
	"$ZS_BIN/zfilter" --no-dedup -f saddr,sport --where 'success = false' <"$T/res.json" | cmp -s - "$T/want.false" ||
		fail "JSON: success = false"
	# the default filter, success = 1, takes the same rows
	"$ZS_BIN/zfilter" --no-dedup -f saddr,sport <"$T/res.json" | cmp -s - "$T/want.true" || fail "JSON: the default"
	expect_error "^zfilter: --where: position 11: 'True' is not true or false \(write true, or \"True\" in quotes to compare it as text\)$" \
		"$ZS_BIN/zfilter" --where 'success = True' <"$T/res.csv"
	rc=0
	"$ZS_BIN/zfilter" --where 'success = FALSE' <"$T/res.csv" >/dev/null 2>&1 || rc=$?
	expect_eq "FALSE: exit" "$rc" 2
}

# A CSV record in double quotes may span 100 lines and 1 MiB. A quote that
# does not close within them (or before the input ends) loses its own line
# alone, named, and the lines after it are read as rows again: an unclosed
# quote before 1,000,000 good rows swallowed them all ("1 bad line skipped
# (of 1)"), holding the input in memory. The bounds give the same answer
# whether the record comes whole or in pieces.
test_zfilter_unclosed_quote_loses_one_line() {
	awk 'BEGIN {print "saddr,note,success"; for (i = 1; i <= 4; i++) printf "10.200.0.%d,a,1\n", i
		print "10.200.1.1,\"open,1"
		for (i = 0; i < 1000000; i++) printf "10.%d.%d.%d,n,1\n", i / 65536, i / 256 % 256, i % 256}' >"$T/in"
	awk -F, 'NR > 1 && NR != 6 {print $1}' "$T/in" >"$T/want"
	local rc mb t
	zfilter_run "$T/out" "$T/err" "$ZS_BIN/zfilter" <"$T/in"
	read -r rc mb <"$T/run"
	echo "  an unclosed quote before 1,000,000 rows: exit $rc, $(wc -l <"$T/out") rows out, peak RSS $mb MB"
	expect_eq "exit" "$rc" 1
	cmp -s "$T/out" "$T/want" || fail "rows: $(diff "$T/out" "$T/want" | head -3)"
	[ "$mb" -lt 64 ] || fail "peak RSS $mb MB"
	expect_eq "messages" "$(cat "$T/err")" "zfilter: stdin:6: field 2 opens a quote that does not close within 100 lines or 1 MiB (read on from the next line): '10.200.1.1,\"open,1'
zfilter: 1 bad line skipped (of 1000005)"
	# at the bounds: 100 lines close, 101 do not; 1 MiB closes, a byte more
	# does not; the same through a pipe in pieces, in one thread and two
	python3 - "$T" <<-'PY'
		import sys
		T = sys.argv[1]
		def rec(addr, lines, pad=0):  # a record over `lines` lines
		    note = "\n".join("l%d" % k for k in range(1, lines + 1))
		    return '%s,"%s%s",1\n' % (addr, "p" * pad, note)
		r100 = rec("10.0.0.1", 100)
		r101 = rec("10.0.0.2", 101)
		base = len(rec("10.0.0.3", 3)) - 1  # bytes of a 3-line record, its newline not counted
		mib = rec("10.0.0.3", 3, (1 << 20) - base)
		over = rec("10.0.0.4", 3, (1 << 20) - base + 1)
		assert len(mib) - 1 == 1 << 20 and len(over) - 1 == (1 << 20) + 1
		with open(T + "/b.csv", "w") as f:
		    f.write("saddr,note,success\n9.0.0.1,x,1\n" + r100 + "9.0.0.2,x,1\n" + mib + over + r101 + "9.0.0.3,x,1\n")
	PY
	for t in 1 2; do
		for how in file pipe; do
			rc=0
			if [ $how = file ]; then
				"$ZS_BIN/zfilter" -T $t -f saddr <"$T/b.csv" >"$T/out" 2>"$T/err" || rc=$?
			else
				odd_writes "$T/b.csv" $((t + 40)) | "$ZS_BIN/zfilter" -T $t -f saddr >"$T/out" 2>"$T/err" || rc=$?
			fi
			expect_eq "bounds -T $t $how: exit" "$rc" 1
			expect_eq "bounds -T $t $how: rows" "$(tr '\n' ' ' <"$T/out")" "9.0.0.1 10.0.0.1 9.0.0.2 10.0.0.3 9.0.0.3 "
			# (the first 100 bad lines are named)
			expect_eq "bounds -T $t $how: first messages" "$(head -5 "$T/err" | cut -c1-150)" "zfilter: stdin:107: field 2 opens a quote that does not close within 100 lines or 1 MiB (read on from the next line): '10.0.0.4,\"ppppppppppppppppppppp
zfilter: stdin:108: wrong number of fields: 'l2'
zfilter: stdin:109: a double quote in field 1, which is not quoted: 'l3\",1'
zfilter: stdin:110: field 2 opens a quote that does not close within 100 lines or 1 MiB (read on from the next line): '10.0.0.2,\"l1'
zfilter: stdin:111: wrong number of fields: 'l2'"
			expect_eq "bounds -T $t $how: summary" "$(tail -1 "$T/err")" "zfilter: 104 bad lines skipped (of 109)"
		done
	done
}

# Input without a header row names the line it took for one, not an option
# the user never gave (it said "-u: no column 'saddr'"); a row that looks
# like data there asks whether there is a header. Options that were given
# are still named. Usage errors: exit 2, nothing written.
test_zfilter_no_header_says_so() {
	printf '198.51.100.7,80,1\n198.51.100.8,80,1\n' >"$T/nohead"
	expect_error "^zfilter: stdin:1: no column 'saddr' in the header row '198.51.100.7,80,1' \(is there a header\? that line looks like a row\)$" \
		"$ZS_BIN/zfilter" <"$T/nohead"
	expect_error "^zfilter: stdin:1: no column 'saddr' in the header row 'x,y' \(is there a header\? -u or -f names other fields\)$" \
		"$ZS_BIN/zfilter" -a < <(printf 'x,y\n1,2\n')
	expect_error "^zfilter: stdin:2: no column 'success' in the header row 'saddr,x' \(rows with success = 1 are kept; -a keeps every row\)$" \
		"$ZS_BIN/zfilter" < <(printf '\nsaddr,x\n1.2.3.4,1\n')
	expect_error "^zfilter: stdin:1: no column 'saddr' in the header row '2001:db8::1,x' \(is there a header\? that line looks like a row\)$" \
		"$ZS_BIN/zfilter" -a < <(printf '2001:db8::1,x\n')
	expect_error "^zfilter: -f: no column 'sport' in the input \(is there a header\? its first line, '198.51.100.7,80,1', looks like a row\)$" \
		"$ZS_BIN/zfilter" -f sport <"$T/nohead"
	expect_error "^zfilter: --where: no column 'ttl' in the input$" "$ZS_BIN/zfilter" --where 'ttl > 1' < <(printf 'saddr,success\n')
	# the header row shown escaped, and cut
	expect_error "^zfilter: stdin:1: no column 'saddr' in the header row 'a\\\\x01b,c\\\\x1b\[31m' " \
		"$ZS_BIN/zfilter" -a < <(printf 'a\001b,c\033[31m\n')
	expect_error "^zfilter: stdin:1: no column 'saddr' in the header row 'c0,c1,c2,[c0-9,]{40,}\.\.\.' " \
		"$ZS_BIN/zfilter" -a < <(python3 -c 'print(",".join("c%d" % i for i in range(60)))')
	local rc=0
	"$ZS_BIN/zfilter" <"$T/nohead" >/dev/null 2>&1 || rc=$?
	expect_eq "exit" "$rc" 2
}

# Several result files in one stream (cat recv-*.csv, as the shard merges
# do): a line equal to the header row is the next file's header, skipped
# in every mode, not a bad row; a row that only looks like it is not.
test_zfilter_concatenated_files_skip_repeated_headers() {
	printf 'saddr,sport,success\n198.51.100.1,80,1\n' >"$T/a.csv"
	printf 'saddr,sport,success\n198.51.100.2,80,1\n198.51.100.1,80,1\n' >"$T/b.csv"
	local mode
	for mode in "" "-a" "-a --no-dedup" "--no-dedup -u saddr"; do
		# shellcheck disable=SC2086
		cat "$T/a.csv" "$T/b.csv" "$T/a.csv" | "$ZS_BIN/zfilter" $mode -f saddr -O csv >"$T/out" 2>"$T/err" ||
			fail "'$mode': exit $?: $(cat "$T/err")"
		[ ! -s "$T/err" ] || fail "'$mode': $(cat "$T/err")"
		case $mode in
		*no-dedup*) expect_eq "'$mode'" "$(tr '\n' ' ' <"$T/out")" "saddr 198.51.100.1 198.51.100.2 198.51.100.1 198.51.100.1 " ;;
		*) expect_eq "'$mode'" "$(tr '\n' ' ' <"$T/out")" "saddr 198.51.100.1 198.51.100.2 " ;;
		esac
	done
	# a header with other columns, or one spaced differently, is a bad row
	printf 'saddr,sport, success\n' >>"$T/a.csv"
	expect_eq "a different header line: a bad row" \
		"$(cat "$T/a.csv" | "$ZS_BIN/zfilter" -a 2>&1 >/dev/null | head -1)" \
		"zfilter: stdin:3: saddr is not an IP address: 'saddr,sport, success'"
}

# A UTF-8 byte-order mark that starts the input is no part of the first
# line, in CSV and JSON, with CRLF, even when it comes a byte at a time; a
# BOM alone is an empty input. ("no column 'saddr'" for CSV, "the header
# row is not CSV" for JSON.)
test_zfilter_byte_order_mark_at_the_start() {
	local t
	printf '\357\273\277saddr,sport,success\n1.1.1.1,80,1\n2.2.2.2,80,0\n' >"$T/bom.csv"
	printf '\357\273\277{"saddr":"1.1.1.1","sport":80,"success":true}\n{"saddr":"2.2.2.2","sport":80,"success":false}\n' >"$T/bom.json"
	printf '\357\273\277saddr,sport,success\r\n1.1.1.1,80,1\r\n' >"$T/bomcrlf.csv"
	for f in bom.csv bom.json bomcrlf.csv; do
		for t in 1 2; do
			expect_eq "$f -T $t" "$("$ZS_BIN/zfilter" -T $t <"$T/$f")" "1.1.1.1"
			expect_eq "$f -T $t -f '*' -O csv" "$("$ZS_BIN/zfilter" -T $t -a -f '*' -O csv <"$T/$f" | head -2)" \
				$'saddr,sport,success\n1.1.1.1,80,1'
			# a byte a time, waiting between them
			python3 -c '
import sys, time
for b in open(sys.argv[1], "rb").read()[:5]:
    sys.stdout.buffer.write(bytes([b])); sys.stdout.flush(); time.sleep(0.05)
sys.stdout.buffer.write(open(sys.argv[1], "rb").read()[5:])' "$T/$f" | "$ZS_BIN/zfilter" -T $t >"$T/out"
			expect_eq "$f -T $t, a byte at a time" "$(cat "$T/out")" "1.1.1.1"
		done
	done
	local rc=0
	printf '\357\273\277' | "$ZS_BIN/zfilter" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "a BOM alone: exit" "$rc" 0
	[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "a BOM alone: $(cat "$T/out" "$T/err")"
}

# --where strings hold a double quote as \" and a backslash as \\; a
# backslash before anything else is refused with its position.
test_zfilter_where_string_escapes() {
	printf 'saddr,note,success\n1.1.1.1,"say ""hi""",1\n2.2.2.2,back\\slash,1\n3.3.3.3,"a\\""b",1\n4.4.4.4,say hi,1\n' >"$T/in"
	expect_eq 'note = "say \"hi\""' "$("$ZS_BIN/zfilter" --where 'note = "say \"hi\""' <"$T/in")" "1.1.1.1"
	expect_eq 'note = "back\\slash"' "$("$ZS_BIN/zfilter" --where 'note = "back\\slash"' <"$T/in")" "2.2.2.2"
	expect_eq 'note = "a\\\"b"' "$("$ZS_BIN/zfilter" --where 'note = "a\\\"b"' <"$T/in")" "3.3.3.3"
	expect_eq 'note != "say \"hi\""' "$("$ZS_BIN/zfilter" --where 'note != "say \"hi\""' <"$T/in" | tr '\n' ' ')" \
		"2.2.2.2 3.3.3.3 4.4.4.4 "
	# and from JSON, where the same values are written with JSON's escapes
	"$ZS_BIN/zfilter" -a -f '*' -O json <"$T/in" >"$T/in.json"
	expect_eq 'JSON: note = "say \"hi\""' "$("$ZS_BIN/zfilter" --where 'note = "say \"hi\""' <"$T/in.json")" "1.1.1.1"
	expect_eq 'JSON: note = "a\\\"b"' "$("$ZS_BIN/zfilter" --where 'note = "a\\\"b"' <"$T/in.json")" "3.3.3.3"
	expect_error "^zfilter: --where: position 12: a backslash before 'n' \(inside \"...\", \\\\\" is a double quote and \\\\\\\\ a backslash; nothing else follows one\)$" \
		"$ZS_BIN/zfilter" --where 'note = "say\nhi"' <"$T/in"
	expect_error "^zfilter: --where: position 8: string without a closing quote" \
		"$ZS_BIN/zfilter" --where 'note = "say \"hi\"' <"$T/in"
}

# Of a name that appears twice in a JSON line, the last value counts, as
# Python's json and jq read it, for --where, -f, the key and the columns
# of -f '*' (it was the first). Against Python's json module.
test_zfilter_duplicate_json_names_take_the_last() {
	python3 - "$T" <<-'PY'
		import json, random, sys
		T = sys.argv[1]
		r = random.Random(23)
		lines, objs = [], []
		for i in range(5000):
		    pairs = [("saddr", "10.7.%d.%d" % (r.randrange(2), r.randrange(100))), ("sport", r.choice((80, 443))),
		             ("ttl", r.randrange(256)), ("success", r.choice((True, False)))]
		    for _ in range(r.randrange(4)):  # names again, with other values
		        k = r.choice(("saddr", "sport", "ttl", "success"))
		        v = {"saddr": "10.8.%d.%d" % (r.randrange(2), r.randrange(100)), "sport": r.choice((80, 443, 8080)),
		             "ttl": r.randrange(256), "success": r.choice((True, False))}[k]
		        pairs.insert(r.randrange(len(pairs) + 1), (k, v))
		    line = "{" + ",".join('"%s":%s' % (k, json.dumps(v)) for k, v in pairs) + "}"
		    lines.append(line + "\n")
		    objs.append(json.loads(line))  # the last of each name
		open(T + "/dup.json", "w").writelines(lines)
		def out(name, rows):
		    open(T + "/want." + name, "w").write("".join(x + "\n" for x in rows))
		def first_of(key, fields, keep):
		    seen, rows = set(), []
		    for o in objs:
		        if keep(o) and tuple(o[k] for k in key) not in seen:
		            seen.add(tuple(o[k] for k in key))
		            rows.append(",".join(str(o[k]) for k in fields))
		    return rows
		out("default", first_of(["saddr"], ["saddr"], lambda o: o["success"]))
		out("pairs", first_of(["saddr", "sport"], ["saddr", "sport"], lambda o: o["success"]))
		out("where", [",".join(str(o[k]) for k in ("saddr", "sport", "ttl")) for o in objs
		              if o["sport"] == 80 and o["ttl"] > 100])
		out("ukey", first_of(["sport"], ["saddr"], lambda o: True))
		cols = list(objs[0])  # a dict keeps a name where it first appeared
		out("all", [",".join(cols)] + first_of(["saddr"], cols, lambda o: True))
	PY
	sed -i 's/True/1/g; s/False/0/g' "$T/want.all"
	local t name opts
	for t in 1 2; do
		while IFS='|' read -r name opts; do
			eval "'$ZS_BIN/zfilter' -T $t $opts" <"$T/dup.json" >"$T/got" 2>"$T/err" ||
				fail "-T $t $opts: exit $?: $(head -2 "$T/err")"
			cmp -s "$T/got" "$T/want.$name" || fail "-T $t $opts: $(diff "$T/got" "$T/want.$name" | head -3)"
		done <<-'OPTS'
			default|
			pairs|-f saddr,sport
			where|--no-dedup --where 'sport = 80 && ttl > 100' -f saddr,sport,ttl
			ukey|-a -u sport -f saddr
			all|-a -u saddr -f '*' -O csv
		OPTS
	done
}

# --where's prefix membership, substring and glob, on crafted rows of both
# families (IPv4 also written ::ffff:a.b.c.d, IPv6 in upper case, text
# that is no address), CSV with quoted cells and the same rows as JSON
# lines, against Python's ipaddress and fnmatch (patterns without [).
test_zfilter_where_prefixes_and_text_matches() {
	local t fmt i
	python3 - "$T" <<'PY'
import json, random, sys
T = sys.argv[1]
r = random.Random(17)
def addr():
    k = r.randrange(9)
    if k < 3:
        return "198.%d.%d.%d" % (r.choice((17, 18, 19, 20)), r.randrange(256), r.randrange(256))
    if k == 3:
        return "::ffff:198.%d.%d.%d" % (r.choice((18, 19, 20)), r.randrange(256), r.randrange(256))
    if k == 4:
        return "10.%d.0.%d" % (r.randrange(256), r.randrange(256))
    if k < 7:
        return "2001:%s:%x::%x" % (r.choice(("2", "3", "0002", "1")), r.choice((0, 0xffff, 1)), r.randrange(1 << 16))
    if k == 7:
        return r.choice(("2001:DB8::A", "::", "::1", "ffff::"))
    return r.choice(("", "synack", "198.18.0.01", "1.2.3", "2001:2::/48"))
servers = ["Linux/3.14 UPnP/1.0 MiniUPnPd/2.1", "miniupnpd/1.9", "Mini", "MiniUPnP, \"quoted\"",
           " MiniUPnPd/2.1 ", "", "x,y", "*?", "Windows, UPnP/1.0", "back\\slash [1]"]
rows = [(addr(), r.choice(servers)) for _ in range(3000)]
def csv_cell(v):
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"') or v[:1] == " " else v
with open(T + "/w.csv", "w") as c, open(T + "/w.json", "w") as j:
    c.write("saddr,upnp_server,success\n")
    for a, s in rows:
        c.write("%s,%s,1\n" % (csv_cell(a), csv_cell(s)))
        j.write(json.dumps({"saddr": a, "upnp_server": s, "success": True}, separators=(",", ":")) + "\n")
json.dump(rows, open(T + "/w.rows", "w"))
PY
	cat >"$T/exprs" <<'EX'
saddr in 198.18.0.0/15
saddr not in 198.18.0.0/15
!(saddr in 198.18.0.0/15)
saddr in 2001:2::/48
saddr in 2001:2::/32 || saddr in 10.0.0.0/8
saddr in 0.0.0.0/0
saddr in ::/0
saddr not in ::/0
saddr in ::ffff:198.18.0.0/111
saddr in 198.18.0.0/16 && upnp_server ~ "MiniUPnP"
upnp_server ~ "MiniUPnP"
upnp_server !~ "MiniUPnP"
upnp_server ~ ","
upnp_server ~ "\""
upnp_server like "Mini*"
upnp_server like "* "
upnp_server not like "*UPnP*"
upnp_server like "*/?.?"
upnp_server like "*"
upnp_server like "back\\*"
upnp_server like "*[1]"
upnp_server ~ ""
EX
	python3 - "$T" <<'PY'
import fnmatch, ipaddress, json, sys
T = sys.argv[1]
rows = json.load(open(T + "/w.rows"))
def ip(t):
    try:
        a = ipaddress.ip_address(t)
    except ValueError:
        return None
    if a.version == 6 and a.ipv4_mapped:
        return a.ipv4_mapped
    return a
def net(p):
    n = ipaddress.ip_network(p)
    if n.version == 6 and n.network_address.ipv4_mapped and n.prefixlen >= 96:
        return ipaddress.ip_network("%s/%d" % (n.network_address.ipv4_mapped, n.prefixlen - 96))
    return n
def inn(a, p):
    a, n = ip(a), net(p)
    return a is not None and a.version == n.version and a in n
def like(s, p):  # * and ? only: [ is a byte
    return fnmatch.fnmatchcase(s, p.replace("[", "[[]"))
exprs = {
    'saddr in 198.18.0.0/15': lambda a, s: inn(a, "198.18.0.0/15"),
    'saddr not in 198.18.0.0/15': lambda a, s: not inn(a, "198.18.0.0/15"),
    '!(saddr in 198.18.0.0/15)': lambda a, s: not inn(a, "198.18.0.0/15"),
    'saddr in 2001:2::/48': lambda a, s: inn(a, "2001:2::/48"),
    'saddr in 2001:2::/32 || saddr in 10.0.0.0/8': lambda a, s: inn(a, "2001:2::/32") or inn(a, "10.0.0.0/8"),
    'saddr in 0.0.0.0/0': lambda a, s: inn(a, "0.0.0.0/0"),
    'saddr in ::/0': lambda a, s: inn(a, "::/0"),
    'saddr not in ::/0': lambda a, s: not inn(a, "::/0"),
    'saddr in ::ffff:198.18.0.0/111': lambda a, s: inn(a, "::ffff:198.18.0.0/111"),
    'saddr in 198.18.0.0/16 && upnp_server ~ "MiniUPnP"': lambda a, s: inn(a, "198.18.0.0/16") and "MiniUPnP" in s,
    'upnp_server ~ "MiniUPnP"': lambda a, s: "MiniUPnP" in s,
    'upnp_server !~ "MiniUPnP"': lambda a, s: "MiniUPnP" not in s,
    'upnp_server ~ ","': lambda a, s: "," in s,
    'upnp_server ~ "\\""': lambda a, s: '"' in s,
    'upnp_server like "Mini*"': lambda a, s: like(s, "Mini*"),
    'upnp_server like "* "': lambda a, s: like(s, "* "),
    'upnp_server not like "*UPnP*"': lambda a, s: not like(s, "*UPnP*"),
    'upnp_server like "*/?.?"': lambda a, s: like(s, "*/?.?"),
    'upnp_server like "*"': lambda a, s: True,
    'upnp_server like "back\\\\*"': lambda a, s: like(s, "back\\*"),
    'upnp_server like "*[1]"': lambda a, s: like(s, "*[1]"),
    'upnp_server ~ ""': lambda a, s: True,
}
lines = open(T + "/exprs").read().splitlines()
assert sorted(lines) == sorted(exprs), set(lines) ^ set(exprs)
for i, e in enumerate(lines):
    got = [a for a, s in rows if exprs[e](a, s)]
    assert 0 < len(got) < len(rows) or e in ('upnp_server like "*"', 'upnp_server ~ ""'), (e, len(got))
    with open(T + "/want%d" % i, "w") as f:
        f.write("".join(('"%s"' % a if a == "" else a) + "\n" for a in got))
PY
	for fmt in csv json; do
		i=0
		while IFS= read -r e; do
			"$ZS_BIN/zfilter" --no-dedup -f saddr --where "$e" <"$T/w.$fmt" >"$T/got" ||
				fail "$fmt: [$e]: exit $?"
			cmp -s "$T/got" "$T/want$i" || fail "$fmt: [$e]: $(diff "$T/got" "$T/want$i" | head -5)"
			i=$((i + 1))
		done <"$T/exprs"
	done
	# the same rows deduplicated by address: one address written two ways
	# is one key, and in a prefix either way
	"$ZS_BIN/zfilter" --where 'saddr in 198.18.0.0/15' <"$T/w.csv" >"$T/got"
	python3 - "$T" <<'PY' || fail "dedup in a prefix differs"
import ipaddress, sys
T = sys.argv[1]
got = open(T + "/got").read().split()
want = [l for l in dict.fromkeys(open(T + "/want0").read().split())]
canon = [str(getattr(ipaddress.ip_address(a), "ipv4_mapped", None) or ipaddress.ip_address(a)) for a in want]
seen, first = set(), []
for a, c in zip(want, canon):
    if c not in seen:
        seen.add(c); first.append(a)
sys.exit(got != first)
PY
	# a prefix that is not one: refused with its position, nothing written
	expect_error "^zfilter: --where: position 10: '198.18.0.1/15' has bits set past its /15 \(the prefix is 198.18.0.0/15\)$" \
		"$ZS_BIN/zfilter" --where 'saddr in 198.18.0.1/15'
	expect_error "^zfilter: --where: position 23: '2001:2::/129': the prefix length is not 0-128$" \
		"$ZS_BIN/zfilter" --where 'sport = 1 && saddr in 2001:2::/129'
	expect_error "^zfilter: --where: position 12: a pattern with \* or \? goes in quotes at '\*'$" \
		"$ZS_BIN/zfilter" --where 'x like Mini*'
	expect_error "^zfilter: --where: position 7: expected in or like after not at 'on'$" \
		"$ZS_BIN/zfilter" --where 'x not on'
}

# A module's decoded fields as zrecv writes them (probe/fieldw.h): in CSV
# a list is its JSON array in one quoted cell, text with a comma, a quote
# or a space at an end is quoted, flags are 1/0 and an unset field empty;
# in JSON lists are arrays, flags true/false, an unset field "". zfilter
# reads the cells as their values for --where, -u and -f, converts each
# file into the other byte for byte, and writes what Python's csv and
# json modules read back to the same values.
test_zfilter_module_fields_quoted_and_lists() {
	local t
	python3 - "$T" <<'PY'
import json, random, sys
T = sys.argv[1]
r = random.Random(23)
names = ["saddr", "sport", "success", "app_success", "dns_aa", "dns_rcode", "dns_ancount",
         "dns_rcode_name", "dns_answers", "dns_parse_error"]
def text():
    return r.choice(["", "bad MX rdata in answer record 1", "a, b", 'say "hi"', " lead", "trail ",
                     'x,"y",z', "plain"])
def cjson(v):
    return json.dumps(v, separators=(",", ":"))
def csv_text(v):  # fieldw's csv_text for printable ASCII
    q = v[:1] == " " or v[-1:] == " " or "," in v or '"' in v
    return '"' + v.replace('"', '""') + '"' if q else v
with open(T + "/m.csv", "w") as c, open(T + "/m.json", "w") as j, open(T + "/m.rows", "w") as rw:
    c.write(",".join(names) + "\n")
    rows = []
    for i in range(2000):
        unset = r.random() < 0.1
        ok = r.random() < 0.8
        rcode = r.choice((0, 0, 0, 3, 2))
        answers = [{"name": "h%d.example." % r.randrange(50), "type": "A", "class": "IN",
                    "ttl": r.randrange(3600), "rdata": "10.0.%d.%d" % (r.randrange(4), r.randrange(256))}
                   for _ in range(r.choice((0, 0, 1, 2, 3)))]
        row = {"saddr": r.choice(("198.18.%d.%d" % (r.randrange(2), r.randrange(256)), "2001:2::%x" % r.randrange(300))),
               "sport": 53, "success": ok, "app_success": ok and rcode == 0, "dns_aa": r.random() < 0.5,
               "dns_rcode": rcode, "dns_ancount": len(answers), "dns_rcode_name": {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN"}[rcode],
               "dns_answers": answers, "dns_parse_error": text()}
        if unset:
            for n in ("dns_aa", "dns_rcode", "dns_ancount", "dns_rcode_name", "dns_answers"):
                row[n] = ""
        cells = []
        for n in names:
            v = row[n]
            if isinstance(v, bool):
                cells.append("1" if v else "0")
            elif isinstance(v, list):
                cells.append('"' + cjson(v).replace('"', '""') + '"')
            elif isinstance(v, int):
                cells.append(str(v))
            else:
                cells.append(csv_text(v))
        c.write(",".join(cells) + "\n")
        j.write(cjson(row) + "\n")
        rows.append(row)
    json.dump(rows, rw)
PY
	grep -q '"\[{""name"":' "$T/m.csv" && grep -q ',"dns_answers":\[\],' "$T/m.json" && grep -q '," lead"$' "$T/m.csv" ||
		fail "the crafted rows lack lists or quoted text"
	for t in 1 2; do
		# each format converts to the other byte for byte
		"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O json <"$T/m.csv" >"$T/got.json" || fail "-T $t: to JSON: exit $?"
		cmp -s "$T/got.json" "$T/m.json" || fail "-T $t: CSV to JSON: $(diff "$T/got.json" "$T/m.json" | head -c 600)"
		"$ZS_BIN/zfilter" -T $t -a --no-dedup -f '*' -O csv <"$T/m.json" >"$T/got.csv" || fail "-T $t: to CSV: exit $?"
		cmp -s "$T/got.csv" "$T/m.csv" || fail "-T $t: JSON to CSV: $(diff "$T/got.csv" "$T/m.csv" | head -c 600)"
	done
	# --where on parsed fields, -u on a quoted cell, -f of quoted cells and
	# lists, from either format, against Python
	python3 - "$T" <<'PY'
import json, sys
T = sys.argv[1]
rows = json.load(open(T + "/m.rows"))
def first_by(key, rs):
    seen, out = set(), []
    for x in rs:
        k = key(x)
        if k not in seen:
            seen.add(k); out.append(x)
    return out
w1 = [x for x in rows if x["success"] and x["dns_rcode"] == 0 and x["dns_ancount"] != "" and x["dns_ancount"] > 0]
open(T + "/want1", "w").write("".join(x["saddr"] + "\n" for x in first_by(lambda x: x["saddr"], w1)))
w2 = first_by(lambda x: x["dns_parse_error"], rows)
open(T + "/want2", "w").write("".join(json.dumps({"saddr": x["saddr"], "dns_parse_error": x["dns_parse_error"],
                                                  "dns_answers": x["dns_answers"]}, separators=(",", ":")) + "\n" for x in w2))
w3 = [x for x in rows if "10.0.1." in json.dumps(x["dns_answers"])]  # --where, not success = 1
open(T + "/want3", "w").write("".join(x["saddr"] + "\n" for x in w3))
w4 = [x for x in rows if x["success"] and x["dns_aa"] is True and x["dns_rcode_name"] != "NOERROR"]
json.dump([[x["saddr"], x["dns_parse_error"], json.dumps(x["dns_answers"], separators=(",", ":")) if x["dns_answers"] != "" else ""] for x in w4], open(T + "/want4", "w"))
PY
	local fmt
	for fmt in csv json; do
		"$ZS_BIN/zfilter" --where 'success = 1 && dns_rcode = 0 && dns_ancount > 0' <"$T/m.$fmt" >"$T/got" || fail "$fmt: exit $?"
		cmp -s "$T/got" "$T/want1" || fail "$fmt: parsed fields: $(diff "$T/got" "$T/want1" | head -5)"
		"$ZS_BIN/zfilter" -a -u dns_parse_error -f saddr,dns_parse_error,dns_answers -O json <"$T/m.$fmt" >"$T/got" ||
			fail "$fmt: -u: exit $?"
		cmp -s "$T/got" "$T/want2" || fail "$fmt: -u on quoted cells: $(diff "$T/got" "$T/want2" | head -5)"
		"$ZS_BIN/zfilter" --no-dedup --where 'dns_answers ~ "10.0.1."' <"$T/m.$fmt" >"$T/got" || fail "$fmt: exit $?"
		cmp -s "$T/got" "$T/want3" || fail "$fmt: ~ on a list: $(diff "$T/got" "$T/want3" | head -5)"
		# text output: CSV rows Python's csv module reads back to the values
		"$ZS_BIN/zfilter" --no-dedup --where 'success = 1 && dns_aa = true && dns_rcode_name != NOERROR' \
			-f saddr,dns_parse_error,dns_answers <"$T/m.$fmt" >"$T/got" || fail "$fmt: exit $?"
		python3 - "$T" <<'PY' || fail "$fmt: text output does not read back"
import csv, json, sys
T = sys.argv[1]
got = list(csv.reader(open(T + "/got", newline="")))
sys.exit(got != json.load(open(T + "/want4")))
PY
	done
}

# ZGrab2's CSV input as its input.go reads it, in Python: RFC 4180 records
# read strictly (Go's encoding/csv: no bare quote in a field not quoted),
# '#' lines comments, empty lines skipped, each field trimmed of spaces, at
# most 4 fields (IP, DOMAIN, TAG, PORT), the first an IP address (or a
# CIDR, which zfilter never writes) unless it is the only field, a port
# empty or a decimal number. Prints one JSON array per target; exits 1,
# naming the record, on anything ZGrab2 would skip or stop on.
zgrab2_reader() {
	cat >"$T/zgrab2_read.py" <<'PY'
import ipaddress, json, sys
data = open(sys.argv[1], newline="").read()
def records(d):
    i, n, rec, line = 0, len(d), [], 1
    while i < n:
        if not rec and d[i] == "#":  # a comment line
            j = d.find("\n", i)
            i = n if j < 0 else j + 1; line += 1
            continue
        if not rec and d[i] == "\n":
            i += 1; line += 1
            continue
        if d[i] == '"':
            j, v = i + 1, []
            while True:
                k = d.find('"', j)
                if k < 0:
                    sys.exit("line %d: a quote that does not close" % line)
                v.append(d[j:k]); line += d[j:k].count("\n")
                if d[k + 1:k + 2] == '"':
                    v.append('"'); j = k + 2
                    continue
                i = k + 1
                break
            field = "".join(v)
            if i < n and d[i] not in ",\n":
                sys.exit("line %d: text after a closing quote" % line)
        else:
            j = i
            while j < n and d[j] not in ",\n":
                if d[j] == '"':
                    sys.exit("line %d: a bare quote" % line)
                j += 1
            field, i = d[i:j].rstrip("\r") if j == n or d[j] == "\n" else d[i:j], j
        rec.append(field)
        if i >= n or d[i] == "\n":
            yield line, rec
            rec = []; line += 1
        i += 1
out = []
for line, rec in records(data):
    f = [x.strip() for x in rec]
    if len(f) > 4:
        sys.exit("line %d: too many fields: %r" % (line, f))
    ip = None
    if f[0]:
        try:
            ip = str(ipaddress.ip_address(f[0]))
        except ValueError:
            try:
                ip = str(ipaddress.ip_network(f[0]))
            except ValueError:
                if len(f) != 1:
                    sys.exit("line %d: can't parse %r as an IP address or CIDR block" % (line, f[0]))
    domain = f[1] if len(f) > 1 else (f[0] if ip is None else "")
    tag = f[2] if len(f) > 2 else ""
    port = f[3] if len(f) > 3 else ""
    if ip is None and not domain:
        sys.exit("line %d: no address, network or domain" % line)
    if port and not (port.isdigit() and port.isascii()):
        sys.exit("line %d: port %r is not a number" % (line, port))
    out.append([ip, domain, tag, int(port) if port else None])
print(json.dumps(out))
PY
}

# -O zgrab2 writes ZGrab2's input lines, ip,domain,tag,port: the address
# and port of each distinct (saddr, sport) pair of both families, the port
# empty when the rows have no sport, the fields zgrab2's own reader needs
# in their places; ZMap 4's -f saddr,blank,blank,sport writes the same.
test_zfilter_zgrab2_input_lines() {
	local t rc
	zgrab2_reader
	python3 - "$T" <<'PY'
import json, random, sys
T = sys.argv[1]
r = random.Random(29)
rows, want, seen = [], [], set()
for i in range(5000):
    a = r.choice(("198.18.%d.%d" % (r.randrange(4), r.randrange(256)), "2001:2::%x" % r.randrange(1, 500)))
    port, ok = r.choice((22, 80, 443, 8080, 65535, 1)), r.random() < 0.7
    cls = r.choice(('synack', 'x,"y"', " sp "))
    rows.append((a, port, cls, ok))
    if ok and (a, port) not in seen:
        seen.add((a, port)); want.append([a, "", "", port])
with open(T + "/z.csv", "w") as c, open(T + "/z.json", "w") as j:
    c.write("saddr,sport,classification,success\n")
    for a, port, cls, ok in rows:
        c.write('%s,%d,"%s",%d\n' % (a, port, cls.replace('"', '""'), ok))
        j.write(json.dumps({"saddr": a, "sport": port, "classification": cls, "success": ok}) + "\n")
json.dump(want, open(T + "/z.want", "w"))
# with the classification as ZGrab2's tag
seen, tagged = set(), []
for a, port, cls, ok in rows:
    if ok and (a, port, cls) not in seen:
        seen.add((a, port, cls)); tagged.append([a, "", cls.strip(), port])
json.dump(tagged, open(T + "/z.tagged", "w"))
PY
	for t in 1 2; do
		for fmt in csv json; do
			"$ZS_BIN/zfilter" -T $t -O zgrab2 <"$T/z.$fmt" >"$T/got" || fail "-T $t $fmt: exit $?"
			python3 "$T/zgrab2_read.py" "$T/got" >"$T/read" || fail "-T $t $fmt: ZGrab2 would not read it"
			python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
				"$T/read" "$T/z.want" || fail "-T $t $fmt: other targets: $(head -3 "$T/got")"
			[ "$(grep -c '^[^,]*,,,[0-9]*$' "$T/got")" = "$(wc -l <"$T/got")" ] || fail "-T $t $fmt: not ip,,,port"
			# ZMap 4's way: the same lines
			"$ZS_BIN/zfilter" -T $t -f saddr,blank,blank,sport <"$T/z.$fmt" | cmp -s - "$T/got" ||
				fail "-T $t $fmt: -f saddr,blank,blank,sport differs"
			"$ZS_BIN/zfilter" -T $t -O zgrab2 -f saddr,sport <"$T/z.$fmt" | cmp -s - "$T/got" ||
				fail "-T $t $fmt: -O zgrab2 -f saddr,sport differs"
			# four fields: a tag that needs quotes, read back by ZGrab2's rules
			"$ZS_BIN/zfilter" -T $t -O zgrab2 -f saddr,blank,classification,sport <"$T/z.$fmt" >"$T/got4" ||
				fail "-T $t $fmt: exit $?"
			python3 "$T/zgrab2_read.py" "$T/got4" >"$T/read4" || fail "-T $t $fmt: four fields unreadable"
			python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
				"$T/read4" "$T/z.tagged" || fail "-T $t $fmt: four fields: other targets"
		done
	done
	# CSV with -f blank has its header; JSON leaves blank out, as ZMap does
	expect_eq "-O csv header" "$("$ZS_BIN/zfilter" -f saddr,blank,blank,sport -O csv <"$T/z.csv" | head -1)" \
		"saddr,blank,blank,sport"
	expect_eq "-O json" "$("$ZS_BIN/zfilter" -f blank,saddr,blank,sport -O json <"$T/z.csv" | head -1)" \
		"$(python3 -c 'import json; a, _, _, p = json.load(open("'"$T"'/z.want"))[0]; print(json.dumps({"saddr": a, "sport": p}, separators=(",", ":")))')"
	# rows without sport (an ICMP scan's): the port empty, one line per
	# address; with one address field the same
	printf 'saddr,classification,success\n198.18.0.1,echoreply,1\n2001:2::1,echoreply,1\n198.18.0.1,echoreply,1\n' >"$T/icmp.csv"
	expect_eq "no sport" "$("$ZS_BIN/zfilter" -O zgrab2 <"$T/icmp.csv")" $'198.18.0.1,,,\n2001:2::1,,,'
	printf '{"saddr":"198.18.0.1","success":true}\n{"saddr":"198.18.0.2","sport":80,"success":true}\n{"saddr":"198.18.0.1","success":true}\n' |
		"$ZS_BIN/zfilter" -O zgrab2 >"$T/got"
	expect_eq "JSON, sport in some rows" "$(cat "$T/got")" $'198.18.0.1,,,\n198.18.0.2,,,80'
	python3 "$T/zgrab2_read.py" "$T/got" >/dev/null || fail "empty ports unreadable"
	expect_eq "-f saddr" "$("$ZS_BIN/zfilter" -O zgrab2 -f saddr <"$T/z.csv" | head -1)" \
		"$(head -1 "$T/got4" | cut -d, -f1),,,"
	# a row ZGrab2 could not take is a bad line
	printf 'saddr,sport,success\n198.18.0.1,80,1\nsynack,80,1\n198.18.0.2,x,1\n198.18.0.3,70000,1\n198.18.0.4,,1\n2001:2::5,443,1\n' >"$T/bad.csv"
	rc=0
	"$ZS_BIN/zfilter" -O zgrab2 <"$T/bad.csv" >"$T/got" 2>"$T/err" || rc=$?
	expect_eq "bad rows: exit" "$rc" 1
	expect_eq "bad rows: output" "$(cat "$T/got")" $'198.18.0.1,,,80\n198.18.0.4,,,\n2001:2::5,,,443'
	expect_eq "bad rows: messages" "$(cat "$T/err")" "zfilter: stdin:3: field 'saddr' is not an IP address, which ZGrab2 needs: 'synack,80,1'
zfilter: stdin:4: field 'sport' is not a port number (or empty), which ZGrab2 needs: '198.18.0.2,x,1'
zfilter: stdin:5: field 'sport' is not a port number (or empty), which ZGrab2 needs: '198.18.0.3,70000,1'
zfilter: 3 bad lines skipped (of 6)"
	# fields that do not make ZGrab2's columns are refused before any row
	expect_error "^zfilter: -f: -O zgrab2 takes 1, 2 or 4 fields \(the address; the address and the port; or ZGrab2's ip,domain,tag,port, blank for an empty one\), not 3$" \
		"$ZS_BIN/zfilter" -O zgrab2 -f saddr,blank,sport
	expect_error "^zfilter: -f: ZGrab2's first column is the IP address, not blank$" \
		"$ZS_BIN/zfilter" -O zgrab2 -f blank,saddr
	expect_error "^zfilter: -f: -O zgrab2 writes its four columns from named fields, not '\*'$" \
		"$ZS_BIN/zfilter" -O zgrab2 -f '*'
	expect_error "^zfilter: -f: every field is blank$" "$ZS_BIN/zfilter" -f blank,blank
	expect_error "^zfilter: -u: blank is an empty column for -f, not a field$" \
		"$ZS_BIN/zfilter" -u saddr,blank
	# a header without the named sport is still refused (only the default
	# may go without it)
	expect_error "^zfilter: -f: no column 'sport' in the input$" \
		"$ZS_BIN/zfilter" -O zgrab2 -f saddr,sport <"$T/icmp.csv"
}

# -O lzr writes the JSON lines LZR reads from ZMap (its packet_metadata:
# saddr, daddr strings; sport, dport, seqnum, acknum, window numbers,
# which Go's json.Unmarshal into int fields needs: a string there stops
# LZR), one per (saddr, sport) of the SYN-ACKs; read here with Python's
# json module, types checked. -O json -f with the seven fields writes the
# same from CSV.
test_zfilter_lzr_json_lines() {
	local t fmt rc
	python3 - "$T" <<'PY'
import json, random, sys
T = sys.argv[1]
r = random.Random(31)
names = ["saddr", "daddr", "sport", "dport", "seqnum", "acknum", "window", "classification", "success", "repeat"]
want, seen = [], set()
with open(T + "/l.csv", "w") as c, open(T + "/l.json", "w") as j:
    c.write(",".join(names) + "\n")
    for i in range(4000):
        v6 = r.random() < 0.4
        a = "2001:2::%x" % r.randrange(300) if v6 else "198.18.%d.%d" % (r.randrange(2), r.randrange(256))
        d = "2001:2::1" if v6 else "198.18.0.1"
        ok = r.random() < 0.7
        row = {"saddr": a, "daddr": d, "sport": r.choice((80, 443, 9002)), "dport": r.randrange(32768, 61000),
               "seqnum": r.choice((0, 4294967295, r.randrange(1 << 32))), "acknum": r.randrange(1 << 32),
               "window": r.choice((0, 65535, 29200)), "classification": "synack" if ok else "rst",
               "success": ok, "repeat": False}
        c.write(",".join(str(int(v)) if isinstance(v, bool) else str(v) for v in row.values()) + "\n")
        # JSON input may carry a number as a string: LZR still gets a number
        jr = dict(row)
        if i % 7 == 0:
            jr["sport"] = str(jr["sport"])
        j.write(json.dumps(jr) + "\n")
        if ok and (a, row["sport"]) not in seen:
            seen.add((a, row["sport"]))
            want.append({k: row[k] for k in names[:7]})
json.dump(want, open(T + "/l.want", "w"))
PY
	cat >"$T/lzr_read.py" <<'PY'
import ipaddress, json, sys
KEYS = ["saddr", "daddr", "sport", "dport", "seqnum", "acknum", "window"]
got = []
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    assert line.endswith(b"\n") and b" " not in line, n
    o = json.loads(line, object_pairs_hook=lambda p: p)
    assert [k for k, _ in o] == KEYS, (n, o)
    o = dict(o)
    for k in KEYS[:2]:
        assert type(o[k]) is str, (n, k)
        ipaddress.ip_address(o[k])
    for k in KEYS[2:]:
        assert type(o[k]) is int and 0 <= o[k] < 1 << 32, (n, k, o[k])
    got.append(o)
sys.exit(got != json.load(open(sys.argv[2])))
PY
	for t in 1 2; do
		for fmt in csv json; do
			"$ZS_BIN/zfilter" -T $t -O lzr <"$T/l.$fmt" >"$T/got" || fail "-T $t $fmt: exit $?"
			python3 "$T/lzr_read.py" "$T/got" "$T/l.want" || fail "-T $t $fmt: not what LZR reads: $(head -2 "$T/got")"
		done
		"$ZS_BIN/zfilter" -T $t -O json -u saddr,sport -f saddr,daddr,sport,dport,seqnum,acknum,window \
			<"$T/l.csv" >"$T/got" || fail "-T $t: -O json -f: exit $?"
		python3 "$T/lzr_read.py" "$T/got" "$T/l.want" || fail "-T $t: -O json -f: $(head -2 "$T/got")"
	done
	# --where and -u still apply (ZMap's "success = 1 && repeat = 0")
	"$ZS_BIN/zfilter" -O lzr --where 'success = 1 && repeat = 0' -u saddr <"$T/l.csv" >"$T/got"
	expect_eq "-u saddr" "$(wc -l <"$T/got")" "$(python3 -c 'import json; print(len({o["saddr"] for o in json.load(open("'"$T"'/l.want"))}))')"
	# a row whose numbers or addresses LZR could not take is a bad line
	printf 'saddr,daddr,sport,dport,seqnum,acknum,window,success\n1.1.1.1,2.2.2.2,80,1,2,3,4,1\n1.1.1.2,2.2.2.2,,1,2,3,4,1\n1.1.1.3,2.2.2.2,80,1,4294967296,3,4,1\n1.1.1.4,x,80,1,2,3,4,1\n1.1.1.5,2.2.2.2,80,1,-2,3,4,1\n' >"$T/bad.csv"
	rc=0
	"$ZS_BIN/zfilter" -O lzr <"$T/bad.csv" >"$T/got" 2>"$T/err" || rc=$?
	expect_eq "bad rows: exit" "$rc" 1
	expect_eq "bad rows: output" "$(cat "$T/got")" \
		'{"saddr":"1.1.1.1","daddr":"2.2.2.2","sport":80,"dport":1,"seqnum":2,"acknum":3,"window":4}'
	expect_eq "bad rows: messages" "$(cat "$T/err")" "zfilter: stdin:3: field 'sport' is not a number of 0 to 4294967295, which LZR needs: '1.1.1.2,2.2.2.2,,1,2,3,4,1'
zfilter: stdin:4: field 'seqnum' is not a number of 0 to 4294967295, which LZR needs: '1.1.1.3,2.2.2.2,80,1,4294967296,3,4,1'
zfilter: stdin:5: field 'daddr' is not an IP address, which LZR needs: '1.1.1.4,x,80,1,2,3,4,1'
zfilter: stdin:6: field 'seqnum' is not a number of 0 to 4294967295, which LZR needs: '1.1.1.5,2.2.2.2,80,1,-2,3,4,1'
zfilter: 4 bad lines skipped (of 5)"
	expect_error "^zfilter: -f: -O lzr writes the fields LZR reads \(saddr,daddr,sport,dport,seqnum,acknum,window\)$" \
		"$ZS_BIN/zfilter" -O lzr -f saddr
	printf 'saddr,daddr,sport,dport,success\n1.1.1.1,2.2.2.2,80,1,1\n' >"$T/short.csv"
	expect_error "^zfilter: -O lzr: no column 'seqnum' in the input$" "$ZS_BIN/zfilter" -O lzr <"$T/short.csv"
}
