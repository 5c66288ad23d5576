# Nothing lost without a word: every output of zsend and zrecv that fails
# (a full device, a disk that fills part-way, a reader that left) stops the
# tool at once with one line naming the output and why, exit 1; a scan cut
# short or failing upstream never exits 0 at the pipeline's end; stdin's
# lines are bounded.

# A tmpfs of SIZE at DIR, unmounted when the test ends.
small_disk() { # DIR SIZE
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1"
	SMALL_DISKS="${SMALL_DISKS:-} $1"
	trap 'for d in $SMALL_DISKS; do umount "$d"; done; lab_down 2>/dev/null || true' EXIT
}

# expect_write_error WHAT FILE-PATTERN EXIT-CODE ERR-FILE: the tool's
# stderr holds exactly one line about writing, "tool: FILE: write error:
# why", and nothing claims success.
expect_write_error() { # TOOL FILE WHY RC ERRFILE
	local tool=$1 file=$2 why=$3 rc=$4 err=$5
	expect_eq "$tool's exit ($(head -c 300 "$err"))" "$rc" 1
	expect_eq "$tool's write error lines" "$(grep -c "write error" "$err" || true)" 1
	grep -qF "$tool: $file: write error: $why" "$err" || fail "$tool: no '$file: write error: $why' in: $(cat "$err")"
}

test_lossless_zsend_outputs_fail_loudly() {
	make_key "$T/key"
	local zs=("$ZS_BIN/zsend" --dryrun -q -b /dev/null -k "$T/key" -p 80 -S 10.0.0.1 -G 02:00:00:00:00:01)
	seq 1 2 | sed 's/^/10.1.0./' >"$T/two"
	"$ZS_BIN/zgen" -b /dev/null -n 100000 -e 3 10.0.0.0/8 >"$T/many"
	local in rc
	for in in two many; do
		# the frames (stdout), small and large
		rc=0
		"${zs[@]}" <"$T/$in" >/dev/full 2>"$T/err" || rc=$?
		expect_write_error zsend stdout "No space left on device" "$rc" "$T/err"
		# --metadata and --status-updates
		for opt in --metadata --status-updates; do
			rc=0
			"${zs[@]}" "$opt" /dev/full <"$T/$in" >/dev/null 2>"$T/err" || rc=$?
			expect_write_error zsend /dev/full "No space left on device" "$rc" "$T/err"
		done
		# a reader that leaves at once
		rc=0
		"${zs[@]}" <"$T/$in" 2>"$T/err" | true
		rc=${PIPESTATUS[0]}
		expect_write_error zsend stdout "Broken pipe" "$rc" "$T/err"
	done
	# a disk that fills part-way: 100,000 frames are some 20 MB
	small_disk "$T/disk" 256k
	rc=0
	"${zs[@]}" <"$T/many" >"$T/disk/frames" 2>"$T/err" || rc=$?
	expect_write_error zsend stdout "No space left on device" "$rc" "$T/err"
	rc=0
	"${zs[@]}" --status-updates "$T/disk/updates" <"$T/many" >/dev/null 2>"$T/err.2" &
	local pid=$!
	# the updates file fills (a row a second): the disk full first
	head -c 300k /dev/zero >"$T/disk/fill" 2>/dev/null || true
	wait $pid || rc=$?
	[ "$rc" -ne 0 ] || fail "zsend exited 0 with its updates on a full disk: $(cat "$T/err.2")"
	expect_write_error zsend "$T/disk/updates" "No space left on device" "$rc" "$T/err.2"
}

test_lossless_zrecv_outputs_fail_loudly() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local zg="'$ZS_BIN/zgen' -b '$T/link.block' -p 80"
	local zs="'$ZS_BIN/zsend' -q -b /dev/null -r 20000"
	local rc
	# small (one host) and large (a /20's 800 hosts, ~90 KB) results
	local space
	for space in 198.18.16.5/32 198.18.16.0/20; do
		in_scan bash -c "$zg $space | $zs | '$ZS_BIN/zrecv' -q -c 1 >/dev/full" 2>"$T/err" && rc=0 || rc=$?
		expect_write_error zrecv stdout "No space left on device" "$rc" "$T/err"
		local opt
		for opt in -o --metadata --status-updates; do
			in_scan bash -c "$zg $space | $zs | '$ZS_BIN/zrecv' -q -c 1 $opt /dev/full" >/dev/null 2>"$T/err" && rc=0 || rc=$?
			expect_write_error zrecv /dev/full "No space left on device" "$rc" "$T/err"
		done
		# a reader that leaves (at once; after 10 bytes, which the one
		# host's 120 would still fill)
		local reader
		for reader in true "head -c 10 >/dev/null"; do
			[ "$space" != 198.18.16.5/32 ] || [ "$reader" = true ] || continue
			in_scan bash -c "$zg $space | $zs 2>'$T/zsend.err' | '$ZS_BIN/zrecv' -q -c 1 | $reader; echo \${PIPESTATUS[2]} >'$T/rc'" 2>"$T/err" || true
			expect_write_error zrecv stdout "Broken pipe" "$(cat "$T/rc")" "$T/err"
		done
	done
	# a disk that fills part-way through a scan (-o and >): zrecv stops
	# at once, and zsend stops when it goes; neither exits 0
	small_disk "$T/disk" 16k
	local how
	for how in "-o '$T/disk/res.csv'" ">'$T/disk/res.csv'"; do
		rm -f "$T/disk/res.csv"
		in_scan bash -c "$zg 198.18.0.0/16 | '$ZS_BIN/zsend' -q -b /dev/null -r 5000 --metadata '$T/s.json' 2>'$T/zsend.err' | '$ZS_BIN/zrecv' -q -c 1 $how; echo \${PIPESTATUS[1]} \${PIPESTATUS[2]} >'$T/rc'" 2>"$T/err" || true
		local file="$T/disk/res.csv"
		[[ $how == -o* ]] || file=stdout
		expect_write_error zrecv "$file" "No space left on device" "$(cut -d' ' -f2 "$T/rc")" "$T/err"
		expect_eq "zsend's exit" "$(cut -d' ' -f1 "$T/rc")" 1
		grep -q "zrecv has gone" "$T/zsend.err" || fail "zsend: $(cat "$T/zsend.err")"
		local sent total
		sent=$(json "$T/s.json" probes_sent)
		total=$("$ZS_BIN/zgen" --count -b "$T/link.block" -p 80 198.18.0.0/16)
		[ "$sent" -lt "$total" ] || fail "zsend went on to the end ($sent probes) with its results lost"
	done
}

# A scan cut short upstream (a zgen header's count not reached) or failing
# upstream (zsend skipped a bad line) makes the pipeline's last stage exit
# non-zero: 3 (incomplete, resumable) or 1, with one line and its metadata
# saying which; `... | zrecv > out.csv && mark_complete` never marks it.
test_lossless_partial_scans_never_exit_0() {
	LAB_LIVE="198.18.16.0/22:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local zs="'$ZS_BIN/zsend' -q -b /dev/null -r 20000"
	local zr="'$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json'"
	in_scan bash -c "'$ZS_BIN/zgen' --header -e 5 -b '$T/link.block' -p 80 198.18.16.0/22 | head -n 101 | $zs --metadata '$T/s.json' | $zr >'$T/out.csv' && touch '$T/complete'; echo \${PIPESTATUS[*]} >'$T/rc'" 2>"$T/err" || true
	[ ! -e "$T/complete" ] || fail "a scan cut short was marked complete"
	expect_eq "statuses of zgen, head, zsend, zrecv" "$(cut -d' ' -f2- "$T/rc")" "0 3 3"
	grep -q "zrecv: the scan is incomplete: zsend's input was cut short; the answers are whole for the first 100 input lines; to continue: zgen --seed 5 --shards 1 --shard 0 --resume 100$" "$T/err" ||
		fail "zrecv: $(cat "$T/err")"
	expect_eq "metadata: complete" "$(json "$T/r.json" complete)" false
	expect_eq "metadata: why" "$(json "$T/r.json" incomplete_reason)" "zsend's input was cut short"
	expect_eq "metadata: resume" "$(json "$T/r.json" resume)" 100
	expect_eq "zsend: input short" "$(json "$T/s.json" input_short)" true
	# the 100 targets were scanned all the same: their live hosts found
	"$ZS_BIN/zgen" -e 5 -b "$T/link.block" -p 80 198.18.16.0/22 | head -n 100 | cut -d, -f1 | sorted >"$T/probed"
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/out.csv" | sorted >"$T/found"
	cmp -s "$T/found" <(comm -12 "$T/probed" <(sorted "$LAB_DIR/live.txt")) || fail "the cut scan's hosts are not the live ones of its 100 targets"
	# zsend failing (a bad line skipped): zrecv fails too
	in_scan bash -c "{ echo 198.18.16.1,80; echo 198.18.16.300,80; echo 198.18.16.2,80; } | $zs | $zr >/dev/null && touch '$T/complete'; echo \${PIPESTATUS[*]} >'$T/rc'" 2>"$T/err" || true
	[ ! -e "$T/complete" ] || fail "a failed scan was marked complete"
	expect_eq "statuses of the input, zsend, zrecv" "$(cat "$T/rc")" "0 1 1"
	grep -q "zrecv: the scan is not whole: zsend failed (exit 1; see its messages)$" "$T/err" || fail "zrecv: $(cat "$T/err")"
	expect_eq "metadata: why" "$(json "$T/r.json" incomplete_reason)" "zsend failed"
	# and a whole scan, for contrast: 0, complete
	in_scan bash -c "'$ZS_BIN/zgen' --header -b '$T/link.block' -p 80 198.18.16.0/24 | $zs | $zr >/dev/null" 2>"$T/err" ||
		fail "a whole scan failed: $(cat "$T/err")"
	expect_eq "metadata: complete" "$(json "$T/r.json" complete)" true
}

# zsend's stdin: a line that never ends is one bad line, never held
# whole (memory stays small), and the lines after it are still sent; a
# stop while it grows ends zsend at once.
test_lossless_zsend_lines_are_bounded() {
	make_key "$T/key"
	local zs=("$ZS_BIN/zsend" --dryrun -q -b /dev/null -k "$T/key" -p 80 -S 10.0.0.1 -G 02:00:00:00:00:01 --metadata "$T/m.json")
	local rc=0
	{ echo 10.0.0.1; head -c 100M /dev/zero; echo; echo 10.0.0.2; } |
		/usr/bin/time -f '%M' -o "$T/kb" "${zs[@]}" >"$T/frames" 2>"$T/err" || rc=$?
	expect_eq "exit after a bad line" "$rc" 1
	grep -q "stdin:2: a line longer than 4096 bytes" "$T/err" || fail "no bad line 2: $(cat "$T/err")"
	expect_eq "frames sent" "$(grep -c '^000000 ' "$T/frames")" 2
	expect_eq "bad lines" "$(json "$T/m.json" bad_lines)" 1
	local kb limit=65536
	kb=$(tail -1 "$T/kb")
	[[ $ZS_BIN == *asan* ]] && limit=262144
	[ "$kb" -le "$limit" ] || fail "a 100 MB line took $kb KiB"
	# SIGTERM while the line keeps growing
	"${zs[@]}" < <(cat /dev/zero) >/dev/null 2>"$T/err" &
	local pid=$!
	wait_until 60 sh -c "[ \$(awk '/^VmRSS/ {print \$2}' /proc/$pid/status 2>/dev/null || echo 0) -gt 0 ] && sleep 0.5"
	kill -TERM "$pid"
	wait_until 30 sh -c "! kill -0 $pid 2>/dev/null"
	rc=0
	wait "$pid" || rc=$?
	# the line was bad long before the stop: 1 (bad input) over 3
	expect_eq "exit after SIGTERM mid-line" "$rc" 1
	grep -q "stdin:1: a line longer than 4096 bytes" "$T/err" || fail "no bad line: $(cat "$T/err")"
	grep -q "interrupted" "$T/err" || fail "not said to be interrupted: $(cat "$T/err")"
}

# CMD with its stdout a pipe whose reader has gone before it starts (a
# `| true` would race with the write); CMD's exit status.
into_closed_pipe() {
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.run(sys.argv[1:], stdout=w).returncode % 256)' "$@"
}

# What every tool prints and exits on (--help, --version, listings, counts)
# into a full device or a reader that left: one line, exit 1 (each exited 0
# with nothing said).
test_lossless_listings_check_their_writes() {
	local cmd rc
	while read -r cmd; do
		[ -n "$cmd" ] || continue
		rc=0
		# shellcheck disable=SC2086 # the tool and its options
		$ZS_BIN/$cmd >/dev/full 2>"$T/err" || rc=$?
		expect_eq "'$cmd >/dev/full': exit ($(cat "$T/err"))" "$rc" 1
		expect_eq "'$cmd >/dev/full': message" "$(cat "$T/err")" "${cmd%% *}: stdout: write error: No space left on device"
		rc=0
		# shellcheck disable=SC2086
		into_closed_pipe $ZS_BIN/$cmd 2>"$T/err" || rc=$?
		expect_eq "'$cmd' into a closed pipe: exit ($(cat "$T/err"))" "$rc" 1
		expect_eq "'$cmd' into a closed pipe: message" "$(cat "$T/err")" "${cmd%% *}: stdout: write error: Broken pipe"
	done <<'CMDS'
zgen --help
zgen --version
zgen --count -b /dev/null 10.0.0.0/8
zblacklist --help
zblacklist --version
zblacklist --count
zblacklist --cidrs
zsend --help
zsend --version
zsend --list-modules
zrecv --help
zrecv --version
zrecv --list-fields
zrecv --list-fields -M udp
zfilter --help
zfilter --version
CMDS
}
