# A libFuzzer run of a stated 15,000 executions over the parsers of
# everything that comes from outside (captured frames of every link type
# through every module, target lines, CIDRs, ports, limits, result lines,
# zblacklist's input, key files, list files, udp payload specs and files,
# --where expressions), under ASan+UBSan. `make fuzz` runs longer.
# build/fuzz/fuzz_parse is one binary whichever build the suite tests, so
# it runs once, with the asan build's tests. A stated count checks the same
# on any machine; it takes about 25 s here, and a time box of 240 s keeps
# a machine many times slower within the suite's 300 s per test (it then
# says how many executions fitted).

test_fuzz_parsers_short_run() {
	if [[ $ZS_BIN != */build/asan/bin ]]; then
		echo "  (runs once, with the asan build's tests: the fuzzer is one binary)"
		return 0
	fi
	local want=15000 runs
	mkdir -p "$T/corpus"
	cp tests/fuzz/corpus/* "$T/corpus/"
	build/fuzz/fuzz_parse -runs=$want -max_total_time=240 -timeout=30 -artifact_prefix="$T/" \
		"$T/corpus" >"$T/fuzz.log" 2>&1 ||
		fail "fuzzer found a problem: $(grep -E 'ERROR|SUMMARY|abort|Timeout' "$T/fuzz.log" | head -5)"
	runs=$(grep -o 'Done [0-9]* runs' "$T/fuzz.log" | cut -d' ' -f2)
	[ "${runs:-0}" -gt 0 ] || fail "no executions: $(tail -3 "$T/fuzz.log")"
	if [ "$runs" -lt $want ]; then
		echo "  the 240 s time box ended the run: $runs of $want inputs, no crash, no sanitizer report"
	else
		expect_eq "executions" "$runs" $want
		echo "  $runs inputs, no crash, no sanitizer report"
	fi
}
