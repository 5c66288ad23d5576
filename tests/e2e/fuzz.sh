# A libFuzzer run of a stated 40,000 executions over the parsers of
# everything that comes from outside (captured frames of every link type
# through every module, target lines, CIDRs, ports, limits, result lines,
# zblacklist's input, key files, list files, udp payload specs and files,
# --where expressions), under ASan+UBSan. `make fuzz` runs longer.

test_fuzz_parsers_short_run() {
	mkdir -p "$T/corpus"
	cp tests/fuzz/corpus/* "$T/corpus/"
	timeout 300 build/fuzz/fuzz_parse -runs=40000 -timeout=5 -artifact_prefix="$T/" "$T/corpus" >"$T/fuzz.log" 2>&1 ||
		fail "fuzzer found a problem: $(grep -E 'ERROR|SUMMARY|abort|Timeout' "$T/fuzz.log" | head -5)"
	runs=$(grep -o 'Done [0-9]* runs' "$T/fuzz.log" | cut -d' ' -f2)
	expect_eq "executions" "${runs:-0}" 40000
	echo "  $runs inputs, no crash, no sanitizer report"
}
