# The README's first command ends in `make demo`: it must run as written,
# find exactly the lab's live hosts, and draw their map.

test_demo_runs_as_the_readme_says() {
	local rc=0
	make -s demo >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "make demo's exit ($(tail -3 "$T/err"))" "$rc" 0
	grep -q "^# found exactly the [0-9]* live hosts of the lab, no false positive$" "$T/out" ||
		fail "no match with the ground truth: $(grep '^#' "$T/out" | tail -3)"
	expect_eq "first 10 of them, then 5 IPv6 ones" "$(grep -c '^198\.18\.' "$T/out")/$(grep -c '^2001:2:' "$T/out")" 10/5
	local f
	for f in build/demo/lab.png build/demo/lab6.png; do
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is no PNG"
	done
}
