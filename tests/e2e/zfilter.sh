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
