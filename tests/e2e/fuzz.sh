# A short libFuzzer run over the parsers of everything that comes from
# outside (packets, target lines, CIDRs, ports, limits), under ASan+UBSan.
# `make fuzz` runs longer.

test_fuzz_parsers_short_run() {
	mkdir -p "$T/corpus"
	cp tests/fuzz/corpus/* "$T/corpus/"
	build/fuzz/fuzz_parse -max_total_time=8 -timeout=5 -artifact_prefix="$T/" "$T/corpus" >"$T/fuzz.log" 2>&1 ||
		fail "fuzzer found a problem: $(grep -E 'ERROR|SUMMARY|abort' "$T/fuzz.log" | head -5)"
	runs=$(grep -o 'Done [0-9]* runs' "$T/fuzz.log" | cut -d' ' -f2)
	[ "${runs:-0}" -gt 10000 ] || fail "only ${runs:-0} runs: $(tail -3 "$T/fuzz.log")"
	echo "  $runs inputs, no crash, no sanitizer report"
}
