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
	grep -q "stdin:4: saddr is not an IPv4 address: 'not-an-ip,80,1'" "$T/err" || fail "$(cat "$T/err")"
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
	expect_error "-O: 'xml' is not text, csv or json" "$ZS_BIN/zfilter" -O xml
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

# Output is buffered 1 MiB at a time: a value longer than that (lines have
# no length limit) is written whole, not past the end of the buffer.
test_zfilter_values_over_a_megabyte_pass_whole() {
	python3 -c 'print("a,success"); print("x" * 2000000 + ",1"); print("y,1")' >"$T/in"
	"$ZS_BIN/zfilter" -a --no-dedup -f a <"$T/in" >"$T/out" 2>"$T/err" || fail "exit $?: $(head -c 300 "$T/err")"
	expect_eq "bytes" "$(wc -c <"$T/out")" 2000003
	expect_eq "rows" "$(cut -c1-3 "$T/out" | tr '\n' ' ')" "xxx y "
	"$ZS_BIN/zfilter" -a --no-dedup -f '*' -O csv <"$T/in" | cmp -s - "$T/in" || fail "CSV back differs"
}
